using System.Buffers;
using System.Diagnostics;
using Guardia.Core.Alerts;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>The alert journal on SQLite, with group commit: writes queued while a transaction is being
/// committed are gathered into the next one, so concurrent requests share one fsync.</summary>
/// <remarks>Each commit appends one segment row holding all the alert versions it writes, so the write is
/// sequential and SQLite's work per alert is tiny. Once the versions on disk outnumber twice the live
/// alerts, the writer replaces every segment with a snapshot of the live alerts: taken on the writer, the
/// snapshot contains every version already committed, and later versions land in later segments.</remarks>
public sealed class SqliteAlertJournal : IAlertJournal, IAsyncDisposable
{
    /// <summary>Live alerts per snapshot segment, which bounds the size of one blob.</summary>
    const int SnapshotSegmentSize = 20_000;

    readonly SqliteConnection _connection;
    readonly Lock _lock = new();
    readonly SemaphoreSlim _signal = new(0);
    readonly CancellationTokenSource _stop = new();
    readonly LabelStringPool _pool;
    readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    Func<IReadOnlyCollection<Alert>>? _liveAlerts;
    Task? _writer;
    SqliteCommand? _insert;
    byte[] _blob = new byte[256 * 1024];
    List<Alert> _pending = [];
    TaskCompletionSource _batch = NewBatch();
    long _nextSeq = 1;
    long _stored;
    bool _signalled;
    bool _stopped;

    /// <summary>Called after each commit with the number of alert versions written and the commit duration.</summary>
    public Action<int, TimeSpan>? Committed { get; set; }

    /// <summary>Called after each compaction with the number of live alerts written; -1 when it failed.</summary>
    public Action<int>? Compacted { get; set; }

    /// <summary>Compaction starts when stored versions exceed twice the live alerts plus this slack.</summary>
    public int CompactionSlack { get; init; } = 50_000;

    /// <summary>Opens the journal over an open, migrated connection.</summary>
    public SqliteAlertJournal(SqliteConnection connection, LabelStringPool? pool = null)
    {
        _connection = connection;
        _pool = pool ?? LabelStringPool.Shared;
    }

    static TaskCompletionSource NewBatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The number of alert versions stored on disk.</summary>
    public long StoredVersions => Interlocked.Read(ref _stored);

    /// <inheritdoc/>
    public void Attach(Func<IReadOnlyCollection<Alert>> liveAlerts) => _liveAlerts = liveAlerts;

