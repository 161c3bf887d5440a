using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Gateway.Actors.Ops;
using Gateway.Protocol.Ops;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Ops;

/// <summary>
/// One pbm connection: reads request lines, checks the token on the first one, hands each request to <c>/user/ops</c>
/// and writes its frames back until the end frame. While a command runs, a cancel frame or the client going away
/// cancels it. Requests on one connection run one after another.
/// </summary>
internal sealed partial class OpsConnection
{
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private readonly TcpClient _client;
    private readonly IActorRef _ops;
    private readonly OpsSettings _settings;
    private readonly ILogger _log;
    private readonly string _remote;

    public OpsConnection(TcpClient client, IActorRef ops, OpsSettings settings, ILogger log)
    {
        _client = client;
        _ops = ops;
        _settings = settings;
        _log = log;
        _remote = client.Client.RemoteEndPoint?.ToString() ?? "unknown";
    }

    /// <summary>Serves the connection until the client closes it, a request is refused, or the node stops.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var client = _client;
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        client.NoDelay = true;
        var stream = client.GetStream();
        var inbound = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(16) { SingleReader = false, SingleWriter = true });
        var reading = ReadLoopAsync(PipeReader.Create(stream), inbound.Writer, connection.Token);
        var authorized = !_settings.RequiresToken;
        try
        {
            while (await inbound.Reader.WaitToReadAsync(connection.Token).ConfigureAwait(false))
            {
                if (!inbound.Reader.TryRead(out var next)) continue;
                if (next.Error is { } error)
                {
                    await WriteAsync(stream, [OpsFrame.Error(error, OpsExitCodes.Usage), OpsFrame.End(OpsExitCodes.Usage)], connection.Token).ConfigureAwait(false);
                    return;
                }

                var request = next.Request!;
                if (request.Cancel) continue; // nothing is running: a late cancel
                if (!authorized)
                {
                    if (!TokenMatches(request.Token))
                    {
                        LogRefused(_log, _remote, request.Token is null ? "no token" : "wrong token");
                        await WriteAsync(stream, [OpsFrame.Error("unauthorized: this node requires a token (pbm --token or PBM_TOKEN)", OpsExitCodes.Failed),
                            OpsFrame.End(OpsExitCodes.Failed)], connection.Token).ConfigureAwait(false);
                        return;
                    }
                    authorized = true;
                }

                LogCommand(_log, string.Join(' ', [request.Command, .. request.Args]), _remote);
                if (!await RunCommandAsync(stream, request, inbound.Reader, connection.Token).ConfigureAwait(false)) return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away or the node is stopping.
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
    }

    /// <summary>Answers a connection that came before the actor system started: exit code 1, try again.</summary>
    public static async Task RefuseStartingAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await WriteAsync(client.GetStream(), [OpsFrame.Error("the node is still starting; try again", OpsExitCodes.Failed), OpsFrame.End(OpsExitCodes.Failed)],
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
            }
        }
    }

    private async Task<bool> RunCommandAsync(NetworkStream stream, OpsRequest request, ChannelReader<Inbound> inbound, CancellationToken connection)
    {
        using var command = CancellationTokenSource.CreateLinkedTokenSource(connection);
        var frames = Channel.CreateBounded<OpsFrame>(new BoundedChannelOptions(_settings.MaxBufferedFrames)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _ops.Tell(new RunOpsCommand(request, new OpsOutput(frames.Writer), command.Token));

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(connection);
        var watch = WatchForCancelAsync(inbound, command, watching.Token);
        try
        {
            var batch = new List<OpsFrame>();
            while (await frames.Reader.WaitToReadAsync(connection).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < 256 && frames.Reader.TryRead(out var frame)) batch.Add(frame);
                await WriteAsync(stream, batch, connection).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            // Stops a stream whose client went away; a no-op once the command has ended.
            await command.CancelAsync().ConfigureAwait(false);
            await watching.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    // Cancels the running command on a cancel frame or when the client closes its side; a new request is left queued.
    private static async Task WatchForCancelAsync(ChannelReader<Inbound> inbound, CancellationTokenSource command, CancellationToken stop)
    {
        try
        {
            if (!await inbound.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                await command.CancelAsync().ConfigureAwait(false);
                return;
            }
            if (inbound.TryPeek(out var next) && next.Request is { Cancel: true })
            {
                inbound.TryRead(out _);
                await command.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task ReadLoopAsync(PipeReader reader, ChannelWriter<Inbound> inbound, CancellationToken cancel)
    {
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancel).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    var text = Encoding.UTF8.GetString(line).Trim();
                    if (text.Length == 0) continue;
                    var request = OpsWire.ReadRequest(text, out var error);
                    await inbound.WriteAsync(new Inbound(request, error), cancel).ConfigureAwait(false);
                }
                if (buffer.Length > OpsWire.MaxLineLength)
                {
                    await inbound.WriteAsync(new Inbound(null, $"request line longer than {OpsWire.MaxLineLength} bytes"), cancel).ConfigureAwait(false);
                    return;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            inbound.TryComplete();
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static async Task WriteAsync(NetworkStream stream, IReadOnlyList<OpsFrame> frames, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        foreach (var frame in frames)
        {
            buffer.Write(Encoding.UTF8.GetBytes(OpsWire.Write(frame)));
            buffer.Write(Newline);
        }
        await stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancel).ConfigureAwait(false);
    }

    private bool TokenMatches(string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(_settings.Token));

    // Operators' actions (down, leave, join) are worth an audit trail; the token is never part of it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Ops command '{Command}' from {Remote}")]
    private static partial void LogCommand(ILogger logger, string command, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ops connection from {Remote} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string remote, string reason);

    private sealed record Inbound(OpsRequest? Request, string? Error);
}
