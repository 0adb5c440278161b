namespace MediaMemory.Compression.Internals;

/// <summary>
/// The byte-plane split and per-plane delta of <see cref="CompressionFilter"/>, forward and inverse,
/// on one chunk. Bytes after the last whole element (length mod stride) are copied unchanged.
/// </summary>
/// <remarks>Stateless and thread-safe. 4-byte elements (RGBA8, BGRA8) take a faster path that moves
/// whole pixels as <see cref="uint"/>s and adds the four deltas at once (SWAR: a byte-wise add
/// without carries between bytes).</remarks>
internal static unsafe class PlaneFilter
{
    public static void Apply(CompressionFilter filter, int stride, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        System.Diagnostics.Debug.Assert(source.Length == destination.Length, "filter lengths differ");
        var n = source.Length / stride;
        var whole = n * stride;
        source[whole..].CopyTo(destination[whole..]);
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            for (var p = 0; p < stride; p++)
            {
                var plane = dst + ((long)p * n);
                var from = src + p;
                if (filter == CompressionFilter.PlanesDelta)
                {
                    byte previous = 0;
                    for (var i = 0; i < n; i++)
                    {
                        var value = from[(long)i * stride];
                        plane[i] = (byte)(value - previous);
                        previous = value;
                    }
                }
                else
                {
                    for (var i = 0; i < n; i++)
                    {
                        plane[i] = from[(long)i * stride];
                    }
                }
            }
        }
    }

    public static void Invert(CompressionFilter filter, int stride, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        System.Diagnostics.Debug.Assert(source.Length == destination.Length, "filter lengths differ");
        var n = source.Length / stride;
        var whole = n * stride;
        source[whole..].CopyTo(destination[whole..]);
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            if (stride == 4 && BitConverter.IsLittleEndian)
            {
                Invert4(filter == CompressionFilter.PlanesDelta, src, (uint*)dst, n);
                return;
            }

            for (var p = 0; p < stride; p++)
            {
                var plane = src + ((long)p * n);
                var to = dst + p;
                byte running = 0;
                for (var i = 0; i < n; i++)
                {
                    running = filter == CompressionFilter.PlanesDelta ? (byte)(running + plane[i]) : plane[i];
                    to[(long)i * stride] = running;
                }
            }
        }
    }

    private static void Invert4(bool delta, byte* planes, uint* pixels, int n)
    {
        byte* p0 = planes, p1 = planes + n, p2 = planes + (2L * n), p3 = planes + (3L * n);
        if (!delta)
        {
            for (var i = 0; i < n; i++)
            {
                pixels[i] = p0[i] | ((uint)p1[i] << 8) | ((uint)p2[i] << 16) | ((uint)p3[i] << 24);
            }

            return;
        }

        // Byte-wise add of the four running values: add the low 7 bits of each byte, then put back
        // each byte's top bit as the XOR of the operands' top bits (no carry crosses a byte).
        const uint Low7 = 0x7F7F7F7Fu;
        const uint High = 0x80808080u;
        uint running = 0;
        for (var i = 0; i < n; i++)
        {
            var d = p0[i] | ((uint)p1[i] << 8) | ((uint)p2[i] << 16) | ((uint)p3[i] << 24);
            running = ((running & Low7) + (d & Low7)) ^ ((running ^ d) & High);
            pixels[i] = running;
        }
    }
}
