using Akka.Actor;
using Akka.Event;
using Gateway.Actors.Forwarding;

namespace Gateway.Actors.Upstreams;

/// <summary>
/// <c>/user/upstreams/{name}/{endpoint}</c>: the circuit breaker and health checker of one endpoint. A trip makes this
/// actor fail; its parent restarts it, and the restart is the open state: it schedules half-open after a backoff that
/// doubles with each trip in a row. Half-open lets a few trials through: all succeed, it closes; one fails, it trips again.
/// </summary>
public sealed class EndpointActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly EndpointState _endpoint;
    private readonly string _upstream;
    private readonly BreakerPolicy _breaker;
    private readonly HealthCheckPolicy _health;
    private readonly HttpMessageInvoker _client;
    private int _trialSuccesses;
    private int _probeStreak;

    /// <summary>Props for the actor of <paramref name="endpoint"/> of <paramref name="upstream"/>.</summary>
    public static Props Props(EndpointState endpoint, string upstream, BreakerPolicy breaker, HealthCheckPolicy health, HttpMessageInvoker client) =>
        Akka.Actor.Props.Create(() => new EndpointActor(endpoint, upstream, breaker, health, client));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public EndpointActor(EndpointState endpoint, string upstream, BreakerPolicy breaker, HealthCheckPolicy health, HttpMessageInvoker client)
    {
        _endpoint = endpoint;
        _upstream = upstream;
        _breaker = breaker;
        _health = health;
        _client = client;

        Receive<EndpointSignal>(signal => signal == EndpointSignal.Tripped, _ =>
            throw new EndpointTrippedException(_endpoint.DestinationPrefix, $"{_breaker.ConsecutiveFailures} failures in a row or a failed trial"));
        Receive<EndpointSignal>(signal => signal == EndpointSignal.TrialSucceeded, _ => OnTrialSucceeded());
        Receive<TripFromCluster>(msg =>
        {
            // Another node ejected this endpoint: open it here too, without announcing it back.
            _endpoint.Open();
            var delay = (DateTime.UtcNow - msg.At).TotalMilliseconds;
            throw new EndpointTrippedException(_endpoint.DestinationPrefix, $"ejected by {msg.Node} {delay:0} ms earlier");
        });
        Receive<HalfOpenNow>(_ => ToHalfOpen());
        Receive<EvaluateWindow>(_ => EvaluateFailureRatio());
        Receive<Probe>(_ => StartProbe());
        Receive<ProbeResult>(OnProbeResult);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        var self = Self;
        _endpoint.SetObserver(signal => self.Tell(signal));
        Timers.StartPeriodicTimer("window", EvaluateWindow.Instance, _breaker.Window);
        if (_health.Path is not null) Timers.StartPeriodicTimer("probe", Probe.Instance, TimeSpan.Zero, _health.Interval);
        // A new actor for an endpoint that is still open (a definition change) resumes its wait for half-open.
        if (_endpoint.State == BreakerState.Open)
            Timers.StartSingleTimer("half-open", HalfOpenNow.Instance, _breaker.EjectionFor(Math.Max(1, _endpoint.Trips)));
        Metrics.Publish(_upstream, _endpoint);
    }

    /// <inheritdoc />
    protected override void PostStop() => _endpoint.SetObserver(null);

    /// <inheritdoc />
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        if (reason is not EndpointTrippedException tripped) return;
        _endpoint.Open();
        _endpoint.Trips++;
        var ejection = _breaker.EjectionFor(_endpoint.Trips);
        Timers.StartSingleTimer("half-open", HalfOpenNow.Instance, ejection);
        Metrics.Transition(_upstream, _endpoint, BreakerState.Open);
        _log.Warning("Endpoint {Endpoint} of upstream {Upstream} opened for {Ejection} (trip {Trips} in a row): {Reason}",
            _endpoint.DestinationPrefix, _upstream, ejection, _endpoint.Trips, tripped.Reason);
        if (!tripped.Reason.StartsWith("ejected by", StringComparison.Ordinal))
            Context.Parent.Tell(new EndpointEjectedLocally(_endpoint.DestinationPrefix, ejection));
    }

    private void ToHalfOpen()
    {
        if (_endpoint.State != BreakerState.Open) return;
        _trialSuccesses = 0;
        _endpoint.ToHalfOpen(_breaker.HalfOpenTrials);
        Metrics.Transition(_upstream, _endpoint, BreakerState.HalfOpen);
        _log.Info("Endpoint {Endpoint} of upstream {Upstream} half-open: letting {Trials} trial requests through",
            _endpoint.DestinationPrefix, _upstream, _breaker.HalfOpenTrials);
    }

    private void OnTrialSucceeded()
    {
        if (_endpoint.State != BreakerState.HalfOpen || ++_trialSuccesses < _breaker.HalfOpenTrials) return;
        _endpoint.Close();
        _endpoint.Trips = 0;
        Metrics.Transition(_upstream, _endpoint, BreakerState.Closed);
        _log.Info("Endpoint {Endpoint} of upstream {Upstream} closed after {Trials} good trials", _endpoint.DestinationPrefix, _upstream, _trialSuccesses);
    }

    private void EvaluateFailureRatio()
    {
        var (requests, failures) = _endpoint.TakeWindow();
        if (_endpoint.State == BreakerState.Closed && requests >= _breaker.MinimumRequests && failures >= _breaker.FailureRatio * requests)
        {
            _endpoint.Open();
            throw new EndpointTrippedException(_endpoint.DestinationPrefix, $"{failures} of {requests} requests failed in {_breaker.Window}");
        }
    }

    private void StartProbe()
    {
        var self = Self;
        var uri = new Uri(_endpoint.DestinationPrefix + _health.Path);
        var timeout = _health.Timeout;
        Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                using var response = await _client.SendAsync(request, cts.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                return new ProbeResult(code is >= 200 and < 400, $"HTTP {code}");
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
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

    /// <summary>Sent to an endpoint actor by its upstream actor when another node ejected the endpoint.</summary>
    public sealed record TripFromCluster(string Node, DateTime At);

    /// <summary>Sent by an endpoint actor to its upstream actor after a local trip, to announce it to the cluster.</summary>
    public sealed record EndpointEjectedLocally(string Endpoint, TimeSpan Ejection);

    private sealed class HalfOpenNow
    {
        public static readonly HalfOpenNow Instance = new();
    }

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
        public static void Publish(string upstream, EndpointState endpoint)
        {
            GatewayMetrics.EndpointState.WithLabels(upstream, endpoint.DestinationPrefix).Set((int)endpoint.State);
            GatewayMetrics.EndpointHealthy.WithLabels(upstream, endpoint.DestinationPrefix).Set(endpoint.IsHealthy ? 1 : 0);
        }

        public static void Transition(string upstream, EndpointState endpoint, BreakerState to)
        {
            GatewayMetrics.EndpointTransitions.WithLabels(upstream, endpoint.DestinationPrefix, to.ToString().ToLowerInvariant()).Inc();
            Publish(upstream, endpoint);
        }
    }
}
