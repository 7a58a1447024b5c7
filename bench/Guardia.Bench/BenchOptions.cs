using System.Globalization;

namespace Guardia.Bench;

/// <summary>Which scenarios one run performs.</summary>
[Flags]
enum Scenario
{
    Ingest = 1,
    Restart = 2,

    /// <summary>What `all` means: the two scenarios that need no notification work.</summary>
    All = Ingest | Restart,
    E2e = 4,
    Storm = 8,

    /// <summary>Guardia only: open N incidents at once and measure how late their escalation pages come.</summary>
    Incidents = 16,
}

/// <summary>Command-line options of the harness, validated once.</summary>
sealed record BenchOptions
{
    public const string Usage = """
        Guardia load harness: runs the same scenario against Prometheus Alertmanager and Guardia, one after
        the other, on free 127.0.0.1 ports with fresh temp storage, and prints a side-by-side table.

        usage: dotnet run -c Release --project bench/Guardia.Bench -- SCENARIOS [options]

        SCENARIOS is one of ingest, restart, e2e, storm, incidents, all (= ingest,restart), or a
        comma-separated list such as e2e,storm or all,e2e,storm,incidents. incidents runs Guardia alone:
        nothing else on this machine escalates (Grafana OnCall is archived and not packaged).

          --alerts N          ingest: alerts with distinct label sets (default 100000)
          --batch N           ingest, storm: alerts per POST /api/v2/alerts (default 100)
          --connections N     concurrent connections (default 8)
          --groups N          e2e: new groups, one POST each (default 1000)
          --group-size N      e2e: alerts per group (default 10)
          --storm-alerts N    storm: alerts in all (default 100000)
          --storm-groups N    storm: groups they are spread over (default 2000)
          --storm-seconds S   storm: time over which the requests are paced (default 10)
          --incidents N       incidents: alerts posted, each opening an incident of its own (default 10000)
          --escalation-timeout S
                              incidents: L1's timeout, after which every incident is paged at L2; long
                              enough that all are open before the first is due (default 60)
          --waves K           incidents: send the alerts in K waves, one POST each, one every
                              --wave-interval-ms (default 500); wave k's L1 timeout is shorter by k
                              intervals, so that all escalations come due together (default 1: all
                              alerts at once, due as fast as the server opened them)
          --notify-timeout S  e2e, storm, incidents: how long to wait for webhooks after the last POST before
                              calling alerts lost (default 60; the warm-up waits at most 30)
          --guardia CMD       command that starts Guardia; the harness appends
                              `serve --web.listen-address ... --storage.path ... --config.file ...`
                              (default: dotnet <repo>/src/Guardia.Server/bin/Release/net10.0/guardia.dll;
                              `alertmanager` runs a second Alertmanager in Guardia's column)
          --alertmanager PATH Alertmanager binary (default /usr/bin/prometheus-alertmanager)
          --ready-timeout S   seconds to wait for /-/ready and for a graceful stop (default 30)
          --results DIR       where the JSON result goes (default <repo>/bench/results)
        """;

    public Scenario Scenario { get; init; }

    public int Alerts { get; init; } = 100_000;

    public int Batch { get; init; } = 100;

    public int Connections { get; init; } = 8;

    public int Groups { get; init; } = 1_000;

    public int GroupSize { get; init; } = 10;

    public int StormAlerts { get; init; } = 100_000;

    public int StormGroups { get; init; } = 2_000;

    public TimeSpan StormDuration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan NotifyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int Incidents { get; init; } = 10_000;

    public TimeSpan EscalationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int Waves { get; init; } = 1;

    public TimeSpan WaveInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The warm-up only has to show that the server notifies at all, so a server that never does is
    /// reported after at most 30 s rather than after the whole <see cref="NotifyTimeout"/>.
    /// </summary>
    public TimeSpan WarmupNotifyTimeout => NotifyTimeout < TimeSpan.FromSeconds(30) ? NotifyTimeout : TimeSpan.FromSeconds(30);

    public string? Guardia { get; init; }

    public string AlertmanagerPath { get; init; } = ServerCommand.DefaultAlertmanagerPath;

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string? ResultsDir { get; init; }

    /// <summary>The 1, 5 and 15 minute load averages when the run began: other work on a shared box skews every figure.</summary>
    public string? LoadAverageAtStart { get; init; }

