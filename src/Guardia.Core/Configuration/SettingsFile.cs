using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Configuration;

/// <summary>Loads what <c>--config.file</c> names: a plain Alertmanager configuration, served as it is, or
/// Guardia's own settings file, which holds an Alertmanager configuration under <c>alertmanager:</c> or points
/// at one with <c>alertmanager_config_file:</c> (relative to the settings file).</summary>
public static class SettingsFile
{
    static readonly string[] Fields = ["alertmanager", "alertmanager_config_file"];

    /// <summary>Loads <paramref name="path"/>; errors carry the file, line and column they come from.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is invalid.</exception>
    public static AlertmanagerConfig Load(string path)
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
        if (root is null || !(root.Children.ContainsKey(new YamlScalarNode(Fields[0])) || root.Children.ContainsKey(new YamlScalarNode(Fields[1]))))
        {
            // Not a settings file: a plain Alertmanager configuration (its own loader reports any error).
            return AlertmanagerConfigLoader.Load(text, path);
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
                default:
                    throw Error(path, key, $"unknown field \"{name}\" in the settings file", YamlMap.Suggest(name, Fields));
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
            return AlertmanagerConfigLoader.LoadFile(target);
        }
        return LoadInline(path, text, inline!);
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
        catch (YamlException)
        {
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
