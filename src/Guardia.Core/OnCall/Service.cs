using Guardia.Core.Alerts;
using Guardia.Core.Matching;

namespace Guardia.Core.OnCall;

/// <summary>Something a team runs; its matchers say which alerts belong to it.</summary>
/// <param name="Id">The identifier.</param>
/// <param name="Name">The display name.</param>
/// <param name="Team">The id of the owning team.</param>
/// <param name="Matchers">The matchers an alert's labels must all satisfy, with Alertmanager's semantics.</param>
public sealed record Service(string Id, string Name, string Team, Matchers Matchers)
{
    /// <summary>Returns whether an alert with <paramref name="labels"/> belongs to this service.</summary>
    public bool Matches(LabelSet labels) => Matchers.Matches(labels);
}
