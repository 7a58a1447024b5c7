using Guardia.Server.Hosting;

namespace Guardia.Server.Api;

/// <summary><c>/-/healthy</c>, <c>/-/ready</c> and <c>POST /-/reload</c>, as Alertmanager serves them.</summary>
static class LifecycleEndpoints
{
    public static IEndpointRouteBuilder MapLifecycleEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/-/healthy", ["GET", "HEAD"], () => Results.Text("OK"));
        // The store is loaded before the listener opens, so a server that answers is ready.
        app.MapMethods("/-/ready", ["GET", "HEAD"], () => Results.Text("OK"));
        app.MapPost("/-/reload", (ConfigHolder config) =>
        {
            var error = config.Reload();
            return error is null
                ? Results.Ok()
                : Results.Text($"failed to reload config: {error}", statusCode: 500);
        });
        return app;
    }
}
