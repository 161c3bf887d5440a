using System.Globalization;

namespace Gateway.Actors.Ops;

/// <summary>The <c>gateway drain</c> command: this node stops taking traffic and leaves the cluster, as on SIGTERM.</summary>
internal static class DrainCommand
{
    /// <summary><c>gateway drain</c>.</summary>
    public static OpsCommand Command { get; } = new()
    {
        Name = "gateway drain",
        Summary = "this node stops taking traffic, finishes in-flight requests, leaves the cluster and exits (as on SIGTERM)",
        Run = (_, ctx) => Drain(ctx.Drain).AsTask(),
    };

    /// <summary>Starts <paramref name="drain"/> and says what happens next; answers at once, the drain runs on.</summary>
    public static OpsResult Drain(INodeDrain? drain)
    {
        if (drain is null) return OpsResult.Failed("this node cannot drain: it runs without the node host");
        if (!drain.Start()) return OpsResult.Line("already draining; the node leaves the cluster and exits when its in-flight requests are done");
        var seconds = drain.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return OpsResult.Line($"draining: readiness off, no new connections; in-flight requests finish (up to {seconds}s), then the node leaves the cluster and exits");
    }
}
