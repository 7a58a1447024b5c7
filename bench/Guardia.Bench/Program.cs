using System.Runtime.InteropServices;
using Guardia.Bench;
using Guardia.Bench.Scenarios;

// Children must never outlive the harness. The first Ctrl-C (or SIGTERM, SIGHUP) cancels the run, whose
// finally blocks stop the servers and delete their temp storage; a second one kills them at once.
using var cts = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    if (cts.IsCancellationRequested)
    {
        ServerProcess.KillAll();
        Environment.Exit(130);
    }
    Console.Error.WriteLine($"{context.Signal}: stopping the servers...");
    cts.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
AppDomain.CurrentDomain.ProcessExit += (_, _) => ServerProcess.KillAll();

try
{
    var parsed = BenchOptions.Parse(args);
    if (parsed is null)
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }
    var options = parsed with { LoadAverageAtStart = ProcStats.LoadAverage() };
    var sideBySide = (options.Scenario & ~Scenario.Incidents) != 0;
    var guardiaCommand = ServerCommand.Guardia(options.Guardia, options.AlertmanagerPath);
    var resultsDir = options.ResultsDir ?? Path.Combine(RepoRoot.Find(), "bench", "results");
    var startedAt = TimeProvider.System.GetUtcNow();

    static void Log(string line) => Console.Error.WriteLine($"[{TimeProvider.System.GetUtcNow():HH:mm:ss}] {line}");

    // One server after the other, never both at once: they would compete for the same cores.
    string? binaryVersion = null;
    TargetResult am, guardia;
    if (sideBySide)
    {
        var amCommand = ServerCommand.Alertmanager(options.AlertmanagerPath);
        binaryVersion = AlertmanagerVersion.FromBinary(options.AlertmanagerPath);
        Console.Error.WriteLine($"{options.AlertmanagerPath} --version: {binaryVersion ?? "unknown"}");
        am = await TargetRun.RunAsync(amCommand, options, Log, cts.Token);
        GC.Collect();
        guardia = await TargetRun.RunAsync(guardiaCommand, options, Log, cts.Token);
    }
    else
    {
        am = new TargetResult("Alertmanager", "(not run: it has no incidents or escalation)", null, null, null, null, null, null, null);
        guardia = new TargetResult(guardiaCommand.Name, guardiaCommand.Display, null, null, null, null, null, null, null);
    }
    if (options.Scenario.HasFlag(Scenario.Incidents))
    {
        // Guardia alone: no competitor for escalation runs on this machine (see Report.NoCompetitor).
        GC.Collect();
        var incidents = await IncidentsScenario.RunAsync(guardiaCommand, options, Log, cts.Token);
        guardia = guardia with { Incidents = incidents, Version = guardia.Version ?? incidents.Version };
    }

    var metrics = Report.Metrics(options.Scenario, am, guardia);
    var problems = Report.Problems(options.Alerts, am, guardia);
    Console.WriteLine();
    Console.WriteLine(Report.Markdown(options, binaryVersion, am, guardia, metrics, problems));
    var path = await Report.WriteJsonAsync(resultsDir, startedAt, options, binaryVersion, am, guardia, metrics, problems, cts.Token);
    Console.Error.WriteLine($"results written to {path}");
    return problems.Count == 0 ? 0 : 1;
}
catch (BenchException e)
{
    TargetRun.Loud(e.Message);
    return e.ExitCode;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    TargetRun.Loud("Interrupted: servers stopped, nothing written.");
    return 130;
}
catch (Exception e)
{
    // Caught rather than left unhandled so that the finally below still stops the servers.
    TargetRun.Loud($"Harness bug: {e}");
    return 70;
}
finally
{
    ServerProcess.KillAll();
}
