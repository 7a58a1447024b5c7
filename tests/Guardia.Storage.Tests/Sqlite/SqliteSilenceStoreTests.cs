using Guardia.Core.Matching;
using Guardia.Core.Silences;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Storage.Tests.Sqlite;

/// <summary>The silence service over the real SQLite store, in a temporary directory.</summary>
public sealed class SqliteSilenceStoreTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-silences-").FullName;
    readonly FakeTimeProvider _time = new(T0.AddTicks(1234567));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    async Task<(Core.Silences.Silences Silences, SqliteSilenceStore Store)> OpenAsync()
    {
        var store = new SqliteSilenceStore(SqliteDatabase.Open(_dir));
        var silences = new Core.Silences.Silences(store, _time, TimeSpan.FromHours(120));
        await silences.LoadAsync(CancellationToken.None);
        return (silences, store);
    }

    static SilenceDraft Draft(params SilenceMatcher[] matchers) => new()
    {
        Matchers = matchers,
        StartsAt = T0,
        EndsAt = T0.AddHours(2),
        CreatedBy = "ana",
        Comment = "ventana de mantenimiento \"nocturna\"",
    };

    [Fact]
    public async Task Reopen_RestoresEverySilence_WithAllFieldsAndExactTimes()
    {
        var (silences, store) = await OpenAsync();
        var active = await silences.SetAsync(Draft(new SilenceMatcher("alertname", "DiskFull", MatchType.Equal), new SilenceMatcher("env", "dev|qa", MatchType.NotRegexp), new SilenceMatcher("host", "db\\1", MatchType.NotEqual), new SilenceMatcher("zone", "eu-.*", MatchType.Regexp)), default);
        var expired = await silences.SetAsync(Draft(new SilenceMatcher("alertname", "Other", MatchType.Equal)), default);
        _time.Advance(TimeSpan.FromMinutes(1));
        await silences.ExpireAsync(expired, default);
        var before = silences.All().ToDictionary(s => s.Id);
        store.Dispose();
        silences.Dispose();

        var (again, store2) = await OpenAsync();
        using var _ = store2;
        using var __ = again;
        Assert.Equal(2, again.Count);
        foreach (var id in new[] { active, expired })
        {
            var a = before[id];
            var b = again.Get(id)!;
            Assert.Equal(a.Matchers, b.Matchers);
            Assert.Equal(a.StartsAt, b.StartsAt);
            Assert.Equal(a.EndsAt, b.EndsAt);
            Assert.Equal(a.UpdatedAt, b.UpdatedAt);
            Assert.Equal(a.CreatedBy, b.CreatedBy);
            Assert.Equal(a.Comment, b.Comment);
        }
        Assert.Equal(SilenceState.Expired, again.Get(expired)!.StateAt(_time.GetUtcNow().AddTicks(1)));
    }

    [Fact]
    public async Task Reopen_DoesNotRestoreCollectedSilences()
    {
        var (silences, store) = await OpenAsync();
        var id = await silences.SetAsync(Draft(new SilenceMatcher("alertname", "DiskFull", MatchType.Equal)), default);
        _time.Advance(TimeSpan.FromHours(123));
        Assert.Equal(1, await silences.CollectAsync(default));
        store.Dispose();
        silences.Dispose();

        var (again, store2) = await OpenAsync();
        using var _ = store2;
        using var __ = again;
        Assert.Null(again.Get(id));
    }

    [Fact]
    public async Task Update_ReplacesTheStoredRow()
    {
        var (silences, store) = await OpenAsync();
        var id = await silences.SetAsync(Draft(new SilenceMatcher("alertname", "DiskFull", MatchType.Equal)), default);
        var s = silences.Get(id)!;
        await silences.SetAsync(Draft(new SilenceMatcher("alertname", "DiskFull", MatchType.Equal)) with { Id = id, StartsAt = s.StartsAt, EndsAt = T0.AddHours(5), Comment = "extendido" }, default);
        store.Dispose();
        silences.Dispose();

        var (again, store2) = await OpenAsync();
        using var _ = store2;
        using var __ = again;
        Assert.Equal(1, again.Count);
        Assert.Equal("extendido", again.Get(id)!.Comment);
        Assert.Equal(T0.AddHours(5), again.Get(id)!.EndsAt);
    }
}
