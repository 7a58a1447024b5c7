using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia notifications</c> verb: lists and replays dead letters through a running server's API.</summary>
public static class NotificationsCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The Guardia server.", DefaultValueFactory = _ => "http://127.0.0.1:9093", Recursive = true };
        var token = new Option<string?>("--token") { Description = $"API token, responder to replay (default: ${ApiClient.TokenVariable}).", Recursive = true };
        var cmd = new Command("notifications", "Inspect and replay notifications that failed after every retry (dead letters).") { url, token };

        var list = new Command("list", "List the dead letters.");
        list.SetAction((parse, ct) => ListAsync(parse.GetValue(url)!, Console.Out, Console.Error, ct, parse.GetValue(token)));
        cmd.Subcommands.Add(list);

        var id = new Option<string?>("--id") { Description = "Replay this dead letter." };
        var all = new Option<bool>("--all") { Description = "Replay every dead letter, oldest first." };
        var replay = new Command("replay", "Send dead letters again; delivered ones are removed, failed ones stay.") { id, all };
        replay.SetAction((parse, ct) => ReplayAsync(parse.GetValue(url)!, parse.GetValue(id), parse.GetValue(all), Console.Out, Console.Error, ct, parse.GetValue(token)));
        cmd.Subcommands.Add(replay);
        return cmd;
    }

    /// <summary>Prints one line per dead letter; returns the exit code.</summary>
    public static async Task<int> ListAsync(string url, TextWriter stdout, TextWriter stderr, CancellationToken ct, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        using var http = Client(url, token);
        var letters = await GetLettersAsync(http, stderr, ct);
        if (letters is null)
        {
            return 1;
        }
        foreach (var l in letters.Value.EnumerateArray())
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{l.GetProperty("id").GetString()}  {l.GetProperty("receiver").GetString()}/{l.GetProperty("integration").GetString()}  attempts={l.GetProperty("attempts").GetInt32()}  last={l.GetProperty("lastFailure").GetString()}  {l.GetProperty("error").GetString()}"));
        }
        return 0;
    }

    /// <summary>Replays one (<paramref name="id"/>) or all dead letters; returns 0 when every replay was delivered.</summary>
    public static async Task<int> ReplayAsync(string url, string? id, bool all, TextWriter stdout, TextWriter stderr, CancellationToken ct, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if ((id is null) == !all)
        {
            await stderr.WriteLineAsync("guardia notifications replay: give either --id ID or --all");
            return 2;
        }
        using var http = Client(url, token);
        var ids = new List<string>();
        if (id is not null)
        {
            ids.Add(id);
        }
        else
        {
            var letters = await GetLettersAsync(http, stderr, ct);
            if (letters is null)
            {
                return 1;
            }
            ids.AddRange(letters.Value.EnumerateArray().Select(l => l.GetProperty("id").GetString()!));
        }
        var failed = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            using var response = await http.PostAsync($"/api/v1/dead-letters/{Uri.EscapeDataString(ids[i])}/replay", null, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            string? error = null;
            try
            {
                using var doc = JsonDocument.Parse(body);
                error = doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
            }
            catch (JsonException)
            {
                error = body;
            }
            if (response.IsSuccessStatusCode)
            {
                await stdout.WriteLineAsync($"[{i + 1}/{ids.Count}] {ids[i]}: delivered");
            }
            else
            {
                failed++;
                await stdout.WriteLineAsync($"[{i + 1}/{ids.Count}] {ids[i]}: failed ({(int)response.StatusCode}): {error}");
            }
        }
        await stdout.WriteLineAsync($"{ids.Count - failed} delivered, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    static HttpClient Client(string url, string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        // API v1 needs a token (viewer to list, responder to replay): --token, else $GUARDIA_TOKEN.
        token ??= Environment.GetEnvironmentVariable(ApiClient.TokenVariable);
        if (!string.IsNullOrWhiteSpace(token))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Trim());
        }
        return http;
    }

    static async Task<JsonElement?> GetLettersAsync(HttpClient http, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/api/v1/dead-letters", ct);
            if (!response.IsSuccessStatusCode)
            {
                await stderr.WriteLineAsync($"guardia notifications: {http.BaseAddress} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                return null;
            }
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return doc.RootElement.Clone();
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"guardia notifications: cannot reach {http.BaseAddress}: {ex.Message} (is guardia serve running? set --url)");
            return null;
        }
    }
}
