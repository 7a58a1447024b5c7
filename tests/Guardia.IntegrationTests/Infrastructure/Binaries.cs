namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>Where the programs under test and the real peers live.</summary>
public static class Binaries
{
    /// <summary>The repository root (the folder holding Guardia.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The built <c>guardia.dll</c>, copied with its runtime config next to this test assembly.</summary>
    public static string GuardiaDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "guardia.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: the test project references Guardia.Server, rebuild it.");
        }
    }

    public static string Amtool => Require("/usr/bin/amtool", "prometheus-alertmanager");

    public static string Alertmanager => Require("/usr/bin/prometheus-alertmanager", "prometheus-alertmanager");

    public static string Prometheus => Require("/usr/bin/prometheus", "prometheus");

    /// <summary>Runs <c>guardia ARGS</c> to completion.</summary>
    public static Task<(int ExitCode, string StdOut, string StdErr)> RunGuardiaAsync(params string[] args) =>
        ExternalProcess.RunAsync("dotnet", [GuardiaDll, .. args]);

    static string Require(string path, string package) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: install the Debian package {package} (./test.sh does).");

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Guardia.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("Guardia.slnx not found above the test directory.");
    }
}
