using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.EndToEnd;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>
/// The shipped Grafana board and Prometheus alert rules query only metrics a running node exports, so they cannot rot
/// when a metric is renamed or removed.
/// </summary>
[Trait("Category", "Process")]
public sealed partial class DashboardMetricsTests
{
    // Series Prometheus makes itself for every target, not exported by the node.
    private static readonly HashSet<string> PrometheusSeries = ["up"];

    private static readonly HashSet<string> PromQlWords =
    [
        "sum", "min", "max", "avg", "count", "by", "without", "rate", "irate", "increase", "histogram_quantile", "ignoring", "on",
        "group_left", "group_right", "or", "and", "unless", "vector", "time", "scalar", "label_values", "bool", "offset", "topk",
        "bottomk", "abs", "clamp_min", "clamp_max", "delta", "changes", "resets", "absent",
    ];

    [Fact]
    public void Dashboard_IsImportable_WithADatasourceVariableOnEveryPanel()
    {
        using var board = JsonDocument.Parse(File.ReadAllText(RepoFile("ops/grafana/gateway-dashboard.json")));
        var root = board.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("id").ValueKind);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("uid").GetString()));
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToArray();
        Assert.Contains(variables, v => v.GetProperty("name").GetString() == "datasource" && v.GetProperty("type").GetString() == "datasource"
            && v.GetProperty("query").GetString() == "prometheus");
        var panels = root.GetProperty("panels").EnumerateArray().ToArray();
        Assert.True(panels.Length >= 10);
        Assert.All(panels, p => Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString()));
        Assert.All(panels, p => Assert.NotEmpty(p.GetProperty("targets").EnumerateArray()));
        // The board covers what the issue asks an operator to see.
        var titles = string.Join("|", panels.Select(p => p.GetProperty("title").GetString()));
        foreach (var topic in new[] { "Requests/s", "p99", "Upstream errors", "Ejected", "Shed", "rate-limited", "Cache hit", "Backend split", "Cluster members", "Config propagation" })
            Assert.Contains(topic, titles, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AlertRules_CoverTheIssuesAlerts()
    {
        var names = AlertNames(File.ReadAllLines(RepoFile("ops/prometheus/alerts.yml")));
        Assert.Equal(
            ["GatewayClusterMemberUnreachable", "GatewayClusterMembersMissing", "GatewayEndpointsEjected", "GatewayHighErrorRatio",
             "GatewayHighLatencyP99", "GatewayServingFallbacks", "GatewayShedding", "GatewayUpstreamDown"],
            names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MetricNames_TakesNamesOutOfPromQl()
    {
        Assert.Equal(
            ["a_total", "b_bucket", "c", "d"],
            MetricNames("""sum by (route, le) (rate(a_total{code="5xx", x=~"a|b"}[$__rate_interval])) / ignoring(upstream) group_left histogram_quantile(0.99, b_bucket[5m]) > 0.05 or on() vector(0) - c + label_values(d, route)""")
                .Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DashboardAndAlerts_QueryOnlyMetricsTheNodeExports()
    {
        var queried = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var expr in DashboardExpressions(File.ReadAllText(RepoFile("ops/grafana/gateway-dashboard.json")))) queried.UnionWith(MetricNames(expr));
        foreach (var expr in AlertExpressions(File.ReadAllLines(RepoFile("ops/prometheus/alerts.yml")))) queried.UnionWith(MetricNames(expr));
        queried.ExceptWith(PrometheusSeries);
        Assert.True(queried.Count >= 15, string.Join(", ", queried));

        var exported = await ScrapeBusyNodeAsync();

        var missing = queried.Where(name => !exported.Contains(name)).ToArray();
        Assert.True(missing.Length == 0, $"queried but not exported: {string.Join(", ", missing)}\nexported: {string.Join(", ", exported)}");
    }

    // Runs a node process with a route of every kind, sends the requests that make each labelled metric appear, scrapes /metrics.
    private static async Task<HashSet<string>> ScrapeBusyNodeAsync()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        int ingress = FreePort.Next(), admin = FreePort.Next(), dead1 = FreePort.Next(), dead2 = FreePort.Next();
        var dir = Directory.CreateTempSubdirectory("gateway-dashboard-");
        var config = Path.Combine(dir.FullName, "node.conf");
        File.WriteAllText(config, $$"""
            gateway {
              upstreams = [
                { name = live, endpoints = [ "{{upstream.Url}}" ] }
                { name = dead, endpoints = [ "http://127.0.0.1:{{dead1}}", "http://127.0.0.1:{{dead2}}" ],
                  retry = { attempts = 2 }, circuit-breaker = { consecutive-failures = 1 } }
              ]
              routes = [
                { id = cached, path = "/cached/{**rest}", upstream = live, rewrite = { strip-prefix = "/cached" }, cache = { default-ttl = 30s } }
                { id = limited, path = "/limited/{**rest}", upstream = live, rewrite = { strip-prefix = "/limited" }, rate-limit = { key = route, limit = 1, period = 1m } }
                { id = split, path = "/split/{**rest}", rewrite = { strip-prefix = "/split" },
                  backends = [ { upstream = live, weight = 1 }, { upstream = dead, weight = 1 } ],
                  fallback = { status = 200, body = "{}", content-type = "application/json" } }
              ]
            }
            """);
        try
        {
            using var node = NodeProcess.Start(new Dictionary<string, string> { ["GATEWAY_DATA_DIR"] = dir.FullName },
                "--config", config, "--set", $"gateway.ingress.port={ingress}", "--set", "gateway.ingress.hostname=127.0.0.1",
                "--set", $"gateway.admin.port={admin}", "--set", "akka.remote.dot-netty.tcp.port=0", "--set", "gateway.sample.enabled=off");
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            await Node.NodeProcessTests.WaitReadyAsync(client, admin, node);
            var ingressUrl = $"http://127.0.0.1:{ingress}";
            for (var i = 0; i < 2; i++) (await client.GetAsync($"{ingressUrl}/cached/status/200")).Dispose();
            for (var i = 0; i < 2; i++) (await client.GetAsync($"{ingressUrl}/limited/status/200")).Dispose();
            // Half of these reach the dead backend: retries, trips, fallbacks.
            for (var i = 0; i < 12; i++) (await client.GetAsync($"{ingressUrl}/split/status/200")).Dispose();

            var text = await client.GetStringAsync($"http://127.0.0.1:{admin}/metrics");
            return text.Split('\n')
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line => line[..line.IndexOfAny(['{', ' '])])
                .ToHashSet(StringComparer.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Metric names in a PromQL expression: identifiers that are not functions, keywords, labels, strings or durations.</summary>
    internal static IEnumerable<string> MetricNames(string expr)
    {
        var text = LabelValues().Replace(expr, "$1");
        text = StringLiteral().Replace(text, "\"\"");
        text = LabelMatchers().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => m.Index + m.Length >= text.Length || text[m.Index + m.Length] != '(' || !PromQlWords.Contains(m.Value))
            .Select(m => m.Value)
            .Where(name => !PromQlWords.Contains(name) && !double.TryParse(name, out _))
            .Distinct();
    }

    private static IEnumerable<string> DashboardExpressions(string json)
    {
        using var board = JsonDocument.Parse(json);
        var exprs = new List<string>();
        foreach (var panel in board.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray()) exprs.Add(target.GetProperty("expr").GetString()!);
        }
        foreach (var variable in board.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.TryGetProperty("definition", out var definition)) exprs.Add(definition.GetString()!);
        }
        return exprs;
    }

    // The rules file is plain YAML of one shape: `expr: ...` on one line, or `expr: |` and the indented lines below it.
    private static IEnumerable<string> AlertExpressions(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("expr:", StringComparison.Ordinal)) continue;
            var rest = trimmed[5..].Trim();
            if (rest != "|")
            {
                yield return rest;
                continue;
            }
            var indent = lines[i].Length - trimmed.Length;
            var block = new List<string>();
            while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent))
                block.Add(lines[++i].Trim());
            yield return string.Join(" ", block);
        }
    }

    private static IEnumerable<string> AlertNames(string[] lines) =>
        lines.Select(l => l.Trim()).Where(l => l.StartsWith("- alert:", StringComparison.Ordinal)).Select(l => l[8..].Trim());

    private static string RepoFile(string relative) =>
        Path.Combine(Gateway.Tests.Protocol.Configuration.GatewayDefinitionsTests.RepoRoot(), relative);

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)[^)]*\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|ignoring|on|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();
}
