using Guardia.Core.Configuration;

namespace Guardia.Core.Tests.Configuration;

public sealed class SettingsFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    const string Plain = "route:\n  receiver: team\nreceivers:\n  - name: team\n";

    [Fact]
    public void Load_ServesAPlainAlertmanagerFileAsItIs()
    {
        var config = SettingsFile.Load(Write("alertmanager.yml", Plain));
        Assert.Equal("team", config.Route.Receiver);
        Assert.Equal(Plain, config.Original);
    }

    [Fact]
    public void Load_FollowsAlertmanagerConfigFile_RelativeToTheSettingsFile()
    {
        Write("am/alertmanager.yml", Plain);
        var config = SettingsFile.Load(Write("guardia.yml", "alertmanager_config_file: am/alertmanager.yml\n"));
        Assert.Equal("team", config.Route.Receiver);
        Assert.EndsWith(Path.Combine("am", "alertmanager.yml"), config.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReadsAnInlineConfiguration()
    {
        var config = SettingsFile.Load(Write("guardia.yml", "# Guardia settings\nalertmanager:\n  route:\n    receiver: team\n  receivers:\n    - name: team\n"));
        Assert.Equal("team", config.Route.Receiver);
        Assert.Single(config.Receivers);
    }

    [Fact]
    public void Load_ReportsInlineErrorsAtTheirPlaceInTheSettingsFile()
    {
        var path = Write("guardia.yml", "# Guardia settings\nalertmanager:\n  route:\n    receiver: team\n    gruop_wait: 10s\n  receivers:\n    - name: team\n");
        var ex = Assert.Throws<ConfigException>(() => SettingsFile.Load(path));
        Assert.Equal(5, ex.Line);
        Assert.Equal(5, ex.Column);
        Assert.Contains("gruop_wait", ex.Message, StringComparison.Ordinal);
        Assert.Contains("group_wait", ex.Hint, StringComparison.Ordinal);
    }

    public static IEnumerable<TheoryDataRow<string, string, int>> Invalid =>
    [
        new("misspelt key", "alertmanager_config_fiel: x.yml\nalertmanager:\n  route: {receiver: a}\n", 1),
        new("both forms", "alertmanager_config_file: x.yml\nalertmanager:\n  route:\n    receiver: a\n  receivers: [{name: a}]\n", 1),
        new("missing file", "alertmanager_config_file: nowhere.yml\n", 1),
        new("flow mapping", "alertmanager: {route: {receiver: a}, receivers: [{name: a}]}\n", 1),
        new("unknown section after a known one", "incidents: {}\nescalation_policy: []\n", 2),
    ];

    [Fact]
    public void LoadSettings_KeepsGuardiasSections_ForTheirLoaders()
    {
        var settings = SettingsFile.LoadSettings(Write("guardia.yml", "incidents:\n  auto_resolve: true\nusers: []\n"));
        Assert.NotNull(settings.Root);
        Assert.Equal(2, settings.Root.Children.Count);
        // Without an Alertmanager section the built-in configuration runs: one receiver that notifies nobody.
        Assert.Equal("default", settings.Alertmanager.Route.Receiver);
    }

    [Fact]
    public void LoadSettings_ServesAPlainAlertmanagerFile_WithoutSettings()
    {
        var settings = SettingsFile.LoadSettings(Write("alertmanager.yml", Plain));
        Assert.Null(settings.Root);
        Assert.Equal("team", settings.Alertmanager.Route.Receiver);
    }

    [Fact]
    public void LoadSettings_SaysWhereAlertmanagerFieldsGo_WhenMixedIntoASettingsFile()
    {
        var ex = Assert.Throws<ConfigException>(() => SettingsFile.LoadSettings(Write("guardia.yml", "alertmanager_config_file: x.yml\nroute:\n  receiver: a\n")));
        Assert.Equal(2, ex.Line);
        Assert.Contains("alertmanager:", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Load_RefusesWithAPosition(string name, string text, int line)
    {
        var ex = Assert.Throws<ConfigException>(() => SettingsFile.Load(Write("guardia.yml", text)));
        Assert.True(ex.Line == line, $"{name}: {ex.Describe()}");
        Assert.EndsWith("guardia.yml", ex.File, StringComparison.Ordinal);
    }
}
