using System.Net;
using Gateway.Actors.RateLimiting;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.RateLimiting;

public sealed class ClientAddressResolverTests
{
    private static HttpContext Context(string peer, string? forwarded)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwarded is not null) context.Request.Headers["X-Forwarded-For"] = forwarded;
        return context;
    }

    [Theory]
    [InlineData("203.0.113.7", "1.2.3.4", "203.0.113.7")]             // untrusted peer: its header is ignored
    [InlineData("10.0.0.5", "198.51.100.9", "198.51.100.9")]          // trusted proxy: the client it saw
    [InlineData("10.0.0.5", "6.6.6.6, 198.51.100.9, 10.0.0.9", "198.51.100.9")] // skip trusted hops from the right
    [InlineData("10.0.0.5", "garbage", "10.0.0.5")]                   // unreadable header: the peer
    [InlineData("::ffff:10.0.0.5", "198.51.100.9", "198.51.100.9")]   // IPv4-mapped peer
    public void Resolve_HonoursOnlyTrustedProxies(string peer, string? forwarded, string expected)
    {
        var resolver = new ClientAddressResolver([IPNetwork.Parse("10.0.0.0/8")]);
        Assert.Equal(expected, resolver.Resolve(Context(peer, forwarded)));
    }

    [Fact]
    public void FromConfig_BadEntry_NamesIt()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("gateway.trusted-proxies = [ \"10.0.0.0/8\", \"nope\" ]");
        var error = Assert.Throws<Akka.Configuration.ConfigurationException>(() => ClientAddressResolver.FromConfig(config));
        Assert.Contains("'nope'", error.Message);
    }
}
