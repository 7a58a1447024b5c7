using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Runs a bash script for a shell or kubectl step: in a fresh scratch directory, as its own session (so the
/// whole process group can be killed), with PATH limited to the allowlist and the environment stripped to PATH,
/// HOME, TMPDIR, LANG, TZ and the parameters.</summary>
sealed partial class ShellRunner
{
    const int SigKill = 9;

    /// <summary>How long the output of a finished step is still read.</summary>
    static readonly TimeSpan PipeGrace = TimeSpan.FromSeconds(5);

    readonly RunbookActionOptions _options;
    readonly Lazy<string> _binDirectory;
    readonly Lazy<string> _bash;
    readonly Lazy<string?> _setsid;

    public ShellRunner(RunbookActionOptions options)
    {
        _options = options;
        _binDirectory = new Lazy<string>(BuildBinDirectory);
        _bash = new Lazy<string>(() => Resolve("bash") ?? throw new StepRejectedException("bash was not found in " + string.Join(":", _options.ExecutableSearchPath)));
        _setsid = new Lazy<string?>(() => Resolve("setsid"));
    }

    /// <summary>The directory of symlinks that is the steps' whole PATH.</summary>
    public string BinDirectory => _binDirectory.Value;

    /// <summary>Refuses a body that reaches around the allowlist in ways we can see: an absolute path to an executable
    /// that is not allowed, an assignment to PATH, <c>command -p</c>, <c>enable -f</c> or <c>hash -p</c>.</summary>
    public void CheckBody(string body)
    {
        var bypass = Bypass().Match(body);
        if (bypass.Success)
        {
            throw new StepRejectedException($"the step body uses \"{bypass.Value.Trim()}\", which would escape the executable allowlist; call allowed programs by name");
        }
        foreach (Match m in AbsolutePath().Matches(body))
        {
            var path = m.Groups[1].Value;
            if (IsExecutableFile(path) && !_options.Executables.Contains(Path.GetFileName(path), StringComparer.Ordinal))
            {
                throw new StepRejectedException($"the step body names {path}, which is not in this installation's executable allowlist ({string.Join(", ", _options.Executables)})");
            }
        }
    }

    /// <summary>Runs <paramref name="script"/> to completion and returns bash's exit code; output goes to
    /// <paramref name="output"/>. On cancellation the whole process group is killed before this returns.</summary>
    public async Task<int> RunAsync(StepRequest request, string script, OutputCapture output, CancellationToken ct)
    {
        var scratch = CreateScratch(request);
        try
        {
            var scriptPath = Path.Combine(scratch, ".step.sh");
            await File.WriteAllTextAsync(scriptPath, script, new UTF8Encoding(false), ct);
            var psi = new ProcessStartInfo
            {
                FileName = _setsid.Value ?? _bash.Value,
                WorkingDirectory = scratch,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (_setsid.Value is not null)
            {
                // --wait: should setsid ever have to fork (it does when started as a process group leader), it
                // still waits for bash and returns its exit status instead of returning at once.
                psi.ArgumentList.Add("--wait");
                psi.ArgumentList.Add(_bash.Value);
            }
            foreach (var a in (string[])["--noprofile", "--norc", "-e", "-u", "-o", "pipefail", scriptPath])
            {
                psi.ArgumentList.Add(a);
            }
            psi.Environment.Clear();
            psi.Environment["PATH"] = BinDirectory;
            psi.Environment["HOME"] = scratch;
            psi.Environment["TMPDIR"] = scratch;
            psi.Environment["LANG"] = "C.UTF-8";
            psi.Environment["TZ"] = "UTC";
            foreach (var (name, value) in request.Parameters)
            {
                psi.Environment[name] = value;
            }
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("bash did not start");
            process.StandardInput.Close();
            var pid = process.Id;
            var stdout = PumpAsync(process.StandardOutput.BaseStream, output);
            var stderr = PumpAsync(process.StandardError.BaseStream, output);
            using (ct.Register(() => KillGroup(process, pid)))
            {
                try
                {
                    await process.WaitForExitAsync(CancellationToken.None);
                }
                finally
                {
                    // Background children left by the script would keep the pipes open and outlive the step.
                    KillGroup(process, pid);
                }
                // A descendant that escaped the group (it called setsid itself) could hold the pipes open for as long
                // as it lives; the step is over, so its output is read for a short grace period and no longer.
                var pumps = Task.WhenAll(stdout, stderr);
                if (await Task.WhenAny(pumps, Task.Delay(PipeGrace, CancellationToken.None)) != pumps)
                {
                    process.StandardOutput.BaseStream.Dispose();
                    process.StandardError.BaseStream.Dispose();
                    output.Append("\n[guardia: output cut: a process the step started in the background still holds it]\n"u8);
                }
            }
            ct.ThrowIfCancellationRequested();
            return process.ExitCode;
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    string CreateScratch(StepRequest request)
    {
        Directory.CreateDirectory(_options.ScratchRoot);
        var name = string.Concat(Safe(request.RunId), "-", Safe(request.StepId), "-", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var dir = Path.Combine(_options.ScratchRoot, name);
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return dir;
    }

    static string Safe(string s)
    {
        var chars = s.Take(40).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray();
        return chars.Length == 0 ? "_" : new string(chars);
    }

    static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover scratch directory is harmless; the next step gets a new one.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    static async Task PumpAsync(Stream stream, OutputCapture output)
    {
        var buffer = new byte[8192];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            output.Append(buffer.AsSpan(0, n));
        }
    }

    static void KillGroup(Process process, int pid)
    {
        // The step runs as its own session and process group (setsid), so -pid reaches every child it started,
        // even the ones it put in the background; Kill(entireProcessTree) covers the case without setsid.
        _ = Kill(-pid, SigKill);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int Kill(int pid, int signal);

    string? Resolve(string name)
    {
        foreach (var dir in _options.ExecutableSearchPath)
        {
            var path = Path.Combine(dir, name);
            if (IsExecutableFile(path))
            {
                return path;
            }
        }
        return null;
    }

    static bool IsExecutableFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            return target is { Exists: true } && (target.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    string BuildBinDirectory()
    {
        var key = string.Join("\n", _options.Executables) + "\0" + string.Join("\n", _options.ExecutableSearchPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        var dir = Path.Combine(_options.ScratchRoot, ".bin-" + hash);
        if (Directory.Exists(dir))
        {
            return dir;
        }
        Directory.CreateDirectory(_options.ScratchRoot);
        var building = dir + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Directory.CreateDirectory(building);
        foreach (var name in _options.Executables)
        {
            if (Resolve(name) is { } path)
            {
                File.CreateSymbolicLink(Path.Combine(building, name), new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path);
            }
        }
        if (!OperatingSystem.IsWindows())
        {
            // Steps run next to this directory: they must not be able to add programs to their own PATH.
            File.SetUnixFileMode(building, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        try
        {
            Directory.Move(building, dir);
        }
        catch (IOException) when (Directory.Exists(dir))
        {
            // Another executor built the same directory first; theirs is identical.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(building, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            TryDelete(building);
        }
        return dir;
    }

    [GeneratedRegex(@"(?<![\w.$/-])(/[A-Za-z0-9._+-]+(?:/[A-Za-z0-9._+-]+)*)")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"(?<![\w-])(PATH\+?=|command\s+-[a-zA-Z]*p|enable\s+-[a-zA-Z]*f|hash\s+-[a-zA-Z]*p)")]
    private static partial Regex Bypass();
}
