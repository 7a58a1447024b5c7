using Guardia.Server.Api.V1.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Guardia.Server.Tests.Api.V1.Access;

public sealed class AuditTrailMiddlewareTests
{
    [Theory]
    [InlineData("POST", "/api/v2/silences", "api.silence.create")]
    [InlineData("DELETE", "/api/v2/silence/{silenceID}", "api.silence.delete")]
    [InlineData("POST", "/api/v1/dead-letters/{id}/replay", "api.dead-letter.replay")]
    [InlineData("DELETE", "/api/v1/dead-letters/{id}", "api.dead-letter.delete")]
    [InlineData("PUT", "/api/v1/incidents/{id}", "api.incident.update")]
    [InlineData("PATCH", "/api/v1/status", "api.status.update")]
    [InlineData("POST", "/-/reload", "api.reload")]
    [InlineData("POST", "/api/v1/incidents/{id}/roles/{role}", "api.incident.role.create")]
    public void DeriveKind_NamesChange_FromRoute(string method, string route, string expected)
    {
        Assert.Equal(expected, AuditTrailMiddleware.DeriveKind(method, RoutePatternFactory.Parse(route)));
    }

    [Theory]
    [InlineData("POST", "/api/v2/alerts", false)]
    [InlineData("GET", "/api/v1/dead-letters", false)]
    [InlineData("HEAD", "/api/v2/silences", false)]
    [InlineData("POST", "/api/v2/silences", true)]
    [InlineData("DELETE", "/api/v2/silence/abc", true)]
    [InlineData("POST", "/api/v1/dead-letters/x/replay", true)]
    [InlineData("PUT", "/API/V1/incidents/1", true)]
    [InlineData("POST", "/-/reload", true)]
    [InlineData("POST", "/api/v2/silencesX", false)]
    public void IsAudited_SelectsMutations_ButNotIngestion(string method, string path, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;

        Assert.Equal(expected, AuditTrailMiddleware.IsAudited(context.Request));
    }
}
