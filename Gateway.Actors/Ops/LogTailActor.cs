using Akka.Actor;

namespace Gateway.Actors.Ops;

/// <summary>Runs <c>log tail</c>: writes every log event added to the node's buffer until cancelled.</summary>
internal sealed class LogTailActor : OpsCommandActor
{
    private readonly LogBuffer _logs;
    private readonly bool _json;
    private IDisposable? _subscription;

    /// <summary>Props for a tail of <paramref name="logs"/> writing to <paramref name="output"/>.</summary>
    public static Props Props(LogBuffer logs, OpsOutput output, bool json) => Akka.Actor.Props.Create(() => new LogTailActor(logs, output, json));

    public LogTailActor(LogBuffer logs, OpsOutput output, bool json)
        : base(output)
    {
        _logs = logs;
        _json = json;
    }

    /// <inheritdoc />
    protected override void Start()
    {
        // Events go straight from the logging thread to the connection's bounded queue: no message per event, and
        // nothing here logs, so a tail cannot feed itself.
        var output = Output;
        var json = _json;
        _subscription = _logs.Subscribe(entry => output.Write(LogPalette.Frame(entry, json)));
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _subscription?.Dispose();
        base.PostStop();
    }
}
