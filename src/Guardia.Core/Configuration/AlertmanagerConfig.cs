namespace Guardia.Core.Configuration;

/// <summary>An Alertmanager configuration file, loaded, defaulted and validated as Alertmanager 0.25 does it.</summary>
public sealed record AlertmanagerConfig
{
    /// <summary>The global section with Alertmanager's defaults filled in.</summary>
    public required GlobalConfig Global { get; init; }

    /// <summary>The root of the routing tree.</summary>
    public required RouteConfig Route { get; init; }

    /// <summary>Inhibition rules in file order.</summary>
    public IReadOnlyList<InhibitRuleConfig> InhibitRules { get; init; } = [];

    /// <summary>Receivers in file order, their integrations defaulted from <see cref="Global"/>.</summary>
    public IReadOnlyList<ReceiverConfig> Receivers { get; init; } = [];

    /// <summary>Template file globs, resolved against the configuration file's directory.</summary>
    public IReadOnlyList<string> Templates { get; init; } = [];

    /// <summary>Intervals from the deprecated <c>mute_time_intervals</c> section.</summary>
    public IReadOnlyList<TimeIntervalConfig> MuteTimeIntervals { get; init; } = [];

    /// <summary>Intervals from the <c>time_intervals</c> section.</summary>
    public IReadOnlyList<TimeIntervalConfig> TimeIntervals { get; init; } = [];

    /// <summary>The file name given to the loader.</summary>
    public string FileName { get; init; } = string.Empty;

    /// <summary>The configuration text exactly as loaded.</summary>
    public string Original { get; init; } = string.Empty;

    /// <summary>Problems that did not stop loading: placeholders, integrations Guardia does not implement.</summary>
    public IReadOnlyList<ConfigWarning> Warnings { get; init; } = [];

    /// <summary>Returns the receiver named <paramref name="name"/>, or null.</summary>
    public ReceiverConfig? FindReceiver(string name)
    {
        foreach (var r in Receivers)
        {
            if (r.Name == name)
            {
                return r;
            }
        }
        return null;
    }

    /// <summary>Returns the named interval from either section, or null.</summary>
    public TimeIntervalConfig? FindTimeInterval(string name)
    {
        foreach (var t in TimeIntervals)
        {
            if (t.Name == name)
            {
                return t;
            }
        }
        foreach (var t in MuteTimeIntervals)
        {
            if (t.Name == name)
            {
                return t;
            }
        }
        return null;
    }

    /// <summary>Renders the resolved configuration as YAML with every secret shown as <c>&lt;secret&gt;</c>.</summary>
    public string ToRedactedYaml() => ConfigYamlWriter.Write(this);
}
