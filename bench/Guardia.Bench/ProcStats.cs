using System.Diagnostics;
using System.Globalization;

namespace Guardia.Bench;

/// <summary>One reading of a process's resident memory and consumed CPU, taken from /proc.</summary>
sealed record ProcSample(long RssBytes, long CpuTicks)
{
    /// <summary>CPU seconds consumed between an earlier sample and this one.</summary>
    public double CpuSecondsSince(ProcSample earlier) => (CpuTicks - earlier.CpuTicks) / (double)ProcStats.ClockTicksPerSecond;
}

/// <summary>Reads /proc/PID/status (VmRSS) and /proc/PID/stat (utime + stime) of a server process.</summary>
static class ProcStats
{
    static readonly Lazy<long> ClockTicks = new(ReadClockTicks);

    /// <summary>Kernel clock ticks per second (<c>getconf CLK_TCK</c>), the unit of utime and stime.</summary>
    public static long ClockTicksPerSecond => ClockTicks.Value;

    public static ProcSample Sample(int pid) => new(ReadRssBytes(pid), ReadCpuTicks(pid));

    /// <summary>VmRSS of the process in bytes.</summary>
    public static long ReadRssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            // "VmRSS:\t  123456 kB"
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var parts = line["VmRSS:".Length..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line (is the process a zombie?)");
    }

    /// <summary>utime + stime of the process, in clock ticks.</summary>
    public static long ReadCpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may contain spaces, so fields are counted
        // from the last ')': after it come state (field 3), ..., utime (14), stime (15).
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(rest[14 - 3], CultureInfo.InvariantCulture);
        var stime = long.Parse(rest[15 - 3], CultureInfo.InvariantCulture);
        return utime + stime;
    }

    /// <summary>The first three fields of /proc/loadavg ("0.52 0.61 0.58"), or null.</summary>
    public static string? LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return null;
        }
    }

    static long ReadClockTicks()
    {
        try
        {
            var psi = new ProcessStartInfo("getconf") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("CLK_TCK");
            using var p = Process.Start(psi)!;
            if (p.WaitForExit(5000)
                && long.TryParse(p.StandardOutput.ReadToEnd().Trim(), CultureInfo.InvariantCulture, out var ticks)
                && ticks > 0)
            {
                return ticks;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // getconf missing: fall through to Linux's USER_HZ, which is 100 on every mainstream architecture.
        }
        return 100;
    }
}
