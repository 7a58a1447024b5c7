using Guardia.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Incidents;

/// <summary>Reads the incident sections of Guardia's settings file: <c>incidents</c>, <c>escalation_policies</c> and
/// <c>incident_policies</c>; other top-level keys belong to other modules and are ignored.</summary>
public static class IncidentConfigLoader
{
    static readonly string[] SettingsFields = ["auto_resolve", "status_update_interval", "status_update_severities", "ack_link_ttl", "response_targets"];
    static readonly string[] EscalationFields = ["id", "repeat", "levels"];
    static readonly string[] LevelFields = ["name", "targets", "timeout"];
    static readonly string[] TargetFields = ["user", "schedule", "team"];
    static readonly string[] PolicyFields = ["name", "matchers", "receivers", "severity", "escalation_policy", "auto_resolve"];
    static readonly string[] SeverityFields = ["label", "map", "default"];
    const string DurationHint = "durations look like 30s, 5m, 4h or 1h30m; units: ms, s, m, h, d, w, y";
    const string SeverityHint = "severities are P1, P2, P3 and P4";

    /// <summary>Parses the incident sections of <paramref name="root"/>, the settings file's top-level mapping read from <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">A section is invalid; the exception has the file, line and column and a hint.</exception>
    public static IncidentConfig Parse(string path, YamlMappingNode root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        var ctx = new LoadContext(path);
        YamlNode? settingsNode = null, escalationNode = null, policiesNode = null;
        foreach (var (k, v) in root.Children)
        {
            switch ((k as YamlScalarNode)?.Value)
            {
                case "incidents":
                    settingsNode = v;
                    break;
                case "escalation_policies":
                    escalationNode = v;
                    break;
                case "incident_policies":
                    policiesNode = v;
                    break;
            }
        }
        var settings = settingsNode is null || YamlMap.IsNull(settingsNode) ? IncidentSettings.Default : ReadSettings(ctx, settingsNode);
        var references = new List<EscalationTargetReference>();
        var escalations = new Dictionary<string, EscalationPolicy>(StringComparer.Ordinal);
        foreach (var item in Sequence(ctx, escalationNode, "escalation_policies"))
        {
            var policy = ReadEscalationPolicy(ctx, item, references, out var idNode);
            if (!escalations.TryAdd(policy.Id, policy))
            {
                throw ctx.Error(idNode, $"escalation policy \"{policy.Id}\" is defined twice", "give each escalation policy a unique id");
            }
        }
        var policies = new List<IncidentPolicy>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Sequence(ctx, policiesNode, "incident_policies"))
        {
            var policy = ReadIncidentPolicy(ctx, item, escalations, out var nameNode);
            if (!names.Add(policy.Name))
            {
                throw ctx.Error(nameNode, $"incident policy \"{policy.Name}\" is defined twice", "give each incident policy a unique name");
            }
            policies.Add(policy);
        }
        return new IncidentConfig
        {
            Settings = settings,
            EscalationPolicies = escalations,
            IncidentPolicies = policies,
            TargetReferences = references,
        };
    }

    static IReadOnlyList<YamlNode> Sequence(LoadContext ctx, YamlNode? node, string key)
    {
        if (node is null || YamlMap.IsNull(node))
        {
            return [];
        }
        if (node is not YamlSequenceNode seq)
        {
            throw ctx.Error(node, $"\"{key}\" must be a list, not {YamlMap.Describe(node)}", "start each entry with \"- \"");
        }
        return [.. seq.Children];
    }

    static IncidentSettings ReadSettings(LoadContext ctx, YamlNode node)
    {
        var m = new YamlMap(ctx, node, "incidents section", SettingsFields);
        var d = IncidentSettings.Default;
        var targets = new Dictionary<Severity, TimeSpan>(d.ResponseTargets);
        foreach (var (key, value, valueNode) in m.StringMap("response_targets") ?? [])
        {
            if (!Severities.TryParse(key.Value, out var severity))
            {
                throw ctx.Error(key, $"unknown severity \"{key.Value}\" in \"response_targets\"", SeverityHint);
            }
            targets[severity] = PositiveDuration(ctx, valueNode, value, "response_targets." + key.Value);
        }
        IReadOnlyList<Severity> reminderSeverities = d.StatusUpdateSeverities;
        if (m.StringList("status_update_severities") is { } list)
        {
            var items = m.Items("status_update_severities");
            var parsed = new List<Severity>();
            for (var i = 0; i < list.Count; i++)
            {
                if (!Severities.TryParse(list[i], out var s))
                {
                    throw ctx.Error(items[i], $"unknown severity \"{list[i]}\" in \"status_update_severities\"", SeverityHint);
                }
                if (!parsed.Contains(s))
                {
                    parsed.Add(s);
                }
            }
            reminderSeverities = parsed;
        }
        return new IncidentSettings
        {
            AutoResolve = m.Bool("auto_resolve") ?? d.AutoResolve,
            StatusUpdateInterval = OptionalPositive(ctx, m, "status_update_interval") ?? d.StatusUpdateInterval,
            StatusUpdateSeverities = reminderSeverities,
            AckTokenLifetime = OptionalPositive(ctx, m, "ack_link_ttl") ?? d.AckTokenLifetime,
            ResponseTargets = targets,
        };
    }

    static EscalationPolicy ReadEscalationPolicy(LoadContext ctx, YamlNode node, List<EscalationTargetReference> references, out YamlNode idNode)
    {
        var m = new YamlMap(ctx, node, "escalation policy", EscalationFields);
        var id = RequiredString(ctx, m, "id", "escalation policy", "every escalation policy needs an id that incident policies refer to");
        idNode = m.Get("id")!;
        var repeat = m.Int("repeat", min: 0) ?? 0;
        if (repeat > 100)
        {
            throw ctx.Error(m.Get("repeat"), $"\"repeat\" is {repeat}; at most 100 repeats are allowed", "repeat counts whole passes through the levels after the first");
        }
        var levelNodes = m.Items("levels");
        if (levelNodes.Count == 0)
        {
            throw ctx.Error(m.Get("levels") ?? node, $"escalation policy \"{id}\" has no levels", "add at least one level with targets and a timeout");
        }
        var levels = new List<EscalationLevel>(levelNodes.Count);
        for (var i = 0; i < levelNodes.Count; i++)
        {
            var lm = new YamlMap(ctx, levelNodes[i], "escalation level", LevelFields);
            var name = lm.String("name") is { Length: > 0 } n ? n : "L" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var targetNodes = lm.Items("targets");
            if (targetNodes.Count == 0)
            {
                throw ctx.Error(lm.Get("targets") ?? levelNodes[i], $"level \"{name}\" of escalation policy \"{id}\" has no targets",
                    "add targets such as [{schedule: platform-weekly}] or [{user: ana}]");
            }
            var targets = new List<EscalationTarget>(targetNodes.Count);
            foreach (var t in targetNodes)
            {
                var target = ReadTarget(ctx, t);
                if (targets.Contains(target))
                {
                    throw ctx.Error(t, $"target {target} is listed twice in level \"{name}\"");
                }
                targets.Add(target);
                references.Add(new EscalationTargetReference(target, id, i, new ConfigLocation(ctx.File, (int)t.Start.Line, (int)t.Start.Column)));
            }
            if (!lm.Has("timeout"))
            {
                throw ctx.Error(levelNodes[i], $"level \"{name}\" of escalation policy \"{id}\" has no timeout", "say how long to wait for an acknowledgement, e.g. timeout: 5m");
            }
            levels.Add(new EscalationLevel(name, targets, OptionalPositive(ctx, lm, "timeout")!.Value));
        }
        return new EscalationPolicy(id, levels, repeat);
    }

    static EscalationTarget ReadTarget(LoadContext ctx, YamlNode node)
    {
        var m = new YamlMap(ctx, node, "escalation target", TargetFields);
        EscalationTarget? target = null;
        foreach (var field in TargetFields)
        {
            if (m.String(field) is not { } value)
            {
                continue;
            }
            if (target is not null)
            {
                throw ctx.Error(node, "an escalation target names exactly one of user, schedule or team", "write each as its own list item: [{user: ana}, {team: platform}]");
            }
            if (value.Trim().Length == 0)
            {
                throw ctx.Error(m.Get(field), $"\"{field}\" is empty");
            }
            target = new EscalationTarget(field switch
            {
                "user" => EscalationTargetKind.User,
                "schedule" => EscalationTargetKind.Schedule,
                _ => EscalationTargetKind.Team,
            }, value);
        }
        return target ?? throw ctx.Error(node, "an escalation target must name a user, a schedule or a team", "for example {schedule: platform-weekly}");
    }

    static IncidentPolicy ReadIncidentPolicy(LoadContext ctx, YamlNode node, Dictionary<string, EscalationPolicy> escalations, out YamlNode nameNode)
    {
        var m = new YamlMap(ctx, node, "incident policy", PolicyFields);
        var name = RequiredString(ctx, m, "name", "incident policy", "every incident policy needs a name");
        nameNode = m.Get("name")!;
        var matchers = m.MatcherList("matchers");
        var receivers = m.StringList("receivers");
        if (receivers is not null)
        {
            var items = m.Items("receivers");
            for (var i = 0; i < receivers.Count; i++)
            {
                if (receivers[i].Length == 0)
                {
                    throw ctx.Error(items[i], "a receiver name in \"receivers\" is empty");
                }
            }
        }
        var severity = m.Get("severity") is { } sn ? ReadSeverityRule(ctx, sn) : SeverityRule.Standard;
        string? escalation = null;
        if (m.Get("escalation_policy") is { } en)
        {
            escalation = m.ScalarText(en, "escalation_policy");
            if (!escalations.ContainsKey(escalation))
            {
                throw ctx.Error(en, $"escalation policy \"{escalation}\" is not defined",
                    escalations.Count == 0 ? "define it under escalation_policies" : YamlMap.Suggest(escalation, [.. escalations.Keys]));
            }
        }
        return new IncidentPolicy(name, matchers, receivers, severity, escalation, m.Bool("auto_resolve"));
    }

    static SeverityRule ReadSeverityRule(LoadContext ctx, YamlNode node)
    {
        if (node is YamlScalarNode fixedNode)
        {
            // "severity: P2" gives every incident of the policy one severity.
            if (!Severities.TryParse(fixedNode.Value, out var fixedSeverity))
            {
                throw ctx.Error(node, $"unknown severity \"{fixedNode.Value}\"", SeverityHint + ", or a mapping with label, map and default");
            }
            return new SeverityRule(string.Empty, new Dictionary<string, Severity>(StringComparer.Ordinal), fixedSeverity);
        }
        var m = new YamlMap(ctx, node, "severity rule", SeverityFields);
        var label = m.String("label") ?? SeverityRule.Standard.Label;
        var map = new Dictionary<string, Severity>(StringComparer.Ordinal);
        var given = m.StringMap("map");
        if (given is null)
        {
            foreach (var (k, v) in SeverityRule.Standard.Map)
            {
                map[k] = v;
            }
        }
        foreach (var (key, value, valueNode) in given ?? [])
        {
            if (!Severities.TryParse(value, out var s))
            {
                throw ctx.Error(valueNode, $"unknown severity \"{value}\" for label value \"{key.Value}\"", SeverityHint);
            }
            map[key.Value!] = s;
        }
        var fallback = SeverityRule.Standard.Default;
        if (m.Get("default") is { } dn)
        {
            var text = m.ScalarText(dn, "default");
            if (!Severities.TryParse(text, out fallback))
            {
                throw ctx.Error(dn, $"unknown severity \"{text}\" in \"default\"", SeverityHint);
            }
        }
        return new SeverityRule(label, map, fallback);
    }

    static string RequiredString(LoadContext ctx, YamlMap m, string key, string what, string hint)
    {
        var value = m.String(key);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw ctx.Error(m.Get(key) ?? m.Node, $"{what} has no \"{key}\"", hint);
        }
        return value;
    }

    static TimeSpan? OptionalPositive(LoadContext ctx, YamlMap m, string key)
    {
        var node = m.Get(key);
        return node is null ? null : PositiveDuration(ctx, node, m.ScalarText(node, key), key);
    }

    static TimeSpan PositiveDuration(LoadContext ctx, YamlNode node, string text, string key)
    {
        TimeSpan value;
        try
        {
            value = PromDuration.Parse(text);
        }
        catch (FormatException ex)
        {
            throw ctx.Error(node, ex.Message + $" in \"{key}\"", DurationHint);
        }
        if (value <= TimeSpan.Zero)
        {
            throw ctx.Error(node, $"\"{key}\" must be longer than zero, not \"{text}\"", DurationHint);
        }
        return value;
    }
}
