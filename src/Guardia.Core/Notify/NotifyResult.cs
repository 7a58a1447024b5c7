namespace Guardia.Core.Notify;

/// <summary>The outcome of one delivery attempt, with Alertmanager's decision on whether retrying can help.</summary>
/// <param name="Success">True when the peer accepted the notification.</param>
/// <param name="Retry">True when the failure is transient (connection error, timeout, 5xx, rate limiting).</param>
/// <param name="Error">What went wrong, without the secrets a notifier knows it holds (URLs with tokens); null on success.</param>
/// <param name="StatusCode">The HTTP status the peer answered, when there was one.</param>
public sealed record NotifyResult(bool Success, bool Retry, string? Error, int? StatusCode = null)
{
    /// <summary>A delivered notification.</summary>
    public static NotifyResult Delivered(int? statusCode = null) => new(true, false, null, statusCode);

    /// <summary>A failed attempt that may succeed when tried again (timeouts, 5xx, rate limiting).</summary>
    public static NotifyResult Retryable(string error, int? statusCode = null) => new(false, true, error, statusCode);

    /// <summary>A failed attempt that will fail again (4xx, bad template, bad configuration).</summary>
    public static NotifyResult Permanent(string error, int? statusCode = null) => new(false, false, error, statusCode);
}
