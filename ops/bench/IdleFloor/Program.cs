using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;

// Usage: IdleFloor PORT SEED_PORT. Joins the cluster whose seed listens on SEED_PORT (itself when equal), starts one
// sharded region and one Distributed Data replicator, and idles until SIGTERM.
// IdleFloor --runtime-only: loads nothing but the runtime (no Akka assembly: the member is in another method, and the
// JIT loads the assemblies a method names when it compiles it), prints "runtime up" and idles until SIGTERM; the bare
// .NET process that ../floor.sh measures.
if (args is ["--runtime-only"])
{
    Console.WriteLine("runtime up");
    using var exit = new ManualResetEventSlim();
    AppDomain.CurrentDomain.ProcessExit += (_, _) => exit.Set();
    exit.Wait();
    return;
}
await Member.RunAsync(args);

internal static class Member
{
    public static async Task RunAsync(string[] args)
    {
        var port = int.Parse(args[0]);
        var seed = int.Parse(args[1]);
        var config = ConfigurationFactory.ParseString($$"""
            akka {
              scheduler.tick-duration = 50ms
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = "127.0.0.1", port = {{port}} }
              cluster {
                seed-nodes = ["akka.tcp://floor@127.0.0.1:{{seed}}"]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                distributed-data { gossip-interval = 1s, notify-subscribers-interval = 100ms }
                sharding.state-store-mode = ddata
              }
              loglevel = WARNING
            }
            """).WithFallback(ClusterSharding.DefaultConfig());
        var system = ActorSystem.Create("floor", config);
        var replicator = Akka.DistributedData.DistributedData.Get(system).Replicator;
        await ClusterSharding.Get(system).StartAsync("entities", _ => Props.Create<Entity>(), ClusterShardingSettings.Create(system),
            new Extractor());
        using var stop = new CancellationTokenSource();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.WriteLine($"floor node on {port} up, replicator {replicator.Path}");
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        await system.Terminate();
    }
}

internal sealed class Entity : ReceiveActor
{
    public Entity() => ReceiveAny(_ => { });
}

internal sealed class Extractor() : HashCodeMessageExtractor(30)
{
    public override string EntityId(object message) => message.ToString() ?? "";
}
