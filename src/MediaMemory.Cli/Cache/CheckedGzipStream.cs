using System.Buffers.Binary;
using System.IO.Compression;

namespace MediaMemory.Cli.Cache;

/// <summary>
/// Decompresses a gzip file and reports what <see cref="GZipStream"/> lets pass: a file that is not gzip at
/// all, is empty, or was cut short. <see cref="GZipStream"/> returns the data of a truncated file up to the cut
/// and then ends as if the file were whole; this stream checks, when the data ends, that the decompressed length
/// matches the trailer's ISIZE (RFC 1952 §2.3.1: the input's length mod 2^32, the file's last four bytes,
/// little-endian). Every failure is an <see cref="InvalidDataException"/> whose message is one line.
/// </summary>
/// <remarks>
/// Only the last member's trailer is read: a file of several gzip members (concatenated, or BGZF) decompresses
/// to more than that member and is refused as truncated; the message says so. Not thread-safe (a trace is read
/// by one thread).
/// </remarks>
internal sealed class CheckedGzipStream : Stream
{
    /// <summary>The smallest gzip file: a 10-byte header, an empty deflate block (2 bytes) and the 8-byte trailer (RFC 1952).</summary>
    private const int MinimumFileBytes = 10 + 2 + 8;

    private readonly GZipStream _gzip;
    private readonly uint _trailerSize;
    private uint _decompressed; // mod 2^32, as ISIZE
    private bool _ended;

    /// <summary>Checks the file's signature and length and reads its trailer; takes <paramref name="file"/> over.</summary>
    /// <exception cref="InvalidDataException">Empty, not gzip, or shorter than any gzip file.</exception>
    public CheckedGzipStream(FileStream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var length = file.Length;
        if (length == 0)
        {
            throw new InvalidDataException("not valid gzip: the file is empty");
        }

        Span<byte> head = stackalloc byte[TraceSignatures.LongestBytes];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (TraceSignatures.Identify(head[..read]) is not "gzip")
        {
            var kind = TraceSignatures.Identify(head[..read]);
            throw new InvalidDataException($"not gzip: the file does not start with the gzip signature 1F 8B{(kind is null ? "" : $" (it is {kind}-compressed)")}; give a gzip file, or drop the .gz from the name");
        }

        if (length < MinimumFileBytes)
        {
            throw new InvalidDataException($"truncated gzip: {length} bytes is less than any whole gzip file ({MinimumFileBytes} bytes: header, data and trailer)");
        }

        Span<byte> trailer = stackalloc byte[4];
        file.Seek(-trailer.Length, SeekOrigin.End);
        file.ReadExactly(trailer);
        _trailerSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        file.Seek(0, SeekOrigin.Begin);
        _gzip = new GZipStream(file, CompressionMode.Decompress);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_ended || buffer.IsEmpty)
        {
            return 0;
        }

        int read;
        try
        {
            read = _gzip.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"not valid gzip ({ex.Message})", ex);
        }

        if (read == 0)
        {
            _ended = true;
            if (_decompressed != _trailerSize)
            {
                throw new InvalidDataException(
                    $"truncated gzip: the data ended after {_decompressed} bytes (mod 2^32) but the trailer says {_trailerSize}; the file was cut short (or joins several gzip members: recompress it as one)");
            }
        }

        _decompressed = unchecked(_decompressed + (uint)read);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }
}
