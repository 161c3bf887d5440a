using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Forwarding;

/// <summary>Source-generated log events of the forward.</summary>
public sealed partial class ForwardStep
{
    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug,
        Message = "Retrying route {RouteId} after try {Attempt} on {Endpoint} ended with {ForwarderError}, status {UpstreamStatus} (request {RequestId})")]
    private static partial void LogRetry(ILogger logger, string routeId, string endpoint, int attempt, ForwarderError forwarderError, int upstreamStatus, string requestId);
}
