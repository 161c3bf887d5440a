using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>A gateway node started as its own process from the built Gateway.Node.dll, killed on dispose.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private string? _ownedDataDirectory;

    private NodeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The process.</summary>
    public Process Process => _process;

    /// <summary>Starts <c>dotnet Gateway.Node.dll</c> with <paramref name="args"/> and a fresh temporary data directory.</summary>
    public static NodeProcess Start(params string[] args) => StartWithOwnData(new Dictionary<string, string>(), args);

    // A fresh temporary data directory, deleted on dispose, besides the extra environment.
    private static NodeProcess StartWithOwnData(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var data = Path.Combine(Path.GetTempPath(), "gateway-node-" + Guid.NewGuid().ToString("N"));
        var node = Start(new Dictionary<string, string>(environment) { ["GATEWAY_DATA_DIR"] = data }, args);
        node._ownedDataDirectory = data;
        return node;
    }

    /// <summary>
    /// Starts the README's sample node (no config file) on loopback: ingress, admin and echo upstream on free ports,
    /// remoting on an OS-picked port, then <paramref name="extraArgs"/>.
    /// </summary>
    public static NodeProcess StartSample(out int ingress, out int admin, params string[] extraArgs) =>
        StartSample(new Dictionary<string, string>(), out ingress, out admin, extraArgs);

    /// <summary>The sample node as <see cref="StartSample(out int, out int, string[])"/>, with the extra <paramref name="environment"/>.</summary>
    public static NodeProcess StartSample(IReadOnlyDictionary<string, string> environment, out int ingress, out int admin, params string[] extraArgs)
    {
        ingress = FreePort.NextStable();
        admin = FreePort.NextStable();
        var echo = FreePort.NextStable();
        return StartWithOwnData(environment, [
            "--set", $"gateway.ingress.port={ingress}", "--set", "gateway.ingress.hostname=127.0.0.1",
            "--set", $"gateway.admin.port={admin}", "--set", $"gateway.sample.echo-port={echo}",
            "--set", "akka.remote.dot-netty.tcp.port=0", .. extraArgs]);
    }

    /// <summary>Starts <c>dotnet Gateway.Node.dll</c> with <paramref name="args"/> and the extra <paramref name="environment"/>.</summary>
    public static NodeProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(NodeDll());
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_gcServer"] = "0";
        // Test nodes run no pbm host unless a test asks for one with --set gateway.ops.port=N (which wins over the
        // environment): parallel nodes would otherwise all try 127.0.0.1:9110.
        info.Environment["GATEWAY_OPS_PORT"] = "0";
        // No warm-up pass (up to gateway.warm-up.duration before the ingress opens) unless a test asks for one with
        // --set or its own GATEWAY_WARM_UP: the tests time their nodes' starts, not their steady rate.
        info.Environment["GATEWAY_WARM_UP"] = "0s";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return new NodeProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet"));
    }

    /// <summary>Sends SIGTERM, as systemd, Kubernetes or <c>kill</c> do to stop the node gracefully.</summary>
    public void SigTerm()
    {
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends SIGSTOP: the process is frozen, as by a long GC pause or a paused VM.</summary>
    public void Freeze()
    {
        if (Kill(_process.Id, 19) != 0) throw new InvalidOperationException($"kill(SIGSTOP) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends SIGCONT: a frozen process runs again.</summary>
    public void Thaw()
    {
        if (Kill(_process.Id, 18) != 0) throw new InvalidOperationException($"kill(SIGCONT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for exit up to <paramref name="timeout"/>; returns the exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException($"node did not exit within {timeout}:\n{Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        if (_ownedDataDirectory is not null && Directory.Exists(_ownedDataDirectory))
        {
            try
            {
                Directory.Delete(_ownedDataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Gateway.Node.dll built beside this test assembly, in the same configuration.</summary>
    public static string NodeDll()
    {
        // For before/after measurements: the same tests against another build (e.g. main's).
        if (Environment.GetEnvironmentVariable("GATEWAY_TEST_NODE_DLL") is { Length: > 0 } other) return other;
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testBin.Name.Length > 0 ? testBin.Name : testBin.Parent!.Name;
        var dir = testBin.Name.Length > 0 ? testBin : testBin.Parent!;
        var configuration = dir.Parent!.Name;
        var root = Protocol.Configuration.GatewayDefinitionsTests.RepoRoot();
        var dll = Path.Combine(root, "Gateway.Node", "bin", configuration, framework, "Gateway.Node.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build Gateway.Node first: {dll} is missing");
    }
}
