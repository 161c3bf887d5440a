using System.Net.Sockets;
using System.Text;
using Gateway.Protocol.Ops;

namespace Gateway.Tests.Ops;

/// <summary>A raw ops protocol connection for tests: writes request lines and reads frames, each read bounded in time.</summary>
internal sealed class OpsTestConnection : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private OpsTestConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    public static async Task<OpsTestConnection> OpenAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new OpsTestConnection(client);
    }

    public Task SendAsync(OpsRequest request) => SendLineAsync(OpsWire.Write(request));

    public async Task SendLineAsync(string line) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>The next frame, or null when the node closed the connection.</summary>
    public async Task<OpsFrame?> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var line = await _reader.ReadLineAsync(timeout.Token);
        return line is null ? null : OpsWire.ReadFrame(line, out var error) ?? throw new InvalidDataException(error);
    }

    /// <summary>Frames up to and including the end frame.</summary>
    public async Task<List<OpsFrame>> ReadToEndFrameAsync()
    {
        var frames = new List<OpsFrame>();
        while (await ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
            if (frame.Type == OpsFrameTypes.End) return frames;
        }
        throw new EndOfStreamException($"connection closed before the end frame; got: {string.Join(", ", frames.Select(OpsWire.Write))}");
    }

    /// <summary>Runs one command and returns its frames.</summary>
    public async Task<List<OpsFrame>> RunAsync(string command, string? token = null, params string[] args)
    {
        await SendAsync(new OpsRequest { Command = command, Args = [.. args], Token = token });
        return await ReadToEndFrameAsync();
    }

    public void Dispose() => _client.Dispose();
}
