using Guardia.Core.Configuration;
using Guardia.Core.Runbooks;
using Guardia.Server.Runbooks;
using YamlDotNet.RepresentationModel;

namespace Guardia.Server.Tests.Runbooks;

public sealed class RunbookSettingsTests : IDisposable
{
    const string ValidRunbook = "---\nid: ok\ntitle: Ok\nparameters:\n  - name: NAMESPACE\n    pattern: '[a-z-]+'\n    default: tenants\n  - name: REPLICAS\n    type: int\n---\n\n## Diagnosis\n\n```shell {id=check auto}\necho \"$NAMESPACE\"\n```\n";

    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("guardia-rb-settings-");

    public void Dispose() => _dir.Delete(recursive: true);

    string SettingsFile => Path.Combine(_dir.FullName, "guardia.yml");

    RunbookSettings Parse(string yaml)
    {
        File.WriteAllText(SettingsFile, yaml);
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(reader);
        return RunbookSettings.Parse(SettingsFile, (YamlMappingNode)stream.Documents[0].RootNode);
    }

    [Fact]
    public void Parse_ReadsEveryField_WithTheDirectoryRelativeToTheSettingsFile()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "rb"));
        File.WriteAllText(Path.Combine(_dir.FullName, "rb", "ok.md"), ValidRunbook);

        var settings = Parse("runbooks:\n  dir: rb\n  max_concurrent_runs: 2\n  keep_finished_runs: 50\n  auto_diagnose: true\n  validation_mitigates: false\nrunbook_actions:\n  executables: [bash]\n");

        Assert.Equal(Path.Combine(_dir.FullName, "rb"), settings.Directory);
        Assert.Equal(["ok"], settings.Catalog.Runbooks.Select(r => r.Id).ToArray());
        Assert.Equal(2, settings.MaxConcurrentRuns);
        Assert.Equal(50, settings.KeepFinishedRuns);
        Assert.True(settings.AutoDiagnose);
        Assert.False(settings.ValidationMitigates);
        Assert.Equal(["bash"], settings.Actions.Executables.ToArray());
    }

    [Fact]
    public void Parse_WithoutTheSection_HasNoRunbooksAndAutoDiagnoseOff()
    {
        var settings = Parse("route:\n  receiver: x\n");

        Assert.Null(settings.Directory);
        Assert.Empty(settings.Catalog.Runbooks);
        Assert.False(settings.AutoDiagnose);
        Assert.True(settings.ValidationMitigates);
        Assert.Equal(1000, settings.KeepFinishedRuns);
    }

    public static IEnumerable<TheoryDataRow<string, string, string>> BadSettings =>
    [
        new("unknown field", "runbooks:\n  dri: rb\n", "guardia.yml:2:3: unknown field \"dri\""),
        new("not a mapping", "runbooks: [rb]\n", "guardia.yml:1:11: runbooks must be a mapping"),
        new("missing directory", "runbooks:\n  dir: nowhere\n", "guardia.yml:2:8: runbooks.dir: "),
        new("zero runs", "runbooks:\n  max_concurrent_runs: 0\n", "max_concurrent_runs must be a whole number from 1 to 1000, not \"0\""),
        new("no finished runs kept", "runbooks:\n  keep_finished_runs: 0\n", "guardia.yml:2:23: runbooks.keep_finished_runs must be a whole number from 1 to 100000, not \"0\""),
        new("negative retention", "runbooks:\n  keep_finished_runs: -5\n", "keep_finished_runs must be a whole number from 1 to 100000, not \"-5\""),
        new("retention past the limit", "runbooks:\n  keep_finished_runs: 100001\n", "not \"100001\""),
        new("yes is not a boolean", "runbooks:\n  auto_diagnose: yes\n", "runbooks.auto_diagnose must be true or false, not \"yes\""),
        new("bad runbook_actions", "runbook_actions:\n  bogus: 1\n", "bogus"),
    ];

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Parse_RejectsBadSettings_WithFileAndLine(string name, string yaml, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));

        Assert.True(ex.Describe().Contains(expected, StringComparison.Ordinal), $"{name}: {ex.Describe()}");
    }

    [Fact]
    public void Parse_RejectsABrokenRunbook_WithItsFileAndLine()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "rb"));
        File.WriteAllText(Path.Combine(_dir.FullName, "rb", "broken.md"), "---\nid: broken\ntitle: B\nbogus: 1\n---\n");

        var ex = Assert.Throws<ConfigException>(() => Parse("runbooks:\n  dir: rb\n"));

        Assert.EndsWith("broken.md", ex.File, StringComparison.Ordinal);
        Assert.Equal(4, ex.Line);
    }

    public static IEnumerable<TheoryDataRow<string, string, string, string?>> LabelCases =>
    [
        new("label upper-cased names the parameter", "namespace", "billing", "billing"),
        new("value failing the pattern is not used", "namespace", "$(reboot)", null),
        new("value failing the type is not used", "replicas", "three", null),
        new("label matching no parameter is ignored", "severity", "critical", null),
        new("upper-case label name also matches", "NAMESPACE", "orders", "orders"),
    ];

    [Theory]
    [MemberData(nameof(LabelCases))]
    public void ParametersFromLabels_FillsParametersNamedLikeLabels(string name, string label, string value, string? expected)
    {
        var runbook = RunbookParser.Parse(ValidRunbook, "ok.md");

        var (values, refused) = RunbookService.ParametersFromLabels(runbook, new Dictionary<string, string> { [label] = value });

        var got = values.TryGetValue(label.ToUpperInvariant(), out var v) ? v : null;
        Assert.True(expected == got, $"{name}: {got}");
        Assert.Equal(expected is null && label != "severity", refused.Count == 1);
    }
}
