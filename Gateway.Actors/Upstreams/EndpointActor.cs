using Akka.Actor;
using Akka.Event;
using Gateway.Actors.Forwarding;

namespace Gateway.Actors.Upstreams;

/// <summary>
/// <c>/user/upstreams/{name}/{endpoint}</c>: the timers, log lines, metrics and cluster announcements of one endpoint's
/// circuit breaker and its active health checks. The transitions themselves are <see cref="Breaker.Next"/>, applied on
/// <see cref="EndpointState"/>; this actor hears of each one and arms the half-open timer of an open breaker (an ejection
/// that doubles with each trip in a row, capped). One actor lives as long as its <see cref="EndpointState"/>: an edit of
/// the upstream that keeps the endpoint hands the actor the new settings instead of replacing it.
/// </summary>
internal sealed class EndpointActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly EndpointState _endpoint;
    private readonly string _upstream;
    private HealthCheckPolicy _health;
    private HttpMessageInvoker _client;
    private int _observer;
    private int _probeStreak;

    /// <summary>Props for the actor of <paramref name="endpoint"/> of <paramref name="upstream"/>.</summary>
    public static Props Props(EndpointState endpoint, string upstream, HealthCheckPolicy health, HttpMessageInvoker client) =>
        Akka.Actor.Props.Create(() => new EndpointActor(endpoint, upstream, health, client));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public EndpointActor(EndpointState endpoint, string upstream, HealthCheckPolicy health, HttpMessageInvoker client)
    {
        _endpoint = endpoint;
        _upstream = upstream;
        _health = health;
        _client = client;

        Receive<EndpointTransition>(OnTransition);
        Receive<TripFromCluster>(msg =>
        {
            // Another node ejected this endpoint: open it here too (a no-op while open), without announcing it back.
            var before = _endpoint.Breaker;
            _endpoint.Trip();
            if (_endpoint.Breaker != before)
                _log.Info("Endpoint {Endpoint} of upstream {Upstream} ejected by {Node} {Delay:0} ms earlier",
                    _endpoint.DestinationPrefix, _upstream, msg.Node, (DateTime.UtcNow - msg.At).TotalMilliseconds);
        });
        Receive<HalfOpenNow>(msg => _endpoint.Apply(new BreakerEvent.EjectionOver(msg.Epoch)));
        Receive<EvaluateWindow>(_ => EvaluateFailureRatio());
        Receive<Probe>(_ => StartProbe());
        Receive<ProbeResult>(OnProbeResult);
        Receive<Reconfigure>(msg =>
        {
            _client = msg.Client;
            _health = msg.Health;
            StartTimers();
        });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        var self = Self;
        _observer = _endpoint.Observe(transition => self.Tell(transition));
        StartTimers();
        // An actor for an endpoint that is open already (its state outlived an earlier actor) resumes the wait for half-open.
        var breaker = _endpoint.Breaker;
        if (breaker.State == BreakerState.Open)
            Timers.StartSingleTimer("half-open", new HalfOpenNow(breaker.Epoch), _endpoint.Policy.EjectionFor(Math.Max(1, breaker.Trips)));
        Metrics.Publish(_upstream, _endpoint);
    }

    /// <inheritdoc />
    protected override void PostStop() => _endpoint.StopObserving(_observer);

    private void StartTimers()
    {
        Timers.StartPeriodicTimer("window", EvaluateWindow.Instance, _endpoint.Policy.Window);
        if (_health.Path is not null) Timers.StartPeriodicTimer("probe", Probe.Instance, TimeSpan.Zero, _health.Interval);
        else Timers.Cancel("probe");
    }

    private void OnTransition(EndpointTransition transition)
    {
        var step = transition.Step;
        var to = step.State.State;
        Metrics.Transition(_upstream, _endpoint, to);
        switch (to)
        {
            case BreakerState.Open when step.OpenFor is { } ejection:
                Timers.StartSingleTimer("half-open", new HalfOpenNow(step.State.Epoch), ejection);
                _log.Warning("Endpoint {Endpoint} of upstream {Upstream} opened for {Ejection} (trip {Trips} in a row, from {From})",
                    _endpoint.DestinationPrefix, _upstream, ejection, step.State.Trips, transition.From);
                if (step.Announce) Context.Parent.Tell(new EndpointEjectedLocally(_endpoint.DestinationPrefix, ejection));
                break;
            case BreakerState.HalfOpen:
                _log.Info("Endpoint {Endpoint} of upstream {Upstream} half-open: letting {Trials} trial requests through",
                    _endpoint.DestinationPrefix, _upstream, _endpoint.Policy.HalfOpenTrials);
                break;
            case BreakerState.Closed:
                Timers.Cancel("half-open");
                _log.Info("Endpoint {Endpoint} of upstream {Upstream} closed after {Trials} good trials",
                    _endpoint.DestinationPrefix, _upstream, _endpoint.Policy.HalfOpenTrials);
                break;
        }
    }

    private void EvaluateFailureRatio()
    {
        var (requests, failures) = _endpoint.TakeWindow();
        var policy = _endpoint.Policy;
        var breaker = _endpoint.Breaker;
        if (breaker.State == BreakerState.Closed && requests >= policy.MinimumRequests && failures >= policy.FailureRatio * requests)
        {
            _log.Info("Endpoint {Endpoint} of upstream {Upstream}: {Failures} of {Requests} requests failed in {Window}",
                _endpoint.DestinationPrefix, _upstream, failures, requests, policy.Window);
            _endpoint.Apply(new BreakerEvent.Trip(breaker.Epoch));
        }
    }

    private void StartProbe()
    {
        var self = Self;
        var uri = new Uri(_endpoint.DestinationPrefix + _health.Path);
        var timeout = _health.Timeout;
        var client = _client;
        Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                using var response = await client.SendAsync(request, cts.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                return new ProbeResult(code is >= 200 and < 400, $"HTTP {code}");
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ObjectDisposedException)
            {
                return new ProbeResult(false, ex is OperationCanceledException ? $"no answer within {timeout}" : ex.Message);
            }
        }).PipeTo(self);
    }

    private void OnProbeResult(ProbeResult result)
    {
        // A streak counts up for good probes and down for bad ones; crossing a threshold flips health.
        _probeStreak = result.Healthy ? Math.Max(1, _probeStreak + 1) : Math.Min(-1, _probeStreak - 1);
        if (!_endpoint.IsHealthy && _probeStreak >= _health.HealthyThreshold)
        {
            _endpoint.SetHealthy(true);
            Metrics.Publish(_upstream, _endpoint);
            _log.Info("Endpoint {Endpoint} of upstream {Upstream} is healthy again ({Detail})", _endpoint.DestinationPrefix, _upstream, result.Detail);
        }
        else if (_endpoint.IsHealthy && -_probeStreak >= _health.UnhealthyThreshold)
        {
            _endpoint.SetHealthy(false);
            Metrics.Publish(_upstream, _endpoint);
            _log.Warning("Endpoint {Endpoint} of upstream {Upstream} is unhealthy after {Failures} failed probes ({Detail})",
                _endpoint.DestinationPrefix, _upstream, -_probeStreak, result.Detail);
        }
    }

    /// <summary>Removes the metric series of <paramref name="endpoint"/> of <paramref name="upstream"/> (the endpoint or upstream is gone).</summary>
    internal static void RemoveMetrics(string upstream, string endpoint)
    {
        GatewayMetrics.EndpointState.RemoveLabelled(upstream, endpoint);
        GatewayMetrics.EndpointHealthy.RemoveLabelled(upstream, endpoint);
        foreach (var to in new[] { BreakerState.Closed, BreakerState.Open, BreakerState.HalfOpen })
            GatewayMetrics.EndpointTransitions.RemoveLabelled(upstream, endpoint, Metrics.Name(to));
    }

    /// <summary>Sent to an endpoint actor by its upstream actor when another node ejected the endpoint.</summary>
    public sealed record TripFromCluster(string Node, DateTime At);

    /// <summary>Sent by an endpoint actor to its upstream actor after a local trip, to announce it to the cluster.</summary>
    public sealed record EndpointEjectedLocally(string Endpoint, TimeSpan Ejection);

    /// <summary>Sent to an endpoint actor by its upstream actor when an edit kept the endpoint: the new health checks and client.</summary>
    public sealed record Reconfigure(HealthCheckPolicy Health, HttpMessageInvoker Client);

    private sealed record HalfOpenNow(int Epoch);

    private sealed class EvaluateWindow
    {
        public static readonly EvaluateWindow Instance = new();
    }

    private sealed class Probe
    {
        public static readonly Probe Instance = new();
    }

    private sealed record ProbeResult(bool Healthy, string Detail);

    private static class Metrics
    {
        public static string Name(BreakerState state) => state switch
        {
            BreakerState.Closed => "closed",
            BreakerState.Open => "open",
            _ => "halfopen",
        };

        public static void Publish(string upstream, EndpointState endpoint)
        {
            GatewayMetrics.EndpointState.WithLabels(upstream, endpoint.DestinationPrefix).Set((int)endpoint.State);
            GatewayMetrics.EndpointHealthy.WithLabels(upstream, endpoint.DestinationPrefix).Set(endpoint.IsHealthy ? 1 : 0);
        }

        public static void Transition(string upstream, EndpointState endpoint, BreakerState to)
        {
            GatewayMetrics.EndpointTransitions.WithLabels(upstream, endpoint.DestinationPrefix, Name(to)).Inc();
            Publish(upstream, endpoint);
        }
    }
}
