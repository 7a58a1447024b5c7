using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Guardia.Core.Alerts;
using Guardia.Core.Incidents;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Sqlite;

/// <summary>Incidents, timelines and the page outbox on SQLite; every write is one transaction, fsynced before the call completes.</summary>
/// <remarks>Writes are serialised on the connection; the engine batches what one timer tick or one burst of page
/// outcomes changes into one <see cref="IncidentChange"/>, so a burst costs one fsync.</remarks>
public sealed class SqliteIncidentStore : IIncidentStore, IDisposable
{
    const string Columns = """
        id, number, title, severity, status, policy, escalation_policy, group_key, service, created_by, created_at,
        acknowledged_at, acknowledged_by, mitigated_at, resolved_at, closed_at, assignee, responders, roles,
        esc_level, esc_repeat, esc_cycle, esc_due_at, esc_exhausted, reminder_due_at, reminders, reassignments,
        response_due_at, response_breached
        """;

    const string OpenStatuses = "('Triggered', 'Acknowledged', 'Mitigated')";

    const string PageColumns = "id, incident_id, level, level_name, repeat, user_id, reason, state, created_at, attempts, last_attempt_at, error";

    readonly SqliteConnection _connection;
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Uses an open, migrated connection (see <see cref="SqliteDatabase.Open"/>), which the store then owns.</summary>
    public SqliteIncidentStore(SqliteConnection connection) => _connection = connection;

