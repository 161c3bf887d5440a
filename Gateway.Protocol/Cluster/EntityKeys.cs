namespace Gateway.Protocol.Cluster;

/// <summary>
/// Entity ids of the config entities. Routes and upstreams share one shard region; the prefix says which kind an
/// entity is, and the same string is its persistence id, so a journal's persistence ids name every entity to wake.
/// </summary>
public static class EntityKeys
{
    /// <summary>Prefix of route entity ids.</summary>
    public const string RoutePrefix = "route:";

    /// <summary>Prefix of upstream entity ids.</summary>
    public const string UpstreamPrefix = "upstream:";

    /// <summary>Entity id of the route <paramref name="id"/>.</summary>
    public static string Route(string id) => RoutePrefix + id;

    /// <summary>Entity id of the upstream <paramref name="name"/>.</summary>
    public static string Upstream(string name) => UpstreamPrefix + name;

    /// <summary>True for ids made by <see cref="Route"/> or <see cref="Upstream"/>.</summary>
    public static bool IsEntityKey(string key) =>
        key.StartsWith(RoutePrefix, StringComparison.Ordinal) || key.StartsWith(UpstreamPrefix, StringComparison.Ordinal);
}
