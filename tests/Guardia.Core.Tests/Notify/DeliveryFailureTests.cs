using Guardia.Core.DeadLetters;
using Guardia.Core.Notify;
using Guardia.Core.Tests.Dispatch;

namespace Guardia.Core.Tests.Notify;

/// <summary>A receiver that fails for a while, on a fake clock: retries deliver everything once and in order per group,
/// and a notification that outlives its flush becomes a dead letter that a later delivery clears.</summary>
public sealed class DeliveryFailureTests
{
    const string Config = """
        route:
          receiver: hook
          group_by: [g]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
        receivers:
          - name: hook
            webhook_configs: [{url: 'http://127.0.0.1/'}]
        """;

    static Func<NotifyResult> DownUntil(DispatchHarness h, TimeSpan offset) =>
        () => h.Time.GetUtcNow() < DispatchHarness.Start + offset ? NotifyResult.Retryable("unexpected status code 500") : NotifyResult.Delivered();

    static (TimeSpan At, string Group, string Alerts) Parse(string sent)
    {
        var parts = sent.Split(' ');
        var at = TimeSpan.Zero;
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(parts[0], "([0-9]+)(ms|h|m|s)"))
        {
            var n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            at += m.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                _ => TimeSpan.FromMilliseconds(n),
            };
        }
        return (at, parts[2], parts[^1]);
    }

    /// <summary>Waits (bounded) for the retry stage's continuations, which may run on the thread pool after the fake
    /// clock moved, to record their outcome; the assertion that follows says what was expected.</summary>
    static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 400 && !await condition(); i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Retries_DeliverEveryGroupOnceAndInOrder_WhenReceiverFailsForTwoMinutes()
    {
        var letters = new MemoryDeadLetters();
        var recorder = new DeadLetterRecorder(letters, _ => [], () => "http://guardia");
        using var h = new DispatchHarness(Config, outcomes: recorder);
        h.Result = DownUntil(h, TimeSpan.FromMinutes(2));
        h.Put(h.Alert("g=1,a=a"), h.Alert("g=2,a=b"));
        await h.AdvanceWithRetriesTo(TimeSpan.FromSeconds(60));
        h.Put(h.Alert("g=1,a=c"));
        await h.AdvanceWithRetriesTo(TimeSpan.FromMinutes(3));
        var now = h.Time.GetUtcNow();
        h.Put(h.Alert("g=1,a=a", startsAt: now.AddMinutes(-3), endsAt: now));
        await h.AdvanceWithRetriesTo(TimeSpan.FromMinutes(20));

        var sent = h.Sent.Select(Parse).ToList();
        // Group 1: the first flush (30 s, alert a) is retried until the receiver recovers, then the next flush
        // (5m30s) carries c and a's resolution. Group 2: one notification. Nothing twice, nothing lost.
        Assert.Equal(["[a]", "[a:resolved,c]"], sent.Where(s => s.Group.Contains("g=\"1\"", StringComparison.Ordinal)).Select(s => s.Alerts));
        Assert.Equal(["[b]"], sent.Where(s => s.Group.Contains("g=\"2\"", StringComparison.Ordinal)).Select(s => s.Alerts));
        Assert.All(sent.Take(2), s => Assert.InRange(s.At, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30), sent[^1].At);
        Assert.Empty(await letters.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Flush_BecomesDeadLetter_WhenReceiverFailsPastTheNextFlush_AndLaterDeliveryClearsIt()
    {
        var letters = new MemoryDeadLetters();
        var recorder = new DeadLetterRecorder(letters, _ => ["s3cr3t"], () => "http://guardia");
        using var h = new DispatchHarness(Config, outcomes: recorder);
        h.Result = () => h.Time.GetUtcNow() < DispatchHarness.Start + TimeSpan.FromMinutes(17)
            ? NotifyResult.Retryable("unexpected status code 500 from http://hooks/s3cr3t")
            : NotifyResult.Delivered();
        h.Put(h.Alert("g=1,a=a"));

        // The flush at 30 s gives up at its deadline, 5m30s: one dead letter, error redacted.
        await h.AdvanceWithRetriesTo(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31));
        await Eventually(async () => (await letters.ListAsync(CancellationToken.None)).Count == 1);
        var letter = Assert.Single(await letters.ListAsync(CancellationToken.None));
        Assert.Equal("hook", letter.Receiver);
        Assert.Equal("webhook", letter.Integration);
        Assert.Equal("a", Assert.Single(letter.Alerts).Labels.Get("a"));
        Assert.Equal("unexpected status code 500 from http://hooks/<secret>", letter.Error);
        Assert.InRange(letter.Attempts, 8, 40);
        Assert.Equal(DispatchHarness.Start + TimeSpan.FromSeconds(30), letter.FirstFailure);
        var firstAttempts = letter.Attempts;

        // The next flush fails too (by its deadline, 10m30s, or later when the group re-arms after the first flush
        // ended): the same dead letter, attempts summed, first failure kept.
        await h.AdvanceWithRetriesTo(TimeSpan.FromMinutes(16));
        await Eventually(async () => (await letters.ListAsync(CancellationToken.None)).Single().Attempts > firstAttempts);
        letter = Assert.Single(await letters.ListAsync(CancellationToken.None));
        Assert.True(letter.Attempts > firstAttempts, $"{letter.Attempts} attempts after {firstAttempts}");
        Assert.Equal(DispatchHarness.Start + TimeSpan.FromSeconds(30), letter.FirstFailure);
        Assert.Empty(h.Sent);

        // The receiver recovers at 17 min, inside a later flush's retries: delivered once, dead letter gone.
        await h.AdvanceWithRetriesTo(TimeSpan.FromMinutes(23));
        await Eventually(async () => (await letters.ListAsync(CancellationToken.None)).Count == 0);
        Assert.Equal(["[a]"], h.Sent.Select(s => Parse(s).Alerts));
        Assert.Empty(await letters.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Flush_BecomesDeadLetterAtOnce_WhenErrorIsPermanent()
    {
        var letters = new MemoryDeadLetters();
        var recorder = new DeadLetterRecorder(letters, _ => [], () => "http://guardia");
        using var h = new DispatchHarness(Config, outcomes: recorder);
        h.Result = () => NotifyResult.Permanent("unexpected status code 400");
        h.Put(h.Alert("g=1,a=a"));
        await h.AdvanceWithRetriesTo(TimeSpan.FromSeconds(31));
        await Eventually(async () => (await letters.ListAsync(CancellationToken.None)).Count == 1);
        var letter = Assert.Single(await letters.ListAsync(CancellationToken.None));
        Assert.Equal(1, letter.Attempts);
        Assert.Equal("unexpected status code 400", letter.Error);
    }

    [Fact]
    public async Task StoppedFlush_IsNoDeadLetter_WhenDispatcherStopsBeforeTheDeadline()
    {
        var letters = new MemoryDeadLetters();
        var recorder = new DeadLetterRecorder(letters, _ => [], () => "http://guardia");
        var h = new DispatchHarness(Config, outcomes: recorder);
        h.Result = () => NotifyResult.Retryable("unexpected status code 503");
        h.Put(h.Alert("g=1,a=a"));
        await h.AdvanceWithRetriesTo(TimeSpan.FromMinutes(1));
        // A reload or shutdown: the next dispatcher sends the group again, so nothing failed for good.
        h.Dispose();
        await h.AdvanceWithRetriesTo(TimeSpan.FromMinutes(7));
        Assert.Empty(await letters.ListAsync(CancellationToken.None));
    }

    /// <summary>Dead letters in a list (the SQLite store has its own tests in Guardia.Storage.Tests).</summary>
    sealed class MemoryDeadLetters : IDeadLetterStore
    {
        readonly List<DeadLetter> _letters = [];

        public Task AddAsync(DeadLetter letter, CancellationToken ct)
        {
            lock (_letters)
            {
                _letters.RemoveAll(l => l.Id == letter.Id);
                _letters.Add(letter);
            }
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken ct)
        {
            lock (_letters)
            {
                return Task.FromResult<IReadOnlyList<DeadLetter>>([.. _letters]);
            }
        }

        public Task<DeadLetter?> GetAsync(string id, CancellationToken ct)
        {
            lock (_letters)
            {
                return Task.FromResult(_letters.FirstOrDefault(l => l.Id == id));
            }
        }

        public Task<bool> RecordFailureAsync(string id, string error, DateTimeOffset at, CancellationToken ct) => Task.FromResult(false);

        public Task<bool> DeleteAsync(string id, CancellationToken ct)
        {
            lock (_letters)
            {
                return Task.FromResult(_letters.RemoveAll(l => l.Id == id) > 0);
            }
        }
    }
}
