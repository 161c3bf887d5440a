using System.Diagnostics;
using Npgsql;
using Xunit;

namespace Gateway.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server for the tests of the journal's PostgreSQL dialect: a fresh cluster (<c>initdb</c>) in a
/// temporary directory, listening on 127.0.0.1 on a free port, trust authentication, fsync off; stopped and deleted on
/// dispose. Needs the Debian server package (<c>/usr/lib/postgresql/N/bin</c>), which <c>.ci/run</c> installs when
/// missing. The server refuses to run as root, so under root it runs as the package's <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory;
    private readonly string _bin;
    private readonly int _port;
    private int _databases;

    public PostgresServer()
    {
        _bin = FindBinaries();
        _directory = Path.Combine(Path.GetTempPath(), "gateway-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        if (Environment.UserName == "root") Run("chown", "postgres", _directory);
        _port = FreePort.Next();
        Server("initdb", "-D", Data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync");
        Server("pg_ctl", "-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o",
            $"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off", "start");
    }

    private string Data => Path.Combine(_directory, "data");

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string NewDatabase()
    {
        var name = $"gateway_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }
        return ConnectionString(name);
    }

    private string ConnectionString(string database) => $"Host=127.0.0.1;Port={_port};Database={database};Username=postgres;Pooling=false";

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Server("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var major) ? major : 0).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/N/bin: install Debian's postgresql package (.ci/run does)");
    }

    // A server program, as the postgres user when the tests run as root.
    private void Server(string program, params string[] args)
    {
        var path = Path.Combine(_bin, program);
        if (Environment.UserName == "root") Run("runuser", ["-u", "postgres", "--", path, .. args]);
        else Run(path, args);
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {CommandTimeout}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}{output.Result}");
    }
}

/// <summary>The tests that share one <see cref="PostgresServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "postgres";
}