    /// <inheritdoc/>
    public async Task<long> NextNumberAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            using var tx = _connection.BeginTransaction();
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE incident_sequence SET last = last + 1 WHERE id = 1 RETURNING last;";
            var next = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            tx.Commit();
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task SaveAsync(IncidentChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.IsEmpty)
        {
            return;
        }
        await _gate.WaitAsync(ct);
        try
        {
            using var tx = _connection.BeginTransaction();
            if (change.Incidents.Count > 0)
            {
                SaveIncidents(tx, change.Incidents);
            }
            if (change.Timeline.Count > 0)
            {
                AppendTimeline(tx, change.Timeline);
            }
            if (change.Pages.Count > 0)
            {
                SavePages(tx, change.Pages);
            }
            tx.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IncidentStoreState> LoadAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // Open incidents, and the latest incident of every group: after a resolution the engine needs it to tell
            // new trouble from the alerts the resolved incident already covered.
            const string Where = $"""
                status IN {OpenStatuses}
                OR (group_key IS NOT NULL AND number = (SELECT MAX(g.number) FROM incidents g WHERE g.group_key = i.group_key))
                """;
            var incidents = ReadIncidents($"SELECT {Columns} FROM incidents i WHERE {Where} ORDER BY number;",
                $"SELECT incident_id, fingerprint FROM incident_alerts WHERE incident_id IN (SELECT id FROM incidents i WHERE {Where}) ORDER BY incident_id, position;",
                null, ct);
            var pages = ReadPages($"SELECT {PageColumns} FROM pages WHERE state = 'Pending' ORDER BY rowid;", null);
            return new IncidentStoreState(incidents, pages);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<Incident?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await _gate.WaitAsync(ct);
        try
        {
            var list = ReadIncidents($"SELECT {Columns} FROM incidents WHERE id = $id;",
                "SELECT incident_id, fingerprint FROM incident_alerts WHERE incident_id = $id ORDER BY position;", id, ct);
            return list.Count == 0 ? null : list[0];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _gate.WaitAsync(ct);
        try
        {
            var where = new StringBuilder("1 = 1");
            if (query.Status is { } status)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND status = '{status}'");
            }
            if (query.Severity is { } severity)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND severity = '{severity}'");
            }
            var limit = Math.Clamp(query.Limit, 1, 10_000);
            var selected = $"SELECT id FROM incidents WHERE {where} ORDER BY number DESC LIMIT {limit.ToString(CultureInfo.InvariantCulture)}";
            return ReadIncidents($"SELECT {Columns} FROM incidents WHERE id IN ({selected}) ORDER BY number DESC;",
                $"SELECT incident_id, fingerprint FROM incident_alerts WHERE incident_id IN ({selected}) ORDER BY incident_id, position;", null, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string incidentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await _gate.WaitAsync(ct);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT incident_id, at, actor, kind, text, data FROM timeline WHERE incident_id = $id ORDER BY seq;";
            cmd.Parameters.AddWithValue("$id", incidentId);
            using var reader = cmd.ExecuteReader();
            var list = new List<TimelineEntry>();
            while (reader.Read())
            {
                list.Add(new TimelineEntry(reader.GetString(0), FromTicks(reader.GetInt64(1)), reader.GetString(2),
                    Enum.Parse<TimelineKind>(reader.GetString(3)), reader.GetString(4), DecodeMap(reader.GetString(5))));
            }
            return list;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<PageRecord>> GetPagesAsync(string incidentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await _gate.WaitAsync(ct);
        try
        {
            return ReadPages($"SELECT {PageColumns} FROM pages WHERE incident_id = $id ORDER BY rowid;", incidentId);
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

    void SaveIncidents(SqliteTransaction tx, IReadOnlyList<Incident> incidents)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"""
            INSERT INTO incidents ({Columns})
            VALUES ($id, $number, $title, $severity, $status, $policy, $escalation_policy, $group_key, $service, $created_by, $created_at,
                $acknowledged_at, $acknowledged_by, $mitigated_at, $resolved_at, $closed_at, $assignee, $responders, $roles,
                $esc_level, $esc_repeat, $esc_cycle, $esc_due_at, $esc_exhausted, $reminder_due_at, $reminders, $reassignments,
                $response_due_at, $response_breached)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, severity = excluded.severity, status = excluded.status,
                policy = excluded.policy, escalation_policy = excluded.escalation_policy, group_key = excluded.group_key,
                service = excluded.service, created_by = excluded.created_by, created_at = excluded.created_at,
                acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by,
                mitigated_at = excluded.mitigated_at, resolved_at = excluded.resolved_at, closed_at = excluded.closed_at,
                assignee = excluded.assignee, responders = excluded.responders, roles = excluded.roles,
                esc_level = excluded.esc_level, esc_repeat = excluded.esc_repeat, esc_cycle = excluded.esc_cycle,
                esc_due_at = excluded.esc_due_at, esc_exhausted = excluded.esc_exhausted,
                reminder_due_at = excluded.reminder_due_at, reminders = excluded.reminders,
                reassignments = excluded.reassignments, response_due_at = excluded.response_due_at,
                response_breached = excluded.response_breached;
            """;
        var p = new Dictionary<string, SqliteParameter>(StringComparer.Ordinal);
        foreach (var name in Columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // No declared type: each value binds as what it is (text, integer or null).
            p[name] = cmd.Parameters.Add(new SqliteParameter { ParameterName = "$" + name });
        }
        using var alerts = _connection.CreateCommand();
        alerts.Transaction = tx;
        alerts.CommandText = "INSERT OR IGNORE INTO incident_alerts (incident_id, fingerprint, position) VALUES ($id, $fp, $pos);";
        var alertId = alerts.Parameters.Add("$id", SqliteType.Text);
        var alertFp = alerts.Parameters.Add("$fp", SqliteType.Text);
        var alertPos = alerts.Parameters.Add("$pos", SqliteType.Integer);
        foreach (var i in incidents)
        {
            p["id"].Value = i.Id;
            p["number"].Value = i.Number;
            p["title"].Value = i.Title;
            p["severity"].Value = i.Severity.ToString();
            p["status"].Value = i.Status.ToString();
            p["policy"].Value = (object?)i.Policy ?? DBNull.Value;
            p["escalation_policy"].Value = (object?)i.EscalationPolicy ?? DBNull.Value;
            p["group_key"].Value = (object?)i.GroupKey ?? DBNull.Value;
            p["service"].Value = (object?)i.Service ?? DBNull.Value;
            p["created_by"].Value = i.CreatedBy;
            p["created_at"].Value = i.CreatedAt.UtcTicks;
            p["acknowledged_at"].Value = Ticks(i.AcknowledgedAt);
            p["acknowledged_by"].Value = (object?)i.AcknowledgedBy ?? DBNull.Value;
            p["mitigated_at"].Value = Ticks(i.MitigatedAt);
            p["resolved_at"].Value = Ticks(i.ResolvedAt);
            p["closed_at"].Value = Ticks(i.ClosedAt);
            p["assignee"].Value = (object?)i.Assignee ?? DBNull.Value;
            p["responders"].Value = EncodeList(i.Responders);
            p["roles"].Value = EncodeMap(i.Roles.Select(r => new KeyValuePair<string, string>(r.Key.ToString(), r.Value)));
            p["esc_level"].Value = i.Escalation.Level;
            p["esc_repeat"].Value = i.Escalation.Repeat;
            p["esc_cycle"].Value = i.Escalation.Cycle;
            p["esc_due_at"].Value = Ticks(i.Escalation.NextDueAt);
            p["esc_exhausted"].Value = i.Escalation.Exhausted ? 1 : 0;
            p["reminder_due_at"].Value = Ticks(i.ReminderDueAt);
            p["reminders"].Value = i.Reminders;
            p["reassignments"].Value = i.Reassignments;
            p["response_due_at"].Value = i.ResponseDueAt.UtcTicks;
            p["response_breached"].Value = i.ResponseTargetBreached ? 1 : 0;
            cmd.ExecuteNonQuery();
            alertId.Value = i.Id;
            for (var k = 0; k < i.Alerts.Count; k++)
            {
                alertFp.Value = i.Alerts[k].ToString();
                alertPos.Value = k;
                alerts.ExecuteNonQuery();
            }
        }
    }

    void AppendTimeline(SqliteTransaction tx, IReadOnlyList<TimelineEntry> entries)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO timeline (incident_id, at, actor, kind, text, data) VALUES ($id, $at, $actor, $kind, $text, $data);";
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        var at = cmd.Parameters.Add("$at", SqliteType.Integer);
        var actor = cmd.Parameters.Add("$actor", SqliteType.Text);
        var kind = cmd.Parameters.Add("$kind", SqliteType.Text);
        var text = cmd.Parameters.Add("$text", SqliteType.Text);
        var data = cmd.Parameters.Add("$data", SqliteType.Text);
        foreach (var e in entries)
        {
            id.Value = e.IncidentId;
            at.Value = e.At.UtcTicks;
            actor.Value = e.Actor;
            kind.Value = e.Kind.ToString();
            text.Value = e.Text;
            data.Value = EncodeMap(e.Data);
            cmd.ExecuteNonQuery();
        }
    }

    void SavePages(SqliteTransaction tx, IReadOnlyList<PageRecord> pages)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        // A page that left the pending state never goes back: a late "pending" write of the same id changes nothing.
        cmd.CommandText = $"""
            INSERT INTO pages ({PageColumns})
            VALUES ($id, $incident, $level, $level_name, $repeat, $user, $reason, $state, $created, $attempts, $last, $error)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
                last_attempt_at = excluded.last_attempt_at, error = excluded.error
            WHERE pages.state = 'Pending' AND excluded.state <> 'Pending';
            """;
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        var incident = cmd.Parameters.Add("$incident", SqliteType.Text);
        var level = cmd.Parameters.Add("$level", SqliteType.Integer);
        var levelName = cmd.Parameters.Add("$level_name", SqliteType.Text);
        var repeat = cmd.Parameters.Add("$repeat", SqliteType.Integer);
        var user = cmd.Parameters.Add("$user", SqliteType.Text);
        var reason = cmd.Parameters.Add("$reason", SqliteType.Text);
        var state = cmd.Parameters.Add("$state", SqliteType.Text);
        var created = cmd.Parameters.Add("$created", SqliteType.Integer);
        var attempts = cmd.Parameters.Add("$attempts", SqliteType.Integer);
        var last = cmd.Parameters.Add("$last", SqliteType.Integer);
        var error = cmd.Parameters.Add("$error", SqliteType.Text);
        foreach (var pg in pages)
        {
            id.Value = pg.Id;
            incident.Value = pg.IncidentId;
            level.Value = pg.Level;
            levelName.Value = pg.LevelName;
            repeat.Value = pg.Repeat;
            user.Value = pg.UserId;
            reason.Value = pg.Reason.ToString();
            state.Value = pg.State.ToString();
            created.Value = pg.CreatedAt.UtcTicks;
            attempts.Value = pg.Attempts;
            last.Value = Ticks(pg.LastAttemptAt);
            error.Value = (object?)pg.Error ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }
    }

    List<Incident> ReadIncidents(string incidentsSql, string alertsSql, string? id, CancellationToken ct)
    {
        var alerts = new Dictionary<string, List<Fingerprint>>(StringComparer.Ordinal);
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = alertsSql;
            if (id is not null)
            {
                cmd.Parameters.AddWithValue("$id", id);
            }
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var incidentId = reader.GetString(0);
                if (!Fingerprint.TryParse(reader.GetString(1), out var fp))
                {
                    throw new InvalidDataException($"incident {incidentId}: unreadable alert fingerprint \"{reader.GetString(1)}\"");
                }
                if (!alerts.TryGetValue(incidentId, out var list))
                {
                    alerts[incidentId] = list = [];
                }
                list.Add(fp);
            }
        }
        var result = new List<Incident>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = incidentsSql;
            if (id is not null)
            {
                cmd.Parameters.AddWithValue("$id", id);
            }
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                ct.ThrowIfCancellationRequested();
                var incidentId = r.GetString(0);
                try
                {
                    var roles = new Dictionary<IncidentRole, string>();
                    foreach (var (k, v) in DecodeMap(r.GetString(18)))
                    {
                        roles[Enum.Parse<IncidentRole>(k)] = v;
                    }
                    result.Add(new Incident
                    {
                        Id = incidentId,
                        Number = r.GetInt64(1),
                        Title = r.GetString(2),
                        Severity = Enum.Parse<Severity>(r.GetString(3)),
                        Status = Enum.Parse<IncidentStatus>(r.GetString(4)),
                        Policy = NullableString(r, 5),
                        EscalationPolicy = NullableString(r, 6),
                        GroupKey = NullableString(r, 7),
                        Service = NullableString(r, 8),
                        CreatedBy = r.GetString(9),
                        CreatedAt = FromTicks(r.GetInt64(10)),
                        AcknowledgedAt = NullableTime(r, 11),
                        AcknowledgedBy = NullableString(r, 12),
                        MitigatedAt = NullableTime(r, 13),
                        ResolvedAt = NullableTime(r, 14),
                        ClosedAt = NullableTime(r, 15),
                        Assignee = NullableString(r, 16),
                        Responders = DecodeList(r.GetString(17)),
                        Roles = roles,
                        Alerts = alerts.TryGetValue(incidentId, out var fps) ? fps : [],
                        Escalation = new EscalationState(r.GetInt32(19), r.GetInt32(20), r.GetInt32(21), NullableTime(r, 22), r.GetInt64(23) != 0),
                        ReminderDueAt = NullableTime(r, 24),
                        Reminders = r.GetInt32(25),
                        Reassignments = r.GetInt32(26),
                        ResponseDueAt = FromTicks(r.GetInt64(27)),
                        ResponseTargetBreached = r.GetInt64(28) != 0,
                    });
                }
                catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidOperationException)
                {
                    throw new InvalidDataException($"incident {incidentId}: unreadable row: {ex.Message}", ex);
                }
            }
        }
        return result;
    }

    List<PageRecord> ReadPages(string sql, string? incidentId)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        if (incidentId is not null)
        {
            cmd.Parameters.AddWithValue("$id", incidentId);
        }
        using var r = cmd.ExecuteReader();
        var list = new List<PageRecord>();
        while (r.Read())
        {
            list.Add(new PageRecord(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetInt32(4), r.GetString(5),
                Enum.Parse<PageReason>(r.GetString(6)), Enum.Parse<PageState>(r.GetString(7)), FromTicks(r.GetInt64(8)),
                r.GetInt32(9), NullableTime(r, 10), NullableString(r, 11)));
        }
        return list;
    }

    static object Ticks(DateTimeOffset? t) => t is { } v ? v.UtcTicks : DBNull.Value;

    static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    static DateTimeOffset? NullableTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : FromTicks(r.GetInt64(i));

    static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    static string EncodeList(IEnumerable<string> items)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var s in items)
            {
                w.WriteStringValue(s);
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    static List<string> DecodeList(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<string>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            list.Add(e.GetString() ?? string.Empty);
        }
        return list;
    }

    static string EncodeMap(IEnumerable<KeyValuePair<string, string>> map)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (k, v) in map)
            {
                w.WriteString(k, v);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    static Dictionary<string, string> DecodeMap(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            map[p.Name] = p.Value.GetString() ?? string.Empty;
        }
        return map;
    }
}
