using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using Akka.Configuration;
using Prometheus;

namespace Gateway.Node.Observability;

/// <summary>How prometheus-net's built-in adapters listen, set before the first scrape starts them.</summary>
internal static class MetricsSetup
{
    /// <summary>
    /// The .NET meters that record once or more per request: ASP.NET Core hosting's <c>http.server.*</c>,
    /// HttpClient's <c>http.client.*</c>, Kestrel's memory pool (a count per buffer rented) and endpoint routing's
    /// match attempts. The gateway's own <c>gateway_*</c> series count and time every request by route, upstream and
    /// endpoint.
    /// </summary>
    internal static readonly IReadOnlyList<string> PerRequestMeters =
        ["Microsoft.AspNetCore.Hosting", "System.Net.Http", "Microsoft.AspNetCore.MemoryPool", "Microsoft.AspNetCore.Routing"];

    /// <summary>Sets both adapters from <c>gateway.metrics</c> (see hocon/gateway.conf).</summary>
    /// <remarks>
    /// Event counters: prometheus-net's event counter adapter enables its event sources (ASP.NET Core hosting, Kestrel,
    /// HttpClient, sockets...) at Informational level, which also turns on their per-request events
    /// (RequestStart/Stop...): each is built and handed to the in-process listener, which only reads counters. About
    /// 1.3 KB per proxied request (ops/bench/RESULTS.md, issue 12). The counters are written at LogAlways level, so
    /// Critical still receives all of them.
    /// Meters: each measurement of a per-request meter goes through the meter adapter's label lookup and lifetime
    /// lease (a reader-writer lock), several times per request: 12 % of the proxy's CPU
    /// under load in the profile (ops/bench/RESULTS.md, "CPU profile"). They are left out unless
    /// <c>gateway.metrics.dotnet-request-meters = on</c>; runtime, Kestrel connection and DNS meters are always exported.
    /// Both settings are process-wide (prometheus-net's default registry starts its adapters once per process).
    /// </remarks>
    public static void Configure(Config config)
    {
        var requestMeters = config.GetBoolean("gateway.metrics.dotnet-request-meters");
        Metrics.ConfigureEventCounterAdapter(options => options.EventSourceSettingsProvider =
            _ => new EventCounterAdapterEventSourceSettings { MinimumLevel = EventLevel.Critical });
        Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate =
            instrument => requestMeters || !IsPerRequest(instrument));
    }

    internal static bool IsPerRequest(Instrument instrument) => PerRequestMeters.Contains(instrument.Meter.Name);
}
