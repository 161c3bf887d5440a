using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;

namespace Gateway.Tests.Support;

/// <summary>The pbm client (ops/pbm, built beside the tests) run as a process; killed on dispose.</summary>
public sealed class PbmProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private PbmProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stdout) _stdout.AppendLine(e.Data);
            _lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What pbm printed on stdout so far.</summary>
    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    /// <summary>What pbm printed on stderr so far.</summary>
    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>
    /// Starts <c>dotnet pbm.dll</c> with <paramref name="args"/>. Through <c>env --default-signal=INT</c>, because a
    /// process started from a non-interactive shell's background job inherits SIGINT ignored, and Ctrl+C is SIGINT.
    /// </summary>
    public static PbmProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--default-signal=INT", "dotnet", PbmDll(), .. args]) info.ArgumentList.Add(arg);
        info.Environment.Remove("PBM_TOKEN");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return new PbmProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start pbm"));
    }

    /// <summary>Runs pbm to its end (at most <paramref name="timeout"/>, default 30 s) with <paramref name="stdin"/> as input.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, string stdin = "",
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        using var pbm = Start(args, environment);
        await pbm._process.StandardInput.WriteAsync(stdin);
        pbm._process.StandardInput.Close();
        var exitCode = await pbm.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(30));
        return (exitCode, pbm.Stdout, pbm.Stderr);
    }

    /// <summary>Waits for a stdout line containing <paramref name="text"/>, at most <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cancel.Token);
                if (line.Contains(text, StringComparison.Ordinal)) return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"pbm printed no line with '{text}' within {timeout}; stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        if (Kill(_process.Id, 2) != 0) throw new InvalidOperationException($"kill(SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for exit; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"pbm did not exit within {timeout}; stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // drains the redirected output
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
    }

    /// <summary>pbm.dll built under ops/pbm in the test assembly's configuration and framework.</summary>
    public static string PbmDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var root = Protocol.Configuration.GatewayDefinitionsTests.RepoRoot();
        var dll = Path.Combine(root, "ops", "pbm", "bin", configuration, framework, "pbm.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build ops/pbm first: {dll} is missing");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
