using System.Buffers;
using System.Diagnostics;
using Guardia.Core.Alerts;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>The alert journal on SQLite, with group commit: writes queued while a transaction is being
/// committed are gathered into the next one, so concurrent requests share one fsync.</summary>
/// <remarks>Each commit appends one segment row holding all the alert versions it writes. The journal
/// remembers which segment holds the latest version of each fingerprint; when superseded versions
/// outnumber live ones, mostly-dead segments are rewritten. Forgetting an alert (after its retention) is
/// not written: on load the store drops alerts resolved past retention anyway.</remarks>
public sealed class SqliteAlertJournal : IAlertJournal, IAsyncDisposable
{
    readonly SqliteConnection _connection;
    readonly Lock _lock = new();
    readonly SemaphoreSlim _signal = new(0);
    readonly CancellationTokenSource _stop = new();
    readonly LabelStringPool _pool;
    readonly Dictionary<ulong, long> _latest = [];
    readonly Dictionary<long, Segment> _segments = [];
    Task? _writer;
    List<(ulong Fingerprint, Alert? Alert)> _pending = [];
    TaskCompletionSource _batch = NewBatch();
    long _nextSeq = 1;
    long _stored;
    bool _signalled;
    bool _stopped;

    sealed class Segment(int stored)
    {
        public int Stored { get; set; } = stored;

        public int Live { get; set; }
    }

    /// <summary>Called after each commit with the number of alert versions written and the commit duration.</summary>
    public Action<int, TimeSpan>? Committed { get; set; }

    /// <summary>Called after each compaction with the number of segments rewritten or dropped.</summary>
    public Action<int>? Compacted { get; set; }

    /// <summary>Compaction starts when superseded versions exceed this many plus half the live ones.</summary>
    public int CompactionSlack { get; init; } = 20_000;

    /// <summary>Opens the journal over an open, migrated connection.</summary>
    public SqliteAlertJournal(SqliteConnection connection, LabelStringPool? pool = null)
    {
        _connection = connection;
        _pool = pool ?? LabelStringPool.Shared;
    }

    static TaskCompletionSource NewBatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The number of live alerts the journal holds.</summary>
    public int LiveCount => _latest.Count;

    /// <summary>The number of segment rows on disk.</summary>
    public int SegmentCount => _segments.Count;

