using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Guardia.Server.Cli;

/// <summary>The HTTP client of CLI verbs that talk to a running <c>guardia serve</c>: sends the bearer token and turns
/// every failure (connection refused, 401, 403, other errors with the server's message) into an
/// <see cref="ApiClientException"/> whose message tells the user what to do.</summary>
public sealed class ApiClient : IDisposable
{
    /// <summary>The server the CLI talks to when <c>--guardia.url</c> is not given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:9093";

    /// <summary>The environment variable read when <c>--token</c> is not given.</summary>
    public const string TokenVariable = "GUARDIA_TOKEN";

    readonly HttpClient _http;

    /// <summary>A client for <paramref name="baseUrl"/> sending <paramref name="token"/> (none when null) and asking for
    /// texts in <paramref name="language"/> (<c>en</c> or <c>es</c>; none when null).</summary>
    public ApiClient(Uri baseUrl, string? token, HttpMessageHandler? handler = null, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        BaseUrl = baseUrl;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = baseUrl;
        _http.Timeout = TimeSpan.FromMinutes(2);
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        HasToken = !string.IsNullOrEmpty(token);
        if (!string.IsNullOrEmpty(language))
        {
            _http.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        }
    }

    /// <summary>The server's base URL.</summary>
    public Uri BaseUrl { get; }

    /// <summary>True when a token is sent.</summary>
    public bool HasToken { get; }

    /// <summary>GETs <paramref name="path"/> and returns the JSON answer.</summary>
    /// <exception cref="ApiClientException">The server cannot be reached or answered an error.</exception>
    public Task<JsonElement> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>Sends <paramref name="body"/> (if any) as JSON and returns the JSON answer (<c>null</c> for an empty body).</summary>
    /// <exception cref="ApiClientException">The server cannot be reached or answered an error.</exception>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            var why = ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connection refused" : ex.Message;
            throw new ApiClientException(null, $"cannot reach {BaseUrl}: {why} (is guardia serve running there? set --guardia.url)", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ApiClientException(null, $"{BaseUrl} did not answer within {_http.Timeout.TotalSeconds:F0} s", ex);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var message = ServerMessage(text) ?? response.ReasonPhrase ?? "no message";
                var hint = response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized when !HasToken => $" (give --token or set {TokenVariable}; an admin creates tokens with: guardia token create --name NAME --role viewer)",
                    HttpStatusCode.Unauthorized => " (the token is wrong, revoked or belongs to another server)",
                    HttpStatusCode.Forbidden => " (ask an admin for a token with a higher role)",
                    _ => string.Empty,
                };
                throw new ApiClientException(status, $"{method} {path}: the server answered {status}: {message}{hint}");
            }
            if (text.Length == 0)
            {
                return default;
            }
            try
            {
                using var doc = JsonDocument.Parse(text);
                return doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new ApiClientException(status: (int)response.StatusCode, $"{method} {path}: the answer is not JSON ({ex.Message})", ex);
            }
        }
    }

    static string? ServerMessage(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            foreach (var name in (string[])["message", "error"])
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String)
                {
                    return m.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Plain text: shown as it is.
        }
        return body.Length > 500 ? body[..500] + "…" : body.Trim();
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}

/// <summary>A failed call to the server, with a message for the user; <see cref="Status"/> is null when there was no answer.</summary>
public sealed class ApiClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ApiClientException(int? status, string message, Exception? innerException = null)
        : base(message, innerException) => Status = status;

    /// <summary>Creates the exception.</summary>
    public ApiClientException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ApiClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ApiClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status the server answered, or null when it could not be reached.</summary>
    public int? Status { get; }
}

/// <summary>How a verb prints what the server answered.</summary>
public enum OutputFormat
{
    /// <summary>A table for people.</summary>
    Table,

    /// <summary>The JSON as the server sent it, for scripts.</summary>
    Json,
}

/// <summary>The options every API verb shares (<c>--guardia.url</c>, <c>--token</c>, <c>--output</c>) and the printing of answers.</summary>
public sealed class ApiClientOptions
{
    /// <summary>The server's URL.</summary>
    public Option<string> Url { get; } = new("--guardia.url")
    {
        Description = "The Guardia server.",
        DefaultValueFactory = _ => ApiClient.DefaultUrl,
        Recursive = true,
    };

