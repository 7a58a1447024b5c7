using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers;

/// <summary>Posts a JSON payload and classifies the answer with Alertmanager's <c>notify.Retrier</c> rules.</summary>
public static class JsonDelivery
{
    /// <summary>How long one attempt may take before it counts as a transient failure.</summary>
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(30);

    static readonly JsonSerializerOptions Options = new()
    {
        // Go's encoding/json writes non-ASCII text as UTF-8, not as \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The payload as the bytes Go's json.Encoder writes: non-ASCII text as UTF-8 (emoji included), <c>&lt;</c>,
    /// <c>&gt;</c> and <c>&amp;</c> as <c>\u003c</c>, <c>\u003e</c>, <c>\u0026</c>, and a trailing newline.
    /// </summary>
    public static byte[] Encode(JsonNode payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Encoding.UTF8.GetBytes(GoStyle(payload.ToJsonString(Options)) + "\n");
    }

    // System.Text.Json escapes characters outside the BMP as surrogate pairs even when relaxed; Go writes
    // them raw. '<', '>' and '&' only occur inside strings, where Go escapes them for HTML safety.
    static string GoStyle(string json)
    {
        var sb = new StringBuilder(json.Length + 16);
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            switch (c)
            {
                case '<':
                    sb.Append("\\u003c");
                    continue;
                case '>':
                    sb.Append("\\u003e");
                    continue;
                case '&':
                    sb.Append("\\u0026");
                    continue;
                case '\\':
                    if (i + 11 < json.Length && json[i + 1] == 'u' && json[i + 6] == '\\' && json[i + 7] == 'u'
                        && ushort.TryParse(json.AsSpan(i + 2, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var high)
                        && ushort.TryParse(json.AsSpan(i + 8, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var low)
                        && char.IsHighSurrogate((char)high) && char.IsLowSurrogate((char)low))
                    {
                        sb.Append((char)high).Append((char)low);
                        i += 11;
                    }
                    else
                    {
                        // Copy the escape and the character it escapes, so an escaped backslash is never re-read.
                        sb.Append(c);
                        if (i + 1 < json.Length)
                        {
                            sb.Append(json[++i]);
                        }
                    }
                    continue;
                default:
                    sb.Append(c);
                    continue;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Posts <paramref name="body"/> to <paramref name="url"/>. 2xx is success; 5xx, 429 and
    /// <paramref name="extraRetryCodes"/> are transient; other statuses are permanent; connection errors and
    /// the per-attempt timeout are transient. The URL never appears in the error (it may hold a token).
    /// </summary>
    public static async Task<NotifyResult> PostAsync(
        HttpClient client,
        string url,
        byte[] body,
        TimeSpan attemptTimeout,
        TimeProvider time,
        CancellationToken ct,
        params int[] extraRetryCodes) =>
        await PostAsync(client, url, body, null, attemptTimeout, time, ct, extraRetryCodes).ConfigureAwait(false);

    /// <summary>As the other overload, with the <c>Authorization</c> header <paramref name="authorization"/> (see <see cref="HttpAuthorization"/>).</summary>
    public static async Task<NotifyResult> PostAsync(
        HttpClient client,
        string url,
        byte[] body,
        System.Net.Http.Headers.AuthenticationHeaderValue? authorization,
        TimeSpan attemptTimeout,
        TimeProvider time,
        CancellationToken ct,
        params int[] extraRetryCodes)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return NotifyResult.Permanent("invalid URL <secret>");
        }
        using var timeout = new CancellationTokenSource(attemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
            request.Headers.UserAgent.ParseAdd("Alertmanager/0.25.0");
            request.Headers.Authorization = authorization;
            using var response = await client.SendAsync(request, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status / 100 == 2)
            {
                return NotifyResult.Delivered(status);
            }
            var text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            var error = $"unexpected status code {status}";
            if (text.Length > 0)
            {
                error += ": " + (text.Length > 1024 ? text[..1024] : text);
            }
            var retry = status / 100 == 5 || status == 429 || Array.IndexOf(extraRetryCodes, status) >= 0;
            return retry ? NotifyResult.Retryable(error, status) : NotifyResult.Permanent(error, status);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return NotifyResult.Retryable($"no answer within {attemptTimeout.TotalSeconds:0.###}s");
        }
        catch (HttpRequestException ex)
        {
            // HttpRequestException messages name host and port, never the path or query where tokens live.
            return NotifyResult.Retryable(ex.Message);
        }
    }

    /// <summary>Reads a <c>*_file</c> secret as Alertmanager does (contents, surrounding whitespace trimmed).</summary>
    public static async Task<string> ReadSecretFileAsync(string path, CancellationToken ct) =>
        (await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)).Trim();
}
