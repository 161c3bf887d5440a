// Paced load for the cluster rate-limit measurement (ops/bench/ratelimit.sh): sends a fixed total rate split over
// several gateway nodes, optionally spreading requests over many X-Api-Key values, and counts what was admitted
// (200) and refused (429) after a warm-up. wrk and h2load cannot vary a header per request or pace an exact split.
using System.Diagnostics;
using System.Net;

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: RateLimitLoad --urls URL1,URL2,... --split 70,20,10 --rps 1000 --seconds 20 [--warmup 2] [--keys 1]");
    return 2;
}

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
{
    Timeout = TimeSpan.FromSeconds(10),
};

var weights = options.Split.Select(w => (double)w / options.Split.Sum()).ToArray();
var admitted = new long[options.Urls.Length];
var refused = new long[options.Urls.Length];
var other = new long[options.Urls.Length];
var clock = Stopwatch.StartNew();
var total = options.Rps * (options.Seconds + options.Warmup);
var pending = new List<Task>(total);
var credit = new double[options.Urls.Length];
var key = 0;
const int TicksPerSecond = 100;
for (var tick = 0; tick < (options.Seconds + options.Warmup) * TicksPerSecond; tick++)
{
    var due = TimeSpan.FromSeconds((double)tick / TicksPerSecond) - clock.Elapsed;
    if (due > TimeSpan.Zero) await Task.Delay(due);
    var counting = clock.Elapsed >= TimeSpan.FromSeconds(options.Warmup);
    for (var node = 0; node < options.Urls.Length; node++)
    {
        credit[node] += options.Rps * weights[node] / TicksPerSecond;
        for (; credit[node] >= 1; credit[node] -= 1)
        {
            var target = node;
            var request = new HttpRequestMessage(HttpMethod.Get, options.Urls[target]);
            request.Headers.Add("X-Api-Key", "k" + (key++ % options.Keys));
            pending.Add(Send(request, target, counting));
        }
    }
}
await Task.WhenAll(pending);

var admittedTotal = admitted.Sum();
Console.WriteLine($"admitted={admittedTotal} refused={refused.Sum()} other={other.Sum()} seconds={options.Seconds}");
Console.WriteLine($"per-node admitted={string.Join("/", admitted)} refused={string.Join("/", refused)}");
return other.Sum() > 0 ? 1 : 0;

async Task Send(HttpRequestMessage request, int node, bool counting)
{
    try
    {
        using var response = await client.SendAsync(request);
        if (!counting) return;
        var counter = response.StatusCode switch
        {
            HttpStatusCode.OK => admitted,
            HttpStatusCode.TooManyRequests => refused,
            _ => other,
        };
        Interlocked.Increment(ref counter[node]);
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
    {
        if (counting) Interlocked.Increment(ref other[node]);
    }
    finally
    {
        request.Dispose();
    }
}

sealed record Options(string[] Urls, int[] Split, int Rps, int Seconds, int Warmup, int Keys)
{
    public static Options? Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i]] = args[i + 1];
        if (!map.TryGetValue("--urls", out var urls) || !map.TryGetValue("--split", out var split)) return null;
        var urlList = urls.Split(',');
        var splitList = split.Split(',').Select(int.Parse).ToArray();
        if (urlList.Length != splitList.Length) return null;
        return new Options(urlList, splitList, int.Parse(map.GetValueOrDefault("--rps", "1000")), int.Parse(map.GetValueOrDefault("--seconds", "20")),
            int.Parse(map.GetValueOrDefault("--warmup", "2")), int.Parse(map.GetValueOrDefault("--keys", "1")));
    }
}
