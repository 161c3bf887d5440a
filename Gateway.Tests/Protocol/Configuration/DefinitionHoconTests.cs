using Akka.Configuration;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Serialization;
using Xunit;

namespace Gateway.Tests.Protocol.Configuration;

/// <summary>The dump format: what <see cref="DefinitionHocon"/> writes reads back as the same definitions, sorted and stable.</summary>
public sealed class DefinitionHoconTests
{
    // Every policy the model has, beside the sample file's fields.
    private const string EveryPolicy = """
        gateway {
          upstreams = [ {
            name = guarded
            endpoints = [ { url = "http://127.0.0.1:9001", weight = 2 }, "http://127.0.0.1:9002" ]
            load-balancing = round-robin
            max-in-flight = 7
            circuit-breaker { consecutive-failures = 3, failure-ratio = 0.5, minimum-requests = 10, window = 10s, base-ejection = 5s, max-ejection = 60s, half-open-trials = 2 }
            health-check { path = "/health", interval = 2s, timeout = 1s, healthy-threshold = 2, unhealthy-threshold = 3 }
            retry { attempts = 2, methods = [ GET, PUT ], budget = 0.2, backoff = 50ms, overall-timeout = 3s }
          } ]
          routes = [ {
            id = "z.policies"
            path = "/p/{**rest}"
            upstream = guarded
            max-request-body-size = 1MiB
            allow-encoded-slashes = on
            auth = sample-keys
            rate-limit { key = "header:X-Api-Key", algorithm = token-bucket, limit = 5, period = 1s, burst = 10, scope = cluster }
            ip-rules { allow = [ "10.0.0.0/8" ], deny = [ "10.1.0.0/16" ] }
            cors { allowed-origins = [ "https://a.example" ], allowed-methods = [ GET ], allow-credentials = on, max-age = 10m }
            request-headers {
              add { "X-Dotted.Name" = "a \"quoted\" $value", x-lower = "1" }
              remove = [ Cookie ]
            }
          } ]
        }
        """;

    private static GatewayDefinitions Read(string hocon)
    {
        var (definitions, errors) = GatewayDefinitions.FromConfig(ConfigurationFactory.ParseString("gateway.sample.echo-port = 8090\n" + hocon));
        Assert.True(errors.Count == 0, string.Join("; ", errors));
        return definitions;
    }

    public static TheoryData<string, string> Files() => new()
    {
        { "the sample routes file", File.ReadAllText(Path.Combine(GatewayDefinitionsTests.RepoRoot(), "hocon", "routes.sample.conf")) },
        { "every policy", EveryPolicy },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Write_ReadBack_SameDefinitions(string name, string hocon)
    {
        var before = Read(hocon);

        var after = Read(DefinitionHocon.Write(before));

        Assert.True(before.Routes.Length > 0, name);
        Assert.Equal(before.Upstreams.OrderBy(u => u.Name, StringComparer.Ordinal).Select(DefinitionJson.Shape), after.Upstreams.Select(DefinitionJson.Shape));
        Assert.Equal(before.Routes.OrderBy(r => r.Id, StringComparer.Ordinal).Select(DefinitionJson.Shape), after.Routes.Select(DefinitionJson.Shape));
        Assert.Empty(DefinitionDiff.Compare(before, after));
    }

    [Fact]
    public void Write_IsSortedKebabCaseWithoutVersions_AndStable()
    {
        var definitions = Read(EveryPolicy + "\ngateway.routes += { id = a-first, path = \"/a\", upstream = guarded }\n");
        var versioned = definitions with { Routes = [.. definitions.Routes.Select(r => r with { Version = 9 })] };

        var text = DefinitionHocon.Write(versioned);

        Assert.True(text.IndexOf("\"a-first\"", StringComparison.Ordinal) < text.IndexOf("\"z.policies\"", StringComparison.Ordinal), text);
        Assert.Contains("\"max-request-body-size\" = ", text);
        Assert.Contains("\"circuit-breaker\" = {", text);
        Assert.Contains("\"X-Dotted.Name\" = ", text);   // header names are kept as written
        Assert.DoesNotContain("maxInFlight", text);
        Assert.DoesNotContain("version", text);
        Assert.Equal(text, DefinitionHocon.Write(Read(text)));
    }

    [Fact]
    public void ToJsonDocument_ReadsBackThroughTheDocumentReader()
    {
        var definitions = Read(EveryPolicy);

        var json = DefinitionHocon.ToJsonDocument(definitions).ToJsonString();
        var document = DefinitionDocument.Parse("dump.json", json);

        Assert.Empty(document.Validate([]));
        Assert.Empty(DefinitionDiff.Compare(definitions, document.Definitions));
    }
}
