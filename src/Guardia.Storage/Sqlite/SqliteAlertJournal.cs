using System.Buffers;
using System.Diagnostics;
using Guardia.Core.Alerts;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>The alert journal on SQLite, with group commit: writes queued while a transaction is being
/// committed are gathered into the next one, so concurrent requests share one fsync.</summary>
public sealed class SqliteAlertJournal : IAlertJournal, IAsyncDisposable
{
    readonly SqliteConnection _connection;
    readonly Lock _lock = new();
    readonly SemaphoreSlim _signal = new(0);
    readonly Task _writer;
    readonly CancellationTokenSource _stop = new();
    readonly LabelStringPool _pool;
    List<Alert> _upserts = [];
    List<Fingerprint> _deletes = [];
    TaskCompletionSource _batch = NewBatch();
    bool _signalled;
    bool _stopped;

    /// <summary>Called after each commit with the number of rows written and the commit duration.</summary>
    public Action<int, TimeSpan>? Committed { get; set; }

    /// <summary>Opens the journal over an open, migrated connection and starts the writer.</summary>
    public SqliteAlertJournal(SqliteConnection connection, LabelStringPool? pool = null)
    {
        _connection = connection;
        _pool = pool ?? LabelStringPool.Shared;
        _writer = Task.Run(WriteLoopAsync);
    }

    static TaskCompletionSource NewBatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Alert>> LoadAsync(CancellationToken ct)
    {
        var result = new List<Alert>();
        lock (_connection)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT body, starts_at, ends_at, updated_at, timeout FROM alerts;";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                var body = (byte[])reader.GetValue(0);
                var (labels, annotations, url) = AlertCodec.ReadBody(body, _pool);
                result.Add(new Alert
                {
                    Labels = labels,
                    Annotations = annotations,
                    GeneratorUrl = url,
                    StartsAt = FromTicks(reader.GetInt64(1)),
                    EndsAt = FromTicks(reader.GetInt64(2)),
                    UpdatedAt = FromTicks(reader.GetInt64(3)),
                    Timeout = reader.GetInt64(4) != 0,
                });
            }
        }
        return Task.FromResult<IReadOnlyList<Alert>>(result);
    }

    static DateTimeOffset FromTicks(long ticks) => ticks == 0 ? default : new DateTimeOffset(ticks, TimeSpan.Zero);

    static long ToTicks(DateTimeOffset t) => t == default ? 0 : t.UtcTicks;

    /// <inheritdoc/>
    public Task Enqueue(IReadOnlyList<Alert> upserts, IReadOnlyList<Fingerprint> deletes)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _upserts.AddRange(upserts);
            _deletes.AddRange(deletes);
            if (!_signalled)
            {
                _signalled = true;
                _signal.Release();
            }
            return _batch.Task;
        }
    }

    async Task WriteLoopAsync()
    {
        var body = new ArrayBufferWriter<byte>(512);
        using var upsert = _connection.CreateCommand();
        upsert.CommandText = "INSERT OR REPLACE INTO alerts (fingerprint, body, starts_at, ends_at, updated_at, timeout) VALUES ($fp, $body, $s, $e, $u, $t);";
        var pFp = upsert.Parameters.Add("$fp", SqliteType.Integer);
        var pBody = upsert.Parameters.Add("$body", SqliteType.Blob);
        var pS = upsert.Parameters.Add("$s", SqliteType.Integer);
        var pE = upsert.Parameters.Add("$e", SqliteType.Integer);
        var pU = upsert.Parameters.Add("$u", SqliteType.Integer);
        var pT = upsert.Parameters.Add("$t", SqliteType.Integer);
        using var delete = _connection.CreateCommand();
        delete.CommandText = "DELETE FROM alerts WHERE fingerprint = $fp;";
        var pDel = delete.Parameters.Add("$fp", SqliteType.Integer);

        while (true)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Drain whatever was queued before the stop, then leave.
            }
            List<Alert> upserts;
            List<Fingerprint> deletes;
            TaskCompletionSource batch;
            lock (_lock)
            {
                (upserts, _upserts) = (_upserts, []);
                (deletes, _deletes) = (_deletes, []);
                (batch, _batch) = (_batch, NewBatch());
                _signalled = false;
            }
            if (upserts.Count + deletes.Count > 0)
            {
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    lock (_connection)
                    {
                        using var tx = _connection.BeginTransaction();
                        upsert.Transaction = tx;
                        delete.Transaction = tx;
                        foreach (var a in upserts)
                        {
                            body.ResetWrittenCount();
                            AlertCodec.WriteBody(a, body);
                            pFp.Value = unchecked((long)a.Fingerprint.Value);
                            pBody.Value = body.WrittenSpan.ToArray();
                            pS.Value = ToTicks(a.StartsAt);
                            pE.Value = ToTicks(a.EndsAt);
                            pU.Value = ToTicks(a.UpdatedAt);
                            pT.Value = a.Timeout ? 1L : 0L;
                            upsert.ExecuteNonQuery();
                        }
                        foreach (var fp in deletes)
                        {
                            pDel.Value = unchecked((long)fp.Value);
                            delete.ExecuteNonQuery();
                        }
                        tx.Commit();
                    }
                    Committed?.Invoke(upserts.Count + deletes.Count, Stopwatch.GetElapsedTime(started));
                    batch.TrySetResult();
                }
                catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
                {
                    batch.TrySetException(ex);
                }
            }
            else
            {
                batch.TrySetResult();
            }
            if (_stop.IsCancellationRequested)
            {
                lock (_lock)
                {
                    if (_upserts.Count + _deletes.Count == 0)
                    {
                        _stopped = true;
                        _batch.TrySetResult();
                        return;
                    }
                }
            }
        }
    }

    /// <summary>Commits what is queued, stops the writer and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _writer;
        _connection.Dispose();
        _stop.Dispose();
        _signal.Dispose();
    }
}
