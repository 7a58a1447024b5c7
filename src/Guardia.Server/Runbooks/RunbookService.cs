using System.Collections.Concurrent;
using Guardia.Core.Alerts;
using Guardia.Core.Audit;
using Guardia.Core.Incidents;
using Guardia.Core.Runbooks;
using Guardia.Server.Hosting;

namespace Guardia.Server.Runbooks;

/// <summary>Runbooks in the running server: the catalog of the configured directory (swapped on reload), one
/// <see cref="RunbookRunner"/> for every run, and the link from an opening incident to its runbook, whose Diagnosis
/// steps marked <c>auto</c> start by themselves when <c>auto_diagnose</c> is on.</summary>
/// <remarks>Parameters of an automatic run come from the runbook's defaults and from the alert's labels: a label
/// fills the parameter whose name is the label name upper-cased (label <c>namespace</c> fills <c>NAMESPACE</c>).
/// A label value that fails the parameter's type or pattern is not used, and the timeline says so.</remarks>
sealed class RunbookService : IHostedService
{
    readonly ConfigHolder _config;
    readonly IncidentService _incidents;
    readonly ILogger<RunbookService> _logger;
    readonly TimeProvider _time;
    readonly ReloadableStepExecutor _executors;
    readonly RunbookRecorder _recorder;
    readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _parameters = new(StringComparer.Ordinal);
    readonly Lock _startLock = new();
    IReadOnlyDictionary<string, string>? _starting;
    RunbookRunner? _runner;

    public RunbookService(ConfigHolder config, IncidentService incidents, IAuditLog audit, TimeProvider time, ILogger<RunbookService> logger)
    {
        _config = config;
        _incidents = incidents;
        _logger = logger;
        _time = time;
        _executors = new ReloadableStepExecutor(time);
        _recorder = new RunbookRecorder(incidents, audit, time, () => Settings, RedactedParameters, logger);
    }

    /// <summary>The runbook settings of the running configuration.</summary>
    public RunbookSettings Settings => _config.Current.Runbooks;

    /// <summary>The runbooks of the running configuration.</summary>
    public RunbookCatalog Catalog => Settings.Catalog;

    /// <summary>The runner; available once the service started.</summary>
    public RunbookRunner Runner => _runner ?? throw new InvalidOperationException("The runbook service is not started.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = Settings;
        _executors.Configure(settings.Actions);
        _runner = new RunbookRunner([_executors], _time, new RunbookRunnerOptions
        {
            MaxConcurrentRuns = settings.MaxConcurrentRuns,
            NewRunId = NewRunId,
        }, _recorder);
        _config.Reloaded += Reconfigure;
        _incidents.Opened += OnIncidentOpenedAsync;
        _logger.LogInformation("Runbooks: {Count} from {Dir}, auto-diagnose {Auto}", settings.Catalog.Runbooks.Count, settings.Directory ?? "(none)", settings.AutoDiagnose ? "on" : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _config.Reloaded -= Reconfigure;
        _incidents.Opened -= OnIncidentOpenedAsync;
        if (_runner is { } runner)
        {
            foreach (var run in runner.Runs().Where(r => r.Status == RunStatus.Running))
            {
                runner.Cancel(run.RunId, Actors.System);
            }
        }
        return Task.CompletedTask;
    }

    void Reconfigure(ConfigSnapshot snapshot)
    {
        _executors.Configure(snapshot.Runbooks.Actions);
        _logger.LogInformation("Runbooks reloaded: {Count} from {Dir}", snapshot.Runbooks.Catalog.Runbooks.Count, snapshot.Runbooks.Directory ?? "(none)");
    }

    /// <summary>Starts a run after checking its parameters; throws <see cref="RunbookException"/> when the runner refuses it.</summary>
    public RunSnapshot Start(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var redacted = RunbookParameters.Resolve(request.Runbook, request.Parameters).Redacted;
        // The runner makes the run id inside Start and may call the recorder before Start returns; the id
        // generator files the parameters under the new id so the first audit event already has them.
        lock (_startLock)
        {
            _starting = redacted;
            try
            {
                return Runner.Start(request);
            }
            finally
            {
                _starting = null;
            }
        }
    }

    string NewRunId()
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        if (_starting is { } parameters)
        {
            _parameters[id] = parameters;
        }
        return id;
    }

    IReadOnlyDictionary<string, string> RedactedParameters(string runId) =>
        _parameters.TryGetValue(runId, out var p) ? p : new Dictionary<string, string>();

    /// <summary>The parameter values of a run, secrets redacted (empty for unknown runs).</summary>
    public IReadOnlyDictionary<string, string> ParametersOf(string runId) => RedactedParameters(runId);

    /// <summary>Links an opening incident to its runbook and starts the automatic diagnosis.</summary>
    async Task OnIncidentOpenedAsync(Incident incident, IReadOnlyList<Alert> alerts)
    {
        var settings = Settings;
        Runbook? runbook = null;
        Alert? source = null;
        foreach (var alert in alerts)
        {
            if (settings.Catalog.FindForAlert(alert.Labels, alert.Annotations) is { } found)
            {
                runbook = found;
                source = alert;
                break;
            }
        }
        if (runbook is null || source is null)
        {
            return;
        }
        var engine = _incidents.Engine;
        await engine.RecordEventAsync(incident.Id, TimelineKind.Note, $"runbook {runbook.Id} linked: {runbook.Title}",
            new Dictionary<string, string> { ["runbook"] = runbook.Id, ["title"] = runbook.Title, ["file"] = Path.GetFileName(runbook.File) },
            Actors.System, CancellationToken.None);
        if (!settings.AutoDiagnose || runbook.AutoDiagnosisSteps.Count == 0)
        {
            return;
        }
        var (parameters, refused) = ParametersFromLabels(runbook, source.Labels);
        foreach (var note in refused)
        {
            await engine.RecordEventAsync(incident.Id, TimelineKind.Note, $"runbook {runbook.Id}: {note}", null, Actors.System, CancellationToken.None);
        }
        try
        {
            var run = Start(new RunRequest(runbook, parameters, Actors.System, incident.Id)
            {
                Sections = new HashSet<RunbookSection> { RunbookSection.Diagnosis },
                AutoOnly = true,
            });
            _logger.LogInformation("Incident {Incident}: automatic diagnosis of runbook {Runbook} started as run {Run}", incident.Id, runbook.Id, run.RunId);
        }
        catch (RunbookException ex)
        {
            await engine.RecordEventAsync(incident.Id, TimelineKind.Note, $"runbook {runbook.Id}: automatic diagnosis not started: {ex.Message}",
                new Dictionary<string, string> { ["runbook"] = runbook.Id }, Actors.System, CancellationToken.None);
        }
    }

    /// <summary>Parameter values from labels whose upper-cased name is a declared parameter; values that fail the
    /// parameter's type or pattern are left out (its default applies) and explained.</summary>
    internal static (Dictionary<string, string> Values, List<string> Refused) ParametersFromLabels(Runbook runbook, IReadOnlyDictionary<string, string> labels)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var refused = new List<string>();
        foreach (var (name, value) in labels)
        {
            var upper = name.ToUpperInvariant();
            var parameter = runbook.Parameters.FirstOrDefault(p => p.Name == upper);
            if (parameter is null)
            {
                continue;
            }
            if (RunbookParameters.Check(parameter, value) is { } problem)
            {
                refused.Add($"label {name} not used for parameter {parameter.Name}: {problem}");
                continue;
            }
            values[parameter.Name] = value;
        }
        return (values, refused);
    }
}
