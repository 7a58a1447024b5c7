using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>One configured integration of a receiver (e.g. its second <c>webhook_configs</c> entry): a notifier with its kind, index and <c>send_resolved</c>.</summary>
public sealed class Integration(INotifier notifier, string name, int index, bool sendResolved)
{
    /// <summary>The integration kind, e.g. <c>webhook</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The position among the receiver's integrations of the same kind.</summary>
    public int Index { get; } = index;

    /// <summary>Whether resolved alerts are notified.</summary>
    public bool SendResolved { get; } = sendResolved;

    /// <summary>Delivers once through the notifier.</summary>
    public Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct) =>
        notifier.NotifyAsync(flush, alerts, ct);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}[{Index}]";
}
