using Guardia.Core.Access;

namespace Guardia.Server.Api.V1.Access;

/// <summary>Checks bearer tokens: API tokens with a role on <c>/api/v1</c> (and on any endpoint with
/// <see cref="GuardiaAccess.RequireGuardiaRole"/>), and ingestion tokens on <c>POST /api/v2/alerts</c> when configured.</summary>
sealed class ApiAccessMiddleware(RequestDelegate next, ApiTokens tokens, IngestionTokenSettings ingestion)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (AuditTrailMiddleware.IsAlertIngestion(request))
        {
            // Ingestion never looks up API tokens: it runs at thousands of requests a second.
            if (ingestion.Current.IngestionTokens.Count > 0 && ingestion.SenderOf(BearerToken(request)) is null)
            {
                await ApiProblem.WriteAsync(context, 401,
                    "alert ingestion requires one of the configured ingestion tokens as \"Authorization: Bearer TOKEN\" (api.ingestion_tokens in the settings file)",
                    "la ingesta de alertas requiere uno de los tokens de ingesta configurados como \"Authorization: Bearer TOKEN\" (api.ingestion_tokens en el fichero de ajustes)");
                return;
            }
            await next(context);
            return;
        }
        var required = context.GetEndpoint()?.Metadata.GetMetadata<GuardiaRoleRequirement>()?.Role;
        var secret = BearerToken(request);
        if (required is null && !request.Path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase))
        {
            // Open endpoints (API v2, lifecycle): a valid token still names the caller in the audit log.
            if (secret is not null && await tokens.AuthenticateAsync(secret, context.RequestAborted) is { } known)
            {
                context.SetGuardiaActor(new Actor(known.Name, known.Role));
            }
            await next(context);
            return;
        }
        if (secret is null)
        {
            await ApiProblem.WriteAsync(context, 401,
                "this endpoint requires an API token: send \"Authorization: Bearer TOKEN\" (create one with: guardia token create --name NAME --role viewer)",
                "este endpoint requiere un token de API: envía \"Authorization: Bearer TOKEN\" (créalo con: guardia token create --name NOMBRE --role viewer)");
            return;
        }
        var token = await tokens.AuthenticateAsync(secret, context.RequestAborted);
        if (token is null)
        {
            await ApiProblem.WriteAsync(context, 401,
                "the API token is unknown or revoked",
                "el token de API es desconocido o ha sido revocado");
            return;
        }
        var actor = new Actor(token.Name, token.Role);
        context.SetGuardiaActor(actor);
        var needed = required ?? DefaultRole(request.Method);
        if (token.Role < needed)
        {
            var (have, need) = (RoleNames.Name(token.Role), RoleNames.Name(needed));
            await ApiProblem.WriteAsync(context, 403,
                $"token \"{token.Name}\" has role {have}; {request.Method} {request.Path} requires {need} or higher",
                $"el token \"{token.Name}\" tiene el rol {have}; {request.Method} {request.Path} requiere {need} o superior");
            return;
        }
        await next(context);
    }

    /// <summary>Without an explicit role, reading needs viewer and changing needs admin: an endpoint that forgot to say
    /// is closed rather than open.</summary>
    static Role DefaultRole(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) ? Role.Viewer : Role.Admin;

    /// <summary>The token of an <c>Authorization: Bearer TOKEN</c> header (scheme in any case), or null.</summary>
    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var token = header[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
