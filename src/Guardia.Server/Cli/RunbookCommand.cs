using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardia.Core.Configuration;
using Guardia.Core.Runbooks;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia runbook</c> verbs: import free-form runbooks, and list, show and dry-run a runbook directory
/// offline; run, approve, confirm, cancel, runs and status on a running server through API v1.</summary>
public static class RunbookCommand
{
    public static Command Create()
    {
        var cmd = new Command("runbook", "Import, list, show and dry-run runbooks (offline, on a directory); run, approve, confirm, cancel and follow runs on a server (API v1; needs --token or $GUARDIA_TOKEN).");
        cmd.Subcommands.Add(CreateImport());
        cmd.Subcommands.Add(CreateList());
        cmd.Subcommands.Add(CreateShow());
        cmd.Subcommands.Add(CreateDryRun());
        cmd.Subcommands.Add(CreateRun());
        cmd.Subcommands.Add(CreateStepAction("approve", "Approve a step that waits for approval (you cannot approve a run you started)."));
        cmd.Subcommands.Add(CreateStepAction("confirm", "Confirm a manual step that waits for a person."));
        cmd.Subcommands.Add(CreateCancel());
        cmd.Subcommands.Add(CreateRuns());
        cmd.Subcommands.Add(CreateStatus());
        return cmd;
    }

    static readonly (string, string)[] RunColumns =
    [
        ("Run", "id"), ("Runbook", "runbook"), ("Status", "status"), ("Validated", "validated"), ("Actor", "actor"),
        ("Incident", "incident"), ("Started", "started_at"), ("Error", "error"),
    ];

    static readonly (string, string)[] StepColumns =
    [
        ("Step", "step"), ("Section", "section"), ("Kind", "kind"), ("Status", "status"), ("Attempts", "attempts"),
        ("Approvers", "approvers"), ("Exit", "exit_code"), ("Ms", "duration_ms"), ("Output", "output"),
    ];

