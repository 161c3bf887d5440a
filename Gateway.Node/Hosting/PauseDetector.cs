namespace Gateway.Node.Hosting;

/// <summary>
/// Tells a pause of the whole process (SIGSTOP, a stop-the-world GC, a paused VM) from the gap between two ticks of a
/// clock that should tick every interval: a gap longer than the maximum pause means the process did not run meanwhile.
/// </summary>
/// <param name="MaxPause">Longest gap between ticks that is not a pause; zero or negative turns detection off.</param>
public sealed record PauseDetector(TimeSpan MaxPause)
{
    /// <summary>The pause between ticks at <paramref name="previous"/> and <paramref name="now"/> (monotonic clock), or null when there was none.</summary>
    public TimeSpan? Pause(TimeSpan previous, TimeSpan now)
    {
        var gap = now - previous;
        return MaxPause > TimeSpan.Zero && gap > MaxPause ? gap : null;
    }
}
