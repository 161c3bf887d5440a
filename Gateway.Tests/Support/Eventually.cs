namespace Gateway.Tests.Support;

/// <summary>The one bounded poll of the tests: ask again every <c>interval</c> until the answer is right or the time is up.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="done"/> holds for its answer; fails after <paramref name="timeout"/>
    /// with <paramref name="describe"/> of the last answer. Exceptions of the probe count as a wrong answer until the end.
    /// </summary>
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, Func<T?, string> describe, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        T? last = default;
        Exception? error = null;
        while (true)
        {
            try
            {
                last = await probe();
                error = null;
                if (done(last)) return last;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                error = ex;
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"not within {timeout}: {describe(last)}{(error is null ? "" : $" ({error.GetType().Name}: {error.Message})")}");
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Polls <paramref name="check"/> until it returns true; fails after <paramref name="timeout"/> with <paramref name="describe"/>'s text.</summary>
    public static Task TrueAsync(Func<Task<bool>> check, TimeSpan timeout, Func<string>? describe = null, TimeSpan? interval = null) =>
        MatchAsync(check, ok => ok, timeout, _ => describe?.Invoke() ?? "the condition never held", interval);

    /// <summary>Polls the synchronous <paramref name="condition"/> until it is true; fails after <paramref name="timeout"/> with <paramref name="because"/>.</summary>
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> because, TimeSpan? interval = null) =>
        MatchAsync(() => Task.FromResult(condition()), ok => ok, timeout, _ => because(), interval);

    /// <summary>Polls GET <paramref name="url"/> with <paramref name="client"/> until it answers <paramref name="expected"/>.</summary>
    public static Task StatusAsync(HttpClient client, string url, System.Net.HttpStatusCode expected, TimeSpan? timeout = null) =>
        MatchAsync(async () =>
        {
            using var response = await client.GetAsync(url);
            return response.StatusCode;
        }, status => status == expected, timeout ?? TimeSpan.FromSeconds(20), status => $"GET {url} answers {(int?)status}, not {(int)expected}");
}
