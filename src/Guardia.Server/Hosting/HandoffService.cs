using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.Incidents;
using Guardia.Core.OnCall;
using Guardia.Integrations.Notifiers;
using Guardia.Integrations.Paging;

namespace Guardia.Server.Hosting;

/// <summary>Sends the handoff report to the outgoing and the incoming person at every change of a schedule layer's
/// user: one timer armed for the next handoff across all schedules, re-armed on configuration reload.</summary>
/// <remarks>Restart safety: the instant up to which handoffs were processed is kept in <see cref="StateFile"/> under
/// the storage path (written to a temporary file, flushed, then renamed over the old one). At start the handoffs
/// between that instant and now, missed while the server was down, are reported once, only the latest of each schedule
/// layer; a first start with no state reports nothing old. The instant is written before the reports are sent, so a
/// <c>kill -9</c> during sending loses a report rather than duplicating one (a report is information, not a page: the
/// pages of open incidents have their own outbox). A file rather than a table: the state is one instant, it needs no
/// query, and a migration number would collide with the other features adding tables in parallel.</remarks>
sealed class HandoffService(
    ConfigHolder config,
    ContactSender sender,
    AlertStore alerts,
    IncidentService incidents,
    ServeOptions options,
    TimeProvider time,
    ILogger<HandoffService> logger) : IHostedService, IDisposable
{
    /// <summary>The file under the storage path holding the instant handoffs were processed up to (ISO 8601, UTC).</summary>
    public const string StateFile = "handoffs.state";

    /// <summary>The most incidents one report looks at.</summary>
    const int IncidentLimit = 1000;

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly Lock _lock = new();
    ITimer? _timer;
    DateTimeOffset _processed;
    Task _running = Task.CompletedTask;
    bool _stopped;

    /// <summary>The instant handoffs were processed up to.</summary>
    internal DateTimeOffset ProcessedUpTo => _processed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var persisted = ReadState();
        if (persisted is { } p)
        {
            _processed = p;
        }
        else
        {
            // First start (or unreadable state): nothing before now is reported.
            _processed = now;
            WriteState(now);
        }
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        config.Reloaded += OnReloaded;
        logger.LogInformation("Handoffs: processed up to {Processed:O}, {Schedules} schedules", _processed, config.Current.OnCall.Schedules.Count);
        // Handoffs missed while down are reported in the background: a slow webhook must not hold up the server's start.
        Fire();
        return Task.CompletedTask;
    }

    /// <summary>Completes when the handoffs the timer or a reload started are processed (for tests).</summary>
    internal Task IdleAsync()
    {
        lock (_lock)
        {
            return _running;
        }
    }

    void Fire()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }
            var previous = _running;
            _running = Task.Run(async () =>
            {
                await previous;
                await RunAsync(CancellationToken.None);
            });
        }
    }

    void OnReloaded(ConfigSnapshot snapshot)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }
            var previous = _running;
            _running = Task.Run(async () =>
            {
                await previous;
                await ReloadAsync();
            });
        }
    }

    /// <summary>After a reload, the new schedules count from now: a handoff they would have had in the past (an override
    /// written after its start) was never due, so it is not reported as missed.</summary>
    async Task ReloadAsync()
    {
        await RunAsync(CancellationToken.None);
        await _gate.WaitAsync();
        try
        {
            var now = time.GetUtcNow();
            if (now > _processed)
            {
                _processed = now;
                WriteState(now);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Could not record the handoffs processed");
        }
        finally
        {
            _gate.Release();
        }
        Arm();
    }

    /// <summary>Reports the handoffs after the processed instant up to now (the latest of each schedule layer), then
    /// re-arms the timer; never throws.</summary>
    async Task RunAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (now <= _processed)
            {
                return;
            }
            var onCall = config.Current.OnCall;
            var due = new List<(Schedule Schedule, Handoff Handoff)>();
            foreach (var schedule in onCall.Schedules.Values.OrderBy(s => s.Id, StringComparer.Ordinal))
            {
                var latest = new Dictionary<string, Handoff>(StringComparer.Ordinal);
                foreach (var h in OnCallResolver.Handoffs(schedule, _processed, now))
                {
                    latest[h.Layer] = h;
                }
                due.AddRange(latest.Values.OrderBy(h => h.At).Select(h => (schedule, h)));
            }
            // Recorded before sending: a crash while sending loses a report instead of sending it twice.
            _processed = now;
            WriteState(now);
            foreach (var (schedule, handoff) in due)
            {
                await ReportAsync(onCall, schedule, handoff, now, ct);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            logger.LogError(ex, "Handoff reports failed");
        }
        finally
        {
            _gate.Release();
            Arm();
        }
    }

    /// <summary>Arms the timer for the first handoff after the processed instant across all schedules.</summary>
    void Arm()
    {
        lock (_lock)
        {
            if (_stopped || _timer is null)
            {
                return;
            }
            DateTimeOffset? next = null;
            foreach (var schedule in config.Current.OnCall.Schedules.Values)
            {
                if (OnCallResolver.NextHandoff(schedule, _processed) is { } at && (next is null || at < next))
                {
                    next = at;
                }
            }
            if (next is not { } when)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }
            var wait = when - time.GetUtcNow();
            // ITimer takes at most about 49 days; a later handoff re-arms when that wait ends.
            var max = TimeSpan.FromMilliseconds(uint.MaxValue - 1L);
            _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > max ? max : wait, Timeout.InfiniteTimeSpan);
        }
    }

    async Task ReportAsync(OnCallConfig onCall, Schedule schedule, Handoff handoff, DateTimeOffset now, CancellationToken ct)
    {
        var facts = await FactsAsync(schedule, handoff, now, ct);
        foreach (var (role, userId) in (IEnumerable<(HandoffRole, string?)>)[(HandoffRole.Outgoing, handoff.Outgoing), (HandoffRole.Incoming, handoff.Incoming)])
        {
            if (userId is null)
            {
                continue;
            }
            if (!onCall.Users.TryGetValue(userId, out var user))
            {
                logger.LogWarning("Handoff of {Schedule}/{Layer}: user {User} is not defined", schedule.Id, handoff.Layer, userId);
                continue;
            }
            var message = Message(facts, role, user);
            var errors = new List<string>();
            var delivered = false;
            foreach (var method in user.ContactMethods)
            {
                var (type, target) = await TargetAsync(method, ct);
                var result = await sender.SendAsync(type, target, message, ct);
                if (result.Success)
                {
                    delivered = true;
                    logger.LogInformation("Handoff report of {Schedule}/{Layer} at {At:O} sent to {User} ({Role}) by {Type}",
                        schedule.Id, handoff.Layer, handoff.At, user.Id, role, type);
                    break;
                }
                errors.Add($"{type}: {result.Error}");
            }
            if (!delivered)
            {
                logger.LogWarning("Handoff report of {Schedule}/{Layer} at {At:O} could not reach {User}: {Errors}",
                    schedule.Id, handoff.Layer, handoff.At, user.Id, errors.Count == 0 ? "no contact method" : string.Join("; ", errors));
            }
        }
    }

    async Task<HandoffFacts> FactsAsync(Schedule schedule, Handoff handoff, DateTimeOffset now, CancellationToken ct)
    {
        var index = IndexOf(schedule, handoff.Layer);
        var before = OnCallResolver.WhoIsOnCall(schedule, handoff.At.AddTicks(-1)).Layers[index];
        var after = OnCallResolver.WhoIsOnCall(schedule, handoff.At).Layers[index];
        var shiftStart = before.ShiftStart ?? handoff.At - schedule.Layers[index].Length;
        DateTimeOffset? shiftEnd = after.ShiftEnd == DateTimeOffset.MaxValue ? null : after.ShiftEnd;

        IReadOnlyList<Incident> list = [];
        try
        {
            list = await incidents.Engine.ListAsync(new IncidentQuery(Limit: IncidentLimit), ct);
        }
        catch (InvalidOperationException ex)
        {
            logger.LogWarning(ex, "Handoff report without incidents: the incident engine is not available");
        }
        var during = list.Where(i => i.CreatedAt >= shiftStart && i.CreatedAt < handoff.At)
            .OrderBy(i => i.Number).Select(HandoffIncident.From).ToList();
        var open = list.Where(i => i.IsOpen).OrderBy(i => i.Severity).ThenBy(i => i.Number).Select(HandoffIncident.From).ToList();
        var names = new List<string>();
        foreach (var a in alerts.Snapshot())
        {
            if (!a.ResolvedAt(now))
            {
                names.Add(a.Labels.Get("alertname"));
            }
        }
        return new HandoffFacts(schedule.Id, schedule.Name, handoff, shiftStart, shiftEnd, during, open, names.Count, HandoffReport.TopAlertNames(names));
    }

    static int IndexOf(Schedule schedule, string layer)
    {
        for (var i = 0; i < schedule.Layers.Count; i++)
        {
            if (string.Equals(schedule.Layers[i].Name, layer, StringComparison.Ordinal))
            {
                return i;
            }
        }
        throw new InvalidOperationException($"schedule {schedule.Id} has no layer {layer}");
    }

    static PageMessage Message(HandoffFacts facts, HandoffRole role, User user)
    {
        var report = HandoffReport.Build(facts, role, user.Locale, user.TimeZone);
        var h = facts.Handoff;
        var data = new JsonObject
        {
            ["schedule"] = facts.ScheduleId,
            ["schedule_name"] = facts.ScheduleName,
            ["layer"] = h.Layer,
            ["at"] = h.At.ToString("O", CultureInfo.InvariantCulture),
            ["outgoing"] = h.Outgoing,
            ["incoming"] = h.Incoming,
            ["user"] = user.Id,
            ["role"] = role == HandoffRole.Incoming ? "incoming" : "outgoing",
            ["shift_start"] = facts.ShiftStart.ToString("O", CultureInfo.InvariantCulture),
            ["incidents_during_shift"] = facts.OpenedDuringShift.Count,
            ["incidents_open"] = facts.StillOpen.Count,
            ["alerts_firing"] = facts.FiringAlerts,
        };
        return new PageMessage("handoff", report.Subject, report.Text, data);
    }

    static async Task<(string Type, string Target)> TargetAsync(ContactMethod method, CancellationToken ct)
    {
        var type = method.Type.ToString().ToLowerInvariant();
        if (method.Type == ContactMethodType.Email)
        {
            return (type, method.Address ?? string.Empty);
        }
        var url = method.Url?.Value ?? (method.UrlFile is { } file ? await JsonDelivery.ReadSecretFileAsync(file, ct) : string.Empty);
        return (type, url);
    }

    string StatePath => Path.Combine(options.StoragePath, StateFile);

    /// <summary>The persisted instant; null when there is none or it cannot be read (then nothing old is reported).</summary>
    DateTimeOffset? ReadState()
    {
        try
        {
            if (!File.Exists(StatePath))
            {
                return null;
            }
            var text = File.ReadAllText(StatePath).Trim();
            if (DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            {
                return instant.ToUniversalTime();
            }
            logger.LogWarning("{File} holds \"{Text}\", not an instant; reporting only handoffs from now on", StatePath, text.Length > 40 ? text[..40] + "…" : text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not read {File}; reporting only handoffs from now on", StatePath);
        }
        return null;
    }

    void WriteState(DateTimeOffset instant)
    {
        Directory.CreateDirectory(options.StoragePath);
        var temp = StatePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(instant.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) + "\n"));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, StatePath, overwrite: true);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task running;
        lock (_lock)
        {
            _stopped = true;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            running = _running;
        }
        config.Reloaded -= OnReloaded;
        await running.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _gate.Dispose();
    }
}
