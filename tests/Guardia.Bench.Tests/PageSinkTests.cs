using System.Text;

namespace Guardia.Bench.Tests;

/// <summary>The page sink on 127.0.0.1: what it keeps of Guardia's webhook pages, and what it counts as wrong.</summary>
public sealed class PageSinkTests
{
    public static TheoryData<string, string, string, int, int> Requests => new()
    {
        // name, path, body, expected malformed, expected pages kept
        { "a page", "/bench-page", """{"kind":"page","incident":"INC-7","level":2,"user":"bench"}""", 0, 1 },
        { "a reminder", "/bench-page", """{"kind":"reminder","incident":"INC-7","level":1}""", 1, 0 },
        { "no incident", "/bench-page", """{"kind":"page","level":1}""", 1, 0 },
        { "a level that is text", "/bench-page", """{"kind":"page","incident":"INC-7","level":"two"}""", 1, 0 },
        { "not JSON", "/bench-page", "<html>", 1, 0 },
        { "a JSON array", "/bench-page", "[1,2]", 1, 0 },
        { "another path", "/elsewhere", """{"kind":"page","incident":"INC-7","level":1}""", 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task KeepsPagesAndCountsTheRest(string name, string path, string body, int malformed, int kept)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sink = await PageSink.StartAsync(ct);
        using var http = new HttpClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(sink.Url, path), content, ct);

        Assert.Equal(1, sink.Pages);
        Assert.True(sink.Malformed == malformed, $"{name}: {sink.FirstMalformed}");
        Assert.Equal(kept, sink.CountAtLevel(1) + sink.CountAtLevel(2));
        Assert.Equal(malformed == 0 || path == "/bench-page" ? 200 : 404, (int)response.StatusCode);
    }

    [Fact]
    public async Task KeepsTheFirstArrivalPerIncidentAndLevel_AndCountsRepeats()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sink = await PageSink.StartAsync(ct);
        using var http = new HttpClient();
        async Task PostAsync(string incident, int level)
        {
            using var content = new StringContent($$"""{"kind":"page","incident":"{{incident}}","level":{{level}}}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(sink.Url, content, ct);
            response.EnsureSuccessStatusCode();
        }

        await PostAsync("INC-1", 1);
        var first = sink.First("INC-1", 1);
        await PostAsync("INC-1", 1);
        await PostAsync("INC-1", 2);
        await PostAsync("INC-2", 1);

        Assert.Equal(4, sink.Pages);
        Assert.Equal(1, sink.Duplicates);
        Assert.Equal(2, sink.CountAtLevel(1));
        Assert.Equal(1, sink.CountAtLevel(2));
        Assert.Same(first, sink.First("INC-1", 1));
        Assert.Null(sink.First("INC-2", 2));
        Assert.Equal(["INC-1"], sink.AtLevel(2).Select(p => p.Incident));
    }
}
