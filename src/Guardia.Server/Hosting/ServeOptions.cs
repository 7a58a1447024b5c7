namespace Guardia.Server.Hosting;

/// <summary>The settings of <c>guardia serve</c>, named after Alertmanager's flags where one exists.</summary>
sealed record ServeOptions
{
    public string ListenAddress { get; init; } = "127.0.0.1:9093";
    public string StoragePath { get; init; } = "./data";
    public string? ConfigFile { get; init; }
    public string? ExternalUrl { get; init; }

    /// <summary>How long resolved alerts are kept before they are collected (Alertmanager's --data.retention).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(120);

    /// <summary>How often resolved alerts are collected (Alertmanager's --alerts.gc-interval).</summary>
    public TimeSpan GcInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How often expired silences past retention are collected (Alertmanager's --data.maintenance-interval).</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 64L * 1024 * 1024;
}
