namespace Gateway.Tests.Support;

/// <summary>The bounded poll: a condition checked every 100 ms until it holds or the time is up.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> is true; fails with <paramref name="what"/> (and the last value's description) after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout}: {what()}");
            await Task.Delay(100);
        }
    }
}
