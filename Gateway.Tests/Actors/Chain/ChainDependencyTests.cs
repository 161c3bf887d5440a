using System.Text.RegularExpressions;
using Gateway.Tests.Protocol.Configuration;
using Xunit;

namespace Gateway.Tests.Actors.Chain;

/// <summary>
/// The arrows of the request path, read from the sources: chain → steps → capability services, never back. The chain's
/// abstractions know no capability, and a step knows neither the routing that composes it nor the ingress that runs it.
/// </summary>
public sealed partial class ChainDependencyTests
{
    private static readonly string Actors = Path.Combine(GatewayDefinitionsTests.RepoRoot(), "Gateway.Actors");

    [Fact]
    public void ChainAbstractions_ReferenceNoCapabilityFolder()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Actors, "Chain"), "*.cs"))
            Assert.Empty(References(file));
    }

    [Theory]
    [InlineData("Security")]
    [InlineData("RateLimiting")]
    [InlineData("Caching")]
    [InlineData("Forwarding")]
    public void CapabilityFolder_NeverReferencesRoutingOrIngress(string folder)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Actors, folder), "*.cs"))
        {
            var references = References(file);
            Assert.False(references.Contains("Routing") || references.Contains("Ingress"),
                $"{folder}/{Path.GetFileName(file)} references {string.Join(", ", references)}");
        }
    }

    // The Gateway.Actors namespaces a file names, in using directives or qualified names.
    private static HashSet<string> References(string file)
    {
        var text = File.ReadAllText(file);
        var own = Path.GetFileName(Path.GetDirectoryName(file)!);
        return QualifiedName().Matches(text).Select(m => m.Groups[1].Value).Where(n => n != own).ToHashSet();
    }

    [GeneratedRegex(@"Gateway\.Actors\.([A-Za-z]+)")]
    private static partial Regex QualifiedName();
}
