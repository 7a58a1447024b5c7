using System.Net.Http.Json;
using System.Text.Json;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;

using static Guardia.IntegrationTests.Runbooks.RunbookApi;

namespace Guardia.IntegrationTests.Runbooks;

/// <summary>Runbook runs survive <c>kill -9</c> of the real <c>guardia serve</c>: a run waiting for its second approver
/// is still waiting after the restart with the first approval, the two-person rule still holds, the step runs exactly
/// once, and the finished run stays listed after a further restart.</summary>
public sealed class RunbookRestartTests
{
    const string Runbook = """
        ---
        id: restart-test
        title: Restart test
        parameters:
          - name: LOG
            type: string
            pattern: '[A-Za-z0-9/_.-]+'
        ---

        ## Mitigation

        ```shell {id=scale approve=2 timeout=20s}
        echo ran >> "$LOG"
        ```
        """;

    const string SlowRunbook = """
        ---
        id: slow-test
        title: Slow step
        parameters:
          - name: LOG
            type: string
            pattern: '[A-Za-z0-9/_.-]+'
        ---

        ## Mitigation

        ```shell {id=slow timeout=60s}
        echo started >> "$LOG"
        sleep 30
        echo finished >> "$LOG"
        ```
        """;

    const string Settings = """
        alertmanager:
          route:
            receiver: default
          receivers:
            - name: default
        runbooks:
          dir: runbooks
        """;

    /// <summary>Opens a manual incident and starts <paramref name="runbook"/> on it with <c>LOG</c> set; returns both ids.</summary>
    static async Task<(string IncidentId, string RunId)> StartRunOnNewIncidentAsync(AlertApiServer guardia, string token, string title, string severity, string runbook, string log)
    {
        var (created, incident) = await SendAsync(guardia, HttpMethod.Post, "/api/v1/incidents", token, new { title, severity });
        Assert.True(created == 201, incident.ToString());
        var incidentId = incident.GetProperty("id").GetString()!;
        var (status, run) = await SendAsync(guardia, HttpMethod.Post, $"/api/v1/runbooks/{runbook}/runs", token,
            new { parameters = new Dictionary<string, string> { ["LOG"] = log }, incident = incidentId });
        Assert.True(status == 202, run.ToString());
        return (incidentId, run.GetProperty("id").GetString()!);
    }

    static string[] Approvers(JsonElement run) => [.. run.GetProperty("steps")[0].GetProperty("approvers").EnumerateArray().Select(a => a.GetString()!)];

