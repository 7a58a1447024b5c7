using Guardia.Core.Access;
using Guardia.Core.Audit;
using Guardia.Storage.Sqlite;

namespace Guardia.Server.Api.V1.Access;

/// <summary>The one-line hooks that put API tokens, roles and the audit trail on the host and its routes.</summary>
static class GuardiaAccess
{
    static readonly object ActorKey = new();

    /// <summary>Registers the token store, <see cref="ApiTokens"/>, the audit log, the ingestion tokens and the
    /// OpenAPI document of API v1, all on the SQLite file under <paramref name="storagePath"/>.</summary>
    public static IServiceCollection AddGuardiaAccess(this IServiceCollection services, string storagePath)
    {
        services.AddSingleton<IApiTokenStore>(_ => new SqliteApiTokenStore(SqliteDatabase.Open(storagePath)));
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<IAuditLog>(_ => new SqliteAuditLog(SqliteDatabase.Open(storagePath)));
        services.AddSingleton<IngestionTokenSettings>();
        services.AddGuardiaOpenApi();
        return services;
    }

    /// <summary>Adds the audit trail and the token check to the pipeline (the audit trail outside, so it sees the
    /// caller the token check found and the status the endpoint answered).</summary>
    public static IApplicationBuilder UseGuardiaAccess(this IApplicationBuilder app)
    {
        app.UseMiddleware<AuditTrailMiddleware>();
        app.UseMiddleware<ApiAccessMiddleware>();
        return app;
    }

    /// <summary>Requires a bearer token with <paramref name="role"/> or higher on these endpoints (a role on an
    /// endpoint overrides its group's). Without it, <c>/api/v1</c> requires viewer to read and admin to change.</summary>
    public static TBuilder RequireGuardiaRole<TBuilder>(this TBuilder builder, Role role)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new GuardiaRoleRequirement(role));
        return builder;
    }

    /// <summary>Names the audit event kind of these endpoints' mutations, e.g. <c>api.incident.acknowledge</c>;
    /// without it the kind is derived from the route (<c>POST /api/v2/silences</c>: <c>api.silence.create</c>).</summary>
    public static TBuilder WithAuditKind<TBuilder>(this TBuilder builder, string kind)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new AuditKind(kind));
        return builder;
    }

    /// <summary>The caller of this request: the name and role of its token, or null when it presented none (open endpoints).</summary>
    public static Actor? GetGuardiaActor(this HttpContext context) =>
        context.Items.TryGetValue(ActorKey, out var actor) ? actor as Actor : null;

    internal static void SetGuardiaActor(this HttpContext context, Actor actor) => context.Items[ActorKey] = actor;
}

/// <summary>Endpoint metadata: the lowest role that may call the endpoint.</summary>
sealed record GuardiaRoleRequirement(Role Role);

/// <summary>Endpoint metadata: the audit event kind of the endpoint's mutations.</summary>
sealed record AuditKind(string Kind);
