using Gateway.Actors.Forwarding;
using Gateway.Actors.LoadBalancing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Upstreams;

/// <summary>
/// Everything the hot path needs about one upstream, resolved against the defaults: endpoints, balancer, the pooled
/// HTTP client and the admission pipeline. Immutable apart from live counters; a changed definition gets a new one.
/// </summary>
public sealed class UpstreamRuntime
{
    /// <summary>Resolves <paramref name="definition"/> against <paramref name="defaults"/>, sharing <paramref name="client"/>.</summary>
    /// <param name="definition">The upstream as defined.</param>
    /// <param name="defaults">Values for what the definition leaves out.</param>
    /// <param name="client">The pooled client to send through.</param>
    /// <param name="previous">The runtime this one replaces: endpoints with the same URL and weight keep their state (breaker, health).</param>
    public UpstreamRuntime(UpstreamDefinition definition, UpstreamDefaults defaults, HttpMessageInvoker client, UpstreamRuntime? previous = null)
    {
        Definition = definition;
        Name = definition.Name;
        Breaker = defaults.Breaker.With(definition.CircuitBreaker);
        Endpoints = definition.Endpoints
            .Select(e => previous?.Endpoints.FirstOrDefault(p => p.DestinationPrefix == e.Url.TrimEnd('/') && p.Weight == e.Weight)
                ?? new EndpointState(e.Url.TrimEnd('/'), e.Weight, Breaker))
            .ToArray();
        foreach (var endpoint in Endpoints) endpoint.Policy = Breaker;
        HealthCheck = defaults.HealthCheck.With(definition.HealthCheck);
        Retry = defaults.Retry.With(definition.Retry);
        RetryBudget = new RetryBudget(Retry.Budget, Retry.MinRetriesPerSecond);
        LoadBalancing = definition.LoadBalancing ?? defaults.LoadBalancing;
        Balancer = LoadBalancers.Create(LoadBalancing, Endpoints.Select(e => e.DestinationPrefix).ToArray(), definition.Endpoints.Select(e => e.Weight).ToArray());
        HashKey = LoadBalancing == LoadBalancingMode.ConsistentHash && definition.HashKey is { } hashKey ? RequestKey.Parse(hashKey) : null;
        RequestTimeout = definition.RequestTimeout ?? defaults.RequestTimeout;
        ConnectTimeout = definition.ConnectTimeout ?? defaults.ConnectTimeout;
        RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(defaults.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Pipeline = new UpstreamPipeline(definition.MaxInFlight ?? defaults.MaxInFlight, definition.MaxQueued ?? defaults.MaxQueued);
        Client = client;
    }

    /// <summary>The definition this runtime was built from.</summary>
    public UpstreamDefinition Definition { get; }

    /// <summary>Upstream name.</summary>
    public string Name { get; }

    /// <summary>Endpoints in definition order.</summary>
    public EndpointState[] Endpoints { get; }

    /// <summary>Effective load-balancing mode.</summary>
    public LoadBalancingMode LoadBalancing { get; }

    /// <summary>Circuit-breaker settings of the endpoints.</summary>
    public BreakerPolicy Breaker { get; }

    /// <summary>Active health checks (none when its path is null).</summary>
    public HealthCheckPolicy HealthCheck { get; }

    /// <summary>Retry settings.</summary>
    public RetryPolicy Retry { get; }

    /// <summary>Retries left this second.</summary>
    public RetryBudget RetryBudget { get; }

    /// <summary>Picks endpoints for requests.</summary>
    public ILoadBalancer Balancer { get; }

    /// <summary>Where a consistent-hash upstream reads each request's key; null for other modes.</summary>
    public RequestKey? HashKey { get; }

    /// <summary>Time allowed for response headers (and, while streaming, between reads).</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>Time allowed to connect.</summary>
    public TimeSpan ConnectTimeout { get; }

    /// <summary>Retry-After header value (seconds) on a shed.</summary>
    public string RetryAfterSeconds { get; }

    /// <summary>Bounded queue and in-flight limit.</summary>
    public UpstreamPipeline Pipeline { get; }

    /// <summary>Pooled keep-alive client shared by every request to this upstream.</summary>
    public HttpMessageInvoker Client { get; }

    /// <summary>Requests in flight to all endpoints from this node.</summary>
    public int InFlight => Endpoints.Sum(e => e.InFlight);
}
