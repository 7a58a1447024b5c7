using System.Buffers;
using System.Text.Json;
using Guardia.Core.Matching;
using Guardia.Core.Silences;
using Guardia.Server.Hosting;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Server.Api.AlertmanagerV2;

/// <summary>The silence endpoints of Alertmanager's API v2, with its status codes and error bodies.</summary>
static class SilenceEndpoints
{
    public static IEndpointRouteBuilder MapSilenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/silences", GetSilencesAsync);
        app.MapPost("/api/v2/silences", PostSilenceAsync);
        app.MapGet("/api/v2/silence/{silenceID}", GetSilenceAsync);
        app.MapDelete("/api/v2/silence/{silenceID}", DeleteSilenceAsync);
        return app;
    }

    static async Task GetSilencesAsync(HttpContext ctx, Silences silences, TimeProvider time)
    {
        var filter = new List<Matcher>();
        foreach (var f in ctx.Request.Query["filter"])
        {
            if (string.IsNullOrEmpty(f))
            {
                continue;
            }
            try
            {
                // Alertmanager parses each filter value as one matcher.
                filter.Add(MatcherParser.ParseMatcher(f));
            }
            catch (MatcherException ex)
            {
                await WriteStringAsync(ctx, 400, ex.Message);
                return;
            }
        }
        var now = time.GetUtcNow();
        var list = new List<(Silence Silence, SilenceState State)>();
        foreach (var s in silences.All())
        {
            if (Silences.HasMatchers(s, filter))
            {
                list.Add((s, s.StateAt(now)));
            }
        }
        list.Sort(CompareForListing);
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter, AlertEndpoints.WriterOptions);
        w.WriteStartArray();
        foreach (var (s, state) in list)
        {
            WriteGettable(w, s, state);
        }
        w.WriteEndArray();
        await w.FlushAsync(ctx.RequestAborted);
        await ctx.Response.WriteAsync("\n", ctx.RequestAborted);
    }

    /// <summary>Alertmanager's listing order: active (soonest end first), then pending (soonest start first), then expired (latest end first).</summary>
    static int CompareForListing((Silence Silence, SilenceState State) a, (Silence Silence, SilenceState State) b)
    {
        if (a.State != b.State)
        {
            return a.State.CompareTo(b.State);
        }
        var c = a.State switch
        {
            SilenceState.Active => a.Silence.EndsAt.CompareTo(b.Silence.EndsAt),
            SilenceState.Pending => a.Silence.StartsAt.CompareTo(b.Silence.StartsAt),
            _ => b.Silence.EndsAt.CompareTo(a.Silence.EndsAt),
        };
        return c != 0 ? c : string.CompareOrdinal(a.Silence.Id, b.Silence.Id);
    }

    static async Task GetSilenceAsync(HttpContext ctx, string silenceID, Silences silences, TimeProvider time)
    {
        if (!await CheckIdAsync(ctx, silenceID))
        {
            return;
        }
        if (silences.Get(silenceID) is not { } s)
        {
            ctx.Response.StatusCode = 404;
            return;
        }
        ctx.Response.ContentType = "application/json";
        await using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter, AlertEndpoints.WriterOptions))
        {
            WriteGettable(w, s, s.StateAt(time.GetUtcNow()));
            await w.FlushAsync(ctx.RequestAborted);
        }
        await ctx.Response.WriteAsync("\n", ctx.RequestAborted);
    }

    static async Task DeleteSilenceAsync(HttpContext ctx, string silenceID, Silences silences)
    {
        if (!await CheckIdAsync(ctx, silenceID))
        {
            return;
        }
        try
        {
            // Expiring an already expired silence changes nothing and succeeds, as in Alertmanager 0.25.
            await silences.ExpireAsync(silenceID, ctx.RequestAborted);
            ctx.Response.StatusCode = 200;
        }
        catch (SilenceException ex) when (ex.Error == SilenceError.NotFound)
        {
            // Alertmanager 0.25 answers an unknown id on DELETE with 500 and this text (not 404); amtool relies only on the failure.
            await WriteStringAsync(ctx, 500, ex.Message);
        }
    }

    static async Task PostSilenceAsync(HttpContext ctx, Silences silences, TimeProvider time, ServeOptions options)
    {
        var (body, length, tooLarge) = await RequestBody.ReadAsync(ctx.Request, options.MaxRequestBodyBytes, ctx.RequestAborted);
        if (tooLarge)
        {
            await AlertEndpoints.WriteErrorAsync(ctx, 413, 413, $"request body exceeds the limit of {options.MaxRequestBodyBytes} bytes (--web.max-request-body-bytes)");
            return;
        }
        SilenceDraft draft;
        try
        {
            var (parsed, error) = PostableSilenceReader.Read(body.AsSpan(0, length));
            if (error is not null)
            {
                await AlertEndpoints.WriteErrorAsync(ctx, error.Status, error.Code, error.Message);
                return;
            }
            draft = parsed!;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
        if (draft.StartsAt >= draft.EndsAt)
        {
            await WriteStringAsync(ctx, 400, "Failed to create silence: start time must be before end time");
            return;
        }
        if (draft.EndsAt < time.GetUtcNow())
        {
            await WriteStringAsync(ctx, 400, "Failed to create silence: end time can't be in the past");
            return;
        }
        try
        {
            var id = await silences.SetAsync(draft, ctx.RequestAborted);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter, AlertEndpoints.WriterOptions))
            {
                w.WriteStartObject();
                w.WriteString("silenceID"u8, id);
                w.WriteEndObject();
                await w.FlushAsync(ctx.RequestAborted);
            }
            await ctx.Response.WriteAsync("\n", ctx.RequestAborted);
        }
        catch (SilenceException ex)
        {
            await WriteStringAsync(ctx, ex.Error == SilenceError.NotFound ? 404 : 400, ex.Message);
        }
    }

    static async Task<bool> CheckIdAsync(HttpContext ctx, string id)
    {
        if (Guid.TryParseExact(id, "D", out _) || Guid.TryParseExact(id, "N", out _))
        {
            return true;
        }
        await AlertEndpoints.WriteErrorAsync(ctx, 422, 601, $"silenceID in path must be of type uuid: {JsonSerializer.Serialize(id, ApiJsonContext.Relaxed.String)}");
        return false;
    }

    /// <summary>Writes a bare JSON string body, the shape of Alertmanager's silence errors.</summary>
    static async Task WriteStringAsync(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(message, ApiJsonContext.Relaxed.String) + "\n", ctx.RequestAborted);
    }

    /// <summary>Writes a silence in the shape of Alertmanager's <c>gettableSilence</c>, field order included.</summary>
    internal static void WriteGettable(Utf8JsonWriter w, Silence s, SilenceState state)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, s.Id);
        w.WriteStartObject("status"u8);
        w.WriteString("state"u8, state.ToApiString());
        w.WriteEndObject();
        w.WriteString("updatedAt"u8, AlertJson.FormatTime(s.UpdatedAt));
        w.WriteString("comment"u8, s.Comment);
        w.WriteString("createdBy"u8, s.CreatedBy);
        w.WriteString("endsAt"u8, AlertJson.FormatTime(s.EndsAt));
        w.WriteStartArray("matchers"u8);
        foreach (var m in s.Matchers)
        {
            w.WriteStartObject();
            w.WriteBoolean("isEqual"u8, m.Type is MatchType.Equal or MatchType.Regexp);
            w.WriteBoolean("isRegex"u8, m.IsRegex);
            w.WriteString("name"u8, m.Name);
            w.WriteString("value"u8, m.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("startsAt"u8, AlertJson.FormatTime(s.StartsAt));
        w.WriteEndObject();
    }
}

