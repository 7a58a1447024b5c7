using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Guardia.Server.Cli;

/// <summary><c>guardia incident list|show|create|ack|resolve|note</c> and <c>guardia oncall</c>: API v1 of a running
/// server, printed as tables or, with <c>--output json</c>, as the API's JSON.</summary>
public static class IncidentCommand
{
    static readonly (string, string)[] ListColumns =
    [
        ("Id", "id"), ("Severity", "severity"), ("Status", "status"), ("Title", "title"), ("Service", "service"),
        ("Created", "created_at"), ("Acknowledged by", "acknowledged_by"), ("Breached", "response_target_breached"),
    ];

    public static Command Create()
    {
        var cmd = new Command("incident", "List, show, open and act on incidents of a running server (API v1; needs --token or $GUARDIA_TOKEN).");

        var api = new ApiClientOptions();
        var status = new Option<string?>("--status") { Description = "triggered, acknowledged, mitigated, resolved or closed." };
        var severity = new Option<string?>("--severity") { Description = "P1, P2, P3 or P4." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-1000).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Incidents, newest first.") { status, severity, limit };
        api.AddTo(list);
        list.SetAction((parse, ct) => ApiClientOptions.RunAsync("incident list", Console.Error, async () =>
        {
            using var client = api.CreateClient(parse);
            var query = $"?limit={parse.GetValue(limit)}";
            if (parse.GetValue(status) is { Length: > 0 } s)
            {
                query += "&status=" + Uri.EscapeDataString(s);
            }
            if (parse.GetValue(severity) is { Length: > 0 } sev)
            {
                query += "&severity=" + Uri.EscapeDataString(sev);
            }
            ApiClientOptions.Write(await client.GetAsync("/api/v1/incidents" + query, ct), parse.GetValue(api.Output), ListColumns, Console.Out);
            return 0;
        }));
        cmd.Subcommands.Add(list);

        var showApi = new ApiClientOptions();
        var id = new Argument<string>("id") { Description = "The incident id, e.g. INC-42." };
        var show = new Command("show", "One incident with its timeline and pages.") { id };
        showApi.AddTo(show);
        show.SetAction((parse, ct) => ApiClientOptions.RunAsync("incident show", Console.Error, async () =>
        {
            using var client = showApi.CreateClient(parse);
            var incident = await client.GetAsync("/api/v1/incidents/" + Uri.EscapeDataString(parse.GetValue(id)!), ct);
            var format = parse.GetValue(showApi.Output);
            ApiClientOptions.Write(incident, format, ListColumns, Console.Out);
            if (format == OutputFormat.Table)
            {
                ApiClientOptions.Write(incident.GetProperty("timeline"), format, [("At", "at"), ("Actor", "actor"), ("Kind", "kind"), ("What", "text")], Console.Out);
            }
            return 0;
        }));
        cmd.Subcommands.Add(show);

        var createApi = new ApiClientOptions();
        var title = new Option<string>("--title") { Description = "What is wrong, in one line.", Required = true };
        var createSeverity = new Option<string>("--severity") { Description = "P1, P2, P3 or P4.", DefaultValueFactory = _ => "P3" };
        var service = new Option<string?>("--service") { Description = "The affected service." };
        var policy = new Option<string?>("--escalation-policy") { Description = "Page this escalation policy's first level now." };
        var create = new Command("create", "Open an incident by hand.") { title, createSeverity, service, policy };
        createApi.AddTo(create);
        create.SetAction((parse, ct) => ApiClientOptions.RunAsync("incident create", Console.Error, async () =>
        {
            using var client = createApi.CreateClient(parse);
            var body = new JsonObject
            {
                ["title"] = parse.GetValue(title),
                ["severity"] = parse.GetValue(createSeverity),
                ["service"] = parse.GetValue(service),
                ["escalation_policy"] = parse.GetValue(policy),
            };
            ApiClientOptions.Write(await client.SendAsync(HttpMethod.Post, "/api/v1/incidents", body, ct), parse.GetValue(createApi.Output), ListColumns, Console.Out);
            return 0;
        }));
        cmd.Subcommands.Add(create);

        cmd.Subcommands.Add(Action("ack", "acknowledge", "Acknowledge: escalation stops.", null));
        cmd.Subcommands.Add(Action("resolve", "resolve", "Resolve the incident.", null));
        cmd.Subcommands.Add(Action("note", "note", "Add a note to the timeline.", "text"));
        cmd.Subcommands.Add(Action("mitigate", "mitigate", "Mark the incident mitigated.", null));
        cmd.Subcommands.Add(Action("escalate", "escalate", "Page the next escalation level now.", null));
        cmd.Subcommands.Add(Action("update", "status_update", "Post a status update.", "text"));
        return cmd;
    }

