using System.Net;
using Gateway.Actors.ConfigStore;
using Gateway.Actors.Ops;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Gateway.Tests.EndToEnd;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Node;

/// <summary>Saving the node's config file applies its routes without a restart; an invalid file changes nothing.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ConfigFileReloadTests
{
    [Fact]
    public async Task SavedChange_IsApplied_InvalidFile_IsRefusedAndOldConfigServes()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        var dir = Directory.CreateTempSubdirectory("gateway-reload-");
        var file = Path.Combine(dir.FullName, "node.conf");
        string Routes(string extra) => $$"""
            gateway {
              upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
              routes = [
                { id = first, path = "/first/{**rest}", upstream = u }
                {{extra}}
              ]
            }
            """;
        await File.WriteAllTextAsync(file, Routes(""));
        try
        {
            await using var gateway = await TestGateway.StartAsync($$"""
                config-file = "{{file.Replace("\\", "/")}}"
                upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
                routes = [ { id = first, path = "/first/{**rest}", upstream = u } ]
                """);
            using (var before = await gateway.Client.GetAsync("/second/x")) Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

            await File.WriteAllTextAsync(file, Routes("""{ id = second, path = "/second/{**rest}", upstream = u }"""));
            await Eventually.StatusAsync(gateway.Client, "/second/x", HttpStatusCode.OK);

            // Invalid: a catch-all in the middle. Nothing of it may apply, and what runs keeps running.
            // Wait for the watcher's refusal itself, so the checks below follow a file that was read and judged.
            var logs = gateway.Services.GetRequiredService<LogBuffer>();
            bool Refusals(int count) => logs.Peek(logs.Capacity).Count(e => e.Message.Contains("refused, the running config stays", StringComparison.Ordinal)) >= count;
            var refusedBefore = logs.Peek(logs.Capacity).Count(e => e.Message.Contains("refused, the running config stays", StringComparison.Ordinal));
            await File.WriteAllTextAsync(file, Routes("""{ id = third, path = "/third/{**rest}/bad", upstream = u }"""));
            await Eventually.TrueAsync(() => Refusals(refusedBefore + 1), TimeSpan.FromSeconds(20), () => "the invalid file was never refused (watcher not run?)");
            using (var third = await gateway.Client.GetAsync("/third/x/bad")) Assert.Equal(HttpStatusCode.NotFound, third.StatusCode);
            using (var first = await gateway.Client.GetAsync("/first/x")) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            using (var second = await gateway.Client.GetAsync("/second/x")) Assert.Equal(HttpStatusCode.OK, second.StatusCode);

            // Removing a route from the file deletes it.
            await File.WriteAllTextAsync(file, Routes(""));
            await Eventually.StatusAsync(gateway.Client, "/second/x", HttpStatusCode.NotFound);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Between_OrdersUpstreamsFirstAndDeletesRoutesBeforeUpstreams()
    {
        var a = new UpstreamDefinition { Name = "a", Endpoints = [new EndpointDefinition { Url = "http://a" }] };
        var b = new UpstreamDefinition { Name = "b", Endpoints = [new EndpointDefinition { Url = "http://b" }] };
        var r1 = new RouteDefinition { Id = "r1", Path = "/1", Upstream = "a" };
        var r2 = new RouteDefinition { Id = "r2", Path = "/2", Upstream = "b" };
        var previous = new GatewayDefinitions([a, b], [r1, r2]);
        var next = new GatewayDefinitions([a with { Endpoints = [new EndpointDefinition { Url = "http://a2" }] }], [r1 with { Version = 9 }]);

        var keys = DefinitionChanges.Between(previous, next).Select(c => $"{c.GetType().Name} {c.EntityKey}").ToList();
        Assert.Equal(["UpsertUpstream upstream:a", "DeleteRoute route:r2", "DeleteUpstream upstream:b"], keys);
        Assert.Empty(DefinitionChanges.Between(next, next));
    }
}