    /// <summary>The API token; defaults to the <c>GUARDIA_TOKEN</c> environment variable.</summary>
    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"API token (default: ${ApiClient.TokenVariable}).",
        Recursive = true,
    };

    /// <summary>Table or JSON.</summary>
    public Option<OutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "table or json.",
        DefaultValueFactory = _ => OutputFormat.Table,
        Recursive = true,
    };

    /// <summary>The language of the texts the server writes (timeline sentences, errors).</summary>
    public Option<string?> Language { get; } = new("--lang")
    {
        Description = "Language of the server's texts: en or es (default: from LC_ALL, LC_MESSAGES or LANG).",
        Recursive = true,
    };

    /// <summary>Adds the options to <paramref name="command"/> (and, being recursive, to its subcommands).</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Url);
        command.Options.Add(Token);
        command.Options.Add(Output);
        command.Options.Add(Language);
    }

    static readonly string[] LocaleVariables = ["LC_ALL", "LC_MESSAGES", "LANG"];

    /// <summary><c>es</c> when <paramref name="explicitLanguage"/>, or else the first of LC_ALL, LC_MESSAGES and LANG that
    /// is set, names Spanish; <c>en</c> otherwise.</summary>
    /// <exception cref="ApiClientException"><paramref name="explicitLanguage"/> is neither en nor es.</exception>
    public static string ChooseLanguage(string? explicitLanguage, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(explicitLanguage))
        {
            return explicitLanguage.Trim().ToLowerInvariant() switch
            {
                "es" => "es",
                "en" => "en",
                var other => throw new ApiClientException(null, $"--lang \"{other}\" is not en or es"),
            };
        }
        var fromEnvironment = LocaleVariables.Select(environment).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return Core.Incidents.TimelineText.IsSpanish(fromEnvironment) ? "es" : "en";
    }

    /// <summary>A client for the URL and token the command line (or <c>GUARDIA_TOKEN</c>) gives.</summary>
    /// <exception cref="ApiClientException">The URL is not an absolute http(s) URL.</exception>
    public ApiClient CreateClient(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var url = parse.GetValue(Url)!;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ApiClientException(null, $"--guardia.url \"{url}\" is not an http:// or https:// URL");
        }
        var token = parse.GetValue(Token) ?? Environment.GetEnvironmentVariable(ApiClient.TokenVariable);
        var language = ChooseLanguage(parse.GetValue(Language), Environment.GetEnvironmentVariable);
        return new ApiClient(uri, string.IsNullOrWhiteSpace(token) ? null : token.Trim(), language: language);
    }

    /// <summary>Runs <paramref name="action"/>, printing an <see cref="ApiClientException"/> as <c>guardia VERB: message</c> (exit 1).</summary>
    public static async Task<int> RunAsync(string verb, TextWriter stderr, Func<Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (ApiClientException ex)
        {
            await stderr.WriteLineAsync($"guardia {verb}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Prints <paramref name="data"/> (an object or an array of objects) as JSON or as a table of <paramref name="columns"/>
    /// (header, JSON property); nested values print as compact JSON.</summary>
    public static void Write(JsonElement data, OutputFormat format, IReadOnlyList<(string Header, string Property)> columns, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(stdout);
        if (format == OutputFormat.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(data, JsonOptions));
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Redirected output has no terminal width; wide enough that ids and times do not wrap.
        console.Profile.Width = 240;
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, _) in columns)
        {
            table.AddColumn(Markup.Escape(header));
        }
        var rows = data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().ToList() : [data];
        foreach (var row in rows)
        {
            table.AddRow([.. columns.Select(c => Markup.Escape(Cell(row, c.Property)))]);
        }
        console.Write(table);
    }

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static string Cell(JsonElement row, string property) =>
        row.ValueKind != JsonValueKind.Object || !row.TryGetProperty(property, out var v) ? string.Empty : v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() ?? string.Empty,
            JsonValueKind.Null => string.Empty,
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => v.GetRawText(),
        };
}
