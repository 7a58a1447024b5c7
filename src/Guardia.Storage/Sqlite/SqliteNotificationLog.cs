using System.Buffers.Binary;
using Guardia.Core.NotificationLog;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>The notification log on SQLite: entries are served from memory and written with group commit, so a
/// notification counts as done only once its entry is fsynced, and concurrent flushes share one fsync.</summary>
public sealed class SqliteNotificationLog : INotificationLog, IAsyncDisposable
{
    readonly SqliteConnection _connection;
    readonly Dictionary<(string, NotificationReceiver), NotificationEntry> _entries = [];
    readonly Lock _lock = new();
    readonly SemaphoreSlim _signal = new(0);
    readonly Task _writer;
    List<NotificationEntry> _pending = [];
    TaskCompletionSource _batch = NewBatch();
    DateTimeOffset? _collectBefore;
    bool _signalled;
    bool _stopped;

    /// <summary>Loads the unexpired entries from an open, migrated connection, which the log then owns.</summary>
    public SqliteNotificationLog(SqliteConnection connection, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT group_key, receiver, integration, idx, firing, resolved, timestamp, expires_at FROM notification_log WHERE expires_at > $now;";
            cmd.Parameters.AddWithValue("$now", now.UtcTicks);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var entry = new NotificationEntry(
                    reader.GetString(0),
                    new NotificationReceiver(reader.GetString(1), reader.GetString(2), reader.GetInt32(3)),
                    Decode((byte[])reader.GetValue(4)),
                    Decode((byte[])reader.GetValue(5)),
                    new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero),
                    new DateTimeOffset(reader.GetInt64(7), TimeSpan.Zero));
                _entries[(entry.GroupKey, entry.Receiver)] = entry;
            }
        }
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Called after each commit with the number of entries written and the commit duration.</summary>
    public Action<int, TimeSpan>? Committed { get; set; }

    /// <summary>The number of entries held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    static TaskCompletionSource NewBatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc/>
    public NotificationEntry? Query(string groupKey, NotificationReceiver receiver)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault((groupKey, receiver));
        }
    }

    /// <inheritdoc/>
    public Task LogAsync(NotificationEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _entries[(entry.GroupKey, entry.Receiver)] = entry;
            _pending.Add(entry);
            return SignalLocked();
        }
    }

    /// <inheritdoc/>
    public int Collect(DateTimeOffset now)
    {
        lock (_lock)
        {
            var dead = new List<(string, NotificationReceiver)>();
            foreach (var (key, entry) in _entries)
            {
                if (entry.ExpiresAt <= now)
                {
                    dead.Add(key);
                }
            }
            foreach (var key in dead)
            {
                _entries.Remove(key);
            }
            if (!_stopped)
            {
                _collectBefore = now;
                _ = SignalLocked();
            }
            return dead.Count;
        }
    }

    Task SignalLocked()
    {
        var task = _batch.Task;
        if (!_signalled)
        {
            _signalled = true;
            _signal.Release();
        }
        return task;
    }

    async Task WriteLoopAsync()
    {
        while (true)
        {
            await _signal.WaitAsync();
            List<NotificationEntry> batch;
            TaskCompletionSource done;
            DateTimeOffset? collect;
            bool stopped;
            lock (_lock)
            {
                batch = _pending;
                _pending = [];
                done = _batch;
                _batch = NewBatch();
                collect = _collectBefore;
                _collectBefore = null;
                _signalled = false;
                stopped = _stopped;
            }
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                Write(batch, collect);
                Committed?.Invoke(batch.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                done.TrySetResult();
            }
            catch (SqliteException ex)
            {
                done.TrySetException(ex);
            }
            if (stopped)
            {
                return;
            }
        }
    }

    void Write(List<NotificationEntry> batch, DateTimeOffset? collectBefore)
    {
        if (batch.Count == 0 && collectBefore is null)
        {
            return;
        }
        using var tx = _connection.BeginTransaction();
        if (batch.Count > 0)
        {
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText =
                "INSERT OR REPLACE INTO notification_log (group_key, receiver, integration, idx, firing, resolved, timestamp, expires_at) " +
                "VALUES ($g, $r, $i, $x, $f, $s, $t, $e);";
            var g = cmd.Parameters.Add("$g", SqliteType.Text);
            var r = cmd.Parameters.Add("$r", SqliteType.Text);
            var i = cmd.Parameters.Add("$i", SqliteType.Text);
            var x = cmd.Parameters.Add("$x", SqliteType.Integer);
            var f = cmd.Parameters.Add("$f", SqliteType.Blob);
            var s = cmd.Parameters.Add("$s", SqliteType.Blob);
            var t = cmd.Parameters.Add("$t", SqliteType.Integer);
            var e = cmd.Parameters.Add("$e", SqliteType.Integer);
            cmd.Prepare();
            foreach (var entry in batch)
            {
                g.Value = entry.GroupKey;
                r.Value = entry.Receiver.GroupName;
                i.Value = entry.Receiver.Integration;
                x.Value = entry.Receiver.Index;
                f.Value = Encode(entry.FiringAlerts);
                s.Value = Encode(entry.ResolvedAlerts);
                t.Value = entry.Timestamp.UtcTicks;
                e.Value = entry.ExpiresAt.UtcTicks;
                cmd.ExecuteNonQuery();
            }
        }
        if (collectBefore is { } cutoff)
        {
            using var del = _connection.CreateCommand();
            del.Transaction = tx;
            del.CommandText = "DELETE FROM notification_log WHERE expires_at <= $now;";
            del.Parameters.AddWithValue("$now", cutoff.UtcTicks);
            del.ExecuteNonQuery();
        }
        tx.Commit();
    }

    static byte[] Encode(IReadOnlyList<ulong> hashes)
    {
        var bytes = new byte[hashes.Count * 8];
        for (var k = 0; k < hashes.Count; k++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(k * 8), hashes[k]);
        }
        return bytes;
    }

    static ulong[] Decode(byte[] bytes)
    {
        var hashes = new ulong[bytes.Length / 8];
        for (var k = 0; k < hashes.Length; k++)
        {
            hashes[k] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(k * 8));
        }
        return hashes;
    }

    /// <summary>Writes what is pending, stops the writer and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            _ = SignalLocked();
        }
        await _writer;
        await _connection.DisposeAsync();
        _signal.Dispose();
    }
}
