using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using Gateway.Actors.Ops;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Ops;

/// <summary>
/// The pbm host: accepts TCP connections on <c>gateway.ops.hostname:port</c> and runs each connection's requests
/// through <c>/user/ops</c> (see <see cref="OpsConnection"/>). A port that cannot be bound is logged as an error and
/// the node keeps serving traffic without pbm.
/// </summary>
public sealed partial class OpsHost : BackgroundService
{
    private readonly OpsSettings _settings;
    private readonly IReadOnlyActorRegistry _registry;
    private readonly ILogger<OpsHost> _log;

    /// <summary>Creates the host for <paramref name="settings"/> over the ops actor.</summary>
    public OpsHost(OpsSettings settings, IReadOnlyActorRegistry registry, ILogger<OpsHost> log)
    {
        _settings = settings;
        _registry = registry;
        _log = log;
    }

    /// <summary>The endpoint the host listens on, once it does.</summary>
    public IPEndPoint? LocalEndpoint { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_settings.Enabled)
        {
            LogDisabled(_log);
            return;
        }

        var listener = new TcpListener(_settings.BindAddress(), _settings.Port);
        try
        {
            listener.Start();
        }
        catch (SocketException ex)
        {
            LogBindFailed(_log, _settings.Hostname, _settings.Port, ex.Message);
            return;
        }

        LocalEndpoint = (IPEndPoint)listener.LocalEndpoint;
        LogListening(_log, LocalEndpoint.ToString(), _settings.RequiresToken);
        var connections = new HashSet<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken).ConfigureAwait(false);
                // Looked up per connection: the ops actor is registered while the actor system starts, which may be after
                // this listener; a connection that early is told so (IRequiredActor.GetAsync was seen to hang here).
                var connection = _registry.TryGet<OpsActorKey>(out var ops)
                    ? new OpsConnection(client, ops, _settings, _log).RunAsync(stoppingToken)
                    : OpsConnection.RefuseStartingAsync(client);
                lock (connections) connections.Add(connection);
                _ = connection.ContinueWith(t => { lock (connections) connections.Remove(t); }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            listener.Stop();
            Task[] open;
            lock (connections) open = [.. connections];
            await Task.WhenAny(Task.WhenAll(open), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ops host (pbm) listening on {Endpoint}, token required: {TokenRequired}")]
    private static partial void LogListening(ILogger logger, string endpoint, bool tokenRequired);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ops host (pbm) is off (gateway.ops.port = 0)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ops host (pbm) could not listen on {Hostname}:{Port}: {Error}; pbm is unavailable on this node")]
    private static partial void LogBindFailed(ILogger logger, string hostname, int port, string error);
}
