using System.Net.Sockets;
using System.Text;
using Gateway.Protocol.Ops;

namespace Pbm;

/// <summary>Runs one request against a node's pbm host: connects, sends the request line, and hands each frame back until the end frame.</summary>
internal static class OpsClient
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan EndAfterCancel = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Sends <paramref name="request"/> and calls <paramref name="onFrame"/> for every frame but the end; returns the
    /// end frame's exit code. When <paramref name="cancel"/> fires, sends a cancel frame and waits briefly for the end.
    /// </summary>
    /// <exception cref="OpsClientException">The node could not be reached or closed the connection early.</exception>
    public static async Task<int> RunAsync(string host, int port, OpsRequest request, Action<OpsFrame> onFrame, CancellationToken cancel)
    {
        using var client = new TcpClient { NoDelay = true };
        try
        {
            using var connectTimeout = new CancellationTokenSource(ConnectTimeout);
            await client.ConnectAsync(host, port, connectTimeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            throw new OpsClientException($"cannot connect to {host}:{port}: {(ex is OperationCanceledException ? "timed out" : ex.Message)}");
        }

        var stream = client.GetStream();
        var reader = new StreamReader(stream, new UTF8Encoding(false));
        await stream.WriteAsync(Encoding.UTF8.GetBytes(OpsWire.Write(request) + "\n"), CancellationToken.None);

        // Once the user cancels, the node gets a cancel frame and a short while to send its end frame.
        using var giveUp = new CancellationTokenSource();
        await using var onCancel = cancel.Register(() =>
        {
            try
            {
                stream.Write(Encoding.UTF8.GetBytes(OpsWire.Write(OpsRequest.CancelFrame) + "\n"));
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
            {
            }
            giveUp.CancelAfter(EndAfterCancel);
        });

        try
        {
            while (await reader.ReadLineAsync(giveUp.Token) is { } line)
            {
                if (line.Length == 0) continue;
                var frame = OpsWire.ReadFrame(line, out var error) ?? throw new OpsClientException($"the node sent something that is not a frame: {error}");
                if (frame.Type == OpsFrameTypes.End) return frame.ExitCode ?? OpsExitCodes.Failed;
                onFrame(frame);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return OpsExitCodes.Ok; // cancelled by the user; the node did not confirm in time
        }
        catch (IOException ex)
        {
            if (cancel.IsCancellationRequested) return OpsExitCodes.Ok;
            throw new OpsClientException($"connection to {host}:{port} lost: {ex.Message}");
        }

        if (cancel.IsCancellationRequested) return OpsExitCodes.Ok;
        throw new OpsClientException($"{host}:{port} closed the connection before the command ended");
    }
}
