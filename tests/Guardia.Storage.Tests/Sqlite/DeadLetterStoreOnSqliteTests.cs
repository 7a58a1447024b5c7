using Guardia.Core.Alerts;
using Guardia.Core.DeadLetters;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Tests.Sqlite;

/// <summary>The dead-letter store over a real SQLite file, reopened to prove durability.</summary>
public sealed class DeadLetterStoreOnSqliteTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-deadletters-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    static DeadLetter Letter(string id, int minute) => new()
    {
        Id = id,
        Receiver = "slack-critical",
        Integration = "slack",
        IntegrationIndex = 0,
        GroupKey = "{}/{severity=\"critical\"}:{alertname=\"HighErrorRate\"}",
        GroupLabels = LabelSet.Of(("alertname", "HighErrorRate")),
        Alerts =
        [
            new Alert
            {
                Labels = LabelSet.Of(("alertname", "HighErrorRate"), ("severity", "critical")),
                Annotations = LabelSet.Of(("description", "5xx > 5% en checkout")),
                StartsAt = T0.AddMinutes(-10),
                EndsAt = T0.AddMinutes(5),
                UpdatedAt = T0,
                GeneratorUrl = "http://prometheus:9090/graph",
            },
        ],
        ExternalUrl = "http://guardia:9093",
        FlushedAt = T0.AddMinutes(minute),
        Error = "unexpected status code 500",
        Attempts = 3,
        FirstFailure = T0.AddMinutes(minute),
        LastFailure = T0.AddMinutes(minute + 1),
    };

    SqliteDeadLetterStore Open() => new(SqliteDatabase.Open(_dir));

    [Fact]
    public async Task ListAsync_ReturnsLettersOldestFirst_AfterReopen()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var store = Open())
        {
            await store.AddAsync(Letter("b", 5), ct);
            await store.AddAsync(Letter("a", 1), ct);
        }
        using var reopened = Open();

        var letters = await reopened.ListAsync(ct);

        Assert.Equal(["a", "b"], letters.Select(l => l.Id));
        var a = letters[0];
        var expected = Letter("a", 1);
        Assert.Equal(expected.GroupKey, a.GroupKey);
        Assert.Equal(expected.GroupLabels, a.GroupLabels);
        Assert.Equal(expected.Alerts[0], a.Alerts[0]);
        Assert.Equal(expected.FlushedAt, a.FlushedAt);
        Assert.Equal(3, a.Attempts);
    }

    [Fact]
    public async Task RecordFailureAsync_CountsAttempt_WhenReplayFails()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = Open();
        await store.AddAsync(Letter("a", 1), ct);

        Assert.True(await store.RecordFailureAsync("a", "unexpected status code 502", T0.AddHours(1), ct));
        Assert.False(await store.RecordFailureAsync("missing", "x", T0, ct));

        var letter = await store.GetAsync("a", ct);
        Assert.Equal(4, letter!.Attempts);
        Assert.Equal("unexpected status code 502", letter.Error);
        Assert.Equal(T0.AddHours(1), letter.LastFailure);
    }

    [Fact]
    public async Task DeleteAsync_RemovesLetter_WhenReplaySucceeded()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = Open();
        await store.AddAsync(Letter("a", 1), ct);

        Assert.True(await store.DeleteAsync("a", ct));
        Assert.False(await store.DeleteAsync("a", ct));
        Assert.Null(await store.GetAsync("a", ct));
    }
}
