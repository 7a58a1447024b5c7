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
        if (to <= from)
        {
            return [];
        }
        var zone = schedule.TimeZone;
        for (var i = 0; i < schedule.Layers.Count; i++)
        {
            var layer = schedule.Layers[i];
            var events = new SortedSet<DateTimeOffset>();
            void Add(DateTimeOffset instant)
            {
                if (instant > from && instant <= to)
                {
                    events.Add(instant);
                }
            }

            var first = WallClock.ToInstant(layer.Start, zone);
            Add(first);
            if (to >= first)
            {
                var k = from < first ? 0 : ShiftIndex(layer, zone, from);
                for (var b = Boundary(layer, zone, k + 1); b <= to && b != DateTimeOffset.MaxValue; b = Boundary(layer, zone, ++k + 1))
                {
                    Add(b);
                }
            }
            if (layer.Restrictions.Count > 0)
            {
                var last = WallClock.ToLocal(to, zone).Date.AddDays(1);
                for (var day = WallClock.ToLocal(from, zone).Date.AddDays(-1); day <= last; day = day.AddDays(1))
                {
                    foreach (var (start, end) in WindowsStartingOn(layer, zone, day))
                    {
                        Add(start);
                        Add(end);
                    }
                }
            }
            foreach (var o in schedule.Overrides)
            {
                if (Applies(o, schedule, i))
                {
                    Add(o.Start);
                    Add(o.End);
                }
            }
            foreach (var instant in events)
            {
                var before = Evaluate(schedule, i, instant.AddTicks(-1)).UserId;
                var after = Evaluate(schedule, i, instant).UserId;
                if (!string.Equals(before, after, StringComparison.Ordinal))
                {
                    result.Add((new Handoff(instant, layer.Name, before, after), i));
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
        // Past every layer start and override end, each layer repeats: its rotation within participants × length and its
        // restrictions within a week. One empty search span of that size past those fixed points means no change ever.
        var settled = DateTimeOffset.MinValue;
        var span = RestrictionReach;
        foreach (var layer in schedule.Layers)
        {
            settled = Max(settled, WallClock.ToInstant(layer.Start, schedule.TimeZone));
            var cycle = layer.Length.Ticks > (TimeSpan.MaxValue.Ticks / 2) / Math.Max(1, layer.Participants.Count)
                ? TimeSpan.MaxValue / 4
                : layer.Length * Math.Max(1, layer.Participants.Count);
            span = Max(span, cycle + RestrictionReach);
        }
        foreach (var o in schedule.Overrides)
        {
            settled = Max(settled, o.End);
        }
        var from = after;
        while (true)
        {
            var to = DateTimeOffset.MaxValue - from > span ? from + span : DateTimeOffset.MaxValue;
            var found = Handoffs(schedule, from, to);
            if (found.Count > 0)
            {
                return found[0].At;
            }
            if (from >= settled || to == DateTimeOffset.MaxValue)
            {
                return null;
            }
            from = to;
            if (span < TimeSpan.MaxValue / 4)
            {
                span *= 2;
            }
        }
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
        while (Boundary(layer, zone, k + 1) <= at)
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
            windows.AddRange(WindowsStartingOn(layer, zone, today.AddDays(d)));
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

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a >= b ? a : b;
}
