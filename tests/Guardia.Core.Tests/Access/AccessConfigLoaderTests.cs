using Guardia.Core.Access;
using Guardia.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Tests.Access;

public sealed class AccessConfigLoaderTests : IDisposable
{
    const string Token = "aaaaaaaaaaaaaaaaaaaaaaaa";
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-access-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Settings => Path.Combine(_dir, "guardia.yml");

    static YamlMappingNode Root(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [Fact]
    public void Parse_ReadsInlineAndFileTokens_WhenValid()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "secrets"));
        File.WriteAllText(Path.Combine(_dir, "secrets", "prom.token"), "bbbbbbbbbbbbbbbbbbbbbbbb\n");
        var yaml = $"""
            alertmanager_config_file: am.yml
            api:
              ingestion_tokens:
                - sender: prometheus-prod
                  token_file: secrets/prom.token
                - sender: grafana
                  token: {Token}
            """;

        var config = AccessConfigLoader.Parse(Settings, Root(yaml));

        Assert.Equal(["prometheus-prod", "grafana"], config.IngestionTokens.Select(t => t.Sender));
        Assert.Equal("bbbbbbbbbbbbbbbbbbbbbbbb", config.IngestionTokens[0].Token.Value);
        Assert.Equal(Token, config.IngestionTokens[1].Token.Value);
        Assert.Equal("<secret>", config.IngestionTokens[1].Token.ToString());
    }

    [Theory]
    [InlineData("absent", "route: {}\n")]
    [InlineData("null", "api:\n")]
    [InlineData("empty list", "api:\n  ingestion_tokens: []\n")]
    public void Parse_ReturnsNoTokens_WhenNothingIsConfigured(string name, string yaml)
    {
        _ = name;

        var config = AccessConfigLoader.Parse(Settings, Root(yaml));

        Assert.Empty(config.IngestionTokens);
    }

    static TheoryDataRow<string, string, int, int, string> Row(string name, string yaml, int line, int column, string message) =>
        new(name, yaml, line, column, message) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, int, int, string>> Bad =>
    [
        Row("api is a list",       "api: [1]\n", 1, 6, "api must be a mapping"),
        Row("misspelt field",      "api:\n  ingestion_token: []\n", 2, 3, "unknown field \"ingestion_token\""),
        Row("tokens not a list",   "api:\n  ingestion_tokens: x\n", 2, 21, "must be a list"),
        Row("missing sender",      $"api:\n  ingestion_tokens:\n    - token: {Token}\n", 3, 7, "needs a \"sender\""),
        Row("unknown entry field", $"api:\n  ingestion_tokens:\n    - sender: p\n      tokn: {Token}\n", 4, 7, "unknown field \"tokn\""),
        Row("neither token",       "api:\n  ingestion_tokens:\n    - sender: p\n", 3, 7, "exactly one of \"token\" or \"token_file\""),
        Row("both tokens",         $"api:\n  ingestion_tokens:\n    - sender: p\n      token: {Token}\n      token_file: x\n", 3, 7, "exactly one"),
        Row("short token",         "api:\n  ingestion_tokens:\n    - sender: p\n      token: abc\n", 4, 14, "is 3 characters; use at least 16"),
        Row("token with space",    "api:\n  ingestion_tokens:\n    - sender: p\n      token: 'aaaaaaaa bbbbbbbbbb'\n", 4, 14, "contains whitespace"),
        Row("duplicate sender",    $"api:\n  ingestion_tokens:\n    - sender: p\n      token: {Token}\n    - sender: p\n      token: {Token}x\n", 5, 15, "sender \"p\" has two ingestion tokens"),
        Row("shared token",        $"api:\n  ingestion_tokens:\n    - sender: p\n      token: {Token}\n    - sender: q\n      token: {Token}\n", 6, 14, "share one token"),
        Row("missing token file",  "api:\n  ingestion_tokens:\n    - sender: p\n      token_file: nope.token\n", 4, 19, "cannot read token_file \"nope.token\""),
        Row("duplicate api key",   "api: {}\napi: {}\n", 0, 0, "already set"),
        Row("duplicate field",     "api:\n  ingestion_tokens: []\n  ingestion_tokens: []\n", 0, 0, "already set"),
    ];

    [Theory]
    [MemberData(nameof(Bad))]
    public void Parse_ThrowsWithPosition_WhenInvalid(string name, string yaml, int line, int column, string message)
    {
        _ = name;
        YamlMappingNode root;
        try
        {
            root = Root(yaml);
        }
        catch (YamlDotNet.Core.YamlException)
        {
            // YamlDotNet itself refuses duplicate keys in one mapping: that is an error too, before ours.
            Assert.Equal(0, line);
            return;
        }

        var ex = Assert.Throws<ConfigException>(() => AccessConfigLoader.Parse(Settings, root));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(Settings, ex.File);
        if (line > 0)
        {
            Assert.Equal((line, column), (ex.Line, ex.Column));
        }
    }
}