    /// <inheritdoc/>
    public Task<IReadOnlyList<Alert>> LoadAsync(CancellationToken ct)
    {
        if (_writer is not null)
        {
            throw new InvalidOperationException("The journal is loaded once, before the first write.");
        }
        var blobs = new List<byte[]>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT seq, body FROM alert_segments ORDER BY seq;";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                _nextSeq = reader.GetInt64(0) + 1;
                blobs.Add((byte[])reader.GetValue(1));
            }
        }
        // Decoding is the bulk of a restart: spread it over the cores, then apply segments in order so
        // that the latest version of each alert wins.
        var segments = new List<Alert>[blobs.Count];
        try
        {
            Parallel.For(0, blobs.Count, new ParallelOptions { CancellationToken = ct }, i =>
            {
                segments[i] = AlertCodec.ReadSegment(blobs[i], _pool);
                blobs[i] = [];
            });
        }
        catch (AggregateException ex) when (ex.InnerException is InvalidDataException corrupt)
        {
            throw new InvalidDataException($"The alert journal in {_connection.DataSource} is corrupt: {corrupt.Message}", corrupt);
        }
        var total = 0;
        foreach (var segment in segments)
        {
            total += segment.Count;
        }
        _stored = total;
        var alerts = new Dictionary<ulong, Alert>(Math.Min(total, 1 << 20));
        foreach (var segment in segments)
        {
            foreach (var a in segment)
            {
                alerts[a.Fingerprint.Value] = a;
            }
        }
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.FromResult<IReadOnlyList<Alert>>([.. alerts.Values]);
    }

    /// <inheritdoc/>
    public Task Enqueue(IReadOnlyList<Alert> alerts)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_writer is null)
            {
                throw new InvalidOperationException("Load the journal before writing to it.");
            }
            foreach (var a in alerts)
            {
                _pending.Add(a);
            }
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
            List<Alert> pending;
            TaskCompletionSource batch;
            lock (_lock)
            {
                (pending, _pending) = (_pending, []);
                (batch, _batch) = (_batch, NewBatch());
                _signalled = false;
            }
            if (pending.Count > 0)
            {
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    using (var tx = _connection.BeginTransaction())
                    {
                        WriteSegment(pending, tx);
                        tx.Commit();
                    }
                    Interlocked.Add(ref _stored, pending.Count);
                    Committed?.Invoke(pending.Count, Stopwatch.GetElapsedTime(started));
                    batch.TrySetResult();
                }
                catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
                {
                    batch.TrySetException(ex);
                }
                MaybeCompact();
            }
            else
            {
                batch.TrySetResult();
            }
            if (_stop.IsCancellationRequested)
            {
                lock (_lock)
                {
                    if (_pending.Count == 0)
                    {
                        _stopped = true;
                        _batch.TrySetResult();
                        return;
                    }
                }
            }
        }
    }

    void WriteSegment(List<Alert> alerts, SqliteTransaction tx)
    {
        _buffer.ResetWrittenCount();
        AlertCodec.WriteCount(alerts.Count, _buffer);
        foreach (var a in alerts)
        {
            AlertCodec.WriteAlert(a, _buffer);
        }
        if (_insert is null)
        {
            _insert = _connection.CreateCommand();
            _insert.CommandText = "INSERT INTO alert_segments (seq, alerts, body) VALUES ($seq, $n, $body);";
            _insert.Parameters.Add("$seq", SqliteType.Integer);
            _insert.Parameters.Add("$n", SqliteType.Integer);
            _insert.Parameters.Add("$body", SqliteType.Blob);
        }
        // One reusable blob array, bound with Size: copying each segment into a fresh array would put a
        // large-object allocation (and soon a full GC) on every commit.
        var body = _buffer.WrittenSpan;
        if (_blob.Length < body.Length)
        {
            _blob = new byte[Math.Max(body.Length, _blob.Length * 2)];
        }
        body.CopyTo(_blob);
        _insert.Transaction = tx;
        _insert.Parameters[0].Value = _nextSeq;
        _insert.Parameters[1].Value = alerts.Count;
        _insert.Parameters[2].Value = _blob;
        _insert.Parameters[2].Size = body.Length;
        _insert.ExecuteNonQuery();
        _nextSeq++;
    }

    /// <summary>Replaces every segment with a snapshot of the live alerts once stale versions dominate.</summary>
    void MaybeCompact()
    {
        if (_liveAlerts is null)
        {
            return;
        }
        var stored = Interlocked.Read(ref _stored);
        if (stored <= CompactionSlack)
        {
            return;
        }
        var live = _liveAlerts();
        if (stored <= (2L * live.Count) + CompactionSlack)
        {
            return;
        }
        try
        {
            var lastOld = _nextSeq - 1;
            using var tx = _connection.BeginTransaction();
            var chunk = new List<Alert>(Math.Min(live.Count, SnapshotSegmentSize));
            foreach (var a in live)
            {
                chunk.Add(a);
                if (chunk.Count == SnapshotSegmentSize)
                {
                    WriteSegment(chunk, tx);
                    chunk.Clear();
                }
            }
            if (chunk.Count > 0)
            {
                WriteSegment(chunk, tx);
            }
            using (var delete = _connection.CreateCommand())
            {
                delete.Transaction = tx;
                delete.CommandText = "DELETE FROM alert_segments WHERE seq <= $last;";
                delete.Parameters.AddWithValue("$last", lastOld);
                delete.ExecuteNonQuery();
            }
            tx.Commit();
            Interlocked.Exchange(ref _stored, live.Count);
            Compacted?.Invoke(live.Count);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            // Compaction is an optimisation: the old segments stay valid; try again after the next commit.
            Compacted?.Invoke(-1);
        }
    }

    /// <summary>Commits what is queued, stops the writer and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_writer is not null)
        {
            await _writer;
        }
        else
        {
            _stopped = true;
        }
        _insert?.Dispose();
        _connection.Dispose();
        _stop.Dispose();
        _signal.Dispose();
    }
}
