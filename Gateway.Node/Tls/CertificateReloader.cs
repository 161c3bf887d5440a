using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Tls;

/// <summary>
/// Reloads the ingress certificate when its PEM files change: on file-system events (after the files settle), and every
/// <c>reload-check-interval</c> as well, because events are missed on some volumes (network mounts, Kubernetes secrets,
/// which swap a symlink). A file that does not load is logged and the running certificate stays.
/// </summary>
public sealed partial class CertificateReloader(ServerCertificate certificate, TlsSettings settings, ILogger<CertificateReloader> log) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var watchers = new[] { settings.CertificatePath, settings.KeyPath }
            .Where(p => p.Length > 0).Select(Path.GetDirectoryName).Distinct().Select(dir => Watch(dir!, changes.Writer)).ToArray();
        using var poll = new PeriodicTimer(settings.ReloadCheckInterval);
        var polling = PollAsync(poll, changes.Writer, stoppingToken);
        LogWatching(log, certificate.Certificate.Subject, certificate.Certificate.Thumbprint, certificate.Certificate.NotAfter);
        try
        {
            while (await changes.Reader.WaitToReadAsync(stoppingToken))
            {
                // Certificate and key are often written one after the other: wait for both before reading.
                await Task.Delay(Settle, stoppingToken);
                changes.Reader.TryRead(out _);
                Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watcher in watchers) watcher.Dispose();
            await polling.ConfigureAwait(false);
        }
    }

    private void Reload()
    {
        try
        {
            if (certificate.ReloadIfChanged())
                LogReloaded(log, certificate.Certificate.Subject, certificate.Certificate.Thumbprint, certificate.Certificate.NotAfter);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            LogReloadFailed(log, settings.CertificatePath, ex.Message);
        }
    }

    private static FileSystemWatcher Watch(string directory, ChannelWriter<bool> changes)
    {
        // The whole directory: renames and symlink swaps of the files (atomic replacement) are events of the directory.
        var watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => changes.TryWrite(true);
        watcher.Created += (_, _) => changes.TryWrite(true);
        watcher.Renamed += (_, _) => changes.TryWrite(true);
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private static async Task PollAsync(PeriodicTimer timer, ChannelWriter<bool> changes, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) changes.TryWrite(true);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "TLS certificate {Subject} ({Thumbprint}, expires {NotAfter:u}) serving; watching its files for changes")]
    private static partial void LogWatching(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "TLS certificate reloaded: {Subject} ({Thumbprint}, expires {NotAfter:u}) serves new connections")]
    private static partial void LogReloaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "TLS certificate files changed but do not load, the previous certificate stays: {File}: {Error}")]
    private static partial void LogReloadFailed(ILogger logger, string file, string error);
}
