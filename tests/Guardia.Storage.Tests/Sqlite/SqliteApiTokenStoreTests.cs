using Guardia.Core.Access;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Storage.Tests.Sqlite;

/// <summary>API tokens over a real SQLite file: only hashes are stored, revocation and last use persist.</summary>
public sealed class SqliteApiTokenStoreTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-tokens-").FullName;
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 22, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    SqliteApiTokenStore Open() => new(SqliteDatabase.Open(_dir));

    [Fact]
    public async Task Authenticate_FindsToken_WhenSecretIsRightAndReopened()
    {
        var ct = TestContext.Current.CancellationToken;
        string secret;
        using (var store = Open())
        {
            (_, secret) = await new ApiTokens(store, _time).CreateAsync("grafana", Role.Responder, ct);
        }
        using var reopened = Open();

        var token = await new ApiTokens(reopened, _time).AuthenticateAsync(secret, ct);

        Assert.NotNull(token);
        Assert.Equal(("grafana", Role.Responder), (token.Name, token.Role));
    }

    [Fact]
    public async Task Store_KeepsOnlyHash_WhenTokenIsCreated()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = Open();
        var (_, secret) = await new ApiTokens(store, _time).CreateAsync("grafana", Role.Viewer, ct);
        SqliteConnection.ClearAllPools();

        var bytes = await File.ReadAllBytesAsync(Path.Combine(_dir, SqliteDatabase.FileName), ct);
        var wal = Path.Combine(_dir, SqliteDatabase.FileName + "-wal");
        var all = System.Text.Encoding.ASCII.GetString(bytes) + (File.Exists(wal) ? System.Text.Encoding.ASCII.GetString(await File.ReadAllBytesAsync(wal, ct)) : string.Empty);

        Assert.DoesNotContain(secret[4..], all, StringComparison.Ordinal);
        Assert.Contains(ApiTokens.Hash(secret), all, StringComparison.Ordinal);
    }

    public static IEnumerable<TheoryDataRow<string, string?>> Refused =>
    [
        new("no secret", null) { TestDisplayName = "no secret" },
        new("empty", "") { TestDisplayName = "empty" },
        new("wrong prefix", "xyz_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG") { TestDisplayName = "wrong prefix" },
        new("unknown token", "gdu_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG") { TestDisplayName = "unknown token" },
        new("sql in token", "gdu_' OR '1'='1") { TestDisplayName = "sql in token" },
        new("huge", "gdu_" + new string('a', 100_000)) { TestDisplayName = "huge" },
    ];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Authenticate_ReturnsNull_WhenSecretIsWrong(string name, string? secret)
    {
        _ = name;
        var ct = TestContext.Current.CancellationToken;
        using var store = Open();
        var tokens = new ApiTokens(store, _time);
        await tokens.CreateAsync("grafana", Role.Admin, ct);

        Assert.Null(await tokens.AuthenticateAsync(secret, ct));
    }

    [Fact]
    public async Task Authenticate_ReturnsNull_WhenRevokedByName()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = Open();
        var tokens = new ApiTokens(store, _time);
        var (_, secret) = await tokens.CreateAsync("grafana", Role.Admin, ct);

        Assert.True(await store.RevokeAsync("grafana", _time.GetUtcNow(), ct));
        Assert.False(await store.RevokeAsync("grafana", _time.GetUtcNow(), ct));
        Assert.Null(await tokens.AuthenticateAsync(secret, ct));
        Assert.True((await store.ListAsync(ct))[0].IsRevoked);
    }

    [Fact]
    public async Task Create_Throws_WhenNameIsTaken()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = Open();
        var tokens = new ApiTokens(store, _time);
        await tokens.CreateAsync("grafana", Role.Viewer, ct);

        var ex = await Assert.ThrowsAsync<ApiTokenException>(() => tokens.CreateAsync("grafana", Role.Admin, ct));

        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_RecordsLastUse_AtMostOncePerMinute()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = Open();
        var tokens = new ApiTokens(store, _time);
        var (_, secret) = await tokens.CreateAsync("grafana", Role.Viewer, ct);
        var first = _time.GetUtcNow();

        await tokens.AuthenticateAsync(secret, ct);
        _time.Advance(TimeSpan.FromSeconds(30));
        await tokens.AuthenticateAsync(secret, ct);
        var afterHalfMinute = (await store.ListAsync(ct))[0].LastUsedAt;
        _time.Advance(TimeSpan.FromSeconds(31));
        await tokens.AuthenticateAsync(secret, ct);
        var afterMinute = (await store.ListAsync(ct))[0].LastUsedAt;

        Assert.Equal(first, afterHalfMinute);
        Assert.Equal(_time.GetUtcNow(), afterMinute);
    }
}
