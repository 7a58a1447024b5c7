namespace Guardia.Core.OnCall;

/// <summary>Computes who is on call in a schedule and when handoffs happen; pure functions of the schedule and an instant.</summary>
/// <remarks>Turns are laid out on the schedule zone's local calendar: turn <c>k</c> of a layer runs from the local time
/// <c>Start + k × Length</c> to <c>Start + (k + 1) × Length</c>, and each boundary becomes an instant through
/// <see cref="WallClock.ToInstant"/>. A weekly layer starting Monday 09:00 therefore hands off every Monday at 09:00 local
/// time even when a DST change makes that turn 167 or 169 hours long. A boundary in a skipped hour happens when the
/// clock jumps; one in a repeated hour happens the first time the clock reads it. A turn that collapses to nothing (only
/// possible when a turn is shorter than a DST jump) still uses up its participant, so the order stays predictable.
/// Restrictions blank a layer outside their windows. An override puts its user in the layer's place for its whole
/// period, restrictions and the layer's start notwithstanding; when overrides of one layer overlap, the one written
/// last wins.</remarks>
public static class OnCallResolver
{
    static readonly TimeSpan RestrictionReach = TimeSpan.FromDays(8);

    /// <summary>Returns who each layer has on call at <paramref name="at"/> and the final priority list.</summary>
    public static OnCallState WhoIsOnCall(Schedule schedule, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var layers = new LayerOnCall[schedule.Layers.Count];
        var final = new List<string>(layers.Length);
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = Evaluate(schedule, i, at);
            if (layers[i].UserId is { } user && !final.Contains(user))
            {
                final.Add(user);
            }
        }
        return new OnCallState(schedule.Id, at, layers, final);
    }

    /// <summary>Lists every change of a layer's user with <paramref name="from"/> &lt; instant &lt;= <paramref name="to"/>,
    /// in time order (layer order for the same instant): rotation handoffs, restriction windows opening and closing, and
    /// overrides starting and ending. Boundaries where the user stays the same are left out.</summary>
    public static IReadOnlyList<Handoff> Handoffs(Schedule schedule, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var result = new List<(Handoff Handoff, int Layer)>();
        for (var i = 0; i < schedule.Layers.Count; i++)
        {
            for (var t = from; NextEvent(schedule, i, t) is { } instant && instant <= to; t = instant)
            {
                if (ChangeAt(schedule, i, instant) is { } handoff)
                {
                    result.Add((handoff, i));
                }
            }
        }
        result.Sort((a, b) => a.Handoff.At != b.Handoff.At ? a.Handoff.At.CompareTo(b.Handoff.At) : a.Layer.CompareTo(b.Layer));
        return [.. result.Select(r => r.Handoff)];
    }

    /// <summary>The instant of the first handoff strictly after <paramref name="after"/>; null when the schedule never changes again.</summary>
    public static DateTimeOffset? NextHandoff(Schedule schedule, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        DateTimeOffset? best = null;
        for (var i = 0; i < schedule.Layers.Count; i++)
        {
            var layer = schedule.Layers[i];
            // Past its start and its last override edge a layer repeats: its rotation within participants × length and
            // its restrictions within a week. Walking that long past those fixed points without a change means no change ever.
            var settled = WallClock.ToInstant(layer.Start, schedule.TimeZone);
            foreach (var o in schedule.Overrides)
            {
                if (Applies(o, schedule, i))
                {
                    settled = Max(settled, o.End);
                }
            }
            var cycle = layer.Length.Ticks >= TimeSpan.MaxValue.Ticks / 4 / layer.Participants.Count
                ? TimeSpan.MaxValue / 4
                : (layer.Length * layer.Participants.Count) + RestrictionReach;
            DateTimeOffset? limit = null;
            for (var t = after; NextEvent(schedule, i, t) is { } instant && (best is null || instant < best); t = instant)
            {
                if (ChangeAt(schedule, i, instant) is not null)
                {
                    best = instant;
                    break;
                }
                if (instant >= settled)
                {
                    limit ??= DateTimeOffset.MaxValue - instant > cycle ? instant + cycle : DateTimeOffset.MaxValue;
                    if (instant >= limit)
                    {
                        break;
                    }
                }
            }
        }
        return best;
    }

    static Handoff? ChangeAt(Schedule schedule, int index, DateTimeOffset instant)
    {
        var before = Evaluate(schedule, index, instant.AddTicks(-1)).UserId;
        var after = Evaluate(schedule, index, instant).UserId;
        return string.Equals(before, after, StringComparison.Ordinal) ? null : new Handoff(instant, schedule.Layers[index].Name, before, after);
    }

    /// <summary>The first instant after <paramref name="t"/> at which the layer's answer may change: a rotation boundary,
    /// a restriction edge or an override edge; null when there is none before the end of the calendar.</summary>
    static DateTimeOffset? NextEvent(Schedule schedule, int index, DateTimeOffset t)
    {
        var layer = schedule.Layers[index];
        var zone = schedule.TimeZone;
        DateTimeOffset? next = null;
        void Consider(DateTimeOffset instant)
        {
            if (instant > t && instant != DateTimeOffset.MaxValue && (next is null || instant < next))
            {
                next = instant;
            }
        }

        var first = WallClock.ToInstant(layer.Start, zone);
        Consider(t < first ? first : Boundary(layer, zone, ShiftIndex(layer, zone, t) + 1));
        // Before the layer starts nobody is on call whatever the restrictions say, so only overrides and the start matter.
        if (t >= first && layer.Restrictions.Count > 0)
        {
            var today = WallClock.ToLocal(t, zone).Date;
            for (var d = -1; d <= RestrictionReach.Days; d++)
            {
                if (AddDays(today, d) is { } day)
                {
                    foreach (var (start, end) in WindowsStartingOn(layer, zone, day))
                    {
                        Consider(start);
                        Consider(end);
                    }
                }
            }
        }
        foreach (var o in schedule.Overrides)
        {
            if (Applies(o, schedule, index))
            {
                Consider(o.Start);
                Consider(o.End);
            }
        }
        return next;
    }

    static LayerOnCall Evaluate(Schedule schedule, int index, DateTimeOffset at)
    {
        var layer = schedule.Layers[index];
        ScheduleOverride? active = null;
        DateTimeOffset? previousEdge = null;
        DateTimeOffset? nextEdge = null;
        foreach (var o in schedule.Overrides)
        {
            if (!Applies(o, schedule, index))
            {
                continue;
            }
            if (o.Start <= at && at < o.End)
            {
                active = o;
            }
            foreach (var edge in (ReadOnlySpan<DateTimeOffset>)[o.Start, o.End])
            {
                if (edge <= at)
                {
                    previousEdge = previousEdge is null ? edge : Max(previousEdge.Value, edge);
                }
                else
                {
                    nextEdge = nextEdge is null ? edge : Min(nextEdge.Value, edge);
                }
            }
        }
        if (active is not null)
        {
            return new LayerOnCall(layer.Name, active.User, previousEdge, nextEdge ?? active.End, true);
        }
        var (user, start, end) = Rotation(layer, schedule.TimeZone, at);
        if (previousEdge is { } p)
        {
            start = start is null ? p : Max(start.Value, p);
        }
        if (nextEdge is { } n)
        {
            end = Min(end, n);
        }
        return new LayerOnCall(layer.Name, user, start, end, false);
    }

    static (string? User, DateTimeOffset? Start, DateTimeOffset End) Rotation(ScheduleLayer layer, TimeZoneInfo zone, DateTimeOffset at)
    {
        var first = WallClock.ToInstant(layer.Start, zone);
        if (at < first)
        {
            return (null, null, first);
        }
        var k = ShiftIndex(layer, zone, at);
        var start = Boundary(layer, zone, k);
        var end = Boundary(layer, zone, k + 1);
        var user = layer.Participants[(int)(k % layer.Participants.Count)];
        if (layer.Restrictions.Count == 0)
        {
            return (user, start, end);
        }
        var (inside, windowStart, windowEnd) = Window(layer, zone, at);
        return (inside ? user : null, Max(start, windowStart), Min(end, windowEnd));
    }

    /// <summary>The turn containing <paramref name="at"/>, which must not be before the layer's first handoff.</summary>
    static long ShiftIndex(ScheduleLayer layer, TimeZoneInfo zone, DateTimeOffset at)
    {
        // Estimate from the local clock, then step to the exact turn; the estimate is off by at most one DST jump.
        var local = WallClock.ToLocal(at, zone);
        var k = Math.Max(0, (local.Ticks - layer.Start.Ticks) / layer.Length.Ticks);
        while (k > 0 && Boundary(layer, zone, k) > at)
        {
            k--;
        }
        for (var next = Boundary(layer, zone, k + 1); next <= at && next != DateTimeOffset.MaxValue; next = Boundary(layer, zone, k + 1))
        {
            k++;
        }
        return k;
    }

    /// <summary>The instant turn <paramref name="k"/> begins; <see cref="DateTimeOffset.MaxValue"/> past the calendar's end.</summary>
    static DateTimeOffset Boundary(ScheduleLayer layer, TimeZoneInfo zone, long k)
    {
        var room = DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay - layer.Start.Ticks;
        if (k > room / layer.Length.Ticks)
        {
            return DateTimeOffset.MaxValue;
        }
        return WallClock.ToInstant(layer.Start.AddTicks(k * layer.Length.Ticks), zone);
    }

    /// <summary>Whether <paramref name="at"/> is inside a restriction window, and the window or the gap between windows around it.</summary>
    static (bool Inside, DateTimeOffset Start, DateTimeOffset End) Window(ScheduleLayer layer, TimeZoneInfo zone, DateTimeOffset at)
    {
        var today = WallClock.ToLocal(at, zone).Date;
        var windows = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        for (var d = -RestrictionReach.Days; d <= RestrictionReach.Days; d++)
        {
            if (AddDays(today, d) is { } day)
            {
                windows.AddRange(WindowsStartingOn(layer, zone, day));
            }
        }
        windows.Sort((a, b) => a.Start.CompareTo(b.Start));
        var gapStart = DateTimeOffset.MinValue;
        var i = 0;
        while (i < windows.Count)
        {
            // Overlapping or touching windows form one stretch on call.
            var (start, end) = windows[i++];
            while (i < windows.Count && windows[i].Start <= end)
            {
                end = Max(end, windows[i++].End);
            }
            if (at < start)
            {
                return (false, gapStart, start);
            }
            if (at < end)
            {
                return (true, start, end);
            }
            gapStart = end;
        }
        return (false, gapStart, DateTimeOffset.MaxValue);
    }

    static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> WindowsStartingOn(ScheduleLayer layer, TimeZoneInfo zone, DateTime day)
    {
        foreach (var r in layer.Restrictions)
        {
            if (!r.Days.Contains(day.DayOfWeek))
            {
                continue;
            }
            if (AddDays(day, 2) is null)
            {
                yield break;
            }
            var start = WallClock.ToInstant(day + r.From, zone);
            var end = WallClock.ToInstant(r.To > r.From ? day + r.To : day.AddDays(1) + r.To, zone);
            if (end > start)
            {
                yield return (start, end);
            }
        }
    }

    static bool Applies(ScheduleOverride o, Schedule schedule, int index) =>
        o.Layer is null ? index == 0 : string.Equals(o.Layer, schedule.Layers[index].Name, StringComparison.Ordinal);

    static DateTime? AddDays(DateTime day, int days)
    {
        var ticks = day.Ticks + (days * TimeSpan.TicksPerDay);
        return ticks >= 0 && ticks <= DateTime.MaxValue.Ticks ? new DateTime(ticks, DateTimeKind.Unspecified) : null;
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
