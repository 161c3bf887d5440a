using Akka.Actor;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// Runs <c>actor hierarchy</c>: identifies the children of the start (<c>/user</c> by default, or e.g. <c>/system/sharding</c>),
/// then the children of each actor found, level by level down to the depth asked, and writes the tree once no answer came
/// for a quiet period or the time limit passed (whatever was found by then).
/// </summary>
internal sealed class HierarchyWalker : OpsCommandActor, IWithTimers
{
    /// <summary>Deepest level walked below the start.</summary>
    public const int MaxDepth = 8;

    /// <summary>Most actors listed.</summary>
    public const int MaxActors = 2000;

    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);
    private readonly HashSet<string> _found = new(StringComparer.Ordinal);
    private readonly TimeSpan _limit;
    private readonly bool _json;
    private readonly string _root;
    private readonly int _depth;
    private readonly string? _error;
    private int _rootLevels;
    private bool _truncated;

    /// <summary>Props for a walk of at most <paramref name="limit"/> from <paramref name="start"/>'s root to its depth, writing to <paramref name="output"/>.</summary>
    public static Props Props(OpsOutput output, TimeSpan limit, bool json, (string Root, int Depth, string? Error) start) =>
        Akka.Actor.Props.Create(() => new HierarchyWalker(output, limit, json, start.Root, start.Depth, start.Error));

    /// <summary>Props for a walk of <c>/user</c> to <see cref="MaxDepth"/>.</summary>
    public static Props Props(OpsOutput output, TimeSpan limit, bool json) => Props(output, limit, json, ("/user", MaxDepth, null));

    /// <summary>Creates a walker; <paramref name="error"/> (a bad switch) is reported instead of walking.</summary>
    public HierarchyWalker(OpsOutput output, TimeSpan limit, bool json, string root, int depth, string? error)
        : base(output)
    {
        _limit = limit;
        _json = json;
        _root = root;
        _depth = depth;
        _error = error;
        Receive<ActorIdentity>(OnIdentity);
        Receive<Finish>(_ => Complete());
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void Start()
    {
        if (_error is not null)
        {
            Output.Write(OpsResult.UsageError(_error, ActorPalette.Palette.Commands[0].Usage));
            Context.Stop(Self);
            return;
        }
        _rootLevels = _root.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        Timers.StartSingleTimer("limit", Finish.Instance, _limit);
        Timers.StartSingleTimer("quiet", Finish.Instance, QuietPeriod);
        Context.ActorSelection(_root + "/*").Tell(new Identify(null), Self);
    }

    private void OnIdentity(ActorIdentity identity)
    {
        if (identity.Subject is not { } actor || actor.Equals(Self)) return;
        var path = actor.Path.ToStringWithoutAddress();
        if (!_found.Add(path)) return;
        if (_found.Count >= MaxActors)
        {
            _truncated = true;
            Complete();
            return;
        }
        Timers.StartSingleTimer("quiet", Finish.Instance, QuietPeriod);
        if (actor.Path.Elements.Count - _rootLevels < _depth) Context.ActorSelection(path + "/*").Tell(new Identify(null), Self);
    }

    private void Complete()
    {
        if (Output.Ended) return;
        var lines = ActorTree.Format(_found);
        if (_json) Output.Write(OpsFrame.Table("actors", ["path"], _found.Order(StringComparer.Ordinal).Select(p => new[] { p })));
        else foreach (var line in lines) Output.Write(OpsFrame.Line(line));
        if (_truncated) Output.Write(OpsFrame.Line($"(stopped at {MaxActors} actors)"));
        Output.End(OpsExitCodes.Ok);
        Context.Stop(Self);
    }

    private sealed record Finish
    {
        public static readonly Finish Instance = new();
    }
}
