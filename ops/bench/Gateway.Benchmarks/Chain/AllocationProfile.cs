using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Gateway.Benchmarks.Chain;

/// <summary>
/// Which types the in-memory pass of <see cref="ChainBenchmarks"/> allocates: runs it many times under the runtime's
/// GC AllocationTick events (one sample per ~100 KB allocated, naming the type that crossed the mark) and prints the
/// bytes per request attributed to each type. <c>dotnet Gateway.Benchmarks.dll alloc-types [plain|policies] [requests]</c>.
/// </summary>
internal static class AllocationProfile
{
    public static void Run(string target, int requests)
    {
        var bench = new ChainBenchmarks();
        bench.Setup();
        Func<int> pass = target == "policies" ? bench.AllPolicies : bench.Plain;
        for (var i = 0; i < 20_000; i++) pass(); // past tiered JIT, so its own allocations are not counted

        using var listener = new TickListener();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < requests; i++) pass();
        var total = GC.GetTotalAllocatedBytes(precise: true) - before;
        bench.Cleanup();

        Console.WriteLine($"{target}: {total / (double)requests:0} bytes/request (whole process) over {requests} requests");
        var sampled = listener.Bytes.Values.Sum();
        foreach (var (type, bytes) in listener.Bytes.OrderByDescending(p => p.Value).Take(30))
            Console.WriteLine($"{bytes / (double)requests,8:0.0} B/req  {100.0 * bytes / sampled,5:0.0}%  {type}");
    }

    private sealed class TickListener : EventListener
    {
        public ConcurrentDictionary<string, long> Bytes { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
            var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
            var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")]);
            Bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
        }
    }
}
