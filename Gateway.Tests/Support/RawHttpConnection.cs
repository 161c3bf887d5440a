using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>
/// One HTTP/1.1 keep-alive connection on a raw socket, for tests that must see exactly what the server did with it:
/// no pooling, no retry of a request the server closed without answering (HttpClient retries those silently).
/// </summary>
public sealed class RawHttpConnection : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>; throws <see cref="SocketException"/> (e.g. refused) when it cannot.</summary>
    public static async Task<RawHttpConnection> ConnectAsync(int port, CancellationToken cancel = default)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cancel);
            return new RawHttpConnection(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="raw"/> on a new connection to 127.0.0.1:<paramref name="port"/> exactly as given (malformed
    /// requests included) and returns what came back, read as Latin-1: everything until the server closes, or only the
    /// response head when <paramref name="headOnly"/>. A reset or the 10 s bound ends the read with what was received.
    /// </summary>
    public static async Task<string> ExchangeAsync(int port, byte[] raw, bool headOnly = false)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(raw);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                received.Write(buffer, 0, n);
                if (headOnly && Encoding.Latin1.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal)) break;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <inheritdoc cref="ExchangeAsync(int, byte[], bool)"/>
    public static Task<string> ExchangeAsync(int port, string raw, bool headOnly = false) =>
        ExchangeAsync(port, Encoding.Latin1.GetBytes(raw), headOnly);

    /// <summary>
    /// Sends <c>GET <paramref name="path"/></c> and reads the whole response. Throws <see cref="IOException"/> when the
    /// connection closes or resets before the response is complete: the request was lost.
    /// </summary>
    public async Task<RawHttpResponse> GetAsync(string path, CancellationToken cancel = default)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), cancel);
        var head = await ReadHeadAsync(cancel);
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        string body;
        if (headers.TryGetValue("Content-Length", out var length)) body = Encoding.UTF8.GetString(await ReadExactlyAsync(int.Parse(length), cancel));
        else if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase)) body = await ReadChunkedAsync(cancel);
        else body = "";
        return new RawHttpResponse(status, headers, body);
    }

    private async Task<string> ReadHeadAsync(CancellationToken cancel)
    {
        while (true)
        {
            var text = Encoding.ASCII.GetString(_buffer, _start, _end - _start);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _start += end + 4;
                return text[..end];
            }
            await FillAsync(cancel);
        }
    }

    private async Task<string> ReadChunkedAsync(CancellationToken cancel)
    {
        var body = new StringBuilder();
        while (true)
        {
            var size = Convert.ToInt32((await ReadLineAsync(cancel)).Split(';')[0], 16);
            if (size == 0)
            {
                while ((await ReadLineAsync(cancel)).Length > 0)
                {
                }
                return body.ToString();
            }
            body.Append(Encoding.UTF8.GetString(await ReadExactlyAsync(size, cancel)));
            await ReadLineAsync(cancel);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            var index = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (index >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, index - _start).TrimEnd('\r');
                _start = index + 1;
                return line;
            }
            await FillAsync(cancel);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancel)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end) await FillAsync(cancel);
            var n = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, n);
            _start += n;
            copied += n;
        }
        return result;
    }

    private async Task FillAsync(CancellationToken cancel)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) throw new IOException("response head larger than the buffer");
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancel);
        if (read == 0) throw new IOException("connection closed by the server before a complete response");
        _end += read;
    }

    /// <inheritdoc />
    public void Dispose() => _tcp.Dispose();
}

/// <summary>A response read by <see cref="RawHttpConnection"/>.</summary>
public sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>True when the server said it closes the connection after this response.</summary>
    public bool ConnectionClose => Headers.TryGetValue("Connection", out var value) && value.Contains("close", StringComparison.OrdinalIgnoreCase);
}
