using System.Diagnostics.Metrics;
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

    /// <summary>Sets prometheus-net's built-in metrics from <c>gateway.metrics</c> (see hocon/gateway.conf).</summary>
    /// <remarks>
    /// Event counters: prometheus-net's event counter adapter is not started. It enabled the event sources of ASP.NET
    /// Core hosting, Kestrel, HttpClient and sockets; an enabled source enters its per-request event paths for every
    /// request (HttpTelemetry.RequestStart/Stop, hosting's RecordRequestStartEventLog, EventSource.WriteEvent...):
    /// ~1.4 % of the proxy's CPU in the profile (ops/bench/RESULTS.md, issue 12), while at the Critical level it
    /// listened at it exported no series at all. The same runtime, Kestrel and process numbers come from the meter
    /// adapter (<c>system_runtime_dotnet_*</c>, <c>microsoft_aspnetcore_server_kestrel_*</c>) and prometheus-net's
    /// process metrics.
    /// Meters: each measurement of a per-request meter goes through the meter adapter's label lookup and lifetime
    /// lease (a reader-writer lock), several times per request: 12 % of the proxy's CPU
    /// under load in the profile (ops/bench/RESULTS.md, "CPU profile"). They are left out unless
    /// <c>gateway.metrics.dotnet-request-meters = on</c>; runtime, Kestrel connection and DNS meters are always exported.
    /// Both are process-wide (prometheus-net's default registry starts its adapters once per process).
    /// </remarks>
    public static void Configure(Config config)
    {
        var requestMeters = Gateway.Actors.ConfigValues.Flag(config, "", "gateway.metrics.dotnet-request-meters");
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });
        Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate =
            instrument => requestMeters || !IsPerRequest(instrument));
    }

    internal static bool IsPerRequest(Instrument instrument) => PerRequestMeters.Contains(instrument.Meter.Name);
}
