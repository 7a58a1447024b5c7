using System.Diagnostics;
using System.Text;

namespace Guardia.IntegrationTests.Configuration;

/// <summary>Guardia rejects every file <c>amtool check-config</c> rejects, says at least what Alertmanager says, and adds where.</summary>
public sealed class CheckConfigParityTests
{
    static readonly string InvalidDir = Path.Combine(AppContext.BaseDirectory, "Configuration", "invalid");

    static readonly string GuardiaDll = typeof(Guardia.Server.Cli.CheckCommand).Assembly.Location;

    public static IEnumerable<TheoryDataRow<string>> InvalidFiles =>
        Directory.EnumerateFiles(InvalidDir, "*.yml").Order(StringComparer.Ordinal).Select(f => new TheoryDataRow<string>(Path.GetFileName(f)) { TestDisplayName = Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public async Task Check_RejectsWhatAmtoolRejects_WithPosition(string name)
    {
        Assert.True(File.Exists("/usr/bin/amtool"), "amtool is not installed; install the Debian package prometheus-alertmanager.");
        var (amOut, amExit) = await RunAsync("/usr/bin/amtool", "check-config", name);
        var (gOut, gExit) = await RunAsync("dotnet", GuardiaDll, "check", "--config.file", name);

        Assert.Equal(1, amExit);
        Assert.Equal(1, gExit);
        var amMessage = FailedMessage(amOut);
        var guardiaMessage = FailedMessage(gOut);
        Assert.Matches($"^{name.Replace(".", "\\.", StringComparison.Ordinal)}:[0-9]+:[0-9]+: ", guardiaMessage);
        if (!amMessage.StartsWith("yaml:", StringComparison.Ordinal))
        {
            Assert.Contains(amMessage, guardiaMessage, StringComparison.Ordinal);
        }
    }

    static string FailedMessage(string stdout)
    {
        var line = stdout.Split('\n')[0];
        var at = line.IndexOf("  FAILED: ", StringComparison.Ordinal);
        Assert.True(at >= 0, "no FAILED line in: " + stdout);
        return line[(at + "  FAILED: ".Length)..];
    }

    static async Task<(string Stdout, int ExitCode)> RunAsync(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
            // Run from the corpus folder so both tools print the same relative file name.
            WorkingDirectory = InvalidDir,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        _ = await stderr;
        return (await stdout, process.ExitCode);
    }
}
