using System.Collections.Concurrent;
using System.Globalization;
using Guardia.Core.Alerts;

namespace Guardia.Core.Incidents;

/// <summary>Opens incidents from aggregation groups, runs their lifecycle, escalation, reminders and response targets,
/// and pages through an outbox; every change is committed to the <see cref="IIncidentStore"/> before a method returns.</summary>
/// <remarks>
/// Writers are serialised on one gate. One <see cref="TimeProvider"/> timer is armed for the earliest due instant of all
/// open incidents (a priority queue with lazy deletion), so 10,000 running escalations cost one timer.
/// Restart safety: the escalation state (level, pass, next due instant, reminder due) is part of the incident row, and a
/// page is recorded as pending in the same transaction that advances the state, before it is handed to the pager.
/// <see cref="LoadAsync"/> re-arms every timer from the store (an overdue step fires once, immediately) and retries
/// the pending pages; a page marked sent is never sent again.
/// </remarks>
public sealed class IncidentEngine : IDisposable
{
    static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    const int MaxConcurrentPages = 32;
    const int MaxTextLength = 10_000;

    readonly IIncidentStore _store;
    readonly IPager _pager;
    readonly IEscalationTargetResolver _resolver;
    readonly TimeProvider _time;
    readonly byte[] _ackKey;
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly SemaphoreSlim _pageSlots = new(MaxConcurrentPages, MaxConcurrentPages);
    readonly CancellationTokenSource _stopping = new();
    readonly ITimer _timer;
    readonly Dictionary<string, Incident> _open = new(StringComparer.Ordinal);
    readonly Dictionary<string, Incident> _lastByGroup = new(StringComparer.Ordinal);
    readonly PriorityQueue<string, DateTimeOffset> _due = new();
    readonly ConcurrentQueue<(PageRecord Page, PageOutcome Outcome)> _outcomes = new();
    readonly Lock _tasksLock = new();
    readonly HashSet<Task> _tasks = [];
    IncidentConfig _config;
    Exception? _lastBackgroundError;
    int _startingSends;
    bool _disposed;

