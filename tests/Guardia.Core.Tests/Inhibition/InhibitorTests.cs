using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Inhibition;
using Guardia.Core.Matching;

namespace Guardia.Core.Tests.Inhibition;

public sealed class InhibitorTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    static Alert A(string labels, int endMin = 60) => new()
    {
        Labels = LabelSet.From(MatcherParser.Parse(labels).Select(m => new KeyValuePair<string, string>(m.Name, m.Value))),
        StartsAt = T0,
        EndsAt = T0.AddMinutes(endMin),
        UpdatedAt = T0,
    };

    static InhibitRuleConfig Rule(string source, string target, params string[] equal) => new()
    {
        SourceMatchers = Matchers.Of(MatcherParser.Parse(source)),
        TargetMatchers = Matchers.Of(MatcherParser.Parse(target)),
        Equal = equal,
    };

    static Inhibitor With(InhibitRuleConfig rule, params Alert[] alerts)
    {
        var inhibitor = new Inhibitor();
        inhibitor.Configure([rule], () => alerts);
        return inhibitor;
    }

    static TheoryDataRow<string, string, bool> Case(string name, string source, string target, bool inhibited) =>
        new(source, target, inhibited) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, bool>> EqualCases =>
    [
        Case("equal labels match", "severity=critical,cluster=a", "severity=warning,cluster=a", true),
        Case("equal labels differ", "severity=critical,cluster=a", "severity=warning,cluster=b", false),
        Case("label missing on target only", "severity=critical,cluster=a", "severity=warning", false),
        Case("label missing on source only", "severity=critical", "severity=warning,cluster=a", false),
        Case("label missing on both counts as equal", "severity=critical", "severity=warning", true),
        Case("target does not match", "severity=critical,cluster=a", "severity=info,cluster=a", false),
    ];

    [Theory]
    [MemberData(nameof(EqualCases))]
    public void InhibitedBy_ComparesEqualLabels_AsAlertmanager(string source, string target, bool inhibited)
    {
        var src = A(source);
        var inhibitor = With(Rule("severity=critical", "severity=warning", "cluster"), src);

        var by = inhibitor.InhibitedBy(A(target).Labels, T0.AddMinutes(1));

        Assert.Equal(inhibited ? src.Fingerprint : null, by);
        Assert.Equal(inhibited, inhibitor.Mutes(A(target).Labels, T0.AddMinutes(1)));
    }

    [Fact]
    public void Mutes_IsFalse_WhenSourceIsResolved()
    {
        var inhibitor = With(Rule("severity=critical", "severity=warning"), A("severity=critical", endMin: 10));
        Assert.True(inhibitor.Mutes(A("severity=warning").Labels, T0.AddMinutes(5)));
        Assert.False(inhibitor.Mutes(A("severity=warning").Labels, T0.AddMinutes(10)));
    }

    [Fact]
    public void Mutes_IsFalse_WhenOnlyAlertMatchesBothSides()
    {
        // An alert matching source and target does not inhibit itself.
        var both = A("alertname=X,severity=critical,cluster=a");
        var inhibitor = With(Rule("alertname=X", "cluster=a", "cluster"), both);
        Assert.False(inhibitor.Mutes(both.Labels, T0.AddMinutes(1)));
    }

    [Fact]
    public void Mutes_IsTrue_WhenTwoSidedAlertHasAOneSidedSource()
    {
        // The target matches both sides, so only sources that do not match the target side count.
        var oneSided = A("alertname=X,cluster=b");
        var inhibitor = With(Rule("alertname=X", "cluster=~a|b,severity=warning"), oneSided, A("alertname=X,cluster=a,severity=warning"));
        Assert.Equal(oneSided.Fingerprint, inhibitor.InhibitedBy(A("alertname=X,cluster=a,severity=warning").Labels, T0.AddMinutes(1)));
    }

    [Fact]
    public void Mutes_IsTrue_WhenTargetOnlyMatchesTargetSide_EvenIfSourceMatchesBoth()
    {
        var source = A("alertname=X,severity=warning");
        var inhibitor = With(Rule("alertname=X", "severity=warning"), source);
        Assert.True(inhibitor.Mutes(A("alertname=Y,severity=warning").Labels, T0.AddMinutes(1)));
    }

    [Fact]
    public void Observe_StartsAndStopsInhibition_AsSourceVersionsArrive()
    {
        var inhibitor = With(Rule("severity=critical", "severity=warning", "cluster"));
        var target = A("severity=warning,cluster=a").Labels;
        Assert.False(inhibitor.Mutes(target, T0.AddMinutes(1)));

        inhibitor.Observe([A("severity=critical,cluster=a")]);
        Assert.True(inhibitor.Mutes(target, T0.AddMinutes(1)));

        inhibitor.Observe([A("severity=critical,cluster=a", endMin: 1) with { UpdatedAt = T0.AddMinutes(1) }]);
        Assert.False(inhibitor.Mutes(target, T0.AddMinutes(2)));
    }

    [Fact]
    public void Configure_ReplacesRules_AndRereadsAlerts()
    {
        var alerts = new[] { A("severity=critical") };
        var inhibitor = With(Rule("severity=critical", "severity=warning"), alerts);
        Assert.True(inhibitor.Mutes(A("severity=warning").Labels, T0));

        inhibitor.Configure([Rule("severity=critical", "severity=info")], () => alerts);

        Assert.False(inhibitor.Mutes(A("severity=warning").Labels, T0));
        Assert.True(inhibitor.Mutes(A("severity=info").Labels, T0));
    }

    [Fact]
    public void Configure_SupportsLegacySourceMatchRe()
    {
        var rule = new InhibitRuleConfig
        {
            SourceMatchRe = new Dictionary<string, string> { ["severity"] = "crit.*" },
            TargetMatch = new Dictionary<string, string> { ["severity"] = "warning" },
        };
        var inhibitor = With(rule, A("severity=critical"));
        Assert.True(inhibitor.Mutes(A("severity=warning").Labels, T0));
    }

    [Fact]
    public void CollectResolved_ForgetsResolvedSources()
    {
        var inhibitor = With(Rule("severity=critical", "severity=warning"), A("severity=critical", endMin: 5));
        inhibitor.CollectResolved(T0.AddMinutes(6));
        Assert.False(inhibitor.Mutes(A("severity=warning").Labels, T0));
    }
}