    /// <inheritdoc/>
    public Task<IReadOnlyList<Alert>> LoadAsync(CancellationToken ct)
    {
        if (_writer is not null)
        {
            throw new InvalidOperationException("The journal is loaded once, before the first write.");
        }
        var alerts = new Dictionary<ulong, Alert>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT seq, body FROM alert_segments ORDER BY seq;";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                var seq = reader.GetInt64(0);
                using var stream = reader.GetStream(1);
                var body = new byte[stream.Length];
                stream.ReadExactly(body);
                var segment = AlertCodec.ReadSegment(body, _pool);
                _segments[seq] = new Segment(segment.Count);
                _stored += segment.Count;
                foreach (var a in segment)
                {
                    Track(a.Fingerprint.Value, seq);
                    alerts[a.Fingerprint.Value] = a;
                }
                _nextSeq = seq + 1;
            }
        }
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.FromResult<IReadOnlyList<Alert>>([.. alerts.Values]);
    }

    /// <summary>Marks <paramref name="seq"/> as holding the latest version of <paramref name="fp"/>.</summary>
    void Track(ulong fp, long seq)
    {
        if (_latest.TryGetValue(fp, out var old))
        {
            if (old == seq)
            {
                return;
            }
            _segments[old].Live--;
        }
        _latest[fp] = seq;
        _segments[seq].Live++;
    }

    void Forget(ulong fp)
    {
        if (_latest.Remove(fp, out var old))
        {
            _segments[old].Live--;
        }
    }

    /// <inheritdoc/>
    public Task Enqueue(IReadOnlyList<Alert> upserts, IReadOnlyList<Fingerprint> deletes)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_writer is null)
            {
                throw new InvalidOperationException("Load the journal before writing to it.");
            }
            foreach (var a in upserts)
            {
                _pending.Add((a.Fingerprint.Value, a));
            }
            foreach (var fp in deletes)
            {
                _pending.Add((fp.Value, null));
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
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
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
            List<(ulong Fingerprint, Alert? Alert)> pending;
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
                    var written = Commit(pending, buffer);
                    Committed?.Invoke(written, Stopwatch.GetElapsedTime(started));
                    batch.TrySetResult();
                }
                catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
                {
                    batch.TrySetException(ex);
                }
                MaybeCompact(buffer);
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

    int Commit(List<(ulong Fingerprint, Alert? Alert)> pending, ArrayBufferWriter<byte> buffer)
    {
        var upserts = 0;
        foreach (var (_, a) in pending)
        {
            if (a is not null)
            {
                upserts++;
            }
        }
        var seq = _nextSeq;
        if (upserts > 0)
        {
            buffer.ResetWrittenCount();
            AlertCodec.WriteCount(upserts, buffer);
            foreach (var (_, a) in pending)
            {
                if (a is not null)
                {
                    AlertCodec.WriteAlert(a, buffer);
                }
            }
            using var tx = _connection.BeginTransaction();
            InsertSegment(seq, upserts, buffer.WrittenSpan, tx);
            tx.Commit();
            _nextSeq++;
            _segments[seq] = new Segment(upserts);
            _stored += upserts;
        }
        // Replay in call order, so that a forget followed by a new version of the same alert keeps it.
        foreach (var (fp, a) in pending)
        {
            if (a is null)
            {
                Forget(fp);
            }
            else
            {
                Track(fp, seq);
            }
        }
        return upserts;
    }

    void InsertSegment(long seq, int count, ReadOnlySpan<byte> body, SqliteTransaction tx)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO alert_segments (seq, alerts, body) VALUES ($seq, $n, $body);";
        cmd.Parameters.AddWithValue("$seq", seq);
        cmd.Parameters.AddWithValue("$n", count);
        cmd.Parameters.Add("$body", SqliteType.Blob).Value = body.ToArray();
        cmd.ExecuteNonQuery();
    }

    /// <summary>Rewrites mostly-dead segments once superseded versions outweigh live ones.</summary>
    void MaybeCompact(ArrayBufferWriter<byte> buffer)
    {
        var live = _latest.Count;
        if (_stored - live <= CompactionSlack + (live / 2))
        {
            return;
        }
        try
        {
            var victims = new List<long>();
            foreach (var (seq, s) in _segments)
            {
                if (s.Live * 2 <= s.Stored)
                {
                    victims.Add(seq);
                }
            }
            victims.Sort();
            var survivors = new List<Alert>();
            using var tx = _connection.BeginTransaction();
            using (var read = _connection.CreateCommand())
            {
                read.Transaction = tx;
                read.CommandText = "SELECT body FROM alert_segments WHERE seq = $seq;";
                var p = read.Parameters.Add("$seq", SqliteType.Integer);
                foreach (var seq in victims)
                {
                    if (_segments[seq].Live == 0)
                    {
                        continue;
                    }
                    p.Value = seq;
                    var body = (byte[])read.ExecuteScalar()!;
                    foreach (var a in AlertCodec.ReadSegment(body, _pool))
                    {
                        if (_latest.TryGetValue(a.Fingerprint.Value, out var at) && at == seq)
                        {
                            survivors.Add(a);
                        }
                    }
                }
            }
            // A segment can hold two versions of one alert; only the last one written is live.
            var last = new Dictionary<ulong, Alert>(survivors.Count);
            foreach (var a in survivors)
            {
                last[a.Fingerprint.Value] = a;
            }
            var newSeq = _nextSeq;
            if (last.Count > 0)
            {
                buffer.ResetWrittenCount();
                AlertCodec.WriteCount(last.Count, buffer);
                foreach (var a in last.Values)
                {
                    AlertCodec.WriteAlert(a, buffer);
                }
                InsertSegment(newSeq, last.Count, buffer.WrittenSpan, tx);
            }
            using (var delete = _connection.CreateCommand())
            {
                delete.Transaction = tx;
                delete.CommandText = "DELETE FROM alert_segments WHERE seq = $seq;";
                var p = delete.Parameters.Add("$seq", SqliteType.Integer);
                foreach (var seq in victims)
                {
                    p.Value = seq;
                    delete.ExecuteNonQuery();
                }
            }
            tx.Commit();
            foreach (var seq in victims)
            {
                _stored -= _segments[seq].Stored;
                _segments.Remove(seq);
            }
            if (last.Count > 0)
            {
                _nextSeq++;
                _segments[newSeq] = new Segment(last.Count);
                _stored += last.Count;
                foreach (var fp in last.Keys)
                {
                    _latest[fp] = newSeq;
                    _segments[newSeq].Live++;
                }
            }
            Compacted?.Invoke(victims.Count);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            // Compaction is an optimisation: the old segments stay valid, try again after the next commit.
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
        _connection.Dispose();
        _stop.Dispose();
        _signal.Dispose();
    }
}
