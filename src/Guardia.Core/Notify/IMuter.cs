using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>Decides whether an alert is muted (Alertmanager's <c>types.Muter</c>): silences and inhibition
/// implement it, and the notification pipeline drops the alerts it mutes.</summary>
public interface IMuter
{
    /// <summary>Returns true when an alert with <paramref name="labels"/> must not be notified at <paramref name="now"/>.</summary>
    bool Mutes(LabelSet labels, DateTimeOffset now);
}
