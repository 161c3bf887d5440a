namespace Gateway.Tests.Support;

/// <summary>Bounded polling: waits until a condition holds, failing with a clear message after a deadline.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> (100 ms by default) until it is true; throws after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"{what ?? "condition"} did not hold within {timeout.TotalSeconds:0.#} s");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
