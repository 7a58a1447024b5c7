using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Guardia.Core.Notify;

namespace Guardia.Core.DeadLetters;

/// <summary>Keeps notifications that failed for good in the dead-letter list: one dead letter per aggregation group
/// and integration, holding the latest undelivered notification with the attempts summed, and removed when a later
/// flush of that group gets through that integration (it carried the group's newer state, so nothing is left to replay).</summary>
/// <param name="store">Where dead letters are kept.</param>
/// <param name="secretsOf">The secret values of a receiver by name, redacted from the stored error.</param>
/// <param name="externalUrl">The external URL notifications are rendered with.</param>
public sealed class DeadLetterRecorder(IDeadLetterStore store, Func<string, IReadOnlyList<string>> secretsOf, Func<string> externalUrl) : IDeliveryOutcomes
{
    readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    /// <summary>Called after a dead letter is kept, with it; for logs and metrics.</summary>
    public Action<DeadLetter>? Kept { get; init; }

    /// <summary>Learns which dead letters exist, so that deliveries of groups without one touch no storage.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        foreach (var letter in await store.ListAsync(ct))
        {
            _known.TryAdd(letter.Id, 0);
        }
    }

    /// <summary>The dead-letter id of a group's notifications through one integration.</summary>
    public static string IdFor(string receiver, string integration, int index, string groupKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{receiver}\n{integration}\n{index}\n{groupKey}"), hash);
        return Convert.ToHexStringLower(hash[..10]);
    }

    /// <inheritdoc/>
    public async ValueTask DeliveredAsync(Flush flush, Integration integration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentNullException.ThrowIfNull(integration);
        if (_known.IsEmpty)
        {
            return;
        }
        var id = IdFor(flush.Receiver, integration.Name, integration.Index, flush.GroupKey);
        if (_known.TryRemove(id, out _))
        {
            await store.DeleteAsync(id, ct);
        }
    }

    /// <inheritdoc/>
    public async ValueTask FailedAsync(FailedDelivery failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var flush = failure.Flush;
        var id = IdFor(flush.Receiver, failure.Integration.Name, failure.Integration.Index, flush.GroupKey);
        var previous = await store.GetAsync(id, ct);
        var letter = new DeadLetter
        {
            Id = id,
            Receiver = flush.Receiver,
            Integration = failure.Integration.Name,
            IntegrationIndex = failure.Integration.Index,
            GroupKey = flush.GroupKey,
            GroupLabels = flush.GroupLabels,
            Alerts = failure.Alerts,
            ExternalUrl = externalUrl(),
            FlushedAt = flush.Now,
            Error = ReceiverSecrets.Redact(failure.Error, secretsOf(flush.Receiver)),
            Attempts = failure.Attempts + (previous?.Attempts ?? 0),
            FirstFailure = previous?.FirstFailure ?? failure.FirstFailure,
            LastFailure = failure.LastFailure,
        };
        await store.AddAsync(letter, ct);
        _known.TryAdd(id, 0);
        Kept?.Invoke(letter);
    }
}
