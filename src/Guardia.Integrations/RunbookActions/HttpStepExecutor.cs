using System.Globalization;
using System.Text;
using System.Text.Json;
using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Runs <c>http</c> steps. The body is a request: the first line <c>METHOD URL</c>, then <c>Name: value</c>
/// header lines, a blank line and an optional body. Parameters appear as <c>{name}</c>: in the URL only after the host
/// (path and query, URL-encoded as one segment or value), in header values (control characters refused), and in a JSON
/// body only as a whole string value <c>"{name}"</c> (written as a JSON string). Attributes: <c>expect_status</c>
/// (<c>200</c>, <c>2xx</c>, <c>200,204</c>; default 2xx) and <c>expect_json</c> (see <see cref="JsonExpectation"/>).
/// Redirects are not followed, so a step cannot be bounced outside the URL allowlist.</summary>
public sealed class HttpStepExecutor : IStepExecutor
{
    const int MaxJsonBytes = 8 * 1024 * 1024;

    static readonly HashSet<string> Methods = new(StringComparer.Ordinal) { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };

    readonly RunbookActionOptions _options;
    readonly TimeProvider _time;
    readonly HttpClient _http;

    /// <summary>Creates the executor; <paramref name="http"/> must not follow redirects (the default client does not).</summary>
    public HttpStepExecutor(RunbookActionOptions options, TimeProvider time, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _http = http ?? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Kinds { get; } = ["http"];

    /// <inheritdoc/>
    public string DescribeDryRun(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var r = Build(request, dryRun: true);
            var sb = new StringBuilder();
            sb.Append(r.Method).Append(' ').Append(r.Url).Append('\n');
            foreach (var (name, value) in r.Headers)
            {
                sb.Append(name).Append(": ").Append(value).Append('\n');
            }
            if (r.Body.Length > 0)
            {
                sb.Append('\n').Append(r.Body).Append('\n');
            }
            sb.Append("# expect status ").Append(request.Attributes.GetValueOrDefault("expect_status", "2xx"));
            if (request.Attributes.TryGetValue("expect_json", out var json))
            {
                sb.Append(", expect_json ").Append(json);
            }
            return sb.ToString();
        }
        catch (StepRejectedException ex)
        {
            return "refused: " + ex.Message;
        }
    }

