using System.Diagnostics;
using Guardia.Core.Alerts;
using Guardia.Core.Matching;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Core.Tests.Matching;

public sealed class MatcherTests
{
    static TheoryDataRow<string, string, bool> Row(string name, string matcher, string value, bool expected) => new(matcher, value, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, bool>> Cases =>
    [
        Row("equality", "env=\"prod\"", "prod", true),
        Row("equality is case sensitive", "env=\"prod\"", "Prod", false),
        Row("inequality", "env!=\"prod\"", "dev", true),
        Row("regex is anchored", "env=~\"pro\"", "prod", false),
        Row("regex alternation", "env=~\"prod|staging\"", "staging", true),
        Row("negated regex", "env!~\"dev|qa\"", "prod", true),
        Row("negated regex on match", "env!~\"dev|qa\"", "qa", false),
        Row("dollar is end of text", "x=~\"a$\"", "a\n", false),
        Row("anchor is end of text", "x=~\"a\"", "a\n", false),
        Row("dot does not match newline", "x=~\".*\"", "a\nb", false),
        Row("s flag lets dot match newline", "x=~\"(?s).*\"", "a\nb", true),
        Row("digit class is ascii", "x=~\"\\\\d\"", "\u0663", false),
        Row("digit class", "x=~\"\\\\d+\"", "503", true),
        Row("word class is ascii", "x=~\"\\\\w+\"", "señal", false),
        Row("posix class", "x=~\"[[:alpha:]]+\"", "abcXYZ", true),
        Row("posix class rejects digits", "x=~\"[[:alpha:]]+\"", "abc1", false),
        Row("unicode class shorthand", "x=~\"\\\\pL+\"", "señal", true),
        Row("case-insensitive flag", "x=~\"(?i)PROD\"", "prod", true),
        Row("named group in go syntax", "x=~\"(?P<env>prod)-.*\"", "prod-1", true),
        Row("quoted literal", "x=~\"\\\\Q1.2\\\\E\"", "1.2", true),
        Row("quoted literal is literal", "x=~\"\\\\Q1.2\\\\E\"", "1x2", false),
        Row("hex code point", "x=~\"\\\\x{1F600}\"", "\U0001F600", true),
        Row("literal brace", "x=~\"a{\"", "a{", true),
        Row("bounded repeat", "x=~\"a{2,3}\"", "aaa", true),
        Row("empty regex matches empty", "x=~\"\"", "", true),
        Row("empty equality matches empty", "x=\"\"", "", true),
        Row("dot is one code point", "x=~\".\"", "\U0001F600", true),
        Row("two dots need two code points", "x=~\"..\"", "\U0001F600", false),
        Row("negated class is one code point", "x=~\"[^a]\"", "\U0001F600", true),
        Row("negated posix class", "x=~\"[[:^alpha:]]+\"", "1\U0001F600", true),
        Row("double negation", "x=~\"[^[:^alpha:]]+\"", "ab\U0001F600", false),
        Row("quantifier applies to a whole emoji", "x=~\"\U0001F600+\"", "\U0001F600\U0001F600", true),
        Row("scoped s flag ends with its group", "x=~\"(?s:a.)b.\"", "a\nb\n", false),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_ReturnsAlertmanagerResult(string matcher, string value, bool expected)
    {
        var m = MatcherParser.ParseMatcher(matcher);
        Assert.Equal(expected, m.Matches(value));
    }

    [Fact]
    public void Matches_TreatsAbsentLabelAsEmpty_WhenMatcherExpectsEmptyValue()
    {
        var matchers = Matchers.Of(MatcherParser.Parse("foo=\"\""));
        Assert.True(matchers.Matches(LabelSet.Of(("bar", "1"))));
        Assert.False(matchers.Matches(LabelSet.Of(("foo", "1"))));
    }

    [Fact]
    public void Matches_RequiresEveryMatcher()
    {
        var matchers = Matchers.Of(MatcherParser.Parse("{severity=\"critical\", env=~\"prod|staging\"}"));
        Assert.True(matchers.Matches(LabelSet.Of(("severity", "critical"), ("env", "prod"))));
        Assert.False(matchers.Matches(LabelSet.Of(("severity", "critical"), ("env", "dev"))));
        Assert.True(Matchers.Empty.Matches(LabelSet.Empty));
    }

    [Fact]
    public void Matches_RunsInLinearTime_WhenPatternIsCatastrophicForBacktracking()
    {
        var m = new Matcher(MatchType.Regexp, "x", "(a+)+$");
        var hostile = new string('a', 50_000) + "!";
        var watch = Stopwatch.StartNew();
        Assert.False(m.Matches(hostile));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(MatchType.Equal, "severity", "critical", "severity=\"critical\"")]
    [InlineData(MatchType.Regexp, "env", "prod|staging", "env=~\"prod|staging\"")]
    [InlineData(MatchType.NotEqual, "msg", "say \"hi\"\n\\", "msg!=\"say \\\"hi\\\"\\n\\\\\"")]
    [InlineData(MatchType.NotRegexp, "a", "", "a!~\"\"")]
    public void ToString_PrintsLikeAlertmanager(MatchType type, string name, string value, string expected)
    {
        Assert.Equal(expected, new Matcher(type, name, value).ToString());
    }

    [Fact]
    public void Sorted_OrdersByNameThenValueThenType()
    {
        var sorted = Matchers.Sorted(
        [
            new Matcher(MatchType.NotEqual, "b", "1"),
            new Matcher(MatchType.Equal, "b", "1"),
            new Matcher(MatchType.Equal, "a", "2"),
            new Matcher(MatchType.Equal, "a", "1"),
        ]);
        Assert.Equal("{a=\"1\",a=\"2\",b=\"1\",b!=\"1\"}", sorted.ToString());
    }

    [Theory]
    [InlineData("(?U)a+")]
    [InlineData("(?<=a)b")]
    [InlineData("a(?!b)")]
    [InlineData("(?>a)")]
    [InlineData("\\p{Greek}")]
    public void Constructor_ThrowsClearError_WhenRegexCannotRunInLinearTimeOrIsNotRe2(string pattern)
    {
        var ex = Assert.Throws<MatcherException>(() => new Matcher(MatchType.Regexp, "x", pattern));
        Assert.StartsWith("error parsing regexp:", ex.Message, StringComparison.Ordinal);
    }
}
