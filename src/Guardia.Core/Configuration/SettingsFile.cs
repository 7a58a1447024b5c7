using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Configuration;

/// <summary>What <c>--config.file</c> named: the Alertmanager configuration and, for Guardia's settings file, the
/// parsed document whose other sections (on-call, incidents, access, runbooks) their own loaders read.</summary>
/// <param name="Alertmanager">The Alertmanager configuration (a built-in one that notifies nobody when the settings file has none).</param>
/// <param name="Path">The file loaded.</param>
/// <param name="Root">The settings file's top-level mapping; null for a plain Alertmanager configuration.</param>
public sealed record GuardiaSettings(AlertmanagerConfig Alertmanager, string Path, YamlMappingNode? Root);

/// <summary>Loads what <c>--config.file</c> names: a plain Alertmanager configuration, served as it is, or
/// Guardia's own settings file, which holds an Alertmanager configuration under <c>alertmanager:</c> or points
/// at one with <c>alertmanager_config_file:</c> (relative to the settings file), beside Guardia's own sections.</summary>
public static class SettingsFile
{
    /// <summary>The top-level fields of Guardia's settings file.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "alertmanager", "alertmanager_config_file",
        "users", "teams", "services", "schedules",
        "escalation_policies", "incident_policies", "incidents",
        "api", "runbooks", "runbook_actions",
    ];

    /// <summary>The Alertmanager configuration Guardia runs without one (no <c>--config.file</c>, or a settings file
    /// without an Alertmanager section): one receiver that notifies nobody.</summary>
    public static AlertmanagerConfig BuiltInAlertmanager() =>
        AlertmanagerConfigLoader.Load("route:\n  receiver: default\nreceivers:\n  - name: default\n", "(built-in default)");

    /// <summary>Loads the Alertmanager configuration of <paramref name="path"/>; errors carry the file, line and column they come from.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is invalid.</exception>
    public static AlertmanagerConfig Load(string path) => LoadSettings(path).Alertmanager;

    /// <summary>Loads <paramref name="path"/>; errors carry the file, line and column they come from.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is invalid.</exception>
    public static GuardiaSettings LoadSettings(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, 0, "cannot read configuration file: " + ex.Message, null, ex);
        }
        var root = TryParse(text);
        if (root is null || !IsSettingsFile(root))
        {
            // Not a settings file: a plain Alertmanager configuration (its own loader reports any error).
            return new GuardiaSettings(AlertmanagerConfigLoader.Load(text, path), path, null);
        }
        YamlNode? inline = null;
        YamlScalarNode? pointer = null;
        foreach (var (key, value) in root.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            switch (name)
            {
                case "alertmanager":
                    inline = value;
                    break;
                case "alertmanager_config_file":
                    pointer = value as YamlScalarNode ?? throw Error(path, value, "alertmanager_config_file must be a file path", null);
                    break;
                case var other when Fields.Contains(other):
                    // Read by its own loader.
                    break;
                default:
                    throw Error(path, key, $"unknown field \"{name}\" in the settings file",
                        AlertmanagerFields.Contains(name) ? "Alertmanager's fields go under alertmanager: (or in the file alertmanager_config_file names)" : YamlMap.Suggest(name, [.. Fields]));
            }
        }
        if (inline is not null && pointer is not null)
        {
            throw Error(path, pointer, "give either alertmanager (the configuration itself) or alertmanager_config_file (a path to it), not both", null);
        }
        if (pointer is not null)
        {
            var target = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", pointer.Value ?? string.Empty);
            if (!File.Exists(target))
            {
                throw Error(path, pointer, $"alertmanager_config_file \"{pointer.Value}\" does not exist (looked for {target})", null);
            }
            return new GuardiaSettings(AlertmanagerConfigLoader.LoadFile(target), path, root);
        }
        var config = inline is null ? BuiltInAlertmanager() : LoadInline(path, text, inline);
        return new GuardiaSettings(config, path, root);
    }

    static readonly string[] AlertmanagerFields = ["global", "route", "receivers", "inhibit_rules", "templates", "time_intervals", "mute_time_intervals"];

    /// <summary>A settings file has at least one of Guardia's fields at the top (Alertmanager's fields beside them are errors).</summary>
    static bool IsSettingsFile(YamlMappingNode root)
    {
        foreach (var key in root.Children.Keys)
        {
            if (Fields.Contains((key as YamlScalarNode)?.Value ?? string.Empty))
            {
                return true;
            }
        }
        return false;
    }

    static YamlMappingNode? TryParse(string text)
    {
        try
        {
            var stream = new YamlStream();
            using var reader = new StringReader(text);
            stream.Load(reader);
            return stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // Not YAML this parser takes (YamlDotNet throws InvalidOperationException on some broken flow
            // collections): the Alertmanager loader parses it again and reports the error with its position.
            return null;
        }
    }

    /// <summary>Loads the block mapping under <c>alertmanager:</c> from its own lines, so that the Alertmanager
    /// loader's positions can be shifted back to the settings file.</summary>
    static AlertmanagerConfig LoadInline(string path, string text, YamlNode node)
    {
        if (node is not YamlMappingNode mapping || mapping.Style == YamlDotNet.Core.Events.MappingStyle.Flow)
        {
            throw Error(path, node, "alertmanager must hold the Alertmanager configuration as a block mapping (or point at a file with alertmanager_config_file)", null);
        }
        var lines = text.Split('\n');
        var first = (int)node.Start.Line - 1;
        var indent = (int)node.Start.Column - 1;
        var body = new System.Text.StringBuilder();
        // The mapping runs until the first non-blank, non-comment line indented less than its keys.
        for (var i = first; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (i > first && trimmed.Length > 0 && !trimmed.StartsWith('#') && line.Length - trimmed.Length < indent)
            {
                break;
            }
            body.Append(line.Length >= indent && string.IsNullOrWhiteSpace(line[..indent]) ? line[indent..] : trimmed).Append('\n');
        }
        try
        {
            var config = AlertmanagerConfigLoader.Load(body.ToString(), path);
            var warnings = new List<ConfigWarning>(config.Warnings.Count);
            foreach (var w in config.Warnings)
            {
                warnings.Add(w with { Line = w.Line + first, Column = w.Column + indent });
            }
            return config with { Original = body.ToString(), Warnings = warnings };
        }
        catch (ConfigException ex) when (ex.Line > 0)
        {
            throw new ConfigException(path, ex.Line + first, ex.Column + indent, ex.Message, ex.Hint, ex);
        }
    }

    static ConfigException Error(string path, YamlNode node, string message, string? hint) =>
        new(path, (int)node.Start.Line, (int)node.Start.Column, message, hint);
}
