using Guardia.Core.Configuration;

namespace Guardia.Server.Hosting;

/// <summary>Holds the running configuration and swaps it whole on reload; a bad reload keeps the old one.</summary>
sealed class ConfigHolder(ServeOptions options, TimeProvider time, ILogger<ConfigHolder> logger)
{
    ConfigSnapshot? _current;

    public ConfigSnapshot Current => _current ?? throw new InvalidOperationException("Configuration not loaded.");

    /// <summary>Called after each successful (re)load with the new snapshot.</summary>
    public event Action<ConfigSnapshot>? Reloaded;

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
            Reloaded?.Invoke(next);
            logger.LogInformation("Loaded configuration {File}", options.ConfigFile ?? "(built-in default)");
            foreach (var warning in next.Config.Warnings)
            {
                logger.LogWarning("{Warning}", warning.ToString());
            }
            return null;
        }
        catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException)
        {
            var error = ex is ConfigException ce ? ce.Describe() : ex.Message;
            LastError = error;
            logger.LogError("Configuration {File} rejected, keeping the previous one: {Error}", options.ConfigFile, error);
            return error;
        }
    }
}
