using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;

using static Guardia.IntegrationTests.Runbooks.RunbookApi;

namespace Guardia.IntegrationTests.Runbooks;

/// <summary>Runbooks in the real <c>guardia serve</c>: linked to the incident an alert opens, diagnosed automatically
/// with parameters from the alert's labels, run and approved through API v1 under the two-person rule, validated until
/// the incident is mitigated, dry-run without side effects, and parameters that never become code.</summary>
public sealed class RunbookServerTests
{
    const string Runbook = """
        ---
        id: diag-test
        title: Backlog diagnosis test
        alerts: [BacklogHigh]
        parameters:
          - name: NAMESPACE
            type: string
            pattern: '[a-z0-9-]+'
            default: default-ns
          - name: MARKER
            type: string
            pattern: '[A-Za-z0-9/_.-]+'
            default: /nonexistent/marker
          - name: NOTE
            type: string
            default: none
        validation:
          interval: 1s
          deadline: 60s
        ---

        ## Diagnosis

        ```shell {id=check-lag auto timeout=20s}
        echo "lag=$NAMESPACE"
        ```

        ```shell {id=echo-note timeout=20s}
        echo "note=$NOTE"
        ```

        ## Mitigation

        ```shell {id=restart approve=2 timeout=20s}
        echo "restarted $NAMESPACE"
        ```

        ```shell {id=write-marker timeout=20s}
        echo created > "$MARKER"
        ```

        ## Validation

        ```shell {id=marker-present timeout=20s}
        test -f "$MARKER"
        ```
        """;

    const string Settings = """
        alertmanager:
          route:
            receiver: default
            group_by: [alertname]
            group_wait: 1s
            group_interval: 2s
          receivers:
            - name: default
        incident_policies:
          - name: critical
            matchers: ['severity="critical"']
            severity:
              label: severity
              map: {critical: P1}
        runbooks:
          dir: runbooks
          auto_diagnose: true
          validation_mitigates: true
        """;

    static async Task<AlertApiServer> StartAsync(string runbook = Runbook, string settings = Settings)
    {
        var storage = Directory.CreateTempSubdirectory("guardia-rb-it-").FullName;
        Directory.CreateDirectory(Path.Combine(storage, "runbooks"));
        await File.WriteAllTextAsync(Path.Combine(storage, "runbooks", "diag-test.md"), runbook);
        return await AlertApiServer.StartGuardiaAsync(settings, storage);
    }

    static List<JsonElement> Timeline(JsonElement incident) => [.. incident.GetProperty("timeline").EnumerateArray()];

    static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task AlertWithRunbook_LinksIt_RunsAutoDiagnosisWithLabelParameters_AndAuditsTheStep()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var guardia = await StartAsync();
        var viewer = await TestTokens.CreateAsync(guardia, "it-viewer", "viewer");
        var admin = await TestTokens.CreateAsync(guardia, "it-admin", "admin");

        using (var posted = await guardia.PostAlertsAsync("""
            [{"labels": {"alertname": "BacklogHigh", "severity": "critical", "namespace": "tenants"},
              "annotations": {"runbook": "https://wiki.example/runbooks/diag-test.md#diagnosis"}}]
            """))
        {
            Assert.Equal(200, (int)posted.StatusCode);
        }

