using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>
/// Weighted round robin without locks: a precomputed, smoothly interleaved schedule in which each endpoint
/// appears in proportion to its weight (nginx's smooth weighted order), walked by one atomic counter.
/// </summary>
internal sealed class WeightedBalancer : ILoadBalancer
{
    private readonly int[] _schedule;
    private uint _next = uint.MaxValue;

    /// <summary>Builds the schedule for endpoints with the given weights (the array the balancer will be handed).</summary>
    public WeightedBalancer(IReadOnlyList<int> weights)
    {
        var total = weights.Sum();
        var current = new int[weights.Count];
        _schedule = new int[Math.Max(total, 1)];
        for (var slot = 0; slot < total; slot++)
        {
            var best = 0;
            for (var i = 0; i < weights.Count; i++)
            {
                current[i] += weights[i];
                if (current[i] > current[best]) best = i;
            }
            current[best] -= total;
            _schedule[slot] = best;
        }
    }

    /// <inheritdoc />
    public EndpointState? Pick(EndpointState[] endpoints, EndpointState? exclude = null)
    {
        if (endpoints.Length == 0) return null;
        var index = _schedule[Interlocked.Increment(ref _next) % (uint)_schedule.Length];
        if (index >= endpoints.Length) index = 0;
        var first = endpoints[index];
        // An endpoint out of rotation gives its turns to the next available one.
        return Eligible.Is(first, exclude) ? first : Eligible.ScanFrom(endpoints, index + 1, exclude);
    }
}
