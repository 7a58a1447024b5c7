using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Guardia.Server.Api;

/// <summary>The go-swagger error body Alertmanager answers with: <c>{"code":400,"message":"..."}</c>.</summary>
sealed record ApiError([property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(string))]
partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>Readable JSON: quotes and non-ASCII stay as they are (Go's encoder leaves UTF-8 alone too).</summary>
    public static ApiJsonContext Relaxed { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
