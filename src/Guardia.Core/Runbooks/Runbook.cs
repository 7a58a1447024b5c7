namespace Guardia.Core.Runbooks;

/// <summary>The part of a runbook a step belongs to; runs go through them in this order.</summary>
public enum RunbookSection
{
    /// <summary>Diagnosis (Diagnóstico): read-only checks; steps marked <c>auto</c> run when an incident opens.</summary>
    Diagnosis,

    /// <summary>Mitigation (Mitigación): actions that change the system.</summary>
    Mitigation,

    /// <summary>Validation (Validación): checks re-run on a schedule until they pass or the deadline passes.</summary>
    Validation,

    /// <summary>Communication (Comunicación): updates to people.</summary>
    Communication,

    /// <summary>Post-incident (Post-incidente): follow-up once the incident is mitigated.</summary>
    PostIncident,
}

/// <summary>The value type of a runbook parameter.</summary>
public enum RunbookParameterType
{
    /// <summary>Any text, written <c>string</c> (still checked against the pattern, when there is one).</summary>
    Text,

    /// <summary>A whole number, written <c>int</c>.</summary>
    WholeNumber,

    /// <summary>A decimal number.</summary>
    Number,

    /// <summary>true or false, written <c>bool</c>.</summary>
    TrueFalse,

    /// <summary>An absolute http or https URL.</summary>
    Url,

    /// <summary>A Prometheus-style duration such as 30s or 5m.</summary>
    Duration,
}

/// <summary>A parameter a runbook declares in its front matter.</summary>
/// <param name="Name">The name, referenced in step bodies as <c>$NAME</c> or <c>${NAME}</c>.</param>
/// <param name="Type">The value type.</param>
/// <param name="Pattern">A regular expression the whole value must match, or null.</param>
/// <param name="Default">The value used when none is given, or null.</param>
/// <param name="Required">Whether a run must supply a value (a default counts).</param>
/// <param name="Secret">Whether the value is redacted from outputs, dry-runs and logs.</param>
/// <param name="Description">What the value is, for the people who fill it in.</param>
public sealed record RunbookParameter(
    string Name,
    RunbookParameterType Type,
    string? Pattern,
    string? Default,
    bool Required,
    bool Secret,
    string? Description);

/// <summary>When a step runs, evaluated against the outcomes of earlier steps.</summary>
public enum StepConditionKind
{
    /// <summary>Runs when no earlier step of the run failed (the default).</summary>
    Success,

    /// <summary>Runs whatever happened before.</summary>
    Always,

    /// <summary>Runs only when some earlier step failed.</summary>
    Failure,

    /// <summary>Runs when the named step succeeded.</summary>
    StepSucceeded,

    /// <summary>Runs when the named step failed, timed out or was rejected.</summary>
    StepFailed,
}

/// <summary>A step's <c>when</c> attribute.</summary>
/// <param name="Kind">The kind of condition.</param>
/// <param name="StepId">The step the condition refers to, for the step kinds.</param>
public sealed record StepCondition(StepConditionKind Kind, string? StepId)
{
    /// <summary>The default condition: every earlier step that ran succeeded.</summary>
    public static StepCondition Default { get; } = new(StepConditionKind.Success, null);

    /// <summary>The condition as written in a fence.</summary>
    public override string ToString() => Kind switch
    {
        StepConditionKind.Success => "success",
        StepConditionKind.Always => "always",
        StepConditionKind.Failure => "failure",
        StepConditionKind.StepSucceeded => StepId + ".succeeded",
        _ => StepId + ".failed",
    };
}