/// <summary>Reads a <c>postableSilence</c> body with go-swagger's checks and messages: 400 for JSON that does not
/// fit the types, 422 for a missing required field or an empty matcher list.</summary>
static class PostableSilenceReader
{
    public sealed record Error(int Status, int Code, string Message);

    const string Prefix = "parsing silence body from \"\" failed, because ";

    public static (SilenceDraft? Draft, Error? Error) Read(ReadOnlySpan<byte> body)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (null, new Error(422, 602, "silence in body is required"));
        }
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return (null, new Error(400, 400, Prefix + "the body is not valid JSON: " + ex.Message));
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new Error(400, 400, Prefix + $"json: cannot unmarshal {GoKind(root)} into a silence object"));
            }
            // Types first (Go's decoder), then required fields in go-swagger's order: comment, createdBy, endsAt, matchers, startsAt.
            if ((TypeError(root, "id", JsonValueKind.String, "string") ?? TypeError(root, "comment", JsonValueKind.String, "string")
                ?? TypeError(root, "createdBy", JsonValueKind.String, "string") ?? TypeError(root, "endsAt", JsonValueKind.String, "strfmt.DateTime")
                ?? TypeError(root, "startsAt", JsonValueKind.String, "strfmt.DateTime") ?? TypeError(root, "matchers", JsonValueKind.Array, "models.Matchers")) is { } typeError)
            {
                return (null, typeError);
            }
            DateTimeOffset? startsAt = null, endsAt = null;
            foreach (var (name, slot) in new[] { ("startsAt", 0), ("endsAt", 1) })
            {
                if (Get(root, name) is { } t)
                {
                    if (!TryParseTime(t.GetString()!, out var parsed))
                    {
                        return (null, new Error(400, 400, Prefix + $"parsing time {JsonSerializer.Serialize(t.GetString(), ApiJsonContext.Relaxed.String)} for {name}: expected RFC 3339, e.g. 2006-01-02T15:04:05Z or 2006-01-02T15:04:05.000+02:00"));
                    }
                    if (slot == 0)
                    {
                        startsAt = parsed;
                    }
                    else
                    {
                        endsAt = parsed;
                    }
                }
            }
            var matchers = new List<SilenceMatcher>();
            if (Get(root, "matchers") is { } array)
            {
                foreach (var m in array.EnumerateArray())
                {
                    if (m.ValueKind != JsonValueKind.Object)
                    {
                        return (null, new Error(400, 400, Prefix + $"json: cannot unmarshal {GoKind(m)} into Go struct field Silence.matchers of type models.Matcher"));
                    }
                    if ((TypeError(m, "name", JsonValueKind.String, "string", "matchers.") ?? TypeError(m, "value", JsonValueKind.String, "string", "matchers.")
                        ?? BoolError(m, "isRegex") ?? BoolError(m, "isEqual")) is { } matcherError)
                    {
                        return (null, matcherError);
                    }
                }
            }
            if (Get(root, "comment") is null)
            {
                return (null, Required("comment"));
            }
            if (Get(root, "createdBy") is null)
            {
                return (null, Required("createdBy"));
            }
            if (endsAt is null)
            {
                return (null, Required("endsAt"));
            }
            if (Get(root, "matchers") is not { } list)
            {
                return (null, Required("matchers"));
            }
            if (list.GetArrayLength() == 0)
            {
                return (null, new Error(422, 612, "matchers in body should have at least 1 items"));
            }
            var index = 0;
            foreach (var m in list.EnumerateArray())
            {
                if (Get(m, "isRegex") is not { } isRegex)
                {
                    return (null, Required($"matchers.{index}.isRegex"));
                }
                if (Get(m, "name") is not { } name)
                {
                    return (null, Required($"matchers.{index}.name"));
                }
                if (Get(m, "value") is not { } value)
                {
                    return (null, Required($"matchers.{index}.value"));
                }
                var regex = isRegex.GetBoolean();
                // isEqual is optional and defaults to true (0.22 added negative matchers to the API).
                var equal = Get(m, "isEqual") is not { } e || e.GetBoolean();
                var type = (regex, equal) switch
                {
                    (false, true) => MatchType.Equal,
                    (false, false) => MatchType.NotEqual,
                    (true, true) => MatchType.Regexp,
                    _ => MatchType.NotRegexp,
                };
                matchers.Add(new SilenceMatcher(name.GetString()!, value.GetString()!, type));
                index++;
            }
            if (startsAt is null)
            {
                return (null, Required("startsAt"));
            }
            return (new SilenceDraft
            {
                Id = Get(root, "id")?.GetString() ?? "",
                Matchers = matchers,
                StartsAt = startsAt.Value,
                EndsAt = endsAt.Value,
                CreatedBy = Get(root, "createdBy")!.Value.GetString()!,
                Comment = Get(root, "comment")!.Value.GetString()!,
            }, null);
        }
    }

    static Error Required(string path) => new(422, 602, $"{path} in body is required");

    /// <summary>Returns the property unless it is absent or null (Go leaves a nil pointer for both).</summary>
    static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    static Error? TypeError(JsonElement obj, string name, JsonValueKind kind, string goType, string parent = "") =>
        Get(obj, name) is { } v && v.ValueKind != kind
            ? new Error(400, 400, Prefix + $"json: cannot unmarshal {GoKind(v)} into Go struct field {(parent.Length == 0 ? "Silence." : "Matcher.")}{name} of type {goType}")
            : null;

    static Error? BoolError(JsonElement obj, string name) =>
        Get(obj, name) is { } v && v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            ? new Error(400, 400, Prefix + $"json: cannot unmarshal {GoKind(v)} into Go struct field Matcher.{name} of type bool")
            : null;

    static string GoKind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        _ => "object",
    };

    /// <summary>Parses times as the alert endpoint does (go-openapi's date-time forms).</summary>
    internal static bool TryParseTime(string text, out DateTimeOffset value) => PostableAlertReader.TryParseTime(text, out value);
}
