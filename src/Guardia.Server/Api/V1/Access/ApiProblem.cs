using System.Text.Json.Nodes;

namespace Guardia.Server.Api.V1.Access;

/// <summary>The JSON error body of API v1, <c>{"code":401,"message":"..."}</c> (the shape API v2 answers with), in the
/// caller's language: Spanish when <c>Accept-Language</c> prefers it, English otherwise.</summary>
static class ApiProblem
{
    /// <summary>Quotes and non-ASCII stay readable, as in the rest of the API.</summary>
    internal static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, int status, string english, string spanish)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"guardia\"";
        }
        context.Response.ContentType = "application/json";
        var message = PrefersSpanish(context.Request) ? spanish : english;
        return context.Response.WriteAsync(new JsonObject { ["code"] = status, ["message"] = message }.ToJsonString(Readable), context.RequestAborted);
    }

    /// <summary>True when the caller asks for Spanish: <c>?lang=es</c>, or else an <c>Accept-Language</c> whose first
    /// language is Spanish.</summary>
    public static bool PrefersSpanish(HttpRequest request)
    {
        if (request.Query["lang"].ToString() is { Length: > 0 } lang)
        {
            return Core.Incidents.TimelineText.IsSpanish(lang);
        }
        var header = request.Headers.AcceptLanguage.ToString();
        return header.TrimStart().StartsWith("es", StringComparison.OrdinalIgnoreCase);
    }
}
