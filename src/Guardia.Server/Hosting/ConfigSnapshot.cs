using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Route = Guardia.Core.Routing.Route;

namespace Guardia.Server.Hosting;

/// <summary>The configuration the server runs with and the routing tree built from it; replaced whole on reload.</summary>
sealed class ConfigSnapshot
{
    /// <summary>What a server started without <c>--config.file</c> runs: one receiver that notifies nobody.</summary>
    const string DefaultYaml = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    ConfigSnapshot(AlertmanagerConfig config, DateTimeOffset loadedAt)
    {
        Config = config;
        Route = Route.Build(config.Route);
        Redacted = config.ToRedactedYaml();
        LoadedAt = loadedAt;
        ReceiverNames = [.. config.Receivers.Select(r => r.Name)];
    }

    public AlertmanagerConfig Config { get; }

    public Route Route { get; }

    /// <summary>The configuration as YAML with secrets shown as <c>&lt;secret&gt;</c> (what /api/v2/status shows).</summary>
    public string Redacted { get; }

    public DateTimeOffset LoadedAt { get; }

    public IReadOnlyList<string> ReceiverNames { get; }

    public TimeSpan ResolveTimeout => Config.Global.ResolveTimeout;

    /// <summary>Loads and validates <paramref name="file"/>; throws <see cref="ConfigException"/> with file, line and column.</summary>
    public static ConfigSnapshot Load(string? file, DateTimeOffset now) =>
        new(file is null ? AlertmanagerConfigLoader.Load(DefaultYaml, "(built-in default)") : SettingsFile.Load(file), now);

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
