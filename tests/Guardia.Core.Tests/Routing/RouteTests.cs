using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Routing;

namespace Guardia.Core.Tests.Routing;

public sealed class RouteTests
{
    const string Tree =
        """
        route:
          receiver: default
          group_by: ['alertname', 'cluster']
          group_wait: 10s
          routes:
            - matchers: ['severity="critical"']
              receiver: pager
              continue: true
              routes:
                - matchers: ['team="db"']
                  receiver: db-pager
                  group_by: ['...']
                - matchers: ['team="web"']
                  group_interval: 1m
            - match:
                severity: critical
              receiver: slack
              mute_time_intervals: [nights]
            - match_re:
                env: 'dev|qa'
              receiver: devnull
              group_by: []
              routes:
                - matchers: ['team!=""']
        receivers:
          - name: default
          - name: pager
          - name: db-pager
          - name: slack
          - name: devnull
        time_intervals:
          - name: nights
            time_intervals: [{times: [{start_time: '22:00', end_time: '24:00'}]}]
        """;

    static readonly Route Root = Route.Build(AlertmanagerConfigLoader.Load(Tree, "am.yml").Route);

    static TheoryDataRow<string, string> Row(string name, string labels, string receivers) => new(labels, receivers) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string>> MatchCases =>
    [
        Row("no child matches: root", "alertname=x", "default"),
        Row("continue then next sibling", "severity=critical", "pager,slack"),
        Row("nested child then sibling", "severity=critical,team=db", "db-pager,slack"),
        Row("nested child inherits receiver", "severity=critical,team=web", "pager,slack"),
        Row("regex sibling after non-matching", "env=qa", "devnull"),
        Row("grandchild inherits devnull", "env=dev,team=x", "devnull"),
        Row("regex is anchored", "env=qa2", "default"),
        Row("first non-continue match stops", "severity=critical,env=dev", "pager,slack"),
    ];

    [Theory]
    [MemberData(nameof(MatchCases))]
    public void Match_ReturnsRoutesInTreeOrder(string labels, string receivers)
    {
        var set = LabelSet.From(labels.Split(',').Select(p => p.Split('=')).Select(p => new KeyValuePair<string, string>(p[0], p[1])));
        Assert.Equal(receivers, RouteTreePrinter.ReceiversSlug(Root.Match(set)));
    }

    [Fact]
    public void Match_ReturnsEmpty_WhenRouteDoesNotMatch()
    {
        Assert.Empty(Root.Routes[0].Match(LabelSet.Of(("severity", "warning"))));
    }

    [Fact]
    public void Match_DoesNotAllocate_WhenOneRouteMatches()
    {
        var labels = LabelSet.Of(("env", "qa"), ("severity", "warning"), ("team", "x"));
        var regexLabels = LabelSet.Of(("env", "dev"));
        for (var i = 0; i < 2000; i++)
        {
            _ = Root.Match(labels);
            _ = Root.Match(regexLabels);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _ = Root.Match(labels);
            _ = Root.Match(regexLabels);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024, $"allocated {allocated} bytes for 2000 matches");
        Assert.Equal("devnull", Root.Match(labels).Single().Options.Receiver);
    }

    [Fact]
    public void KeyAndId_AreBuiltLikeAlertmanager()
    {
        var db = Root.Routes[0].Routes[0];
        Assert.Equal("{}", Root.Key());
        Assert.Equal("{}", Root.Id());
        Assert.Equal("{}/{severity=\"critical\"}/{team=\"db\"}", db.Key());
        Assert.Equal("{}/{severity=\"critical\"}/{team=\"db\"}/0", db.Id());
        Assert.Equal("{}/{severity=\"critical\"}/1", Root.Routes[1].Id());
        Assert.Equal("{}/{env=~\"^(?:dev|qa)$\"}", Root.Routes[2].Key());
    }

    [Fact]
    public void Options_AreInheritedAsAlertmanagerInheritsThem()
    {
        var pager = Root.Routes[0];
        var web = pager.Routes[1];
        var db = pager.Routes[0];
        Assert.Equal(["alertname", "cluster"], Root.Options.GroupBy);
        Assert.Equal(TimeSpan.FromSeconds(10), web.Options.GroupWait);
        Assert.Equal(TimeSpan.FromMinutes(1), web.Options.GroupInterval);
        Assert.Equal(TimeSpan.FromHours(4), web.Options.RepeatInterval);
        Assert.Equal("pager", web.Options.Receiver);
        Assert.True(db.Options.GroupByAll);
        Assert.Equal(["nights"], Root.Routes[1].Options.MuteTimeIntervals);
        // group_by: [] inherits the parent's list (Alertmanager's dispatcher groups such a route by it).
        Assert.Equal(["alertname", "cluster"], Root.Routes[2].Options.GroupBy);
        Assert.Empty(Root.Routes[2].Routes[0].Options.MuteTimeIntervals);
    }

    [Fact]
    public void GroupLabels_SelectsGroupByLabels()
    {
        var labels = LabelSet.Of(("alertname", "Down"), ("cluster", "eu"), ("instance", "a:9100"));
        Assert.Equal(LabelSet.Of(("alertname", "Down"), ("cluster", "eu")), Root.GroupLabels(labels));
        Assert.Equal(labels, Root.Routes[0].Routes[0].GroupLabels(labels));
        // group_by: [] inherits the parent's labels, as Alertmanager's dispatcher does.
        Assert.Equal(LabelSet.Of(("alertname", "Down"), ("cluster", "eu")), Root.Routes[2].GroupLabels(labels));
    }

    [Fact]
    public void GroupKey_JoinsRouteKeyAndGoFormattedLabels()
    {
        var labels = LabelSet.Of(("alertname", "x"), ("cluster", "eu \"west\""));
        Assert.Equal("{}:{alertname=\"x\", cluster=\"eu \\\"west\\\"\"}", Root.GroupKey(Root.GroupLabels(labels)));
    }

    [Fact]
    public void FormatGoLabelSet_SortsFormattedPairs()
    {
        Assert.Equal("{a1=\"2\", a=\"1\"}", Route.FormatGoLabelSet(LabelSet.Of(("a", "1"), ("a1", "2"))));
    }

    [Fact]
    public void PrintTree_DrawsLikeAmtool()
    {
        var root = Route.Build(AlertmanagerConfigLoader.Load(
            """
            route:
              receiver: a
              routes:
                - matchers: ['x="1"']
                  continue: true
                  routes: [{matchers: ['y=~"2|3"'], receiver: b}]
                - matchers: ['x="2"']
            receivers: [{name: a}, {name: b}]
            """, "am.yml").Route);
        var expected = "Routing tree:\n.\n└── default-route  receiver: a\n    ├── {x=\"1\"}  continue: true  receiver: a\n    │\u00A0\u00A0 └── {y=~\"2|3\"}  receiver: b\n    └── {x=\"2\"}  receiver: a\n\n";
        Assert.Equal(expected, RouteTreePrinter.PrintTree(root));
        var matching = "Matching routes:\n.\n└── default-route\n    └── {x=\"1\"}  receiver: a\n\n\n";
        Assert.Equal(matching, RouteTreePrinter.PrintMatchingTree(root, LabelSet.Of(("x", "1"))));
    }
}
