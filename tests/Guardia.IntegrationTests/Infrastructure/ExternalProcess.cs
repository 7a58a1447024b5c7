using System.Diagnostics;
using System.Text;

namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>A child process whose output is kept for diagnostics and which is killed when disposed.</summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    ExternalProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ExternalProcess Start(string fileName, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var ep = new ExternalProcess(p);
        p.OutputDataReceived += (_, e) => ep.Append(e.Data);
        p.ErrorDataReceived += (_, e) => ep.Append(e.Data);
        if (!p.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return ep;
    }

    void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Length < 1_000_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>Sends SIGKILL: no shutdown code runs, exactly like <c>kill -9</c>.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Sends SIGTERM and waits for a graceful exit.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }

    /// <summary>Runs a command to completion and returns its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string fileName, IEnumerable<string> args, TimeSpan? timeout = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in time.");
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}
