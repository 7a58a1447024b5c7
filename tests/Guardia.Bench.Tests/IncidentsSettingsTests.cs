using Guardia.Bench.Scenarios;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Incidents;
using Guardia.Core.OnCall;

namespace Guardia.Bench.Tests;

/// <summary>The settings file the incidents scenario gives the server is loaded here by Guardia's own loaders.</summary>
public sealed class IncidentsSettingsTests
{
    static readonly Uri Sink = new("http://127.0.0.1:45678/bench-page");

    public static TheoryData<string, int, int, int> Cases => new()
    {
        // name, waves, wave interval ms, L1 timeout s
        { "all at once", 1, 500, 60 },
        { "two waves", 2, 500, 60 },
        { "the documented burst", 100, 500, 60 },
        { "slow waves", 10, 5000, 60 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GuardiaLoadsTheSettings_AndEachWaveComesDueTogether(string name, int waves, int intervalMs, int l1Seconds)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var l1 = TimeSpan.FromSeconds(l1Seconds);
        var (incidents, onCall, alertmanager) = Load(IncidentsScenario.Settings(Sink, l1, waves, interval));

        Assert.True(onCall.Users.ContainsKey("bench"), name);
        Assert.True(alertmanager.Route.GroupByAll, "group_by ['...']: every alert a group of its own");
        Assert.Empty(incidents.Settings.StatusUpdateSeverities);
        Assert.False(incidents.Settings.AutoResolve);

        // The warm-up policy comes first and takes only warm-up alerts; it never escalates within a run.
        Assert.Equal(waves + 1, incidents.IncidentPolicies.Count);
        Assert.Equal(waves + 1, incidents.EscalationPolicies.Count);
        var warmup = incidents.IncidentPolicies[0];
        Assert.Equal("bench-warmup", warmup.EscalationPolicy);
        Assert.True(warmup.Matchers.Matches(Labels(("bench", "warmup"))));
        Assert.False(warmup.Matchers.Matches(Labels(("bench", "incident"))));
        Assert.Equal(TimeSpan.FromHours(24), incidents.EscalationPolicies["bench-warmup"].Levels[0].Timeout);

        for (var k = 0; k < waves; k++)
        {
            var policy = incidents.IncidentPolicies[k + 1];
            var escalation = incidents.EscalationPolicies[policy.EscalationPolicy!];
            Assert.Equal(2, escalation.Levels.Count);
            // Wave k is posted k intervals after wave 0: its L1 timeout is shorter by as much.
            Assert.Equal(l1 - (interval * k), escalation.Levels[0].Timeout);
            Assert.Equal(TimeSpan.FromHours(24), escalation.Levels[1].Timeout);
            Assert.Equal(Severity.P3, policy.Severity.For(new Dictionary<string, string> { ["severity"] = "critical" }));
            var labels = Labels(("alertname", "BenchIncident"), ("bench", "incident"), ("id", "7"), ("wave", k.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.True(policy.Matchers.Matches(labels), $"{name}: wave {k}");
            if (waves > 1)
            {
                var other = Labels(("alertname", "BenchIncident"), ("bench", "incident"), ("id", "7"), ("wave", (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.False(policy.Matchers.Matches(other), $"{name}: wave {k} must not take wave {k + 1}");
            }
        }
    }

    static (IncidentConfig Incidents, OnCallConfig OnCall, AlertmanagerConfig Alertmanager) Load(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("guardia-bench-tests-").FullName, "guardia.yml");
        try
        {
            File.WriteAllText(path, yaml);
            var settings = SettingsFile.LoadSettings(path);
            Assert.NotNull(settings.Root);
            return (IncidentConfigLoader.Parse(path, settings.Root), OnCallConfigLoader.Parse(path, settings.Root), settings.Alertmanager);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    static LabelSet Labels(params (string Name, string Value)[] pairs) =>
        LabelSet.From(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
}
