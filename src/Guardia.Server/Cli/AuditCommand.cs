using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Guardia.Core.Audit;
using Guardia.Server.Api.V1;
using Guardia.Storage.Sqlite;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia audit</c> verb: verifies the hash chain and exports the log for compliance, reading the
/// SQLite file directly (no server or token needed; allowed while the server runs: WAL).</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var storage = new Option<string>("--storage.path") { Description = "Directory of the durable store (SQLite).", DefaultValueFactory = _ => "./data", Recursive = true };
        var cmd = new Command("audit", "Verify and export the hash-chained audit log.") { storage };

        var verify = new Command("verify", "Check that no audit event was edited or deleted; exits 1 naming the first bad sequence.");
        verify.SetAction((parse, ct) => VerifyAsync(parse.GetValue(storage)!, Console.Out, Console.Error, ct));
        cmd.Subcommands.Add(verify);

        var format = new Option<string>("--format") { Description = "csv (RFC 4180, header row) or json.", DefaultValueFactory = _ => "csv" };
        var since = new Option<string?>("--since") { Description = "Events at or after: 2026-01-01, an RFC 3339 time, or a duration ago (24h)." };
        var until = new Option<string?>("--until") { Description = "Events before: same forms as --since." };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var export = new Command("export", "Export audit events for compliance.") { format, since, until, output };
        export.SetAction((parse, ct) => ExportAsync(parse.GetValue(storage)!, parse.GetValue(format)!, parse.GetValue(since), parse.GetValue(until),
            parse.GetValue(output), Console.Out, Console.Error, TimeProvider.System, ct));
        cmd.Subcommands.Add(export);
        return cmd;
    }

    /// <summary>Verifies the chain; 0 and the count and head when intact, 1 and the first bad sequence when not, 2 when there is no store.</summary>
    public static async Task<int> VerifyAsync(string storagePath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!await ExistsAsync(storagePath, "audit verify", stderr))
        {
            return 2;
        }
        using var log = new SqliteAuditLog(SqliteDatabase.Open(storagePath));
        // The head first: events appended meanwhile by a running server extend the chain past it and are checked by it.
        var head = await log.GetHeadAsync(ct);
        var result = await AuditVerifier.VerifyAsync(log.ReadAllAsync(ct), head, ct);
        if (!result.Intact)
        {
            await stderr.WriteLineAsync($"guardia audit verify: {result}");
            return 1;
        }
        await stdout.WriteLineAsync(result.ToString());
        if (head is not null)
        {
            // Kept outside the database (a ticket, a log), this detects even a chain rewritten by someone with write access.
            await stdout.WriteLineAsync($"head: sequence {head.Sequence} hash {head.Hash}");
        }
        return 0;
    }

    /// <summary>Writes the events between <paramref name="since"/> and <paramref name="until"/> as CSV or JSON.</summary>
    public static async Task<int> ExportAsync(string storagePath, string format, string? since, string? until, string? output,
        TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(time);
        format = format.ToLowerInvariant();
        if (format is not ("csv" or "json"))
        {
            await stderr.WriteLineAsync($"guardia audit export: --format \"{format}\" is not csv or json");
            return 2;
        }
        var now = time.GetUtcNow();
        if (!TryTime(since, now, out var from) || !TryTime(until, now, out var to))
        {
            await stderr.WriteLineAsync("guardia audit export: --since and --until take a date (2026-01-31), an RFC 3339 time (2026-01-31T08:00:00Z) or a duration ago (24h, 7d)");
            return 2;
        }
        if (!await ExistsAsync(storagePath, "audit export", stderr))
        {
            return 2;
        }
        IReadOnlyList<AuditEvent> events;
        using (var log = new SqliteAuditLog(SqliteDatabase.Open(storagePath)))
        {
            events = await log.QueryAsync(new AuditFilter { Since = from, Until = to }, ct);
        }
        var text = format == "csv" ? Csv(events) : Json(events);
        if (output is null)
        {
            await stdout.WriteAsync(text);
            return 0;
        }
        try
        {
            await File.WriteAllTextAsync(output, text, new UTF8Encoding(false), ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"guardia audit export: cannot write {output}: {ex.Message}");
            return 1;
        }
        await stderr.WriteLineAsync($"Exported {events.Count} audit events to {output}.");
        return 0;
    }

    /// <summary>RFC 4180: CRLF line ends, a header row, fields with a comma, quote or line break quoted and quotes doubled.
    /// Values are exported exactly as hashed, so the export can be re-verified (no spreadsheet-formula escaping).</summary>
    internal static string Csv(IEnumerable<AuditEvent> events)
    {
        var sb = new StringBuilder("sequence,at,actor,kind,target,details,previous_hash,hash\r\n");
        foreach (var e in events)
        {
            string[] fields =
            [
                e.Sequence.ToString(CultureInfo.InvariantCulture), e.At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                e.Actor, e.Kind, e.Target, e.Details, e.PreviousHash, e.Hash,
            ];
            sb.AppendJoin(',', fields.Select(Field)).Append("\r\n");
        }
        return sb.ToString();
    }

    static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    static string Json(IEnumerable<AuditEvent> events)
    {
        var array = new System.Text.Json.Nodes.JsonArray();
        foreach (var e in events)
        {
            array.Add(AuditEndpoints.ToJson(e));
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    internal static bool TryTime(string? text, DateTimeOffset now, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (Durations.TryParse(text, out var ago))
        {
            time = now - ago;
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            time = t;
            return true;
        }
        return false;
    }

    static async Task<bool> ExistsAsync(string storagePath, string verb, TextWriter stderr)
    {
        if (File.Exists(Path.Combine(storagePath, SqliteDatabase.FileName)))
        {
            return true;
        }
        await stderr.WriteLineAsync($"guardia {verb}: no Guardia database under --storage.path \"{storagePath}\" ({SqliteDatabase.FileName} is missing)");
        return false;
    }
}
