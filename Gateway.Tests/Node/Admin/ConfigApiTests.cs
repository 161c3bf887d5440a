using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Node.Admin;

/// <summary>The admin API against one in-process node: writes go through the route entities, reads from the replica.</summary>
public sealed class ConfigApiTests(ConfigApiFixture fixture) : IClassFixture<ConfigApiFixture>
{
    private HttpClient Admin => fixture.Gateway.Admin;

    [Fact]
    public async Task PutRoute_New_Returns201WithETagAndLocation()
    {
        using var response = await PutAsync("/admin/routes/put-new", """{"path":"/put-new","upstream":"backend"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal("/admin/routes/put-new", response.Headers.Location!.OriginalString);
        var body = await BodyAsync(response);
        Assert.Equal("put-new", (string?)body["id"]);
        Assert.Equal(1, (long?)body["version"]);
    }

    [Fact]
    public async Task PutRoute_Changed_Returns200WithNextVersion_AndIdenticalKeepsIt()
    {
        (await PutAsync("/admin/routes/put-twice", """{"path":"/one","upstream":"backend"}""")).Dispose();

        using var changed = await PutAsync("/admin/routes/put-twice", """{"path":"/two","upstream":"backend"}""");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("\"2\"", changed.Headers.ETag!.Tag);

        using var same = await PutAsync("/admin/routes/put-twice", """{"id":"put-twice","path":"/two","upstream":"backend"}""");
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal("\"2\"", same.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task GetRoute_AfterPut_ReturnsTheDefinitionWithETag()
    {
        (await PutAsync("/admin/routes/get-me", """{"path":"/get-me/{id:int}","upstream":"backend","methods":["get"],"timeout":"2s"}""")).Dispose();

        using var response = await Admin.GetAsync("/admin/routes/get-me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        var body = await BodyAsync(response);
        Assert.Equal("/get-me/{id:int}", (string?)body["path"]);
        Assert.Equal("GET", (string?)body["methods"]![0]);
        Assert.Equal("2000ms", (string?)body["timeout"]);
    }

    [Fact]
    public async Task GetRoute_Missing_Returns404Problem()
    {
        using var response = await Admin.GetAsync("/admin/routes/never-written");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task ListRoutes_HasHoconAndApiRoutes()
    {
        (await PutAsync("/admin/routes/listed", """{"path":"/listed","upstream":"backend"}""")).Dispose();

        using var response = await Admin.GetAsync("/admin/routes");

        var ids = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(r => (string?)r!["id"]).ToList();
        Assert.Contains("hocon-route", ids);
        Assert.Contains("listed", ids);
        Assert.Equal(ids.Order(StringComparer.Ordinal).ToList(), ids);
    }

    [Fact]
    public async Task PutRoute_StaleIfMatch_Returns412AndKeepsTheRoute()
    {
        (await PutAsync("/admin/routes/guarded", """{"path":"/guarded","upstream":"backend"}""")).Dispose();
        (await PutAsync("/admin/routes/guarded", """{"path":"/guarded2","upstream":"backend"}""", ifMatch: "\"1\"")).Dispose();

        using var stale = await PutAsync("/admin/routes/guarded", """{"path":"/guarded3","upstream":"backend"}""", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType!.MediaType);
        Assert.Contains("version 2", await stale.Content.ReadAsStringAsync());
        var current = await BodyAsync(await Admin.GetAsync("/admin/routes/guarded"));
        Assert.Equal("/guarded2", (string?)current["path"]);
    }

    [Fact]
    public async Task PutRoute_Invalid_Returns400NamingPathAndUpstream()
    {
        using var response = await PutAsync("/admin/routes/bad", """{"path":"/a/{**b}/c","upstream":"x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = await ErrorsAsync(response);
        Assert.Contains(("path", "path template '/a/{**b}/c': catch-all must be last"), errors);
        Assert.Contains(("upstream", "upstream 'x' does not exist"), errors);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("/admin/routes/bad")).StatusCode);
    }

    [Theory]
    [InlineData("""{"path":"/p","upstream":"backend","colour":"red"}""", "colour")]
    [InlineData("""{"path":"/p","upstream":"backend","order":"first"}""", "order")]
    [InlineData("""{"path":"/p","upstream":"backend","timeout":"soon"}""", "timeout")]
    [InlineData("""{"upstream":"backend"}""", "path")]
    [InlineData("""{"id":"other","path":"/p","upstream":"backend"}""", "id")]
    [InlineData("""[1,2]""", "")]
    [InlineData("""{"path":""", "")]
    public async Task PutRoute_BadBody_Returns400NamingTheField(string body, string field)
    {
        using var response = await PutAsync("/admin/routes/shape", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Field == field);
    }

