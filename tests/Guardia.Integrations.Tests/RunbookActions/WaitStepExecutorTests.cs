using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Integrations.Tests.RunbookActions;

public sealed class WaitStepExecutorTests
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ExecuteAsync_Succeeds_AfterDurationOnTheClock()
    {
        var wait = new WaitStepExecutor(new RunbookActionOptions(), _time);
        var run = wait.ExecuteAsync(Steps.Request("wait", "", attributes: new Dictionary<string, string> { ["duration"] = "5m" }, timeout: TimeSpan.FromMinutes(10)), TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await run;

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(5), result.Duration);
        Assert.Equal("waited 5m\n", result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_ReadsDuration_FromBody()
    {
        var wait = new WaitStepExecutor(new RunbookActionOptions(), _time);
        var run = wait.ExecuteAsync(Steps.Request("wait", "30s\n"), TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(StepOutcome.Succeeded, (await run).Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_IsCancelled_WhenTokenFires()
    {
        var wait = new WaitStepExecutor(new RunbookActionOptions(), _time);
        using var cts = new CancellationTokenSource();
        var run = wait.ExecuteAsync(Steps.Request("wait", "5m", timeout: TimeSpan.FromMinutes(10)), cts.Token);

        _time.Advance(TimeSpan.FromMinutes(1));
        await cts.CancelAsync();
        var result = await run;

        Assert.Equal(StepOutcome.Cancelled, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(1), result.Duration);
    }

    [Theory]
    [InlineData("longer than timeout", "1h")]
    [InlineData("not a duration", "five minutes")]
    [InlineData("zero", "0")]
    [InlineData("empty", "")]
    public async Task ExecuteAsync_Rejects_BadDuration(string name, string duration)
    {
        _ = name;
        var wait = new WaitStepExecutor(new RunbookActionOptions(), _time);

        var result = await wait.ExecuteAsync(Steps.Request("wait", duration, timeout: TimeSpan.FromMinutes(10)), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Rejected, result.Outcome);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void DescribeDryRun_ShowsDuration()
    {
        var wait = new WaitStepExecutor(new RunbookActionOptions(), _time);

        Assert.Equal("wait 1m30s", wait.DescribeDryRun(Steps.Request("wait", "90s")));
    }
}
