using YamlDotNet.RepresentationModel;

namespace Guardia.Server.Hosting;

/// <summary>The configuration the server runs with; replaced whole on reload.</summary>
sealed record ConfigSnapshot(string? File, string Original, TimeSpan ResolveTimeout, string RootReceiver, IReadOnlyList<string> ReceiverNames, DateTimeOffset LoadedAt)
{
    public string Redacted => Original;

    const string DefaultYaml = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    public static ConfigSnapshot Load(string? file, DateTimeOffset now)
    {
        var text = file is null ? DefaultYaml : System.IO.File.ReadAllText(file);
        var stream = new YamlStream();
        using (var reader = new StringReader(text))
        {
            stream.Load(reader);
        }
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        var resolveTimeout = TimeSpan.FromMinutes(5);
        var rootReceiver = "default";
        var names = new List<string>();
        if (root is not null)
        {
            if (root.Children.TryGetValue(new YamlScalarNode("global"), out var g) && g is YamlMappingNode global &&
                global.Children.TryGetValue(new YamlScalarNode("resolve_timeout"), out var rt) && rt is YamlScalarNode rts)
            {
                resolveTimeout = ParseDuration(rts.Value ?? "5m");
            }
            if (root.Children.TryGetValue(new YamlScalarNode("route"), out var r) && r is YamlMappingNode route &&
                route.Children.TryGetValue(new YamlScalarNode("receiver"), out var rr) && rr is YamlScalarNode rrs)
            {
                rootReceiver = rrs.Value ?? rootReceiver;
            }
            if (root.Children.TryGetValue(new YamlScalarNode("receivers"), out var rs) && rs is YamlSequenceNode receivers)
            {
                foreach (var item in receivers.Children.OfType<YamlMappingNode>())
                {
                    if (item.Children.TryGetValue(new YamlScalarNode("name"), out var n) && n is YamlScalarNode ns && ns.Value is { } name)
                    {
                        names.Add(name);
                    }
                }
            }
        }
        return new ConfigSnapshot(file, text, resolveTimeout, rootReceiver, names, now);
    }

    static TimeSpan ParseDuration(string text)
    {
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            var n = long.Parse(text.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            total += text[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                "w" => TimeSpan.FromDays(7 * n),
                "y" => TimeSpan.FromDays(365 * n),
                var u => throw new FormatException($"not a valid duration string: \"{text}\" (unknown unit \"{u}\")"),
            };
        }
        return total;
    }
}
