namespace Gateway.Tests.Support;

/// <summary>The one bounded poll of the test suite: retries a check until it holds or the time is up, then fails with what was seen last.</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="check"/> until it returns true; fails after <paramref name="timeout"/> with <paramref name="describe"/>'s text.</summary>
    public static async Task TrueAsync(Func<Task<bool>> check, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await check())
        {
            if (DateTime.UtcNow >= deadline) throw new Xunit.Sdk.XunitException($"not within {timeout}: {describe()}");
            await Task.Delay(Interval);
        }
    }

    /// <summary>Polls the synchronous <paramref name="check"/>.</summary>
    public static Task TrueAsync(Func<bool> check, TimeSpan timeout, Func<string> describe) =>
        TrueAsync(() => Task.FromResult(check()), timeout, describe);

    /// <summary>Polls until <paramref name="path"/> on <paramref name="client"/> answers <paramref name="expected"/>.</summary>
    public static async Task StatusAsync(HttpClient client, string path, System.Net.HttpStatusCode expected, TimeSpan? timeout = null)
    {
        System.Net.HttpStatusCode? last = null;
        await TrueAsync(async () =>
        {
            using var response = await client.GetAsync(path);
            last = response.StatusCode;
            return response.StatusCode == expected;
        }, timeout ?? TimeSpan.FromSeconds(20), () => $"{path} still answers {last}, not {expected}");
    }
}
