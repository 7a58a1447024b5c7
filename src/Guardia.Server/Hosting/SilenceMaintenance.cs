using Guardia.Core.Inhibition;
using Guardia.Core.Silences;
using Guardia.Server.Observability;

namespace Guardia.Server.Hosting;

/// <summary>Every maintenance interval, deletes silences expired longer than the retention ago and drops resolved inhibition sources.</summary>
sealed class SilenceMaintenance(Silences silences, Inhibitor inhibitor, ServeOptions options, TimeProvider time, GuardiaMetrics metrics, ILogger<SilenceMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.MaintenanceInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var collected = await silences.CollectAsync(stoppingToken);
                if (collected > 0)
                {
                    metrics.SilencesCollected.Inc(collected);
                    logger.LogInformation("Collected {Count} silences expired more than {Retention} ago", collected, options.Retention);
                }
                inhibitor.CollectResolved(time.GetUtcNow());
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
