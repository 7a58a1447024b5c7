using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;
using Microsoft.Data.Sqlite;

namespace Guardia.Integrations.Tests.RunbookActions;

public sealed class SqliteStepTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "guardia-sqlite-test-" + Guid.NewGuid().ToString("N"));
    readonly string _db;
    readonly SqlStepExecutor _sql;

    public SqliteStepTests()
    {
        Directory.CreateDirectory(_dir);
        _db = Path.Combine(_dir, "orders.db");
        using (var c = new SqliteConnection("Data Source=" + _db + ";Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL);"
                + "INSERT INTO orders (customer, total) VALUES ('ana', 10.5), ('luis', 20), ('o''brien', NULL);";
            cmd.ExecuteNonQuery();
        }
        var options = Steps.Options() with
        {
            SqlConnections = new Dictionary<string, SqlConnectionOptions>
            {
                ["ro"] = new("ro", SqlProvider.Sqlite, "Data Source=" + _db),
                ["rw"] = new("rw", SqlProvider.Sqlite, "Data Source=" + _db, ReadOnly: false),
            },
        };
        _sql = new SqlStepExecutor(options, TimeProvider.System);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Dictionary<string, string> On(string connection, bool write = false) =>
        write ? new() { ["connection"] = connection, ["write"] = "true" } : new() { ["connection"] = connection };

    long Count()
    {
        using var c = new SqliteConnection("Data Source=" + _db + ";Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM orders";
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task ExecuteAsync_PrintsTextTable_ForSelect()
    {
        var result = await _sql.ExecuteAsync(Steps.Request("sql", "SELECT id, customer, total FROM orders ORDER BY id", attributes: On("ro")), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.Equal("id | customer | total\n---+----------+------\n1  | ana      | 10.5\n2  | luis     | 20\n3  | o'brien  | NULL\n(3 rows)\n", result.Output);
    }

    public static IEnumerable<TheoryDataRow<string, string>> Injections =>
    [
        new("drop table", "'; DROP TABLE orders; --") { TestDisplayName = "drop table" },
        new("or true", "x' OR '1'='1") { TestDisplayName = "or true" },
        new("union", "' UNION SELECT 1, sqlite_version(), 3 --") { TestDisplayName = "union" },
        new("quote in name", "o'brien") { TestDisplayName = "quote in name" },
    ];

    [Theory]
    [MemberData(nameof(Injections))]
    public async Task ExecuteAsync_BindsParameters_NeverSplicesThem(string name, string value)
    {
        _ = name;

        foreach (var body in (string[])["SELECT id FROM orders WHERE customer = @customer", "SELECT id FROM orders WHERE customer = :customer"])
        {
            var result = await _sql.ExecuteAsync(Steps.Request("sql", body, Steps.Params(("customer", value)), On("rw", write: true)), TestContext.Current.CancellationToken);

            Assert.Equal(StepOutcome.Succeeded, result.Outcome);
            Assert.Equal(value == "o'brien" ? "(1 row)\n" : "(0 rows)\n", result.Output.Split('\n')[^2] + "\n");
        }
        Assert.Equal(3, Count());
    }

    public static IEnumerable<TheoryDataRow<string, string, Dictionary<string, string>>> Refusals =>
    [
        new("insert on read-only step", "INSERT INTO orders (customer) VALUES ('x')", On("rw")) { TestDisplayName = "insert on read-only step" },
        new("delete on read-only connection", "DELETE FROM orders", On("ro")) { TestDisplayName = "delete on read-only connection" },
        new("write=true on read-only connection", "DELETE FROM orders", On("ro", write: true)) { TestDisplayName = "write=true on read-only connection" },
        new("drop after select", "SELECT 1; DROP TABLE orders", On("rw")) { TestDisplayName = "drop after select" },
        new("unknown connection", "SELECT 1", On("nope")) { TestDisplayName = "unknown connection" },
        new("no connection", "SELECT 1", new Dictionary<string, string>()) { TestDisplayName = "no connection" },
        new("bad write value", "SELECT 1", new Dictionary<string, string> { ["connection"] = "rw", ["write"] = "yes" }) { TestDisplayName = "bad write value" },
        new("empty statement", " ", On("ro")) { TestDisplayName = "empty statement" },
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ExecuteAsync_Rejects_WritesAndBadConnections(string name, string body, Dictionary<string, string> attributes)
    {
        _ = name;

        var result = await _sql.ExecuteAsync(Steps.Request("sql", body, attributes: attributes), TestContext.Current.CancellationToken);

        Assert.True(result.Outcome == StepOutcome.Rejected, $"{result.Outcome}: {result.Error}");
        Assert.Equal(3, Count());
    }

    [Fact]
    public async Task ExecuteAsync_Writes_WhenStepAndConnectionAllowIt()
    {
        var result = await _sql.ExecuteAsync(
            Steps.Request("sql", "UPDATE orders SET total = 0 WHERE customer = @c", Steps.Params(("c", "luis")), On("rw", write: true)),
            TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.Equal("(1 rows affected)\n", result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_Fails_OnSqlError()
    {
        var result = await _sql.ExecuteAsync(Steps.Request("sql", "SELECT nope FROM orders", attributes: On("ro")), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Failed, result.Outcome);
        Assert.Contains("no such column", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeDryRun_ShowsConnectionModeAndParameters()
    {
        var text = _sql.DescribeDryRun(Steps.Request("sql", "SELECT * FROM orders WHERE customer = @c AND id > @n",
            Steps.Params(("c", "ana"), ("n", "1"), ("unused", "x")), On("ro"), secrets: ["c"]));

        Assert.Equal("-- sqlite connection ro, read-only\n-- @c = <secret>\n-- @n = 1\nSELECT * FROM orders WHERE customer = @c AND id > @n", text);
    }
}