/// <summary>One executable (or manual) step: a fenced block with attributes.</summary>
/// <param name="Id">The step id, unique in the runbook.</param>
/// <param name="Kind">shell, http, promql, sql, kubectl, manual or wait.</param>
/// <param name="Title">A short human title (the <c>title</c> attribute, or the text above the fence).</param>
/// <param name="Section">The section the step is in.</param>
/// <param name="Body">The fenced block's text exactly as written.</param>
/// <param name="Attributes">Every attribute of the fence, flags with the value "true".</param>
/// <param name="Timeout">How long the step may run.</param>
/// <param name="Auto">Whether the step runs without a person starting it (Diagnosis steps when an incident opens).</param>
/// <param name="Approvals">How many distinct people other than the requester must approve before it runs (0, 1 or 2).</param>
/// <param name="When">When the step runs.</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
public sealed record RunbookStep(
    string Id,
    string Kind,
    string Title,
    RunbookSection Section,
    string Body,
    IReadOnlyDictionary<string, string> Attributes,
    TimeSpan Timeout,
    bool Auto,
    int Approvals,
    StepCondition When,
    int Line)
{
    /// <summary>Whether a person confirms the step instead of an executor running it.</summary>
    public bool IsManual => Kind == RunbookStepKinds.Manual;
}

/// <summary>The step kinds the format knows.</summary>
public static class RunbookStepKinds
{
    /// <summary>A bash script; parameters arrive as environment variables.</summary>
    public const string Shell = "shell";

    /// <summary>An HTTP request with expectations on status and JSON path.</summary>
    public const string Http = "http";

    /// <summary>A PromQL query with a condition, optionally over time.</summary>
    public const string PromQL = "promql";

    /// <summary>A SQL statement on a named connection, read-only unless the step says <c>write</c>.</summary>
    public const string Sql = "sql";

    /// <summary>A shell step with kubectl semantics, dry-run aware.</summary>
    public const string Kubectl = "kubectl";

    /// <summary>A checklist item a person confirms.</summary>
    public const string Manual = "manual";

    /// <summary>A pause of the given duration.</summary>
    public const string Wait = "wait";

    /// <summary>Every kind, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = [Shell, Http, PromQL, Sql, Kubectl, Manual, Wait];
}

/// <summary>How often validation steps re-run and for how long.</summary>
/// <param name="Interval">The pause between attempts.</param>
/// <param name="Deadline">The time after the first attempt past which validation gives up.</param>
public sealed record ValidationSchedule(TimeSpan Interval, TimeSpan Deadline)
{
    /// <summary>Every minute for fifteen minutes.</summary>
    public static ValidationSchedule Default { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));
}

/// <summary>A parsed runbook: front matter plus steps in document order.</summary>
public sealed record Runbook
{
    /// <summary>The runbook id (front matter <c>id</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The file the runbook was read from, as given to the parser.</summary>
    public string File { get; init; } = string.Empty;

    /// <summary>The lower-case hex SHA-256 of the runbook's text (line endings normalised): a stored run resumes only
    /// on the same text.</summary>
    public string Digest { get; init; } = string.Empty;

    /// <summary>The services the runbook is about.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>The alert names the runbook covers.</summary>
    public IReadOnlyList<string> Alerts { get; init; } = [];

    /// <summary>The owners (teams, channels, people).</summary>
    public IReadOnlyList<string> Owners { get; init; } = [];

    /// <summary>The declared parameters.</summary>
    public IReadOnlyList<RunbookParameter> Parameters { get; init; } = [];

    /// <summary>What must hold before the runbook is used.</summary>
    public IReadOnlyList<string> Preconditions { get; init; } = [];

    /// <summary>Thresholds quoted by the runbook, for people (informative).</summary>
    public IReadOnlyList<string> Thresholds { get; init; } = [];

    /// <summary>How validation steps re-run.</summary>
    public ValidationSchedule Validation { get; init; } = ValidationSchedule.Default;

    /// <summary>The steps in document order.</summary>
    public IReadOnlyList<RunbookStep> Steps { get; init; } = [];

    /// <summary>The Diagnosis steps marked <c>auto</c>: the ones to run when an incident opens.</summary>
    public IReadOnlyList<RunbookStep> AutoDiagnosisSteps =>
        [.. Steps.Where(s => s.Section == RunbookSection.Diagnosis && s.Auto)];

    /// <summary>The step with the given id, or null.</summary>
    public RunbookStep? Step(string id) => Steps.FirstOrDefault(s => s.Id == id);
}
