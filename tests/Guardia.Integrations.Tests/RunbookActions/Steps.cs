using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;

namespace Guardia.Integrations.Tests.RunbookActions;

/// <summary>Builds step requests and per-test scratch roots.</summary>
static class Steps
{
    public static StepRequest Request(
        string kind,
        string body,
        IReadOnlyDictionary<string, string>? parameters = null,
        IReadOnlyDictionary<string, string>? attributes = null,
        IEnumerable<string>? secrets = null,
        TimeSpan? timeout = null) =>
        new("run-1", "step-1", kind, body,
            attributes ?? new Dictionary<string, string>(),
            parameters ?? new Dictionary<string, string>(),
            new HashSet<string>(secrets ?? []),
            timeout ?? TimeSpan.FromSeconds(30));

    public static Dictionary<string, string> Params(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    /// <summary>Options whose scratch root is a fresh temp directory.</summary>
    public static RunbookActionOptions Options(IEnumerable<string>? extraExecutables = null) =>
        new()
        {
            ScratchRoot = Path.Combine(Path.GetTempPath(), "guardia-steps-test-" + Guid.NewGuid().ToString("N")),
            Executables = [.. RunbookActionOptions.DefaultExecutables, .. extraExecutables ?? []],
        };

    /// <summary>Removes a scratch root, making the read-only directory of executable links writable first.</summary>
    public static void DeleteScratch(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var bin in Directory.GetDirectories(root, ".bin-*"))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(bin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        Directory.Delete(root, recursive: true);
    }

    public static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Shell-breaking payloads, each of which would create <paramref name="marker"/> or remove
    /// <paramref name="canary"/> if it were ever evaluated as shell text.</summary>
    public static IEnumerable<(string Name, string Payload)> Injections(string marker, string canary) =>
    [
        ("command substitution", $"$(touch {marker})"),
        ("backticks",            $"`touch {marker}`"),
        ("semicolon rm -rf",     $"x; rm -rf {canary}; touch {marker}"),
        ("newline",              $"x\ntouch {marker}\n"),
        ("single quotes",        $"x'; touch {marker}; echo '"),
        ("double quotes",        $"x\"; touch {marker}; echo \""),
        ("pipe",                 $"x | touch {marker}"),
        ("and-and",              $"x && touch {marker}"),
        ("variable expansion",   "${HOME:?} $PATH ${IFS}"),
        ("process substitution", $"<(touch {marker})"),
        ("glob and redirect",    $"* > {marker}"),
    ];
}
