using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Node.Admin;

/// <summary>One in-process node with an upstream <c>backend</c> (a real HTTP server answering with its path) for the admin API tests.</summary>
public sealed class ConfigApiFixture : IAsyncLifetime
{
    public TestGateway Gateway { get; private set; } = null!;

    public TestUpstream Backend { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("backend saw " + context.Request.Path));
        Gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = backend, endpoints = [ "{{Backend.Url}}" ] } ]
            routes = [ { id = hocon-route, path = "/from-hocon/{**rest}", upstream = backend } ]
            """);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
