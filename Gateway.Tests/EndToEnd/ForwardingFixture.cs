using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>One scripted upstream and one gateway node in front of it, shared by the forwarding tests.</summary>
public sealed class ForwardingFixture : IAsyncLifetime
{
    /// <summary>The upstream.</summary>
    public TestUpstream Upstream { get; private set; } = null!;

    /// <summary>The gateway.</summary>
    public TestGateway Gateway { get; private set; } = null!;

    /// <summary>A port nothing listens on.</summary>
    public int DeadPort { get; } = FreePort.Next();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync, webSockets: true);
        Gateway = await TestGateway.StartAsync($$"""
            upstreams = [
              { name = main, endpoints = [ { url = "{{Upstream.Url}}" } ] }
              { name = dead, endpoints = [ { url = "http://127.0.0.1:{{DeadPort}}" } ], connect-timeout = 2s }
              { name = slowpoke, endpoints = [ { url = "{{Upstream.Url}}" } ], request-timeout = 500ms }
            ]
            routes = [
              {
                id = api, path = "/api/{**rest}", upstream = main
                rewrite { strip-prefix = "/api" }
                request-headers {
                  add { X-Added = "1" }
                  remove = [ X-Secret ]
                }
                response-headers {
                  add { X-Resp = "yes" }
                  remove = [ X-Upstream-Internal ]
                }
              }
              { id = item, path = "/items/{id:int}", methods = [ GET ], upstream = main, rewrite { template = "/echo/item/{id}" } }
              { id = item-any, path = "/items/{name}", upstream = main, rewrite { template = "/echo/named/{name}" } }
              { id = tenant, hosts = [ "tenant.example.com" ], path = "/{**rest}", upstream = main, rewrite { template = "/echo/tenant/{rest}" } }
              { id = wild, hosts = [ "*.wild.test" ], path = "/{**rest}", upstream = main, rewrite { template = "/echo/wild/{rest}" } }
              { id = slow, path = "/slow/{ms:int}", upstream = slowpoke }
              { id = dead, path = "/dead/{**rest}", upstream = dead }
              { id = direct, path = "/{**rest}", upstream = main, order = 100 }
            ]
            """);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
