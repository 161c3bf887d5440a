using Gateway.Actors;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Ingress;
using Gateway.Actors.Upstreams;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tests.Actors.Ingress;

/// <summary>
/// The warm-up pass on its own, over a real loopback listener (a Kestrel server that hands its requests to the pass, as
/// the node does): it runs the chain and the forward over sockets, every request answered by its sink, within its time,
/// and removes its series.
/// </summary>
public sealed class IngressWarmupPassTests
{
    [Fact]
    public async Task RunAsync_SendsBurstsOverLoopback_AnsweredBySink_AndRemovesItsMetricSeries()
    {
        var warmup = New(new WarmupSettings(TimeSpan.FromMilliseconds(400), Batch: 10, Pause: TimeSpan.FromMilliseconds(50), Connections: 4));
        var sinkRequests = 0;
        var clientRequests = 0;
        await using var listener = await TestUpstream.StartAsync(context =>
        {
            // What reaches the listener: the pass's client requests, and the chain's forwards to its sink.
            Interlocked.Increment(ref context.Request.Path.StartsWithSegments("/gateway-warm-up-sink") ? ref sinkRequests : ref clientRequests);
            return warmup.HandleAsync(context);
        });

        var sent = await warmup.RunAsync(listener.Port, CancellationToken.None);

        // Whole bursts only (4 connections x 10); the first one always runs (on a loaded machine its JIT alone may take the 400 ms).
        Assert.True(sent >= 40, $"{sent} requests in 400 ms");
        Assert.Equal(0, sent % 40);
        Assert.Equal(0, warmup.Failed);
        Assert.Equal(sent, Volatile.Read(ref clientRequests));
        Assert.Equal(sent, Volatile.Read(ref sinkRequests));
        Assert.True(warmup.Completed);
        Assert.Equal(listener.Port, warmup.Port);
        Assert.InRange(warmup.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(GatewayMetrics.Requests.GetAllLabelValues(), labels => labels.Contains(warmup.Name));
        Assert.DoesNotContain(GatewayMetrics.Duration.GetAllLabelValues(), labels => labels.Contains(warmup.Name));
        Assert.DoesNotContain(GatewayMetrics.RateLimitAdmitted.GetAllLabelValues(), labels => labels.Contains(warmup.Name));

        // Once the pass is over the listener's requests are no longer the pass's.
        Assert.False(warmup.Owns(listener.Port));
    }

    [Fact]
    public async Task RunAsync_SinkAnswersWrong_CountsEveryRequestFailed()
    {
        var warmup = New(new WarmupSettings(TimeSpan.FromMilliseconds(100), Batch: 5, Pause: TimeSpan.FromMilliseconds(10), Connections: 2));
        // A listener whose sink is broken: the chain forwards, the "upstream" answers 500, the pass sees 500s.
        await using var listener = await TestUpstream.StartAsync(context =>
        {
            if (!context.Request.Path.StartsWithSegments("/gateway-warm-up-sink")) return warmup.HandleAsync(context);
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });

        var sent = await warmup.RunAsync(listener.Port, CancellationToken.None);

        Assert.True(sent >= 10);
        Assert.Equal(sent, warmup.Failed);
    }

    [Fact]
    public void Completed_PassOff_IsTrueWithoutARun()
    {
        var warmup = New(new WarmupSettings(TimeSpan.Zero, Batch: 10, Pause: TimeSpan.FromMilliseconds(50)));
        Assert.True(warmup.Completed);
        Assert.Equal(0, warmup.Requests);
        Assert.False(warmup.Owns(0));
    }

    [Fact]
    public void Settings_Defaults_ArePinned()
    {
        Assert.Equal(new WarmupSettings(TimeSpan.FromSeconds(20), 20, TimeSpan.FromMilliseconds(100), 32, TimeSpan.FromSeconds(2)),
            WarmupSettings.FromConfig(GatewayDefaults.Config));
    }

    [Fact]
    public void JitQuiet_EndsOnAWindowWithFewerThanOneMethodPer100Ms_NotBefore()
    {
        var now = TimeSpan.Zero;
        long compiled = 1000;
        var quiet = new IngressWarmup.JitQuiet(TimeSpan.FromSeconds(2), () => now, () => compiled);

        // Within the first window: never quiet, however little was compiled.
        now = TimeSpan.FromSeconds(1);
        Assert.False(quiet.IsQuiet());
        // A busy window (25 methods in 2 s, the limit is 20): not quiet, and the next window starts.
        compiled += 25;
        now = TimeSpan.FromSeconds(2);
        Assert.False(quiet.IsQuiet());
        // 19 methods in the next 2 s: quiet.
        compiled += 19;
        now = TimeSpan.FromSeconds(3.5);
        Assert.False(quiet.IsQuiet());
        now = TimeSpan.FromSeconds(4);
        Assert.True(quiet.IsQuiet());
    }

    [Fact]
    public void JitQuiet_ZeroPeriod_NeverQuiet()
    {
        var now = TimeSpan.Zero;
        var quiet = new IngressWarmup.JitQuiet(TimeSpan.Zero, () => now, () => 0);
        now = TimeSpan.FromMinutes(5);
        Assert.False(quiet.IsQuiet());
    }

    [Theory]
    [InlineData("duration = -1s", "gateway.warm-up.duration")]
    [InlineData("pause = -5ms", "gateway.warm-up.pause")]
    [InlineData("duration = 2s, batch = 0", "gateway.warm-up.batch")]
    [InlineData("duration = 2s, connections = 0", "gateway.warm-up.connections")]
    [InlineData("quiet = soon", "gateway.warm-up.quiet")]
    public void Settings_BadValue_IsRefusedWithItsField(string hocon, string field)
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("gateway.warm-up { " + hocon + " }").WithFallback(GatewayDefaults.Config);
        var error = Assert.Throws<Akka.Configuration.ConfigurationException>(() => WarmupSettings.FromConfig(config));
        Assert.StartsWith(field + ":", error.Message);
    }

    private static IngressWarmup New(WarmupSettings settings)
    {
        var services = new ServiceCollection().AddLogging().AddHttpForwarder().BuildServiceProvider();
        return new IngressWarmup(settings, services.GetRequiredService<IHttpForwarder>(), UpstreamDefaults.FromConfig(GatewayDefaults.Config));
    }
}