    /// <summary>Parses the arguments; returns null when help was asked for.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args.Any(a => a is "-h" or "--help" or "help"))
        {
            return null;
        }
        var scenario = (Scenario)0;
        foreach (var word in args[0].Split([',', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            scenario |= word switch
            {
                "ingest" => Scenario.Ingest,
                "restart" => Scenario.Restart,
                "all" => Scenario.All,
                "e2e" => Scenario.E2e,
                "storm" => Scenario.Storm,
                "incidents" => Scenario.Incidents,
                _ => throw new BenchException($"Unknown scenario '{word}': expected ingest, restart, e2e, storm, incidents or all.\n\n{Usage}", 2),
            };
        }
        if (scenario == 0)
        {
            throw new BenchException($"No scenario in '{args[0]}'.\n\n{Usage}", 2);
        }
        var options = new BenchOptions { Scenario = scenario };
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            string? inline = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }
            string Value() => inline ?? (++i < args.Count ? args[i] : throw new BenchException($"{name} needs a value.", 2));
            options = name switch
            {
                "--alerts" => options with { Alerts = Int(name, Value(), 1, 10_000_000) },
                "--batch" => options with { Batch = Int(name, Value(), 1, 10_000) },
                "--connections" => options with { Connections = Int(name, Value(), 1, 256) },
                "--groups" => options with { Groups = Int(name, Value(), 1, 1_000_000) },
                "--group-size" => options with { GroupSize = Int(name, Value(), 1, 10_000) },
                "--storm-alerts" => options with { StormAlerts = Int(name, Value(), 1, 10_000_000) },
                "--storm-groups" => options with { StormGroups = Int(name, Value(), 1, 1_000_000) },
                "--storm-seconds" => options with { StormDuration = TimeSpan.FromSeconds(Int(name, Value(), 1, 3600)) },
                "--incidents" => options with { Incidents = Int(name, Value(), 1, 1_000_000) },
                "--escalation-timeout" => options with { EscalationTimeout = TimeSpan.FromSeconds(Int(name, Value(), 1, 3600)) },
                "--waves" => options with { Waves = Int(name, Value(), 1, 1000) },
                "--wave-interval-ms" => options with { WaveInterval = TimeSpan.FromMilliseconds(Int(name, Value(), 1, 60_000)) },
                "--notify-timeout" => options with { NotifyTimeout = TimeSpan.FromSeconds(Int(name, Value(), 1, 3600)) },
                "--guardia" => options with { Guardia = Value() },
                "--alertmanager" => options with { AlertmanagerPath = Value() },
                "--ready-timeout" => options with { ReadyTimeout = TimeSpan.FromSeconds(Int(name, Value(), 1, 3600)) },
                "--results" => options with { ResultsDir = Value() },
                _ => throw new BenchException($"Unknown option '{name}'.\n\n{Usage}", 2),
            };
        }
        if (options.Scenario.HasFlag(Scenario.Incidents) && options.EscalationTimeout - (options.WaveInterval * (options.Waves - 1)) < TimeSpan.FromSeconds(5))
        {
            throw new BenchException(
                $"--escalation-timeout {options.EscalationTimeout.TotalSeconds:0} s is too short for {options.Waves} waves {options.WaveInterval.TotalMilliseconds:0} ms apart: " +
                "the last wave's L1 timeout would be under 5 s. Raise --escalation-timeout or lower --waves.", 2);
        }
        return options;
    }

    /// <summary>The scenarios as typed: "all", or a list such as "ingest+e2e+storm".</summary>
    public string ScenarioName
    {
        get
        {
            var parts = new List<string>();
            if ((Scenario & Scenario.All) == Scenario.All)
            {
                parts.Add("all");
            }
            else
            {
                if (Scenario.HasFlag(Scenario.Ingest))
                {
                    parts.Add("ingest");
                }
                if (Scenario.HasFlag(Scenario.Restart))
                {
                    parts.Add("restart");
                }
            }
            if (Scenario.HasFlag(Scenario.E2e))
            {
                parts.Add("e2e");
            }
            if (Scenario.HasFlag(Scenario.Storm))
            {
                parts.Add("storm");
            }
            if (Scenario.HasFlag(Scenario.Incidents))
            {
                parts.Add("incidents");
            }
            return string.Join('+', parts);
        }
    }

    static int Int(string name, string text, int min, int max)
    {
        var clean = text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        if (!int.TryParse(clean, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new BenchException($"{name} must be an integer from {min} to {max}, not '{text}'.", 2);
        }
        return value;
    }
}