    /// <summary>Creates the engine; call <see cref="LoadAsync"/> before anything else.</summary>
    /// <param name="store">Where incidents, timelines and pages are kept.</param>
    /// <param name="pager">Delivers pages.</param>
    /// <param name="resolver">Turns escalation targets into user ids.</param>
    /// <param name="time">The clock for every timer.</param>
    /// <param name="config">The incident configuration.</param>
    /// <param name="ackKey">The HMAC key for acknowledge tokens, at least 32 bytes.</param>
    public IncidentEngine(IIncidentStore store, IPager pager, IEscalationTargetResolver resolver, TimeProvider time, IncidentConfig config, ReadOnlySpan<byte> ackKey)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(pager);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(config);
        if (ackKey.Length < 32)
        {
            throw new ArgumentException("the acknowledge token key must be at least 32 bytes", nameof(ackKey));
        }
        _store = store;
        _pager = pager;
        _resolver = resolver;
        _time = time;
        _config = config;
        _ackKey = ackKey.ToArray();
        _timer = time.CreateTimer(_ => Track(ProcessDueAsync()), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The configuration in force.</summary>
    public IncidentConfig Config => Volatile.Read(ref _config);

    /// <summary>The last error of a background step (timer tick, page outcome), or null; the step is retried.</summary>
    public Exception? LastBackgroundError => Volatile.Read(ref _lastBackgroundError);

    /// <summary>Swaps the configuration; running escalations continue with the new policies from their next step.</summary>
    public void Reconfigure(IncidentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Volatile.Write(ref _config, config);
    }

    /// <summary>Restores open incidents and their timers from the store, fires overdue steps once and retries pending pages.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        var state = await _store.LoadAsync(ct);
        var sends = new List<(PageRecord, Incident)>();
        var failed = new List<PageRecord>();
        var timeline = new List<TimelineEntry>();
        await _gate.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            _open.Clear();
            _lastByGroup.Clear();
            _due.Clear();
            foreach (var incident in state.Incidents)
            {
                if (incident.IsOpen)
                {
                    _open[incident.Id] = incident;
                }
                if (incident.GroupKey is { } key && (!_lastByGroup.TryGetValue(key, out var last) || Newer(incident, last)))
                {
                    _lastByGroup[key] = incident;
                }
            }
            foreach (var incident in _open.Values)
            {
                Schedule(incident);
            }
            foreach (var page in state.PendingPages)
            {
                if (_open.TryGetValue(page.IncidentId, out var incident))
                {
                    sends.Add((page, incident));
                }
                else
                {
                    // The incident was resolved before the page went out: paging now would wake someone for nothing.
                    failed.Add(page with { State = PageState.Failed, Error = "not sent: the incident is no longer open", LastAttemptAt = now });
                    timeline.Add(Entry(page.IncidentId, now, Actors.System, TimelineKind.PageFailed, PageData(page, (TimelineText.Cause, "not_sent"))));
                }
            }
            if (failed.Count > 0)
            {
                await _store.SaveAsync(new IncidentChange([], timeline, failed), CancellationToken.None);
            }
            Arm(now);
        }
        finally
        {
            _gate.Release();
        }
        StartSends(sends);
    }

    /// <summary>Takes one aggregation-group flush: opens an incident when an incident policy matches and the group has
    /// none open, attaches new alerts to the open one, and resolves it when all its alerts resolved and auto-resolve is on.</summary>
    /// <returns>The group's incident after the observation, or null when the group has none.</returns>
    public async Task<Incident?> ObserveGroupAsync(GroupObservation group, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentException.ThrowIfNullOrEmpty(group.GroupKey);
        ArgumentNullException.ThrowIfNull(group.Alerts);
        List<(PageRecord, Incident)> sends;
        Incident? result;
        await _gate.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            var config = Config;
            var firing = new List<Alert>(group.Alerts.Count);
            foreach (var a in group.Alerts)
            {
                if (!a.ResolvedAt(now))
                {
                    firing.Add(a);
                }
            }
            var batch = new Batch();
            _lastByGroup.TryGetValue(group.GroupKey, out var last);
            if (last is not null && _open.TryGetValue(last.Id, out var open))
            {
                result = Attach(open, firing, now, batch);
                var policy = FindPolicy(config, result.Policy);
                if (firing.Count == 0 && (policy?.AutoResolve ?? config.Settings.AutoResolve))
                {
                    result = result.Resolve(now);
                    batch.Timeline.Add(Entry(result.Id, now, Actors.System, TimelineKind.Resolved, Data(("auto", "true"))));
                }
            }
            else
            {
                result = last;
                var (matched, matching) = Match(config, group, firing);
                if (matched is not null && IsNewTrouble(last, firing))
                {
                    var severity = Severity.P4;
                    foreach (var a in matching)
                    {
                        var s = matched.Severity.For(a.Labels);
                        severity = s < severity ? s : severity;
                    }
                    var first = matching[0];
                    var title = first.Annotations.Get("summary") is { Length: > 0 } summary
                        ? summary
                        : (first.Labels.Get("alertname") is { Length: > 0 } name ? name : "alerts") + " " + group.GroupLabels;
                    var service = first.Labels.Get("service") is { Length: > 0 } svc ? svc : group.GroupLabels.Get("service");
                    var number = await _store.NextNumberAsync(ct);
                    var incident = new Incident
                    {
                        Id = Incident.IdFor(number),
                        Number = number,
                        Title = Truncate(title, 500),
                        Severity = severity,
                        Policy = matched.Name,
                        EscalationPolicy = matched.EscalationPolicy,
                        GroupKey = group.GroupKey,
                        Service = service.Length == 0 ? null : service,
                    };
                    var opener = Data((TimelineText.Cause, "policy"), ("policy", matched.Name), ("group_key", group.GroupKey), ("receiver", group.Receiver));
                    result = Attach(Open(incident, Actors.System, opener, now, config, batch), firing, now, batch);
                }
            }
            if (batch.IsEmpty)
            {
                return result;
            }
            batch.Put(result!);
            sends = await CommitAsync(batch, now);
        }
        finally
        {
            _gate.Release();
        }
        StartSends(sends);
        return result;
    }

    /// <summary>Opens a manual incident; when the draft names an escalation policy its first level is paged.</summary>
    /// <exception cref="IncidentException">The draft is invalid or names an unknown escalation policy.</exception>
    public async Task<Incident> CreateAsync(IncidentDraft draft, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        CheckActor(actor);
        var title = draft.Title?.Trim() ?? string.Empty;
        if (title.Length == 0 || title.Length > 500)
        {
            throw new IncidentException(IncidentError.Invalid, "an incident needs a title of 1 to 500 characters");
        }
        if (!Enum.IsDefined(draft.Severity))
        {
            throw new IncidentException(IncidentError.Invalid, $"unknown severity {(int)draft.Severity}; severities are P1, P2, P3 and P4");
        }
        List<(PageRecord, Incident)> sends;
        Incident result;
        await _gate.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            var config = Config;
            if (draft.EscalationPolicy is { } ep && !config.EscalationPolicies.ContainsKey(ep))
            {
                throw new IncidentException(IncidentError.Invalid, $"escalation policy \"{ep}\" is not defined; defined: {string.Join(", ", config.EscalationPolicies.Keys)}");
            }
            var number = await _store.NextNumberAsync(ct);
            var batch = new Batch();
            var incident = new Incident
            {
                Id = Incident.IdFor(number),
                Number = number,
                Title = title,
                Severity = draft.Severity,
                EscalationPolicy = draft.EscalationPolicy,
                Service = string.IsNullOrWhiteSpace(draft.Service) ? null : draft.Service,
                Assignee = string.IsNullOrWhiteSpace(draft.Assignee) ? null : draft.Assignee,
                CreatedBy = actor,
            };
            result = Open(incident, actor, Data((TimelineText.Cause, "manual")), now, config, batch);
            batch.Put(result);
            sends = await CommitAsync(batch, now);
        }
        finally
        {
            _gate.Release();
        }
        StartSends(sends);
        return result;
    }

    /// <summary>Acknowledges a triggered incident as <paramref name="actor"/>; escalation stops.</summary>
    /// <exception cref="IncidentException">Unknown incident, or it is not triggered.</exception>
    public Task<Incident> AcknowledgeAsync(string id, string actor, CancellationToken ct) =>
        MutateAsync(id, actor, (i, now, batch) => Acknowledge(i, actor, now, batch), ct);

    /// <summary>Acknowledges with the token of a page link, as the user the token was issued to. A token for an incident
    /// that is no longer triggered changes nothing and returns the incident, so a second click is harmless.</summary>
    /// <exception cref="IncidentException">The token is invalid, tampered with or expired (<see cref="IncidentError.InvalidToken"/>).</exception>
    public async Task<Incident> AcknowledgeWithTokenAsync(string token, CancellationToken ct)
    {
        if (!AckTokens.TryVerify(_ackKey, token, _time.GetUtcNow(), out var claims))
        {
            throw new IncidentException(IncidentError.InvalidToken, "the acknowledge link is invalid or has expired; acknowledge in Guardia instead");
        }
        var actor = claims!.UserId;
        return await MutateAsync(claims.IncidentId, actor, (i, now, batch) =>
            i.Status == IncidentStatus.Triggered ? Acknowledge(i, actor, now, batch, viaLink: true) : i, ct);
    }

    /// <summary>Pages the next escalation level now; a triggered incident's escalation continues from there.</summary>
    /// <exception cref="IncidentException">Unknown incident, not triggered or acknowledged, no escalation policy, or no level left.</exception>
    public Task<Incident> EscalateNowAsync(string id, string actor, CancellationToken ct) =>
        MutateAsync(id, actor, (i, now, batch) =>
        {
            Require(i, i.Status is IncidentStatus.Triggered or IncidentStatus.Acknowledged, "escalate", "only a triggered or acknowledged incident can be escalated");
            var policy = i.EscalationPolicy is { } p && Config.EscalationPolicies.TryGetValue(p, out var ep)
                ? ep
                : throw new IncidentException(IncidentError.Invalid, $"{i.Id} has no escalation policy{(i.EscalationPolicy is null ? string.Empty : $" (\"{i.EscalationPolicy}\" is no longer defined)")}; reassign it or add a responder instead");
            var (level, repeat) = NextStep(i, policy) ?? throw new IncidentException(IncidentError.InvalidTransition,
                $"cannot escalate {i.Id}: it is already at the last level ({policy.Levels[^1].Name}) of the last pass; reassign it or add a responder instead");
            return PageLevel(i, policy, level, repeat, now, batch, PageReason.EscalateNow, actor, rearm: i.Status == IncidentStatus.Triggered);
        }, ct);

    /// <summary>Makes <paramref name="userId"/> the assignee and pages them.</summary>
    /// <exception cref="IncidentException">Unknown incident, not open, or already assigned to that user.</exception>
    public Task<Incident> ReassignAsync(string id, string userId, string actor, CancellationToken ct)
    {
        CheckUser(userId);
        return MutateAsync(id, actor, (i, now, batch) =>
        {
            Require(i, i.IsOpen, "reassign", "only an open incident can be reassigned");
            if (i.Assignee == userId)
            {
                throw new IncidentException(IncidentError.Invalid, $"{i.Id} is already assigned to {userId}");
            }
            var n = i.Reassignments + 1;
            batch.Timeline.Add(Entry(i.Id, now, actor, TimelineKind.Reassigned, Data(("from", i.Assignee ?? string.Empty), ("to", userId))));
            var updated = i with { Assignee = userId, Reassignments = n };
            AddPage(batch, updated, $"{Cycle(i)}/reassign{n}/{userId}", i.Escalation.Level, "reassignment", i.Escalation.Repeat, userId, PageReason.Reassigned, now);
            return updated;
        }, ct);
    }

    /// <summary>Adds <paramref name="userId"/> to the responders and pages them.</summary>
    /// <exception cref="IncidentException">Unknown incident, not open, or already a responder.</exception>
    public Task<Incident> AddResponderAsync(string id, string userId, string actor, CancellationToken ct)
    {
        CheckUser(userId);
        return MutateAsync(id, actor, (i, now, batch) =>
        {
            Require(i, i.IsOpen, "add a responder to", "only an open incident takes responders");
            if (i.Responders.Contains(userId))
            {
                throw new IncidentException(IncidentError.Invalid, $"{userId} is already a responder of {i.Id}");
            }
            batch.Timeline.Add(Entry(i.Id, now, actor, TimelineKind.ResponderAdded, Data(("user", userId))));
            var updated = i with { Responders = [.. i.Responders, userId] };
            AddPage(batch, updated, $"{Cycle(i)}/responder/{userId}", i.Escalation.Level, "responder", i.Escalation.Repeat, userId, PageReason.Responder, now);
            return updated;
        }, ct);
    }

    /// <summary>Gives <paramref name="role"/> to <paramref name="userId"/>, or clears it when null.</summary>
    /// <exception cref="IncidentException">Unknown incident or role, or the incident is closed.</exception>
    public Task<Incident> SetRoleAsync(string id, IncidentRole role, string? userId, string actor, CancellationToken ct)
    {
        if (!Enum.IsDefined(role))
        {
            throw new IncidentException(IncidentError.Invalid, $"unknown role {(int)role}; roles are Commander, TechnicalLead, CommunicationsLead and Scribe");
        }
        if (userId is not null)
        {
            CheckUser(userId);
        }
        return MutateAsync(id, actor, (i, now, batch) =>
        {
            Require(i, i.Status != IncidentStatus.Closed, "set a role on", "a closed incident must be reopened first");
            var roles = new Dictionary<IncidentRole, string>(i.Roles);
            if (userId is null)
            {
                if (!roles.Remove(role))
                {
                    throw new IncidentException(IncidentError.Invalid, $"{i.Id} has no {TimelineText.RoleName(role, spanish: false)} to clear");
                }
            }
            else
            {
                roles[role] = userId;
            }
            batch.Timeline.Add(Entry(i.Id, now, actor, TimelineKind.RoleSet, Data(("role", role.ToString()), ("user", userId ?? string.Empty))));
            return i with { Roles = roles };
        }, ct);
    }

    /// <summary>Changes the severity; the response target and status-update reminders follow the new severity.</summary>
    /// <exception cref="IncidentException">Unknown incident or severity, the same severity, or the incident is closed.</exception>
    public Task<Incident> ChangeSeverityAsync(string id, Severity severity, string actor, CancellationToken ct)
    {
        if (!Enum.IsDefined(severity))
        {
            throw new IncidentException(IncidentError.Invalid, $"unknown severity {(int)severity}; severities are P1, P2, P3 and P4");
        }
        return MutateAsync(id, actor, (i, now, batch) =>
        {
            Require(i, i.Status != IncidentStatus.Closed, "change the severity of", "a closed incident must be reopened first");
            if (i.Severity == severity)
            {
                throw new IncidentException(IncidentError.Invalid, $"{i.Id} is already {severity}");
            }
            var settings = Config.Settings;
            batch.Timeline.Add(Entry(i.Id, now, actor, TimelineKind.SeverityChanged, Data(("from", i.Severity.ToString()), ("to", severity.ToString()))));
            var updated = i with { Severity = severity };
            if (!i.ResponseTargetBreached && i.AcknowledgedAt is null)
            {
                updated = updated with { ResponseDueAt = i.CreatedAt + settings.ResponseTarget(severity) };
            }
            if (i.IsOpen)
            {
                updated = updated with
                {
                    ReminderDueAt = !settings.RemindsFor(severity) ? null : i.ReminderDueAt ?? now + settings.StatusUpdateInterval,
                };
            }
            return updated;
        }, ct);
    }

    /// <summary>Adds a free-text note to the timeline.</summary>
    /// <exception cref="IncidentException">Unknown incident or empty text.</exception>
    public Task<Incident> AddNoteAsync(string id, string text, string actor, CancellationToken ct)
    {
        CheckText(text);
        return MutateAsync(id, actor, (i, now, batch) =>
        {
            batch.Timeline.Add(new TimelineEntry(i.Id, now, actor, TimelineKind.Note, text));
            return i;
        }, ct);
    }

    /// <summary>Posts a status update; the next status-update reminder is due one interval later.</summary>
    /// <exception cref="IncidentException">Unknown incident, empty text, or the incident is closed.</exception>
    public Task<Incident> PostStatusUpdateAsync(string id, string text, string actor, CancellationToken ct)
    {
        CheckText(text);
        return MutateAsync(id, actor, (i, now, batch) =>
        {
            Require(i, i.Status != IncidentStatus.Closed, "post a status update to", "a closed incident must be reopened first");
            batch.Timeline.Add(new TimelineEntry(i.Id, now, actor, TimelineKind.StatusUpdate, text));
            var settings = Config.Settings;
            return i.IsOpen && settings.RemindsFor(i.Severity) ? i with { ReminderDueAt = now + settings.StatusUpdateInterval } : i;
        }, ct);
    }

    /// <summary>Marks the incident mitigated; escalation stops.</summary>
    /// <exception cref="IncidentException">Unknown incident, or it is not triggered or acknowledged.</exception>
    public Task<Incident> MitigateAsync(string id, string actor, CancellationToken ct) =>
        TransitionAsync(id, actor, TimelineKind.Mitigated, (i, now) => i.Mitigate(now), ct);

    /// <summary>Resolves the incident; escalation and reminders stop.</summary>
    /// <exception cref="IncidentException">Unknown incident, or it is not open.</exception>
    public Task<Incident> ResolveAsync(string id, string actor, CancellationToken ct) =>
        TransitionAsync(id, actor, TimelineKind.Resolved, (i, now) => i.Resolve(now), ct);

    /// <summary>Closes a resolved incident.</summary>
    /// <exception cref="IncidentException">Unknown incident, or it is not resolved.</exception>
    public Task<Incident> CloseAsync(string id, string actor, CancellationToken ct) =>
        TransitionAsync(id, actor, TimelineKind.Closed, (i, now) => i.Close(now), ct);

    /// <summary>A lifecycle step by a person: the incident's own transition (which refuses an invalid one), its timeline
    /// entry, and the response-target breach the transition may reveal.</summary>
    Task<Incident> TransitionAsync(string id, string actor, TimelineKind kind, Func<Incident, DateTimeOffset, Incident> transition, CancellationToken ct) =>
        MutateAsync(id, actor, (i, now, batch) =>
        {
            var updated = transition(i, now);
            batch.Timeline.Add(Entry(i.Id, now, actor, kind, Data()));
            BreachEntry(i, updated, now, batch);
            return updated;
        }, ct);

    /// <summary>Reopens a resolved or closed incident: triggered again, escalation restarts at the first level.</summary>
    /// <exception cref="IncidentException">Unknown incident, not resolved or closed, or its group already has another open incident.</exception>
    public Task<Incident> ReopenAsync(string id, string actor, CancellationToken ct) =>
        MutateAsync(id, actor, (i, now, batch) =>
        {
            if (i.GroupKey is { } key && _lastByGroup.TryGetValue(key, out var current) && current.IsOpen && current.Id != i.Id)
            {
                throw new IncidentException(IncidentError.InvalidTransition, $"cannot reopen {i.Id}: its alert group already has the open incident {current.Id}");
            }
            var config = Config;
            var reopened = i.Reopen(now, config.Settings.ResponseTarget(i.Severity));
            return Start(reopened, actor, TimelineKind.Reopened, Data(), now, config, batch);
        }, ct);

    /// <summary>Appends an event that happened outside the engine (for example <see cref="TimelineKind.NotificationSent"/>) to the timeline.</summary>
    /// <exception cref="IncidentException">Unknown incident or empty text.</exception>
    public Task<Incident> RecordEventAsync(string id, TimelineKind kind, string text, IReadOnlyDictionary<string, string>? data, string actor, CancellationToken ct)
    {
        CheckText(text);
        if (!Enum.IsDefined(kind))
        {
            throw new IncidentException(IncidentError.Invalid, $"unknown timeline kind {(int)kind}");
        }
        return MutateAsync(id, actor, (i, now, batch) =>
        {
            batch.Timeline.Add(new TimelineEntry(i.Id, now, actor, kind, text, data ?? Data()));
            return i;
        }, ct);
    }

    /// <summary>The incident with <paramref name="id"/>, or null.</summary>
    public async Task<Incident?> GetAsync(string id, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return _open.TryGetValue(id, out var i) ? i : await _store.GetAsync(id, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The latest incident opened for aggregation group <paramref name="groupKey"/> (open or not), or null; lets the
    /// dispatcher put "notification sent" on the right timeline with <see cref="RecordEventAsync"/>.</summary>
    public async Task<Incident?> GetByGroupAsync(string groupKey, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return _lastByGroup.TryGetValue(groupKey, out var i) ? (_open.TryGetValue(i.Id, out var open) ? open : i) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Incidents matching <paramref name="query"/>, newest first.</summary>
    public Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken ct) => _store.ListAsync(query, ct);

    /// <summary>The timeline of <paramref name="id"/>, oldest first.</summary>
    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string id, CancellationToken ct) => _store.GetTimelineAsync(id, ct);

    /// <summary>The pages of <paramref name="id"/> in the order they were recorded.</summary>
    public Task<IReadOnlyList<PageRecord>> GetPagesAsync(string id, CancellationToken ct) => _store.GetPagesAsync(id, ct);

    /// <summary>A copy of the open incidents held in memory.</summary>
    public IReadOnlyList<Incident> OpenIncidents()
    {
        _gate.Wait();
        try
        {
            return [.. _open.Values];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The number of open incidents held in memory.</summary>
    public int OpenCount
    {
        get
        {
            _gate.Wait();
            try
            {
                return _open.Count;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Completes when no timer step, page or page outcome is in flight (for tests and orderly shutdown).</summary>
    public async Task IdleAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_tasksLock)
            {
                pending = [.. _tasks];
            }
            if (pending.Length == 0)
            {
                return;
            }
            try
            {
                await Task.WhenAll(pending);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Volatile.Write(ref _lastBackgroundError, ex);
            }
        }
    }

    /// <summary>Stops the timer and cancels pages in flight; what was committed stays committed.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _timer.Dispose();
        // Not disposed: pages still in flight read its token; cancelling is what stops them.
        _stopping.Cancel();
    }

    // ---- lifecycle steps (called under the gate) ----

    Incident Open(Incident incident, string actor, Dictionary<string, string> opener, DateTimeOffset now, IncidentConfig config, Batch batch)
    {
        var opened = incident with
        {
            CreatedAt = now,
            CreatedBy = actor,
            ResponseDueAt = now + config.Settings.ResponseTarget(incident.Severity),
        };
        return Start(opened, actor, TimelineKind.Created, opener, now, config, batch);
    }

    Incident Start(Incident incident, string actor, TimelineKind kind, Dictionary<string, string> data, DateTimeOffset now, IncidentConfig config, Batch batch)
    {
        var settings = config.Settings;
        data["severity"] = incident.Severity.ToString();
        data["escalation_policy"] = incident.EscalationPolicy ?? string.Empty;
        batch.Timeline.Add(Entry(incident.Id, now, actor, kind, data));
        var started = incident with
        {
            ReminderDueAt = settings.RemindsFor(incident.Severity) ? now + settings.StatusUpdateInterval : null,
        };
        if (started.EscalationPolicy is { } p && config.EscalationPolicies.TryGetValue(p, out var policy))
        {
            started = PageLevel(started, policy, 0, 0, now, batch, PageReason.Escalation, Actors.System, rearm: true);
        }
        return started;
    }

    Incident Acknowledge(Incident i, string actor, DateTimeOffset now, Batch batch, bool viaLink = false)
    {
        var updated = i.Acknowledge(actor, now);
        var data = Data(("time_to_acknowledge_ms", Milliseconds(now - i.CreatedAt)));
        if (viaLink)
        {
            data["via"] = "link";
        }
        batch.Timeline.Add(Entry(i.Id, now, actor, TimelineKind.Acknowledged, data));
        BreachEntry(i, updated, now, batch);
        return updated;
    }

    void BreachEntry(Incident before, Incident after, DateTimeOffset now, Batch batch)
    {
        if (!before.ResponseTargetBreached && after.ResponseTargetBreached)
        {
            batch.Timeline.Add(BreachTimeline(after, now));
        }
    }

    TimelineEntry BreachTimeline(Incident i, DateTimeOffset now) =>
        Entry(i.Id, now, Actors.System, TimelineKind.ResponseTargetBreached,
            Data(("severity", i.Severity.ToString()), ("target_ms", Milliseconds(i.ResponseDueAt - i.CreatedAt))));

    /// <summary>Runs whatever is due for one incident at <paramref name="now"/>: response target, escalation step, reminder.</summary>
    Incident RunDue(Incident i, DateTimeOffset now, IncidentConfig config, Batch batch)
    {
        if (i.Status == IncidentStatus.Triggered && !i.ResponseTargetBreached && i.ResponseDueAt <= now)
        {
            i = i with { ResponseTargetBreached = true };
            batch.Timeline.Add(BreachTimeline(i, now));
        }
        if (i.Escalation.NextDueAt is { } e && e <= now)
        {
            if (i.EscalationPolicy is not { } p || !config.EscalationPolicies.TryGetValue(p, out var policy))
            {
                batch.Timeline.Add(Entry(i.Id, now, Actors.System, TimelineKind.EscalationStopped,
                    Data((TimelineText.Cause, "policy_missing"), ("escalation_policy", i.EscalationPolicy ?? string.Empty))));
                i = i with { Escalation = i.Escalation with { NextDueAt = null, Exhausted = true } };
            }
            else if (NextStep(i, policy) is { } next)
            {
                i = PageLevel(i, policy, next.Level, next.Repeat, now, batch, PageReason.Escalation, Actors.System, rearm: true);
            }
            else
            {
                batch.Timeline.Add(Entry(i.Id, now, Actors.System, TimelineKind.EscalationStopped,
                    Data((TimelineText.Cause, "exhausted"), ("escalation_policy", policy.Id), ("last_level", policy.Levels[^1].Name),
                        ("repeats", policy.Repeat.ToString(CultureInfo.InvariantCulture)))));
                i = i with { Escalation = i.Escalation with { NextDueAt = null, Exhausted = true } };
            }
        }
        if (i.ReminderDueAt is { } r && r <= now)
        {
            i = Remind(i, now, config, batch);
        }
        return i;
    }

    static (int Level, int Repeat)? NextStep(Incident i, EscalationPolicy policy)
    {
        var level = i.Escalation.Level + 1;
        var repeat = i.Escalation.Repeat;
        if (level < policy.Levels.Count)
        {
            return (level, repeat);
        }
        return repeat < policy.Repeat ? (0, repeat + 1) : null;
    }

    Incident PageLevel(Incident i, EscalationPolicy policy, int level, int repeat, DateTimeOffset now, Batch batch, PageReason reason, string actor, bool rearm)
    {
        var lvl = policy.Levels[level];
        var users = ResolveLevel(i, lvl, now, batch);
        batch.Timeline.Add(Entry(i.Id, now, actor, TimelineKind.Escalated,
            Data(("level", level.ToString(CultureInfo.InvariantCulture)), ("level_name", lvl.Name),
                ("repeat", repeat.ToString(CultureInfo.InvariantCulture)), ("users", string.Join(",", users)),
                ("reason", reason.ToString()), ("targets", string.Join(", ", lvl.Targets)))));
        var updated = i with
        {
            Escalation = new EscalationState(level, repeat, i.Escalation.Cycle, rearm ? now + lvl.Timeout : i.Escalation.NextDueAt, false),
        };
        foreach (var user in users)
        {
            AddPage(batch, updated, $"{Cycle(i)}/r{repeat}/l{level}/{user}", level, lvl.Name, repeat, user, reason, now);
        }
        return updated;
    }

    List<string> ResolveLevel(Incident i, EscalationLevel level, DateTimeOffset now, Batch batch)
    {
        var users = new List<string>();
        foreach (var target in level.Targets)
        {
            IReadOnlyList<string> resolved;
            try
            {
                resolved = _resolver.ResolveUsers(target, now);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One broken schedule must not stop the other targets of the level from being paged.
                batch.Timeline.Add(Entry(i.Id, now, Actors.System, TimelineKind.PageFailed,
                    Data((TimelineText.Cause, "unresolved"), ("target", target.ToString()), ("level_name", level.Name), ("error", ex.Message))));
                continue;
            }
            foreach (var u in resolved)
            {
                if (!string.IsNullOrWhiteSpace(u) && !u.Contains('/', StringComparison.Ordinal) && !users.Contains(u))
                {
                    users.Add(u);
                }
            }
        }
        return users;
    }

    Incident Remind(Incident i, DateTimeOffset now, IncidentConfig config, Batch batch)
    {
        var settings = config.Settings;
        var n = i.Reminders + 1;
        var recipients = new List<string>();
        var named = i.Roles.GetValueOrDefault(IncidentRole.CommunicationsLead)
            ?? i.Roles.GetValueOrDefault(IncidentRole.Commander) ?? i.Assignee ?? i.AcknowledgedBy;
        var levelName = "status update";
        if (named is not null)
        {
            recipients.Add(named);
        }
        else if (i.EscalationPolicy is { } p && config.EscalationPolicies.TryGetValue(p, out var policy))
        {
            var lvl = policy.Levels[Math.Min(i.Escalation.Level, policy.Levels.Count - 1)];
            recipients.AddRange(ResolveLevel(i, lvl, now, batch));
        }
        batch.Timeline.Add(Entry(i.Id, now, Actors.System, TimelineKind.Reminder,
            Data(("reminder", n.ToString(CultureInfo.InvariantCulture)), ("users", string.Join(",", recipients)),
                ("severity", i.Severity.ToString()), ("interval_ms", Milliseconds(settings.StatusUpdateInterval)))));
        var updated = i with { Reminders = n, ReminderDueAt = now + settings.StatusUpdateInterval };
        foreach (var user in recipients)
        {
            AddPage(batch, updated, $"{Cycle(i)}/reminder{n}/{user}", i.Escalation.Level, levelName, i.Escalation.Repeat, user, PageReason.Reminder, now);
        }
        return updated;
    }

    static Incident Attach(Incident incident, List<Alert> firing, DateTimeOffset now, Batch batch)
    {
        HashSet<Fingerprint>? known = null;
        List<Fingerprint>? added = null;
        foreach (var a in firing)
        {
            known ??= [.. incident.Alerts];
            if (known.Add(a.Fingerprint))
            {
                (added ??= []).Add(a.Fingerprint);
                var name = a.Labels.Get("alertname");
                batch.Timeline.Add(Entry(incident.Id, now, Actors.System, TimelineKind.AlertAttached,
                    Data(("fingerprint", a.Fingerprint.ToString()), ("alertname", name), ("labels", a.Labels.ToString()))));
            }
        }
        return added is null ? incident : incident with { Alerts = [.. incident.Alerts, .. added] };
    }

    static (IncidentPolicy? Policy, List<Alert> Matching) Match(IncidentConfig config, GroupObservation group, List<Alert> firing)
    {
        foreach (var policy in config.IncidentPolicies)
        {
            if (policy.Receivers is { } receivers && !receivers.Contains(group.Receiver))
            {
                continue;
            }
            var matching = new List<Alert>();
            foreach (var a in firing)
            {
                if (policy.Matchers.Matches(a.Labels))
                {
                    matching.Add(a);
                }
            }
            if (matching.Count > 0)
            {
                return (policy, matching);
            }
        }
        return (null, []);
    }

    /// <summary>After a group's incident is resolved, a new one opens only for trouble it did not cover: an alert it never
    /// had, or one that started firing again after the resolution (so a manual resolve does not reopen at the next flush).</summary>
    static bool IsNewTrouble(Incident? last, List<Alert> firing)
    {
        if (last is null)
        {
            return true;
        }
        var resolvedAt = last.ResolvedAt ?? last.ClosedAt ?? DateTimeOffset.MinValue;
        HashSet<Fingerprint> known = [.. last.Alerts];
        foreach (var a in firing)
        {
            if (!known.Contains(a.Fingerprint) || a.StartsAt > resolvedAt)
            {
                return true;
            }
        }
        return false;
    }

    static IncidentPolicy? FindPolicy(IncidentConfig config, string? name)
    {
        if (name is null)
        {
            return null;
        }
        foreach (var p in config.IncidentPolicies)
        {
            if (p.Name == name)
            {
                return p;
            }
        }
        return null;
    }

    void AddPage(Batch batch, Incident i, string suffix, int level, string levelName, int repeat, string user, PageReason reason, DateTimeOffset now) =>
        batch.Pages.Add(new PageRecord(i.Id + "/" + suffix, i.Id, level, levelName, repeat, user, reason, PageState.Pending, now, 0, null, null));

    static string Cycle(Incident i) => "c" + i.Escalation.Cycle.ToString(CultureInfo.InvariantCulture);

    // ---- plumbing ----

    async Task<Incident> MutateAsync(string id, string actor, Func<Incident, DateTimeOffset, Batch, Incident> change, CancellationToken ct)
    {
        CheckActor(actor);
        ArgumentNullException.ThrowIfNull(id);
        List<(PageRecord, Incident)> sends;
        Incident result;
        await _gate.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            var incident = (_open.TryGetValue(id, out var open) ? open : await _store.GetAsync(id, ct))
                ?? throw new IncidentException(IncidentError.NotFound, $"incident \"{id}\" not found");
            var batch = new Batch();
            result = change(incident, now, batch);
            if (batch.IsEmpty && ReferenceEquals(result, incident))
            {
                return result;
            }
            batch.Put(result);
            sends = await CommitAsync(batch, now);
        }
        finally
        {
            _gate.Release();
        }
        StartSends(sends);
        return result;
    }

    /// <summary>Writes the batch, then (and only then) applies it in memory and re-arms the timer.</summary>
    async Task<List<(PageRecord, Incident)>> CommitAsync(Batch batch, DateTimeOffset now)
    {
        // Not cancellable: once decided, a change is written whole or not at all.
        await _store.SaveAsync(new IncidentChange([.. batch.Incidents.Values], batch.Timeline, batch.Pages), CancellationToken.None);
        foreach (var incident in batch.Incidents.Values)
        {
            Apply(incident);
        }
        Arm(now);
        var sends = new List<(PageRecord, Incident)>(batch.Pages.Count);
        foreach (var page in batch.Pages)
        {
            if (page.State == PageState.Pending && batch.Incidents.TryGetValue(page.IncidentId, out var incident))
            {
                sends.Add((page, incident));
            }
        }
        return sends;
    }

    void Apply(Incident incident)
    {
        if (incident.IsOpen)
        {
            _open[incident.Id] = incident;
            Schedule(incident);
        }
        else
        {
            _open.Remove(incident.Id);
        }
        if (incident.GroupKey is { } key && (incident.IsOpen || !_lastByGroup.TryGetValue(key, out var last) || last.Id == incident.Id || Newer(incident, last) && !last.IsOpen))
        {
            _lastByGroup[key] = incident;
        }
    }

    static bool Newer(Incident a, Incident b) => a.IsOpen != b.IsOpen ? a.IsOpen : a.Number > b.Number;

    void Schedule(Incident incident)
    {
        if (incident.NextDueAt is { } due)
        {
            _due.Enqueue(incident.Id, due);
        }
        // Stale entries are skipped lazily; rebuild when they dominate so the queue stays proportional to open incidents.
        if (_due.Count > (4 * _open.Count) + 1024)
        {
            _due.Clear();
            foreach (var i in _open.Values)
            {
                if (i.NextDueAt is { } d)
                {
                    _due.Enqueue(i.Id, d);
                }
            }
        }
    }

    bool IsCurrent(string id, DateTimeOffset due) => _open.TryGetValue(id, out var i) && i.NextDueAt == due;

    void Arm(DateTimeOffset now)
    {
        while (_due.TryPeek(out var id, out var due) && !IsCurrent(id, due))
        {
            _due.Dequeue();
        }
        if (_due.TryPeek(out _, out var next))
        {
            var wait = next - now;
            ChangeTimer(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
        }
        else
        {
            ChangeTimer(Timeout.InfiniteTimeSpan);
        }
    }

    void ChangeTimer(TimeSpan dueIn)
    {
        if (Volatile.Read(ref _disposed))
        {
            return;
        }
        try
        {
            _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the call: the engine is stopping and arms nothing more.
        }
    }

    async Task ProcessDueAsync()
    {
        List<(PageRecord, Incident)> sends = [];
        await _gate.WaitAsync();
        try
        {
            var now = _time.GetUtcNow();
            var config = Config;
            var batch = new Batch();
            var taken = new List<(string Id, DateTimeOffset Due)>();
            while (_due.TryPeek(out var id, out var due) && due <= now)
            {
                _due.Dequeue();
                if (!IsCurrent(id, due) || batch.Incidents.ContainsKey(id))
                {
                    continue;
                }
                taken.Add((id, due));
                batch.Put(RunDue(_open[id], now, config, batch));
            }
            if (batch.IsEmpty)
            {
                Arm(now);
                return;
            }
            try
            {
                sends = await CommitAsync(batch, now);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Nothing was applied: put the steps back and try again shortly, so no escalation is lost.
                Volatile.Write(ref _lastBackgroundError, ex);
                foreach (var (id, due) in taken)
                {
                    _due.Enqueue(id, due);
                }
                ChangeTimer(RetryDelay);
            }
        }
        finally
        {
            _gate.Release();
        }
        StartSends(sends);
    }

    void StartSends(List<(PageRecord Page, Incident Incident)> sends)
    {
        if (sends.Count == 0)
        {
            return;
        }
        // Pages that complete while this loop runs leave their outcomes for the one flush after it, so a burst of
        // pages (10,000 escalations in one tick) records its outcomes in a few transactions instead of one each.
        Interlocked.Increment(ref _startingSends);
        try
        {
            foreach (var (page, incident) in sends)
            {
                Track(SendAsync(page, incident));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _startingSends);
        }
        Track(FlushOutcomesAsync());
    }

    async Task SendAsync(PageRecord record, Incident incident)
    {
        PageOutcome outcome;
        var token = _stopping.Token;
        await _pageSlots.WaitAsync(token);
        try
        {
            var expires = _time.GetUtcNow() + Config.Settings.AckTokenLifetime;
            var page = new Page(record.Id, incident, record.Level, record.LevelName, record.UserId,
                AckTokens.Create(_ackKey, incident.Id, record.UserId, expires), expires, record.Reason)
            { DecidedAt = record.CreatedAt };
            try
            {
                outcome = await _pager.PageAsync(page, token) ?? PageOutcome.Failure("the pager returned no outcome");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Shutting down: the page stays pending and is sent after the restart.
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                outcome = PageOutcome.Failure(ex.Message);
            }
        }
        finally
        {
            _pageSlots.Release();
        }
        _outcomes.Enqueue((record, outcome));
        if (Volatile.Read(ref _startingSends) == 0)
        {
            await FlushOutcomesAsync();
        }
    }

    /// <summary>Records every page outcome waiting, in one transaction (outcomes of a burst of pages share a commit).</summary>
    async Task FlushOutcomesAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_outcomes.IsEmpty)
            {
                return;
            }
            var now = _time.GetUtcNow();
            var pages = new List<PageRecord>();
            var timeline = new List<TimelineEntry>();
            while (_outcomes.TryDequeue(out var item))
            {
                var (page, outcome) = item;
                pages.Add(page with
                {
                    State = outcome.Delivered ? PageState.Sent : PageState.Failed,
                    Attempts = page.Attempts + 1,
                    LastAttemptAt = now,
                    Error = outcome.Delivered ? null : outcome.Error ?? "unknown error",
                });
                timeline.Add(outcome.Delivered
                    ? Entry(page.IncidentId, now, Actors.System, TimelineKind.PageDelivered, PageData(page))
                    : Entry(page.IncidentId, now, Actors.System, TimelineKind.PageFailed, PageData(page, (TimelineText.Cause, "delivery"), ("error", outcome.Error ?? string.Empty))));
            }
            try
            {
                await _store.SaveAsync(new IncidentChange([], timeline, pages), CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The pages stay pending in the store and go out again after a restart (at least once, never lost).
                Volatile.Write(ref _lastBackgroundError, ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    void Track(Task task)
    {
        lock (_tasksLock)
        {
            _tasks.Add(task);
        }
        task.ContinueWith(t =>
        {
            if (t.Exception is { } ex)
            {
                Volatile.Write(ref _lastBackgroundError, ex.InnerException ?? ex);
            }
            lock (_tasksLock)
            {
                _tasks.Remove(t);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    static Dictionary<string, string> PageData(PageRecord page, params (string Key, string Value)[] more)
    {
        var data = Data(("page", page.Id), ("user", page.UserId), ("level", page.Level.ToString(CultureInfo.InvariantCulture)),
            ("level_name", page.LevelName), ("reason", page.Reason.ToString()));
        foreach (var (k, v) in more)
        {
            data[k] = v;
        }
        return data;
    }

    /// <summary>A timeline entry whose stored sentence is the English one <see cref="TimelineText"/> builds from the data,
    /// so Spanish readers get the same sentence rebuilt from the same data.</summary>
    static TimelineEntry Entry(string incidentId, DateTimeOffset now, string actor, TimelineKind kind, Dictionary<string, string> data) =>
        new(incidentId, now, actor, kind, TimelineText.English(kind, actor, data), data);

    static string Milliseconds(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    static Dictionary<string, string> Data(params (string Key, string Value)[] pairs)
    {
        var d = new Dictionary<string, string>(pairs.Length, StringComparer.Ordinal);
        foreach (var (k, v) in pairs)
        {
            d[k] = v;
        }
        return d;
    }

    static void Require(Incident i, bool condition, string action, string rule)
    {
        if (!condition)
        {
            throw new IncidentException(IncidentError.InvalidTransition, $"cannot {action} {i.Id}: it is {i.Status.ToString().ToLowerInvariant()}; {rule}");
        }
    }

    static void CheckActor(string actor)
    {
        if (string.IsNullOrWhiteSpace(actor))
        {
            throw new IncidentException(IncidentError.Invalid, "every incident action needs an actor (a user id, \"system\" or a token name)");
        }
    }

    static void CheckUser(string userId)
    {
        if (string.IsNullOrWhiteSpace(userId) || userId.Contains('/', StringComparison.Ordinal) || userId.Contains('\n', StringComparison.Ordinal) || userId.Length > 200)
        {
            throw new IncidentException(IncidentError.Invalid, $"\"{userId}\" is not a valid user id");
        }
    }

    static void CheckText(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
        {
            throw new IncidentException(IncidentError.Invalid, $"the text must have 1 to {MaxTextLength} characters");
        }
    }

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    /// <summary>The writes one operation makes; incidents keyed by id so a step that touches one twice writes it once.</summary>
    sealed class Batch
    {
        public Dictionary<string, Incident> Incidents { get; } = new(StringComparer.Ordinal);

        public List<TimelineEntry> Timeline { get; } = [];

        public List<PageRecord> Pages { get; } = [];

        public bool IsEmpty => Incidents.Count == 0 && Timeline.Count == 0 && Pages.Count == 0;

        public void Put(Incident incident) => Incidents[incident.Id] = incident;
    }
}
