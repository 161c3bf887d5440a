// Minimal YARP 2.3 reverse proxy used as the baseline in ops/bench/run.sh.
// One catch-all route to one destination; nothing else is enabled so the numbers show YARP's own cost.
//
// Usage: dotnet YarpBaseline.dll --urls http://127.0.0.1:PORT --destination http://127.0.0.1:UPSTREAM_PORT
// The destination may also come from the BENCH_DESTINATION environment variable.
using System.Runtime;
using Yarp.ReverseProxy.Configuration;

var builder = WebApplication.CreateBuilder(args);

var destination = builder.Configuration["destination"]
    ?? Environment.GetEnvironmentVariable("BENCH_DESTINATION");
if (string.IsNullOrWhiteSpace(destination) || !Uri.TryCreate(destination, UriKind.Absolute, out _))
{
    Console.Error.WriteLine(
        "YarpBaseline: pass the upstream as --destination http://HOST:PORT (or set BENCH_DESTINATION).");
    return 2;
}

// Warning keeps per-request Information logs (hosting, forwarder) off the hot path, as in a tuned deployment.
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services.AddReverseProxy().LoadFromMemory(
    [
        new RouteConfig
        {
            RouteId = "all",
            ClusterId = "upstream",
            Match = new RouteMatch { Path = "{**catch-all}" },
        },
    ],
    [
        new ClusterConfig
        {
            ClusterId = "upstream",
            Destinations = new Dictionary<string, DestinationConfig>
            {
                ["upstream-1"] = new() { Address = destination },
            },
        },
    ]);

var app = builder.Build();
app.MapReverseProxy();

// run.sh ends its warm-up when the JIT has stopped compiling (tier-1 promotions included): with BENCH_JIT_FILE set,
// the process writes its compiled-method count there once a second (off the request path; the gateway shows the same
// count on /metrics as system_runtime_dotnet_jit_compiled_methods).
var jitFile = Environment.GetEnvironmentVariable("BENCH_JIT_FILE");
using var jitTimer = string.IsNullOrEmpty(jitFile)
    ? null
    : new Timer(
        _ =>
        {
            // Written beside and renamed over, so run.sh never reads a half-written (empty) file.
            File.WriteAllText(jitFile + ".tmp", System.Runtime.JitInfo.GetCompiledMethodCount().ToString());
            File.Move(jitFile + ".tmp", jitFile, overwrite: true);
        },
        null,
        TimeSpan.Zero,
        TimeSpan.FromSeconds(1));

// run.sh reports the GC mode the process really ran with (taskset to one core turns server GC off).
Console.WriteLine(
    $"YarpBaseline: {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
    $"{Environment.ProcessorCount} processor(s), destination {destination}");
app.Run();
return 0;
