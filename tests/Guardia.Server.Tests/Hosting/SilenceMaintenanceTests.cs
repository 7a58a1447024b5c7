using Guardia.Core.Inhibition;
using Guardia.Core.Silences;
using Guardia.Server.Hosting;
using Guardia.Server.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Server.Tests.Hosting;

public sealed class SilenceMaintenanceTests
{
    sealed class MemoryStore : ISilenceStore
    {
        public Dictionary<string, Silence> Rows { get; } = [];

        public Task<IReadOnlyList<Silence>> LoadAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<Silence>>([.. Rows.Values]);

        public Task SaveAsync(IReadOnlyList<Silence> silences, CancellationToken ct)
        {
            foreach (var s in silences)
            {
                Rows[s.Id] = s;
            }
            return Task.CompletedTask;
        }

        public Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct)
        {
            foreach (var id in ids)
            {
                Rows.Remove(id);
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Tick_CollectsSilencesPastRetention_WhenMaintenanceIntervalElapses()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var store = new MemoryStore();
        var options = new ServeOptions { Retention = TimeSpan.FromHours(1), MaintenanceInterval = TimeSpan.FromMinutes(15) };
        using var silences = new Core.Silences.Silences(store, time, options.Retention);
        var id = await silences.SetAsync(new SilenceDraft
        {
            Matchers = [new SilenceMatcher("alertname", "DiskFull", MatchType.Equal)],
            StartsAt = time.GetUtcNow(),
            EndsAt = time.GetUtcNow().AddMinutes(10),
        }, TestContext.Current.CancellationToken);
        using var maintenance = new SilenceMaintenance(silences, new Inhibitor(), options, time, new GuardiaMetrics(), NullLogger<SilenceMaintenance>.Instance);
        await maintenance.StartAsync(TestContext.Current.CancellationToken);

        // ExecuteAsync starts on the thread pool (.NET 10), so its timer may not exist yet: step the clock a
        // minute at a time until the silence is gone, and check it never went before end + retention.
        var start = time.GetUtcNow();
        for (var i = 0; i < 500 && silences.Get(id) is not null; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            // Let the timer's continuation run on the thread pool; the clock under test does not move here.
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        Assert.True(time.GetUtcNow() >= start.AddMinutes(70), $"collected at {time.GetUtcNow():O}, before end + retention");
        Assert.Null(silences.Get(id));
        Assert.Empty(store.Rows);
        await maintenance.StopAsync(TestContext.Current.CancellationToken);
    }
}
