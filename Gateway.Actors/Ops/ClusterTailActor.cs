using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// Runs <c>cluster tail</c>: subscribes to membership, reachability and leader events (the current state first, as
/// events) and writes one frame per event until cancelled.
/// </summary>
internal sealed class ClusterTailActor : OpsCommandActor
{
    private static readonly string[] Columns = ["time", "event", "address", "status"];
    private readonly bool _json;

    /// <summary>Props for a tail writing to <paramref name="output"/>; <paramref name="json"/> writes table rows instead of lines.</summary>
    public static Props Props(OpsOutput output, bool json) => Akka.Actor.Props.Create(() => new ClusterTailActor(output, json));

    public ClusterTailActor(OpsOutput output, bool json)
        : base(output)
    {
        _json = json;
        Receive<ClusterEvent.IClusterDomainEvent>(e =>
        {
            var described = Describe(e);
            if (described is { } d) Emit(d.Event, d.Address, d.Status);
        });
    }

    /// <summary>Event name, address and status of a domain event the tail shows; null for the others.</summary>
    public static (string Event, string Address, string Status)? Describe(ClusterEvent.IClusterDomainEvent e) => e switch
    {
        ClusterEvent.MemberStatusChange m => (m.GetType().Name, m.Member.Address.ToString(), m.Member.Status.ToString()),
        ClusterEvent.UnreachableMember u => ("Unreachable", u.Member.Address.ToString(), u.Member.Status.ToString()),
        ClusterEvent.ReachableMember r => ("Reachable", r.Member.Address.ToString(), r.Member.Status.ToString()),
        ClusterEvent.LeaderChanged l => ("LeaderChanged", l.Leader?.ToString() ?? "(none)", "leader"),
        _ => null,
    };

    /// <inheritdoc />
    protected override void Start() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));

    /// <inheritdoc />
    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    private void Emit(string name, string address, string status)
    {
        var time = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        Output.Write(_json
            ? OpsFrame.Table("cluster-event", Columns, [[time, name, address, status]])
            : OpsFrame.Line($"{time} {name} {address} {status}"));
    }
}
