using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Configuration;

/// <summary>
/// Watches the node's <c>--config</c> file. A saved change is read and validated; an invalid file is refused with a
/// logged error naming each field, and the running config stays. A valid one goes to <c>/user/config-bootstrap</c>,
/// which applies its difference to what the file said when last applied through the owners of the routes and upstreams,
/// as the admin API applies a change, and exactly as at start: no restart, open connections unaffected.
/// </summary>
public sealed partial class ConfigFileWatcher(
    string path, ActorRegistry registry, TimeSpan askTimeout, ILogger<ConfigFileWatcher> log) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);
    // A change set asks one owner after another; this bounds the wait for the whole set, not one answer.
    private readonly TimeSpan _applyTimeout = askTimeout * 6;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var full = Path.GetFullPath(path);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => changes.Writer.TryWrite(true);
        watcher.Created += (_, _) => changes.Writer.TryWrite(true);
        watcher.Renamed += (_, _) => changes.Writer.TryWrite(true);
        watcher.EnableRaisingEvents = true;
        LogWatching(log, full);

        try
        {
            while (await changes.Reader.WaitToReadAsync(stoppingToken))
            {
                // Editors write in several steps: wait until the file settles, then read it once.
                await Task.Delay(Settle, stoppingToken);
                changes.Reader.TryRead(out _);
                await ApplyAsync(full, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(string file, CancellationToken stoppingToken)
    {
        GatewayDefinitions next;
        try
        {
            var (definitions, errors) = GatewayDefinitions.FromConfig(ConfigurationFactory.ParseString(await File.ReadAllTextAsync(file, stoppingToken)));
            if (errors.Count > 0)
            {
                LogRejected(log, file, string.Join("; ", errors));
                return;
            }
            next = definitions;
        }
        catch (Exception ex) when (ex is IOException or FormatException or ConfigurationException)
        {
            LogRejected(log, file, ex.Message);
            return;
        }

        var applier = await registry.GetAsync<ConfigFileKey>(stoppingToken);
        try
        {
            var applied = await applier.Ask<FileDefinitionsApplied>(new ApplyFileDefinitions(next), _applyTimeout, stoppingToken);
            if (applied.Changes > 0) LogApplied(log, file, applied.Changes, applied.Refused);
            else LogUnchanged(log, file);
        }
        catch (AskTimeoutException)
        {
            LogStillApplying(log, file, _applyTimeout);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Watching {File} for route and upstream changes")]
    private static partial void LogWatching(ILogger logger, string file);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Config file {File} refused, the running config stays: {Errors}")]
    private static partial void LogRejected(ILogger logger, string file, string errors);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Config file {File} is still being applied after {Timeout}; the owners answer later")]
    private static partial void LogStillApplying(ILogger logger, string file, TimeSpan timeout);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Config file {File} applied: {Changes} changes, {Refused} refused")]
    private static partial void LogApplied(ILogger logger, string file, int changes, int refused);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Config file {File} saved without a change to its definitions")]
    private static partial void LogUnchanged(ILogger logger, string file);
}
