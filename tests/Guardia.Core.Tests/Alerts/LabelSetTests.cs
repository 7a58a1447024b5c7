using Guardia.Core.Alerts;

namespace Guardia.Core.Tests.Alerts;

public sealed class LabelSetTests
{
    [Fact]
    public void From_KeepsTheLastValue_WhenANameRepeats()
    {
        var set = LabelSet.From([new("a", "1"), new("b", "2"), new("a", "3")]);
        Assert.Equal(2, set.Count);
        Assert.Equal("3", set.Get("a"));
    }

    [Fact]
    public void Get_ReturnsEmpty_WhenLabelIsAbsent()
    {
        Assert.Equal(string.Empty, LabelSet.Of(("a", "1")).Get("b"));
        Assert.False(LabelSet.Of(("a", "1")).ContainsKey("b"));
    }

    [Fact]
    public void Names_AreSortedInUtf8ByteOrder_WhenSurrogatesMeetHighBmpCharacters()
    {
        // U+FF5E is one UTF-16 unit above any surrogate, but its UTF-8 bytes (EF BD 9E) sort before
        // those of U+1F600 (F0 9F 98 80): Go orders by bytes, so must we.
        var set = LabelSet.Of(("\U0001F600", "x"), ("\uFF5E", "y"), ("a", "z"));
        Assert.Equal(["a", "\uFF5E", "\U0001F600"], set.Keys.ToArray());
    }

    [Fact]
    public void WithoutEmptyValues_DropsOnlyEmptyValues()
    {
        var set = LabelSet.Of(("a", ""), ("b", "1"), ("c", ""));
        Assert.Equal(["b"], set.WithoutEmptyValues().Keys.ToArray());
        var full = LabelSet.Of(("b", "1"));
        Assert.Same(full, full.WithoutEmptyValues());
    }

    [Fact]
    public void ToString_QuotesAndEscapesValues_AsPrometheusPrintsThem()
    {
        Assert.Equal("{a=\"x\\\"y\", b=\"line\\nbreak\"}", LabelSet.Of(("b", "line\nbreak"), ("a", "x\"y")).ToString());
    }

    public static IEnumerable<TheoryDataRow<string, (string, string)[], string>> FingerprintCases =>
    [
        // Values computed by Prometheus's model.LabelSet.Fingerprint and observed through Alertmanager's API.
        new("one label", [("alertname", "x8")], "b2e00242849f13c0"),
        new("another one", [("alertname", "ok1")], "d7252752c04bd3c5"),
        new("order does not matter", [("alertname", "ok2")], "d72f2752c054284a"),
    ];

    [Theory]
    [MemberData(nameof(FingerprintCases))]
    public void Fingerprint_EqualsAlertmanagers(string name, (string, string)[] labels, string expected)
    {
        Assert.True(expected == LabelSet.Of(labels).Fingerprint.ToString(), name);
    }

    [Fact]
    public void Equals_ComparesNamesAndValues()
    {
        Assert.Equal(LabelSet.Of(("a", "1"), ("b", "2")), LabelSet.Of(("b", "2"), ("a", "1")));
        Assert.NotEqual(LabelSet.Of(("a", "1")), LabelSet.Of(("a", "2")));
        Assert.NotEqual(LabelSet.Of(("a", "1")), LabelSet.Of(("a", "1"), ("b", "")));
    }
}

public sealed class LabelSetFromPairsTests
{
    public static IEnumerable<TheoryDataRow<string, string[], string>> Cases =>
    [
        new("already sorted", ["a", "1", "b", "2"], "{a=\"1\", b=\"2\"}"),
        new("reversed", ["c", "3", "b", "2", "a", "1"], "{a=\"1\", b=\"2\", c=\"3\"}"),
        new("duplicate: the later value wins", ["b", "x", "a", "1", "b", "y"], "{a=\"1\", b=\"y\"}"),
        new("three of one name", ["a", "1", "a", "2", "a", "3"], "{a=\"3\"}"),
        new("empty", [], "{}"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromPairs_SortsAndDeduplicates_LikeFrom(string name, string[] pairs, string expected)
    {
        var scratch = new string[64];
        pairs.CopyTo(scratch, 0);
        var set = LabelSet.FromPairs(scratch, pairs.Length / 2);
        Assert.True(expected == set.ToString(), $"{name}: {set}");
        var viaFrom = LabelSet.From(Enumerable.Range(0, pairs.Length / 2).Select(i => KeyValuePair.Create(pairs[i * 2], pairs[(i * 2) + 1])));
        Assert.Equal(viaFrom, set);
        Assert.Equal(viaFrom.Fingerprint, set.Fingerprint);
    }
}
