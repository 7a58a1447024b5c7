using System.Buffers;
using System.Text;
using System.Text.Json;
using Guardia.Core.Runbooks;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>Runbook runs on SQLite: one row per run, replaced on every change in a transaction that is fsynced before
/// the call completes. Finished runs beyond the retention limit are deleted, oldest first.</summary>
/// <remarks>Secret parameter values never reach this store: the runner hands it parameters already redacted.</remarks>
public sealed class SqliteRunbookRunStore : IRunbookRunStore, IDisposable
{
    /// <summary>How many finished runs are kept when no limit is given.</summary>
    public const int DefaultKeepFinished = 1000;

    /// <summary>At most this many characters of a step's output are stored (executors already limit it; this is the backstop).</summary>
    public const int MaxStoredOutput = 64 * 1024;

    const string Columns = """
        id, runbook_id, runbook_digest, actor, incident_id, status, finished, validated, started_at, finished_at, error,
        sections, auto_only, parameters, secret_parameters, validation_deadline, validation_attempt, validation_next_at, steps
        """;

    readonly SqliteConnection _connection;
    readonly int _keepFinished;
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Uses an open, migrated connection (see <see cref="SqliteDatabase.Open"/>), which the store then owns,
    /// and keeps the newest <paramref name="keepFinished"/> finished runs.</summary>
    public SqliteRunbookRunStore(SqliteConnection connection, int keepFinished = DefaultKeepFinished)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepFinished);
        _connection = connection;
        _keepFinished = keepFinished;
    }

    /// <inheritdoc/>
    public async Task SaveAsync(StoredRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var r = run.Run;
        var finished = r.Status != RunStatus.Running;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var tx = _connection.BeginTransaction();
            using (var cmd = _connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = $"""
                    INSERT OR REPLACE INTO runbook_runs ({Columns})
                    VALUES ($id, $runbook, $digest, $actor, $incident, $status, $finished, $validated, $started, $finished_at, $error,
                        $sections, $auto_only, $parameters, $secrets, $deadline, $attempt, $next, $steps);
                    """;
                cmd.Parameters.AddWithValue("$id", r.RunId);
                cmd.Parameters.AddWithValue("$runbook", r.RunbookId);
                cmd.Parameters.AddWithValue("$digest", run.RunbookDigest);
                cmd.Parameters.AddWithValue("$actor", r.Actor);
                cmd.Parameters.AddWithValue("$incident", (object?)r.IncidentId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$status", r.Status.ToString());
                cmd.Parameters.AddWithValue("$finished", finished ? 1 : 0);
                cmd.Parameters.AddWithValue("$validated", r.Validated ? 1 : 0);
                cmd.Parameters.AddWithValue("$started", r.StartedAt.UtcTicks);
                cmd.Parameters.AddWithValue("$finished_at", (object?)r.FinishedAt?.UtcTicks ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$error", (object?)r.Error ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$sections", run.Sections is null ? DBNull.Value : Encode(w => WriteStrings(w, run.Sections.Order().Select(s => s.ToString()))));
                cmd.Parameters.AddWithValue("$auto_only", run.AutoOnly ? 1 : 0);
                cmd.Parameters.AddWithValue("$parameters", Encode(w => WriteMap(w, run.Parameters)));
                cmd.Parameters.AddWithValue("$secrets", Encode(w => WriteStrings(w, run.SecretParameters)));
                cmd.Parameters.AddWithValue("$deadline", (object?)run.Validation?.Deadline.UtcTicks ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$attempt", (object?)run.Validation?.Attempt ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$next", (object?)run.Validation?.NextAttemptAt?.UtcTicks ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$steps", Encode(w => WriteSteps(w, r.Steps)));
                cmd.ExecuteNonQuery();
            }
            if (finished)
            {
                using var prune = _connection.CreateCommand();
                prune.Transaction = tx;
                prune.CommandText = """
                    DELETE FROM runbook_runs WHERE finished = 1 AND id NOT IN (
                        SELECT id FROM runbook_runs WHERE finished = 1 ORDER BY finished_at DESC, started_at DESC, id DESC LIMIT $keep);
                    """;
                prune.Parameters.AddWithValue("$keep", _keepFinished);
                prune.ExecuteNonQuery();
            }
            tx.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredRun>> LoadUnfinishedAsync(CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM runbook_runs WHERE finished = 0 ORDER BY started_at, id;", null, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredRun>> ListFinishedAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return QueryAsync($"SELECT {Columns} FROM runbook_runs WHERE finished = 1 ORDER BY started_at DESC, id DESC LIMIT $limit;",
            cmd => cmd.Parameters.AddWithValue("$limit", limit), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<StoredRun?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var found = await QueryAsync($"SELECT {Columns} FROM runbook_runs WHERE id = $id;", cmd => cmd.Parameters.AddWithValue("$id", runId), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    async Task<IReadOnlyList<StoredRun>> QueryAsync(string sql, Action<SqliteCommand>? bind, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var result = new List<StoredRun>();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            bind?.Invoke(cmd);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                var id = reader.GetString(0);
                try
                {
                    result.Add(Read(reader));
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
                {
                    throw new InvalidDataException($"runbook run {id}: unreadable stored state: {ex.Message}", ex);
                }
            }
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    static StoredRun Read(SqliteDataReader r)
    {
        DateTimeOffset? Ticks(int i) => r.IsDBNull(i) ? null : FromTicks(r.GetInt64(i));
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var run = new RunSnapshot(
            r.GetString(0),
            r.GetString(1),
            r.GetString(3),
            Text(4),
            false,
            Enum.Parse<RunStatus>(r.GetString(5)),
            r.GetInt64(7) != 0,
            FromTicks(r.GetInt64(8)),
            Ticks(9),
            ReadSteps(r.GetString(18)),
            Text(10));
        IReadOnlySet<RunbookSection>? sections = null;
        if (Text(11) is { } s)
        {
            sections = ReadStrings(s).Select(Enum.Parse<RunbookSection>).ToHashSet();
        }
        var parameters = ReadMap(r.GetString(13));
        ValidationProgress? validation = null;
        if (Ticks(15) is { } deadline)
        {
            validation = new ValidationProgress(deadline, r.IsDBNull(16) ? 0 : r.GetInt32(16), Ticks(17));
        }
        return new StoredRun(run with { Parameters = parameters }, r.GetString(2), sections, r.GetInt64(12) != 0, parameters, ReadStrings(r.GetString(14)), validation);
    }

    static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    static string Encode(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    static void WriteStrings(Utf8JsonWriter w, IEnumerable<string> values)
    {
        w.WriteStartArray();
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    static void WriteMap(Utf8JsonWriter w, IReadOnlyDictionary<string, string> values)
    {
        w.WriteStartObject();
        foreach (var (k, v) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(k, v);
        }
        w.WriteEndObject();
    }

    static void WriteSteps(Utf8JsonWriter w, IReadOnlyList<StepSnapshot> steps)
    {
        w.WriteStartArray();
        foreach (var s in steps)
        {
            w.WriteStartObject();
            w.WriteString("id"u8, s.StepId);
            w.WriteString("kind"u8, s.Kind);
            w.WriteString("section"u8, s.Section.ToString());
            w.WriteString("status"u8, s.Status.ToString());
            w.WriteNumber("attempts"u8, s.Attempts);
            if (s.Description is not null)
            {
                w.WriteString("description"u8, s.Description);
            }
            w.WritePropertyName("approvers"u8);
            WriteStrings(w, s.Approvers);
            if (s.ConfirmedBy is not null)
            {
                w.WriteString("confirmed_by"u8, s.ConfirmedBy);
            }
            if (s.Result is { } result)
            {
                var truncated = result.Output.Length > MaxStoredOutput;
                w.WriteStartObject("result"u8);
                w.WriteString("outcome"u8, result.Outcome.ToString());
                if (result.ExitCode is { } exit)
                {
                    w.WriteNumber("exit_code"u8, exit);
                }
                w.WriteString("output"u8, truncated ? result.Output[..MaxStoredOutput] : result.Output);
                w.WriteBoolean("output_truncated"u8, result.OutputTruncated || truncated);
                w.WriteString("output_sha256"u8, result.OutputSha256);
                w.WriteNumber("duration_ticks"u8, result.Duration.Ticks);
                if (result.Error is not null)
                {
                    w.WriteString("error"u8, result.Error);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    static List<string> ReadStrings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? throw new InvalidOperationException("null in a list of names"))];
    }

    static Dictionary<string, string> ReadMap(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            map[p.Name] = p.Value.GetString() ?? throw new InvalidOperationException($"parameter {p.Name} is null");
        }
        return map;
    }

    static List<StepSnapshot> ReadSteps(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var steps = new List<StepSnapshot>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            StepResult? result = null;
            if (e.TryGetProperty("result"u8, out var r))
            {
                result = new StepResult(
                    Enum.Parse<StepOutcome>(r.GetProperty("outcome"u8).GetString()!),
                    r.TryGetProperty("exit_code"u8, out var exit) ? exit.GetInt32() : null,
                    r.GetProperty("output"u8).GetString()!,
                    r.GetProperty("output_truncated"u8).GetBoolean(),
                    r.GetProperty("output_sha256"u8).GetString()!,
                    TimeSpan.FromTicks(r.GetProperty("duration_ticks"u8).GetInt64()),
                    r.TryGetProperty("error"u8, out var error) ? error.GetString() : null);
            }
            steps.Add(new StepSnapshot(
                e.GetProperty("id"u8).GetString()!,
                e.GetProperty("kind"u8).GetString()!,
                Enum.Parse<RunbookSection>(e.GetProperty("section"u8).GetString()!),
                Enum.Parse<StepStatus>(e.GetProperty("status"u8).GetString()!),
                e.GetProperty("attempts"u8).GetInt32(),
                result,
                e.TryGetProperty("description"u8, out var d) ? d.GetString() : null,
                [.. e.GetProperty("approvers"u8).EnumerateArray().Select(a => a.GetString()!)],
                e.TryGetProperty("confirmed_by"u8, out var c) ? c.GetString() : null));
        }
        return steps;
    }
}
