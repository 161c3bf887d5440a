using System.Diagnostics;
using System.Net.Sockets;
using Gateway.Tests.Protocol.Configuration;

namespace Gateway.Tests.Cluster;

/// <summary><c>ops/cluster.sh</c>: up 2, status shows both Up, a restarted node keeps its earlier log, down drains both.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class ClusterScriptTests : IDisposable
{
    private readonly string _runDir = Path.Combine(Path.GetTempPath(), "gateway-cluster-sh-" + Guid.NewGuid().ToString("N"));
    private readonly int _offset = FreeOffset();

    [Fact]
    public async Task UpTwo_StatusShowsTwoUp_DownStopsBoth()
    {
        var (upCode, up) = await RunAsync(TimeSpan.FromSeconds(90), "up", "2");
        Assert.True(upCode == 0, $"up: exit {upCode}\n{up}");

        var (statusCode, status) = await RunAsync(TimeSpan.FromSeconds(20), "status");
        Assert.Equal(0, statusCode);
        var rows = status.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(2, rows.Length);
        for (var i = 0; i < 2; i++)
        {
            // NODE PID MEMBER READY DRAINING MEMBERS ADDRESS
            Assert.Equal([$"{i}", "Up", "true", "false", "2", $"akka.tcp://gateway@127.0.0.1:{_offset + 4053 + i}"],
                [rows[i][0], rows[i][2], rows[i][3], rows[i][4], rows[i][5], rows[i][6]]);
        }

        // stop 1 + start 1: the node's log keeps the first run and marks the restart.
        var (stopCode, stop) = await RunAsync(TimeSpan.FromSeconds(60), "stop", "1");
        Assert.True(stopCode == 0, $"stop 1: exit {stopCode}\n{stop}");
        var (startCode, start) = await RunAsync(TimeSpan.FromSeconds(90), "start", "1");
        Assert.True(startCode == 0, $"start 1: exit {startCode}\n{start}");
        var log = await File.ReadAllLinesAsync(Path.Combine(_runDir, "node-1.log"));
        var marks = log.Select((line, index) => (line, index)).Where(l => l.line.StartsWith("===== node 1 starting at ", StringComparison.Ordinal)).Select(l => l.index).ToArray();
        Assert.True(marks.Length == 2, "expected two start lines in node-1.log:\n" + string.Join("\n", log));
        // The first run's lines, up to its drain, are still there between the two marks.
        Assert.Contains(log[marks[0]..marks[1]], l => l.Contains("Config bootstrap complete"));
        Assert.Contains(log[marks[0]..marks[1]], l => l.Contains("drain", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(log[marks[1]..], l => l.Contains("Config bootstrap complete"));

        var (downCode, down) = await RunAsync(TimeSpan.FromSeconds(60), "down");
        Assert.True(downCode == 0, $"down: exit {downCode}\n{down}");
        Assert.Equal(2, down.Split('\n').Count(l => l.EndsWith("drained and stopped", StringComparison.Ordinal)));
        Assert.Empty(Directory.GetFiles(_runDir, "*.pid"));
        using var probe = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, _offset + 8081));
    }

    public void Dispose()
    {
        // Whatever a failed test left running.
        foreach (var pidFile in Directory.Exists(_runDir) ? Directory.GetFiles(_runDir, "*.pid") : [])
        {
            try
            {
                using var process = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim()));
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
            }
        }
        try
        {
            Directory.Delete(_runDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(GatewayDefinitionsTests.RepoRoot(), "ops", "cluster.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["GATEWAY_RUN_DIR"] = _runDir;
        info.Environment["GATEWAY_PORT_OFFSET"] = _offset.ToString();
        info.Environment["GATEWAY_NODE_DLL"] = NodeProcess.NodeDll();
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["GATEWAY_WARM_UP"] = "0s";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cluster.sh {string.Join(' ', args)} did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    // A port offset under which every port cluster.sh gives two nodes is free (all stay below the ephemeral range).
    private static int FreeOffset()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var offset = 10_000 + Random.Shared.Next(0, 1_000) * 10;
            int[] ports = [.. Enumerable.Range(0, 2).SelectMany(i => new[] { 8080 + 10 * i, 8081 + 10 * i, 8085 + 10 * i, 4053 + i, 9110 + i }).Select(p => p + offset)];
            if (ports.All(IsFree)) return offset;
        }
        throw new InvalidOperationException("no free port offset for cluster.sh");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
