using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Guardia.Bench;

/// <summary>Reads the version an Alertmanager binary reports for itself.</summary>
static partial class AlertmanagerVersion
{
    /// <summary>Parses "alertmanager, version 0.25.0 (branch: ..., revision: ...)" from <c>--version</c>.</summary>
    public static string? FromBinary(string path)
    {
        try
        {
            var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("--version");
            using var p = Process.Start(psi)!;
            // A few hundred bytes: they fit the pipe buffers, so waiting before reading cannot deadlock,
            // and a binary that hangs is bounded by the timeout.
            if (!p.WaitForExit(10_000))
            {
                p.Kill();
                return null;
            }
            // Older releases print the version to stderr, newer ones to stdout: read both.
            return Parse(p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public static string? Parse(string text)
    {
        var m = VersionLine().Match(text);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"version\s+v?(\d+\.\d+\.\d+[^\s]*)")]
    private static partial Regex VersionLine();
}
