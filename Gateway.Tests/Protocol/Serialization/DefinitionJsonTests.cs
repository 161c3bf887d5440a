using System.Text.Json.Nodes;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Protocol.Serialization;

/// <summary>The definition JSON is what replicates and what the journal stores: a field it leaves out is lost cluster-wide.</summary>
public sealed class DefinitionJsonTests
{
    public static TheoryData<Type, JsonObject> Written() => new()
    {
        // A route names one upstream or splits across backends, so two samples together set every property.
        { typeof(RouteDefinition), Merge(DefinitionJson.ToJson(GatewaySerializerTests.FullRoute), DefinitionJson.ToJson(Routing.TrafficDefinitionTests.SplitRoute)) },
        { typeof(UpstreamDefinition), Merge(DefinitionJson.ToJson(GatewaySerializerTests.FullUpstream), DefinitionJson.ToJson(Routing.TrafficDefinitionTests.HashUpstream)) },
    };

    private static JsonObject Merge(JsonObject a, JsonObject b)
    {
        foreach (var (key, value) in b)
        {
            if (!a.ContainsKey(key)) a[key] = value?.DeepClone();
        }
        return a;
    }

    [Theory]
    [MemberData(nameof(Written))]
    public void ToJson_OfAFullySetDefinition_WritesEveryProperty(Type type, JsonObject json)
    {
        // A new property must be written by DefinitionJson and set in the full samples of GatewaySerializerTests.
        var missing = type.GetProperties()
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..])
            .Where(name => !json.ContainsKey(name))
            .ToArray();
        Assert.Empty(missing);
    }

    [Fact]
    public void Shape_IgnoresVersionAndHeaderOrder()
    {
        var a = new RouteDefinition
        {
            Id = "r", Path = "/r", Upstream = "u", Version = 1,
            RequestHeaders = new HeaderTransforms { Add = HeaderTransforms.Empty.Add.Add("B", "2").Add("A", "1") },
        };
        var b = a with { Version = 9, RequestHeaders = new HeaderTransforms { Add = HeaderTransforms.Empty.Add.Add("A", "1").Add("B", "2") } };

        Assert.Equal(DefinitionJson.Shape(a), DefinitionJson.Shape(b));
        Assert.NotEqual(DefinitionJson.Shape(a), DefinitionJson.Shape(a with { Order = 1 }));
    }
}
