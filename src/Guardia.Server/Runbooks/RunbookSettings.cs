using System.Globalization;
using Guardia.Core.Configuration;
using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;
using YamlDotNet.RepresentationModel;

namespace Guardia.Server.Runbooks;

/// <summary>The <c>runbooks:</c> and <c>runbook_actions:</c> sections of the settings file, with the runbook catalog
/// already loaded: a runbook that does not parse rejects the whole (re)load with its file and line, like any other
/// configuration error.</summary>
/// <example>
/// <code>
/// runbooks:
///   dir: runbooks                 # relative to the settings file
///   max_concurrent_runs: 4        # read at start; a change takes a restart
///   keep_finished_runs: 1000      # finished runs kept in the store and listed (read at start)
///   auto_diagnose: true           # run the Diagnosis steps marked auto when an incident opens (default false)
///   validation_mitigates: true    # a validated run moves its incident to mitigated (default true)
/// runbook_actions:                # see RunbookActionOptionsLoader
///   executables: [bash, cat, grep]
/// </code>
/// </example>
sealed record RunbookSettings
{
    static readonly string[] Fields = ["dir", "max_concurrent_runs", "keep_finished_runs", "auto_diagnose", "validation_mitigates"];

    /// <summary>No runbooks: what a settings file without a <c>runbooks:</c> section runs with.</summary>
    public static RunbookSettings Empty { get; } = new();

    /// <summary>The runbook directory, absolute, or null when none is configured.</summary>
    public string? Directory { get; init; }

    /// <summary>The runbooks of <see cref="Directory"/>.</summary>
    public RunbookCatalog Catalog { get; init; } = new([]);

    /// <summary>How many runs may be active at once.</summary>
    public int MaxConcurrentRuns { get; init; } = 4;

    /// <summary>How many finished runs the run store keeps (the oldest go first).</summary>
    public int KeepFinishedRuns { get; init; } = 1000;

    /// <summary>Whether an opening incident starts the Diagnosis steps marked <c>auto</c> of its runbook.</summary>
    public bool AutoDiagnose { get; init; }

    /// <summary>Whether a run whose validation passed moves its triggered or acknowledged incident to mitigated.</summary>
    public bool ValidationMitigates { get; init; } = true;

    /// <summary>What steps may touch on this installation.</summary>
    public RunbookActionOptions Actions { get; init; } = new();

    /// <summary>Reads both sections of <paramref name="root"/>; <see cref="Empty"/> (with the actions, when given)
    /// when there is no <c>runbooks:</c> section.</summary>
    /// <exception cref="ConfigException">A field is unknown, duplicated or invalid, or a runbook does not parse.</exception>
    public static RunbookSettings Parse(string file, YamlMappingNode root)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(root);
        YamlNode? runbooks = null;
        YamlNode? actions = null;
        foreach (var (k, v) in root.Children)
        {
            if (k is YamlScalarNode { Value: "runbooks" })
            {
                runbooks = v;
            }
            else if (k is YamlScalarNode { Value: "runbook_actions" })
            {
                actions = v;
            }
        }
        var settings = Empty;
        if (actions is not null && !IsNull(actions))
        {
            settings = settings with { Actions = RunbookActionOptionsLoader.Load(actions, file) };
        }
        if (runbooks is null || IsNull(runbooks))
        {
            return settings;
        }
        if (runbooks is not YamlMappingNode map)
        {
            throw Error(file, runbooks, "runbooks must be a mapping of fields (dir, max_concurrent_runs, keep_finished_runs, auto_diagnose, validation_mitigates)");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (!Fields.Contains(key))
            {
                throw Error(file, k, $"unknown field \"{key}\" in runbooks", "known fields: " + string.Join(", ", Fields));
            }
            if (!seen.Add(key))
            {
                throw Error(file, k, $"field \"{key}\" is already set in runbooks");
            }
            var text = v is YamlScalarNode { Value: { } s } ? s : throw Error(file, v, $"runbooks.{key} must be a single value");
            switch (key)
            {
                case "dir":
                    var dir = Path.GetFullPath(text, Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".");
                    try
                    {
                        settings = settings with { Directory = dir, Catalog = RunbookCatalog.Load(dir) };
                    }
                    catch (IOException ex)
                    {
                        throw Error(file, v, $"cannot read the runbook directory {dir}: {ex.Message}");
                    }
                    catch (ConfigException ex) when (ex.File == dir)
                    {
                        throw Error(file, v, $"runbooks.dir: {dir} does not exist", "create it or fix the path (relative to the settings file)");
                    }
                    break;
                case "max_concurrent_runs":
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max is < 1 or > 1000)
                    {
                        throw Error(file, v, $"runbooks.max_concurrent_runs must be a whole number from 1 to 1000, not \"{text}\"");
                    }
                    settings = settings with { MaxConcurrentRuns = max };
                    break;
                case "keep_finished_runs":
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var keep) || keep is < 1 or > 100_000)
                    {
                        throw Error(file, v, $"runbooks.keep_finished_runs must be a whole number from 1 to 100000, not \"{text}\"");
                    }
                    settings = settings with { KeepFinishedRuns = keep };
                    break;
                case "auto_diagnose":
                    settings = settings with { AutoDiagnose = Bool(file, v, key, text) };
                    break;
                default:
                    settings = settings with { ValidationMitigates = Bool(file, v, key, text) };
                    break;
            }
        }
        return settings;
    }

    static bool Bool(string file, YamlNode node, string key, string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => throw Error(file, node, $"runbooks.{key} must be true or false, not \"{text}\""),
    };

    static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null" } scalar && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain;

    static ConfigException Error(string file, YamlNode node, string message, string? hint = null) =>
        new(file, (int)node.Start.Line, (int)node.Start.Column, message, hint);
}