    [Fact]
    public async Task PutRoute_HugeBody_Returns413()
    {
        var json = """{"path":"/p","upstream":"backend","hosts":["PAD"]}""".Replace("PAD", new string('a', 2 * 1024 * 1024));
        // As curl sends a large body: the client waits for the server's answer to its headers before the 2 MB. Without
        // it, the server's early 413 and close can reach the client mid-send, which then sees a broken pipe, not the 413.
        using var request = new HttpRequestMessage(HttpMethod.Put, "/admin/routes/huge")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;

        using var response = await Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task DeleteRoute_ThenGetAndDeleteAgain_Are404()
    {
        (await PutAsync("/admin/routes/doomed", """{"path":"/doomed","upstream":"backend"}""")).Dispose();

        using var stale = await SendAsync(HttpMethod.Delete, "/admin/routes/doomed", null, ifMatch: "\"9\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        using var deleted = await SendAsync(HttpMethod.Delete, "/admin/routes/doomed", null, ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("/admin/routes/doomed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.DeleteAsync("/admin/routes/doomed")).StatusCode);
    }

    [Fact]
    public async Task PutRoute_ThenTraffic_IsRoutedByIt_AndDeleteStopsIt()
    {
        (await PutAsync("/admin/routes/live", """{"path":"/live/{**rest}","upstream":"backend","rewrite":{"stripPrefix":"/live"}}""")).Dispose();

        var body = await WaitForStatusAsync("/live/hello", HttpStatusCode.OK);
        Assert.Equal("backend saw /hello", body);

        (await Admin.DeleteAsync("/admin/routes/live")).Dispose();
        await WaitForStatusAsync("/live/hello", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task HoconRoute_IsServedAndOwnedByItsEntity()
    {
        Assert.Equal("backend saw /from-hocon/x", await WaitForStatusAsync("/from-hocon/x", HttpStatusCode.OK));
        using var response = await Admin.GetAsync("/admin/routes/hocon-route");
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Upstreams_PutGetList_AndDeleteInUseIs409()
    {
        using var created = await PutAsync("/admin/upstreams/spare", """{"endpoints":[{"url":"http://127.0.0.1:9","weight":2}],"loadBalancing":"weighted"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);

        var got = await BodyAsync(await Admin.GetAsync("/admin/upstreams/spare"));
        Assert.Equal("weighted", (string?)got["loadBalancing"]);
        var names = JsonNode.Parse(await Admin.GetStringAsync("/admin/upstreams"))!.AsArray().Select(u => (string?)u!["name"]);
        Assert.Contains("backend", names);

        (await PutAsync("/admin/routes/uses-spare", """{"path":"/spare","upstream":"spare"}""")).Dispose();
        using var inUse = await Admin.DeleteAsync("/admin/upstreams/spare");
        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        Assert.Contains("uses-spare", await inUse.Content.ReadAsStringAsync());

        (await Admin.DeleteAsync("/admin/routes/uses-spare")).Dispose();
        using var deleted = await Admin.DeleteAsync("/admin/upstreams/spare");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task PutUpstream_Invalid_Returns400NamingTheEndpoint()
    {
        using var response = await PutAsync("/admin/upstreams/broken", """{"endpoints":["ftp://x"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorsAsync(response), e => e.Field == "endpoints[0].url");
    }

    [Fact]
    public async Task Readyz_ReportsTheReplicaInSync()
    {
        var body = JsonNode.Parse(await Admin.GetStringAsync("/readyz"))!;
        Assert.True((bool?)body["ready"]);
        Assert.True((bool?)body["replicaSynced"]);
        Assert.False((bool?)body["steppedBack"]);
        Assert.Null(body["steppedBackReason"]);
    }

    private Task<HttpResponseMessage> PutAsync(string path, string json, string? ifMatch = null) =>
        SendAsync(HttpMethod.Put, path, json, ifMatch);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (ifMatch is not null) request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        return Admin.SendAsync(request);
    }

    private static async Task<JsonNode> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static async Task<List<(string Field, string Message)>> ErrorsAsync(HttpResponseMessage response)
    {
        var body = await BodyAsync(response);
        return body["errors"]!.AsArray().Select(e => ((string)e!["field"]!, (string)e["message"]!)).ToList();
    }

    private async Task<string> WaitForStatusAsync(string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        HttpStatusCode last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await fixture.Gateway.Client.GetAsync(path);
            last = response.StatusCode;
            if (last == expected) return await response.Content.ReadAsStringAsync();
            await Task.Delay(25);
        }
        throw new TimeoutException($"{path} answered {last}, not {expected}, within 10 s");
    }
}
