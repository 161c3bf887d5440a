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
/// logged error naming each field, and the running config stays. A valid one is applied through the owners of the
/// routes and upstreams, as the admin API applies a change: no restart, open connections unaffected.
/// </summary>
public sealed partial class ConfigFileWatcher(
    string path, GatewayDefinitions initial, ActorRegistry registry, TimeSpan askTimeout, ILogger<ConfigFileWatcher> log) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);
    private GatewayDefinitions _applied = initial;

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

        var commands = DefinitionChanges.Between(_applied, next);
        if (commands.Count == 0) return;
        var region = await registry.GetAsync<ConfigEntitiesKey>(stoppingToken);
        var refused = 0;
        foreach (var command in commands)
        {
            try
            {
                var reply = await region.Ask<ICommandReply>(command, askTimeout, stoppingToken);
                if (reply is ValidationRejected or VersionConflict or UpstreamInUse)
                {
                    refused++;
                    LogCommandRefused(log, command.EntityKey, reply.ToString());
                }
            }
            catch (AskTimeoutException)
            {
                refused++;
                LogCommandRefused(log, command.EntityKey, $"no answer within {askTimeout}");
            }
        }
        _applied = next;
        LogApplied(log, file, commands.Count, refused);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Watching {File} for route and upstream changes")]
    private static partial void LogWatching(ILogger logger, string file);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Config file {File} refused, the running config stays: {Errors}")]
    private static partial void LogRejected(ILogger logger, string file, string errors);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Change to {EntityKey} from the config file was refused: {Reply}")]
    private static partial void LogCommandRefused(ILogger logger, string entityKey, string reply);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Config file {File} applied: {Changes} changes, {Refused} refused")]
    private static partial void LogApplied(ILogger logger, string file, int changes, int refused);
}
