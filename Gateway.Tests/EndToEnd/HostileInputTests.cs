using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>One gateway and an upstream that records every request that reaches it, for the hostile input suite.</summary>
public sealed class HostileFixture : IAsyncLifetime
{
    /// <summary>Method and raw target of every request the upstream received.</summary>
    public ConcurrentQueue<string> Seen { get; } = new();

    /// <summary>The upstream.</summary>
    public TestUpstream Upstream { get; private set; } = null!;

    /// <summary>The gateway.</summary>
    public TestGateway Gateway { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Upstream = await TestUpstream.StartAsync(async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            Seen.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} body={body.Length}");
            await context.Response.WriteAsync("ok");
        });
        Gateway = await TestGateway.StartAsync($$"""
            ingress.limits { request-headers-timeout = 2s, max-request-headers = 50 }
            upstreams = [ { name = u, endpoints = [ "{{Upstream.Url}}" ] } ]
            routes = [ { id = all, path = "/{**rest}", upstream = u } ]
            """);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}

/// <summary>
/// Malformed and hostile requests through a raw socket: each gets a clear refusal (or is made harmless), nothing is
/// smuggled to the upstream, and the node keeps serving.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class HostileInputTests(HostileFixture fixture) : IClassFixture<HostileFixture>
{
    [Theory]
    [InlineData("bad request line", "GARBAGE\r\n\r\n", "400")]
    [InlineData("unknown version", "GET / HTTP/9.9\r\nHost: a\r\n\r\n", "505")]
    [InlineData("duplicate Content-Length", "POST /dup HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", "400")]
    [InlineData("bare CR in a header value", "GET /cr HTTP/1.1\r\nHost: a\r\nX-Evil: a\rInjected: b\r\n\r\n", "400")]
    [InlineData("header without colon", "GET /nc HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n", "400")]
    [InlineData("missing Host", "GET /nohost HTTP/1.1\r\n\r\n", "400")]
    [InlineData("invalid UTF-8 in the target", "GET /caf\xff HTTP/1.1\r\nHost: a\r\n\r\n", "400")]
    [InlineData("bad chunk size", "POST /chunk HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n", "400")]
    public async Task MalformedRequest_IsRefused_AndNodeKeepsServing(string name, string raw, string status)
    {
        var answer = await SendAsync(Encoding.Latin1.GetBytes(raw));
        Assert.True(answer.StartsWith($"HTTP/1.1 {status}", StringComparison.Ordinal), $"{name}: {FirstLine(answer)}");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task ContentLengthAndChunked_NothingIsSmuggled()
    {
        // A classic CL.TE smuggling attempt: if the chunked framing were ignored, "GET /smuggled" would be a second request.
        const string raw = "POST /front HTTP/1.1\r\nHost: a\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
        var answer = await SendAsync(Encoding.ASCII.GetBytes(raw));
        Assert.True(answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal) || answer.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), FirstLine(answer));
        await AssertStillServingAsync();
        Assert.DoesNotContain(fixture.Seen, s => s.Contains("/smuggled"));
    }

    [Fact]
    public async Task OversizedHeaders_Are431()
    {
        var raw = $"GET /big HTTP/1.1\r\nHost: a\r\nX-Big: {new string('a', 40 * 1024)}\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 431", await SendAsync(Encoding.ASCII.GetBytes(raw)));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task TooManyHeaders_Are431()
    {
        var headers = string.Concat(Enumerable.Range(0, 80).Select(i => $"X-H{i}: v\r\n"));
        Assert.StartsWith("HTTP/1.1 431", await SendAsync(Encoding.ASCII.GetBytes($"GET /many HTTP/1.1\r\nHost: a\r\n{headers}\r\n")));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task OverlongRequestLine_Is414()
    {
        var raw = $"GET /{new string('a', 10 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 414", await SendAsync(Encoding.ASCII.GetBytes(raw)));
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/a/./b/../../c", "/c")]
    [InlineData("/a/%2e%2e/c2", "/c2")]
    public async Task TraversalForms_WithinTheRoot_AreResolvedBeforeForwarding(string target, string expected)
    {
        var answer = await SendAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains(fixture.Seen, s => s.StartsWith($"GET {expected} ", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Seen, s => s.Contains(".."));
    }

    [Theory]
    [InlineData("/../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/secret")]
    public async Task TraversalForms_ClimbingAboveTheRoot_Are400_AndNeverForwarded(string target)
    {
        var answer = await SendAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.DoesNotContain(fixture.Seen, s => s.Contains("passwd") || s.Contains("secret"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Slowloris_HeadersNeverFinished_ConnectionIsCut()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Gateway.IngressPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /slow HTTP/1.1\r\nHost: a\r\n"));
        var started = DateTime.UtcNow;
        var buffer = new byte[1024];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            // Keep dribbling one header byte at a time; the server must give up on us (408 or close).
            while (!cts.IsCancellationRequested)
            {
                var read = stream.ReadAsync(buffer, cts.Token).AsTask();
                var dribble = Task.Delay(500, cts.Token);
                if (await Task.WhenAny(read, dribble) == read)
                {
                    var n = await read;
                    Assert.True(n == 0 || Encoding.ASCII.GetString(buffer, 0, n).StartsWith("HTTP/1.1 408", StringComparison.Ordinal));
                    break;
                }
                await stream.WriteAsync("X"u8.ToArray(), cts.Token);
            }
        }
        catch (IOException)
        {
            // Reset by the server: also cut off.
        }
        Assert.False(cts.IsCancellationRequested, "the server kept a never-finished request open for 15 s");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        using var response = await fixture.Gateway.Client.GetAsync("/still-alive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<string> SendAsync(byte[] raw) => RawHttpConnection.ExchangeAsync(fixture.Gateway.IngressPort, raw, headOnly: true);

    private static string FirstLine(string answer) => answer.Split('\n')[0].Trim();
}
