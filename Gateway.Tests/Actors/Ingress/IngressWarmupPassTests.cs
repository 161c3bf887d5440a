using Gateway.Actors;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Ingress;
using Gateway.Actors.Upstreams;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tests.Actors.Ingress;

/// <summary>The warm-up pass on its own: it runs the chain end to end against its sink, within its time, and removes its series.</summary>
public sealed class IngressWarmupPassTests
{
    [Fact]
    public async Task RunAsync_SendsBatchesThroughTheChain_AnsweredBySink_AndRemovesItsMetricSeries()
    {
        var warmup = New(new WarmupSettings(TimeSpan.FromMilliseconds(400), Batch: 10, Pause: TimeSpan.FromMilliseconds(50)));

        var sent = await warmup.RunAsync(CancellationToken.None);

        // Whole batches only; the first one always runs (on a loaded machine its JIT alone may take the 400 ms).
        Assert.True(sent >= 10, $"{sent} requests in 400 ms");
        Assert.Equal(0, sent % 10);
        Assert.Equal(0, warmup.Failed);
        Assert.True(warmup.Completed);
        Assert.InRange(warmup.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(GatewayMetrics.Requests.GetAllLabelValues(), labels => labels.Contains(warmup.Name));
        Assert.DoesNotContain(GatewayMetrics.Duration.GetAllLabelValues(), labels => labels.Contains(warmup.Name));
        Assert.DoesNotContain(GatewayMetrics.RateLimitAdmitted.GetAllLabelValues(), labels => labels.Contains(warmup.Name));
    }

    [Fact]
    public async Task RunAsync_ZeroDuration_SendsNothing()
    {
        var warmup = New(new WarmupSettings(TimeSpan.Zero, Batch: 10, Pause: TimeSpan.FromMilliseconds(50)));
        Assert.Equal(0, await warmup.RunAsync(CancellationToken.None));
        Assert.True(warmup.Completed);
    }

    [Fact]
    public void Settings_Defaults_ArePinned()
    {
        Assert.Equal(new WarmupSettings(TimeSpan.Zero, 50, TimeSpan.FromMilliseconds(100)), WarmupSettings.FromConfig(GatewayDefaults.Config));
    }

    [Theory]
    [InlineData("duration = -1s", "gateway.warm-up.duration")]
    [InlineData("pause = -5ms", "gateway.warm-up.pause")]
    [InlineData("duration = 2s, batch = 0", "gateway.warm-up.batch")]
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