    [Fact]
    public async Task RunWaitingForSecondApprover_SurvivesKill9_AndItsStepRunsOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var storage = Directory.CreateTempSubdirectory("guardia-rb-restart-").FullName;
        Directory.CreateDirectory(Path.Combine(storage, "runbooks"));
        await File.WriteAllTextAsync(Path.Combine(storage, "runbooks", "restart-test.md"), Runbook, ct);
        await File.WriteAllTextAsync(Path.Combine(storage, "runbooks", "slow-test.md"), SlowRunbook, ct);
        var log = Path.Combine(Directory.CreateTempSubdirectory("guardia-rb-log-").FullName, "scale.log");
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings, storage);
        var alice = await TestTokens.CreateAsync(guardia, "alice", "responder");
        var bob = await TestTokens.CreateAsync(guardia, "bob", "responder");
        var carol = await TestTokens.CreateAsync(guardia, "carol", "responder");
        var admin = await TestTokens.CreateAsync(guardia, "it-admin", "admin");
        var (incidentId, runId) = await StartRunOnNewIncidentAsync(guardia, alice, "Checkout slow", "P2", "restart-test", log);
        var path = "/api/v1/runbook-runs/" + runId;
        await EventuallyAsync(() => GetAsync(guardia, path, alice),
            r => r.GetProperty("steps")[0].GetProperty("status").GetString() == "waiting_for_approval", "scale to wait for approval");
        var (first, firstBody) = await SendAsync(guardia, HttpMethod.Post, $"{path}/steps/scale/approve", bob);
        Assert.True(first == 200, firstBody.ToString());
        Assert.Equal(["bob"], Approvers(firstBody));

        await guardia.Process!.KillAsync();
        await guardia.RestartAsync();

        var list = await GetAsync(guardia, "/api/v1/runbook-runs", alice);
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal(runId, listed.GetProperty("id").GetString());
        Assert.Equal("running", listed.GetProperty("status").GetString());
        Assert.Equal("scale: waiting_for_approval", listed.GetProperty("waiting").GetString());
        var waiting = await EventuallyAsync(() => GetAsync(guardia, path, alice),
            r => r.GetProperty("steps")[0].GetProperty("status").GetString() == "waiting_for_approval", "scale to wait again after the restart");
        Assert.Equal(["bob"], Approvers(waiting));
        Assert.Equal(0, waiting.GetProperty("steps")[0].GetProperty("attempts").GetInt32());
        Assert.Equal(log, waiting.GetProperty("parameters").GetProperty("LOG").GetString());
        Assert.False(File.Exists(log));

        var cases = new (string Name, string Token, int Expected)[]
        {
            ("the approver from before the restart, again", bob, 409),
            ("the requester", alice, 409),
            ("a second distinct responder", carol, 200),
        };
        foreach (var (name, token, expected) in cases)
        {
            var (s, body) = await SendAsync(guardia, HttpMethod.Post, $"{path}/steps/scale/approve", token);
            Assert.True(s == expected, $"{name}: {s} {body}");
        }
        var done = await EventuallyAsync(() => GetAsync(guardia, path, alice),
            r => r.GetProperty("status").GetString() != "running", "the run to finish");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(["bob", "carol"], Approvers(done));
        Assert.Equal("ran\n", await File.ReadAllTextAsync(log, ct));

        var timeline = (await GetAsync(guardia, "/api/v1/incidents/" + incidentId, alice)).GetProperty("timeline").EnumerateArray()
            .Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains($"runbook restart-test run {runId} resumed after a restart", timeline);
        Assert.Single(timeline, t => t.StartsWith("runbook restart-test step scale succeeded", StringComparison.Ordinal));
        var audit = (await GetAsync(guardia, "/api/v1/audit?kind=runbook", admin)).EnumerateArray().ToList();
        Assert.Single(audit, e => e.GetProperty("kind").GetString() == "runbook.step.run");
        var resumed = Assert.Single(audit, e => e.GetProperty("kind").GetString() == "runbook.run.resume");
        Assert.Equal("resumed", resumed.GetProperty("details").GetProperty("outcome").GetString());

        // A finished run is listed from the store after a further restart.
        await guardia.Process!.KillAsync();
        await guardia.RestartAsync();
        var after = Assert.Single((await GetAsync(guardia, "/api/v1/runbook-runs", alice)).EnumerateArray());
        Assert.Equal((runId, "succeeded"), (after.GetProperty("id").GetString(), after.GetProperty("status").GetString()));
        var shown = await GetAsync(guardia, path, alice);
        var result = shown.GetProperty("steps")[0].GetProperty("result");
        Assert.Equal(("succeeded", 0), (result.GetProperty("outcome").GetString(), result.GetProperty("exit_code").GetInt32()));
        Assert.Equal(["bob", "carol"], Approvers(shown));
        var limits = new (string Name, string Query, int Status)[]
        {
            ("one run", "?limit=1", 200),
            ("zero", "?limit=0", 400),
            ("not a number", "?limit=ten", 400),
            ("negative", "?limit=-1", 400),
            ("past the maximum", "?limit=10001", 400),
            ("given twice", "?limit=1&limit=2", 400),
        };
        foreach (var (name, query, expected) in limits)
        {
            var (s, body) = await SendAsync(guardia, HttpMethod.Get, "/api/v1/runbook-runs" + query, alice);
            Assert.True(s == expected, $"{name}: {s} {body}");
            if (expected == 400)
            {
                Assert.StartsWith("limit must be a whole number from 1 to 10000", body.GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }
        var (again, againBody) = await SendAsync(guardia, HttpMethod.Post, $"{path}/steps/scale/approve", carol);
        Assert.True(again == 409, againBody.ToString());
        Assert.Equal("ran\n", await File.ReadAllTextAsync(log, ct));
    }

    [Fact]
    public async Task StepRunningAtKill9_IsNotRunAgain_AndTheRunFailsSayingSo()
    {
        var ct = TestContext.Current.CancellationToken;
        var storage = Directory.CreateTempSubdirectory("guardia-rb-restart-").FullName;
        Directory.CreateDirectory(Path.Combine(storage, "runbooks"));
        await File.WriteAllTextAsync(Path.Combine(storage, "runbooks", "slow-test.md"), SlowRunbook, ct);
        var log = Path.Combine(Directory.CreateTempSubdirectory("guardia-rb-log-").FullName, "slow.log");
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings, storage);
        var alice = await TestTokens.CreateAsync(guardia, "alice", "responder");
        var admin = await TestTokens.CreateAsync(guardia, "it-admin", "admin");
        var (incidentId, runId) = await StartRunOnNewIncidentAsync(guardia, alice, "Queue stuck", "P3", "slow-test", log);
        var path = "/api/v1/runbook-runs/" + runId;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(log))
        {
            Assert.True(DateTime.UtcNow < deadline, "the slow step never started");
            await Task.Delay(100, ct);
        }

        await guardia.Process!.KillAsync();
        await guardia.RestartAsync();

        var failed = await EventuallyAsync(() => GetAsync(guardia, path, alice), r => r.GetProperty("status").GetString() != "running", "the interrupted run to end");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("step \"slow\" was interrupted by a restart", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        var step = failed.GetProperty("steps")[0];
        Assert.Equal(("failed", 1), (step.GetProperty("status").GetString(), step.GetProperty("attempts").GetInt32()));
        Assert.StartsWith("interrupted by a restart", step.GetProperty("result").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("started\n", await File.ReadAllTextAsync(log, ct));

        var timeline = (await GetAsync(guardia, "/api/v1/incidents/" + incidentId, alice)).GetProperty("timeline").EnumerateArray()
            .Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains(timeline, t => t.StartsWith("runbook slow-test step slow failed", StringComparison.Ordinal) && t.Contains("interrupted by a restart", StringComparison.Ordinal));
        Assert.Contains(timeline, t => t.Contains("cannot resume after a restart", StringComparison.Ordinal));
        var audit = (await GetAsync(guardia, "/api/v1/audit?kind=runbook", admin)).EnumerateArray().ToList();
        var stepRun = Assert.Single(audit, e => e.GetProperty("kind").GetString() == "runbook.step.run");
        Assert.Equal("failed", stepRun.GetProperty("details").GetProperty("outcome").GetString());
        Assert.StartsWith("interrupted by a restart", stepRun.GetProperty("details").GetProperty("error").GetString(), StringComparison.Ordinal);
        var resume = Assert.Single(audit, e => e.GetProperty("kind").GetString() == "runbook.run.resume");
        Assert.Equal("refused", resume.GetProperty("details").GetProperty("outcome").GetString());
    }
}
