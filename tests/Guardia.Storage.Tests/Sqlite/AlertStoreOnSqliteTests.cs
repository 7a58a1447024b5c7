using System.Collections.Concurrent;
using Guardia.Core.Alerts;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Tests.Sqlite;

/// <summary>The alert store over the real SQLite journal, in a temporary directory.</summary>
public sealed class AlertStoreOnSqliteTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-storage-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    static Alert Make(string name, int startMin, int endMin, int updatedMin = 0) => new()
    {
        Labels = LabelSet.Of(("alertname", name), ("severity", "critical")),
        Annotations = LabelSet.Of(("summary", $"{name} está caído")),
        StartsAt = T0.AddMinutes(startMin),
        EndsAt = T0.AddMinutes(endMin),
        UpdatedAt = T0.AddMinutes(updatedMin),
    };

    async Task<(AlertStore Store, SqliteAlertJournal Journal)> OpenAsync(int compactionSlack = 20_000)
    {
        var journal = new SqliteAlertJournal(SqliteDatabase.Open(_dir)) { CompactionSlack = compactionSlack };
        var store = new AlertStore(journal);
        await store.LoadAsync(CancellationToken.None);
        return (store, journal);
    }

    [Fact]
    public async Task Reopen_RestoresEveryCommittedAlert_WithAllFields()
    {
        var (store, journal) = await OpenAsync();
        var a = Make("Down", 0, 60) with { GeneratorUrl = "http://p/graph", Timeout = true };
        await store.PutAsync([a, Make("Slow", 1, 61)], T0);
        await journal.DisposeAsync();

        var (again, journal2) = await OpenAsync();
        await using var _ = journal2;
        Assert.Equal(2, again.Count);
        Assert.Equal(a, again.Get(a.Fingerprint));
    }

    [Fact]
    public async Task Put_MergesOverlappingVersions_AndReplacesDisjointOnes()
    {
        var (store, journal) = await OpenAsync();
        await using var _ = journal;
        await store.PutAsync([Make("A", 0, 30, 0)], T0);
        // Overlapping: the start stays the earliest.
        await store.PutAsync([Make("A", 10, 40, 1)], T0.AddMinutes(1));
        Assert.Equal(T0, store.Get(Make("A", 0, 0).Fingerprint)!.StartsAt);
        // Disjoint (starts after the stored end): a new episode replaces the old one.
        await store.PutAsync([Make("A", 50, 90, 2)], T0.AddMinutes(2));
        Assert.Equal(T0.AddMinutes(50), store.Get(Make("A", 0, 0).Fingerprint)!.StartsAt);
    }

    [Fact]
    public async Task ConcurrentPuts_ShareCommits_AndAllBecomeDurable()
    {
        var (store, journal) = await OpenAsync();
        var commits = 0;
        journal.Committed = (_, _) => Interlocked.Increment(ref commits);
        var puts = Enumerable.Range(0, 400).Select(i => Task.Run(() => store.PutAsync([Make($"C{i}", 0, 60)], T0))).ToArray();
        await Task.WhenAll(puts);
        await journal.DisposeAsync();
        Assert.InRange(commits, 1, 399);

        var (again, journal2) = await OpenAsync();
        await using var _ = journal2;
        Assert.Equal(400, again.Count);
    }

    [Fact]
    public async Task CollectResolved_RemovesOnlyAlertsResolvedBeforeTheCutoff_AndTheyStayGoneAfterRestart()
    {
        var (store, journal) = await OpenAsync();
        await store.PutAsync([Make("Old", 0, 10), Make("Recent", 0, 100), Make("Firing", 0, 500)], T0);
        var now = T0.AddMinutes(200);
        Assert.Equal(1, store.CollectResolved(now, cutoff: T0.AddMinutes(50)));
        await journal.DisposeAsync();

        // Collections are not journaled: a restarted server collects again right after loading.
        var (again, journal2) = await OpenAsync();
        await using var _ = journal2;
        Assert.Equal(1, again.CollectResolved(now, cutoff: T0.AddMinutes(50)));
        Assert.Equal(2, again.Count);
        Assert.Null(again.Get(Make("Old", 0, 0).Fingerprint));
    }

    [Fact]
    public async Task Listeners_SeeEachBatch_AfterItIsCommitted()
    {
        var (store, journal) = await OpenAsync();
        await using var _ = journal;
        var seen = new ConcurrentBag<string>();
        store.Subscribe(batch =>
        {
            foreach (var a in batch)
            {
                seen.Add(a.Labels.Get("alertname"));
            }
        });
        await store.PutAsync([Make("L1", 0, 10), Make("L2", 0, 10)], T0);
        Assert.Equal(["L1", "L2"], seen.Order().ToArray());
    }

    [Fact]
    public async Task Compaction_KeepsTheLatestVersionOfEveryAlert_AndDropsSupersededVersions()
    {
        var (store, journal) = await OpenAsync(compactionSlack: 10);
        var compactions = 0;
        journal.Compacted = n => Interlocked.Increment(ref compactions);
        for (var round = 0; round < 6; round++)
        {
            for (var i = 0; i < 50; i++)
            {
                // Disjoint episodes, so each version replaces the previous one outright.
                await store.PutAsync([Make($"K{i}", round * 100, (round * 100) + 50, round)], T0.AddMinutes(round * 100));
            }
        }
        var stored = journal.StoredVersions;
        await journal.DisposeAsync();
        Assert.True(compactions > 0, "compaction never ran");
        Assert.True(stored <= (2 * 50) + 10, $"{stored} versions still stored for 50 live alerts");

        var (again, journal2) = await OpenAsync();
        await using var _ = journal2;
        Assert.Equal(50, again.Count);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(T0.AddMinutes(500), again.Get(Make($"K{i}", 0, 0).Fingerprint)!.StartsAt);
        }
    }

    [Fact]
    public async Task Compaction_ForgetsCollectedAlerts_ButKeepsOnesSentAgain()
    {
        var (store, journal) = await OpenAsync(compactionSlack: 0);
        await store.PutAsync([Make("Gone", 0, 10), Make("Back", 0, 10)], T0);
        Assert.Equal(2, store.CollectResolved(T0.AddMinutes(100), T0.AddMinutes(50)));
        await store.PutAsync([Make("Back", 200, 300, 5)], T0.AddMinutes(100));
        for (var i = 0; i < 5; i++)
        {
            await store.PutAsync([Make("Filler", 200, 300 + i, 6 + i)], T0.AddMinutes(100));
        }
        await journal.DisposeAsync();

        var (again, journal2) = await OpenAsync();
        await using var _ = journal2;
        Assert.Null(again.Get(Make("Gone", 0, 0).Fingerprint));
        Assert.Equal(T0.AddMinutes(200), again.Get(Make("Back", 0, 0).Fingerprint)!.StartsAt);
    }

    [Fact]
    public async Task Load_Refuses_WhenASegmentIsCorrupt()
    {
        var (store, journal) = await OpenAsync();
        await store.PutAsync([Make("X", 0, 10)], T0);
        await journal.DisposeAsync();
        using (var c = SqliteDatabase.Open(_dir))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "UPDATE alert_segments SET body = substr(body, 1, 12);";
            cmd.ExecuteNonQuery();
        }
        await using var broken = new SqliteAlertJournal(SqliteDatabase.Open(_dir));
        await Assert.ThrowsAsync<InvalidDataException>(() => broken.LoadAsync(CancellationToken.None));
    }

    [Fact]
    public void Open_UsesWalAndFullSync()
    {
        using var connection = SqliteDatabase.Open(_dir);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", cmd.ExecuteScalar());
        cmd.CommandText = "PRAGMA synchronous;";
        Assert.Equal(2L, cmd.ExecuteScalar()); // FULL
        cmd.CommandText = "PRAGMA user_version;";
        Assert.True((long)cmd.ExecuteScalar()! >= 1);
    }
}
