using Guardia.Core.Configuration;

namespace Guardia.Server.Hosting;

/// <summary>Reads the template files a configuration names.</summary>
static class TemplateFiles
{
    /// <summary>The files the configuration's <c>templates</c> globs name, relative to the configuration file.</summary>
    public static IEnumerable<(string Name, string Text)> Read(AlertmanagerConfig config, string? configFile)
    {
        // Relative to the Alertmanager configuration, which a settings file may keep elsewhere.
        var anchor = File.Exists(config.FileName) ? config.FileName : configFile ?? ".";
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(anchor)) ?? ".";
        foreach (var pattern in config.Templates)
        {
            var full = Path.Combine(baseDir, pattern);
            var dir = Path.GetDirectoryName(full) ?? baseDir;
            if (!Directory.Exists(dir))
            {
                continue;
            }
            foreach (var file in Directory.GetFiles(dir, Path.GetFileName(full)).Order(StringComparer.Ordinal))
            {
                yield return (Path.GetFileName(file), File.ReadAllText(file));
            }
        }
    }
}
