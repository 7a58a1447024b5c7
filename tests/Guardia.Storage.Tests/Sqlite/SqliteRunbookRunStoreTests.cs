using System.Text;
using Guardia.Core.Runbooks;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Storage.Tests.Sqlite;

/// <summary>Runbook runs on the real SQLite store, in a temporary directory: what goes in comes back, secrets never
/// reach the file, and finished runs are kept up to the retention limit.</summary>
public sealed class SqliteRunbookRunStoreTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-runs-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    SqliteRunbookRunStore Open(int keep = SqliteRunbookRunStore.DefaultKeepFinished) => new(SqliteDatabase.Open(_dir), keep);

    static StoredRun Run(string id, RunStatus status = RunStatus.Running, DateTimeOffset? startedAt = null, string actor = "alice")
    {
        var started = startedAt ?? T0.AddTicks(1234567);
        var snapshot = new RunSnapshot(id, "restart-demo", actor, "INC-7", false, status, status == RunStatus.Succeeded, started,
            status == RunStatus.Running ? null : started.AddMinutes(3).AddTicks(89),
            [
                new StepSnapshot("check", "shell", RunbookSection.Diagnosis, StepStatus.Succeeded, 1,
                    new StepResult(StepOutcome.Succeeded, 0, "línea 1\n\"quoted\" \\ back\u2028slash\n", true, new string('a', 64), TimeSpan.FromTicks(12345678), null),
                    null, [], null),
                new StepSnapshot("scale", "kubectl", RunbookSection.Mitigation, StepStatus.WaitingForApproval, 0, null, null, ["bob"], null),
                new StepSnapshot("notify", "manual", RunbookSection.Mitigation, StepStatus.Succeeded, 1,
                    new StepResult(StepOutcome.Succeeded, null, "confirmed by dave", false, string.Empty, TimeSpan.Zero, null), null, [], "dave"),
                new StepSnapshot("lag", "promql", RunbookSection.Validation, StepStatus.Failed, 2,
                    new StepResult(StepOutcome.Failed, null, string.Empty, false, "00", TimeSpan.FromSeconds(1), "condition < 5000 false: 7012"), null, [], null),
            ],
            status == RunStatus.Running ? null : "a step failed; \"why\"");
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["NAMESPACE"] = "tenants'; rm -rf /", ["TOKEN"] = "<secret>" };
        return new StoredRun(snapshot with { Parameters = parameters }, new string('d', 64),
            new HashSet<RunbookSection> { RunbookSection.Mitigation, RunbookSection.Validation }, true, parameters, ["TOKEN"],
            new ValidationProgress(T0.AddMinutes(15).AddTicks(7), 2, T0.AddMinutes(2).AddTicks(3)));
    }

    static void AssertSame(StoredRun expected, StoredRun actual)
    {
        var (e, a) = (expected.Run, actual.Run);
        Assert.Equal((e.RunId, e.RunbookId, e.Actor, e.IncidentId, e.DryRun, e.Status, e.Validated, e.StartedAt, e.FinishedAt, e.Error),
            (a.RunId, a.RunbookId, a.Actor, a.IncidentId, a.DryRun, a.Status, a.Validated, a.StartedAt, a.FinishedAt, a.Error));
        Assert.Equal(e.Steps.Count, a.Steps.Count);
        for (var i = 0; i < e.Steps.Count; i++)
        {
            var (x, y) = (e.Steps[i], a.Steps[i]);
            Assert.Equal((x.StepId, x.Kind, x.Section, x.Status, x.Attempts, x.Description, x.ConfirmedBy, x.Result),
                (y.StepId, y.Kind, y.Section, y.Status, y.Attempts, y.Description, y.ConfirmedBy, y.Result));
            Assert.Equal(x.Approvers, y.Approvers);
        }
        Assert.Equal(expected.RunbookDigest, actual.RunbookDigest);
        Assert.Equal(expected.Sections, actual.Sections);
        Assert.Equal(expected.AutoOnly, actual.AutoOnly);
        Assert.Equal(expected.Parameters, actual.Parameters);
        Assert.Equal(expected.Parameters, actual.Run.Parameters);
        Assert.Equal(expected.SecretParameters, actual.SecretParameters);
        Assert.Equal(expected.Validation, actual.Validation);
    }

    [Fact]
    public async Task Reopen_ReturnsEveryField_WithExactTimes()
    {
        var running = Run("run-1");
        var finished = Run("run-2", RunStatus.Failed, T0.AddMinutes(1));
        using (var store = Open())
        {
            await store.SaveAsync(running, Ct);
            await store.SaveAsync(finished, Ct);
        }

        using var again = Open();
        AssertSame(running, Assert.Single(await again.LoadUnfinishedAsync(Ct)));
        AssertSame(finished, Assert.Single(await again.ListFinishedAsync(10, Ct)));
        AssertSame(running, (await again.GetAsync("run-1", Ct))!);
        Assert.Null(await again.GetAsync("run-404", Ct));
        Assert.Null(await again.GetAsync("run-1' OR '1'='1", Ct));
    }

    [Fact]
    public async Task Save_ReplacesTheRun_AndAFinishedRunIsNoLongerUnfinished()
    {
        using var store = Open();
        var run = Run("run-1");
        await store.SaveAsync(run, Ct);
        await store.SaveAsync(run with { Run = run.Run with { Status = RunStatus.Cancelled, FinishedAt = T0.AddHours(1), Error = "cancelled by bob" } }, Ct);

        Assert.Empty(await store.LoadUnfinishedAsync(Ct));
        var done = Assert.Single(await store.ListFinishedAsync(10, Ct));
        Assert.Equal(RunStatus.Cancelled, done.Run.Status);
        Assert.Equal("cancelled by bob", done.Run.Error);
    }

    [Fact]
    public async Task Retention_KeepsTheNewestFinishedRuns_AndEveryUnfinishedOne()
    {
        using var store = Open(keep: 3);
        for (var i = 1; i <= 6; i++)
        {
            await store.SaveAsync(Run($"old-{i}", RunStatus.Succeeded, T0.AddMinutes(i)), Ct);
        }
        await store.SaveAsync(Run("waiting", RunStatus.Running, T0), Ct);

        Assert.Equal(["old-6", "old-5", "old-4"], (await store.ListFinishedAsync(100, Ct)).Select(r => r.RunId));
        Assert.Equal(["old-6"], (await store.ListFinishedAsync(1, Ct)).Select(r => r.RunId));
        Assert.Equal(["waiting"], (await store.LoadUnfinishedAsync(Ct)).Select(r => r.RunId));
        Assert.Null(await store.GetAsync("old-1", Ct));
    }

    [Fact]
    public async Task LoadUnfinished_IsOldestFirst()
    {
        using var store = Open();
        await store.SaveAsync(Run("b", startedAt: T0.AddMinutes(2)), Ct);
        await store.SaveAsync(Run("a", startedAt: T0.AddMinutes(1)), Ct);
        await store.SaveAsync(Run("c", startedAt: T0.AddMinutes(3)), Ct);

        Assert.Equal(["a", "b", "c"], (await store.LoadUnfinishedAsync(Ct)).Select(r => r.RunId));
    }

    public static IEnumerable<TheoryDataRow<string, string, string>> CorruptRows =>
    [
        new("steps are not JSON", "steps", "not json"),
        new("an unknown step status", "steps", "[{\"id\":\"x\",\"kind\":\"shell\",\"section\":\"Diagnosis\",\"status\":\"Exploded\",\"attempts\":1,\"approvers\":[]}]"),
        new("a step without an id", "steps", "[{\"kind\":\"shell\",\"section\":\"Diagnosis\",\"status\":\"Pending\",\"attempts\":0,\"approvers\":[]}]"),
        new("parameters are a list", "parameters", "[1,2]"),
        new("an unknown section", "sections", "[\"Nowhere\"]"),
    ];

    [Theory]
    [MemberData(nameof(CorruptRows))]
    public async Task Load_NamesTheRun_WhenItsRowIsCorrupt(string name, string column, string value)
    {
        using (var store = Open())
        {
            await store.SaveAsync(Run("run-bad"), Ct);
        }
        using (var connection = SqliteDatabase.Open(_dir))
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"UPDATE runbook_runs SET {column} = $v;";
            cmd.Parameters.AddWithValue("$v", value);
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        using var again = Open();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => again.LoadUnfinishedAsync(Ct));

        Assert.StartsWith("runbook run run-bad: unreadable stored state", ex.Message, StringComparison.Ordinal);
        _ = name;
    }

    [Fact]
    public async Task Save_CapsAnOversizedOutput_AndMarksItTruncated()
    {
        using var store = Open();
        var run = Run("run-big");
        var big = new string('x', SqliteRunbookRunStore.MaxStoredOutput + 10);
        var steps = run.Run.Steps.ToList();
        steps[0] = steps[0] with { Result = steps[0].Result! with { Output = big, OutputTruncated = false } };
        await store.SaveAsync(run with { Run = run.Run with { Steps = steps } }, Ct);

        var result = (await store.GetAsync("run-big", Ct))!.Run.Steps[0].Result!;
        Assert.Equal(SqliteRunbookRunStore.MaxStoredOutput, result.Output.Length);
        Assert.True(result.OutputTruncated);
    }

    [Fact]
    public async Task SecretParameter_NeverReachesTheDatabaseFiles()
    {
        const string Secret = "hunter2-S3CR3T-value";
        var runbook = RunbookParser.Parse("""
            ---
            id: with-secret
            title: With a secret
            parameters:
              - name: TOKEN
                secret: true
              - name: NAMESPACE
                default: tenants
            ---
            ## Mitigation
            ```shell {id=use}
            echo "$TOKEN" | wc -c
            ```
            ```shell {id=apply approve=1}
            echo apply
            ```
            """, "with-secret.md");
        var executor = new EchoExecutor();
        var time = new FakeTimeProvider(T0);
        using var store = Open();
        var runner = new RunbookRunner([executor], time, new RunbookRunnerOptions { Store = store, NewRunId = () => "run-s" });

        var run = await runner.StartAsync(new RunRequest(runbook, new Dictionary<string, string> { ["TOKEN"] = Secret }, "alice"), Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (runner.Get(run.RunId)!.Step("apply")!.Status != StepStatus.WaitingForApproval)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run never reached the approval");
            await Task.Delay(10, Ct);
        }
        await runner.ApproveAsync(run.RunId, "apply", "bob", Ct);
        await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(Secret, executor.Seen);
        var stored = (await store.GetAsync("run-s", Ct))!;
        Assert.Equal(RunStatus.Succeeded, stored.Run.Status);
        Assert.Equal("<secret>", stored.Parameters["TOKEN"]);
        Assert.Equal(["TOKEN"], stored.SecretParameters);
        // Every byte SQLite wrote (database, WAL, shared memory), in the encodings it could use.
        var files = Directory.GetFiles(_dir);
        Assert.Contains(files, f => f.EndsWith(SqliteDatabase.FileName, StringComparison.Ordinal));
        var any = new List<byte>();
        foreach (var file in files)
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                await stream.CopyToAsync(copy, Ct);
                bytes = copy.ToArray();
            }
            foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode })
            {
                Assert.True(bytes.AsSpan().IndexOf(encoding.GetBytes(Secret)) < 0, $"{Path.GetFileName(file)} holds the secret ({encoding.WebName})");
            }
            any.AddRange(bytes);
        }
        // The search above looked at the run's real rows: its runbook and its parameters are there.
        Assert.True(any.ToArray().AsSpan().IndexOf("with-secret"u8) >= 0, "the stored run was not found in the files");
        Assert.True(any.ToArray().AsSpan().IndexOf("{\"NAMESPACE\":\"tenants\",\"TOKEN\":"u8) >= 0, "the stored parameters were not found in the files");
    }

    sealed class EchoExecutor : IStepExecutor
    {
        public IReadOnlyCollection<string> Kinds { get; } = ["shell"];

        public string? Seen { get; private set; }

        public string DescribeDryRun(StepRequest request) => request.StepId;

        public Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken)
        {
            Seen ??= request.Parameters["TOKEN"];
            // Executors redact secrets from what they return; the step's output names the parameter, not its value.
            return Task.FromResult(new StepResult(StepOutcome.Succeeded, 0, "TOKEN=<secret>\n", false, "ab", TimeSpan.FromMilliseconds(5), null));
        }
    }
}
