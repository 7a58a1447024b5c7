using Guardia.Core.Alerts;
using Guardia.Core.Audit;
using Guardia.Core.Incidents;
using Guardia.Core.Runbooks;
using Guardia.Server.Hosting;
using Guardia.Storage.Sqlite;

namespace Guardia.Server.Runbooks;

/// <summary>Runbooks in the running server: the catalog of the configured directory (swapped on reload), one
/// <see cref="RunbookRunner"/> for every run, and the link from an opening incident to its runbook, whose Diagnosis
/// steps marked <c>auto</c> start by themselves when <c>auto_diagnose</c> is on.</summary>
/// <remarks>Parameters of an automatic run come from the runbook's defaults and from the alert's labels: a label
/// fills the parameter whose name is the label name upper-cased (label <c>namespace</c> fills <c>NAMESPACE</c>).
/// A label value that fails the parameter's type or pattern is not used, and the timeline says so.
/// Every change of a run is saved in the run store; at start the unfinished runs resume (or fail with the reason
/// when they cannot), and finished runs stay listed from the store.</remarks>
sealed class RunbookService : IHostedService, IDisposable
{
    readonly ConfigHolder _config;
    readonly IncidentService _incidents;
    readonly ILogger<RunbookService> _logger;
    readonly TimeProvider _time;
    readonly ReloadableStepExecutor _executors;
    readonly RunbookRecorder _recorder;
    readonly ServeOptions _options;
    SqliteRunbookRunStore? _store;
    RunbookRunner? _runner;

    public RunbookService(ConfigHolder config, IncidentService incidents, IAuditLog audit, ServeOptions options, TimeProvider time, ILogger<RunbookService> logger)
    {
        _config = config;
        _incidents = incidents;
        _options = options;
        _logger = logger;
        _time = time;
        _executors = new ReloadableStepExecutor(time);
        _recorder = new RunbookRecorder(incidents, audit, time, () => Settings, logger);
    }

    /// <summary>The runbook settings of the running configuration.</summary>
    public RunbookSettings Settings => _config.Current.Runbooks;

    /// <summary>The runbooks of the running configuration.</summary>
    public RunbookCatalog Catalog => Settings.Catalog;

    /// <summary>The runner; available once the service started.</summary>
    public RunbookRunner Runner => _runner ?? throw new InvalidOperationException("The runbook service is not started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = Settings;
        _executors.Configure(settings.Actions);
        _store = new SqliteRunbookRunStore(SqliteDatabase.Open(_options.StoragePath), settings.KeepFinishedRuns);
        _runner = new RunbookRunner([_executors], _time, new RunbookRunnerOptions
        {
            MaxConcurrentRuns = settings.MaxConcurrentRuns,
            NewRunId = () => Guid.NewGuid().ToString("N")[..16],
            Store = _store,
            StoreFailed = (run, ex) => _logger.LogError("Runbook run {Run}: its state could not be saved: {Error}", run, ex.Message),
        }, _recorder);
        var unfinished = await _store.LoadUnfinishedAsync(cancellationToken);
        foreach (var stored in unfinished)
        {
            try
            {
                var run = _runner.Resume(stored, settings.Catalog.Get(stored.Run.RunbookId));
                _logger.LogInformation("Runbook {Runbook} run {Run} taken up after the restart", run.RunbookId, run.RunId);
            }
            catch (RunbookException ex)
            {
                _logger.LogError("Runbook run {Run} could not be taken up after the restart: {Error}", stored.RunId, ex.Message);
            }
        }
        _config.Reloaded += Reconfigure;
        _incidents.Opened += OnIncidentOpenedAsync;
        _logger.LogInformation("Runbooks: {Count} from {Dir}, auto-diagnose {Auto}, {Resumed} unfinished runs taken up", settings.Catalog.Runbooks.Count, settings.Directory ?? "(none)", settings.AutoDiagnose ? "on" : "off", unfinished.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _config.Reloaded -= Reconfigure;
        _incidents.Opened -= OnIncidentOpenedAsync;
        if (_runner is { } runner)
        {
            // A run waiting for people or for its next validation attempt stays in the store and resumes after the
            // restart; one with a step in flight is cancelled, which stops the step rather than leaving it behind.
            foreach (var run in runner.Runs().Where(r => r.Status == RunStatus.Running && r.Steps.Any(s => s.Status == StepStatus.Running)))
            {
                runner.Cancel(run.RunId, Actors.System);
            }
        }
        return Task.CompletedTask;
    }

    public void Dispose() => _store?.Dispose();

    void Reconfigure(ConfigSnapshot snapshot)
    {
        _executors.Configure(snapshot.Runbooks.Actions);
        _logger.LogInformation("Runbooks reloaded: {Count} from {Dir}", snapshot.Runbooks.Catalog.Runbooks.Count, snapshot.Runbooks.Directory ?? "(none)");
    }

    /// <summary>Starts a run after checking its parameters; returns once the run is in the store. Throws
    /// <see cref="RunbookException"/> when the runner refuses it.</summary>
    public Task<RunSnapshot> StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Runner.StartAsync(request, cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> runs, of this process and finished ones from the store, newest first.</summary>
    public async Task<IReadOnlyList<RunSnapshot>> RunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var live = Runner.Runs();
        var known = new HashSet<string>(live.Select(r => r.RunId), StringComparer.Ordinal);
        var all = new List<RunSnapshot>(live);
        if (_store is { } store)
        {
            foreach (var stored in await store.ListFinishedAsync(limit, cancellationToken))
            {
                if (known.Add(stored.RunId))
                {
                    all.Add(stored.Run);
                }
            }
        }
        return [.. all.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.RunId, StringComparer.Ordinal).Take(limit)];
    }

    /// <summary>The run with the given id, from this process or from the store, or null.</summary>
    public async Task<RunSnapshot?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        if (Runner.Get(runId) is { } run)
        {
            return run;
        }
        return _store is { } store ? (await store.GetAsync(runId, cancellationToken))?.Run : null;
    }

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
        var linked = new Dictionary<string, string>
        {
            ["runbook"] = runbook.Id,
            ["title"] = runbook.Title,
            ["file"] = Path.GetFileName(runbook.File),
            [RunbookTimelineText.Event] = RunbookTimelineText.Linked,
        };
        await engine.RecordEventAsync(incident.Id, TimelineKind.Note, RunbookTimelineText.English(linked, Actors.System), linked, Actors.System, CancellationToken.None);
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
            var run = await StartAsync(new RunRequest(runbook, parameters, Actors.System, incident.Id)
            {
                Sections = new HashSet<RunbookSection> { RunbookSection.Diagnosis },
                AutoOnly = true,
            }, CancellationToken.None);
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
