using System.Globalization;
using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;

namespace Guardia.Integrations.Tests.RunbookActions;

public sealed class ShellStepExecutorTests : IDisposable
{
    readonly RunbookActionOptions _options = Steps.Options(["touch", "rm", "id"]);
    readonly ShellStepExecutor _shell;
    readonly string _temp = Path.Combine(Path.GetTempPath(), "guardia-shell-test-" + Guid.NewGuid().ToString("N"));

    public ShellStepExecutorTests()
    {
        _shell = new ShellStepExecutor(_options, TimeProvider.System);
        Directory.CreateDirectory(_temp);
    }

    public void Dispose()
    {
        Directory.Delete(_temp, recursive: true);
        Steps.DeleteScratch(_options.ScratchRoot);
    }

    static TheoryDataRow<string, string, StepOutcome, int?> Row(string name, string body, StepOutcome outcome, int? exit) =>
        new(name, body, outcome, exit) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, StepOutcome, int?>> Outcomes =>
    [
        Row("exit 0",                          "echo hello",                        StepOutcome.Succeeded, 0),
        Row("exit code kept",                  "exit 7",                            StepOutcome.Failed,    7),
        Row("errexit stops at false",          "false\necho not reached",           StepOutcome.Failed,    1),
        Row("nounset fails on unset variable", "echo \"$NOT_A_PARAMETER\"",         StepOutcome.Failed,    1),
        Row("pipefail fails a pipeline",       "false | cat",                       StepOutcome.Failed,    1),
        Row("not allowed by name: not found",  "python3 -c 'print(1)'",             StepOutcome.Failed,    127),
        Row("absolute path outside allowlist", "/usr/bin/env",                      StepOutcome.Rejected,  null),
        Row("PATH assignment",                 "PATH=/usr/bin:/bin\nenv",           StepOutcome.Rejected,  null),
        Row("export PATH",                     "export PATH=/usr/bin",              StepOutcome.Rejected,  null),
        Row("command -p",                      "command -p env",                    StepOutcome.Rejected,  null),
        Row("enable -f",                       "enable -f ./x.so x",                StepOutcome.Rejected,  null),
        Row("allowed absolute path",           "/usr/bin/true",                     StepOutcome.Succeeded, 0),
    ];

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task ExecuteAsync_ReportsOutcome_ForBody(string name, string body, StepOutcome outcome, int? exit)
    {
        _ = name;

        var result = await _shell.ExecuteAsync(Steps.Request("shell", body), TestContext.Current.CancellationToken);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(exit, result.ExitCode);
    }

    public static IEnumerable<TheoryDataRow<string, string>> InjectionNames =>
        Steps.Injections("m", "c").Select(i => new TheoryDataRow<string, string>(i.Name, i.Payload) { TestDisplayName = i.Name });

