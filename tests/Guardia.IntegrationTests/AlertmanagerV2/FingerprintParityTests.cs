using System.Text.Json;
using System.Text.Json.Nodes;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.AlertmanagerV2;

/// <summary>Posts the same label sets to Guardia and to the real Alertmanager and compares fingerprints.</summary>
public sealed class FingerprintParityTests
{
    static readonly string[] Alphabet =
    [
        "a", "z", "0", "9", "_", "-", " ", ".", "/", ":", "=", "\"", "\\", "\n", "\t", "{", "}", ",",
        "ñ", "é", "Ü", "ß", "Информация", "日本", "한", "😀", "🚨", "⚠️", "\u00a0", "\u200b", "\uffff",
    ];

    /// <summary>Deterministic label sets: unicode values, empty values, 1 to 40 labels.</summary>
    static List<Dictionary<string, string>> LabelSets(int count)
    {
        var random = new Random(20261123);
        var sets = new List<Dictionary<string, string>>(count);
        for (var i = 0; i < count; i++)
        {
            var labels = new Dictionary<string, string> { ["alertname"] = $"Parity{i}" };
            var n = i % 10 == 0 ? 40 : random.Next(0, 8);
            for (var j = 0; j < n; j++)
            {
                var name = (random.Next(3) == 0 ? "_" : "l") + random.Next(1000) + (random.Next(2) == 0 ? "" : "_x" + j);
                var value = random.Next(8) == 0 ? "" : string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)]));
                labels[name] = value;
            }
            sets.Add(labels);
        }
        return sets;
    }

    [Fact]
    public async Task Fingerprints_EqualAlertmanagers_ForTheSameLabelSets()
    {
        var sets = LabelSets(1200);
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        await using var alertmanager = await AlertApiServer.StartAlertmanagerAsync();
        var endsAt = DateTime.UtcNow.AddHours(1).ToString("O");
        foreach (var chunk in sets.Chunk(100))
        {
            var body = new JsonArray([.. chunk.Select(s => (JsonNode)new JsonObject
            {
                ["labels"] = new JsonObject([.. s.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))]),
                ["endsAt"] = endsAt,
            })]).ToJsonString();
            using var g = await guardia.PostAlertsAsync(body);
            using var a = await alertmanager.PostAlertsAsync(body);
            Assert.Equal(200, (int)a.StatusCode);
            Assert.Equal(200, (int)g.StatusCode);
        }

        var fromGuardia = Index(await guardia.GetAlertsAsync());
        var fromAlertmanager = Index(await alertmanager.GetAlertsAsync());
        Assert.Equal(sets.Count, fromAlertmanager.Count);
        Assert.Equal(fromAlertmanager.Count, fromGuardia.Count);
        foreach (var (alertname, fingerprint) in fromAlertmanager)
        {
            Assert.True(fromGuardia.TryGetValue(alertname, out var ours), $"{alertname} missing in Guardia");
            Assert.Equal(fingerprint, ours);
        }
    }

    static Dictionary<string, string> Index(JsonElement alerts)
    {
        var result = new Dictionary<string, string>();
        foreach (var a in alerts.EnumerateArray())
        {
            result[a.GetProperty("labels").GetProperty("alertname").GetString()!] = a.GetProperty("fingerprint").GetString()!;
        }
        return result;
    }
}
