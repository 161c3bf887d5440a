namespace Gateway.Actors.Forwarding;

/// <summary>Requests answered over the last <see cref="Seconds"/> seconds, as <see cref="RequestStats.Snapshot"/> reads them.</summary>
/// <param name="Seconds">Length of the window.</param>
/// <param name="Requests">Requests answered in the window.</param>
/// <param name="Errors">Of those, answers with a 5xx status (upstream errors, timeouts and sheds).</param>
/// <param name="P50">Median latency; null without requests.</param>
/// <param name="P99">99th percentile latency; null without requests.</param>
public sealed record RequestStatsSnapshot(int Seconds, long Requests, long Errors, TimeSpan? P50, TimeSpan? P99)
{
    /// <summary>Average requests per second over the window.</summary>
    public double RequestsPerSecond => (double)Requests / Seconds;
}
