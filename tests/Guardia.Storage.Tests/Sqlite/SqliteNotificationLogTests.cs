using Guardia.Core.NotificationLog;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Tests.Sqlite;

/// <summary>The notification log over a real SQLite file in a temporary directory.</summary>
public sealed class SqliteNotificationLogTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    static readonly NotificationReceiver Hook = new("team-db", "webhook", 1);
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-nflog-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    SqliteNotificationLog Open(DateTimeOffset now) => new(SqliteDatabase.Open(_dir), now);

    static NotificationEntry Entry(string group, ulong[] firing, ulong[] resolved, int minute) =>
        new(group, Hook, firing, resolved, T0.AddMinutes(minute), T0.AddMinutes(minute).AddHours(120));

    [Fact]
    public async Task Reopen_ReturnsTheLastEntryPerGroup_WhenLoggedConcurrently()
    {
        await using (var log = Open(T0))
        {
            var writes = Enumerable.Range(0, 200).Select(i => log.LogAsync(Entry($"g{i % 50}", [(ulong)i, ulong.MaxValue], [7], i), CancellationToken.None));
            await Task.WhenAll(writes);
            await log.LogAsync(Entry("g0", [1], [], 500), CancellationToken.None);
        }
        await using var reopened = Open(T0);
        Assert.Equal(50, reopened.Count);
        var g0 = reopened.Query("g0", Hook)!;
        Assert.Equal([1UL], g0.FiringAlerts);
        Assert.Empty(g0.ResolvedAlerts);
        Assert.Equal(T0.AddMinutes(500), g0.Timestamp);
        var g7 = reopened.Query("g7", Hook)!;
        Assert.Equal([157UL, ulong.MaxValue], g7.FiringAlerts);
        Assert.Equal([7UL], g7.ResolvedAlerts);
        Assert.Null(reopened.Query("g7", Hook with { Index = 0 }));
    }

    [Fact]
    public async Task Collect_RemovesExpiredEntries_FromMemoryAndDisk()
    {
        await using (var log = Open(T0))
        {
            await log.LogAsync(Entry("old", [1], [], 0), CancellationToken.None);
            await log.LogAsync(Entry("new", [2], [], 60), CancellationToken.None);
            Assert.Equal(1, log.Collect(T0.AddHours(120).AddMinutes(30)));
            Assert.Null(log.Query("old", Hook));
        }
        // Reopened before the young entry expires: only it is back, and the old one is gone from disk.
        await using var reopened = Open(T0);
        Assert.Equal(1, reopened.Count);
        Assert.NotNull(reopened.Query("new", Hook));
    }
}
