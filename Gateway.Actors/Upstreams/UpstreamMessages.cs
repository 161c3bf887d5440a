namespace Gateway.Actors.Upstreams;

/// <summary>Sent by the upstreams actor to an upstream actor: serve from this runtime from now on (a changed definition).</summary>
internal sealed record AttachRuntime(UpstreamRuntime Runtime);
