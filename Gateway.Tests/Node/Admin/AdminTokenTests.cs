using System.Net;
using System.Net.Http.Headers;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Node.Admin;

public sealed class AdminTokenTests
{
    [Fact]
    public async Task AdminApi_WithToken_RequiresTheBearerToken_ButProbesStayOpen()
    {
        await using var gateway = await TestGateway.StartAsync("admin.token = \"s3cret-token\"");

        using var missing = await gateway.Admin.GetAsync("/admin/routes");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/routes") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokex") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Admin.SendAsync(wrong)).StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/admin/routes") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token") } };
        Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.SendAsync(right)).StatusCode);

        using var put = new HttpRequestMessage(HttpMethod.Put, "/admin/upstreams/u") { Content = new StringContent("""{"endpoints":["http://127.0.0.1:9"]}""") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Admin.SendAsync(put)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.GetAsync("/readyz")).StatusCode);
    }
}
