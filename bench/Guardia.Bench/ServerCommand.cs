namespace Guardia.Bench;

/// <summary>How a server under test takes its command-line flags.</summary>
enum ServerFlavor
{
    /// <summary><c>prometheus-alertmanager --config.file=... --storage.path=... --web.listen-address=...</c>.</summary>
    Alertmanager,

    /// <summary><c>guardia serve --web.listen-address ... --storage.path ... --config.file ...</c>.</summary>
    Guardia,
}

/// <summary>The command line that starts one server under test, without its per-run flags.</summary>
sealed record ServerCommand(string Name, string FileName, IReadOnlyList<string> PrefixArgs, ServerFlavor Flavor)
{
    public const string DefaultAlertmanagerPath = "/usr/bin/prometheus-alertmanager";
    public const string GuardiaDllRelativePath = "src/Guardia.Server/bin/Release/net10.0/guardia.dll";

    /// <summary>The full argument vector for a run on <paramref name="listen"/> with the given storage and config.</summary>
    public IReadOnlyList<string> BuildArguments(string listen, string storageDir, string configFile)
    {
        var args = new List<string>(PrefixArgs);
        if (Flavor == ServerFlavor.Alertmanager)
        {
            args.Add($"--config.file={configFile}");
            args.Add($"--storage.path={storageDir}");
            args.Add($"--web.listen-address={listen}");
            // An empty cluster address disables gossip: no UDP/TCP listener on 9094, no settle wait before ready.
            args.Add("--cluster.listen-address=");
        }
        else
        {
            args.AddRange(["serve", "--web.listen-address", listen, "--storage.path", storageDir, "--config.file", configFile]);
        }
        return args;
    }

    public string Display => string.Join(' ', new[] { FileName }.Concat(PrefixArgs));

    public static ServerCommand Alertmanager(string path)
    {
        if (!File.Exists(path))
        {
            throw new BenchException($"Alertmanager not found at {path}: install the Debian package prometheus-alertmanager or pass --alertmanager PATH.", 2);
        }
        return new ServerCommand("Alertmanager", path, [], ServerFlavor.Alertmanager);
    }

    /// <summary>
    /// Resolves the Guardia command: an explicit <c>--guardia "dotnet /path/guardia.dll"</c>, the word
    /// <c>alertmanager</c> (a second Alertmanager in Guardia's column, to test the harness itself), or the
    /// Release build found relative to the repository root. Never builds anything.
    /// </summary>
    public static ServerCommand Guardia(string? spec, string alertmanagerPath)
    {
        if (string.Equals(spec, "alertmanager", StringComparison.OrdinalIgnoreCase))
        {
            return new ServerCommand("Alertmanager (as Guardia)", alertmanagerPath, [], ServerFlavor.Alertmanager);
        }
        if (!string.IsNullOrWhiteSpace(spec))
        {
            var words = SplitCommandLine(spec);
            return new ServerCommand("Guardia", words[0], words.Skip(1).ToArray(), ServerFlavor.Guardia);
        }
        var root = RepoRoot.Find();
        var dll = Path.Combine(root, GuardiaDllRelativePath);
        if (!File.Exists(dll))
        {
            throw new BenchException(
                $"Guardia server not built: {dll} does not exist.\n" +
                "Run `dotnet build -c Release src/Guardia.Server` from the repository root first, " +
                "or pass --guardia \"dotnet /path/to/guardia.dll\" (or --guardia alertmanager to test the harness).", 2);
        }
        return new ServerCommand("Guardia", "dotnet", [dll], ServerFlavor.Guardia);
    }

    /// <summary>Splits on whitespace, honouring single and double quotes; no shell is involved.</summary>
    static string[] SplitCommandLine(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (quote != '\0')
        {
            throw new BenchException($"Unbalanced quote in --guardia \"{text}\".", 2);
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        if (words.Count == 0)
        {
            throw new BenchException("--guardia is empty.", 2);
        }
        return words.ToArray();
    }
}
