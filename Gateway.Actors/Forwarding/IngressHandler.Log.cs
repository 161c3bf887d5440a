using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Forwarding;

/// <summary>Source-generated log events of the ingress hot path.</summary>
public sealed partial class IngressHandler
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug,
        Message = "Forward on route {RouteId} to {Endpoint} failed with {ForwarderError} (request {RequestId}): {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, string routeId, string endpoint, ForwarderError forwarderError, string requestId, string? reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug,
        Message = "Retrying route {RouteId} after try {Attempt} on {Endpoint} ended with {ForwarderError}, status {UpstreamStatus} (request {RequestId})")]
    private static partial void LogRetry(ILogger logger, string routeId, string endpoint, int attempt, ForwarderError forwarderError, int upstreamStatus, string requestId);
}
