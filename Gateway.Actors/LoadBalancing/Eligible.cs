using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Which endpoints a balancer may choose, and the fallback scan when its first choice may not be chosen.</summary>
internal static class Eligible
{
    public static bool Is(EndpointState endpoint, EndpointState? exclude) => endpoint.IsAvailable && !ReferenceEquals(endpoint, exclude);

    /// <summary>The first eligible endpoint at or after <paramref name="start"/>, wrapping around; null when none is.</summary>
    public static EndpointState? ScanFrom(EndpointState[] endpoints, int start, EndpointState? exclude)
    {
        for (var i = 0; i < endpoints.Length; i++)
        {
            var candidate = endpoints[(start + i) % endpoints.Length];
            if (Is(candidate, exclude)) return candidate;
        }
        return null;
    }
}