        var incident = await EventuallyAsync(
            async () => (await SendAsync(guardia, HttpMethod.Get, "/api/v1/incidents/INC-1", viewer)).Body,
            i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("timeline", out _)
                && Timeline(i).Any(e => e.GetProperty("text").GetString()!.Contains("run ", StringComparison.Ordinal) && e.GetProperty("text").GetString()!.EndsWith("succeeded", StringComparison.Ordinal)),
            "the automatic diagnosis run to finish on INC-1's timeline");
        var texts = Timeline(incident).Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains(texts, t => t.StartsWith("runbook diag-test linked", StringComparison.Ordinal));
        var step = Timeline(incident).Single(e => e.GetProperty("text").GetString()!.StartsWith("runbook diag-test step check-lag succeeded (exit 0, ", StringComparison.Ordinal));
        Assert.Equal("system", step.GetProperty("actor").GetString());
        Assert.Equal("lag=tenants\n", step.GetProperty("data").GetProperty("output").GetString());
        // Only the auto step of Diagnosis ran.
        Assert.DoesNotContain(texts, t => t.Contains("echo-note", StringComparison.Ordinal) || t.Contains("restart", StringComparison.Ordinal));
        // The same entries read in Spanish; the step's output stays as the step wrote it.
        var spanish = Timeline(await GetAsync(guardia, "/api/v1/incidents/INC-1?lang=es", viewer)).Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains(spanish, t => t.StartsWith("runbook diag-test asociado: ", StringComparison.Ordinal));
        Assert.Contains(spanish, t => t.StartsWith("runbook diag-test: paso check-lag correcto (código de salida 0, ", StringComparison.Ordinal));
        Assert.Contains(spanish, t => t.StartsWith("runbook diag-test: ejecución ", StringComparison.Ordinal) && t.EndsWith(" correcta", StringComparison.Ordinal));

