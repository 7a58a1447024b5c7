using System.Text.Json.Nodes;
using Guardia.Core.Audit;

namespace Guardia.Core.Tests.Audit;

public sealed class AuditDetailsTests
{
    [Theory]
    [InlineData("password", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("api-key", true)]
    [InlineData("query.token", true)]
    [InlineData("Authorization", true)]
    [InlineData("client_secret", true)]
    [InlineData("service", false)]
    [InlineData("namespace", false)]
    [InlineData("replicas", false)]
    public void IsSecretKey_RecognisesSecretNames(string key, bool secret)
    {
        Assert.Equal(secret, AuditDetails.IsSecretKey(key));
    }

    [Fact]
    public void Of_RedactsSecretKeysAndKnownValues_WhenBuildingJson()
    {
        var json = AuditDetails.Of(
            [new("namespace", "prod"), new("DB_PASSWORD", "hunter2"), new("command", "psql -c 'select 1' --pass=hunter2"), new("note", null)],
            ["hunter2"]);

        var o = JsonNode.Parse(json)!.AsObject();
        Assert.Equal("prod", o["namespace"]!.GetValue<string>());
        Assert.Equal("<secret>", o["DB_PASSWORD"]!.GetValue<string>());
        Assert.Equal("psql -c 'select 1' --pass=<secret>", o["command"]!.GetValue<string>());
        Assert.Null(o["note"]);
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        Assert.Contains("<secret>", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_KeepsNumbers_WhenGivenJsonObject()
    {
        var json = AuditDetails.Of(new JsonObject { ["status"] = 200, ["token"] = "gdu_x" });

        Assert.Equal("""{"status":200,"token":"<secret>"}""", json);
    }
}
