namespace Guardia.Core.Notify;

/// <summary>Receives one observation per delivery attempt, for the server's metrics.</summary>
public interface INotificationMetrics
{
    /// <summary>Records an attempt of <paramref name="integration"/> that took <paramref name="latency"/>.</summary>
    void Attempted(string integration, TimeSpan latency, bool failed);

    /// <summary>A sink that records nothing.</summary>
    static INotificationMetrics None { get; } = new NoMetrics();

    sealed class NoMetrics : INotificationMetrics
    {
        public void Attempted(string integration, TimeSpan latency, bool failed)
        {
        }
    }
}
