namespace Gateway.Node.Hosting;

/// <summary>
/// Where the runtime runs socket completions: on the sockets' event threads (inline, one thread per CPU) or handed to the
/// thread pool (the runtime's default). The runtime has no API for it, only an environment variable it reads once, when
/// its socket engine starts; so the node sets it for itself from <c>gateway.ingress.inline-completions</c>, before it
/// opens any socket, unless the environment already says.
/// </summary>
internal static class SocketCompletions
{
    /// <summary>The runtime's switch (System.Net.Sockets, SocketAsyncEngine).</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets <see cref="Variable"/> for this process to <paramref name="inline"/> unless it is set already; returns
    /// the value in force.</summary>
    public static bool Apply(bool inline)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { } given) return given == "1";
        Environment.SetEnvironmentVariable(Variable, inline ? "1" : "0");
        return inline;
    }
}
