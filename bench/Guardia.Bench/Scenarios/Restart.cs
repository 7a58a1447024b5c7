namespace Guardia.Bench.Scenarios;

/// <summary>Figures of one graceful restart on the same storage.</summary>
sealed record RestartResult(int AlertsBefore, double StopSeconds, double StartToReadySeconds, AlertCount ListedAfter);

/// <summary>
/// Stops a server holding active alerts with SIGTERM, starts it again on the same storage directory and
/// counts the alerts it still knows. Alertmanager keeps alerts in memory only, so it comes back with none;
/// Guardia must come back with all of them.
/// </summary>
static class RestartScenario
{
    public static async Task<(RestartResult Result, ServerProcess Restarted)> RunAsync(
        ServerProcess server, string configFile, int alertsBefore, TimeSpan timeout, CancellationToken ct)
    {
        var stop = await server.StopAsync(timeout, ct);
        await server.DisposeAsync();

        // A fresh port: the old one may linger in TIME_WAIT, and the storage, not the port, is what matters.
        var restarted = await ServerProcess.StartAsync(server.Command, FreePort.Next(), server.StorageDir, configFile, timeout, ct);
        try
        {
            using var api = new AlertsApi(restarted.BaseAddress, 1);
            var listed = await api.CountAlertsAsync(ct);
            return (new RestartResult(alertsBefore, stop.TotalSeconds, restarted.StartToReady.TotalSeconds, listed), restarted);
        }
        catch
        {
            await restarted.DisposeAsync();
            throw;
        }
    }
}
