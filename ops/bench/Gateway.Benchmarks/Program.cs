using BenchmarkDotNet.Running;

if (args is ["alloc-types", ..])
{
    // Not a benchmark: the allocating types of one in-memory pass through the chain (Chain/AllocationProfile.cs).
    Gateway.Benchmarks.Chain.AllocationProfile.Run(args.Length > 1 ? args[1] : "plain", args.Length > 2 ? int.Parse(args[2]) : 200_000);
    return;
}
if (args is ["alloc-trace", ..])
{
    // Not a benchmark: where a gc-verbose trace of a loaded gateway allocates (Chain/AllocationTrace.cs).
    Gateway.Benchmarks.Chain.AllocationTrace.Run(args[1], args.Length > 2 ? long.Parse(args[2]) : 0);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
