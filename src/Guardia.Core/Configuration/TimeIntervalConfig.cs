using Guardia.Core.TimeIntervals;

namespace Guardia.Core.Configuration;

/// <summary>A named list of time intervals from <c>time_intervals</c> or <c>mute_time_intervals</c>.</summary>
public sealed record TimeIntervalConfig(string Name, IReadOnlyList<TimeInterval> TimeIntervals)
{
    /// <summary>Returns whether any of the intervals contains <paramref name="instant"/>.</summary>
    public bool ContainsTime(DateTimeOffset instant) => TimeInterval.AnyContains(TimeIntervals, instant);
}
