namespace Guardia.Integrations.RunbookActions;

/// <summary>How runbook steps may touch the outside world on this installation. Built once (usually by
/// <see cref="RunbookActionOptionsLoader"/>) and swapped whole on reload.</summary>
/// <remarks>
/// <para>The executable allowlist is enforced on bash scripts by what bash can find, not by parsing them: a step
/// runs with <c>PATH</c> set to a directory holding only symlinks to the allowed executables, with an environment
/// stripped to <c>PATH</c>, <c>HOME</c>/<c>TMPDIR</c> (the scratch directory), <c>LANG</c>, <c>TZ</c> and the step's
/// parameters; a body that names an absolute path to an executable outside the allowlist, or assigns
/// <c>PATH</c>, is refused before it runs.</para>
/// <para>Limits, on purpose: bash builtins (<c>echo</c>, <c>printf</c>, <c>test</c>, <c>cd</c>, redirections) are
/// always available; an allowed program that runs other programs (<c>bash</c> itself, <c>kubectl</c> plugins,
/// <c>awk</c>'s <c>system()</c>) can still reach what its own arguments name. The allowlist stops accidents and
/// careless runbooks; runbook bodies are reviewed configuration. Parameters, which come from alerts and people at
/// run time, never become shell text: they are environment variables, and that is the boundary the tests attack.</para>
/// </remarks>
public sealed record RunbookActionOptions
{
    /// <summary>The executables a shell or kubectl step may run by name, when the configuration does not list its own.</summary>
    public static readonly IReadOnlyList<string> DefaultExecutables =
    [
        "bash", "kubectl", "curl", "psql", "sqlite3", "jq", "grep", "awk", "sed", "sort", "uniq", "head", "tail",
        "wc", "cat", "cut", "tr", "tee", "ls", "date", "sleep", "true", "false", "echo", "printf", "test",
    ];

    /// <summary>The directories searched, in order, to resolve the allowed executables.</summary>
    public static readonly IReadOnlyList<string> DefaultExecutableSearchPath = ["/usr/local/bin", "/usr/bin", "/bin"];

    /// <summary>Names of executables steps may run; resolved in <see cref="ExecutableSearchPath"/>, missing ones are skipped.</summary>
    public IReadOnlyList<string> Executables { get; init; } = DefaultExecutables;

    /// <summary>The directories searched to resolve <see cref="Executables"/>.</summary>
    public IReadOnlyList<string> ExecutableSearchPath { get; init; } = DefaultExecutableSearchPath;

    /// <summary>The directory under which every step gets a fresh scratch directory (removed when the step ends).</summary>
    public string ScratchRoot { get; init; } = Path.Combine(Path.GetTempPath(), "guardia-steps");

    /// <summary>How many bytes of a step's output are kept in <c>StepResult.Output</c>; the digest covers all of it.</summary>
    public int OutputLimitBytes { get; init; } = 64 * 1024;

    /// <summary>The longest any step may run, whatever its own timeout says.</summary>
    public TimeSpan MaxTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Dry-run mode for kubectl steps: <c>none</c>, <c>client</c> or <c>server</c>; a step's <c>dry_run</c>
    /// attribute overrides it.</summary>
    public string KubectlDryRun { get; init; } = "none";

    /// <summary>URL prefixes http steps may call; empty allows any http or https URL.</summary>
    public IReadOnlyList<string> HttpAllowedUrlPrefixes { get; init; } = [];

    /// <summary>Prometheus-compatible API base URLs by name; a promql step without a <c>datasource</c> attribute uses <c>default</c>.</summary>
    public IReadOnlyDictionary<string, Uri> Prometheus { get; init; } = new Dictionary<string, Uri>(StringComparer.Ordinal);

    /// <summary>Named SQL connections a sql step picks with its <c>connection</c> attribute.</summary>
    public IReadOnlyDictionary<string, SqlConnectionOptions> SqlConnections { get; init; } = new Dictionary<string, SqlConnectionOptions>(StringComparer.Ordinal);

    /// <summary>Extra values redacted from every step's output (besides secret parameters and Guardia's own secret
    /// environment variables); the loader adds SQL passwords here.</summary>
    public IReadOnlyList<string> RedactedValues { get; init; } = [];
}

/// <summary>The database engines a sql step can talk to.</summary>
public enum SqlProvider
{
    /// <summary>A SQLite database file, through Microsoft.Data.Sqlite.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, through Npgsql.</summary>
    PostgreSql,
}

/// <summary>One named SQL connection. Steps run read-only unless they say <c>write=true</c>, and they may say so
/// only on a connection whose <paramref name="ReadOnly"/> is false.</summary>
/// <param name="Name">The name steps use in their <c>connection</c> attribute.</param>
/// <param name="Provider">sqlite or postgresql.</param>
/// <param name="ConnectionString">An ADO.NET connection string (for SQLite, <c>Data Source=path</c>).</param>
/// <param name="ReadOnly">True (the default) when no step may write through this connection.</param>
public sealed record SqlConnectionOptions(string Name, SqlProvider Provider, string ConnectionString, bool ReadOnly = true);
