using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.DependencyInjection;
using Akka.Event;
using Gateway.Actors.Ops;
using Gateway.Node.Observability;
using Gateway.Node.Ops;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Xunit;

namespace Gateway.Tests.Node.Observability;

/// <summary>Akka's own log lines reach the node's Serilog logger with every value in the hole its message names.</summary>
public sealed class AkkaSerilogLoggerTests
{
    [Fact]
    public async Task AkkaClusterJoinLine_NamesTheAddressAsTheNode_AndTheVersionAsTheVersion()
    {
        var buffer = new LogBuffer(100);
        using var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(new LogBufferSink(buffer)).CreateLogger();
        using var system = BridgedSystem(logger);
        var address = new Address("akka.tcp", "gateway", "127.0.0.1", 4053);

        // Akka.Cluster's own message and argument order (ClusterCoreDaemon), with numbered placeholders.
        system.Log.Info("Node [{0}] is JOINING itself (with roles [{1}], version [{2}]) and forming a new cluster", address, "web", "1.0.0");
        system.Log.Warning("Cluster Node [{1}] - Leader is removing unreachable node [{0}]", "akka.tcp://gateway@127.0.0.1:4055", address);

        var lines = await Eventually.MatchAsync(() => Task.FromResult(buffer.Peek(100)), l => l.Count(e => e.Message.Contains("Node [")) == 2,
            TimeSpan.FromSeconds(10), l => "logged: " + string.Join(" | ", l?.Select(e => e.Message) ?? []));
        Assert.Contains(lines, e => e.Level == "Information" && e.Source.StartsWith("Akka.", StringComparison.Ordinal)
            && e.Message == "Node [akka.tcp://gateway@127.0.0.1:4053] is JOINING itself (with roles [web], version [1.0.0]) and forming a new cluster");
        Assert.Contains(lines, e => e.Level == "Warning"
            && e.Message == "Cluster Node [akka.tcp://gateway@127.0.0.1:4053] - Leader is removing unreachable node [akka.tcp://gateway@127.0.0.1:4055]");
    }

    [Fact]
    public async Task LoggerNamedByAString_IsTheSourceContext_NotAkkasPlaceholderClass()
    {
        var buffer = new LogBuffer(100);
        using var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(new LogBufferSink(buffer)).CreateLogger();
        using var system = BridgedSystem(logger);

        Logging.GetLogger(system, "route-replica-probe").Info("replica {0} in sync", 3);

        var lines = await Eventually.MatchAsync(() => Task.FromResult(buffer.Peek(100)), l => l.Any(e => e.Message == "replica 3 in sync"),
            TimeSpan.FromSeconds(10), l => "logged: " + string.Join(" | ", l?.Select(e => $"{e.Source}: {e.Message}") ?? []));
        Assert.Contains(lines, e => e.Message == "replica 3 in sync" && e.Source.StartsWith("route-replica-probe", StringComparison.Ordinal));
    }

    // An actor system whose Akka logger is the node's bridge, writing to logger.
    private static ActorSystem BridgedSystem(Serilog.ILogger logger)
    {
        var services = new ServiceCollection().AddSingleton(logger).BuildServiceProvider();
        var setup = BootstrapSetup.Create()
            .WithConfig(ConfigurationFactory.ParseString("""akka.loggers = ["Gateway.Node.Observability.AkkaSerilogLogger, Gateway.Node"]"""))
            .And(DependencyResolverSetup.Create(services));
        return ActorSystem.Create("bridge", setup);
    }
}
