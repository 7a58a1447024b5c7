using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Guardia.Core.Runbooks;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Runs <c>sql</c> steps against a named connection (<c>connection</c> attribute). The body is SQL; parameters
/// are referenced as <c>@name</c> (SQLite also takes <c>:name</c>) and sent as SQL parameters, never spliced (PostgreSQL infers their type: write
/// <c>@id::int</c> to force one). A step is read-only unless it says <c>write=true</c>, which only a connection with
/// <c>read_only: false</c> accepts: SQLite opens with <c>Mode=ReadOnly</c> and <c>PRAGMA query_only</c>, PostgreSQL runs in
/// a <c>READ ONLY</c> transaction with <c>default_transaction_read_only</c> on, and a write attempted anyway is reported
/// as <see cref="StepOutcome.Rejected"/>. Results are printed as text tables, at most <see cref="MaxRows"/> rows per
/// result. The read-only guard protects against mistakes, not against a body written to undo it: give the
/// connection a database role without write grants where that matters.</summary>
public sealed partial class SqlStepExecutor : IStepExecutor
{
    /// <summary>The most rows read from one result set; the rest are counted as not read.</summary>
    public const int MaxRows = 10_000;

    readonly RunbookActionOptions _options;
    readonly TimeProvider _time;

    /// <summary>Creates the executor.</summary>
    public SqlStepExecutor(RunbookActionOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Kinds { get; } = ["sql"];

    /// <inheritdoc/>
    public string DescribeDryRun(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var (connection, write) = Resolve(request);
            var sb = new StringBuilder();
            sb.Append("-- ").Append(connection.Provider == SqlProvider.Sqlite ? "sqlite" : "postgresql").Append(" connection ")
                .Append(connection.Name).Append(write ? ", read-write" : ", read-only").Append('\n');
            foreach (var name in Referenced(request))
            {
                var value = request.SecretParameters.Contains(name) ? "<secret>" : request.Parameters[name];
                sb.Append("-- @").Append(name).Append(" = ").Append(value.ReplaceLineEndings("\\n")).Append('\n');
            }
            return sb.Append(request.Body.Trim()).ToString();
        }
        catch (StepRejectedException ex)
        {
            return "refused: " + ex.Message;
        }
    }

