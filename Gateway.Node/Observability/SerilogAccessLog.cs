using Akka.Configuration;
using Gateway.Actors.Observability;
using Serilog;
using Serilog.Core;
using Serilog.Formatting.Compact;

namespace Gateway.Node.Observability;

/// <summary>The access log as Serilog events, sampled, to its own rolling file or to the console log.</summary>
public sealed class SerilogAccessLog : IAccessLog, IDisposable
{
    private readonly Logger _logger;
    private readonly double _sampleRate;

    /// <summary>Entries the background writer may fall behind by before new ones are dropped.</summary>
    internal const int QueueLimit = 10_000;

    private SerilogAccessLog(Logger logger, double sampleRate)
    {
        _logger = logger;
        _sampleRate = sampleRate;
    }

    /// <summary>The access log <c>gateway.access-log</c> asks for: <see cref="NoAccessLog"/> when off.</summary>
    /// <exception cref="ConfigurationException">The sample rate is not between 0 and 1.</exception>
    public static IAccessLog FromConfig(Config config)
    {
        var section = config.GetConfig("gateway.access-log");
        if (!Gateway.Actors.ConfigValues.Flag(section, "gateway.access-log", "enabled")) return NoAccessLog.Instance;
        var rate = section.GetDouble("sample-rate");
        if (rate is < 0 or > 1) throw new ConfigurationException($"gateway.access-log.sample-rate: {rate} is not between 0 and 1");
        var path = section.GetString("path");
        var logger = new LoggerConfiguration().MinimumLevel.Information();
        // Written on a background thread: a request never waits for the console or the disk. When the writer falls
        // QueueLimit entries behind, entries are dropped rather than the request path blocked.
        logger.WriteTo.Async(sink =>
        {
            if (string.IsNullOrEmpty(path)) sink.Console(new CompactJsonFormatter());
            // Buffered: one write syscall per buffer instead of one per request; flushed on a timer and at shutdown.
            else sink.File(new CompactJsonFormatter(), path, rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: section.GetInt("retained-files"), buffered: true,
                flushToDiskInterval: section.GetTimeSpan("flush-interval"));
        }, bufferSize: QueueLimit, blockWhenFull: false);
        return new SerilogAccessLog(logger.CreateLogger(), rate);
    }

    /// <inheritdoc />
    public bool ShouldLog() => _sampleRate >= 1 || _sampleRate > 0 && Random.Shared.NextDouble() < _sampleRate;

    /// <inheritdoc />
    public void Write(in AccessLogEntry e) =>
        _logger.Information("{Method} {Path} {Status} via {RouteId} to {Endpoint} in {DurationMs:0.0} ms ({RequestBytes} in, {ResponseBytes} out) request {RequestId} trace {TraceId} from {Client}",
            e.Method, e.Path, e.Status, e.RouteId, e.Endpoint, e.DurationMs, e.RequestBytes, e.ResponseBytes, e.RequestId, e.TraceId, e.Client);

    /// <inheritdoc />
    public void Dispose() => _logger.Dispose();
}
