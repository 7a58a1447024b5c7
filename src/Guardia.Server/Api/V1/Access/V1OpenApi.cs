using Microsoft.OpenApi;

namespace Guardia.Server.Api.V1.Access;

/// <summary>The OpenAPI document of API v1 at <c>/openapi/v1.json</c>, with the bearer-token security scheme.</summary>
static class V1OpenApi
{
    public const string Route = "/openapi/{documentName}.json";

    public static IServiceCollection AddGuardiaOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.OrdinalIgnoreCase) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Guardia API v1",
                    Version = "v1",
                    Description = "Guardia's own API. Every endpoint requires \"Authorization: Bearer TOKEN\" with a token created by "
                        + "`guardia token create --name NAME --role viewer|responder|admin`; reads need viewer, actions responder, "
                        + "configuration and the audit log admin. The Alertmanager-compatible API is at /api/v2.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "gdu_…",
                    Description = "An API token (gdu_ and 43 base64url characters) with the role the endpoint requires.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
