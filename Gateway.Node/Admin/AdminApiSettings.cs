using Akka.Configuration;

namespace Gateway.Node.Admin;

/// <summary>Settings of the admin API, read from <c>gateway.admin</c>.</summary>
/// <param name="Token">Bearer token required on <c>/admin/*</c>; empty means none.</param>
/// <param name="AskTimeout">How long a request waits for a local actor's answer (reads).</param>
/// <param name="WriteDeadline">How long the owner has to apply a write; past it the owner drops the command and the API answers 503.</param>
/// <param name="PropagationTimeout">How long an applied write waits for every reachable node to serve it.</param>
/// <param name="PeerLiveness">How long a node may take to show it is alive before an applied write stops waiting for it.</param>
public sealed record AdminApiSettings(string Token, TimeSpan AskTimeout, TimeSpan WriteDeadline, TimeSpan PropagationTimeout,
    TimeSpan PeerLiveness)
{
    /// <summary>Reads the settings from the node's config.</summary>
    public static AdminApiSettings FromConfig(Config config) =>
        new(config.GetString("gateway.admin.token") ?? "", config.GetTimeSpan("gateway.admin.ask-timeout"),
            config.GetTimeSpan("gateway.admin.write-deadline"), config.GetTimeSpan("gateway.admin.propagation-timeout"),
            config.GetTimeSpan("gateway.admin.peer-liveness"));

    /// <summary>
    /// How long after the deadline the API still waits for the owner's answer: the owner checks the deadline right before it
    /// persists, so an answer to a command that passed the check arrives within one journal write and one hop of it.
    /// </summary>
    public static readonly TimeSpan AnswerGrace = TimeSpan.FromMilliseconds(300);

    /// <summary>How long the API then asks the owner what became of the command (<c>GetCommandOutcome</c>).</summary>
    public static readonly TimeSpan OutcomeWait = TimeSpan.FromMilliseconds(600);
}