    /// <inheritdoc/>
    public Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken) =>
        StepRun.RunAsync(request, _options, _time, async (output, ct) =>
        {
            var (connection, write) = Resolve(request);
            var names = References(request);
            try
            {
                return connection.Provider == SqlProvider.Sqlite
                    ? await RunSqliteAsync(request, connection, write, names, output, ct)
                    : await RunPostgresAsync(request, connection, write, names, output, ct);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 8)
            {
                throw ReadOnlyRefusal(connection, ex.Message);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
            {
                throw ReadOnlyRefusal(connection, ex.MessageText);
            }
            catch (DbException ex) when (!ct.IsCancellationRequested)
            {
                return StepEnd.Failure($"{connection.Name}: {ex.Message}");
            }
            catch (InvalidOperationException ex) when (!ct.IsCancellationRequested)
            {
                // Microsoft.Data.Sqlite reports a parameter the body names but the step does not have this way.
                return StepEnd.Failure($"{connection.Name}: {ex.Message}");
            }
        }, cancellationToken);

    static StepRejectedException ReadOnlyRefusal(SqlConnectionOptions connection, string detail) =>
        new($"write refused: the step runs read-only on connection \"{connection.Name}\" ({detail}); "
            + (connection.ReadOnly ? "this connection is configured read_only, so no step may write through it" : "add write=true to the step to allow writes"));

    (SqlConnectionOptions Connection, bool Write) Resolve(StepRequest request)
    {
        if (!request.Attributes.TryGetValue("connection", out var name))
        {
            throw new StepRejectedException("a sql step needs a connection attribute naming one of: " + string.Join(", ", _options.SqlConnections.Keys));
        }
        if (!_options.SqlConnections.TryGetValue(name, out var connection))
        {
            throw new StepRejectedException($"no SQL connection named \"{name}\" is configured (known: {string.Join(", ", _options.SqlConnections.Keys)})");
        }
        var write = request.Attributes.TryGetValue("write", out var w) && w switch
        {
            "true" => true,
            "false" => false,
            _ => throw new StepRejectedException($"write must be true or false, not \"{w}\""),
        };
        if (write && connection.ReadOnly)
        {
            throw new StepRejectedException($"the step asks to write, but connection \"{name}\" is configured read_only");
        }
        if (request.Body.Trim().Length == 0)
        {
            throw new StepRejectedException("the sql step has no statement");
        }
        return (connection, write);
    }

    /// <summary>The parameters the body references, each with the exact token it uses (<c>@name</c> or <c>:name</c>).</summary>
    static List<(string Token, string Name)> References(StepRequest request)
    {
        var refs = new List<(string, string)>();
        foreach (Match m in ParameterReference().Matches(request.Body))
        {
            var name = m.Groups[1].Value;
            if (request.Parameters.ContainsKey(name) && !refs.Contains((m.Value, name)))
            {
                refs.Add((m.Value, name));
            }
        }
        return refs;
    }

    static List<string> Referenced(StepRequest request) => [.. References(request).Select(r => r.Name).Distinct(StringComparer.Ordinal)];

    async Task<StepEnd> RunSqliteAsync(StepRequest request, SqlConnectionOptions options, bool write, List<(string Token, string Name)> names, OutputCapture output, CancellationToken ct)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            Mode = write ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadOnly,
            Pooling = false,
        };
        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        if (!write)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA query_only = 1";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = request.Body;
        command.CommandTimeout = (int)Math.Ceiling(StepRun.EffectiveTimeout(request, _options).TotalSeconds);
        foreach (var (token, name) in names)
        {
            command.Parameters.AddWithValue(token, request.Parameters[name]);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        await WriteResultsAsync(reader, output, ct);
        return StepEnd.Success();
    }

    async Task<StepEnd> RunPostgresAsync(StepRequest request, SqlConnectionOptions options, bool write, List<(string Token, string Name)> names, OutputCapture output, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            Pooling = false,
            CommandTimeout = (int)Math.Ceiling(StepRun.EffectiveTimeout(request, _options).TotalSeconds),
        };
        if (!write)
        {
            builder.Options = (builder.Options is { Length: > 0 } o ? o + " " : string.Empty) + "-c default_transaction_read_only=on";
        }
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!write)
        {
            await using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
            await readOnly.ExecuteNonQueryAsync(ct);
        }
        await using (var command = new NpgsqlCommand(request.Body, connection, transaction))
        {
            foreach (var name in names.Where(n => n.Token[0] == '@').Select(n => n.Name).Distinct(StringComparer.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Unknown) { Value = request.Parameters[name] });
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            await WriteResultsAsync(reader, output, ct);
        }
        if (write)
        {
            await transaction.CommitAsync(ct);
        }
        else
        {
            await transaction.RollbackAsync(ct);
        }
        return StepEnd.Success();
    }

    static async Task WriteResultsAsync(DbDataReader reader, OutputCapture output, CancellationToken ct)
    {
        do
        {
            if (reader.FieldCount == 0)
            {
                if (reader.RecordsAffected >= 0)
                {
                    output.Append($"({reader.RecordsAffected} rows affected)\n");
                }
                continue;
            }
            var header = new string[reader.FieldCount];
            for (var i = 0; i < header.Length; i++)
            {
                header[i] = reader.GetName(i);
            }
            var rows = new List<string[]>();
            var skipped = 0;
            while (await reader.ReadAsync(ct))
            {
                if (rows.Count >= MaxRows)
                {
                    skipped++;
                    continue;
                }
                var row = new string[header.Length];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = Cell(reader.IsDBNull(i) ? null : reader.GetValue(i));
                }
                rows.Add(row);
            }
            output.Append(Table(header, rows));
            output.Append(rows.Count == 1 ? "(1 row)\n" : $"({rows.Count} rows)\n");
            if (skipped > 0)
            {
                output.Append($"({skipped} more rows not shown)\n");
            }
        }
        while (await reader.NextResultAsync(ct));
    }

    /// <summary>A psql-like text table: columns padded to their widest cell, separated by <c> | </c>.</summary>
    internal static string Table(string[] header, List<string[]> rows)
    {
        var widths = header.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }
        var sb = new StringBuilder();
        void Line(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(" | ");
                }
                sb.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]));
            }
            sb.Append('\n');
        }
        Line(header);
        sb.Append(string.Join("-+-", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in rows)
        {
            Line(row);
        }
        return sb.ToString();
    }

    static string Cell(object? value) => value switch
    {
        null => "NULL",
        byte[] bytes => "\\x" + Convert.ToHexStringLower(bytes),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => (value.ToString() ?? string.Empty).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal),
    };

    [GeneratedRegex(@"(?<![\w@:])[@:]([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ParameterReference();
}
