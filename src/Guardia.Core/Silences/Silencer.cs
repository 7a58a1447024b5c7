using Guardia.Core.Alerts;
using Guardia.Core.Notify;

namespace Guardia.Core.Silences;

/// <summary>Mutes alerts that an active silence matches (Alertmanager's <c>silence.Silencer</c>).</summary>
public sealed class Silencer(Silences silences) : IMuter
{
    /// <inheritdoc/>
    public bool Mutes(LabelSet labels, DateTimeOffset now)
    {
        // Indexing avoids an enumerator allocation per alert on the notification path.
        var all = silences.All();
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].Mutes(labels, now))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Returns the ids of the active silences that mute <paramref name="labels"/> (an alert's <c>silencedBy</c>).</summary>
    public IReadOnlyList<string> SilencedBy(LabelSet labels, DateTimeOffset now) => silences.MutedBy(labels, now);
}
