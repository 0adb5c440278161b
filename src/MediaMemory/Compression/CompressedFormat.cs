using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;
using MediaMemory.Compression.Internals;
using ZstdSharp;

namespace MediaMemory.Compression;

/// <summary>
/// The self-describing, checksummed container that <see cref="CompressedStore"/> keeps: the input cut
/// into chunks, each filtered (<see cref="CompressionFilter"/>) and compressed on its own
/// (<see cref="CompressionCodec"/>). Decompression is bit-exact or throws <see cref="InvalidDataException"/>.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian): a 32-byte header — magic <c>MMC1</c>, codec, filter, bytes per element,
/// a zero byte, the original length (int64), the chunk length (int32), the chunk count (int32), and a
/// 64-bit checksum of everything else — then one int32 per chunk (its stored length; bit 31 set when the
/// chunk is stored raw because the codec did not shrink it), then the chunks.</para>
/// <para>Chunks of <see cref="ChunkBytes"/> bound the scratch memory (one chunk, pooled) and keep LZ4's
/// 64 KiB window fully used. The checksum covers the compressed bytes, so checking it costs a fraction of
/// decompressing. Thread-safe: every call is independent.</para>
/// </remarks>
public static class CompressedFormat
{
    /// <summary>Bytes of input per chunk, before rounding down to whole elements: 1 MiB (arbitrary:
    /// large against LZ4's 64 KiB window, small enough to stay in L2 cache with its filtered copy).</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>Bytes of the fixed header.</summary>
    public const int HeaderBytes = 32;

    /// <summary>The zstd level used when none is given: 3, zstd's own default.</summary>
    public const int DefaultZstdLevel = 3;

    private const uint Magic = 0x31434D4D; // "MMC1" read little-endian
    private const int RawFlag = 1 << 31;
    private const int ChecksumOffset = 24;

