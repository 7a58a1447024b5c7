namespace Guardia.Core.Access;

/// <summary>What an API token may do; each role includes the ones below it.</summary>
public enum Role
{
    /// <summary>Reads alerts, incidents, schedules and the dead-letter list.</summary>
    Viewer = 1,

    /// <summary>Also acts on incidents: acknowledges, silences, replays, runs runbooks.</summary>
    Responder = 2,

    /// <summary>Also changes configuration and reads the audit log.</summary>
    Admin = 3,
}

/// <summary>The lower-case names of <see cref="Role"/> used on the command line and in JSON.</summary>
public static class RoleNames
{
    /// <summary>The three role names, lowest first.</summary>
    public static IReadOnlyList<string> All { get; } = ["viewer", "responder", "admin"];

    /// <summary>The lower-case name of <paramref name="role"/>.</summary>
    public static string Name(Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Responder => "responder",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown role"),
    };

    /// <summary>Parses <c>viewer</c>, <c>responder</c> or <c>admin</c> (any case).</summary>
    public static bool TryParse(string? text, out Role role)
    {
        role = text?.Trim().ToLowerInvariant() switch
        {
            "viewer" => Role.Viewer,
            "responder" => Role.Responder,
            "admin" => Role.Admin,
            _ => 0,
        };
        return role != 0;
    }
}
