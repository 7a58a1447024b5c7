namespace Guardia.Core.OnCall;

/// <summary>Who is on call in a schedule at one instant: each layer's answer and the final escalation order.</summary>
/// <param name="ScheduleId">The schedule asked about.</param>
/// <param name="At">The instant asked about.</param>
/// <param name="Layers">One answer per layer, in layer order.</param>
/// <param name="Final">The distinct users on call in priority order (first layer first), skipping layers with nobody.</param>
public sealed record OnCallState(string ScheduleId, DateTimeOffset At, IReadOnlyList<LayerOnCall> Layers, IReadOnlyList<string> Final);

/// <summary>Who one layer has on call at an instant, and the stretch of time in which that answer was decided.</summary>
/// <param name="Layer">The layer name.</param>
/// <param name="UserId">The user on call; null before the layer starts or outside its restrictions.</param>
/// <param name="ShiftStart">When the current stretch began, in UTC: the latest handoff, restriction edge or override edge at or
/// before the instant; null before the layer's first handoff when no override edge precedes it.</param>
/// <param name="ShiftEnd">When the current stretch ends, in UTC: the next handoff, restriction edge or override edge.</param>
/// <param name="Overridden">Whether an override decided the answer.</param>
public sealed record LayerOnCall(string Layer, string? UserId, DateTimeOffset? ShiftStart, DateTimeOffset ShiftEnd, bool Overridden);

/// <summary>A change of who a layer has on call: the outgoing and incoming users get a handoff report.</summary>
/// <param name="At">The instant of the change, in UTC.</param>
/// <param name="Layer">The layer name.</param>
/// <param name="Outgoing">The user going off call; null when the layer had nobody.</param>
/// <param name="Incoming">The user coming on call; null when the layer has nobody afterwards.</param>
public sealed record Handoff(DateTimeOffset At, string Layer, string? Outgoing, string? Incoming);