    /// <summary>The most bytes <see cref="Compress"/> can write for <paramref name="sourceBytes"/> bytes of input.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is negative, or more than one span holds
    /// (<see cref="int.MaxValue"/>), which is all <see cref="Compress"/> takes.</exception>
    public static long GetMaxCompressedBytes(long sourceBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sourceBytes, int.MaxValue);
        // The shortest chunk (16-byte elements aside, ChunkBytes rounds down by at most 15) gives the most chunks.
        var chunks = ChunkCount(sourceBytes, ChunkBytes - 15);
        // A chunk the codec would grow is stored raw, so the payload never exceeds the input.
        return checked(HeaderBytes + (chunks * 4) + sourceBytes);
    }

    /// <summary>
    /// Compresses <paramref name="source"/> into <paramref name="destination"/> and returns the bytes written.
    /// </summary>
    /// <param name="source">The bytes to compress.</param>
    /// <param name="destination">At least <see cref="GetMaxCompressedBytes"/> bytes.</param>
    /// <param name="codec">The codec.</param>
    /// <param name="filter">The pre-filter; ignored (stored as <see cref="CompressionFilter.None"/>) for 1-byte elements.</param>
    /// <param name="bytesPerElement">Bytes of one pixel (4 for RGBA8), 1…16.</param>
    /// <param name="zstdLevel">Zstd level 1…19 (ignored for LZ4).</param>
    /// <exception cref="ArgumentOutOfRangeException">An unknown codec or filter, an element size or level out of range.</exception>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static long Compress(ReadOnlySpan<byte> source, Span<byte> destination, CompressionCodec codec, CompressionFilter filter = CompressionFilter.None, int bytesPerElement = 1, int zstdLevel = DefaultZstdLevel)
    {
        CheckSettings(codec, filter, bytesPerElement);
        ArgumentOutOfRangeException.ThrowIfLessThan(zstdLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(zstdLevel, 19);
        if (destination.Length < GetMaxCompressedBytes(source.Length))
        {
            throw new ArgumentException($"the destination holds {destination.Length} bytes; {GetMaxCompressedBytes(source.Length)} are needed for {source.Length} bytes of input", nameof(destination));
        }

        if (bytesPerElement == 1)
        {
            filter = CompressionFilter.None;
        }

        var chunkLength = ChunkLength(bytesPerElement);
        var chunks = (int)ChunkCount(source.Length, chunkLength);
        var table = destination.Slice(HeaderBytes, chunks * 4);
        var written = HeaderBytes + (chunks * 4);
        var scratch = filter == CompressionFilter.None ? null : ArrayPool<byte>.Shared.Rent(chunkLength);
        using var zstd = codec == CompressionCodec.Zstd ? new Compressor(zstdLevel) : null;
        try
        {
            for (var c = 0; c < chunks; c++)
            {
                var input = source.Slice(c * chunkLength, Math.Min(chunkLength, source.Length - (c * chunkLength)));
                if (scratch is not null)
                {
                    PlaneFilter.Apply(filter, bytesPerElement, input, scratch.AsSpan(0, input.Length));
                    input = scratch.AsSpan(0, input.Length);
                }

                // The codec may write at most input.Length - 1 bytes: anything longer is stored raw.
                var output = destination.Slice(written, input.Length);
                var length = Encode(codec, zstd, input, output[..Math.Max(0, input.Length - 1)]);
                if (length <= 0)
                {
                    input.CopyTo(output);
                    length = input.Length;
                    BinaryPrimitives.WriteInt32LittleEndian(table[(c * 4)..], length | RawFlag);
                }
                else
                {
                    BinaryPrimitives.WriteInt32LittleEndian(table[(c * 4)..], length);
                }

                written += length;
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        var header = destination[..HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        header[4] = (byte)codec;
        header[5] = (byte)filter;
        header[6] = (byte)bytesPerElement;
        header[7] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], source.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], chunkLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], chunks);
        BinaryPrimitives.WriteUInt64LittleEndian(header[ChecksumOffset..], ComputeChecksum(destination[..written]));
        return written;
    }

    /// <summary>The original length in bytes that <paramref name="compressed"/> says it holds.</summary>
    /// <exception cref="InvalidDataException">The header is not one this class wrote.</exception>
    public static long GetOriginalBytes(ReadOnlySpan<byte> compressed) => ReadHeader(compressed).OriginalBytes;

    /// <summary>
    /// Decompresses <paramref name="compressed"/> into <paramref name="destination"/>, which must be exactly
    /// the original length. Verifies the checksum first and every chunk's length.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt or not this format.</exception>
    /// <exception cref="ArgumentException">The destination's length is not the original length.</exception>
    public static void Decompress(ReadOnlySpan<byte> compressed, Span<byte> destination)
    {
        var header = ReadHeader(compressed);
        if (BinaryPrimitives.ReadUInt64LittleEndian(compressed[ChecksumOffset..]) != ComputeChecksum(compressed))
        {
            throw new InvalidDataException("compressed data is corrupt: checksum mismatch");
        }

        if (destination.Length != header.OriginalBytes)
        {
            throw new ArgumentException($"the destination holds {destination.Length} bytes; the data decompresses to {header.OriginalBytes}", nameof(destination));
        }

        var table = compressed.Slice(HeaderBytes, header.Chunks * 4);
        var offset = (long)HeaderBytes + (header.Chunks * 4);
        var scratch = header.Filter == CompressionFilter.None ? null : ArrayPool<byte>.Shared.Rent(header.ChunkLength);
        using var zstd = header.Codec == CompressionCodec.Zstd ? new Decompressor() : null;
        try
        {
            for (var c = 0; c < header.Chunks; c++)
            {
                var entry = BinaryPrimitives.ReadInt32LittleEndian(table[(c * 4)..]);
                var stored = entry & ~RawFlag;
                var output = destination.Slice(c * header.ChunkLength, (int)Math.Min(header.ChunkLength, header.OriginalBytes - ((long)c * header.ChunkLength)));
                if (stored > compressed.Length - offset || ((entry & RawFlag) != 0 && stored != output.Length))
                {
                    throw new InvalidDataException($"compressed data is corrupt: chunk {c} claims {stored} bytes");
                }

                var input = compressed.Slice((int)offset, stored);
                var target = scratch is null ? output : scratch.AsSpan(0, output.Length);
                if ((entry & RawFlag) != 0)
                {
                    input.CopyTo(target);
                }
                else if (Decode(header.Codec, zstd, input, target) != target.Length)
                {
                    throw new InvalidDataException($"compressed data is corrupt: chunk {c} did not decode to {target.Length} bytes");
                }

                if (scratch is not null)
                {
                    PlaneFilter.Invert(header.Filter, header.BytesPerElement, target, output);
                }

                offset += stored;
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        if (offset != compressed.Length)
        {
            throw new InvalidDataException($"compressed data is corrupt: {compressed.Length - offset} bytes follow the last chunk");
        }
    }

    internal static void CheckSettings(CompressionCodec codec, CompressionFilter filter, int bytesPerElement)
    {
        if (codec is not (CompressionCodec.Lz4 or CompressionCodec.Zstd))
        {
            throw new ArgumentOutOfRangeException(nameof(codec), codec, "unknown codec");
        }

        if (filter is < CompressionFilter.None or > CompressionFilter.PlanesDelta)
        {
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter");
        }

        if (bytesPerElement is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(bytesPerElement), bytesPerElement, "bytes per element must be 1…16");
        }
    }

    private static int Encode(CompressionCodec codec, Compressor? zstd, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.IsEmpty)
        {
            return 0;
        }

        if (codec == CompressionCodec.Lz4)
        {
            return LZ4Codec.Encode(input, output, LZ4Level.L00_FAST);
        }

        try
        {
            return zstd!.Wrap(input, output);
        }
        catch (ZstdException)
        {
            return 0; // destination too small: the chunk does not shrink and is stored raw
        }
    }

    private static int Decode(CompressionCodec codec, Decompressor? zstd, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (codec == CompressionCodec.Lz4)
        {
            return LZ4Codec.Decode(input, output);
        }

        try
        {
            return zstd!.Unwrap(input, output);
        }
        catch (ZstdException ex)
        {
            throw new InvalidDataException("compressed data is corrupt: " + ex.Message, ex);
        }
    }

    private static ulong ComputeChecksum(ReadOnlySpan<byte> container) =>
        Checksum.Compute(container[(ChecksumOffset + 8)..], Checksum.Compute(container[..ChecksumOffset]));

    private static Header ReadHeader(ReadOnlySpan<byte> compressed)
    {
        if (compressed.Length < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(compressed) != Magic)
        {
            throw new InvalidDataException("not MediaMemory compressed data (no MMC1 header)");
        }

        var codec = (CompressionCodec)compressed[4];
        var filter = (CompressionFilter)compressed[5];
        var stride = compressed[6];
        var original = BinaryPrimitives.ReadInt64LittleEndian(compressed[8..]);
        var chunkLength = BinaryPrimitives.ReadInt32LittleEndian(compressed[16..]);
        var chunks = BinaryPrimitives.ReadInt32LittleEndian(compressed[20..]);
        if (codec is not (CompressionCodec.Lz4 or CompressionCodec.Zstd) || filter is < CompressionFilter.None or > CompressionFilter.PlanesDelta
            || stride is < 1 or > 16 || original < 0 || chunkLength != ChunkLength(stride) || chunks != ChunkCount(original, chunkLength)
            || (long)HeaderBytes + (chunks * 4L) > compressed.Length)
        {
            throw new InvalidDataException("compressed data is corrupt: inconsistent header");
        }

        return new Header(codec, filter, stride, original, chunkLength, chunks);
    }

    private static int ChunkLength(int bytesPerElement) => ChunkBytes / bytesPerElement * bytesPerElement;

    // Without bytes + chunkLength − 1, which overflows for a size near long.MaxValue (a corrupt header's).
    private static long ChunkCount(long bytes, int chunkLength) => (bytes / chunkLength) + (bytes % chunkLength == 0 ? 0 : 1);

    private readonly record struct Header(CompressionCodec Codec, CompressionFilter Filter, int BytesPerElement, long OriginalBytes, int ChunkLength, int Chunks);
}
