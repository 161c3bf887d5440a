using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// Keeps an upstream outage from writing a log line per failed try: the first failure of an endpoint is logged with
/// its error, the others are counted in <see cref="GatewayMetrics.UpstreamFailures"/> and summed up once per interval.
/// An endpoint with a quiet interval is forgotten, so its next failure is logged again.
/// </summary>
public sealed partial class UpstreamFailureLog : IDisposable
{
    private readonly ConcurrentDictionary<string, Window> _endpoints = new(StringComparer.Ordinal);
    private readonly ILogger _log;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;

    /// <summary>Logs to <paramref name="log"/>, one summary per endpoint every <paramref name="interval"/>.</summary>
    public UpstreamFailureLog(ILogger<UpstreamFailureLog> log, TimeSpan interval, TimeProvider? time = null)
    {
        _log = log;
        _interval = interval;
        _timer = (time ?? TimeProvider.System).CreateTimer(_ => Summarize(), null, interval, interval);
    }

    /// <summary>Reads the interval from <c>gateway.logging.upstream-failure-summary</c>.</summary>
    public static UpstreamFailureLog FromConfig(Akka.Configuration.Config config, ILogger<UpstreamFailureLog> log) =>
        new(log, config.GetTimeSpan("gateway.logging.upstream-failure-summary"));

    /// <summary>Records one failed try to <paramref name="endpoint"/> of <paramref name="upstream"/>.</summary>
    public void Record(string upstream, string endpoint, ForwarderError error, Exception? exception, string requestId)
    {
        GatewayMetrics.UpstreamFailures.WithLabels(upstream, error.ToString()).Inc();
        var window = _endpoints.GetOrAdd(endpoint, static (_, name) => new Window(name), upstream);
        if (Interlocked.Increment(ref window.Failures) == 1 && Interlocked.Exchange(ref window.Announced, 1) == 0)
            LogFirstFailure(_log, endpoint, upstream, error, requestId, exception?.GetBaseException().Message);
    }

    /// <summary>Writes the summaries of the interval that ended; forgets endpoints without failures in it.</summary>
    internal void Summarize()
    {
        foreach (var (endpoint, window) in _endpoints)
        {
            var failures = Interlocked.Exchange(ref window.Failures, 0);
            if (failures == 0) _endpoints.TryRemove(new KeyValuePair<string, Window>(endpoint, window));
            else LogSummary(_log, failures, endpoint, window.Upstream, _interval.TotalSeconds);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Upstream endpoint {Endpoint} of {Upstream} failed with {ForwarderError} (request {RequestId}): {Reason}; further failures are counted and summed up")]
    private static partial void LogFirstFailure(ILogger logger, string endpoint, string upstream, ForwarderError forwarderError, string requestId, string? reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "{Failures} failed tries to upstream endpoint {Endpoint} of {Upstream} in the last {Seconds}s")]
    private static partial void LogSummary(ILogger logger, int failures, string endpoint, string upstream, double seconds);

    private sealed class Window(string upstream)
    {
        public readonly string Upstream = upstream;
        public int Failures;
        public int Announced;
    }
}
