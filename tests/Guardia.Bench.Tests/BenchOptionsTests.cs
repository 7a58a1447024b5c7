namespace Guardia.Bench.Tests;

/// <summary>The command line of the harness, as far as the incidents scenario adds to it.</summary>
public sealed class BenchOptionsTests
{
    public static TheoryData<string, string, string> Valid => new()
    {
        // name, command line, expected ScenarioName / incidents / waves / interval ms / L1 s
        { "incidents alone, defaults", "incidents", "incidents 10000 1 500 60" },
        { "with the side-by-side scenarios", "all,e2e,incidents", "all+e2e+incidents 10000 1 500 60" },
        { "the documented burst", "incidents --waves 100", "incidents 10000 100 500 60" },
        { "small and quick", "incidents --incidents 300 --escalation-timeout 10", "incidents 300 1 500 10" },
        { "inline values", "incidents --incidents=1_000 --waves=10 --wave-interval-ms=200", "incidents 1000 10 200 60" },
        { "the last wave keeps exactly 5 s", "incidents --waves 111 --wave-interval-ms 500", "incidents 10000 111 500 60" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses(string name, string line, string expected)
    {
        var o = BenchOptions.Parse(line.Split(' '))!;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Equal(expected, string.Create(inv, $"{o.ScenarioName} {o.Incidents} {o.Waves} {o.WaveInterval.TotalMilliseconds} {o.EscalationTimeout.TotalSeconds}"));
        Assert.True(o.Scenario.HasFlag(Scenario.Incidents), name);
    }

    public static TheoryData<string, string, string> Invalid => new()
    {
        // name, command line, part of the message
        { "unknown scenario", "incident", "Unknown scenario 'incident'" },
        { "no incidents", "incidents --incidents 0", "--incidents must be an integer from 1" },
        { "negative waves", "incidents --waves -3", "--waves must be an integer from 1" },
        { "waves that are not a number", "incidents --waves many", "not 'many'" },
        { "the last wave would be due in under 5 s", "incidents --waves 112", "the last wave's L1 timeout would be under 5 s" },
        { "interval too long for the timeout", "incidents --waves 2 --wave-interval-ms 60000", "too short for 2 waves" },
        { "missing value", "incidents --escalation-timeout", "--escalation-timeout needs a value" },
        { "hostile value", "incidents --incidents 99999999999999999999", "--incidents must be an integer" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void RejectsWithAClearMessage(string name, string line, string message)
    {
        var e = Assert.Throws<BenchException>(() => BenchOptions.Parse(line.Split(' ')));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.True(e.ExitCode == 2, name);
    }
}
