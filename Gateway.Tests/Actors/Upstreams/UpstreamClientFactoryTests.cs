using System.Net;
using Gateway.Actors;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Upstreams;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.Upstreams;

/// <summary>
/// Issue 12: with <c>gateway.ingress.inline-completions</c> the upstream client's connections complete on the socket
/// event thread, so the forwarder goes on with a response on the thread that read it; without it, on the thread pool.
/// </summary>
public sealed class UpstreamClientFactoryTests
{
    private const string SocketEventThread = ".NET Sockets";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpstreamResponses_ContinueOnTheSocketEventThread_OnlyWhenInline(bool inline)
    {
        // The upstream answers late, so the client's read is pending and completes through the socket engine.
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            await Task.Delay(50);
            await context.Response.WriteAsync("late");
        });
        var defaults = UpstreamDefaults.FromConfig(GatewayDefaults.Config) with { InlineCompletions = inline };
        using var client = UpstreamClientFactory.Create(new UpstreamDefinition { Name = "svc" }, defaults);

        var threads = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, upstream.Url + "/x");
            using var response = await client.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
            threads.Add(Thread.CurrentThread.Name);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("late", await response.Content.ReadAsStringAsync());
        }

        if (inline) Assert.All(threads, t => Assert.Equal(SocketEventThread, t));
        else Assert.DoesNotContain(SocketEventThread, threads);
    }

    [Fact]
    public void GatewayDefaults_TurnInlineCompletionsOn()
    {
        Assert.True(UpstreamDefaults.FromConfig(GatewayDefaults.Config).InlineCompletions);
    }
}
