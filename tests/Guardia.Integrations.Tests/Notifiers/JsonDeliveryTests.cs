using System.Text;
using System.Text.Json.Nodes;
using Guardia.Integrations.Notifiers;

namespace Guardia.Integrations.Tests.Notifiers;

public sealed class JsonDeliveryTests
{
    static TheoryDataRow<string, string, string> Row(string name, string value, string expected) =>
        new(name, value, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, string>> Cases =>
    [
        Row("ascii",                 "plain", "{\"t\":\"plain\"}\n"),
        Row("emoji raw",             "🚨 CRITICAL", "{\"t\":\"🚨 CRITICAL\"}\n"),
        Row("accents raw",           "ñandú", "{\"t\":\"ñandú\"}\n"),
        Row("html escaped as Go",    "<b>a & b</b>", "{\"t\":\"\\u003cb\\u003ea \\u0026 b\\u003c/b\\u003e\"}\n"),
        Row("quote and backslash",   "say \"hi\" \\ uD83D", "{\"t\":\"say \\\"hi\\\" \\\\ uD83D\"}\n"),
        Row("escaped backslash before u", "\\uD83D\\uDEA8", "{\"t\":\"\\\\uD83D\\\\uDEA8\"}\n"),
        Row("newline",               "a\nb", "{\"t\":\"a\\nb\"}\n"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_WritesJson_AsGoEncoder(string name, string value, string expected)
    {
        _ = name;

        var bytes = JsonDelivery.Encode(new JsonObject { ["t"] = value });

        Assert.Equal(expected, Encoding.UTF8.GetString(bytes));
        Assert.Equal(value, JsonNode.Parse(bytes)!["t"]!.GetValue<string>());
    }
}
