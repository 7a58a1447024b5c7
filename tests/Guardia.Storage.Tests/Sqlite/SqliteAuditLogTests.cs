using Guardia.Core.Audit;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Guardia.Storage.Tests.Sqlite;

/// <summary>The audit log over a real SQLite file, tampered with through raw SQL as someone with file access could.</summary>
public sealed class SqliteAuditLogTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-audit-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    SqliteAuditLog Open() => new(SqliteDatabase.Open(_dir));

    async Task AppendAsync(int count)
    {
        using var log = Open();
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(new AuditEntry(T0.AddMinutes(i), i % 2 == 0 ? "ana" : "luis", i <= 3 ? "api.silence.create" : "runbook.step.run", $"t-{i}", $$"""{"i":{{i}}}"""), TestContext.Current.CancellationToken);
        }
    }

    async Task<AuditVerification> VerifyAsync()
    {
        using var log = Open();
        var head = await log.GetHeadAsync(TestContext.Current.CancellationToken);
        return await AuditVerifier.VerifyAsync(log.ReadAllAsync(TestContext.Current.CancellationToken), head, TestContext.Current.CancellationToken);
    }

    /// <summary>Runs SQL as an attacker would: dropping the append-only triggers first.</summary>
    void Tamper(string sql)
    {
        using var c = SqliteDatabase.Open(_dir);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; " + sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task Verify_IsIntact_WhenUntouchedAndReopened()
    {
        await AppendAsync(5);

        var result = await VerifyAsync();

        Assert.True(result.Intact, result.ToString());
        Assert.Equal(5, result.Count);
    }

    public static IEnumerable<TheoryDataRow<string, string, long>> Tampering =>
    [
        new("details edited", "UPDATE audit_events SET details = '{\"i\":99}' WHERE sequence = 3;", 3) { TestDisplayName = "details edited" },
        new("actor edited", "UPDATE audit_events SET actor = 'nobody' WHERE sequence = 2;", 2) { TestDisplayName = "actor edited" },
        new("middle deleted", "DELETE FROM audit_events WHERE sequence = 3;", 3) { TestDisplayName = "middle deleted" },
        new("last deleted", "DELETE FROM audit_events WHERE sequence = 5;", 5) { TestDisplayName = "last deleted" },
        new("last two deleted", "DELETE FROM audit_events WHERE sequence >= 4;", 4) { TestDisplayName = "last two deleted" },
        new("last deleted, head moved back", "DELETE FROM audit_events WHERE sequence = 5; UPDATE audit_head SET sequence = 4;", 4) { TestDisplayName = "last deleted, head moved back" },
        new("head deleted", "DELETE FROM audit_head;", 1) { TestDisplayName = "head deleted" },
    ];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Verify_FailsAtTamperedSequence_WhenChangedWithRawSql(string name, string sql, long expected)
    {
        _ = name;
        await AppendAsync(5);
        SqliteConnection.ClearAllPools();
        Tamper(sql);

        var result = await VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(expected, result.FirstBadSequence);
    }

    [Theory]
    [InlineData("UPDATE audit_events SET actor = 'x' WHERE sequence = 1;")]
    [InlineData("DELETE FROM audit_events WHERE sequence = 1;")]
    public async Task Triggers_RefuseChanges_WhenNotDropped(string sql)
    {
        await AppendAsync(1);
        using var c = SqliteDatabase.Open(_dir);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;

        var ex = Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery());

        Assert.Contains("append-only", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_KeepsOneChain_WhenManyWritersAppendConcurrently()
    {
        // Two connections (as the server and the CLI would have), each with several concurrent appenders.
        using var a = Open();
        using var b = Open();
        var ct = TestContext.Current.CancellationToken;
        var tasks = Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).AppendAsync(new AuditEntry(T0, $"w{i}", "api.silence.create", $"t{i}", "{}"), ct), ct));

        var appended = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), appended.Select(e => e.Sequence).Order());
        Assert.Equal(40, appended.Select(e => e.PreviousHash).Distinct().Count());
        var result = await VerifyAsync();
        Assert.True(result.Intact, result.ToString());
        Assert.Equal(40, result.Count);
    }

    public static IEnumerable<TheoryDataRow<string, AuditFilter, long[]>> Filters =>
    [
        new("all", new AuditFilter(), [1, 2, 3, 4, 5, 6]) { TestDisplayName = "all" },
        new("since inclusive", new AuditFilter { Since = T0.AddMinutes(5) }, [5, 6]) { TestDisplayName = "since inclusive" },
        new("until exclusive", new AuditFilter { Until = T0.AddMinutes(3) }, [1, 2]) { TestDisplayName = "until exclusive" },
        new("actor", new AuditFilter { Actor = "ana" }, [2, 4, 6]) { TestDisplayName = "actor" },
        new("kind prefix", new AuditFilter { Kind = "api.silence" }, [1, 2, 3]) { TestDisplayName = "kind prefix" },
        new("kind exact", new AuditFilter { Kind = "runbook.step.run" }, [4, 5, 6]) { TestDisplayName = "kind exact" },
        new("partial word is no prefix", new AuditFilter { Kind = "api.sil" }, []) { TestDisplayName = "partial word is no prefix" },
        new("like wildcard is literal", new AuditFilter { Kind = "api%" }, []) { TestDisplayName = "like wildcard is literal" },
        new("newest first with limit", new AuditFilter { NewestFirst = true, Limit = 2 }, [6, 5]) { TestDisplayName = "newest first with limit" },
        new("combined", new AuditFilter { Actor = "luis", Kind = "runbook", Since = T0.AddMinutes(2) }, [5]) { TestDisplayName = "combined" },
    ];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Query_ReturnsMatchingEvents(string name, AuditFilter filter, long[] expected)
    {
        _ = name;
        await AppendAsync(6);
        using var log = Open();

        var events = await log.QueryAsync(filter, TestContext.Current.CancellationToken);

        Assert.Equal(expected, events.Select(e => e.Sequence));
    }
}
