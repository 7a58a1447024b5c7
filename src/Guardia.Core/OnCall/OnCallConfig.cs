using Guardia.Core.Alerts;
using Guardia.Core.Configuration;

namespace Guardia.Core.OnCall;

/// <summary>The validated on-call configuration: users, teams, services and schedules, looked up by id.</summary>
public sealed class OnCallConfig
{
    readonly IReadOnlyList<Service> _services;

    /// <summary>Creates the configuration; ids are assumed unique and references valid (the loader checks both).</summary>
    public OnCallConfig(IEnumerable<User> users, IEnumerable<Team> teams, IEnumerable<Service> services, IEnumerable<Schedule> schedules, IReadOnlyList<ConfigWarning>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(teams);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(schedules);
        Users = users.ToDictionary(u => u.Id, StringComparer.Ordinal);
        Teams = teams.ToDictionary(t => t.Id, StringComparer.Ordinal);
        _services = [.. services];
        Services = _services.ToDictionary(s => s.Id, StringComparer.Ordinal);
        Schedules = schedules.ToDictionary(s => s.Id, StringComparer.Ordinal);
        Warnings = warnings ?? [];
    }

    /// <summary>The configuration with nothing in it.</summary>
    public static OnCallConfig Empty { get; } = new([], [], [], []);

    /// <summary>Users by id.</summary>
    public IReadOnlyDictionary<string, User> Users { get; }

    /// <summary>Teams by id.</summary>
    public IReadOnlyDictionary<string, Team> Teams { get; }

    /// <summary>Services by id.</summary>
    public IReadOnlyDictionary<string, Service> Services { get; }

    /// <summary>Services in the order written, the order <see cref="ServiceFor"/> tries them.</summary>
    public IReadOnlyList<Service> ServicesInOrder => _services;

    /// <summary>Schedules by id.</summary>
    public IReadOnlyDictionary<string, Schedule> Schedules { get; }

    /// <summary>Problems that did not stop the load, such as placeholder webhook URLs.</summary>
    public IReadOnlyList<ConfigWarning> Warnings { get; }

    /// <summary>The member user ids of a team in the order written; empty when the team is unknown.</summary>
    public IReadOnlyList<string> UsersForTeam(string teamId)
    {
        ArgumentNullException.ThrowIfNull(teamId);
        return Teams.TryGetValue(teamId, out var team) ? team.Members : [];
    }

    /// <summary>The first service, in the order written, whose matchers match <paramref name="labels"/>; null when none does.</summary>
    public Service? ServiceFor(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var s in _services)
        {
            if (s.Matches(labels))
            {
                return s;
            }
        }
        return null;
    }
}
