using Gateway.Actors.Chain;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.Forwarding;

/// <summary>The outgoing request's address: the pooled request reuses its last Uri only for the same endpoint, path and query.</summary>
public sealed class ProxyRequestTests
{
    [Theory]
    [InlineData("same path and query", "http://a.local", "/items/1", "?x=1", "http://a.local/items/1?x=1")]
    [InlineData("another path", "http://a.local", "/items/2", "?x=1", "http://a.local/items/2?x=1")]
    [InlineData("another query", "http://a.local", "/items/1", "?x=2", "http://a.local/items/1?x=2")]
    [InlineData("no query", "http://a.local", "/items/1", "", "http://a.local/items/1")]
    [InlineData("another endpoint", "http://b.local", "/items/1", "?x=1", "http://b.local/items/1?x=1")]
    public async Task TransformRequest_AfterAnotherRequest_AddressesThisOne(string name, string prefix, string destination, string query, string expected)
    {
        _ = name;
        var step = NewStep();
        // The first request leaves its Uri on the pooled object; the second one (the pool hands the same object back) must not get it.
        Assert.Equal("http://a.local/items/1?x=1", (await AddressOf(step, "http://a.local", "/items/1", "?x=1")).AbsoluteUri);
        Assert.Equal(expected, (await AddressOf(step, prefix, destination, query)).AbsoluteUri);
    }

    private static async Task<Uri> AddressOf(ForwardStep step, string prefix, string destination, string query)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Host = new HostString("gateway.local");
        http.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        var context = new RequestContext();
        context.Init(http, destination, destination, "id", 0);
        var proxy = ProxyRequest.Rent(context, step);
        using var message = new HttpRequestMessage();
        await proxy.TransformRequestAsync(http, message, prefix, CancellationToken.None);
        proxy.Return();
        return message.RequestUri!;
    }

    private static ForwardStep NewStep()
    {
        var upstream = new UpstreamDefinition { Name = "u", Endpoints = [new EndpointDefinition { Url = "http://a.local" }] };
        var runtime = new UpstreamRuntime(upstream, UpstreamDefaults.FromConfig(Gateway.Actors.GatewayDefaults.Config), new HttpMessageInvoker(new SocketsHttpHandler()));
        var route = new CompiledRoute(new RouteDefinition { Id = "r", Path = "/{**rest}", Upstream = "u" }, PathTemplate.Parse("/{**rest}"), runtime);
        return new ForwardStep(route.Id, runtime, route.ForwarderConfig, route.RequestHeaders, route.ResponseHeaders, null, null!);
    }
}
