using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Guardia.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Guardia.IntegrationTests.Configuration;

/// <summary>Starts the real Alertmanager on a configuration and compares its <c>/api/v2/status</c> <c>config.original</c>
/// with <see cref="AlertmanagerConfig.ToRedactedYaml"/>: first as YAML trees, then as text.</summary>
public sealed class StatusConfigParityTests
{
    static readonly string CorpusDir = Path.Combine(AppContext.BaseDirectory, "Configuration", "corpus");

    public static IEnumerable<TheoryDataRow<string>> Configs =>
        Directory.EnumerateFiles(CorpusDir, "*.yml").Order(StringComparer.Ordinal).Select(f => new TheoryDataRow<string>(Path.GetFileName(f)) { TestDisplayName = Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task ToRedactedYaml_EqualsAlertmanagerStatusConfig(string config)
    {
        var file = Path.Combine(CorpusDir, config);
        var expected = await AlertmanagerStatusConfigAsync(file, TestContext.Current.CancellationToken);
        var actual = AlertmanagerConfigLoader.LoadFile(file).ToRedactedYaml();
        Assert.Equal(Normalize(expected), Normalize(actual));
        // Beyond content, Guardia reproduces Go yaml.v2's layout and quoting, so the text is identical.
        Assert.Equal(expected, actual);
    }

    /// <summary>Flattens a YAML document into sorted "path = value" lines so that only content is compared.</summary>
    static string Normalize(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var lines = new List<string>();
        Walk(stream.Documents[0].RootNode, "", lines);
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    static void Walk(YamlNode node, string path, List<string> lines)
    {
        switch (node)
        {
            case YamlMappingNode m:
                foreach (var (k, v) in m.Children)
                {
                    Walk(v, path + "/" + ((YamlScalarNode)k).Value, lines);
                }
                break;
            case YamlSequenceNode s:
                lines.Add(path + " #" + s.Children.Count);
                for (var i = 0; i < s.Children.Count; i++)
                {
                    Walk(s.Children[i], path + "[" + i + "]", lines);
                }
                break;
            case YamlScalarNode sc:
                lines.Add(path + " = " + sc.Value);
                break;
        }
    }

    static async Task<string> AlertmanagerStatusConfigAsync(string configFile, CancellationToken ct)
    {
        const string Binary = "/usr/bin/prometheus-alertmanager";
        Assert.True(File.Exists(Binary), "prometheus-alertmanager is not installed; install the Debian package prometheus-alertmanager.");
        var port = LoopbackPorts.Next();
        var storage = Directory.CreateTempSubdirectory("guardia-am-");
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--config.file=" + configFile, "--storage.path=" + storage.FullName, $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=" })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient();
            for (var attempt = 0; attempt < 100; attempt++)
            {
                Assert.False(process.HasExited, "Alertmanager exited before serving its status");
                try
                {
                    var json = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/v2/status"), ct);
                    using var doc = JsonDocument.Parse(json);
                    return doc.RootElement.GetProperty("config").GetProperty("original").GetString()!;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100, ct);
                }
            }
            Assert.Fail("Alertmanager did not answer /api/v2/status within 10 seconds");
            return string.Empty;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            storage.Delete(recursive: true);
        }
    }
}