    [Theory]
    [MemberData(nameof(InjectionNames))]
    public async Task ExecuteAsync_PrintsParameterLiterally_WhenItHoldsShellSyntax(string name, string template)
    {
        _ = template;
        var marker = Path.Combine(_temp, "pwned");
        var canary = Path.Combine(_temp, "canary");
        Directory.CreateDirectory(canary);
        var payload = Steps.Injections(marker, canary).Single(i => i.Name == name).Payload;
        var body = "printf '%s\\n' \"$P\"\necho \"quoted: $P\"\necho unquoted: $P\nv=$P; echo \"assigned: ${v}\"\n[ -n \"$P\" ] && echo nonempty";

        var result = await _shell.ExecuteAsync(Steps.Request("shell", body, Steps.Params(("P", payload))), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.StartsWith(payload + "\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("quoted: " + payload, result.Output, StringComparison.Ordinal);
        Assert.Contains("nonempty", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), $"{marker} was created: the parameter ran as shell text");
        Assert.True(Directory.Exists(canary), $"{canary} was removed: the parameter ran as shell text");
    }

    [Fact]
    public async Task ExecuteAsync_KillsBackgroundChildren_WhenTimedOut()
    {
        var result = await _shell.ExecuteAsync(
            Steps.Request("shell", "sleep 100 &\necho \"child=$!\"\nsleep 100", timeout: TimeSpan.FromSeconds(2)),
            TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.TimedOut, result.Outcome);
        var pid = int.Parse(result.Output.Split('=')[1].Trim(), CultureInfo.InvariantCulture);
        Assert.True(await GoneAsync(pid), $"the background sleep (pid {pid}) survived the step's timeout");
        Assert.True(result.Duration < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ExecuteAsync_KillsBackgroundChildren_WhenScriptExitsNormally()
    {
        var result = await _shell.ExecuteAsync(Steps.Request("shell", "sleep 100 &\necho \"child=$!\""), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        var pid = int.Parse(result.Output.Split('=')[1].Trim(), CultureInfo.InvariantCulture);
        Assert.True(await GoneAsync(pid), $"the background sleep (pid {pid}) outlived its step");
    }

    [Fact]
    public async Task ExecuteAsync_Finishes_WhenAChildEscapesTheGroupHoldingTheOutput()
    {
        var options = Steps.Options(["setsid"]);
        var escaped = 0;
        try
        {
            var shell = new ShellStepExecutor(options, TimeProvider.System);
            // The child starts its own session (given half a second to do so), so killing the step's group misses
            // it, and it keeps stdout open for a minute.
            var result = await shell.ExecuteAsync(Steps.Request("shell", "setsid sleep 60 &\necho \"pid=$!\"\nsleep 0.5"), TestContext.Current.CancellationToken);
            escaped = int.Parse(result.Output.Split('=')[1].Split('\n')[0].Trim(), CultureInfo.InvariantCulture);

            Assert.Equal(StepOutcome.Succeeded, result.Outcome);
            Assert.True(result.Output.Contains("still holds it", StringComparison.Ordinal), result.Output + result.Error);
            Assert.True(result.Duration < TimeSpan.FromSeconds(30), result.Duration.ToString());
        }
        finally
        {
            if (escaped > 0)
            {
                try
                {
                    using var sleeper = System.Diagnostics.Process.GetProcessById(escaped);
                    sleeper.Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
            Steps.DeleteScratch(options.ScratchRoot);
        }
    }

    [Fact]
    public async Task ExecuteAsync_StopsStep_WhenCancelled()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var run = _shell.ExecuteAsync(Steps.Request("shell", "echo started\nsleep 100"), cts.Token);
        await cts.CancelAsync();

        var result = await run.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Cancelled, result.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_TruncatesOutput_AndDigestsAllOfIt()
    {
        var shell = new ShellStepExecutor(_options with { OutputLimitBytes = 1024 }, TimeProvider.System);

        var result = await shell.ExecuteAsync(Steps.Request("shell", "printf 'x%.0s' {1..5000}"), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.True(result.OutputTruncated);
        Assert.Equal(new string('x', 1024), result.Output);
        Assert.Equal(Steps.Sha256(new string('x', 5000)), result.OutputSha256);
    }

    [Fact]
    public async Task ExecuteAsync_RedactsSecretParameters_InStdoutAndStderr()
    {
        var request = Steps.Request("shell", "echo \"token is $TOKEN\"\necho \"$TOKEN\" >&2\necho \"user $USER_NAME\"",
            Steps.Params(("TOKEN", "s3cr3t-t0ken-value"), ("USER_NAME", "ana")), secrets: ["TOKEN"]);

        var result = await _shell.ExecuteAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.DoesNotContain("s3cr3t", result.Output, StringComparison.Ordinal);
        Assert.Contains("token is <secret>", result.Output, StringComparison.Ordinal);
        Assert.Contains("user ana", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, result.Output.Split("<secret>").Length - 1);
    }

    [Fact]
    public async Task ExecuteAsync_DigestsRawOutput_BeforeRedaction()
    {
        var request = Steps.Request("shell", "echo \"token is $TOKEN\"", Steps.Params(("TOKEN", "s3cr3t-t0ken-value")), secrets: ["TOKEN"]);

        var result = await _shell.ExecuteAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("token is <secret>\n", result.Output);
        Assert.Equal(Steps.Sha256("token is s3cr3t-t0ken-value\n"), result.OutputSha256);
    }

    [Fact]
    public async Task ExecuteAsync_StripsEnvironment_OfGuardiaProcess()
    {
        Environment.SetEnvironmentVariable("GUARDIA_TEST_API_TOKEN", "ambient-secret-123456");
        Environment.SetEnvironmentVariable("SOME_OTHER_VARIABLE", "visible-outside");
        try
        {
            var result = await _shell.ExecuteAsync(
                Steps.Request("shell", "echo \"g=${GUARDIA_TEST_API_TOKEN:-unset} o=${SOME_OTHER_VARIABLE:-unset}\"\ncompgen -e | sort | tr '\\n' ' '\necho\necho ambient-secret-123456", Steps.Params(("P", "1"))),
                TestContext.Current.CancellationToken);

            Assert.Equal(StepOutcome.Succeeded, result.Outcome);
            Assert.Contains("g=unset o=unset", result.Output, StringComparison.Ordinal);
            var exported = result.Output.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            exported.ExceptWith(["OLDPWD", "PWD", "SHLVL", "_"]);
            Assert.Equal(["HOME", "LANG", "P", "PATH", "TMPDIR", "TZ"], exported.Order(StringComparer.Ordinal));
            // The value of a Guardia secret in the environment is redacted even when a step prints it some other way.
            Assert.Contains("<secret>", result.Output.Split('\n')[2], StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GUARDIA_TEST_API_TOKEN", null);
            Environment.SetEnvironmentVariable("SOME_OTHER_VARIABLE", null);
        }
    }

    [Fact]
    public async Task ExecuteAsync_RunsEachStep_InFreshScratchDirectoryThatIsRemoved()
    {
        const string Body = "pwd\nls -A | tr '\\n' ' '\necho\necho \"$HOME\"\necho data > left-behind.txt";

        var first = await _shell.ExecuteAsync(Steps.Request("shell", Body), TestContext.Current.CancellationToken);
        var second = await _shell.ExecuteAsync(Steps.Request("shell", Body), TestContext.Current.CancellationToken);

        var a = first.Output.Split('\n');
        var b = second.Output.Split('\n');
        Assert.NotEqual(a[0], b[0]);
        Assert.StartsWith(_options.ScratchRoot + "/run-1-step-1-", a[0], StringComparison.Ordinal);
        Assert.Equal(".step.sh ", a[1]);
        Assert.Equal(".step.sh ", b[1]);
        Assert.Equal(a[0], a[2]);
        Assert.False(Directory.Exists(a[0]));
    }

    [Fact]
    public async Task ExecuteAsync_SeesOnlyAllowedExecutables_OnPath()
    {
        var shell = new ShellStepExecutor(_options with { Executables = ["ls", "jq", "not-installed-anywhere"] }, TimeProvider.System);

        var result = await shell.ExecuteAsync(Steps.Request("shell", "ls \"$PATH\"\ncat notes.txt"), TestContext.Current.CancellationToken);

        Assert.True(result.Outcome == StepOutcome.Failed, $"{result.Outcome}: {result.Error}");
        Assert.Equal(127, result.ExitCode);
        Assert.StartsWith("jq\nls\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("cat: command not found", result.Output, StringComparison.Ordinal);
    }

    public static IEnumerable<TheoryDataRow<string, string, string>> BadParameters =>
    [
        new("dash in name", "BAD-NAME", "x") { TestDisplayName = "dash in name" },
        new("PATH", "PATH", "/usr/bin") { TestDisplayName = "PATH" },
        new("LD_PRELOAD", "LD_PRELOAD", "/tmp/x.so") { TestDisplayName = "LD_PRELOAD" },
        new("BASH_ENV", "BASH_ENV", "/tmp/x") { TestDisplayName = "BASH_ENV" },
        new("shellshock function name", "BASH_FUNC_x%%", "() { :; }") { TestDisplayName = "shellshock function name" },
        new("NUL in value", "P", "a\0b") { TestDisplayName = "NUL in value" },
        new("leading digit", "1X", "x") { TestDisplayName = "leading digit" },
    ];

    [Theory]
    [MemberData(nameof(BadParameters))]
    public async Task ExecuteAsync_Rejects_InvalidParameter(string name, string parameter, string value)
    {
        _ = name;

        var result = await _shell.ExecuteAsync(Steps.Request("shell", "echo hi", Steps.Params((parameter, value))), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Rejected, result.Outcome);
        Assert.Contains("parameter", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public void DescribeDryRun_ShowsEnvironment_WithSecretsHidden()
    {
        var text = _shell.DescribeDryRun(Steps.Request("shell", "curl -H \"Authorization: Bearer $TOKEN\" \"$URL\"",
            Steps.Params(("TOKEN", "abc123"), ("URL", "http://x/")), secrets: ["TOKEN"]));

        Assert.Contains("TOKEN=<secret>", text, StringComparison.Ordinal);
        Assert.Contains("URL=http://x/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", text, StringComparison.Ordinal);
        Assert.EndsWith("curl -H \"Authorization: Bearer $TOKEN\" \"$URL\"", text, StringComparison.Ordinal);
    }

    static async Task<bool> GoneAsync(int pid)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat))
            {
                return true;
            }
            try
            {
                // A killed orphan may linger as a zombie until init reaps it: it no longer runs.
                var text = await File.ReadAllTextAsync(stat);
                if (text[(text.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }
}
