using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>A muter that mutes nothing: stands in for silences or inhibition where none are configured.</summary>
public sealed class NothingMuted : IMuter
{
    /// <summary>The single instance.</summary>
    public static NothingMuted Instance { get; } = new();

    /// <inheritdoc/>
    public bool Mutes(LabelSet labels, DateTimeOffset now) => false;
}
