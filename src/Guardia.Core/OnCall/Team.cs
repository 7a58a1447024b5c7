namespace Guardia.Core.OnCall;

/// <summary>A group of users that owns services.</summary>
/// <param name="Id">The identifier services refer to.</param>
/// <param name="Name">The display name.</param>
/// <param name="Members">The member user ids, in the order written.</param>
/// <param name="Lead">The user id of the team lead, one of the members; null when not given.</param>
public sealed record Team(string Id, string Name, IReadOnlyList<string> Members, string? Lead);
