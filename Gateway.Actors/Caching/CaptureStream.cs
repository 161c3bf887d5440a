namespace Gateway.Actors.Caching;

/// <summary>
/// Wraps the client's response body while a cacheable response is forwarded: every write goes to the client unchanged
/// and, up to a limit, into a buffer that becomes the stored body. Past the limit the copy is dropped and the rest of the
/// response streams through uncached.
/// </summary>
internal sealed class CaptureStream(Stream inner, long limit) : Stream
{
    private MemoryStream? _buffer = new();

    /// <summary>The client's stream, to put back afterwards.</summary>
    public Stream Inner => inner;

    /// <summary>False once the body passed the limit or capture was abandoned.</summary>
    public bool Capturing => _buffer is not null;

    /// <summary>Stops capturing (the response turned out not to be storable).</summary>
    public void Abandon() => _buffer = null;

    /// <summary>The captured bytes, or null when capture was abandoned.</summary>
    public byte[]? ToArray() => _buffer?.ToArray();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Copy(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Copy(buffer.AsSpan(offset, count));
        return inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Copy(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    private void Copy(ReadOnlySpan<byte> bytes)
    {
        if (_buffer is null) return;
        if (_buffer.Length + bytes.Length > limit)
        {
            _buffer = null;
            return;
        }
        _buffer.Write(bytes);
    }
}
