namespace Gateway.Actors.Observability;

/// <summary>The access log when it is off.</summary>
public sealed class NoAccessLog : IAccessLog
{
    /// <summary>The one instance.</summary>
    public static readonly NoAccessLog Instance = new();

    /// <inheritdoc />
    public bool ShouldLog() => false;

    /// <inheritdoc />
    public void Write(in AccessLogEntry entry)
    {
    }
}
