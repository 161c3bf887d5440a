using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Gateway.Benchmarks.Chain;

/// <summary>
/// Reads a <c>dotnet-trace collect --profile gc-verbose</c> trace of a gateway under load and prints where its
/// allocation samples (GC AllocationTick, one per ~100 KB) came from: by type, and by type and allocating call site
/// (the innermost frame, and the innermost Gateway or Yarp frame above it).
/// <c>dotnet Gateway.Benchmarks.dll alloc-trace FILE.nettrace [requests]</c>: with the requests the trace covered, bytes per request.
/// </summary>
internal static class AllocationTrace
{
    public static void Run(string path, long requests)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var byType = new Dictionary<string, long>();
        var bySite = new Dictionary<string, long>();
        long total = 0;
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData tick) continue;
            var amount = tick.AllocationAmount64;
            total += amount;
            var type = tick.TypeName ?? "?";
            byType[type] = byType.GetValueOrDefault(type) + amount;
            var site = $"{type} <- {Sites(e.CallStack())}";
            bySite[site] = bySite.GetValueOrDefault(site) + amount;
        }

        string Per(long bytes) => requests > 0 ? $"{bytes / (double)requests,8:0.0} B/req" : $"{bytes / 1024.0,10:0} KB";
        Console.WriteLine($"sampled {total / 1024.0 / 1024.0:0.0} MB{(requests > 0 ? $", {total / (double)requests:0} bytes/request over {requests} requests" : "")}");
        Console.WriteLine("-- by type");
        foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(25))
            Console.WriteLine($"{Per(bytes)}  {100.0 * bytes / total,5:0.0}%  {type}");
        Console.WriteLine("-- by type and call site");
        foreach (var (site, bytes) in bySite.OrderByDescending(p => p.Value).Take(int.Parse(Environment.GetEnvironmentVariable("SITES") ?? "40")))
            Console.WriteLine($"{Per(bytes)}  {100.0 * bytes / total,5:0.0}%  {site}");
    }

    // The innermost frame with a name, and the innermost Gateway or Yarp frame (who asked for it).
    private static string Sites(TraceCallStack? stack)
    {
        string? inner = null;
        for (var frame = stack; frame is not null; frame = frame.Caller)
        {
            var name = frame.CodeAddress.FullMethodName;
            if (string.IsNullOrEmpty(name)) continue;
            inner ??= name;
            if (name.StartsWith("Gateway.", StringComparison.Ordinal) || name.StartsWith("Yarp.", StringComparison.Ordinal))
                return name == inner ? name : $"{Short(inner)} <- {Short(name)}";
        }
        return Short(inner ?? "?");
    }

    private static string Short(string name) => name.Length > 110 ? name[..110] : name;
}
