using Guardia.Core.Configuration;
using Guardia.Core.DeadLetters;

namespace Guardia.Integrations.Notifiers;

/// <summary>Turns a notification that failed its last retry into a <see cref="DeadLetter"/> (for the retry stage).</summary>
public static class DeadLetterFactory
{
    /// <summary>The dead letter for <paramref name="request"/> sent by <paramref name="notifier"/>, its error redacted with <paramref name="receiver"/>'s secrets.</summary>
    public static DeadLetter Create(
        NotificationRequest request, INotifier notifier, ReceiverConfig receiver, NotifyResult lastResult,
        int attempts, DateTimeOffset firstFailure, DateTimeOffset lastFailure)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(lastResult);
        return new DeadLetter
        {
            Id = Guid.CreateVersion7(lastFailure).ToString("N"),
            Receiver = request.Receiver,
            Integration = notifier.Integration,
            IntegrationIndex = notifier.Index,
            GroupKey = request.GroupKey,
            GroupLabels = request.GroupLabels,
            Alerts = request.Alerts,
            ExternalUrl = request.ExternalUrl,
            FlushedAt = request.Now,
            Error = ReceiverSecrets.Redact(lastResult.Error ?? "failed", ReceiverSecrets.Of(receiver)),
            Attempts = attempts,
            FirstFailure = firstFailure,
            LastFailure = lastFailure,
        };
    }
}
