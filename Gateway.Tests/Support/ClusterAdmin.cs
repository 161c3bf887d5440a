using System.Diagnostics;
using System.Net;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>Admin and readiness calls against a <see cref="LocalCluster"/>'s nodes, timed, for the control-plane tests.</summary>
public static class ClusterAdmin
{
    /// <summary>One admin answer: status, ETag, the <c>Gateway-Propagated</c> header and how long it took.</summary>
    public sealed record Answer(HttpStatusCode Status, string? ETag, string? Propagated, string? RetryAfter, TimeSpan Elapsed, string Body);

    /// <summary>Starts nodes 0..n-1 (the seed first) and waits until each is ready.</summary>
    public static async Task StartAllAsync(this LocalCluster cluster, int count, params string[] extraArgs)
    {
        for (var i = 0; i < count; i++) cluster.Start(i, extraArgs);
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => cluster.WaitReadyAsync(i, LocalCluster.StartTimeout)));
    }

    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> to node <paramref name="node"/>'s admin port and times the answer.</summary>
    public static async Task<Answer> SendAsync(this LocalCluster cluster, int node, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, cluster.AdminUrl(node) + path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var clock = Stopwatch.StartNew();
        using var response = await cluster.Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, response.Headers.ETag?.Tag,
            response.Headers.TryGetValues("Gateway-Propagated", out var p) ? p.First() : null,
            response.Headers.RetryAfter?.ToString(), clock.Elapsed, body);
    }

    /// <summary>PUTs and asserts the status; a 503 (not applied, see Retry-After) is sent again for up to 30 s, as a client should.</summary>
    public static Task<Answer> PutAsync(this LocalCluster cluster, int node, string path, string json, params HttpStatusCode[] expected) =>
        cluster.WriteAsync(node, HttpMethod.Put, path, json, expected);

    /// <summary>Sends a write and asserts the status; a 503 (not applied, see Retry-After) is sent again for up to 30 s.</summary>
    public static async Task<Answer> WriteAsync(this LocalCluster cluster, int node, HttpMethod method, string path, string? json, params HttpStatusCode[] expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var answer = await cluster.SendAsync(node, method, path, json);
            if (expected.Contains(answer.Status)) return answer;
            if (answer.Status != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"{method} {path} on node {node}: {(int)answer.Status} {answer.Body}");
            await Task.Delay(TimeSpan.FromSeconds(int.TryParse(answer.RetryAfter, out var seconds) ? seconds : 1));
        }
    }

    /// <summary>The status of node i's <c>/readyz</c>; null when the node does not answer (stopped, exited).</summary>
    public static async Task<HttpStatusCode?> ReadinessAsync(this LocalCluster cluster, int node, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var response = await cluster.Admin.GetAsync(cluster.AdminUrl(node) + "/readyz", cancel.Token);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Polls <paramref name="condition"/> every <paramref name="pollMs"/> ms until it holds, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, int pollMs = 100)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout}: {what}");
            await Task.Delay(pollMs);
        }
    }
}
