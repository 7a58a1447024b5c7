using Guardia.Core.Access;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Incidents;
using Guardia.Core.OnCall;
using Guardia.Server.Runbooks;
using Route = Guardia.Core.Routing.Route;

namespace Guardia.Server.Hosting;

/// <summary>The configuration the server runs with and the routing tree built from it; replaced whole on reload.</summary>
sealed class ConfigSnapshot
{
    ConfigSnapshot(AlertmanagerConfig config, DateTimeOffset loadedAt, OnCallConfig? onCall = null, IncidentConfig? incidents = null, AccessConfig? access = null, RunbookSettings? runbooks = null)
    {
        Runbooks = runbooks ?? RunbookSettings.Empty;
        Access = access ?? AccessConfig.Default;
        Config = config;
        OnCall = onCall ?? OnCallConfig.Empty;
        Incidents = incidents ?? IncidentConfig.Empty;
        Route = Route.Build(config.Route);
        Redacted = config.ToRedactedYaml();
        LoadedAt = loadedAt;
        ReceiverNames = [.. config.Receivers.Select(r => r.Name)];
    }

    public AlertmanagerConfig Config { get; }

    /// <summary>Users, teams, services and schedules of the settings file.</summary>
    public OnCallConfig OnCall { get; }

    /// <summary>The <c>api:</c> section: per-sender ingestion tokens.</summary>
    public AccessConfig Access { get; }

    /// <summary>Escalation and incident policies of the settings file.</summary>
    public IncidentConfig Incidents { get; }

    /// <summary>The <c>runbooks:</c> and <c>runbook_actions:</c> sections, with the runbooks loaded.</summary>
    public RunbookSettings Runbooks { get; }

    public Route Route { get; }

    /// <summary>The configuration as YAML with secrets shown as <c>&lt;secret&gt;</c> (what /api/v2/status shows).</summary>
    public string Redacted { get; }

    public DateTimeOffset LoadedAt { get; }

    public IReadOnlyList<string> ReceiverNames { get; }

    public TimeSpan ResolveTimeout => Config.Global.ResolveTimeout;

    /// <summary>Loads and validates <paramref name="file"/>; throws <see cref="ConfigException"/> with file, line and column.</summary>
    public static ConfigSnapshot Load(string? file, DateTimeOffset now)
    {
        if (file is null)
        {
            return new(SettingsFile.BuiltInAlertmanager(), now);
        }
        var settings = SettingsFile.LoadSettings(file);
        if (settings.Root is not { } root)
        {
            return new(settings.Alertmanager, now);
        }
        var onCall = OnCallConfigLoader.Parse(file, root);
        var incidents = IncidentConfigLoader.Parse(file, root);
        var access = AccessConfigLoader.Parse(file, root);
        var runbooks = RunbookSettings.Parse(file, root);
        Validate(file, onCall, incidents, settings.Alertmanager);
        return new(settings.Alertmanager, now, onCall, incidents, access, runbooks);
    }

    /// <summary>Checks what one section names in another: escalation targets name users, schedules and teams, and
    /// incident policies name receivers.</summary>
    static void Validate(string file, OnCallConfig onCall, IncidentConfig incidents, AlertmanagerConfig alertmanager)
    {
        foreach (var r in incidents.TargetReferences)
        {
            var (known, what, names) = r.Target.Kind switch
            {
                EscalationTargetKind.User => (onCall.Users.ContainsKey(r.Target.Id), "user", onCall.Users.Keys),
                EscalationTargetKind.Schedule => (onCall.Schedules.ContainsKey(r.Target.Id), "schedule", onCall.Schedules.Keys),
                _ => (onCall.Teams.ContainsKey(r.Target.Id), "team", onCall.Teams.Keys),
            };
            if (!known)
            {
                throw new ConfigException(r.Location.File, r.Location.Line, r.Location.Column,
                    $"escalation policy \"{r.EscalationPolicy}\" level {r.LevelIndex + 1} names {what} \"{r.Target.Id}\", which is not defined",
                    names.Any() ? $"known {what}s: {string.Join(", ", names.Order(StringComparer.Ordinal))}" : $"define it under {what}s:");
            }
        }
        var receivers = alertmanager.Receivers.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var p in incidents.IncidentPolicies)
        {
            foreach (var name in p.Receivers ?? [])
            {
                if (!receivers.Contains(name))
                {
                    throw new ConfigException(file, 0, 0,
                        $"incident policy \"{p.Name}\" names receiver \"{name}\", which the Alertmanager configuration does not define",
                        $"receivers: {string.Join(", ", receivers.Order(StringComparer.Ordinal))}");
                }
            }
        }
    }

    /// <summary>The receivers of the routes an alert with <paramref name="labels"/> reaches, in route order.</summary>
    public IReadOnlyList<string> ReceiversFor(LabelSet labels)
    {
        var routes = Route.Match(labels);
        if (routes.Count == 1)
        {
            return [routes[0].Options.Receiver];
        }
        var names = new string[routes.Count];
        for (var i = 0; i < routes.Count; i++)
        {
            names[i] = routes[i].Options.Receiver;
        }
        return names;
    }
}
