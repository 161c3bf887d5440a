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
        { typeof(RouteDefinition), DefinitionJson.ToJson(GatewaySerializerTests.FullRoute) },
        { typeof(UpstreamDefinition), DefinitionJson.ToJson(GatewaySerializerTests.FullUpstream) },
    };

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
