using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Forwarding;

/// <summary>The node's services that every route's forward step shares: YARP's forwarder, the log and the failure log.</summary>
public sealed class ForwardingServices(IHttpForwarder forwarder, ILogger<ForwardStep> log, UpstreamFailureLog failures)
{
    /// <summary>YARP's forwarder (byte pumping, hop-by-hop headers, upgrades).</summary>
    public IHttpForwarder Forwarder { get; } = forwarder;

    /// <summary>The forward step's log.</summary>
    public ILogger<ForwardStep> Log { get; } = log;

    /// <summary>Where failed tries are counted and (the first per endpoint) logged.</summary>
    public UpstreamFailureLog Failures { get; } = failures;
}
