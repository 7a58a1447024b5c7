using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace Guardia.Bench;

/// <summary>
/// One running server under test on 127.0.0.1: started, waited for until <c>/-/ready</c> answers 200,
/// stopped with SIGTERM, and killed if anything goes wrong. Every live child is tracked so that
/// <see cref="KillAll"/> can clean up on Ctrl-C or process exit.
/// </summary>
sealed class ServerProcess : IAsyncDisposable
{
    const int Sigterm = 15;
    const int TailLines = 40;

    static readonly ConcurrentDictionary<int, Process> Live = new();

    readonly Process _process;
    readonly Queue<string> _tail = new();
    readonly object _tailLock = new();
    bool _disposed;

    ServerProcess(ServerCommand command, Process process, int port, string storageDir)
    {
        Command = command;
        _process = process;
        Pid = process.Id;
        Port = port;
        StorageDir = storageDir;
    }

    public ServerCommand Command { get; }

    public int Port { get; }

    public string StorageDir { get; }

    public int Pid { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Time from just before the process was started to the first 200 from <c>/-/ready</c>.</summary>
    public TimeSpan StartToReady { get; private set; }

    /// <summary>Kills every server this harness started and has not stopped yet.</summary>
    public static void KillAll()
    {
        foreach (var (pid, process) in Live)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            Live.TryRemove(pid, out _);
        }
    }

    /// <summary>Starts the server and returns once <c>/-/ready</c> has answered 200.</summary>
    public static async Task<ServerProcess> StartAsync(
        ServerCommand command, int port, string storageDir, string configFile, TimeSpan readyTimeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = storageDir,
        };
        foreach (var arg in command.BuildArguments($"127.0.0.1:{port}", storageDir, configFile))
        {
            psi.ArgumentList.Add(arg);
        }
        // Keep the servers off any proxy a developer's shell may export: everything here is loopback.
        psi.Environment.Remove("HTTP_PROXY");
        psi.Environment.Remove("HTTPS_PROXY");
        psi.Environment.Remove("http_proxy");
        psi.Environment.Remove("https_proxy");
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var started = Stopwatch.GetTimestamp();
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new BenchException($"Could not start {command.Display}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BenchException($"Could not start {command.Name} ({command.FileName}): {e.Message}");
        }
        Live[process.Id] = process;
        var server = new ServerProcess(command, process, port, storageDir);
        process.OutputDataReceived += (_, e) => server.Remember("out", e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember("err", e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            server.StartToReady = await server.WaitReadyAsync(started, readyTimeout, ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends SIGTERM and waits for a clean exit; returns how long the shutdown took.</summary>
    public async Task<TimeSpan> StopAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_process.HasExited)
        {
            throw new BenchException($"{Command.Name} (pid {Pid}) exited on its own with code {_process.ExitCode} before it was stopped.\n{Tail()}");
        }
        var begin = Stopwatch.GetTimestamp();
        if (kill(Pid, Sigterm) != 0)
        {
            throw new BenchException($"kill({Pid}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _process.Kill(entireProcessTree: true);
            throw new BenchException($"{Command.Name} (pid {Pid}) did not exit within {timeout.TotalSeconds:0} s of SIGTERM; killed it.\n{Tail()}");
        }
        var elapsed = Stopwatch.GetElapsedTime(begin);
        Live.TryRemove(Pid, out _);
        return elapsed;
    }

    /// <summary>The last lines the server wrote to stdout and stderr, for error messages.</summary>
    public string Tail()
    {
        lock (_tailLock)
        {
            return _tail.Count == 0
                ? $"  ({Command.Name} wrote nothing to stdout or stderr)"
                : $"  last {_tail.Count} lines of {Command.Name} output:\n" + string.Join('\n', _tail.Select(l => "  | " + l));
        }
    }

    /// <summary>Throws with the server's last output if it has exited, e.g. crashed under load.</summary>
    public void EnsureRunning(string during)
    {
        if (_process.HasExited)
        {
            throw new BenchException($"{Command.Name} (pid {Pid}) died during {during}: exited with code {_process.ExitCode}.\n{Tail()}");
        }
    }

    /// <summary>"running" or how the process ended, for error messages.</summary>
    public string State()
    {
        if (_disposed)
        {
            return "stopped by the harness";
        }
        return _process.HasExited ? $"exited with code {_process.ExitCode}" : "still running";
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Gone already, or stuck beyond SIGKILL (nothing more a user process can do).
        }
        Live.TryRemove(Pid, out _);
        _process.Dispose();
    }

    async Task<TimeSpan> WaitReadyAsync(long started, TimeSpan timeout, CancellationToken ct)
    {
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(2),
        };
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new BenchException($"{Command.Name} exited with code {_process.ExitCode} before it became ready.\n  command: {Command.Display}\n{Tail()}");
            }
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new BenchException($"{Command.Name} (pid {Pid}) did not answer 200 on {BaseAddress}-/ready within {timeout.TotalSeconds:0} s.\n  command: {Command.Display}\n{Tail()}");
            }
            try
            {
                using var response = await probe.GetAsync("-/ready", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return Stopwatch.GetElapsedTime(started);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Listening but slow to answer; the overall timeout above bounds this loop.
            }
            // Poll often: the figure of interest (time to ready) is often well under a second.
            await Task.Delay(TimeSpan.FromMilliseconds(5), ct);
        }
    }

    void Remember(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tailLock)
        {
            _tail.Enqueue($"[{stream}] {line}");
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable IDE1006, SYSLIB1054 // libc's own name; LibraryImport would need unsafe blocks for no gain here.
    static extern int kill(int pid, int sig);
#pragma warning restore IDE1006, SYSLIB1054
}
