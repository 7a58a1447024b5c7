using Guardia.Integrations.Notifiers;

namespace Guardia.Integrations.Tests.Notifiers;

public sealed class TemplateTextTests
{
    static TheoryDataRow<string, string, int, string, bool> Row(string name, string input, int max, string expected, bool truncated) =>
        new(name, input, max, expected, truncated) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, int, string, bool>> Cases =>
    [
        Row("short kept",                 "abc", 5, "abc", false),
        Row("exact kept",                 "abcde", 5, "abcde", false),
        Row("long cut with dots",         "abcdef", 5, "ab...", true),
        Row("runes, not bytes",           "ñññññ", 5, "ñññññ", false),
        Row("emoji counts as one rune",   "🚨🚨🚨🚨🚨🚨", 5, "🚨🚨...", true),
        Row("tiny limit has no dots",     "abcdef", 3, "abc", true),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Truncate_CutsInRunes_AsAlertmanager(string name, string input, int max, string expected, bool truncated)
    {
        _ = name;

        var (text, cut) = TemplateText.Truncate(input, max);

        Assert.Equal(expected, text);
        Assert.Equal(truncated, cut);
    }
}
