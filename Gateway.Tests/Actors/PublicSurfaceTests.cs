using System.Reflection;
using System.Text.RegularExpressions;
using Gateway.Actors.Routing;
using Gateway.Tests.Protocol.Configuration;
using Xunit;

namespace Gateway.Tests.Actors;

/// <summary>
/// Gateway.Actors is public only where Gateway.Node uses it (STYLE.md; issue 12): every exported type is named in
/// Gateway.Node's sources, or appears in a public signature of one that is. Everything else is internal, visible to the
/// tests and benchmarks through InternalsVisibleTo.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly Actors = typeof(RouteTableHolder).Assembly;

    [Fact]
    public void EveryPublicType_IsUsedByGatewayNode()
    {
        var node = string.Join('\n', Directory
            .EnumerateFiles(Path.Combine(GatewayDefinitionsTests.RepoRoot(), "Gateway.Node"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText));

        var unused = UnusedBy(node);

        Assert.True(unused.Count == 0,
            "public in Gateway.Actors but not used by Gateway.Node (make them internal): " + string.Join(", ", unused));
    }

    [Fact]
    public void ACallerThatNamesOneType_LeavesTheRestReported()
    {
        // The check can fail: a Gateway.Node that named only RouteTableHolder would leave most public types unused,
        // but not those RouteTableHolder's public members hand out (the route table it publishes).
        var unused = UnusedBy("var table = services.GetRequiredService<RouteTableHolder>();");

        Assert.NotEmpty(unused);
        Assert.DoesNotContain(typeof(RouteTableHolder).FullName, unused);
        Assert.DoesNotContain(typeof(RouteTable<>).FullName, unused);
        Assert.Contains(typeof(Gateway.Actors.Ops.GatewayPalette).FullName, unused);
    }

    // The exported top-level types of Gateway.Actors that the given source neither names nor reaches through the public
    // signatures of what it names.
    private static List<string?> UnusedBy(string source)
    {
        var exported = Actors.GetExportedTypes().Where(t => t.DeclaringType is null).ToHashSet();
        var reachable = new HashSet<Type>();
        var pending = new Stack<Type>(exported.Where(t => Regex.IsMatch(source, $@"\b{Regex.Escape(SimpleName(t))}\b")));
        while (pending.TryPop(out var type))
        {
            if (!reachable.Add(type)) continue;
            foreach (var used in SignatureTypes(type).SelectMany(Decompose).Select(Outermost))
            {
                if (exported.Contains(used) && !reachable.Contains(used)) pending.Push(used);
            }
        }
        return exported.Except(reachable).Select(t => t.FullName).Order().ToList();
    }

    // The types a caller outside the assembly can see in this type's declaration: base type, interfaces, and the
    // signatures of its public and protected members, nested public types included.
    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        if (type.BaseType is { } baseType) yield return baseType;
        foreach (var i in type.GetInterfaces()) yield return i;
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static
                                 | BindingFlags.DeclaredOnly;
        foreach (var member in type.GetMembers(all))
        {
            switch (member)
            {
                case FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly:
                    yield return f.FieldType;
                    break;
                case PropertyInfo p when p.GetAccessors(nonPublic: true).Any(Visible):
                    yield return p.PropertyType;
                    foreach (var parameter in p.GetIndexParameters()) yield return parameter.ParameterType;
                    break;
                case MethodBase m when Visible(m):
                    if (m is MethodInfo method) yield return method.ReturnType;
                    foreach (var parameter in m.GetParameters()) yield return parameter.ParameterType;
                    break;
                case EventInfo e when e.AddMethod is { } add && Visible(add):
                    yield return e.EventHandlerType!;
                    break;
                case Type nested when nested.IsNestedPublic || nested.IsNestedFamily || nested.IsNestedFamORAssem:
                    foreach (var inner in SignatureTypes(nested)) yield return inner;
                    break;
            }
        }
    }

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static IEnumerable<Type> Decompose(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var inner in Decompose(type.GetElementType()!)) yield return inner;
            yield break;
        }
        if (type.IsGenericParameter) yield break;
        yield return type;
        if (!type.IsGenericType) yield break;
        foreach (var argument in type.GetGenericArguments())
            foreach (var inner in Decompose(argument)) yield return inner;
    }

    private static Type Outermost(Type type)
    {
        var t = type.IsGenericType && !type.IsGenericTypeDefinition ? type.GetGenericTypeDefinition() : type;
        while (t.DeclaringType is { } declaring) t = declaring;
        return t;
    }

    private static string SimpleName(Type type) => type.Name.Split('`')[0];
}
