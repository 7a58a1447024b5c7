using System.Buffers;
using System.Text;
using System.Text.Json;
using Guardia.Core.Matching;
using Guardia.Core.Silences;
using Microsoft.Data.Sqlite;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Storage.Sqlite;

/// <summary>Silences on SQLite: one row per silence, written in a transaction that is fsynced before the call completes.</summary>
/// <remarks>Silences change rarely, so there is no group commit: writes are serialised on the connection.</remarks>
public sealed class SqliteSilenceStore : ISilenceStore, IDisposable
{
    readonly SqliteConnection _connection;
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Uses an open, migrated connection (see <see cref="SqliteDatabase.Open"/>), which the store then owns.</summary>
    public SqliteSilenceStore(SqliteConnection connection) => _connection = connection;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Silence>> LoadAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var result = new List<Silence>();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT id, matchers, starts_at, ends_at, updated_at, created_by, comment FROM silences;";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                var id = reader.GetString(0);
                Matchers matchers;
                try
                {
                    matchers = DecodeMatchers(reader.GetString(1));
                }
                catch (Exception ex) when (ex is JsonException or MatcherException or InvalidOperationException or KeyNotFoundException)
                {
                    throw new InvalidDataException($"silence {id}: unreadable matchers: {ex.Message}", ex);
                }
                result.Add(Silence.Restore(id, matchers, FromTicks(reader.GetInt64(2)), FromTicks(reader.GetInt64(3)),
                    FromTicks(reader.GetInt64(4)), reader.GetString(5), reader.GetString(6)));
            }
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task SaveAsync(IReadOnlyList<Silence> silences, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(silences);
        await _gate.WaitAsync(ct);
        try
        {
            using var tx = _connection.BeginTransaction();
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO silences (id, matchers, starts_at, ends_at, updated_at, created_by, comment)
                VALUES ($id, $matchers, $starts, $ends, $updated, $by, $comment)
                ON CONFLICT (id) DO UPDATE SET matchers = excluded.matchers, starts_at = excluded.starts_at,
                    ends_at = excluded.ends_at, updated_at = excluded.updated_at, created_by = excluded.created_by,
                    comment = excluded.comment;
                """;
            var id = cmd.Parameters.Add("$id", SqliteType.Text);
            var matchers = cmd.Parameters.Add("$matchers", SqliteType.Text);
            var starts = cmd.Parameters.Add("$starts", SqliteType.Integer);
            var ends = cmd.Parameters.Add("$ends", SqliteType.Integer);
            var updated = cmd.Parameters.Add("$updated", SqliteType.Integer);
            var by = cmd.Parameters.Add("$by", SqliteType.Text);
            var comment = cmd.Parameters.Add("$comment", SqliteType.Text);
            foreach (var s in silences)
            {
                id.Value = s.Id;
                matchers.Value = EncodeMatchers(s.Matchers);
                starts.Value = s.StartsAt.UtcTicks;
                ends.Value = s.EndsAt.UtcTicks;
                updated.Value = s.UpdatedAt.UtcTicks;
                by.Value = s.CreatedBy;
                comment.Value = s.Comment;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await _gate.WaitAsync(ct);
        try
        {
            using var tx = _connection.BeginTransaction();
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM silences WHERE id = $id;";
            var id = cmd.Parameters.Add("$id", SqliteType.Text);
            foreach (var i in ids)
            {
                id.Value = i;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    static string EncodeMatchers(Matchers matchers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var m in matchers)
            {
                w.WriteStartObject();
                w.WriteString("name"u8, m.Name);
                w.WriteString("value"u8, m.Value);
                w.WriteString("type"u8, m.Type.ToOperator());
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    static Matchers DecodeMatchers(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<Matcher>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var type = e.GetProperty("type").GetString() switch
            {
                "=" => MatchType.Equal,
                "!=" => MatchType.NotEqual,
                "=~" => MatchType.Regexp,
                "!~" => MatchType.NotRegexp,
                var other => throw new InvalidOperationException($"unknown matcher type {other}"),
            };
            list.Add(new Matcher(type, e.GetProperty("name").GetString()!, e.GetProperty("value").GetString()!));
        }
        return Matchers.Of(list);
    }
}
