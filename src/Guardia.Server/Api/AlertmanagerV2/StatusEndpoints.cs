using System.Reflection;
using System.Text.Json;
using Guardia.Server.Hosting;

namespace Guardia.Server.Api.AlertmanagerV2;

/// <summary><c>GET /api/v2/status</c> and <c>GET /api/v2/receivers</c>, shaped as Alertmanager answers them.</summary>
static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/status", WriteStatusAsync);
        app.MapGet("/api/v2/receivers", WriteReceiversAsync);
        return app;
    }

    static readonly string Version = typeof(StatusEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    static async Task WriteStatusAsync(HttpContext ctx, ConfigHolder config, ServerClock clock)
    {
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter, AlertEndpoints.WriterOptions);
        w.WriteStartObject();
        w.WriteStartObject("cluster"u8);
        w.WriteStartArray("peers"u8);
        w.WriteEndArray();
        w.WriteString("status"u8, "disabled");
        w.WriteEndObject();
        w.WriteStartObject("config"u8);
        w.WriteString("original"u8, config.Current.Redacted);
        w.WriteEndObject();
        w.WriteString("uptime"u8, AlertJson.FormatTime(clock.StartedAt));
        w.WriteStartObject("versionInfo"u8);
        w.WriteString("branch"u8, "main");
        w.WriteString("buildDate"u8, "");
        w.WriteString("buildUser"u8, "guardia");
        w.WriteString("goVersion"u8, Environment.Version.ToString());
        w.WriteString("revision"u8, Version);
        w.WriteString("version"u8, Version.Split('+')[0]);
        w.WriteEndObject();
        w.WriteEndObject();
        await w.FlushAsync(ctx.RequestAborted);
    }

    static async Task WriteReceiversAsync(HttpContext ctx, ConfigHolder config)
    {
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter, AlertEndpoints.WriterOptions);
        w.WriteStartArray();
        foreach (var name in config.Current.ReceiverNames)
        {
            w.WriteStartObject();
            w.WriteString("name"u8, name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        await w.FlushAsync(ctx.RequestAborted);
    }
}
