using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Guardia.Core.Access;
using Guardia.Core.Configuration;
using Guardia.Core.Incidents;
using Guardia.Server.Api.V1.Access;
using Guardia.Server.Hosting;
using static Guardia.Server.Api.V1.ApiJson;

namespace Guardia.Server.Api.V1;

/// <summary>The on-call and incident configuration through API v1: <c>GET /api/v1/settings</c> shows what is in force
/// (contact URLs never shown), <c>PUT /api/v1/settings</c> (admin) replaces the settings file with a new version after
/// checking it exactly as a reload would, then reloads; a bad version changes nothing and gets 400 with the line and
/// column of the error in the text that was sent.</summary>
static class SettingsEndpoints
{
    const int MaxBody = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/settings", (ConfigHolder config) => Json(Describe(config.Current), 200)).RequireGuardiaRole(Role.Viewer)
            .WithSummary("Users, teams, services, schedules, escalation and incident policies in force.");
        app.MapGet("/api/v1/settings/file", async (ServeOptions options, CancellationToken ct) =>
            options.ConfigFile is null
                ? Error(409, "guardia serve runs without --config.file: there is no settings file")
                : Results.Text(await File.ReadAllTextAsync(options.ConfigFile, ct), "application/yaml", Encoding.UTF8, 200))
            .RequireGuardiaRole(Role.Admin)
            .WithSummary("The settings file as it is on disk (admin: it may hold secrets).");
        app.MapPut("/api/v1/settings/file", ReplaceAsync).RequireGuardiaRole(Role.Admin).WithAuditKind("api.settings.replace")
            .WithSummary("Replaces the settings file (body: the whole YAML) and reloads; 400 with line and column when it is invalid.");
        return app;
    }

    static async Task<IResult> ReplaceAsync(HttpRequest request, ServeOptions options, ConfigHolder config, TimeProvider time, CancellationToken ct)
    {
        if (options.ConfigFile is not { } path)
        {
            return Error(409, "guardia serve runs without --config.file: there is no settings file to replace");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBody)
            {
                return Error(413, $"the settings file is larger than {MaxBody} bytes");
            }
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return Error(400, "the settings file must be UTF-8 text");
        }
        // Checked as a reload would check it, from a file beside the real one so relative paths resolve the same.
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var candidate = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(candidate, text, ct);
            try
            {
                ConfigSnapshot.Load(candidate, time.GetUtcNow());
            }
            catch (ConfigException ex)
            {
                return Json(new JsonObject
                {
                    ["code"] = 400,
                    ["message"] = ex.Message,
                    ["line"] = ex.Line,
                    ["column"] = ex.Column,
                    ["hint"] = ex.Hint,
                }, 400);
            }
            File.Move(candidate, path, overwrite: true);
        }
        finally
        {
            File.Delete(candidate);
        }
        if (config.Reload() is { } error)
        {
            return Error(500, "the settings file was replaced but the reload failed: " + error);
        }
        return Json(Describe(config.Current), 200);
    }

    static JsonObject Describe(ConfigSnapshot snapshot)
    {
        var onCall = snapshot.OnCall;
        var users = new JsonArray();
        foreach (var u in onCall.Users.Values.OrderBy(u => u.Id, StringComparer.Ordinal))
        {
            users.Add(new JsonObject
            {
                ["id"] = u.Id,
                ["name"] = u.Name,
                ["email"] = u.Email,
                ["time_zone"] = u.TimeZone.Id,
                ["locale"] = u.Locale,
                ["contact_methods"] = new JsonArray([.. u.ContactMethods.Select(c => (JsonNode?)c.Type.ToString().ToLowerInvariant())]),
            });
        }
        var teams = new JsonArray();
        foreach (var t in onCall.Teams.Values.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            teams.Add(new JsonObject { ["id"] = t.Id, ["name"] = t.Name, ["members"] = Strings(t.Members), ["lead"] = t.Lead });
        }
        var services = new JsonArray();
        foreach (var s in onCall.ServicesInOrder)
        {
            services.Add(new JsonObject { ["id"] = s.Id, ["name"] = s.Name, ["team"] = s.Team, ["matchers"] = s.Matchers.ToString() });
        }
        var schedules = new JsonArray();
        foreach (var s in onCall.Schedules.Values.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            schedules.Add(new JsonObject
            {
                ["id"] = s.Id,
                ["name"] = s.Name,
                ["time_zone"] = s.TimeZone.Id,
                ["layers"] = new JsonArray([.. s.Layers.Select(l => (JsonNode?)new JsonObject
                {
                    ["name"] = l.Name,
                    ["length"] = PromDuration.Format(l.Length),
                    ["start"] = l.Start.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture),
                    ["participants"] = Strings(l.Participants),
                    ["restrictions"] = l.Restrictions.Count,
                })]),
                ["overrides"] = new JsonArray([.. s.Overrides.Select(o => (JsonNode?)new JsonObject
                {
                    ["user"] = o.User,
                    ["layer"] = o.Layer,
                    ["start"] = o.Start.ToString("O", CultureInfo.InvariantCulture),
                    ["end"] = o.End.ToString("O", CultureInfo.InvariantCulture),
                })]),
            });
        }
        var incidents = snapshot.Incidents;
        var escalation = new JsonArray();
        foreach (var p in incidents.EscalationPolicies.Values.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            escalation.Add(new JsonObject
            {
                ["id"] = p.Id,
                ["repeat"] = p.Repeat,
                ["levels"] = new JsonArray([.. p.Levels.Select(l => (JsonNode?)new JsonObject
                {
                    ["name"] = l.Name,
                    ["targets"] = Strings(l.Targets.Select(t => t.ToString())),
                    ["timeout"] = PromDuration.Format(l.Timeout),
                })]),
            });
        }
        var policies = new JsonArray();
        foreach (var p in incidents.IncidentPolicies)
        {
            policies.Add(new JsonObject
            {
                ["name"] = p.Name,
                ["matchers"] = p.Matchers.ToString(),
                ["receivers"] = p.Receivers is null ? null : Strings(p.Receivers),
                ["escalation_policy"] = p.EscalationPolicy,
                ["severity_label"] = p.Severity.Label,
                ["auto_resolve"] = p.AutoResolve ?? incidents.Settings.AutoResolve,
            });
        }
        var targets = new JsonObject();
        foreach (var severity in Enum.GetValues<Severity>())
        {
            targets[severity.ToString()] = PromDuration.Format(incidents.Settings.ResponseTarget(severity));
        }
        return new JsonObject
        {
            ["loaded_at"] = snapshot.LoadedAt.ToString("O", CultureInfo.InvariantCulture),
            ["users"] = users,
            ["teams"] = teams,
            ["services"] = services,
            ["schedules"] = schedules,
            ["escalation_policies"] = escalation,
            ["incident_policies"] = policies,
            ["incidents"] = new JsonObject
            {
                ["auto_resolve"] = incidents.Settings.AutoResolve,
                ["status_update_interval"] = PromDuration.Format(incidents.Settings.StatusUpdateInterval),
                ["response_targets"] = targets,
            },
        };
    }

    static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}
