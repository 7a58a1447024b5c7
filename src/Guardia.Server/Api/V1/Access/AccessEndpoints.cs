using System.Text.Json.Nodes;
using Guardia.Core.Access;

namespace Guardia.Server.Api.V1.Access;

/// <summary><c>GET /api/v1/whoami</c>: the name and role of the calling token.</summary>
static class AccessEndpoints
{
    public static IEndpointRouteBuilder MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/whoami", (HttpContext context) =>
        {
            var actor = context.GetGuardiaActor()!;
            var body = new JsonObject { ["name"] = actor.Name, ["role"] = RoleNames.Name(actor.Role) };
            return Results.Text(body.ToJsonString(ApiProblem.Readable), "application/json", System.Text.Encoding.UTF8, 200);
        })
            .RequireGuardiaRole(Role.Viewer)
            .WithSummary("The name and role of the calling token.")
            .Produces(200, contentType: "application/json");
        return app;
    }
}
