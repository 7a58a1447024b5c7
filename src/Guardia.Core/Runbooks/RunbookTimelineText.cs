using System.Globalization;

namespace Guardia.Core.Runbooks;

/// <summary>
/// The sentences runbook runs write on an incident's timeline (as notes whose data carries an <c>event</c> key), in
/// English or Spanish, built from that data: the English one is stored, the Spanish one is rebuilt for readers who
/// prefer it (see <c>TimelineText</c>). Outputs, errors and reasons stay as the step or runner wrote them.
/// </summary>
public static class RunbookTimelineText
{
    /// <summary>The data key naming the event.</summary>
    public const string Event = "event";

    /// <summary>A run started (<c>requested_by</c>, <c>steps</c>).</summary>
    public const string RunStarted = "runbook.run_started";

    /// <summary>A step started (<c>step</c>, <c>attempt</c>).</summary>
    public const string StepStarted = "runbook.step_started";

    /// <summary>A step ended (<c>step</c>, <c>outcome</c>, <c>duration_ms</c>, optional <c>exit_code</c> and <c>error</c>).</summary>
    public const string StepFinished = "runbook.step_finished";

    /// <summary>A step was skipped (<c>step</c>, <c>reason</c>).</summary>
    public const string StepSkipped = "runbook.step_skipped";

    /// <summary>A step waits for approvals (<c>step</c>, <c>required</c>, <c>requested_by</c>).</summary>
    public const string ApprovalRequested = "runbook.approval_requested";

    /// <summary>A step was approved; the entry's actor is the approver (<c>step</c>).</summary>
    public const string ApprovalGranted = "runbook.approval_granted";

    /// <summary>A manual step waits for a person (<c>step</c>, <c>title</c>).</summary>
    public const string ConfirmationRequested = "runbook.confirmation_requested";

    /// <summary>Validation did not pass yet (<c>attempt</c>, <c>next_at</c>).</summary>
    public const string ValidationRetry = "runbook.validation_retry";

    /// <summary>Validation passed.</summary>
    public const string Validated = "runbook.validated";

    /// <summary>A run ended (<c>status</c>, optional <c>error</c>).</summary>
    public const string RunFinished = "runbook.run_finished";

    /// <summary>A run was taken up after a restart, or could not be (<c>refusal</c>).</summary>
    public const string RunResumed = "runbook.run_resumed";

    /// <summary>An incident found its runbook (<c>title</c>).</summary>
    public const string Linked = "runbook.linked";

    /// <summary>The English sentence stored for <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The data lacks what the sentence needs (a bug in the caller).</exception>
    public static string English(IReadOnlyDictionary<string, string> data, string actor) =>
        Render(data, actor, spanish: false) ?? throw new ArgumentException($"runbook timeline data lacks what its sentence needs ({Get(data, Event)})", nameof(data));

    /// <summary>The sentence for <paramref name="data"/> in English or Spanish, or null when the data names no runbook
    /// event or lacks what the sentence needs.</summary>
    public static string? Render(IReadOnlyDictionary<string, string> data, string actor, bool spanish)
    {
        ArgumentNullException.ThrowIfNull(data);
        string S(string en, string es) => spanish ? es : en;
        if (Get(data, "runbook") is not { } rb || Get(data, Event) is not { } e)
        {
            return null;
        }
        var run = Get(data, "run");
        var step = Get(data, "step");
        switch (e)
        {
            case RunStarted when run is not null && Get(data, "requested_by") is { } by && Get(data, "steps") is { } steps:
                return S($"runbook {rb} run {run} started by {by} ({steps} steps)", $"runbook {rb}: ejecución {run} iniciada por {by} ({steps} pasos)");
            case StepStarted when step is not null && Int(data, "attempt") is { } attempt:
                return S($"runbook {rb} step {step} started", $"runbook {rb}: paso {step} iniciado")
                    + (attempt > 1 ? S($" (attempt {attempt})", $" (intento {attempt})") : string.Empty);
            case StepFinished when step is not null && Get(data, "outcome") is { } outcome && Get(data, "duration_ms") is { } ms:
                {
                    var parts = new List<string>();
                    if (Get(data, "exit_code") is { } exit)
                    {
                        parts.Add(S("exit ", "código de salida ") + exit);
                    }
                    parts.Add(ms + " ms");
                    if (Get(data, "error") is { Length: > 0 } error)
                    {
                        parts.Add(error.Length <= 200 ? error : error[..200]);
                    }
                    var summary = string.Join(", ", parts);
                    return S($"runbook {rb} step {step} {outcome} ({summary})", $"runbook {rb}: paso {step} {StepOutcome(outcome)} ({summary})");
                }
            case StepSkipped when step is not null && Get(data, "reason") is { } reason:
                return S($"runbook {rb} step {step} skipped: {reason}", $"runbook {rb}: paso {step} omitido: {reason}");
            case ApprovalRequested when step is not null && Int(data, "required") is { } required && Get(data, "requested_by") is { } by:
                return S($"runbook {rb} step {step} waits for {(required == 1 ? "one approval" : $"{required} distinct approvals")} (not by {by})",
                    $"runbook {rb}: el paso {step} espera {(required == 1 ? "una aprobación" : $"{required} aprobaciones de personas distintas")} (no de {by})");
            case ApprovalGranted when step is not null:
                return S($"runbook {rb} step {step} approved by {actor}", $"runbook {rb}: paso {step} aprobado por {actor}");
            case ConfirmationRequested when step is not null && Get(data, "title") is { } title:
                return S($"runbook {rb} step {step} waits for a person to confirm: {title}", $"runbook {rb}: el paso {step} espera que una persona confirme: {title}");
            case ValidationRetry when Int(data, "attempt") is { } attempt && Get(data, "next_at") is { } next:
                return S($"runbook {rb} validation attempt {attempt} did not pass; next at {next}", $"runbook {rb}: el intento de validación {attempt} no pasó; el siguiente, a las {next}");
            case Validated:
                return S($"runbook {rb} validation passed", $"runbook {rb}: validación superada");
            case RunFinished when run is not null && Get(data, "status") is { } status:
                {
                    var error = Get(data, "error") is { } why ? ": " + why : string.Empty;
                    return S($"runbook {rb} run {run} {status}{error}", $"runbook {rb}: ejecución {run} {RunStatus(status)}{error}");
                }
            case RunResumed when run is not null:
                return Get(data, "refusal") is { } refusal
                    ? S($"runbook {rb} run {run} cannot resume after a restart: {refusal}", $"runbook {rb}: la ejecución {run} no puede retomarse tras un reinicio: {refusal}")
                    : S($"runbook {rb} run {run} resumed after a restart", $"runbook {rb}: ejecución {run} retomada tras un reinicio");
            case Linked when Get(data, "title") is { } title:
                return S($"runbook {rb} linked: {title}", $"runbook {rb} asociado: {title}");
            default:
                return null;
        }
    }

    static string StepOutcome(string outcome) => outcome switch
    {
        "succeeded" => "correcto",
        "failed" => "fallido",
        "timed out" => "sin terminar a tiempo",
        "cancelled" => "cancelado",
        "rejected" => "rechazado",
        _ => outcome,
    };

    static string RunStatus(string status) => status switch
    {
        "succeeded" => "correcta",
        "failed" => "fallida",
        "cancelled" => "cancelada",
        "running" => "en curso",
        _ => status,
    };

    static string? Get(IReadOnlyDictionary<string, string> data, string key) => data.TryGetValue(key, out var v) ? v : null;

    static int? Int(IReadOnlyDictionary<string, string> data, string key) =>
        int.TryParse(Get(data, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
