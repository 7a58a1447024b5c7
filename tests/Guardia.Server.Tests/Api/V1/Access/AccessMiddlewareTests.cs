using System.Net;
using System.Net.Http.Headers;
using Guardia.Core.Access;
using Guardia.Core.Audit;
using Guardia.Core.Configuration;
using Guardia.Server.Api.V1.Access;
using Guardia.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Guardia.Server.Tests.Api.V1.Access;

/// <summary>The access middleware on a real Kestrel listener on 127.0.0.1: per-sender ingestion tokens on
/// <c>POST /api/v2/alerts</c>, which is never audited, reloading the tokens without a restart, and the audit of a
/// change whose endpoint fails.</summary>
public sealed class AccessMiddlewareTests : IAsyncLifetime
{
    const string PrometheusToken = "prometheus-token-0123456789";
    const string GrafanaToken = "grafana-token-0123456789ab";
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-ingest-").FullName;
    WebApplication _app = null!;
    HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddGuardiaAccess(_dir);
        _app = builder.Build();
        _app.Services.GetRequiredService<IngestionTokenSettings>().Update(new AccessConfig
        {
            IngestionTokens = [new("prometheus", new Secret(PrometheusToken)), new("grafana", new Secret(GrafanaToken))],
        });
        _app.UseGuardiaAccess();
        _app.MapPost("/api/v2/alerts", () => Results.Ok());
        _app.MapPost("/api/v2/silences", () => Results.Ok());
        _app.MapDelete("/api/v2/silence/{silenceID}", IResult () => throw new InvalidOperationException("store unavailable"));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Urls.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync(TestContext.Current.CancellationToken);
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    async Task<HttpStatusCode> PostAsync(string path, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("[]") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("prometheus token", "Bearer " + PrometheusToken, HttpStatusCode.OK)]
    [InlineData("grafana token", "Bearer " + GrafanaToken, HttpStatusCode.OK)]
    [InlineData("scheme in lower case", "bearer " + GrafanaToken, HttpStatusCode.OK)]
    [InlineData("no header", null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong token", "Bearer prometheus-token-0123456788", HttpStatusCode.Unauthorized)]
    [InlineData("token prefix only", "Bearer prometheus-token", HttpStatusCode.Unauthorized)]
    [InlineData("basic auth", "Basic cHJvbWV0aGV1czpwcm9tZXRoZXVzLXRva2Vu", HttpStatusCode.Unauthorized)]
    [InlineData("empty bearer", "Bearer ", HttpStatusCode.Unauthorized)]
    public async Task PostAlerts_RequiresIngestionToken_WhenConfigured(string name, string? authorization, HttpStatusCode expected)
    {
        _ = name;

        Assert.Equal(expected, await PostAsync("/api/v2/alerts", authorization));
    }

    [Fact]
    public async Task Silences_StayOpen_WhenOnlyIngestionIsProtected()
    {
        Assert.Equal(HttpStatusCode.OK, await PostAsync("/api/v2/silences", null));
    }

    [Fact]
    public async Task PostAlerts_IsOpenAgain_WhenTokensAreRemovedByReload()
    {
        _app.Services.GetRequiredService<IngestionTokenSettings>().Update(AccessConfig.Default);

        Assert.Equal(HttpStatusCode.OK, await PostAsync("/api/v2/alerts", null));
    }

    [Fact]
    public async Task AuditLog_RecordsSilenceButNotIngestion()
    {
        await PostAsync("/api/v2/alerts", "Bearer " + PrometheusToken);
        await PostAsync("/api/v2/silences", null);
        await PostAsync("/api/v2/alerts", "Bearer " + PrometheusToken);

        var events = await _app.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditFilter(), TestContext.Current.CancellationToken);

        var e = Assert.Single(events);
        Assert.Equal("api.silence.create", e.Kind);
    }

    [Fact]
    public async Task AuditLog_RecordsFailedChange_WhenEndpointThrows()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v2/silence/abc-123");
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        var events = await _app.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditFilter(), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var e = Assert.Single(events);
        Assert.Equal(("api.silence.delete", "abc-123"), (e.Kind, e.Target));
        Assert.Contains("\"status\":500", e.Details, StringComparison.Ordinal);
    }
}
