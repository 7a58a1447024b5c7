using Guardia.Core.Alerts;

namespace Guardia.Server.Hosting;

/// <summary>Holds the running configuration and swaps it whole on reload; a bad reload keeps the old one.</summary>
sealed class ConfigHolder(ServeOptions options, TimeProvider time, ILogger<ConfigHolder> logger)
{
    ConfigSnapshot? _current;

    public ConfigSnapshot Current => _current ?? throw new InvalidOperationException("Configuration not loaded.");

    /// <summary>The error of the last reload that failed, cleared by a successful one.</summary>
    public string? LastError { get; private set; }

    /// <summary>Loads the configuration file; returns the error text when it is invalid.</summary>
    public string? Reload()
    {
        try
        {
            var next = ConfigSnapshot.Load(options.ConfigFile, time.GetUtcNow());
            Interlocked.Exchange(ref _current, next);
            LastError = null;
            logger.LogInformation("Loaded configuration {File}", options.ConfigFile ?? "(built-in default)");
            return null;
        }
        catch (Exception ex) when (ex is IOException or FormatException or YamlDotNet.Core.YamlException or UnauthorizedAccessException)
        {
            LastError = ex.Message;
            logger.LogError("Configuration {File} rejected, keeping the previous one: {Error}", options.ConfigFile, ex.Message);
            return ex.Message;
        }
    }
}

/// <summary>Routing answers the API needs from a configuration snapshot.</summary>
static class ConfigSnapshotRouting
{
    public static IReadOnlyList<string> ReceiversFor(this ConfigSnapshot snapshot, LabelSet labels) => [snapshot.RootReceiver];
}
