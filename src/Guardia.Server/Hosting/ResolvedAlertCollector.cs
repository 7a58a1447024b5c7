using Guardia.Core.Alerts;
using Guardia.Server.Observability;

namespace Guardia.Server.Hosting;

/// <summary>Collects alerts that resolved longer ago than the retention period, every GC interval.</summary>
sealed class ResolvedAlertCollector(AlertStore store, ServeOptions options, TimeProvider time, GuardiaMetrics metrics, ILogger<ResolvedAlertCollector> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.GcInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                var collected = store.CollectResolved(now, now - options.Retention);
                if (collected > 0)
                {
                    metrics.AlertsCollected.Inc(collected);
                    logger.LogInformation("Collected {Count} alerts resolved before {Cutoff:O}", collected, now - options.Retention);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
