using System.Net;
using Guardia.Core.Incidents;
using Guardia.Server.Hosting;

namespace Guardia.Server.Api;

/// <summary>The acknowledge link every page carries: <c>GET /ack?token=…</c> shows the incident and a button (a link
/// preview or a mail scanner that follows links must not acknowledge), <c>POST /ack</c> acknowledges. The signed,
/// expiring token is the credential, so nobody has to log in at 3 a.m.; the page is in English and Spanish.</summary>
static class AckEndpoints
{
    public static IEndpointRouteBuilder MapAckEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ack", (HttpRequest request) =>
        {
            var token = request.Query["token"].ToString();
            if (token.Length == 0)
            {
                return Page(400, "Missing token", "Falta el token", "The link is incomplete.", "El enlace está incompleto.", null);
            }
            return Page(200, "Acknowledge the incident", "Confirmar el incidente",
                "Press the button to acknowledge: escalation stops and the timeline records you.",
                "Presiona el botón para confirmar: la escalada se detiene y la línea de tiempo te registra.", token);
        });
        app.MapPost("/ack", async (HttpRequest request, IncidentService incidents, CancellationToken ct) =>
        {
            string token;
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(ct);
                token = form["token"].ToString();
            }
            else
            {
                token = request.Query["token"].ToString();
            }
            try
            {
                var incident = await incidents.Engine.AcknowledgeWithTokenAsync(token, ct);
                return Page(200, $"{incident.Id} acknowledged", $"{incident.Id} confirmado",
                    $"[{incident.Severity}] {incident.Title} — acknowledged by {incident.AcknowledgedBy}.",
                    $"[{incident.Severity}] {incident.Title} — confirmado por {incident.AcknowledgedBy}.", null);
            }
            catch (IncidentException ex)
            {
                var status = ex.Error switch { IncidentError.NotFound => 404, IncidentError.InvalidTransition => 409, _ => 403 };
                return Page(status, "Cannot acknowledge", "No se pudo confirmar", ex.Message,
                    ex.Error == IncidentError.InvalidToken ? "El enlace no es válido o expiró." : ex.Message, null);
            }
        });
        return app;
    }

    static IResult Page(int status, string title, string titulo, string text, string texto, string? token)
    {
        var form = token is null ? string.Empty : $"""
            <form method="post" action="ack"><input type="hidden" name="token" value="{WebUtility.HtmlEncode(token)}">
            <button type="submit">Acknowledge / Confirmar</button></form>
            """;
        var html = $"""
            <!doctype html>
            <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Guardia — {WebUtility.HtmlEncode(title)}</title></head>
            <body><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>
            <h2 lang="es">{WebUtility.HtmlEncode(titulo)}</h2><p lang="es">{WebUtility.HtmlEncode(texto)}</p>{form}</body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }
}