    static Command CreateRun()
    {
        var api = new ApiClientOptions();
        var id = new Argument<string>("ID") { Description = "The runbook id." };
        var param = new Option<string[]>("--param") { Description = "A parameter value as NAME=VALUE (repeatable)." };
        var section = new Option<string[]>("--section") { Description = "Only these sections (diagnosis, mitigation, validation, communication, post-incident)." };
        var incident = new Option<string?>("--incident") { Description = "The incident the run belongs to (its timeline records the run), e.g. INC-1." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the run finishes or a step waits for a person." };
        var cmd = new Command("run", "Start a run on the server; prints the run id.") { id, param, section, incident, wait };
        api.AddTo(cmd);
        cmd.SetAction((parse, ct) => ApiClientOptions.RunAsync("runbook run", Console.Error, async () =>
        {
            var parameters = new JsonObject();
            foreach (var p in parse.GetValue(param) ?? [])
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ApiClientException(null, $"--param \"{p}\" must be NAME=VALUE");
                }
                parameters[p[..eq]] = p[(eq + 1)..];
            }
            var body = new JsonObject { ["parameters"] = parameters, ["incident"] = parse.GetValue(incident) };
            if (parse.GetValue(section) is { Length: > 0 } sections)
            {
                body["sections"] = new JsonArray([.. sections.Select(s => (JsonNode?)s)]);
            }
            using var client = api.CreateClient(parse);
            var run = await client.SendAsync(HttpMethod.Post, $"/api/v1/runbooks/{Uri.EscapeDataString(parse.GetValue(id)!)}/runs", body, ct);
            if (parse.GetValue(wait))
            {
                run = await WaitAsync(client, run.GetProperty("id").GetString()!, ct);
            }
            return WriteRun(run, parse.GetValue(api.Output), Console.Out);
        }));
        return cmd;
    }

    /// <summary>Polls the run until it finished or a step waits for a person.</summary>
    static async Task<JsonElement> WaitAsync(ApiClient client, string runId, CancellationToken ct)
    {
        while (true)
        {
            var run = await client.GetAsync("/api/v1/runbook-runs/" + Uri.EscapeDataString(runId), ct);
            if (run.GetProperty("status").GetString() != "running"
                || run.GetProperty("steps").EnumerateArray().Any(s => s.GetProperty("status").GetString() is "waiting_for_approval" or "waiting_for_confirmation"))
            {
                return run;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    static Command CreateStepAction(string action, string description)
    {
        var api = new ApiClientOptions();
        var run = new Argument<string>("RUN") { Description = "The run id." };
        var step = new Argument<string>("STEP") { Description = "The step id." };
        var cmd = new Command(action, description) { run, step };
        api.AddTo(cmd);
        cmd.SetAction((parse, ct) => ApiClientOptions.RunAsync("runbook " + action, Console.Error, async () =>
        {
            using var client = api.CreateClient(parse);
            var result = await client.SendAsync(HttpMethod.Post,
                $"/api/v1/runbook-runs/{Uri.EscapeDataString(parse.GetValue(run)!)}/steps/{Uri.EscapeDataString(parse.GetValue(step)!)}/{action}", null, ct);
            return WriteRun(result, parse.GetValue(api.Output), Console.Out);
        }));
        return cmd;
    }

    static Command CreateCancel()
    {
        var api = new ApiClientOptions();
        var run = new Argument<string>("RUN") { Description = "The run id." };
        var cmd = new Command("cancel", "Cancel a run: the running step stops, nothing after it runs.") { run };
        api.AddTo(cmd);
        cmd.SetAction((parse, ct) => ApiClientOptions.RunAsync("runbook cancel", Console.Error, async () =>
        {
            using var client = api.CreateClient(parse);
            var result = await client.SendAsync(HttpMethod.Post, $"/api/v1/runbook-runs/{Uri.EscapeDataString(parse.GetValue(run)!)}/cancel", null, ct);
            return WriteRun(result, parse.GetValue(api.Output), Console.Out);
        }));
        return cmd;
    }

    static Command CreateRuns()
    {
        var api = new ApiClientOptions();
        var cmd = new Command("runs", "Runs of the server and the finished runs it keeps, newest first.");
        api.AddTo(cmd);
        cmd.SetAction((parse, ct) => ApiClientOptions.RunAsync("runbook runs", Console.Error, async () =>
        {
            using var client = api.CreateClient(parse);
            ApiClientOptions.Write(await client.GetAsync("/api/v1/runbook-runs", ct), parse.GetValue(api.Output), [.. RunColumns, ("Waiting", "waiting")], Console.Out);
            return 0;
        }));
        return cmd;
    }

    static Command CreateStatus()
    {
        var api = new ApiClientOptions();
        var run = new Argument<string>("RUN") { Description = "The run id." };
        var cmd = new Command("status", "One run with its steps and their results.") { run };
        api.AddTo(cmd);
        cmd.SetAction((parse, ct) => ApiClientOptions.RunAsync("runbook status", Console.Error, async () =>
        {
            using var client = api.CreateClient(parse);
            var result = await client.GetAsync("/api/v1/runbook-runs/" + Uri.EscapeDataString(parse.GetValue(run)!), ct);
            return WriteRun(result, parse.GetValue(api.Output), Console.Out);
        }));
        return cmd;
    }

    /// <summary>Prints a run (JSON as the server sent it, or a run table and a step table); the exit code is 1 for a
    /// failed or cancelled run.</summary>
    static int WriteRun(JsonElement run, OutputFormat format, TextWriter stdout)
    {
        ApiClientOptions.Write(run, format, RunColumns, stdout);
        if (format == OutputFormat.Table)
        {
            var steps = new JsonArray();
            foreach (var s in run.GetProperty("steps").EnumerateArray())
            {
                var row = new JsonObject
                {
                    ["step"] = s.GetProperty("step").GetString(),
                    ["section"] = s.GetProperty("section").GetString(),
                    ["kind"] = s.GetProperty("kind").GetString(),
                    ["status"] = s.GetProperty("status").GetString(),
                    ["attempts"] = s.GetProperty("attempts").GetInt32(),
                    ["approvers"] = string.Join(",", s.GetProperty("approvers").EnumerateArray().Select(a => a.GetString())),
                };
                if (s.TryGetProperty("result", out var r))
                {
                    row["exit_code"] = r.GetProperty("exit_code").ValueKind == JsonValueKind.Number ? r.GetProperty("exit_code").GetInt32() : null;
                    row["duration_ms"] = r.GetProperty("duration_ms").GetInt64();
                    var output = (r.GetProperty("output").GetString() ?? string.Empty).Trim();
                    row["output"] = output.Length <= 80 ? output : output[..79] + "…";
                }
                steps.Add(row);
            }
            ApiClientOptions.Write(JsonSerializer.SerializeToElement(steps), format, StepColumns, stdout);
        }
        return run.GetProperty("status").GetString() is "failed" or "cancelled" ? 1 : 0;
    }

    static Option<string> DirOption() => new("--runbooks.dir")
    {
        Description = "Directory of runbooks (*.md with front matter).",
        DefaultValueFactory = _ => "runbooks",
    };

    static Command CreateImport()
    {
        var files = new Argument<string[]>("FILE") { Description = "Free-form markdown runbooks to import.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Directory to write the runbooks, extracted YAML files and import reports to.", Required = true };
        var cmd = new Command("import", "Turn free-form markdown runbooks into Guardia's runbook format.") { files, output };
        cmd.SetAction(parse => Import(parse.GetValue(files) ?? [], parse.GetValue(output)!, Console.Out, Console.Error));
        return cmd;
    }

    static Command CreateList()
    {
        var dir = DirOption();
        var cmd = new Command("list", "List the runbooks of a directory.") { dir };
        cmd.SetAction(parse => List(parse.GetValue(dir)!, Console.Out, Console.Error));
        return cmd;
    }

    static Command CreateShow()
    {
        var id = new Argument<string>("ID") { Description = "The runbook id." };
        var dir = DirOption();
        var cmd = new Command("show", "Show a runbook: alerts, parameters and steps by section.") { id, dir };
        cmd.SetAction(parse => Show(parse.GetValue(dir)!, parse.GetValue(id)!, Console.Out, Console.Error));
        return cmd;
    }

    static Command CreateDryRun()
    {
        var id = new Argument<string>("ID") { Description = "The runbook id." };
        var dir = DirOption();
        var param = new Option<string[]>("--param") { Description = "A parameter value as NAME=VALUE (repeatable).", AllowMultipleArgumentsPerToken = false };
        var section = new Option<string[]>("--section") { Description = "Only these sections (diagnosis, mitigation, validation, communication, post-incident)." };
        var auto = new Option<bool>("--auto") { Description = "Only the steps marked auto (what an opening incident runs in Diagnosis)." };
        var cmd = new Command("dry-run", "Print what each step would do, with parameters resolved; runs nothing.") { id, dir, param, section, auto };
        cmd.SetAction(parse => DryRun(parse.GetValue(dir)!, parse.GetValue(id)!, parse.GetValue(param) ?? [], parse.GetValue(section) ?? [], parse.GetValue(auto), Console.Out, Console.Error));
        return cmd;
    }

    /// <summary>Imports each file into <paramref name="outDir"/>; returns the exit code.</summary>
    public static int Import(IReadOnlyList<string> files, string outDir, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        Directory.CreateDirectory(outDir);
        var failed = 0;
        foreach (var file in files)
        {
            ImportResult result;
            try
            {
                result = RunbookImporter.ImportFile(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"guardia: error: cannot read {file}: {ex.Message}");
                failed++;
                continue;
            }
            var target = Path.Combine(outDir, result.Id + ".md");
            File.WriteAllText(target, result.Markdown);
            foreach (var f in result.Files)
            {
                File.WriteAllText(Path.Combine(outDir, f.Name), f.Content);
            }
            File.WriteAllText(Path.Combine(outDir, result.Id + ".import-report.md"), result.Report);
            try
            {
                _ = RunbookParser.Parse(result.Markdown, target);
            }
            catch (ConfigException ex)
            {
                stderr.WriteLine($"guardia: error: the imported runbook does not parse: {ex.Describe()}");
                failed++;
            }
            stdout.WriteLine($"{file} -> {target}: {result.StepCount} steps, {result.Files.Count} extracted files, {result.Unmapped.Count} items not mapped{(result.EncodingRepair is null ? string.Empty : ", encoding repaired (" + result.EncodingRepair + ")")}");
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Lists the runbooks of a directory; returns the exit code.</summary>
    public static int List(string dir, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Load(dir, stderr) is not { } catalog)
        {
            return 1;
        }
        stdout.WriteLine($"{"ID",-40} {"STEPS",5} {"AUTO",4}  ALERTS");
        foreach (var r in catalog.Runbooks)
        {
            stdout.WriteLine($"{r.Id,-40} {r.Steps.Count,5} {r.AutoDiagnosisSteps.Count,4}  {string.Join(",", r.Alerts)}");
        }
        return 0;
    }

    /// <summary>Shows one runbook; returns the exit code.</summary>
    public static int Show(string dir, string id, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Load(dir, stderr) is not { } catalog)
        {
            return 1;
        }
        if (catalog.Get(id) is not { } r)
        {
            stderr.WriteLine($"guardia: error: no runbook \"{id}\" in {dir}");
            return 1;
        }
        stdout.WriteLine($"{r.Id}: {r.Title}");
        stdout.WriteLine($"  file:     {r.File}");
        stdout.WriteLine($"  services: {string.Join(", ", r.Services)}");
        stdout.WriteLine($"  alerts:   {string.Join(", ", r.Alerts)}");
        stdout.WriteLine($"  owners:   {string.Join(", ", r.Owners)}");
        foreach (var p in r.Parameters)
        {
            stdout.WriteLine($"  param {p.Name} ({RunbookParser.TypeName(p.Type)}{(p.Required ? ", required" : string.Empty)}{(p.Secret ? ", secret" : string.Empty)}){(p.Default is null ? string.Empty : " default " + (p.Secret ? "<secret>" : p.Default))}{(p.Pattern is null ? string.Empty : " pattern " + p.Pattern)}");
        }
        foreach (var group in r.Steps.GroupBy(s => s.Section).OrderBy(g => g.Key))
        {
            stdout.WriteLine($"{RunbookSections.Heading(group.Key)}:");
            foreach (var s in group)
            {
                var flags = new List<string> { s.Kind, "timeout " + PromDuration.Format(s.Timeout) };
                if (s.Auto)
                {
                    flags.Add("auto");
                }
                if (s.Approvals > 0)
                {
                    flags.Add($"approve {s.Approvals}");
                }
                if (s.When.Kind != StepConditionKind.Success)
                {
                    flags.Add("when " + s.When);
                }
                stdout.WriteLine($"  - {s.Id} [{string.Join(", ", flags)}] {s.Title}");
            }
        }
        return 0;
    }

    /// <summary>Prints every step's dry-run description; returns the exit code.</summary>
    public static int DryRun(string dir, string id, IReadOnlyList<string> parameters, IReadOnlyList<string> sections, bool autoOnly, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Load(dir, stderr) is not { } catalog)
        {
            return 1;
        }
        if (catalog.Get(id) is not { } runbook)
        {
            stderr.WriteLine($"guardia: error: no runbook \"{id}\" in {dir}");
            return 1;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                stderr.WriteLine($"guardia: error: --param \"{p}\" must be NAME=VALUE");
                return 1;
            }
            values[p[..eq]] = p[(eq + 1)..];
        }
        HashSet<RunbookSection>? only = null;
        foreach (var s in sections)
        {
            if (!RunbookSections.TryParse(s, out var parsed))
            {
                stderr.WriteLine($"guardia: error: unknown section \"{s}\" (diagnosis, mitigation, validation, communication, post-incident)");
                return 1;
            }
            (only ??= []).Add(parsed);
        }
        // The step executors live in Guardia.Integrations; until they are registered here the runner describes steps itself.
        var runner = new RunbookRunner([], TimeProvider.System);
        IReadOnlyList<(RunbookStep Step, string Description)> described;
        try
        {
            described = runner.Describe(new RunRequest(runbook, values, Environment.UserName, DryRun: true) { Sections = only, AutoOnly = autoOnly });
        }
        catch (RunbookException ex)
        {
            stderr.WriteLine($"guardia: error: {ex.Message}");
            return 1;
        }
        stdout.WriteLine($"Dry-run of {runbook.Id} ({described.Count} steps; nothing runs):");
        foreach (var (step, description) in described)
        {
            stdout.WriteLine($"[{RunbookSections.Heading(step.Section)}] {step.Id}: {step.Title}");
            stdout.WriteLine(description.TrimEnd('\n'));
            stdout.WriteLine();
        }
        return 0;
    }

    static RunbookCatalog? Load(string dir, TextWriter stderr)
    {
        try
        {
            return RunbookCatalog.Load(dir);
        }
        catch (ConfigException ex)
        {
            stderr.WriteLine($"guardia: error: {ex.Describe()}");
            return null;
        }
    }
}
