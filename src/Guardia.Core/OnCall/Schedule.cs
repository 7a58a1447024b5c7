namespace Guardia.Core.OnCall;

/// <summary>An on-call schedule: layers of rotations in priority order (primary first) and overrides on top.</summary>
/// <param name="Id">The identifier.</param>
/// <param name="Name">The display name.</param>
/// <param name="TimeZone">The zone in which handoff times, restrictions and override times are read.</param>
/// <param name="Layers">The layers; the first is the primary, then secondary, backup and so on.</param>
/// <param name="Overrides">Periods in which another user takes a layer's place.</param>
public sealed record Schedule(string Id, string Name, TimeZoneInfo TimeZone, IReadOnlyList<ScheduleLayer> Layers, IReadOnlyList<ScheduleOverride> Overrides);

/// <summary>One rotation: participants take turns of <see cref="Length"/>, handing off at local wall-clock time.</summary>
/// <param name="Name">The layer name, unique within its schedule (<c>primary</c>, <c>secondary</c>).</param>
/// <param name="Length">The length of one turn on the local calendar (1 day, 7 days, 12 hours), not in elapsed time.</param>
/// <param name="Start">The first handoff as a local date and time in the schedule's zone (<see cref="DateTimeKind.Unspecified"/>).</param>
/// <param name="Participants">The user ids taking turns, in order; the list wraps around.</param>
/// <param name="Restrictions">The windows in which the layer is on call; empty means always.</param>
public sealed record ScheduleLayer(string Name, TimeSpan Length, DateTime Start, IReadOnlyList<string> Participants, IReadOnlyList<ScheduleRestriction> Restrictions);

/// <summary>A weekly window in which a layer is on call, such as business hours Monday to Friday 09:00–18:00.</summary>
/// <param name="Days">The days on which a window starts.</param>
/// <param name="From">The local time the window opens, from 00:00 to 23:59.</param>
/// <param name="To">The local time the window closes, up to 24:00; at or before <paramref name="From"/> the window ends on the next day.</param>
public sealed record ScheduleRestriction(IReadOnlyList<DayOfWeek> Days, TimeSpan From, TimeSpan To);

/// <summary>A period in which <see cref="User"/> takes the place of whoever a layer would have on call.</summary>
/// <param name="User">The user id on call during the override.</param>
/// <param name="Start">The first instant of the override.</param>
/// <param name="End">The instant the override ends (exclusive), after <paramref name="Start"/>.</param>
/// <param name="Layer">The name of the layer replaced; null replaces the first layer.</param>
public sealed record ScheduleOverride(string User, DateTimeOffset Start, DateTimeOffset End, string? Layer);