    static Command Action(string name, string action, string description, string? textField)
    {
        var api = new ApiClientOptions();
        var id = new Argument<string>("id") { Description = "The incident id, e.g. INC-42." };
        var text = new Argument<string>("text") { Description = "The text." };
        var cmd = new Command(name, description) { id };
        if (textField is not null)
        {
            cmd.Arguments.Add(text);
        }
        api.AddTo(cmd);
        cmd.SetAction((parse, ct) => ApiClientOptions.RunAsync("incident " + name, Console.Error, async () =>
        {
            using var client = api.CreateClient(parse);
            var body = textField is null ? null : new JsonObject { [textField] = parse.GetValue(text) };
            var result = await client.SendAsync(HttpMethod.Post, $"/api/v1/incidents/{Uri.EscapeDataString(parse.GetValue(id)!)}/{action}", body, ct);
            ApiClientOptions.Write(result, parse.GetValue(api.Output), ListColumns, Console.Out);
            return 0;
        }));
        return cmd;
    }

    /// <summary><c>guardia oncall [--schedule S] [--at T]</c>.</summary>
    public static Command OnCall()
    {
        var api = new ApiClientOptions();
        var schedule = new Option<string?>("--schedule") { Description = "One schedule (default: all)." };
        var at = new Option<string?>("--at") { Description = "An RFC 3339 time (default: now), e.g. 2026-11-30T09:00:00-05:00." };
        var cmd = new Command("oncall", "Who is on call, per layer and in the end (API v1 of a running server).") { schedule, at };
        api.AddTo(cmd);
        cmd.SetAction((parse, ct) => ApiClientOptions.RunAsync("oncall", Console.Error, async () =>
        {
            using var client = api.CreateClient(parse);
            var query = new List<string>();
            if (parse.GetValue(schedule) is { Length: > 0 } s)
            {
                query.Add("schedule=" + Uri.EscapeDataString(s));
            }
            if (parse.GetValue(at) is { Length: > 0 } t)
            {
                query.Add("at=" + Uri.EscapeDataString(t));
            }
            var result = await client.GetAsync("/api/v1/oncall" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty), ct);
            var format = parse.GetValue(api.Output);
            if (format == OutputFormat.Json)
            {
                ApiClientOptions.Write(result, format, [], Console.Out);
                return 0;
            }
            // One row per layer, then the final answer.
            var rows = new JsonArray();
            foreach (var entry in result.EnumerateArray())
            {
                foreach (var l in entry.GetProperty("layers").EnumerateArray())
                {
                    rows.Add(new JsonObject
                    {
                        ["schedule"] = entry.GetProperty("schedule").GetString(),
                        ["layer"] = l.GetProperty("layer").GetString(),
                        ["user"] = l.GetProperty("user").ValueKind == JsonValueKind.String ? l.GetProperty("user").GetString() : "-",
                        ["until"] = l.GetProperty("shift_end").GetString(),
                    });
                }
                rows.Add(new JsonObject
                {
                    ["schedule"] = entry.GetProperty("schedule").GetString(),
                    ["layer"] = "= on call",
                    ["user"] = string.Join(", ", entry.GetProperty("final").EnumerateArray().Select(u => u.GetString())),
                    ["until"] = entry.GetProperty("next_handoff").ValueKind == JsonValueKind.String ? entry.GetProperty("next_handoff").GetString() : null,
                });
            }
            ApiClientOptions.Write(JsonSerializer.SerializeToElement(rows), format, [("Schedule", "schedule"), ("Layer", "layer"), ("User", "user"), ("Until", "until")], Console.Out);
            return 0;
        }));
        return cmd;
    }
}
