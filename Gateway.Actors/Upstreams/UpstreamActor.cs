using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Streams;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Upstreams;

/// <summary>
/// <c>/user/upstreams/{name}</c>: owns the upstream's Akka.Streams admission pipeline (materialized under this actor)
/// and its pooled client, and supervises one <see cref="EndpointActor"/> per endpoint state, kept across edits that keep
/// the endpoint. Local trips are announced to the other nodes, and theirs applied here. A changed
/// definition attaches a new runtime: the old queue is closed and drains while the new one takes new requests.
/// </summary>
internal sealed class UpstreamActor : ReceiveActor
{
    private static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(5);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IMaterializer _materializer = Context.Materializer();
    private readonly IActorRef _mediator = DistributedPubSub.Get(Context.System).Mediator;
    private readonly string _selfAddress = Cluster.Get(Context.System).SelfAddress.ToString();
    private readonly Dictionary<EndpointState, IActorRef> _endpointActors = new(ReferenceEqualityComparer.Instance);
    private UpstreamRuntime _runtime;
    private int _generation;

    /// <summary>Pub-sub topic of endpoint ejections.</summary>
    public const string EjectionsTopic = "gateway.endpoint-ejections";

    /// <summary>Props for the actor serving <paramref name="runtime"/>.</summary>
    public static Props Props(UpstreamRuntime runtime) => Akka.Actor.Props.Create(() => new UpstreamActor(runtime));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public UpstreamActor(UpstreamRuntime runtime)
    {
        _runtime = runtime;
        Receive<AttachRuntime>(msg => Attach(msg.Runtime));
        Receive<EndpointActor.EndpointEjectedLocally>(msg =>
            _mediator.Tell(new Publish(EjectionsTopic, new EndpointEjected(_runtime.Name, msg.Endpoint, msg.Ejection, _selfAddress, DateTime.UtcNow))));
        Receive<EndpointEjected>(msg =>
        {
            if (msg.Upstream != _runtime.Name || msg.Node == _selfAddress) return;
            foreach (var (endpoint, actor) in _endpointActors)
                if (endpoint.DestinationPrefix == msg.Endpoint) actor.Tell(new EndpointActor.TripFromCluster(msg.Node, msg.At));
        });
        Receive<SubscribeAck>(_ => { });
        Receive<PipelineEnded>(msg => OnPipelineEnded(msg));
        Receive<Retire>(msg =>
        {
            msg.Runtime.Pipeline.Complete();
            if (!ReferenceEquals(msg.Runtime.Client, _runtime.Client)) DisposeLater(msg.Runtime);
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Start(_runtime);
        StartEndpoints(_runtime);
        _mediator.Tell(new Subscribe(EjectionsTopic, Self));
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // An endpoint actor keeps nothing its endpoint's state does not: restart it (its PreStart re-arms an open breaker).
        new OneForOneStrategy(-1, -1, ex =>
        {
            _log.Error(ex, "Endpoint actor of upstream {Upstream} failed; restarting it", _runtime.Name);
            return Directive.Restart;
        }, loggingEnabled: false);

    /// <inheritdoc />
    protected override void PostStop()
    {
        // The materializer dies with this actor, so nothing would admit what is still queued: let it through on the
        // old runtime (its client stays open until the requests are done), rather than leave clients hanging.
        _runtime.Pipeline.Complete();
        _runtime.Pipeline.AdmitRemaining();
        DisposeLater(_runtime);
        foreach (var endpoint in _runtime.Endpoints) EndpointActor.RemoveMetrics(_runtime.Name, endpoint.DestinationPrefix);
    }

    private void Attach(UpstreamRuntime next)
    {
        var previous = _runtime;
        _runtime = next;
        Start(next);
        StartEndpoints(next);
        var kept = next.Endpoints.Select(e => e.DestinationPrefix).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in previous.Endpoints.Where(e => !kept.Contains(e.DestinationPrefix)))
            EndpointActor.RemoveMetrics(next.Name, gone.DestinationPrefix);
        // Requests that read the previous route table may still queue on the old pipeline until the new table is
        // published, so it keeps admitting for a while before it closes and drains.
        Context.System.Scheduler.ScheduleTellOnce(RetireAfter, Self, new Retire(previous), Self);
        _log.Info("Upstream {Upstream} now has {EndpointCount} endpoints ({LoadBalancing}, max in flight {MaxInFlight}, max queued {MaxQueued})",
            next.Name, next.Endpoints.Length, next.LoadBalancing, next.Pipeline.MaxInFlight, next.Pipeline.MaxQueued);
    }

    private void Start(UpstreamRuntime runtime)
    {
        var self = Self;
        runtime.Pipeline.Run(_materializer).ContinueWith(
            t => self.Tell(new PipelineEnded(runtime, t.IsFaulted ? t.Exception?.GetBaseException() : null)),
            TaskContinuationOptions.ExecuteSynchronously);
    }

    private void StartEndpoints(UpstreamRuntime runtime)
    {
        // An endpoint that kept its state across an edit keeps its actor (and so its timers and the one observer of its
        // transitions): replacing the actor would race the old one's PostStop against the new one's PreStart.
        var wanted = new HashSet<EndpointState>(runtime.Endpoints, ReferenceEqualityComparer.Instance);
        foreach (var (endpoint, actor) in _endpointActors.Where(kv => !wanted.Contains(kv.Key)).ToList())
        {
            Context.Stop(actor);
            _endpointActors.Remove(endpoint);
        }

        foreach (var endpoint in runtime.Endpoints)
        {
            if (_endpointActors.TryGetValue(endpoint, out var existing))
            {
                existing.Tell(new EndpointActor.Reconfigure(runtime.HealthCheck, runtime.Client));
                continue;
            }
            var name = $"{Uri.EscapeDataString(endpoint.DestinationPrefix)}~{++_generation}";
            _endpointActors[endpoint] = Context.ActorOf(EndpointActor.Props(endpoint, runtime.Name, runtime.HealthCheck, runtime.Client), name);
        }
    }

    private void OnPipelineEnded(PipelineEnded ended)
    {
        if (!ReferenceEquals(ended.Runtime, _runtime)) return; // an old runtime drained, as intended
        if (ended.Error is null) return;
        _log.Error(ended.Error, "Admission pipeline of upstream {Upstream} failed; restarting it", _runtime.Name);
        Start(_runtime);
    }

    private static void DisposeLater(UpstreamRuntime runtime)
    {
        // Requests already sent keep using the client until they end; give them their full timeout first.
        var grace = runtime.RequestTimeout + TimeSpan.FromSeconds(5);
        _ = Task.Delay(grace).ContinueWith(_ => runtime.Client.Dispose(), TaskScheduler.Default);
    }

    private sealed record Retire(UpstreamRuntime Runtime);

    private sealed record PipelineEnded(UpstreamRuntime Runtime, Exception? Error);
}
