using Gateway.Actors.Chain;
using Gateway.Actors.LoadBalancing;
using Gateway.Actors.Upstreams;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Traffic;

/// <summary>
/// A route's weighted split across upstreams: picks one backend per request and hands the request to that backend's
/// own forward step (its admission pipeline, breakers and retries). A backend with no available endpoint gives its
/// share to the others. With a sticky key, the choice is <see cref="WeightedRendezvous"/> of the key against the
/// weights: the same on every node, and a weight change moves only the keys that must move.
/// </summary>
internal sealed class TrafficSplitStep : IRequestStep
{
    private readonly IRequestStep[] _forwards;
    private readonly UpstreamRuntime[] _upstreams;
    private readonly int[] _weights;
    private readonly ulong[] _nameHashes;
    private readonly int[] _schedule;
    private readonly Prometheus.Counter.Child[] _requests;
    private readonly RequestKey? _sticky;
    private uint _next = uint.MaxValue;

    /// <summary>Prepares the split of route <paramref name="routeId"/>; <paramref name="forwards"/> are the backends' forward steps, parallel to <paramref name="backends"/>.</summary>
    public TrafficSplitStep(string routeId, IReadOnlyList<WeightedBackend> backends, IReadOnlyList<IRequestStep> forwards, RequestKey? sticky)
    {
        _forwards = forwards.ToArray();
        _upstreams = backends.Select(b => b.Upstream).ToArray();
        _weights = backends.Select(b => Math.Max(0, b.Weight)).ToArray();
        _nameHashes = backends.Select(b => StableHash.Of(b.Upstream.Name)).ToArray();
        _schedule = Schedule(_weights);
        _requests = backends.Select(b => TrafficMetrics.BackendRequests.WithLabels(routeId, b.Upstream.Name)).ToArray();
        _sticky = sticky;
        Backends = backends;
    }

    /// <summary>The backends, in definition order.</summary>
    public IReadOnlyList<WeightedBackend> Backends { get; }

    /// <summary>Requests this node sent to each backend since the route was compiled (for <c>pbm gateway routes ID</c>).</summary>
    public double[] Sent => _requests.Select(c => c.Value).ToArray();

    /// <inheritdoc />
    public ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next)
    {
        var index = Choose(context.Http);
        _requests[index].Inc();
        return _forwards[index].InvokeAsync(context, next);
    }

    /// <summary>The backend for this request.</summary>
    internal int Choose(HttpContext http)
    {
        if (_sticky?.Hash(http) is { } key)
        {
            var sticky = WeightedRendezvous.Choose(key, _nameHashes, _weights, static (i, self) => self.IsUsable(i), this);
            // Every backend is down: the one the key belongs to answers (its fallback or its 503).
            return sticky >= 0 ? sticky : WeightedRendezvous.Choose(key, _nameHashes, _weights);
        }

        var turn = _schedule[Interlocked.Increment(ref _next) % (uint)_schedule.Length];
        if (IsUsable(turn)) return turn;
        // Its share goes to the usable others, in proportion to their weights.
        var total = 0;
        for (var i = 0; i < _weights.Length; i++) if (IsUsable(i)) total += _weights[i];
        if (total == 0) return turn;
        var pick = Random.Shared.Next(total);
        for (var i = 0; i < _weights.Length; i++)
        {
            if (!IsUsable(i)) continue;
            if ((pick -= _weights[i]) < 0) return i;
        }
        return turn;
    }

    // A backend is usable while one of its endpoints may take a request.
    private bool IsUsable(int index)
    {
        if (_weights[index] <= 0) return false;
        foreach (var endpoint in _upstreams[index].Endpoints)
        {
            if (endpoint.IsAvailable) return true;
        }
        return false;
    }

    // Smooth weighted round robin (nginx's order), after dividing the weights by their greatest common divisor.
    private static int[] Schedule(int[] weights)
    {
        var gcd = weights.Where(w => w > 0).Aggregate(0, (a, b) => Gcd(a, b));
        var reduced = weights.Select(w => gcd == 0 ? 0 : w / gcd).ToArray();
        var total = reduced.Sum();
        if (total == 0) return [0];
        var current = new int[reduced.Length];
        var schedule = new int[total];
        for (var slot = 0; slot < total; slot++)
        {
            var best = -1;
            for (var i = 0; i < reduced.Length; i++)
            {
                if (reduced[i] == 0) continue;
                current[i] += reduced[i];
                if (best < 0 || current[i] > current[best]) best = i;
            }
            current[best] -= total;
            schedule[slot] = best;
        }
        return schedule;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
