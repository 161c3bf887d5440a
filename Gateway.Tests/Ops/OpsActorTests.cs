using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit.Xunit2;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Ops;
using Gateway.Actors.Routing;
using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary><c>/user/ops</c> in a cluster of one: task commands, streams and their cancellation, walks, failures.</summary>
public sealed class OpsActorTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private const string Hocon = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.loglevel = WARNING
        """;

    private readonly LogBuffer _logs = new(100);
    private readonly OpsContext _context;

    public OpsActorTests()
        : base(Hocon)
    {
        _context = new OpsContext(Sys, new RouteTableHolder(), _logs, new RequestStats(TimeProvider.System),
            OpsSettings.FromConfig(Gateway.Node.Configuration.NodeConfigLoader.Defaults));
    }

    [Fact]
    public async Task ClusterShow_InAClusterOfOne_ListsThisNodeUp()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        await AwaitConditionAsync(() => Task.FromResult(cluster.SelfMember.Status == MemberStatus.Up), Wait);

        var frames = await RunAsync(Ops(), "cluster show");
        var row = Assert.Single(frames[0].Rows!.Value);
        Assert.Equal([cluster.SelfAddress.ToString(), "Up"], row.Take(2));
        Assert.Equal(OpsExitCodes.Ok, frames[^1].ExitCode);
    }

    [Fact]
    public async Task ClusterDown_NotAMember_FailsWithExitCode1()
    {
        var frames = await RunAsync(Ops(), "cluster down", "akka.tcp://gateway@10.9.9.9:4053");
        Assert.Equal(OpsFrameTypes.Error, frames[0].Type);
        Assert.Contains("is not a member", frames[0].Message);
        Assert.Equal(OpsExitCodes.Failed, frames[^1].ExitCode);
    }

    [Fact]
    public async Task UnknownCommand_EndsWithExitCode2()
    {
        var frames = await RunAsync(Ops(), "cluster frob");
        Assert.Equal(OpsExitCodes.Usage, frames[0].ExitCode);
        Assert.StartsWith("usage: pbm [HOST:PORT] cluster show", frames[0].Usage);
        Assert.Equal((OpsFrameTypes.End, OpsExitCodes.Usage), (frames[^1].Type, frames[^1].ExitCode));
    }

    [Fact]
    public async Task ShardingRegions_WithoutSharding_SaysSo()
    {
        var frames = await RunAsync(Ops(), "cluster sharding regions");
        Assert.Equal(ShardingCommands.NotRunning, frames[0].Text);
        Assert.Equal(OpsExitCodes.Ok, frames[^1].ExitCode);
    }

    [Fact]
    public async Task LogTail_WritesNewEventsUntilCancelled_ThenEndsWith0AndUnsubscribes()
    {
        var ops = Ops();
        _logs.Add(Entry("before"));
        var (channel, cancel) = Start(ops, "log tail");
        await AwaitAssertAsync(() => { _logs.Add(Entry("probe")); Assert.True(channel.Reader.Count > 0); }, Wait, TimeSpan.FromMilliseconds(50));
        _logs.Add(Entry("live"));

        cancel.Cancel();
        var frames = await DrainAsync(channel);
        Assert.DoesNotContain(frames, f => f.Text?.Contains("before") == true);
        Assert.Contains(frames, f => f.Text?.EndsWith("Tests: live") == true);
        Assert.Equal((OpsFrameTypes.End, OpsExitCodes.Ok), (frames[^1].Type, frames[^1].ExitCode));

        // The tail stopped: nothing more reaches its (completed) output, and no tail actor is left under /user/ops.
        await AwaitAssertAsync(async () =>
        {
            var hierarchy = await RunAsync(ops, "actor hierarchy");
            Assert.DoesNotContain(hierarchy, f => f.Text?.Contains("tail-") == true);
        }, Wait);
    }

    [Fact]
    public async Task ClusterTail_Json_StreamsMemberUpAsTableRows_UntilCancelled()
    {
        var ops = Ops();
        var (channel, cancel) = Start(ops, "cluster tail", json: true);
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);

        var seen = new List<OpsFrame>();
        using (var timeout = new CancellationTokenSource(Wait))
        {
            while (!seen.Any(f => f.Rows?.Any(r => r[1] == "MemberUp") == true))
                seen.Add(await channel.Reader.ReadAsync(timeout.Token));
        }
        var up = seen.Last();
        Assert.Equal(["time", "event", "address", "status"], up.Columns!.Value.ToArray());
        Assert.Equal([cluster.SelfAddress.ToString(), "Up"], up.Rows!.Value[0].Skip(2));

        cancel.Cancel();
        var rest = await DrainAsync(channel);
        Assert.Equal(OpsExitCodes.Ok, rest[^1].ExitCode);
    }

    [Fact]
    public async Task ActorHierarchy_ListsUserActorsAndTheirChildren()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent()), "parent");
        parent.Tell("make", TestActor);
        ExpectMsg("made");

        var lines = (await RunAsync(Ops(), "actor hierarchy")).Where(f => f.Type == OpsFrameTypes.Line).Select(f => f.Text).ToArray();
        Assert.Contains("/user/ops", lines);
        Assert.Contains("/user/parent", lines);
        Assert.Contains("  kid", lines);
    }

    [Fact]
    public async Task TaskCommandThatThrows_WritesAnErrorAndExitCode1()
    {
        var boom = new OpsPalette("boom", "fails", [new OpsCommand { Name = "boom now", Summary = "throws", Run = (_, _) => throw new InvalidOperationException("kaput") }]);
        var ops = Sys.ActorOf(OpsActor.Props(_context with { Catalog = new OpsCatalog([boom]) }));
        var frames = await RunAsync(ops, "boom now");
        Assert.Equal("'boom now' failed: kaput", frames[0].Message);
        Assert.Equal(OpsExitCodes.Failed, frames[^1].ExitCode);
    }

    [Fact]
    public async Task ActorCommandThatFailsToStart_WritesAnErrorAndExitCode1()
    {
        var broken = new OpsPalette("broken", "fails", [new OpsCommand
        {
            Name = "broken stream", Summary = "cannot start", Streaming = true,
            Actor = (_, _, output) => Props.Create(() => new FailingCommand(output)),
        }]);
        var ops = Sys.ActorOf(OpsActor.Props(_context with { Catalog = new OpsCatalog([broken]) }));
        var frames = await RunAsync(ops, "broken stream");
        Assert.Contains("cannot subscribe", frames[0].Message);
        Assert.Equal(OpsExitCodes.Failed, frames[^1].ExitCode);
    }

    private IActorRef Ops() => Sys.ActorOf(OpsActor.Props(_context), "ops");

    private static LogEntry Entry(string message) => new(DateTimeOffset.UtcNow, "Information", "Tests", message, null);

    private static (Channel<OpsFrame> Channel, CancellationTokenSource Cancel) Start(IActorRef ops, string command, bool json = false)
    {
        var channel = Channel.CreateUnbounded<OpsFrame>();
        var cancel = new CancellationTokenSource();
        ops.Tell(new RunOpsCommand(new OpsRequest { Command = command, Json = json }, new OpsOutput(channel.Writer), cancel.Token));
        return (channel, cancel);
    }

    private static async Task<List<OpsFrame>> RunAsync(IActorRef ops, string command, params string[] args)
    {
        var channel = Channel.CreateUnbounded<OpsFrame>();
        ops.Tell(new RunOpsCommand(new OpsRequest { Command = command, Args = [.. args] }, new OpsOutput(channel.Writer), CancellationToken.None));
        return await DrainAsync(channel);
    }

    private static async Task<List<OpsFrame>> DrainAsync(Channel<OpsFrame> channel)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var frames = new List<OpsFrame>();
        await foreach (var frame in channel.Reader.ReadAllAsync(timeout.Token)) frames.Add(frame);
        Assert.Equal(OpsFrameTypes.End, frames[^1].Type);
        return frames;
    }

    private sealed class Parent : ReceiveActor
    {
        public Parent() => Receive<string>(_ =>
        {
            Context.ActorOf(Props.Create(() => new Kid()), "kid");
            Sender.Tell("made");
        });
    }

    private sealed class Kid : ReceiveActor;

    private sealed class FailingCommand : OpsCommandActor
    {
        public FailingCommand(OpsOutput output)
            : base(output)
        {
        }

        protected override void Start() => throw new InvalidOperationException("cannot subscribe");
    }
}