    /// <inheritdoc/>
    public Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken) =>
        StepRun.RunAsync(request, _options, _time, async (output, ct) =>
        {
            var r = Build(request, dryRun: false);
            var statuses = request.Attributes.GetValueOrDefault("expect_status", "2xx");
            var expectStatus = StatusExpectation(statuses);
            JsonExpectation? expectJson = null;
            if (request.Attributes.TryGetValue("expect_json", out var jsonText))
            {
                try
                {
                    expectJson = JsonExpectation.Parse(jsonText);
                }
                catch (FormatException ex)
                {
                    throw new StepRejectedException(ex.Message);
                }
            }
            using var message = new HttpRequestMessage(new HttpMethod(r.Method), r.Url);
            if (r.Body.Length > 0)
            {
                message.Content = new StringContent(r.Body, new UTF8Encoding(false), "application/json");
            }
            foreach (var (name, value) in r.Headers)
            {
                if (!message.Headers.TryAddWithoutValidation(name, value))
                {
                    message.Content ??= new ByteArrayContent([]);
                    message.Content.Headers.Remove(name);
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (HttpRequestException ex)
            {
                return StepEnd.Failure($"{r.Method} {r.Url}: {ex.Message}");
            }
            using (response)
            {
                var code = (int)response.StatusCode;
                output.Append($"HTTP {code} {response.ReasonPhrase}\n");
                using var json = new MemoryStream();
                await using (var stream = await response.Content.ReadAsStreamAsync(ct))
                {
                    var buffer = new byte[16 * 1024];
                    int n;
                    while ((n = await stream.ReadAsync(buffer, ct)) > 0)
                    {
                        output.Append(buffer.AsSpan(0, n));
                        if (expectJson is not null && json.Length + n <= MaxJsonBytes)
                        {
                            json.Write(buffer, 0, n);
                        }
                    }
                }
                if (!expectStatus(code))
                {
                    return StepEnd.Failure($"status {code}, expected {statuses}", code);
                }
                if (expectJson is not null)
                {
                    if (output.TotalBytes > MaxJsonBytes)
                    {
                        return StepEnd.Failure($"the response is larger than {MaxJsonBytes} bytes; expect_json cannot check it", code);
                    }
                    try
                    {
                        using var doc = JsonDocument.Parse(json.ToArray());
                        if (expectJson.Check(doc.RootElement) is { } why)
                        {
                            return StepEnd.Failure("expect_json " + expectJson.Text + ": " + why, code);
                        }
                    }
                    catch (JsonException ex)
                    {
                        return StepEnd.Failure("the response is not JSON, so expect_json cannot hold: " + ex.Message, code);
                    }
                }
                return StepEnd.Success(code);
            }
        }, cancellationToken);

    static Func<int, bool> StatusExpectation(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var checks = new List<Func<int, bool>>();
        foreach (var p in parts)
        {
            if (p.Length == 3 && p[0] is >= '1' and <= '5' && p[1..] is "xx" or "XX")
            {
                var hundreds = p[0] - '0';
                checks.Add(c => c / 100 == hundreds);
            }
            else if (int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
            {
                checks.Add(c => c == code);
            }
            else
            {
                throw new StepRejectedException($"expect_status \"{text}\" is not a list of status codes such as 200, 2xx or 200,204");
            }
        }
        if (checks.Count == 0)
        {
            throw new StepRejectedException("expect_status is empty");
        }
        return c => checks.Any(check => check(c));
    }

    sealed record BuiltRequest(string Method, string Url, List<(string Name, string Value)> Headers, string Body);

    BuiltRequest Build(StepRequest request, bool dryRun)
    {
        var text = request.Body.ReplaceLineEndings("\n");
        var lines = text.Split('\n');
        var first = 0;
        while (first < lines.Length && lines[first].Trim().Length == 0)
        {
            first++;
        }
        if (first == lines.Length)
        {
            throw new StepRejectedException("the http step is empty: write METHOD URL on its first line, e.g. GET http://127.0.0.1:9093/-/healthy");
        }
        var requestLine = lines[first].Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (requestLine.Length != 2 || !Methods.Contains(requestLine[0]))
        {
            throw new StepRejectedException($"the first line must be METHOD URL with METHOD one of {string.Join(", ", Methods)}, not \"{lines[first].Trim()}\"");
        }
        var url = Url(requestLine[1], request, dryRun);
        var headers = new List<(string, string)>();
        var i = first + 1;
        for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? lines[i][..colon].Trim() : string.Empty;
            if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                throw new StepRejectedException($"line {i + 1}: \"{lines[i]}\" is not a header (Name: value); leave a blank line before the body");
            }
            var value = StepRun.Substitute(lines[i][(colon + 1)..].Trim(), request, (n, v) => v.Any(char.IsControl)
                ? throw new StepRejectedException($"parameter \"{n}\" contains control characters and cannot go into a header")
                : v, dryRun);
            headers.Add((name, value));
        }
        var body = i < lines.Length ? string.Join('\n', lines[(i + 1)..]).Trim() : string.Empty;
        return new BuiltRequest(requestLine[0], url, headers, JsonBody(body, request, dryRun));
    }

    string Url(string template, StepRequest request, bool dryRun)
    {
        var scheme = template.IndexOf("://", StringComparison.Ordinal);
        var pathStart = scheme < 0 ? -1 : template.IndexOfAny(['/', '?', '#'], scheme + 3);
        var authority = pathStart < 0 ? template : template[..pathStart];
        if (StepRun.Placeholder().IsMatch(authority))
        {
            throw new StepRejectedException("parameters may appear in the URL's path and query only, never in its scheme, host or port");
        }
        var url = StepRun.Substitute(template, request, (_, v) => Uri.EscapeDataString(v), dryRun);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new StepRejectedException($"\"{template}\" is not an absolute http:// or https:// URL");
        }
        if (_options.HttpAllowedUrlPrefixes.Count > 0 && !_options.HttpAllowedUrlPrefixes.Any(p => url.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            throw new StepRejectedException($"{authority} is not under any allowed URL prefix ({string.Join(", ", _options.HttpAllowedUrlPrefixes)})");
        }
        return url;
    }

    static string JsonBody(string body, StepRequest request, bool dryRun)
    {
        if (!StepRun.Placeholder().IsMatch(body))
        {
            return body;
        }
        var sb = new StringBuilder();
        var last = 0;
        foreach (System.Text.RegularExpressions.Match m in StepRun.Placeholder().Matches(body))
        {
            var quoted = m.Index > 0 && m.Index + m.Length < body.Length && body[m.Index - 1] == '"' && body[m.Index + m.Length] == '"';
            if (!quoted)
            {
                throw new StepRejectedException($"{m.Value} in the body must be a whole JSON string value, written \"{m.Value}\"");
            }
            var name = m.Groups[1].Value;
            if (!request.Parameters.TryGetValue(name, out var value))
            {
                throw new StepRejectedException($"{m.Value} names no parameter of this step");
            }
            if (dryRun && request.SecretParameters.Contains(name))
            {
                value = "<secret>";
            }
            sb.Append(body, last, m.Index - 1 - last).Append(JsonSerializer.Serialize(value));
            last = m.Index + m.Length + 1;
        }
        sb.Append(body, last, body.Length - last);
        var result = sb.ToString();
        try
        {
            using var _ = JsonDocument.Parse(result);
        }
        catch (JsonException ex)
        {
            throw new StepRejectedException("a body with parameters must be JSON: " + ex.Message);
        }
        return result;
    }
}
