namespace Gateway.Actors.Observability;

/// <summary>One request as the access log records it.</summary>
public readonly record struct AccessLogEntry(
    string Method,
    string Path,
    string? RouteId,
    string? Endpoint,
    int Status,
    long? RequestBytes,
    long? ResponseBytes,
    double DurationMs,
    string RequestId,
    string? TraceId,
    string? Client);
