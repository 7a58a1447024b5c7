using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardia.Server.Api.V1.Access;

namespace Guardia.Server.Api.V1;

/// <summary>What every API v1 endpoint answers with and reads: JSON with readable non-ASCII, errors as
/// <c>{"code":…,"message":…}</c>, and request bodies that must be one JSON object of bounded size.</summary>
static class ApiJson
{
    /// <summary>The largest request body API v1 reads.</summary>
    public const int MaxBody = 64 * 1024;

    public static IResult Json(JsonNode node, int status) =>
        Results.Text(node.ToJsonString(ApiProblem.Readable), "application/json", Encoding.UTF8, status);

    public static IResult Error(int status, string message) => Json(new JsonObject { ["code"] = status, ["message"] = message }, status);

    /// <summary>Reads the body as one JSON object (413 past <see cref="MaxBody"/>, 400 when it is not an object);
    /// an empty body is an empty object when <paramref name="emptyIsObject"/>, an error otherwise.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpRequest request, bool emptyIsObject, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody)
        {
            return (null, Error(413, $"the body is larger than {MaxBody} bytes"));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBody)
            {
                return (null, Error(413, $"the body is larger than {MaxBody} bytes"));
            }
        }
        if (buffer.Length == 0 && emptyIsObject)
        {
            return ([], null);
        }
        try
        {
            return JsonNode.Parse(buffer.ToArray()) is JsonObject obj
                ? (obj, null)
                : (null, Error(400, "the body must be a JSON object"));
        }
        catch (JsonException ex)
        {
            return (null, Error(400, $"the body is not valid JSON: {ex.Message}"));
        }
    }
}
