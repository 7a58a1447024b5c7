using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;
using Guardia.Core.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Core.Tests.Notify;

public sealed class RetryStageTests
{
    static readonly DateTimeOffset Start = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    static TheoryDataRow<int, double, int> Row(string name, int intervalMs, double random, int expectedMs) =>
        new(intervalMs, random, expectedMs) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<int, double, int>> Delays =>
    [
        Row("lowest jitter is half", 500, 0, 250),
        Row("middle jitter is the interval", 500, 0.5, 500),
        Row("highest jitter is one and a half", 1000, 0.9999999, 1499),
    ];

    [Theory]
    [MemberData(nameof(Delays))]
    public void NextDelay_StaysWithinFiftyPercent_WhenJittered(int intervalMs, double random, int expectedMs) =>
        Assert.Equal(expectedMs, (int)RetryStage.NextDelay(TimeSpan.FromMilliseconds(intervalMs), random).TotalMilliseconds);

    sealed class Flaky(int failures, bool retry) : INotifier
    {
        public int Attempts;

        public Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct) =>
            Task.FromResult(Interlocked.Increment(ref Attempts) <= failures
                ? (retry ? NotifyResult.Retryable("503") : NotifyResult.Permanent("400"))
                : NotifyResult.Delivered());
    }

    static (Flush, IReadOnlyList<Alert>) OneAlert()
    {
        var route = Route.Build(AlertmanagerConfigLoader.Load("route:\n  receiver: r\nreceivers:\n  - name: r\n", "am.yml").Route);
        var alert = new Alert { Labels = LabelSet.Of(("a", "1")), StartsAt = Start, EndsAt = default, UpdatedAt = Start };
        return (new Flush("{}:{}", "r", LabelSet.Empty, Start, route.Options), [alert]);
    }

    static async Task Until(Func<bool> condition, int tries = 1000)
    {
        // Continuations of the fake clock's delays may run on the thread pool: wait for them, not for time.
        for (var i = 0; i < tries && !condition(); i++)
        {
            await Task.Yield();
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Execute_RetriesWithBackoff_UntilTheIntegrationSucceeds()
    {
        var time = new FakeTimeProvider(Start);
        var notifier = new Flaky(2, retry: true);
        var stage = new RetryStage(new Integration(notifier, "webhook", 0, true), "r", time, INotificationMetrics.None, () => 0.5);
        var (flush, alerts) = OneAlert();
        var run = stage.ExecuteAsync(flush, alerts, CancellationToken.None).AsTask();
        Assert.Equal(1, notifier.Attempts);
        time.Advance(TimeSpan.FromMilliseconds(499));
        await Until(() => notifier.Attempts > 1, tries: 20);
        Assert.Equal(1, notifier.Attempts);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Until(() => notifier.Attempts > 1);
        Assert.Equal(2, notifier.Attempts);
        time.Advance(TimeSpan.FromMilliseconds(749));
        await Until(() => notifier.Attempts > 2, tries: 20);
        Assert.Equal(2, notifier.Attempts);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Until(() => run.IsCompleted);
        Assert.Equal(3, notifier.Attempts);
        Assert.Same(alerts, await run);
    }

    [Fact]
    public async Task Execute_Throws_WhenErrorIsNotRetryable()
    {
        var notifier = new Flaky(5, retry: false);
        var stage = new RetryStage(new Integration(notifier, "webhook", 0, true), "r", new FakeTimeProvider(Start), INotificationMetrics.None);
        var (flush, alerts) = OneAlert();
        await Assert.ThrowsAsync<NotificationFailedException>(async () => await stage.ExecuteAsync(flush, alerts, CancellationToken.None));
        Assert.Equal(1, notifier.Attempts);
    }

    [Fact]
    public async Task Execute_GivesUp_WhenTheFlushDeadlinePasses()
    {
        var time = new FakeTimeProvider(Start);
        var notifier = new Flaky(int.MaxValue, retry: true);
        var stage = new RetryStage(new Integration(notifier, "webhook", 0, true), "r", time, INotificationMetrics.None, () => 0.5);
        var (flush, alerts) = OneAlert();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10), time);
        var run = stage.ExecuteAsync(flush, alerts, deadline.Token).AsTask();
        // Attempts at 0, 500, 1250, 2375, 4062 and 6593 ms; the next would be at 10389 ms, past the deadline.
        int[] attemptAt = [500, 1250, 2375, 4062, 6593];
        var elapsed = 0;
        for (var i = 0; i < attemptAt.Length; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(attemptAt[i] - elapsed));
            elapsed = attemptAt[i];
            await Until(() => notifier.Attempts > i + 1);
        }
        time.Advance(TimeSpan.FromMilliseconds(10_000 - elapsed));
        await Until(() => run.IsCompleted);
        await Assert.ThrowsAsync<NotificationFailedException>(() => run);
        // Delays of 500, 750, 1125, 1687, 2531 and 3796 ms: six attempts fit in ten seconds.
        Assert.Equal(6, notifier.Attempts);
    }
}
