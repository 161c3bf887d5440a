using Akka.Configuration;

namespace Gateway.Node.Admin;

/// <summary>Settings of the admin API, read from <c>gateway.admin</c>.</summary>
/// <param name="Token">Bearer token required on <c>/admin/*</c>; empty means none.</param>
/// <param name="AskTimeout">How long a request waits for the owning entity's answer.</param>
public sealed record AdminApiSettings(string Token, TimeSpan AskTimeout)
{
    /// <summary>Reads the settings from the node's config.</summary>
    public static AdminApiSettings FromConfig(Config config) =>
        new(config.GetString("gateway.admin.token") ?? "", config.GetTimeSpan("gateway.admin.ask-timeout"));
}
