using Guardia.Core.Incidents;
using Guardia.Core.OnCall;

namespace Guardia.Server.Hosting;

/// <summary>Turns escalation targets into people with the running on-call configuration: a user is themself, a
/// schedule is whoever is on call first at that instant (its top layer with somebody on shift; the other layers are
/// for the next levels to name), a team is all its members.</summary>
sealed class OnCallTargets(ConfigHolder config) : IEscalationTargetResolver
{
    public IReadOnlyList<string> ResolveUsers(EscalationTarget target, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(target);
        var onCall = config.Current.OnCall;
        switch (target.Kind)
        {
            case EscalationTargetKind.User:
                return onCall.Users.ContainsKey(target.Id) ? [target.Id] : [];
            case EscalationTargetKind.Schedule:
                if (!onCall.Schedules.TryGetValue(target.Id, out var schedule))
                {
                    return [];
                }
                var state = OnCallResolver.WhoIsOnCall(schedule, at);
                return state.Final.Count > 0 ? [state.Final[0]] : [];
            default:
                return onCall.UsersForTeam(target.Id);
        }
    }
}
