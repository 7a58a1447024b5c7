using System.Globalization;

namespace Guardia.Bench;

/// <summary>Which scenarios one run performs.</summary>
[Flags]
enum Scenario
{
    Ingest = 1,
    Restart = 2,
    All = Ingest | Restart,
}

/// <summary>Command-line options of the harness, validated once.</summary>
sealed record BenchOptions
{
    public const string Usage = """
        Guardia load harness: runs the same scenario against Prometheus Alertmanager and Guardia, one after
        the other, on free 127.0.0.1 ports with fresh temp storage, and prints a side-by-side table.

        usage: dotnet run -c Release --project bench/Guardia.Bench -- ingest|restart|all [options]

          --alerts N          alerts with distinct label sets to ingest (default 100000)
          --batch N           alerts per POST /api/v2/alerts (default 100)
          --connections N     concurrent connections (default 8)
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
        var options = new BenchOptions
        {
            Scenario = args[0] switch
            {
                "ingest" => Scenario.Ingest,
                "restart" => Scenario.Restart,
                "all" => Scenario.All,
                _ => throw new BenchException($"Unknown scenario '{args[0]}': expected ingest, restart or all.\n\n{Usage}", 2),
            },
        };
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
                "--guardia" => options with { Guardia = Value() },
                "--alertmanager" => options with { AlertmanagerPath = Value() },
                "--ready-timeout" => options with { ReadyTimeout = TimeSpan.FromSeconds(Int(name, Value(), 1, 3600)) },
                "--results" => options with { ResultsDir = Value() },
                _ => throw new BenchException($"Unknown option '{name}'.\n\n{Usage}", 2),
            };
        }
        return options;
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
