using System.Collections.Immutable;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Gateway.Actors.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Upstreams;

/// <summary>
/// <c>/user/upstreams</c>: keeps one <see cref="UpstreamActor"/> per upstream definition, builds the runtimes the route
/// table points at, and answers each <see cref="ApplyUpstreams"/> with the current set.
/// </summary>
internal sealed class UpstreamsActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly UpstreamDefaults _defaults;
    private readonly Dictionary<string, (IActorRef Actor, UpstreamRuntime Runtime, string Shape)> _upstreams = new(StringComparer.Ordinal);

    /// <summary>Props for the node's upstreams actor.</summary>
    public static Props Props(UpstreamDefaults defaults) => Akka.Actor.Props.Create(() => new UpstreamsActor(defaults));

    public UpstreamsActor(UpstreamDefaults defaults)
    {
        _defaults = defaults;
        Receive<ApplyUpstreams>(Apply);
    }

    private void Apply(ApplyUpstreams msg)
    {
        var wanted = msg.Upstreams.ToDictionary(u => u.Name, StringComparer.Ordinal);
        foreach (var name in _upstreams.Keys.Where(n => !wanted.ContainsKey(n)).ToList())
        {
            Context.Stop(_upstreams[name].Actor);
            _upstreams.Remove(name);
            Forwarding.GatewayMetrics.RemoveUpstream(name);
            _log.Info("Upstream {Upstream} removed", name);
        }

        foreach (var definition in msg.Upstreams)
        {
            // Versions differ between equal definitions read twice; compare what the hot path uses.
            var shape = JsonSerializer.Serialize(definition with { Version = 0 });
            if (_upstreams.TryGetValue(definition.Name, out var current))
            {
                if (current.Shape == shape) continue;
                var client = UpstreamClientFactory.SameConnectionSettings(current.Runtime.Definition, definition)
                    ? current.Runtime.Client
                    : UpstreamClientFactory.Create(definition, _defaults);
                var runtime = new UpstreamRuntime(definition, _defaults, client, current.Runtime);
                current.Actor.Tell(new AttachRuntime(runtime));
                _upstreams[definition.Name] = (current.Actor, runtime, shape);
            }
            else
            {
                var runtime = new UpstreamRuntime(definition, _defaults, UpstreamClientFactory.Create(definition, _defaults));
                var actor = Context.ActorOf(UpstreamActor.Props(runtime), ChildName(definition.Name));
                _upstreams[definition.Name] = (actor, runtime, shape);
                _log.Info("Upstream {Upstream} added with {EndpointCount} endpoints", definition.Name, runtime.Endpoints.Length);
            }
        }

        Sender.Tell(new UpstreamsApplied(_upstreams.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Runtime, StringComparer.Ordinal), msg.Generation));
    }

    private static string ChildName(string upstream)
    {
        // A removed upstream's actor may still be stopping under its name when the upstream is added back.
        var name = Uri.EscapeDataString(upstream);
        for (var n = 1; !Context.Child(name).IsNobody(); n++) name = $"{Uri.EscapeDataString(upstream)}~{n}";
        return name;
    }
}
