using System.Collections.Immutable;

namespace Gateway.Actors.Routing;

/// <summary>A route as the tree stores it, with what each lookup needs precomputed.</summary>
internal sealed class RouteLeaf<T>
    where T : class
{
    public RouteLeaf(RouteTableEntry<T> entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(entry.Id);
        ArgumentNullException.ThrowIfNull(entry.Path);
        ArgumentNullException.ThrowIfNull(entry.Value);
        Id = entry.Id;
        Order = entry.Order;
        Value = entry.Value;
        Conditions = entry.Conditions;
        Template = entry.Path.Text;
        TrailingSlash = Template.Length > 1 && Template[^1] == '/';
        CaptureNames = entry.Path.CaptureNames;
        Methods = entry.Methods.IsDefault
            ? []
            : entry.Methods
                .Where(m => !string.IsNullOrWhiteSpace(m))
                .Select(m => m.Trim().ToUpperInvariant())
                .Distinct(StringComparer.Ordinal)
                .ToArray();
    }

    public string Id { get; }

    public int Order { get; }

    public T Value { get; }

    /// <summary>Header, query and cookie conditions; null when the route has none.</summary>
    public RouteConditions? Conditions { get; }

    public int ConditionCount => Conditions?.Count ?? 0;

    public string Template { get; }

    public ImmutableArray<string> CaptureNames { get; }

    /// <summary>True when the template was written with a trailing slash (<c>/a/b/</c>, not <c>/a/b</c>).</summary>
    public bool TrailingSlash { get; }

    /// <summary>Upper-case methods; empty allows every method.</summary>
    public string[] Methods { get; }

    public bool AllowsAnyMethod => Methods.Length == 0;

    public bool Allows(ReadOnlySpan<char> method)
    {
        if (Methods.Length == 0) return true;
        foreach (var allowed in Methods)
        {
            if (method.Equals(allowed, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>
    /// Priority among routes ending on the same node: more header/query/cookie conditions first, then routes naming
    /// methods, then lower order, then id.
    /// </summary>
    public static int ComparePriority(RouteLeaf<T> x, RouteLeaf<T> y)
    {
        var byConditions = y.ConditionCount.CompareTo(x.ConditionCount);
        if (byConditions != 0) return byConditions;
        var byMethods = x.AllowsAnyMethod.CompareTo(y.AllowsAnyMethod);
        if (byMethods != 0) return byMethods;
        var byOrder = x.Order.CompareTo(y.Order);
        return byOrder != 0 ? byOrder : string.CompareOrdinal(x.Id, y.Id);
    }
}