        var audit = await GetAsync(guardia, "/api/v1/audit?kind=runbook", admin);
        var ev = Assert.Single(audit.EnumerateArray());
        Assert.Equal("runbook.step.run", ev.GetProperty("kind").GetString());
        Assert.Equal("system", ev.GetProperty("actor").GetString());
        var details = ev.GetProperty("details");
        Assert.Equal("check-lag", details.GetProperty("step").GetString());
        Assert.Equal("succeeded", details.GetProperty("outcome").GetString());
        Assert.Equal("0", details.GetProperty("exit_code").GetString());
        Assert.Equal("INC-1", details.GetProperty("incident").GetString());
        Assert.Equal(Sha256("lag=tenants\n"), details.GetProperty("output_sha256").GetString());
        Assert.Contains("\"NAMESPACE\":\"tenants\"", details.GetProperty("parameters").GetString(), StringComparison.Ordinal);
        _ = ct;
    }

    [Fact]
    public async Task TwoPersonRule_RequesterAndRepeatApproverRefused_SecondDistinctApproverRunsTheStep()
    {
        await using var guardia = await StartAsync();
        var alice = await TestTokens.CreateAsync(guardia, "alice", "responder");
        var bob = await TestTokens.CreateAsync(guardia, "bob", "responder");
        var carol = await TestTokens.CreateAsync(guardia, "carol", "responder");
        var viewer = await TestTokens.CreateAsync(guardia, "it-viewer", "viewer");

        var (status, run) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbooks/diag-test/runs", alice,
            new { parameters = new Dictionary<string, string> { ["NAMESPACE"] = "tenants", ["MARKER"] = "/nonexistent/x" }, sections = new[] { "mitigation" } });
        Assert.True(status == 202, run.ToString());
        var runId = run.GetProperty("id").GetString()!;
        var path = $"/api/v1/runbook-runs/{runId}";
        await EventuallyAsync(() => GetAsync(guardia, path, viewer),
            r => r.GetProperty("steps")[0].GetProperty("status").GetString() == "waiting_for_approval", "restart to wait for approval");

        var cases = new (string Name, string Token, int Expected)[]
        {
            ("the requester approving their own run", alice, 409),
            ("a viewer approving", viewer, 403),
            ("the first distinct approver", bob, 200),
            ("the same approver twice", bob, 409),
        };
        foreach (var (name, token, expected) in cases)
        {
            var (s, body) = await SendAsync(guardia, HttpMethod.Post, $"{path}/steps/restart/approve", token);
            Assert.True(s == expected, $"{name}: {s} {body}");
        }
        var waiting = await GetAsync(guardia, path, viewer);
        Assert.Equal("waiting_for_approval", waiting.GetProperty("steps")[0].GetProperty("status").GetString());
        Assert.Equal(0, waiting.GetProperty("steps")[0].GetProperty("attempts").GetInt32());

        var (unknownRun, _) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbook-runs/nope/steps/restart/approve", carol);
        var (unknownStep, _) = await SendAsync(guardia, HttpMethod.Post, $"{path}/steps/nope/approve", carol);
        Assert.Equal((404, 404), (unknownRun, unknownStep));

        var (second, _) = await SendAsync(guardia, HttpMethod.Post, $"{path}/steps/restart/approve", carol);
        Assert.Equal(200, second);
        var done = await EventuallyAsync(() => GetAsync(guardia, path, viewer),
            r => r.GetProperty("steps")[0].GetProperty("status").GetString() is not ("waiting_for_approval" or "running" or "pending"), "restart to run");
        var restart = done.GetProperty("steps")[0];
        Assert.Equal("succeeded", restart.GetProperty("status").GetString());
        Assert.Equal("restarted tenants\n", restart.GetProperty("result").GetProperty("output").GetString());
        Assert.Equal(["bob", "carol"], restart.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()!).ToArray());
    }

    [Fact]
    public async Task ValidationStep_RerunsUntilItPasses_ThenTheIncidentIsMitigated()
    {
        await using var guardia = await StartAsync();
        var responder = await TestTokens.CreateAsync(guardia, "it-responder", "responder");
        var (created, incident) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/incidents", responder, new { title = "Backlog growing", severity = "P2" });
        Assert.True(created == 201, incident.ToString());
        var id = incident.GetProperty("id").GetString()!;
        var marker = Path.Combine(Directory.CreateTempSubdirectory("guardia-rb-flag-").FullName, "healthy");

        var (status, run) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbooks/diag-test/runs", responder,
            new { parameters = new Dictionary<string, string> { ["MARKER"] = marker }, sections = new[] { "validation" }, incident = id });
        Assert.True(status == 202, run.ToString());
        var path = "/api/v1/runbook-runs/" + run.GetProperty("id").GetString();
        await EventuallyAsync(() => GetAsync(guardia, path, responder), r => r.GetProperty("steps")[0].GetProperty("attempts").GetInt32() >= 2, "a second validation attempt");
        Assert.Equal("triggered", (await GetAsync(guardia, "/api/v1/incidents/" + id, responder)).GetProperty("status").GetString());

        await File.WriteAllTextAsync(marker, "ok", TestContext.Current.CancellationToken);

        var mitigated = await EventuallyAsync(() => GetAsync(guardia, "/api/v1/incidents/" + id, responder),
            i => i.GetProperty("status").GetString() == "mitigated", "the incident to become mitigated");
        var texts = Timeline(mitigated).Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains(texts, t => t.StartsWith("runbook diag-test validation attempt 1 did not pass", StringComparison.Ordinal));
        Assert.Contains("runbook diag-test validation passed", texts);
        Assert.Contains("mitigated by system", texts);
        var finished = await GetAsync(guardia, path, responder);
        Assert.True(finished.GetProperty("validated").GetBoolean());
    }

    [Fact]
    public async Task DryRun_RunsNothing_AndShowsTheResolvedCommand()
    {
        await using var guardia = await StartAsync();
        var viewer = await TestTokens.CreateAsync(guardia, "it-viewer", "viewer");
        var marker = Path.Combine(Directory.CreateTempSubdirectory("guardia-rb-dry-").FullName, "created");

        var (status, body) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbooks/diag-test/dry-run", viewer,
            new { parameters = new Dictionary<string, string> { ["MARKER"] = marker, ["NAMESPACE"] = "tenants" }, sections = new[] { "mitigation" } });

        Assert.True(status == 200, body.ToString());
        var steps = body.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["restart", "write-marker"], steps.Select(s => s.GetProperty("step").GetString()!).ToArray());
        var description = steps[1].GetProperty("description").GetString()!;
        Assert.Contains("MARKER=" + marker, description, StringComparison.Ordinal);
        Assert.Contains("echo created > \"$MARKER\"", description, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
        Assert.Empty((await GetAsync(guardia, "/api/v1/runbook-runs", viewer)).EnumerateArray());
    }

    public static IEnumerable<TheoryDataRow<string, string, string, int, string>> BadRequests =>
    [
        new("command substitution refused by the pattern", "diag-test", """{"parameters": {"NAMESPACE": "$(touch /tmp/x)"}}""", 400, "parameter \"NAMESPACE\": \"$(touch /tmp/x)\" does not match the pattern"),
        new("unknown parameter", "diag-test", """{"parameters": {"NAMSPACE": "tenants"}}""", 400, "unknown parameter \"NAMSPACE\""),
        new("parameter that is an object", "diag-test", """{"parameters": {"NAMESPACE": {"a": 1}}}""", 400, "parameter \"NAMESPACE\" must be"),
        new("unknown section", "diag-test", """{"sections": ["repair"]}""", 400, "\"repair\""),
        new("body that is not JSON", "diag-test", "{not json", 400, "not valid JSON"),
        new("unknown runbook", "nope", "{}", 404, "runbooks: diag-test"),
        new("unknown incident", "diag-test", """{"incident": "INC-999"}""", 404, "INC-999"),
    ];

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task StartRun_RefusesBadInput_SayingWhatAndWhere(string name, string runbook, string json, int expected, string message)
    {
        await using var guardia = await StartAsync();
        var responder = await TestTokens.CreateAsync(guardia, "it-responder", "responder");
        using var request = TestTokens.Request(HttpMethod.Post, $"/api/v1/runbooks/{runbook}/runs", responder);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == expected, $"{name}: {(int)response.StatusCode} {text}");
        Assert.Contains(message, JsonDocument.Parse(text).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty((await GetAsync(guardia, "/api/v1/runbook-runs", responder)).EnumerateArray());
    }

    [Fact]
    public async Task ParameterWithoutPattern_ReachesTheShellAsData_NeverAsCode()
    {
        await using var guardia = await StartAsync();
        var responder = await TestTokens.CreateAsync(guardia, "it-responder", "responder");
        var victim = Path.Combine(Directory.CreateTempSubdirectory("guardia-rb-inject-").FullName, "pwned");
        var hostile = $"$(echo pwned > {victim}); `echo pwned > {victim}`; \"; echo pwned > {victim}; #";

        var (status, run) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbooks/diag-test/runs", responder,
            new { parameters = new Dictionary<string, string> { ["NOTE"] = hostile }, sections = new[] { "diagnosis" } });
        Assert.True(status == 202, run.ToString());

        var done = await EventuallyAsync(() => GetAsync(guardia, "/api/v1/runbook-runs/" + run.GetProperty("id").GetString(), responder),
            r => r.GetProperty("status").GetString() != "running", "the run to finish");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var note = done.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("step").GetString() == "echo-note");
        Assert.Equal("note=" + hostile + "\n", note.GetProperty("result").GetProperty("output").GetString());
        Assert.False(File.Exists(victim));
    }

    [Fact]
    public async Task Reload_WithABrokenRunbook_IsRejectedWithFileAndLine_AndTheOldCatalogStays()
    {
        await using var guardia = await StartAsync();
        var admin = await TestTokens.CreateAsync(guardia, "it-admin", "admin");
        var broken = Path.Combine(guardia.StoragePath, "runbooks", "broken.md");
        await File.WriteAllTextAsync(broken, "---\nid: broken\ntitle: Broken\nbogus: 1\n---\n", TestContext.Current.CancellationToken);

        using var request = TestTokens.Request(HttpMethod.Post, "/-/reload", admin);
        using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("broken.md:4", text, StringComparison.Ordinal);
        var list = await GetAsync(guardia, "/api/v1/runbooks", admin);
        Assert.Equal(["diag-test"], list.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToArray());
    }

    [Fact]
    public async Task Cli_RunsApprovesAndFollowsRuns_ThroughApiV1()
    {
        await using var guardia = await StartAsync();
        var alice = await TestTokens.CreateAsync(guardia, "alice", "responder");
        var bob = await TestTokens.CreateAsync(guardia, "bob", "responder");
        var carol = await TestTokens.CreateAsync(guardia, "carol", "responder");
        string[] As(string token) => ["--guardia.url", guardia.Url, "--token", token];
        var marker = Path.Combine(Directory.CreateTempSubdirectory("guardia-rb-cli-").FullName, "marker");

        var (waitCode, waitOut, waitErr) = await Binaries.RunGuardiaAsync(["runbook", "run", "diag-test", "--section", "diagnosis", "--param", "NAMESPACE=tenants", "--wait", .. As(alice)]);
        Assert.True(waitCode == 0, waitErr);
        Assert.Contains("succeeded", waitOut, StringComparison.Ordinal);
        Assert.Contains("lag=tenants", waitOut, StringComparison.Ordinal);

        var (runCode, runOut, runErr) = await Binaries.RunGuardiaAsync(["runbook", "run", "diag-test", "--section", "mitigation", "--param", "MARKER=" + marker, "--wait", "--output", "json", .. As(alice)]);
        Assert.True(runCode == 0, runErr);
        var run = JsonDocument.Parse(runOut).RootElement;
        var runId = run.GetProperty("id").GetString()!;
        Assert.Equal("waiting_for_approval", run.GetProperty("steps")[0].GetProperty("status").GetString());

        var cases = new (string Name, string Token, int Code, string Text)[]
        {
            ("the requester", alice, 1, "cannot approve"),
            ("a first approver", bob, 0, "bob"),
            ("the same approver again", bob, 1, "already approved"),
            ("a second approver", carol, 0, "carol"),
        };
        foreach (var (name, token, code, text) in cases)
        {
            var (c, o, e) = await Binaries.RunGuardiaAsync(["runbook", "approve", runId, "restart", .. As(token)]);
            Assert.True(c == code, $"{name}: {c} {o} {e}");
            Assert.Contains(text, o + e, StringComparison.Ordinal);
        }

        var (badCode, _, badErr) = await Binaries.RunGuardiaAsync(["runbook", "run", "diag-test", "--param", "NAMESPACE=$(reboot)", .. As(alice)]);
        Assert.Equal(1, badCode);
        Assert.Contains("NAMESPACE", badErr, StringComparison.Ordinal);

        var (runsCode, runsOut, runsErr) = await Binaries.RunGuardiaAsync(["runbook", "runs", .. As(alice)]);
        Assert.True(runsCode == 0, runsErr);
        Assert.Contains(runId, runsOut, StringComparison.Ordinal);

        var (statusCode, statusOut, statusErr) = await Binaries.RunGuardiaAsync(["runbook", "status", runId, "--output", "json", .. As(alice)]);
        Assert.True(statusCode == 0, statusOut + statusErr);
        Assert.Equal(["bob", "carol"], JsonDocument.Parse(statusOut).RootElement.GetProperty("steps")[0].GetProperty("approvers").EnumerateArray().Select(a => a.GetString()!).ToArray());

        var (missingCode, _, missingErr) = await Binaries.RunGuardiaAsync(["runbook", "status", "no-such-run", .. As(alice)]);
        Assert.Equal(1, missingCode);
        Assert.Contains("no-such-run", missingErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunLimit_RefusesWith409_UntilAnActiveRunIsCancelled()
    {
        await using var guardia = await StartAsync(settings: Settings + "\n  max_concurrent_runs: 1\n");
        var responder = await TestTokens.CreateAsync(guardia, "it-responder", "responder");
        var body = new { sections = new[] { "mitigation" } };

        var (first, run) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbooks/diag-test/runs", responder, body);
        Assert.True(first == 202, run.ToString());
        var (second, refused) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbooks/diag-test/runs", responder, body);
        Assert.Equal(409, second);
        Assert.Contains("run limit reached", refused.GetProperty("message").GetString(), StringComparison.Ordinal);

        var path = "/api/v1/runbook-runs/" + run.GetProperty("id").GetString();
        var (cancelled, _) = await SendAsync(guardia, HttpMethod.Post, path + "/cancel", responder);
        Assert.Equal(200, cancelled);
        var done = await EventuallyAsync(() => GetAsync(guardia, path, responder), r => r.GetProperty("status").GetString() != "running", "the run to stop");
        Assert.Equal("cancelled", done.GetProperty("status").GetString());
        Assert.Equal(0, done.GetProperty("steps")[0].GetProperty("attempts").GetInt32());
        var (third, _) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbooks/diag-test/runs", responder, body);
        Assert.Equal(202, third);
        var (unknown, _) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/runbook-runs/nope/cancel", responder);
        Assert.Equal(404, unknown);
    }
}
