using System.Net.Http.Headers;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Access;

/// <summary>API tokens for integration tests, created with the real <c>guardia token create</c> on the server's store.</summary>
public static class TestTokens
{
    /// <summary>Creates a token with <paramref name="role"/> and returns its secret.</summary>
    public static async Task<string> CreateAsync(AlertApiServer server, string name, string role)
    {
        var (code, stdout, stderr) = await Binaries.RunGuardiaAsync("token", "create", "--name", name, "--role", role, "--storage.path", server.StoragePath);
        Assert.True(code == 0, $"guardia token create failed ({code}): {stderr}");
        return stdout.Trim();
    }

    /// <summary>A request to <paramref name="path"/> with <paramref name="token"/> as bearer (none when null).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }
}
