using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.RunbookActions;

/// <summary>sql steps against a real PostgreSQL started for this class.</summary>
public sealed class PostgresStepTests(PostgresStepTests.Database db) : IClassFixture<PostgresStepTests.Database>
{
    public sealed class Database : IAsyncLifetime
    {
        public Postgres Server { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Server = await Postgres.StartAsync();
            await Server.ExecuteAsync("""
                CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric);
                INSERT INTO orders VALUES (1, 'ana', 10.5), (2, 'luis', 20), (3, 'o''brien', NULL);
                CREATE TABLE scratch (n int);
                """);
        }

        public async ValueTask DisposeAsync()
        {
            if (Server is not null)
            {
                await Server.DisposeAsync();
            }
        }
    }

    SqlStepExecutor Executor() => new(new RunbookActionOptions
    {
        SqlConnections = new Dictionary<string, SqlConnectionOptions>
        {
            ["ro"] = new("ro", SqlProvider.PostgreSql, db.Server.ConnectionString),
            ["rw"] = new("rw", SqlProvider.PostgreSql, db.Server.ConnectionString, ReadOnly: false),
        },
    }, TimeProvider.System);

    static StepRequest Request(string body, string connection, bool write = false, Dictionary<string, string>? parameters = null, string[]? secrets = null, TimeSpan? timeout = null)
    {
        var attributes = new Dictionary<string, string> { ["connection"] = connection };
        if (write)
        {
            attributes["write"] = "true";
        }
        return new StepRequest("run-1", "step-1", "sql", body, attributes, parameters ?? [], new HashSet<string>(secrets ?? []), timeout ?? TimeSpan.FromSeconds(30));
    }

    async Task<long> CountAsync() => (long)(await db.Server.ScalarAsync("SELECT count(*) FROM orders"))!;

    [Fact]
    public async Task ExecuteAsync_PrintsTextTable_WithParameterTypeInferred()
    {
        var result = await Executor().ExecuteAsync(
            Request("SELECT id, customer, total FROM orders WHERE id >= @min ORDER BY id", "ro", parameters: new() { ["min"] = "2" }),
            TestContext.Current.CancellationToken);

        Assert.True(result.Outcome == StepOutcome.Succeeded, result.Error);
        Assert.Equal("id | customer | total\n---+----------+------\n2  | luis     | 20\n3  | o'brien  | NULL\n(2 rows)\n", result.Output);
    }

    public static IEnumerable<TheoryDataRow<string, string>> Injections =>
    [
        new("drop table", "'; DROP TABLE orders; --") { TestDisplayName = "drop table" },
        new("or true", "x' OR '1'='1") { TestDisplayName = "or true" },
        new("dollar quoting", "$$; DROP TABLE orders; $$") { TestDisplayName = "dollar quoting" },
        new("backslash quote", "\\'; DELETE FROM orders; --") { TestDisplayName = "backslash quote" },
    ];

    [Theory]
    [MemberData(nameof(Injections))]
    public async Task ExecuteAsync_BindsParameters_EvenOnWritableStep(string name, string value)
    {
        _ = name;

        var result = await Executor().ExecuteAsync(
            Request("SELECT id FROM orders WHERE customer = @customer", "rw", write: true, parameters: new() { ["customer"] = value }),
            TestContext.Current.CancellationToken);

        Assert.True(result.Outcome == StepOutcome.Succeeded, result.Error);
        Assert.EndsWith("(0 rows)\n", result.Output, StringComparison.Ordinal);
        Assert.Equal(3, await CountAsync());
    }

    public static IEnumerable<TheoryDataRow<string, string, string, bool>> Refusals =>
    [
        new("insert on read-only step", "INSERT INTO orders VALUES (9, 'x', 1)", "rw", false) { TestDisplayName = "insert on read-only step" },
        new("delete on read-only connection", "DELETE FROM orders", "ro", false) { TestDisplayName = "delete on read-only connection" },
        new("write=true on read-only connection", "DELETE FROM orders", "ro", true) { TestDisplayName = "write=true on read-only connection" },
        new("commit then delete", "COMMIT; DELETE FROM orders", "rw", false) { TestDisplayName = "commit then delete" },
        new("drop table", "DROP TABLE orders", "rw", false) { TestDisplayName = "drop table" },
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ExecuteAsync_RefusesWrites_OnReadOnlySteps(string name, string body, string connection, bool write)
    {
        _ = name;

        var result = await Executor().ExecuteAsync(Request(body, connection, write), TestContext.Current.CancellationToken);

        Assert.True(result.Outcome == StepOutcome.Rejected, $"{result.Outcome}: {result.Error}");
        Assert.Equal(3, await CountAsync());
    }

    [Fact]
    public async Task ExecuteAsync_Writes_WhenStepAndConnectionAllowIt()
    {
        var result = await Executor().ExecuteAsync(
            Request("INSERT INTO scratch VALUES (@n)", "rw", write: true, parameters: new() { ["n"] = "42" }),
            TestContext.Current.CancellationToken);

        Assert.True(result.Outcome == StepOutcome.Succeeded, result.Error);
        Assert.Equal("(1 rows affected)\n", result.Output);
        Assert.Equal(1L, await db.Server.ScalarAsync("SELECT count(*) FROM scratch WHERE n = 42"));
    }

    [Fact]
    public async Task ExecuteAsync_TimesOut_LongQuery()
    {
        var result = await Executor().ExecuteAsync(Request("SELECT pg_sleep(30)", "ro", timeout: TimeSpan.FromSeconds(1)), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.TimedOut, result.Outcome);
        Assert.True(result.Duration < TimeSpan.FromSeconds(15), result.Duration.ToString());
    }

    [Fact]
    public async Task ExecuteAsync_RedactsSecretParameter_InResults()
    {
        var result = await Executor().ExecuteAsync(
            Request("SELECT @token::text AS token", "ro", parameters: new() { ["token"] = "pg-secret-value-1" }, secrets: ["token"]),
            TestContext.Current.CancellationToken);

        Assert.True(result.Outcome == StepOutcome.Succeeded, result.Error);
        Assert.Contains("<secret>", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("pg-secret-value-1", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_Fails_OnSqlError()
    {
        var result = await Executor().ExecuteAsync(Request("SELECT nope FROM orders", "ro"), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Failed, result.Outcome);
        Assert.Contains("nope", result.Error, StringComparison.Ordinal);
    }
}
