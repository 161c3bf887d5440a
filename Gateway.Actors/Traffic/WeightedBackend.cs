using Gateway.Actors.Upstreams;

namespace Gateway.Actors.Traffic;

/// <summary>One backend of a route's split as compiled: its upstream's runtime and its configured weight.</summary>
/// <param name="Upstream">The upstream's runtime (its own pipeline, breakers and retries).</param>
/// <param name="Weight">Relative share of the route's requests.</param>
internal sealed record WeightedBackend(UpstreamRuntime Upstream, int Weight);
