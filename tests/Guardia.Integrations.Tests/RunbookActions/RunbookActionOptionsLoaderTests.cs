using Guardia.Core.Configuration;
using Guardia.Integrations.RunbookActions;

namespace Guardia.Integrations.Tests.RunbookActions;

public sealed class RunbookActionOptionsLoaderTests
{
    const string Example = """
        scratch_dir: /var/lib/guardia/steps
        output_limit_bytes: 4096
        max_timeout: 10m
        executables: [bash, jq, curl]
        executable_path: [/opt/tools/bin, /usr/bin]
        kubectl_dry_run: client
        http:
          allowed_url_prefixes: ["http://127.0.0.1:", "https://api.tiendi.pe/"]
        prometheus:
          default: http://127.0.0.1:9090
          thanos: https://thanos.internal:10902/
        sql:
          orders:
            provider: postgresql
            connection_string: Host=db;Username=guardia_ro;Password=pg-pass-123;Database=orders
          local:
            provider: sqlite
            file: /var/lib/guardia/guardia.db
            read_only: false
        """;

    [Fact]
    public void Load_ReadsEveryField()
    {
        var o = RunbookActionOptionsLoader.Load(Example, "guardia.yml");

        Assert.Equal("/var/lib/guardia/steps", o.ScratchRoot);
        Assert.Equal(4096, o.OutputLimitBytes);
        Assert.Equal(TimeSpan.FromMinutes(10), o.MaxTimeout);
        Assert.Equal(["bash", "jq", "curl"], o.Executables);
        Assert.Equal(["/opt/tools/bin", "/usr/bin"], o.ExecutableSearchPath);
        Assert.Equal("client", o.KubectlDryRun);
        Assert.Equal(["http://127.0.0.1:", "https://api.tiendi.pe/"], o.HttpAllowedUrlPrefixes);
        Assert.Equal(new Uri("http://127.0.0.1:9090"), o.Prometheus["default"]);
        Assert.Equal(new SqlConnectionOptions("orders", SqlProvider.PostgreSql, "Host=db;Username=guardia_ro;Password=pg-pass-123;Database=orders"), o.SqlConnections["orders"]);
        Assert.Equal(new SqlConnectionOptions("local", SqlProvider.Sqlite, "Data Source=/var/lib/guardia/guardia.db", ReadOnly: false), o.SqlConnections["local"]);
        Assert.Contains("pg-pass-123", o.RedactedValues);
    }

    [Fact]
    public void Load_UsesDefaults_WhenEmpty()
    {
        var o = RunbookActionOptionsLoader.Load("", "guardia.yml");

        Assert.Equal(RunbookActionOptions.DefaultExecutables, o.Executables);
        Assert.Equal(64 * 1024, o.OutputLimitBytes);
        Assert.Equal("none", o.KubectlDryRun);
        Assert.Empty(o.SqlConnections);
    }

    static TheoryDataRow<string, string, int, string> Row(string name, string yaml, int line, string message) =>
        new(name, yaml, line, message) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, int, string>> Errors =>
    [
        Row("unknown field",        "max_timeot: 5m",                                    1, "unknown field \"max_timeot\""),
        Row("duplicate field",      "max_timeout: 5m\nmax_timeout: 6m",                 2, "Duplicate key max_timeout"),
        Row("bad duration",         "max_timeout: five",                                1, "max_timeout"),
        Row("zero duration",        "max_timeout: 0",                                   1, "longer than 0"),
        Row("relative scratch",     "scratch_dir: steps",                               1, "absolute path"),
        Row("tiny output limit",    "output_limit_bytes: 10",                           1, "between 1024"),
        Row("executable path",      "executables: [bash, /usr/bin/python3]",            1, "not paths"),
        Row("executables scalar",   "executables: bash",                                1, "must be a list"),
        Row("dry run mode",         "kubectl_dry_run: yes",                             1, "none, client or server"),
        Row("prometheus not url",   "prometheus:\n  default: localhost:9090",           2, "http:// or https://"),
        Row("http prefix",          "http:\n  allowed_url_prefixes: [ftp://x/]",        2, "allowed_url_prefixes"),
        Row("sql no provider",      "sql:\n  a:\n    file: /x.db",                      3, "needs a provider"),
        Row("sql bad provider",     "sql:\n  a:\n    provider: mysql\n    file: /x.db", 3, "sqlite or postgresql"),
        Row("sql both sources",     "sql:\n  a:\n    provider: sqlite\n    file: /x.db\n    connection_string: Data Source=/y.db", 3, "exactly one"),
        Row("postgres file",        "sql:\n  a:\n    provider: postgresql\n    file: /x.db", 4, "sqlite connections"),
        Row("sql read_only",        "sql:\n  a:\n    provider: sqlite\n    file: /x.db\n    read_only: maybe", 5, "true or false"),
        Row("duplicate connection", "sql:\n  a:\n    provider: sqlite\n    file: /x.db\n  a:\n    provider: sqlite\n    file: /y.db", 5, "Duplicate key a"),
        Row("bad connection string","sql:\n  a:\n    provider: postgresql\n    connection_string: Nonsense=1;Password=hunter22", 4, "not a valid postgresql connection string"),
        Row("not a mapping",        "- a\n- b",                                          1, "must be a mapping"),
        Row("invalid yaml",         "a: [b",                                             2, "invalid YAML"),
    ];

    [Theory]
    [MemberData(nameof(Errors))]
    public void Load_Throws_WithPosition(string name, string yaml, int line, string message)
    {
        _ = name;

        var ex = Assert.Throws<ConfigException>(() => RunbookActionOptionsLoader.Load(yaml, "guardia.yml"));

        Assert.Equal("guardia.yml", ex.File);
        Assert.True(line == ex.Line, ex.Describe());
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", ex.Describe(), StringComparison.Ordinal);
    }
}
