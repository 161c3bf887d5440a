using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node;

/// <summary>
/// The runtime settings a node starts with: those of <c>dotnet Gateway.Node.dll</c>, read from the runtimeconfig.json the
/// build writes beside it (the file the host reads), and the environment the shipped units add (the runtime exposes no
/// way to read either back from a running process).
/// </summary>
public sealed class RuntimeSettingsTests
{
    private const string SingleCpuMultiplier = "DOTNET_TC_DelaySingleProcMultiplier=1";

    private static JsonElement ConfigProperties()
    {
        var path = Path.ChangeExtension(NodeProcess.NodeDll(), ".runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    private static string RepoFile(string relative) =>
        File.ReadAllText(Path.Combine(Protocol.Configuration.GatewayDefinitionsTests.RepoRoot(), relative));

    /// <summary>The <c>VAR=value</c> lines of ops/bench/shipped.env: the environment the image and the unit give a node.</summary>
    private static List<string> ShippedEnvironment() =>
        RepoFile("ops/bench/shipped.env").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#')).ToList();

    /// <summary>
    /// Dynamic PGO stays on (turning it off reached the steady rate sooner but cost 14-30 % of it; it would also have
    /// taken 2 MB off the idle RSS and 5 MB off the peak), and the tiering
    /// delay is not shortened for every machine: on two CPUs that cost +5 MB idle RSS and +3-4k JIT compilations per
    /// start (issue 12, ops/bench/RESULTS.md "Cold start: the single-CPU tiering delay"). Methods with loops are compiled
    /// optimised at once, not at tier 0 and again by on-stack replacement: ~3 MB less RSS, the same throughput.
    /// </summary>
    [Fact]
    public void Node_StartsWithDynamicPgo_TheRuntimesTieringDelay_AndLoopsOptimisedAtOnce()
    {
        var properties = ConfigProperties();
        Assert.True(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.False(properties.GetProperty("System.Runtime.TieredCompilation.QuickJitForLoops").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.TryGetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs", out _));
    }

    /// <summary>
    /// Issue 12, memory: the node generates no code at run time (Akka's receive matchers and the admin API's minimal-API
    /// delegates are interpreted, compiled regexes run on the interpreter, JSON and DI use reflection): ~2 MB less idle
    /// and ~6 MB less peak RSS at the same requests per second (ops/bench/RESULTS.md). The tests run in the same mode, so
    /// every in-process test covers the node's code as it ships. The admin API's handlers are generated at build time.
    /// </summary>
    [Fact]
    public void Node_AndTheTests_GenerateNoCodeAtRunTime()
    {
        Assert.False(ConfigProperties().GetProperty("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported").GetBoolean());
        Assert.False(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported);
        // What the mode changes, working: a compiled regex matches (on the interpreter) and an expression tree runs.
        Assert.Matches(new System.Text.RegularExpressions.Regex("^a+b$", System.Text.RegularExpressions.RegexOptions.Compiled), "aaab");
        System.Linq.Expressions.Expression<Func<int, int>> twice = x => x * 2;
        Assert.Equal(42, twice.Compile()(21));
        // The admin API's minimal-API handlers are bound by code generated at build time (the Request Delegate
        // Generator), not by expression trees built and interpreted at start.
        Assert.Contains(typeof(Gateway.Node.Hosting.NodeHost).Assembly.GetTypes(), t => t.Name.Contains("GeneratedRouteBuilderExtensions", StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 12, cold start: a node that sees one CPU (a pod limited to one core) must not wait the runtime's 10 x 100 ms
    /// before it counts calls for tier 1; under load it first made 10k req/s after 50-60 s or more, with the multiplier
    /// at 1 after 20-40 s (ops/bench/coldstart.sh). The image and the systemd unit set it; nothing else changes.
    /// </summary>
    [Fact]
    public void ShippedImageAndUnit_TurnOffTheSingleCpuTieringMultiplier()
    {
        Assert.Contains($"\nENV {SingleCpuMultiplier}\n", RepoFile("ops/k8s/Dockerfile"));
        Assert.Contains($"\nEnvironment={SingleCpuMultiplier}\n", RepoFile("ops/systemd/gateway@.service"));
    }

    /// <summary>
    /// Issue 12, memory: the GC's regions are 1 MiB (the default 4 MiB kept ~3 MB more committed at idle for a heap of a
    /// few MB), and the shipped image and unit set a gen0 budget of 4 MiB (the default, sized from the L3 cache, kept
    /// ~10 MB more committed under load); the budget has no runtimeconfig name (ops/bench/RESULTS.md, "Idle and peak
    /// RSS: Akka's App.config read, the GC's regions and its gen0 budget").
    /// </summary>
    [Fact]
    public void Node_UsesOneMebibyteGcRegions_AndTheShippedUnitsAFourMebibyteGen0Budget()
    {
        Assert.Equal(1048576, ConfigProperties().GetProperty("System.GC.RegionSize").GetInt64());
        const string Gen0 = "DOTNET_GCgen0size=0x400000";
        Assert.Contains($"\nENV {Gen0}\n", RepoFile("ops/k8s/Dockerfile"));
        Assert.Contains($"\nEnvironment={Gen0}\n", RepoFile("ops/systemd/gateway@.service"));
    }

    /// <summary>
    /// Issue 12, peak memory: the runtime keeps up to 16 MB of the JIT's 64 KB work blocks between compilations, and glibc
    /// keeps the blocks it frees in its arenas, so the tier-1 compilations of a load left ~5 MB held for good. The shipped
    /// image and unit cap that cache at 1 MiB and have glibc map blocks of 64 KB and more on their own, so freed ones go
    /// back to the kernel (ops/bench/RESULTS.md, "Peak RSS: the JIT's cached work memory"). Both are environment only;
    /// <see cref="BenchShippedEnvironment_IsWhatTheImageAndTheUnitSet"/> checks that the image and the unit set them.
    /// </summary>
    private const string JitSlabCache = "DOTNET_JitHostMaxSlabCache=0x100000";
    private const string MmapThreshold = "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536";

    /// <summary>
    /// A node given exactly the shipped environment (ops/bench/shipped.env) starts, proxies, and takes an admin write
    /// through its journal (SQLite, whose blocks of 64 KB and more glibc now maps on their own) to a served route.
    /// </summary>
    [Fact]
    public async Task Node_WithTheShippedEnvironment_StartsProxiesAndAppliesAnAdminWrite()
    {
        var env = ShippedEnvironment().Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        using var node = NodeProcess.StartSample(env, out var ingress, out var admin);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await NodeProcessTests.WaitReadyAsync(client, admin, node);
        using (var response = await client.GetAsync($"http://127.0.0.1:{ingress}/demo/hello"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var put = await client.PutAsync($"http://127.0.0.1:{admin}/admin/routes/shipped",
                   new StringContent("""{"path":"/shipped/{**rest}","upstream":"echo"}""", System.Text.Encoding.UTF8, "application/json")))
            Assert.True(put.IsSuccessStatusCode, $"PUT: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        await Eventually.StatusAsync(client, $"http://127.0.0.1:{ingress}/shipped/x", HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        var environ = (await File.ReadAllTextAsync($"/proc/{node.Process.Id}/environ")).Split('\0');
        Assert.Contains(MmapThreshold, environ);
        Assert.Contains(JitSlabCache, environ);
    }

    /// <summary>The benchmarks measure the node as it ships: ops/bench/shipped.env lists exactly what the image and the unit set.</summary>
    [Fact]
    public void BenchShippedEnvironment_IsWhatTheImageAndTheUnitSet()
    {
        var shipped = ShippedEnvironment().Order().ToList();
        static List<string> Set(string file, string prefix) => RepoFile(file).Split('\n')
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..].Trim()).Order().ToList();
        Assert.Contains(SingleCpuMultiplier, shipped);
        Assert.Contains("DOTNET_GCgen0size=0x400000", shipped);
        Assert.Contains(JitSlabCache, shipped);
        Assert.Contains(MmapThreshold, shipped);
        Assert.Equal(shipped, Set("ops/k8s/Dockerfile", "ENV "));
        Assert.Equal(shipped, Set("ops/systemd/gateway@.service", "Environment="));
    }

    [Fact]
    public void WaitsLongOnOneCpu_OnlyWithOneCpuAndNeitherSettingGiven()
    {
        static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
            name => vars.FirstOrDefault(v => v.Name == name).Value;

        Assert.True(Gateway.Node.Hosting.IngressLifecycleService.WaitsLongOnOneCpu(1, Env()));
        Assert.False(Gateway.Node.Hosting.IngressLifecycleService.WaitsLongOnOneCpu(2, Env()));
        Assert.False(Gateway.Node.Hosting.IngressLifecycleService.WaitsLongOnOneCpu(1, Env(("DOTNET_TC_DelaySingleProcMultiplier", "1"))));
        Assert.False(Gateway.Node.Hosting.IngressLifecycleService.WaitsLongOnOneCpu(1, Env(("COMPlus_TC_DelaySingleProcMultiplier", "1"))));
        Assert.False(Gateway.Node.Hosting.IngressLifecycleService.WaitsLongOnOneCpu(1, Env(("DOTNET_TC_CallCountingDelayMs", "10"))));
    }

    /// <summary>A node that sees one CPU without the shipped multiplier says so in its log, once, at start; with it, nothing.</summary>
    [Fact]
    public async Task NodeOnOneCpu_WithoutTheMultiplier_WarnsAtStart_AndWithItDoesNot()
    {
        const string Warning = "This node sees one CPU and DOTNET_TC_DelaySingleProcMultiplier is not set";
        // DOTNET_PROCESSOR_COUNT=1: the runtime then reports (and tiers for) one CPU.
        using var bare = NodeProcess.StartSample(new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1" }, out _, out _);
        using var shipped = NodeProcess.StartSample(new Dictionary<string, string>
        {
            ["DOTNET_PROCESSOR_COUNT"] = "1",
            ["DOTNET_TC_DelaySingleProcMultiplier"] = "1",
        }, out _, out _);
        await Eventually.TrueAsync(() => bare.Output.Contains("Node ready") && shipped.Output.Contains("Node ready"), TimeSpan.FromSeconds(90),
            () => $"nodes not ready:\n{bare.Output}\n---\n{shipped.Output}");
        Assert.Single(bare.Output.Split('\n'), line => line.Contains(Warning));
        Assert.DoesNotContain(Warning, shipped.Output);
    }

    /// <summary>
    /// Issue 12: with inline completions the proxied requests run on the socket event threads, so a node starts one per
    /// CPU (the runtime's default is one per 30 CPUs, which would hold the ingress to one core); turned off, the runtime's
    /// default stands. The environment's own count wins either way.
    /// </summary>
    [Fact]
    public async Task Node_StartsOneSocketEventThreadPerCpu_WithInlineCompletions_AndTheDefaultWithout()
    {
        Assert.True(Environment.ProcessorCount >= 2, "needs 2 CPUs: with one, every setting starts one event thread");
        var none = new Dictionary<string, string>();
        using var inline = NodeProcess.StartSample(none, out _, out _);
        using var handOff = NodeProcess.StartSample(none, out _, out _, "--set", "gateway.ingress.inline-completions=off");
        using var given = NodeProcess.StartSample(new Dictionary<string, string> { [Gateway.Actors.SocketCompletions.ThreadCountVariable] = "3" },
            out _, out _);
        await Eventually.TrueAsync(() => new[] { inline, handOff, given }.All(n => n.Output.Contains("Node ready")), TimeSpan.FromSeconds(90),
            () => $"nodes not ready:\n{inline.Output}\n---\n{handOff.Output}\n---\n{given.Output}");
        Assert.Equal(Environment.ProcessorCount, SocketEventThreads(inline.Process.Id));
        Assert.Equal(1, SocketEventThreads(handOff.Process.Id));
        Assert.Equal(3, SocketEventThreads(given.Process.Id));
    }

    // Threads the runtime's socket engine runs (".NET Sockets", one per engine).
    private static int SocketEventThreads(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task").Count(task =>
        {
            try { return File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets"; }
            catch (IOException) { return false; }
        });
}
