using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Gateway.Actors;

/// <summary>
/// Where the runtime runs a socket's completions: on its socket event thread (inline) or handed to the thread pool (the
/// runtime's default). Handing off costs a thread switch per read and per write, and on a loaded core that switch is the
/// largest single cost of a proxied request (ops/bench/RESULTS.md, "Inline completions for the proxy's own sockets").
/// The node asks for inline completions on the sockets of proxied traffic only, ingress connections and upstream
/// connections (<c>gateway.ingress.inline-completions</c>); Akka.Remote's sockets, the admin port and everything else
/// keep the hand-off, so a cluster peer that stops reading never holds an event thread.
/// </summary>
/// <remarks>
/// System.Net.Sockets has this switch per socket (<c>Socket.PreferInlineCompletions</c>) but keeps it internal in .NET 10;
/// the only public form is the process-wide <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>, which also runs
/// Akka.Remote's sockets inline and failed the frozen-peer control-plane tests (RESULTS.md, "Inline socket completions:
/// measured, not kept"). This class is the one place that reaches the internal setter. If a runtime lacks it,
/// <see cref="Supported"/> is false and every socket keeps the default.
/// </remarks>
internal static class SocketCompletions
{
    /// <summary>The runtime's count of socket event threads (System.Net.Sockets, SocketAsyncEngine), read once.</summary>
    public const string ThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>True when this runtime has the per-socket switch.</summary>
    public static bool Supported { get; } =
        typeof(Socket).GetProperty("PreferInlineCompletions", BindingFlags.Instance | BindingFlags.NonPublic)?.SetMethod is not null
        && typeof(SafeSocketHandle).GetProperty("PreferInlineCompletions", BindingFlags.Instance | BindingFlags.NonPublic)?.GetMethod is not null;

    /// <summary>Runs <paramref name="socket"/>'s completions on its event thread from its next event on; false if unsupported.</summary>
    public static bool PreferInline(Socket socket)
    {
        if (!Supported) return false;
        SetPreferInlineCompletions(socket, true);
        return true;
    }

    /// <summary>True when <paramref name="socket"/>'s completions run on its event thread.</summary>
    public static bool IsInline(Socket socket) => Supported && GetPreferInlineCompletions(socket.SafeHandle);

    /// <summary>
    /// With inline completions the proxied requests run on the socket event threads, and the runtime starts one of those
    /// per 30 CPUs; so before the process's first socket the node asks for one per CPU (what the runtime itself starts
    /// when inline completions are on process-wide), unless the environment already says.
    /// </summary>
    public static void ApplyThreadCount(bool inline)
    {
        if (!inline || !Supported || Environment.GetEnvironmentVariable(ThreadCountVariable) is not null) return;
        Environment.SetEnvironmentVariable(ThreadCountVariable, Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PreferInlineCompletions")]
    private static extern void SetPreferInlineCompletions(Socket socket, bool value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_PreferInlineCompletions")]
    private static extern bool GetPreferInlineCompletions(SafeSocketHandle handle);
}
