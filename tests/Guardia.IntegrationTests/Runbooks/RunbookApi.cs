using System.Net.Http.Json;
using System.Text.Json;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Runbooks;

/// <summary>API v1 calls the runbook server tests share: a request with a token, a GET that must succeed, and polling
/// the real server (which works on its own clock) until a condition holds.</summary>
static class RunbookApi
{
    public static async Task<(int Status, JsonElement Body)> SendAsync(AlertApiServer server, HttpMethod method, string path, string token, object? body = null)
    {
        using var request = TestTokens.Request(method, path, token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await server.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<JsonElement> GetAsync(AlertApiServer server, string path, string token)
    {
        var (status, body) = await SendAsync(server, HttpMethod.Get, path, token);
        Assert.True(status == 200, $"GET {path}: {status} {body}");
        return body;
    }

    /// <summary>Reads until <paramref name="found"/> holds, for at most <paramref name="seconds"/>.</summary>
    public static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> found, string what, int seconds = 60)
    {
        var deadline = Environment.TickCount64 + (seconds * 1000L);
        JsonElement last;
        do
        {
            last = await read();
            if (found(last))
            {
                return last;
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        while (Environment.TickCount64 < deadline);
        Assert.Fail($"timed out waiting for {what}; last: {last}");
        return last;
    }
}
