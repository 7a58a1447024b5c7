using System.Globalization;
using System.Text;
using System.Text.Json;
using Guardia.Core.Alerts;

namespace Guardia.Server.Api.AlertmanagerV2;

/// <summary>One alert as the sender posted it, before defaults and validation.</summary>
readonly record struct PostableAlert(LabelSet? Labels, LabelSet Annotations, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? GeneratorUrl);

/// <summary>Why a request body could not be read at all; the whole request is refused, nothing is stored.</summary>
/// <param name="StatusCode">400 for malformed JSON or wrong types, 422 for schema violations (as Alertmanager answers).</param>
/// <param name="Code">The go-swagger error code Alertmanager puts in its body (400, 601, 602).</param>
/// <param name="Message">What was wrong and where.</param>
sealed record BodyError(int StatusCode, int Code, string Message);

/// <summary>Reads a <c>POST /api/v2/alerts</c> body straight from UTF-8 with precise error positions.</summary>
/// <remarks>Hand-written over <see cref="Utf8JsonReader"/> because this is the ingest hot path and because a
/// sender deserves to know which alert and which field was wrong, with line and column.</remarks>
static class PostableAlertReader
{
    public static (List<PostableAlert>? Alerts, BodyError? Error) Read(ReadOnlySpan<byte> body, LabelStringPool pool)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (null, new BodyError(400, 400, "the body is empty; expected a JSON array of alerts"));
        }
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        var alerts = new List<PostableAlert>();
        var index = -1;
        try
        {
            if (!reader.Read())
            {
                return (null, Malformed(body, reader, "the body is empty; expected a JSON array of alerts"));
            }
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return (null, Malformed(body, reader, $"expected a JSON array of alerts, found {Describe(reader.TokenType)}"));
            }
            while (true)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }
                index++;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return (null, Malformed(body, reader, $"alerts[{index}]: expected an object, found {Describe(reader.TokenType)}"));
                }
                var (alert, error) = ReadAlert(ref reader, body, index, pool);
                if (error is not null)
                {
                    return (null, error);
                }
                alerts.Add(alert);
            }
            // Alertmanager decodes the first JSON value and ignores whatever follows it; so do we.
        }
        catch (JsonException ex)
        {
            var where = index >= 0 ? $" in alerts[{index}]" : string.Empty;
            var offset = reader.BytesConsumed;
            var what = offset >= body.Length ? "unexpected end of JSON input (the body is truncated)" : Trim(ex.Message);
            return (null, new BodyError(400, 400, $"parsing alerts body failed{where} at {Position(body, offset)}: {what}"));
        }
        for (var i = 0; i < alerts.Count; i++)
        {
            if (alerts[i].Labels is null)
            {
                return (null, new BodyError(422, 602, $"{i}.labels in body is required (alerts[{i}] has no \"labels\" object)"));
            }
        }
        return (alerts, null);
    }

    static (PostableAlert, BodyError?) ReadAlert(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, int index, LabelStringPool pool)
    {
        LabelSet? labels = null;
        var annotations = LabelSet.Empty;
        DateTimeOffset startsAt = default, endsAt = default;
        string? generatorUrl = null;
        Span<char> urlBuffer = stackalloc char[256];
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return (new PostableAlert(labels, annotations, startsAt, endsAt, generatorUrl), null);
            }
            var field = reader.ValueSpan;
            if (field.SequenceEqual("labels"u8) || field.SequenceEqual("annotations"u8))
            {
                var isLabels = field[0] == (byte)'l';
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return (default, Malformed(body, reader, $"alerts[{index}].{(isLabels ? "labels" : "annotations")}: expected an object of string values, found {Describe(reader.TokenType)}"));
                }
                var (set, error) = ReadLabelSet(ref reader, body, index, isLabels ? "labels" : "annotations", pool);
                if (error is not null)
                {
                    return (default, error);
                }
                if (isLabels)
                {
                    labels = set;
                }
                else
                {
                    annotations = set!;
                }
            }
            else if (field.SequenceEqual("startsAt"u8) || field.SequenceEqual("endsAt"u8))
            {
                var name = field[0] == (byte)'s' ? "startsAt" : "endsAt";
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }
                if (reader.TokenType != JsonTokenType.String)
                {
                    return (default, Malformed(body, reader, $"alerts[{index}].{name}: expected an RFC 3339 date-time string, found {Describe(reader.TokenType)}"));
                }
                if (!reader.TryGetDateTimeOffset(out var t) && !TryParseTime(reader.GetString()!, out t))
                {
                    var text = reader.GetString();
                    return (default, Malformed(body, reader, $"alerts[{index}].{name}: \"{text}\" is not an RFC 3339 date-time (e.g. 2026-01-02T15:04:05Z)"));
                }
                t = t.ToUniversalTime();
                if (name == "startsAt")
                {
                    startsAt = t;
                }
                else
                {
                    endsAt = t;
                }
            }
            else if (field.SequenceEqual("generatorURL"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }
                if (reader.TokenType != JsonTokenType.String)
                {
                    return (default, Malformed(body, reader, $"alerts[{index}].generatorURL: expected a string, found {Describe(reader.TokenType)}"));
                }
                var longUrl = Decode(ref reader, urlBuffer, out var urlLength);
                generatorUrl = longUrl ?? pool.Value(pool.ForName("__url__"), urlBuffer[..urlLength]);
                if (!string.IsNullOrEmpty(generatorUrl) && !IsUri(generatorUrl))
                {
                    return (default, new BodyError(422, 601, $"{index}.generatorURL in body must be of type uri: \"{generatorUrl}\""));
                }
            }
            else
            {
                // Alertmanager ignores fields it does not know; so do we.
                reader.Read();
                reader.Skip();
            }
        }
    }

    static (LabelSet?, BodyError?) ReadLabelSet(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, int index, string what, LabelStringPool pool)
    {
        var pairs = _scratch ??= new string[64];
        var count = 0;
        Span<char> buffer = stackalloc char[256];
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return (LabelSet.FromPairs(pairs, count), null);
            }
            var longName = Decode(ref reader, buffer, out var nameLength);
            var names = pool.ForName(longName is null ? buffer[..nameLength] : longName);
            var name = names?.Name ?? longName ?? new string(buffer[..nameLength]);
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                return (null, Malformed(body, reader, $"alerts[{index}].{what}[\"{name}\"]: expected a string value, found {Describe(reader.TokenType)}"));
            }
            var longValue = Decode(ref reader, buffer, out var valueLength);
            var value = longValue ?? pool.Value(names, buffer[..valueLength]);
            if ((count + 1) * 2 > pairs.Length)
            {
                Array.Resize(ref pairs, pairs.Length * 2);
                _scratch = pairs;
            }
            pairs[count * 2] = name;
            pairs[(count * 2) + 1] = value;
            count++;
        }
    }

    /// <summary>Decodes the current string token into <paramref name="buffer"/> and returns null with its
    /// length; when it does not fit, or is escaped, returns the decoded string instead.</summary>
    static string? Decode(ref Utf8JsonReader reader, scoped Span<char> buffer, out int length)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.Length <= buffer.Length)
        {
            length = Encoding.UTF8.GetChars(reader.ValueSpan, buffer);
            return null;
        }
        var whole = reader.GetString()!;
        length = whole.Length;
        return whole;
    }

    /// <summary>Scratch pairs for one label set being read; one per thread, reused across requests.</summary>
    [ThreadStatic]
    static string[]? _scratch;

    /// <summary>The last generator URL found valid on this thread: senders repeat one URL per rule.</summary>
    [ThreadStatic]
    static string? _lastValidUrl;

    static bool IsUri(string s)
    {
        if (ReferenceEquals(s, _lastValidUrl) || s == _lastValidUrl)
        {
            return true;
        }
        var ok = Uri.TryCreate(s, UriKind.Absolute, out _) || (s.StartsWith('/') && Uri.TryCreate(s, UriKind.Relative, out _));
        if (ok)
        {
            _lastValidUrl = s;
        }
        return ok;
    }

    static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ss",
    ];

    /// <summary>Parses the date-time forms go-openapi accepts; digits past 100 ns are dropped.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset value)
    {
        // .NET keeps 7 fractional digits; Go senders may send 9. Trim the extra digits before parsing.
        var s = text;
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }
            if (end - dot - 1 > 7)
            {
                s = string.Concat(s.AsSpan(0, dot + 8), s.AsSpan(end));
            }
        }
        if (DateTimeOffset.TryParseExact(s, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value))
        {
            value = value.ToUniversalTime();
            return true;
        }
        return false;
    }

    static BodyError Malformed(ReadOnlySpan<byte> body, Utf8JsonReader reader, string message) =>
        new(400, 400, $"{message} (at {Position(body, reader.TokenStartIndex)})");

    /// <summary>Turns a byte offset into "line L, column C" (1-based, columns in characters).</summary>
    static string Position(ReadOnlySpan<byte> body, long offset)
    {
        var line = 1;
        var lineStart = 0;
        var end = (int)Math.Min(offset, body.Length);
        for (var i = 0; i < end; i++)
        {
            if (body[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        var column = Encoding.UTF8.GetCharCount(body[lineStart..end]) + 1;
        return $"line {line}, column {column}";
    }

    static string Trim(string message)
    {
        var i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };
}
