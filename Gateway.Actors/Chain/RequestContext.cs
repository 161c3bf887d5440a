using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Chain;

/// <summary>
/// One request on its way through a route's chain: what the ingress resolved once (path, destination, request id) and
/// what steps leave for later ones (forward hooks, the endpoint tried). Pooled by the ingress and reset on return, so the
/// chain allocates no context per request.
/// </summary>
public sealed class RequestContext
{
    private const int MaxHooks = 4;
    private readonly IForwardHook?[] _hooks = new IForwardHook?[MaxHooks];
    private int _hookCount;

    /// <summary>The client's request.</summary>
    public HttpContext Http { get; private set; } = null!;

    /// <summary>The routed path (runs of slashes folded).</summary>
    public string Path { get; private set; } = "";

    /// <summary>Path sent upstream after the route's rewrite.</summary>
    public string Destination { get; private set; } = "";

    /// <summary>The one request id of this request: the client's valid X-Request-Id, else a generated one.</summary>
    public string RequestId { get; private set; } = "";

    /// <summary>Stopwatch timestamp of the request's arrival.</summary>
    public long Start { get; private set; }

    /// <summary>W3C traceparent passed on or started, once a step needed it (the forward does); else null.</summary>
    public string? TraceParent { get; set; }

    /// <summary>The upstream endpoint of the last try, for the access log; null when none was tried.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Hooks registered for the forward, in registration order.</summary>
    public ReadOnlySpan<IForwardHook?> Hooks => _hooks.AsSpan(0, _hookCount);

    /// <summary>Prepares a pooled context for a new request.</summary>
    public void Init(HttpContext http, string path, string destination, string requestId, long start)
    {
        Http = http;
        Path = path;
        Destination = destination;
        RequestId = requestId;
        Start = start;
    }

    /// <summary>Registers <paramref name="hook"/> for the forward; a step adds at most one.</summary>
    public void AddHook(IForwardHook hook)
    {
        if (_hookCount == MaxHooks) throw new InvalidOperationException($"at most {MaxHooks} forward hooks per request");
        _hooks[_hookCount++] = hook;
    }

    /// <summary>Removes <paramref name="hook"/> (a step whose forward ended and that may forward again, e.g. a cache re-fetch).</summary>
    public void RemoveHook(IForwardHook hook)
    {
        for (var i = 0; i < _hookCount; i++)
        {
            if (!ReferenceEquals(_hooks[i], hook)) continue;
            Array.Copy(_hooks, i + 1, _hooks, i, _hookCount - i - 1);
            _hooks[--_hookCount] = null;
            return;
        }
    }

    /// <summary>Forgets the request, so the pool keeps no reference to it.</summary>
    public void Reset()
    {
        Http = null!;
        Path = Destination = RequestId = "";
        TraceParent = Endpoint = null;
        Start = 0;
        Array.Clear(_hooks);
        _hookCount = 0;
    }
}
