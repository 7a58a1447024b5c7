using System.CommandLine;
using Guardia.Core.Configuration;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia check</c> verb: validates Alertmanager configuration files like <c>amtool check-config</c>.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var files = new Option<string[]>("--config.file")
        {
            Description = "Alertmanager configuration file(s) to validate.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var cmd = new Command("check", "Validate Alertmanager configuration files and their templates.") { files };
        cmd.SetAction(parse => Run(parse.GetValue(files) ?? [], Console.Out, Console.Error));
        return cmd;
    }

    /// <summary>Checks each file, printing amtool's report plus Guardia's warnings; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> files, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var failed = 0;
        foreach (var file in files)
        {
            stdout.Write($"Checking '{file}'");
            AlertmanagerConfig config;
            Hosting.ConfigSnapshot snapshot;
            try
            {
                // A plain Alertmanager file or Guardia's settings file, with every section checked against the others.
                snapshot = Hosting.ConfigSnapshot.Load(file, TimeProvider.System.GetUtcNow());
                config = snapshot.Config;
            }
            catch (ConfigException ex)
            {
                stdout.WriteLine($"  FAILED: {ex.Describe()}");
                stdout.WriteLine();
                failed++;
                continue;
            }
            stdout.WriteLine("  SUCCESS");
            stdout.WriteLine("Found:");
            stdout.WriteLine(" - global config");
            stdout.WriteLine(" - route");
            stdout.WriteLine($" - {config.InhibitRules.Count} inhibit rules");
            stdout.WriteLine($" - {config.Receivers.Count} receivers");
            stdout.WriteLine($" - {config.Templates.Count} templates");
            if (snapshot.OnCall.Users.Count + snapshot.Incidents.IncidentPolicies.Count > 0)
            {
                stdout.WriteLine($" - {snapshot.OnCall.Users.Count} users, {snapshot.OnCall.Teams.Count} teams, {snapshot.OnCall.Schedules.Count} schedules");
                stdout.WriteLine($" - {snapshot.Incidents.EscalationPolicies.Count} escalation policies, {snapshot.Incidents.IncidentPolicies.Count} incident policies");
            }
            if (snapshot.Runbooks.Directory is not null)
            {
                stdout.WriteLine($" - {snapshot.Runbooks.Catalog.Runbooks.Count} runbooks in {snapshot.Runbooks.Directory}");
            }
            if (config.Templates.Count > 0)
            {
                var error = CheckTemplates(config.Templates);
                if (error is null)
                {
                    stdout.WriteLine("  SUCCESS");
                }
                else
                {
                    stdout.WriteLine($"  FAILED: {error}");
                    failed++;
                }
            }
            if (config.Warnings.Count > 0)
            {
                stdout.WriteLine($"Warnings ({config.Warnings.Count}):");
                foreach (var w in config.Warnings)
                {
                    stdout.WriteLine($" - {w}");
                }
            }
            stdout.WriteLine();
        }
        if (failed > 0)
        {
            stderr.WriteLine($"guardia: error: failed to validate {failed} file(s)");
            return 1;
        }
        return 0;
    }

    /// <summary>Reads every file the template globs match; like Alertmanager, a glob that matches nothing is not an error.</summary>
    static string? CheckTemplates(IReadOnlyList<string> globs)
    {
        foreach (var glob in globs)
        {
            var dir = Path.GetDirectoryName(glob);
            var pattern = Path.GetFileName(glob);
            if (string.IsNullOrEmpty(dir))
            {
                dir = ".";
            }
            if (!Directory.Exists(dir))
            {
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(dir, pattern))
            {
                try
                {
                    _ = File.ReadAllText(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return $"cannot read template {file}: {ex.Message}";
                }
            }
        }
        return null;
    }
}
