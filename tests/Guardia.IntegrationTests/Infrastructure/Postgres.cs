using Npgsql;

namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>A throwaway PostgreSQL cluster: initdb in a temp directory, the server on a free loopback port, stopped
/// and deleted on dispose. PostgreSQL refuses to run as root, so as root it runs as the <c>postgres</c> system user
/// (through <c>runuser</c>) with the directory handed to that user.</summary>
public sealed class Postgres : IAsyncDisposable
{
    readonly string _dir;
    readonly string _data;
    readonly string _bin;
    readonly ExternalProcess _server;

    Postgres(string dir, string bin, int port, ExternalProcess server)
    {
        _dir = dir;
        _data = Path.Combine(dir, "data");
        _bin = bin;
        Port = port;
        _server = server;
    }

    public int Port { get; }

    /// <summary>The superuser's connection string (trust authentication on loopback).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>The directory holding initdb and postgres (Debian's highest installed version).</summary>
    public static string BinDirectory()
    {
        var root = "/usr/lib/postgresql";
        var versions = Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "bin", "initdb"))).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).ToList()
            : [];
        return versions.Count > 0
            ? Path.Combine(versions[0], "bin")
            : throw new FileNotFoundException("/usr/lib/postgresql/*/bin/initdb is missing: install the Debian package postgresql (./test.sh does).");
    }

    public static async Task<Postgres> StartAsync()
    {
        var bin = BinDirectory();
        var dir = Directory.CreateTempSubdirectory("guardia-pg-").FullName;
        var data = Path.Combine(dir, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await Run("chown", ["-R", "postgres:postgres", dir]);
        }
        await Run(bin + "/initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], asRoot);
        var port = LoopbackPorts.Next();
        string[] serverArgs = [bin + "/postgres", "-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", dir,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
        var server = asRoot
            ? ExternalProcess.Start("runuser", ["-u", "postgres", "--", .. serverArgs])
            : ExternalProcess.Start(serverArgs[0], serverArgs[1..]);
        var pg = new Postgres(dir, bin, port, server);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await using var c = new NpgsqlConnection(pg.ConnectionString);
                await c.OpenAsync();
                return pg;
            }
            catch (NpgsqlException) when (DateTimeOffset.UtcNow < deadline && !server.HasExited)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException ex)
            {
                var output = server.Output;
                await pg.DisposeAsync();
                throw new InvalidOperationException("PostgreSQL did not start:\n" + output, ex);
            }
        }
    }

    /// <summary>Runs SQL as the superuser.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query as the superuser.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return await cmd.ExecuteScalarAsync();
    }

    static async Task Run(string file, string[] args, bool asPostgres = false)
    {
        var (exit, stdout, stderr) = asPostgres
            ? await ExternalProcess.RunAsync("runuser", ["-u", "postgres", "--", file, .. args])
            : await ExternalProcess.RunAsync(file, args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {exit}:\n{stdout}\n{stderr}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_server.HasExited)
            {
                var asRoot = Environment.UserName == "root";
                await (asRoot
                    ? ExternalProcess.RunAsync("runuser", ["-u", "postgres", "--", _bin + "/pg_ctl", "-D", _data, "stop", "-m", "immediate"], TimeSpan.FromSeconds(30))
                    : ExternalProcess.RunAsync(_bin + "/pg_ctl", ["-D", _data, "stop", "-m", "immediate"], TimeSpan.FromSeconds(30)));
            }
        }
        finally
        {
            await _server.DisposeAsync();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
