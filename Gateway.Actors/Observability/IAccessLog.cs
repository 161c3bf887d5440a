namespace Gateway.Actors.Observability;

/// <summary>Where the ingress writes one event per request; the node decides sampling and the sink.</summary>
public interface IAccessLog
{
    /// <summary>True when the next request should be logged (off, or sampled out, costs one call).</summary>
    bool ShouldLog();

    /// <summary>Writes one request's event.</summary>
    void Write(in AccessLogEntry entry);
}
