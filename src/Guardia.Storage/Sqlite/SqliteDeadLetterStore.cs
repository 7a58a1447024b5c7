using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.DeadLetters;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>Dead letters in the <c>dead_letters</c> table; every write is committed (and fsynced) before it returns.</summary>
public sealed class SqliteDeadLetterStore : IDeadLetterStore, IDisposable
{
    readonly SqliteConnection _connection;
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Uses an open, migrated connection (see <see cref="SqliteDatabase.Open"/>) and owns it.</summary>
    public SqliteDeadLetterStore(SqliteConnection connection) => _connection = connection;

    /// <inheritdoc/>
    public async Task AddAsync(DeadLetter letter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(letter);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                INSERT OR REPLACE INTO dead_letters
                    (id, receiver, integration, integration_index, group_key, request, error, attempts, first_failure, last_failure)
                VALUES ($id, $receiver, $integration, $index, $groupKey, $request, $error, $attempts, $first, $last);
                """;
            cmd.Parameters.AddWithValue("$id", letter.Id);
            cmd.Parameters.AddWithValue("$receiver", letter.Receiver);
            cmd.Parameters.AddWithValue("$integration", letter.Integration);
            cmd.Parameters.AddWithValue("$index", letter.IntegrationIndex);
            cmd.Parameters.AddWithValue("$groupKey", letter.GroupKey);
            cmd.Parameters.AddWithValue("$request", EncodeRequest(letter));
            cmd.Parameters.AddWithValue("$error", letter.Error);
            cmd.Parameters.AddWithValue("$attempts", letter.Attempts);
            cmd.Parameters.AddWithValue("$first", letter.FirstFailure.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$last", letter.LastFailure.ToUnixTimeMilliseconds());
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken ct) =>
        await QueryAsync("SELECT * FROM dead_letters ORDER BY first_failure, id;", null, ct).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<DeadLetter?> GetAsync(string id, CancellationToken ct) =>
        (await QueryAsync("SELECT * FROM dead_letters WHERE id = $id;", id, ct).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<bool> RecordFailureAsync(string id, string error, DateTimeOffset at, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "UPDATE dead_letters SET error = $error, attempts = attempts + 1, last_failure = $at WHERE id = $id;";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$error", error);
            cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "DELETE FROM dead_letters WHERE id = $id;";
            cmd.Parameters.AddWithValue("$id", id);
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<List<DeadLetter>> QueryAsync(string sql, string? id, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            if (id is not null)
            {
                cmd.Parameters.AddWithValue("$id", id);
            }
            var list = new List<DeadLetter>();
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var letter = new DeadLetter
                {
                    Id = reader.GetString(reader.GetOrdinal("id")),
                    Receiver = reader.GetString(reader.GetOrdinal("receiver")),
                    Integration = reader.GetString(reader.GetOrdinal("integration")),
                    IntegrationIndex = reader.GetInt32(reader.GetOrdinal("integration_index")),
                    GroupKey = reader.GetString(reader.GetOrdinal("group_key")),
                    Error = reader.GetString(reader.GetOrdinal("error")),
                    Attempts = reader.GetInt32(reader.GetOrdinal("attempts")),
                    FirstFailure = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(reader.GetOrdinal("first_failure"))),
                    LastFailure = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(reader.GetOrdinal("last_failure"))),
                };
                list.Add(DecodeRequest(letter, reader.GetString(reader.GetOrdinal("request"))));
            }
            return list;
        }
        finally
        {
            _gate.Release();
        }
    }

    static string EncodeRequest(DeadLetter letter)
    {
        var alerts = new JsonArray();
        foreach (var a in letter.Alerts)
        {
            alerts.Add(new JsonObject
            {
                ["labels"] = Labels(a.Labels),
                ["annotations"] = Labels(a.Annotations),
                ["startsAt"] = a.StartsAt.ToString("O", CultureInfo.InvariantCulture),
                ["endsAt"] = a.EndsAt.ToString("O", CultureInfo.InvariantCulture),
                ["updatedAt"] = a.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["generatorURL"] = a.GeneratorUrl,
                ["timeout"] = a.Timeout,
            });
        }
        return new JsonObject
        {
            ["groupLabels"] = Labels(letter.GroupLabels),
            ["alerts"] = alerts,
            ["externalURL"] = letter.ExternalUrl,
            ["flushedAt"] = letter.FlushedAt.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString();
    }

    static DeadLetter DecodeRequest(DeadLetter letter, string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        var alerts = new List<Alert>();
        foreach (var n in o["alerts"]!.AsArray())
        {
            var a = n!.AsObject();
            alerts.Add(new Alert
            {
                Labels = ToLabels(a["labels"]),
                Annotations = ToLabels(a["annotations"]),
                StartsAt = Time(a["startsAt"]),
                EndsAt = Time(a["endsAt"]),
                UpdatedAt = Time(a["updatedAt"]),
                GeneratorUrl = a["generatorURL"]?.GetValue<string>(),
                Timeout = a["timeout"]?.GetValue<bool>() ?? false,
            });
        }
        return letter with
        {
            GroupLabels = ToLabels(o["groupLabels"]),
            Alerts = alerts,
            ExternalUrl = o["externalURL"]?.GetValue<string>() ?? string.Empty,
            FlushedAt = Time(o["flushedAt"]),
        };
    }

    static JsonObject Labels(LabelSet labels)
    {
        var o = new JsonObject();
        foreach (var (k, v) in labels)
        {
            o[k] = v;
        }
        return o;
    }

    static LabelSet ToLabels(JsonNode? node) =>
        node is JsonObject o
            ? LabelSet.From(o.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value!.GetValue<string>())))
            : LabelSet.Empty;

    static DateTimeOffset Time(JsonNode? node) =>
        node is null ? default : DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <inheritdoc/>
    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }
}
