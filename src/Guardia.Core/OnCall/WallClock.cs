namespace Guardia.Core.OnCall;

/// <summary>Turns local wall-clock times of a zone into instants, deterministically across DST changes.</summary>
/// <remarks>A local time maps to the first instant at which the zone's wall clock reads that time or later.
/// So a time in the autumn repetition (01:30 when clocks go back from 02:00 to 01:00) is its first occurrence,
/// still on daylight time, and a time skipped in spring (02:30 when clocks jump from 02:00 to 03:00) is the
/// instant of the jump, when the clock reads 03:00. The mapping never goes backwards: a later local time
/// never gives an earlier instant, so shifts never overlap.</remarks>
public static class WallClock
{
    /// <summary>The first instant at which the wall clock of <paramref name="zone"/> reads <paramref name="local"/> or later, in UTC.</summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            var largest = offsets.Max();
            return Utc(local.Ticks - largest.Ticks);
        }
        if (!zone.IsInvalidTime(local))
        {
            return Utc(local.Ticks - zone.GetUtcOffset(local).Ticks);
        }
        // Skipped time: the jump lies between local - (offset after) and local - (offset before); find it by
        // bisection on the wall clock, which only moves forwards in that short span.
        var before = zone.GetUtcOffset(local.AddDays(-1));
        var after = zone.GetUtcOffset(local.AddDays(1));
        var lo = local.Ticks - Math.Max(before.Ticks, after.Ticks);
        var hi = local.Ticks - Math.Min(before.Ticks, after.Ticks);
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (ToLocal(Utc(mid), zone).Ticks >= local.Ticks)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return Utc(lo);
    }

    /// <summary>The wall-clock time of <paramref name="zone"/> at <paramref name="instant"/>.</summary>
    public static DateTime ToLocal(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        // Clamped at the ends of the calendar, where a zone's offset would carry the local time past them.
        var ticks = instant.UtcTicks + zone.GetUtcOffset(instant).Ticks;
        return new DateTime(Math.Clamp(ticks, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Unspecified);
    }

    static DateTimeOffset Utc(long ticks) => new(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
}
