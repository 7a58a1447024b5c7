using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.Core.Access;
using Guardia.Core.Audit;
using Guardia.Storage.Sqlite;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia token</c> verb: creates, lists and revokes API tokens in the SQLite file (allowed while the
/// server runs: WAL), and asks a running server who a token is (<c>whoami</c>).</summary>
public static class TokenCommand
{
    public static Command Create()
    {
        var storage = new Option<string>("--storage.path") { Description = "Directory of the durable store (SQLite).", DefaultValueFactory = _ => "./data", Recursive = true };
        var cmd = new Command("token", "Create, list and revoke API tokens (roles: viewer, responder, admin).") { storage };

        var name = new Option<string>("--name") { Description = "Who or what uses the token (unique; shown in the audit log).", Required = true };
        var role = new Option<string>("--role") { Description = "viewer, responder or admin.", Required = true };
        var create = new Command("create", "Create a token; the secret is printed once, on stdout, and never stored.") { name, role };
        create.SetAction((parse, ct) => CreateAsync(parse.GetValue(storage)!, parse.GetValue(name)!, parse.GetValue(role)!, Console.Out, Console.Error, ct));
        cmd.Subcommands.Add(create);

        var listOutput = new Option<OutputFormat>("--output", "-o") { Description = "table or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var list = new Command("list", "List the tokens (never their secrets).") { listOutput };
        list.SetAction((parse, ct) => ListAsync(parse.GetValue(storage)!, parse.GetValue(listOutput), Console.Out, Console.Error, ct));
        cmd.Subcommands.Add(list);

        var target = new Argument<string>("token") { Description = "The id or name of the token." };
        var revoke = new Command("revoke", "Revoke a token; requests with it are refused from the next one on.") { target };
        revoke.SetAction((parse, ct) => RevokeAsync(parse.GetValue(storage)!, parse.GetValue(target)!, Console.Out, Console.Error, ct));
        cmd.Subcommands.Add(revoke);

        var api = new ApiClientOptions();
        var whoami = new Command("whoami", "Ask the running server which token --token (or $GUARDIA_TOKEN) is.");
        api.AddTo(whoami);
        whoami.SetAction((parse, ct) => ApiClientOptions.RunAsync("token whoami", Console.Error, async () =>
        {
            using var client = api.CreateClient(parse);
            var me = await client.GetAsync("/api/v1/whoami", ct);
            ApiClientOptions.Write(me, parse.GetValue(api.Output), [("Name", "name"), ("Role", "role")], Console.Out);
            return 0;
        }));
        cmd.Subcommands.Add(whoami);
        return cmd;
    }

    /// <summary>Creates a token and prints its secret alone on <paramref name="stdout"/> (so <c>$(guardia token create …)</c> captures it).</summary>
    public static async Task<int> CreateAsync(string storagePath, string name, string role, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!RoleNames.TryParse(role, out var parsed))
        {
            await stderr.WriteLineAsync($"guardia token create: --role \"{role}\" is not one of {string.Join(", ", RoleNames.All)}");
            return 2;
        }
        if (ApiTokens.ValidateName(name) is { } invalid)
        {
            await stderr.WriteLineAsync($"guardia token create: {invalid}");
            return 2;
        }
        using var store = new SqliteApiTokenStore(SqliteDatabase.Open(storagePath));
        try
        {
            var (token, secret) = await new ApiTokens(store, TimeProvider.System).CreateAsync(name, parsed, ct);
            await AuditAsync(storagePath, "token.create", token.Name, new() { ["id"] = token.Id, ["role"] = RoleNames.Name(token.Role) }, ct);
            await stderr.WriteLineAsync($"Created token {token.Name} (id {token.Id}, role {RoleNames.Name(token.Role)}). Copy it now: it is not shown again.");
            await stdout.WriteLineAsync(secret);
            return 0;
        }
        catch (ApiTokenException ex)
        {
            await stderr.WriteLineAsync($"guardia token create: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Prints every token (id, name, role, created, last used, revoked) as a table or JSON.</summary>
    public static async Task<int> ListAsync(string storagePath, OutputFormat format, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        using var store = new SqliteApiTokenStore(SqliteDatabase.Open(storagePath));
        var rows = new JsonArray();
        foreach (var t in await store.ListAsync(ct))
        {
            rows.Add(new JsonObject
            {
                ["id"] = t.Id,
                ["name"] = t.Name,
                ["role"] = RoleNames.Name(t.Role),
                ["createdAt"] = Time(t.CreatedAt),
                ["lastUsedAt"] = t.LastUsedAt is { } u ? Time(u) : null,
                ["revokedAt"] = t.RevokedAt is { } r ? Time(r) : null,
            });
        }
        using var doc = System.Text.Json.JsonDocument.Parse(rows.ToJsonString());
        ApiClientOptions.Write(doc.RootElement, format,
            [("Id", "id"), ("Name", "name"), ("Role", "role"), ("Created", "createdAt"), ("Last used", "lastUsedAt"), ("Revoked", "revokedAt")], stdout);
        return 0;
    }

    /// <summary>Revokes the token with this id or name.</summary>
    public static async Task<int> RevokeAsync(string storagePath, string idOrName, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        using var store = new SqliteApiTokenStore(SqliteDatabase.Open(storagePath));
        if (!await store.RevokeAsync(idOrName, TimeProvider.System.GetUtcNow(), ct))
        {
            await stderr.WriteLineAsync($"guardia token revoke: no valid token has the id or name \"{idOrName}\" (see guardia token list)");
            return 1;
        }
        await AuditAsync(storagePath, "token.revoke", idOrName, [], ct);
        await stdout.WriteLineAsync($"Revoked {idOrName}.");
        return 0;
    }

    static async Task AuditAsync(string storagePath, string kind, string target, Dictionary<string, string?> details, CancellationToken ct)
    {
        using var log = new SqliteAuditLog(SqliteDatabase.Open(storagePath));
        await log.AppendAsync(new AuditEntry(TimeProvider.System.GetUtcNow(), "cli:" + Environment.UserName, kind, target, AuditDetails.Of(details)), ct);
    }

    static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
