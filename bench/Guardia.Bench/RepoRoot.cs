namespace Guardia.Bench;

/// <summary>Finds the repository root: the nearest directory holding Guardia.slnx.</summary>
static class RepoRoot
{
    public static string Find()
    {
        // The working directory first (dotnet run from the root), then the binary's location
        // (bench/Guardia.Bench/bin/Release/net10.0/), so both ways of starting the harness agree.
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Guardia.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new BenchException("Cannot find the repository root (a directory with Guardia.slnx) above the working directory or the harness binary.", 2);
    }
}
