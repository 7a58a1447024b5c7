using System.Runtime.CompilerServices;
using Guardia.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>The audit log in the <c>audit_events</c> and <c>audit_head</c> tables.</summary>
/// <remarks>An append reads the head, inserts the event and moves the head in one <c>BEGIN IMMEDIATE</c> transaction:
/// SQLite's write lock serializes appends across processes (the server and the CLI) as the semaphore does within
/// one, so two events never claim the same predecessor. The commit is fsynced before the append returns.</remarks>
public sealed class SqliteAuditLog : IAuditLog, IDisposable
{
    readonly SqliteConnection _connection;
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Uses an open, migrated connection (see <see cref="SqliteDatabase.Open"/>) and owns it.</summary>
    public SqliteAuditLog(SqliteConnection connection) => _connection = connection;

    /// <inheritdoc/>
    public async Task<AuditEvent> AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            var head = await ReadHeadAsync(tx, ct).ConfigureAwait(false);
            var e = AuditChain.Next(head, entry);
            using (var insert = _connection.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = """
                    INSERT INTO audit_events (sequence, at, actor, kind, target, details, previous_hash, hash)
                    VALUES ($sequence, $at, $actor, $kind, $target, $details, $previous, $hash);
                    INSERT INTO audit_head (id, sequence, hash) VALUES (1, $sequence, $hash)
                        ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash;
                    """;
                insert.Parameters.AddWithValue("$sequence", e.Sequence);
                insert.Parameters.AddWithValue("$at", e.At.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$actor", e.Actor);
                insert.Parameters.AddWithValue("$kind", e.Kind);
                insert.Parameters.AddWithValue("$target", e.Target);
                insert.Parameters.AddWithValue("$details", e.Details);
                insert.Parameters.AddWithValue("$previous", e.PreviousHash);
                insert.Parameters.AddWithValue("$hash", e.Hash);
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return e;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            var where = new List<string>();
            if (filter.Since is { } since)
            {
                where.Add("at >= $since");
                cmd.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
            }
            if (filter.Until is { } until)
            {
                where.Add("at < $until");
                cmd.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
            }
            if (filter.Actor is { } actor)
            {
                where.Add("actor = $actor");
                cmd.Parameters.AddWithValue("$actor", actor);
            }
            if (filter.Kind is { } kind)
            {
                // substr rather than LIKE: a kind may contain '_' or '%', which LIKE would treat as wildcards.
                where.Add("(kind = $kind OR substr(kind, 1, length($kind) + 1) = $kind || '.')");
                cmd.Parameters.AddWithValue("$kind", kind);
            }
            cmd.CommandText = "SELECT * FROM audit_events"
                + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)
                + (filter.NewestFirst ? " ORDER BY sequence DESC" : " ORDER BY sequence")
                + (filter.Limit is { } limit ? " LIMIT $limit" : string.Empty) + ";";
            if (filter.Limit is { } l)
            {
                cmd.Parameters.AddWithValue("$limit", l);
            }
            var list = new List<AuditEvent>();
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(Read(reader));
            }
            return list;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT * FROM audit_events ORDER BY sequence;";
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                yield return Read(reader);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<AuditHead?> GetHeadAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await ReadHeadAsync(null, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<AuditHead?> ReadHeadAsync(SqliteTransaction? tx, CancellationToken ct)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT sequence, hash FROM audit_head WHERE id = 1;";
        using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? new AuditHead(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    static AuditEvent Read(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(reader.GetOrdinal("sequence")),
        At = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(reader.GetOrdinal("at"))),
        Actor = reader.GetString(reader.GetOrdinal("actor")),
        Kind = reader.GetString(reader.GetOrdinal("kind")),
        Target = reader.GetString(reader.GetOrdinal("target")),
        Details = reader.GetString(reader.GetOrdinal("details")),
        PreviousHash = reader.GetString(reader.GetOrdinal("previous_hash")),
        Hash = reader.GetString(reader.GetOrdinal("hash")),
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }
}
