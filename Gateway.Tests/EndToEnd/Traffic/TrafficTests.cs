using System.Net;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.EndToEnd.Traffic;

/// <summary>Gray release with real upstreams: weighted and sticky splits, header and query canaries, consistent hashing.</summary>
[Trait("Category", "EndToEnd")]
public sealed class TrafficTests
{
    // An upstream that answers with its own name, so a test sees which backend served each request.
    private static Task<TestUpstream> NamedAsync(string name) =>
        TestUpstream.StartAsync(context => context.Response.WriteAsync(name));

    private static async Task<string> ServedByAsync(HttpClient client, string path, string? header = null, string? value = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (header is not null) request.Headers.Add(header, value);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task WeightedSplit_90To10_Over1000Requests_WithinThreePoints()
    {
        await using var v1 = await NamedAsync("v1");
        await using var v2 = await NamedAsync("v2");
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = v1, endpoints = [ "{{v1.Url}}" ] }, { name = v2, endpoints = [ "{{v2.Url}}" ] } ]
            routes = [ { id = orders, path = "/orders/{**rest}", backends = [ { upstream = v1, weight = 90 }, { upstream = v2, weight = 10 } ] } ]
            """);

        var served = new List<string>();
        for (var i = 0; i < 1_000; i++) served.Add(await ServedByAsync(gateway.Client, $"/orders/{i}"));

        var share = served.Count(s => s == "v2") / 10.0;
        Assert.InRange(share, 7, 13);
        Assert.Equal(1_000, served.Count(s => s is "v1" or "v2"));
    }

    [Fact]
    public async Task BackendWithEveryEndpointDown_ItsShareGoesToTheOthers()
    {
        await using var v1 = await NamedAsync("v1");
        var dead = FreePort.Next();
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [
              { name = v1, endpoints = [ "{{v1.Url}}" ] }
              { name = v2, endpoints = [ "http://127.0.0.1:{{dead}}" ], circuit-breaker = { consecutive-failures = 1, base-ejection = 60s } }
            ]
            routes = [ { id = orders, path = "/orders/{**rest}", backends = [ { upstream = v1, weight = 50 }, { upstream = v2, weight = 50 } ] } ]
            """);

        // The first requests find v2 refusing connections, which opens its only endpoint...
        await Eventually.TrueAsync(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                using var response = await gateway.Client.GetAsync("/orders/probe");
                if (response.StatusCode != HttpStatusCode.OK || await response.Content.ReadAsStringAsync() != "v1") return false;
            }
            return true;
        }, TimeSpan.FromSeconds(20));
        // ...after which every request goes to v1 instead of half of them failing.
        for (var i = 0; i < 50; i++) Assert.Equal("v1", await ServedByAsync(gateway.Client, $"/orders/{i}"));
    }

    [Fact]
    public async Task HeaderAndQueryCanaries_TakeEveryMatchingRequest_AndNoOther()
    {
        await using var stable = await NamedAsync("stable");
        await using var canary = await NamedAsync("canary");
        await using var beta = await NamedAsync("beta");
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = stable, endpoints = [ "{{stable.Url}}" ] }, { name = canary, endpoints = [ "{{canary.Url}}" ] },
                          { name = beta, endpoints = [ "{{beta.Url}}" ] } ]
            routes = [
              { id = api, path = "/api/{**rest}", upstream = stable }
              { id = api-canary, path = "/api/{**rest}", upstream = canary, match { headers = [ { name = X-Canary, value = always } ] } }
              { id = api-beta, path = "/api/{**rest}", upstream = beta, match { query = [ { name = beta, value = "1" } ] } }
            ]
            """);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("canary", await ServedByAsync(gateway.Client, $"/api/items/{i}", "X-Canary", "always"));
            Assert.Equal("beta", await ServedByAsync(gateway.Client, $"/api/items/{i}?beta=1"));
            Assert.Equal("stable", await ServedByAsync(gateway.Client, $"/api/items/{i}"));
            Assert.Equal("stable", await ServedByAsync(gateway.Client, $"/api/items/{i}?beta=0", "X-Canary", "sometimes"));
        }
    }

    [Fact]
    public async Task StickySplit_KeysNeverChangeBackend_AndAWeightChangeMovesOnlyTheirShare()
    {
        await using var v1 = await NamedAsync("v1");
        await using var v2 = await NamedAsync("v2");
        string Config(int w1, int w2) => $$"""
            upstreams = [ { name = v1, endpoints = [ "{{v1.Url}}" ] }, { name = v2, endpoints = [ "{{v2.Url}}" ] } ]
            routes = [ { id = orders, path = "/orders/{**rest}", sticky = { key = "header:X-User" },
                         backends = [ { upstream = v1, weight = {{w1}} }, { upstream = v2, weight = {{w2}} } ] } ]
            """;
        var users = Enumerable.Range(0, 300).Select(i => $"user-{i}").ToArray();

        Dictionary<string, string> before;
        await using (var node1 = await TestGateway.StartAsync(Config(90, 10)))
        await using (var node2 = await TestGateway.StartAsync(Config(90, 10)))
        {
            before = new Dictionary<string, string>();
            foreach (var user in users)
            {
                var first = await ServedByAsync(node1.Client, "/orders/a", "X-User", user);
                // Same backend on every request and on every node, with no shared state.
                for (var i = 0; i < 3; i++) Assert.Equal(first, await ServedByAsync(node1.Client, $"/orders/{i}", "X-User", user));
                Assert.Equal(first, await ServedByAsync(node2.Client, "/orders/b", "X-User", user));
                before[user] = first;
            }
        }
        Assert.InRange(before.Values.Count(v => v == "v2"), 10, 55);

        await using var changed = await TestGateway.StartAsync(Config(80, 20));
        var moved = 0;
        foreach (var user in users)
        {
            var now = await ServedByAsync(changed.Client, "/orders/a", "X-User", user);
            if (now == before[user]) continue;
            // Only keys that must move do, and only toward the backend whose weight grew.
            Assert.Equal(("v1", "v2"), (before[user], now));
            moved++;
        }
        Assert.InRange(moved, 10, 60);
    }

    [Fact]
    public async Task StickySplit_WeightsEditedThroughTheAdminApi_MoveOnlyTheKeysThatMust()
    {
        await using var v1 = await NamedAsync("v1");
        await using var v2 = await NamedAsync("v2");
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = v1, endpoints = [ "{{v1.Url}}" ] }, { name = v2, endpoints = [ "{{v2.Url}}" ] } ]
            routes = [ { id = sticky-admin, path = "/orders/{**rest}", sticky = { key = "header:X-User" },
                         backends = [ { upstream = v1, weight = 90 }, { upstream = v2, weight = 10 } ] } ]
            """);
        var users = Enumerable.Range(0, 300).Select(i => $"user-{i}").ToArray();
        var before = new Dictionary<string, string>();
        foreach (var user in users) before[user] = await ServedByAsync(gateway.Client, "/orders/a", "X-User", user);
        Assert.InRange(before.Values.Count(v => v == "v2"), 10, 55);

        using (var put = await gateway.Admin.PutAsync("/admin/routes/sticky-admin", new StringContent("""
            {"path": "/orders/{**rest}", "sticky": {"key": "header:X-User"},
             "backends": [{"upstream": "v1", "weight": 80}, {"upstream": "v2", "weight": 20}]}
            """, System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        async Task<Dictionary<string, string>> SweepAsync()
        {
            var now = new Dictionary<string, string>();
            foreach (var user in users) now[user] = await ServedByAsync(gateway.Client, "/orders/b", "X-User", user);
            return now;
        }
        // The node's table is swapped atomically once it compiled the edit: the first sweep that shows a move is after it.
        await Eventually.MatchAsync(SweepAsync, now => users.Any(u => now[u] != before[u]), TimeSpan.FromSeconds(30),
            _ => "no key moved after the weight change");
        var after = await SweepAsync();
        var moved = users.Where(u => after[u] != before[u]).ToArray();
        // Only keys that must move do, and only toward the backend whose weight grew (about 10 % of them).
        Assert.All(moved, u => Assert.Equal(("v1", "v2"), (before[u], after[u])));
        Assert.InRange(moved.Length, 10, 60);
        // Sticky again under the new weights.
        foreach (var user in users.Take(50)) Assert.Equal(after[user], await ServedByAsync(gateway.Client, "/orders/c", "X-User", user));
    }

    [Fact]
    public async Task ConsistentHash_EndpointLeaves_OnlyItsKeysMove()
    {
        var upstreams = new List<TestUpstream>();
        for (var i = 0; i < 4; i++) upstreams.Add(await NamedAsync($"e{i}"));
        try
        {
            string Config(IEnumerable<TestUpstream> endpoints) => $$"""
                upstreams = [ { name = ring, load-balancing = consistent-hash, hash-key = "header:X-User",
                                endpoints = [ {{string.Join(", ", endpoints.Select(u => $"\"{u.Url}\""))}} ] } ]
                routes = [ { id = r, path = "/{**rest}", upstream = ring } ]
                """;
            var users = Enumerable.Range(0, 400).Select(i => $"user-{i}").ToArray();
            var before = new Dictionary<string, string>();
            await using (var gateway = await TestGateway.StartAsync(Config(upstreams)))
            {
                foreach (var user in users)
                {
                    before[user] = await ServedByAsync(gateway.Client, "/a", "X-User", user);
                    Assert.Equal(before[user], await ServedByAsync(gateway.Client, "/b", "X-User", user));
                }
            }
            Assert.Equal(4, before.Values.Distinct().Count());

            await using var without = await TestGateway.StartAsync(Config(upstreams.Where((_, i) => i != 2)));
            var moved = 0;
            foreach (var user in users)
            {
                var now = await ServedByAsync(without.Client, "/a", "X-User", user);
                if (now == before[user]) continue;
                Assert.Equal("e2", before[user]);
                moved++;
            }
            // Exactly the leaving endpoint's keys moved: about a quarter.
            Assert.Equal(before.Values.Count(v => v == "e2"), moved);
            Assert.InRange(moved, 400 / 4 * 0.5, 400 / 4 * 1.5);
        }
        finally
        {
            foreach (var upstream in upstreams) await upstream.DisposeAsync();
        }
    }
}
