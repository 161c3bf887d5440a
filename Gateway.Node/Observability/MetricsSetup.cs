using System.Diagnostics.Tracing;
using Prometheus;

namespace Gateway.Node.Observability;

/// <summary>How prometheus-net's built-in adapters listen, set before the first scrape starts them.</summary>
internal static class MetricsSetup
{
    /// <summary>
    /// Keeps the .NET event counters that /metrics exports, without the per-request events of the same event sources.
    /// </summary>
    /// <remarks>
    /// prometheus-net's event counter adapter enables its event sources (ASP.NET Core hosting, Kestrel, HttpClient,
    /// sockets...) at Informational level, which also turns on their per-request events (RequestStart/Stop...): each is
    /// built and handed to the in-process listener, which only reads counters. About 1.3 KB per proxied request
    /// (ops/bench/RESULTS.md, issue 12). The counters are written at LogAlways level, so Critical still receives all of them.
    /// </remarks>
    public static void Configure() =>
        Metrics.ConfigureEventCounterAdapter(options => options.EventSourceSettingsProvider =
            _ => new EventCounterAdapterEventSourceSettings { MinimumLevel = EventLevel.Critical });
}
