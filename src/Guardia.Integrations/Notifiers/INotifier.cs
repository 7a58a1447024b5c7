using Guardia.Core.Alerts;
using Guardia.Core.Templating.Alertmanager;

namespace Guardia.Integrations.Notifiers;

/// <summary>One configured integration of a receiver (a <c>slack_configs</c> entry, a <c>pagerduty_configs</c> entry...): Alertmanager's <c>notify.Integration</c>.</summary>
public interface INotifier
{
    /// <summary>The integration name as Alertmanager names it: <c>slack</c>, <c>pagerduty</c>, <c>msteams</c>, <c>email</c>.</summary>
    string Integration { get; }

    /// <summary>The position of the entry in its receiver's list of that integration (Alertmanager's integration index).</summary>
    int Index { get; }

    /// <summary>The <c>send_resolved</c> setting: when false, the pipeline drops resolved alerts before calling <see cref="NotifyAsync"/>, and skips the call when none is left.</summary>
    bool SendResolved { get; }

    /// <summary>Renders and sends one notification; never throws for delivery failures, which are reported in the result.</summary>
    Task<NotifyResult> NotifyAsync(NotificationRequest request, CancellationToken ct);
}

/// <summary>Everything an integration needs to render one notification of an aggregation group.</summary>
/// <param name="Receiver">The receiver name.</param>
/// <param name="GroupKey">Alertmanager's group key, e.g. <c>{}/{severity="critical"}:{alertname="X"}</c>; PagerDuty's dedup key is its SHA-256.</param>
/// <param name="GroupLabels">The labels the group was formed by.</param>
/// <param name="Alerts">The alerts to notify about.</param>
/// <param name="ExternalUrl">The URL Guardia is reachable at.</param>
/// <param name="Now">The time the flush happened; decides which alerts are resolved.</param>
public sealed record NotificationRequest(
    string Receiver,
    string GroupKey,
    LabelSet GroupLabels,
    IReadOnlyList<Alert> Alerts,
    string ExternalUrl,
    DateTimeOffset Now)
{
    /// <summary>The data templates see, as Alertmanager builds it.</summary>
    public TemplateData ToTemplateData() => TemplateData.Create(Receiver, GroupLabels, Alerts, ExternalUrl, Now);
}

/// <summary>The outcome of one delivery attempt, with Alertmanager's decision on whether retrying can help.</summary>
/// <param name="Success">True when the peer accepted the notification.</param>
/// <param name="Retry">True when the failure is transient (connection error, timeout, 5xx, rate limiting).</param>
/// <param name="Error">What went wrong, with secrets already redacted; null on success.</param>
/// <param name="StatusCode">The HTTP status the peer answered, when there was one.</param>
public sealed record NotifyResult(bool Success, bool Retry, string? Error, int? StatusCode = null)
{
    /// <summary>A delivered notification.</summary>
    public static NotifyResult Delivered(int? statusCode = null) => new(true, false, null, statusCode);

    /// <summary>A failure worth retrying.</summary>
    public static NotifyResult Transient(string error, int? statusCode = null) => new(false, true, error, statusCode);

    /// <summary>A failure that retrying cannot fix (bad template, 4xx, missing key).</summary>
    public static NotifyResult Permanent(string error, int? statusCode = null) => new(false, false, error, statusCode);
}
