using Guardia.Core.Configuration;
using Guardia.Core.Runbooks;

namespace Guardia.Core.Tests.Runbooks;

public sealed class RunbookCatalogTests
{
    static Runbook Make(string id, string file, params string[] alerts) =>
        RunbookParser.Parse($"---\nid: {id}\ntitle: {id}\nalerts: [{string.Join(", ", alerts)}]\n---\n## Diagnosis\n```shell {{id=a auto}}\necho\n```\n```shell {{id=b}}\necho\n```\n", file);

    static readonly RunbookCatalog Catalog = new([
        Make("tenant-backlog", "runbooks/tenant-backlog.md", "ConsumerBacklogHigh"),
        Make("worker-sync", "runbooks/002-worker.md", "ServiceDown", "QueueSaturated"),
    ]);

    static TheoryDataRow<string, string?, string?> Row(string name, string alert, string? annotation, string? expected) =>
        new(alert, annotation, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string?, string?>> Cases =>
    [
        Row("by runbook id", "Other", "worker-sync", "worker-sync"),
        Row("by file name", "Other", "002-worker", "worker-sync"),
        Row("by url ending in the file", "Other", "https://wiki.example.org/runbooks/002-worker.md#diagnosis", "worker-sync"),
        Row("by url ending in the id", "Other", "http://127.0.0.1:9093/runbooks/tenant-backlog/", "tenant-backlog"),
        Row("annotation wins over alert list", "ServiceDown", "tenant-backlog", "tenant-backlog"),
        Row("by alert list", "QueueSaturated", null, "worker-sync"),
        Row("unknown annotation falls back to alerts", "ConsumerBacklogHigh", "https://wiki/x", "tenant-backlog"),
        Row("nothing matches", "Unknown", "https://wiki/x", null),
        Row("alert names are case sensitive", "servicedown", null, null),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void FindForAlert_LinksAlertsToRunbooks(string alert, string? annotation, string? expected)
    {
        Assert.Equal(expected, Catalog.FindForAlert(alert, annotation)?.Id);
    }

    [Fact]
    public void FindForAlert_ReadsLabelsAndAnnotations()
    {
        var r = Catalog.FindForAlert(new Dictionary<string, string> { ["alertname"] = "X" }, new Dictionary<string, string> { ["runbook_url"] = "https://w/worker-sync" });

        Assert.Equal("worker-sync", r?.Id);
        Assert.Equal(["a"], r!.AutoDiagnosisSteps.Select(s => s.Id));
    }

    [Fact]
    public void New_RefusesDuplicateIds()
    {
        var ex = Assert.Throws<ConfigException>(() => new RunbookCatalog([Make("a", "one.md"), Make("a", "two.md")]));

        Assert.Equal("two.md", ex.File);
        Assert.Contains("one.md", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReadsRunbooksAndSkipsPlainDocuments()
    {
        var dir = Directory.CreateTempSubdirectory("guardia-runbooks-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "README.md"), "# Runbooks\n");
            File.WriteAllText(Path.Combine(dir.FullName, "a.md"), "---\nid: a\ntitle: A\n---\n");

            var catalog = RunbookCatalog.Load(dir.FullName);

            Assert.Equal(["a"], catalog.Runbooks.Select(r => r.Id));
            File.WriteAllText(Path.Combine(dir.FullName, "b.md"), "---\nid: b\ntitle: B\nbogus: 1\n---\n");
            var ex = Assert.Throws<ConfigException>(() => RunbookCatalog.Load(dir.FullName));
            Assert.Equal(4, ex.Line);
            Assert.EndsWith("b.md", ex.File, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_ShipsValidExamples()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Runbooks", "testdata", "examples");

        var catalog = RunbookCatalog.Load(dir);

        Assert.True(catalog.Runbooks.Count >= 5);
        Assert.All(catalog.Runbooks, r => Assert.NotEmpty(r.Steps));
    }
}
