namespace Guardia.Server.Hosting;

/// <summary>When this server process started, read once from the injected clock.</summary>
sealed class ServerClock(TimeProvider time)
{
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();
}
