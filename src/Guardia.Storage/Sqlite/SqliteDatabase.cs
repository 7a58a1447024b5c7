using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>Opens Guardia's SQLite file in WAL mode with full fsync on commit and applies the numbered migrations.</summary>
public static class SqliteDatabase
{
    /// <summary>The database file name under the storage path.</summary>
    public const string FileName = "guardia.db";

    /// <summary>Opens (creating when needed) the database under <paramref name="storagePath"/> and migrates it.</summary>
    public static SqliteConnection Open(string storagePath)
    {
        Directory.CreateDirectory(storagePath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(storagePath, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        // WAL: readers never block the writer. synchronous=FULL: a commit returns only after the WAL is
        // fsynced, which is what "answered 200 means on disk" needs.
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
        Migrate(connection);
        return connection;
    }

    static void Migrate(SqliteConnection connection)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        var assembly = typeof(SqliteDatabase).Assembly;
        const string Prefix = "Guardia.Storage.Sqlite.Migrations.";
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => (Name: n, Number: int.Parse(n.AsSpan(Prefix.Length, 3), provider: System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(m => m.Number);
        foreach (var (name, number) in migrations)
        {
            if (number <= version)
            {
                continue;
            }
            using var tx = connection.BeginTransaction();
            Execute(connection, ReadResource(assembly, name), tx);
            Execute(connection, $"PRAGMA user_version = {number};", tx);
            tx.Commit();
        }
    }

    static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing migration {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    static object? Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
