namespace Gateway.Protocol.Upstreams;

/// <summary>One endpoint of an upstream: an absolute http(s) URL and a relative weight.</summary>
public sealed record EndpointDefinition
{
    /// <summary>Base URL, e.g. <c>http://10.0.0.5:8080</c>; a path in it prefixes every forwarded path.</summary>
    public string Url { get; init; } = "";

    /// <summary>Relative share of traffic for weighted balancing (1 when omitted).</summary>
    public int Weight { get; init; } = 1;
}
