using System.Text;
using System.Text.RegularExpressions;
using Guardia.Core.Runbooks;
using Markdig;
using Markdig.Syntax;

namespace Guardia.Core.Tests.Runbooks;

public sealed partial class RunbookImporterTests
{
    static readonly string SeedDir = Path.Combine(AppContext.BaseDirectory, "Runbooks", "testdata", "seeds");

    public static IEnumerable<TheoryDataRow<string>> Seeds =>
    [
        new("000_f2bbfeb840e071fe.md") { TestDisplayName = "seed 000 tenant backlog" },
        new("001_feadf6c21151a583.md") { TestDisplayName = "seed 001 inventory apis" },
        new("002_293f7339f69a4843.md") { TestDisplayName = "seed 002 worker sync" },
        new("003_1e5c6c9e6ab02e82.md") { TestDisplayName = "seed 003 mini market" },
        new("004_4e11804d27220bbf.md") { TestDisplayName = "seed 004 tiendi" },
    ];

    static string Seed(string name) => File.ReadAllText(Path.Combine(SeedDir, name)).Replace("\r\n", "\n", StringComparison.Ordinal);

    static string Normalize(string line) => WhitespaceRegex().Replace(RunbookImporter.RewritePlaceholders(line, new List<string>()), " ").Trim();

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Import_KeepsEveryCommandOfTheSeed(string seed)
    {
        var text = Seed(seed);

        var result = RunbookImporter.Import(text, seed);
        var runbook = RunbookParser.Parse(result.Markdown, seed);

        var stepLines = runbook.Steps.SelectMany(s => s.Body.Split('\n')).Select(Normalize).ToHashSet(StringComparer.Ordinal);
        var commands = 0;
        foreach (var fence in Markdown.Parse(text).Descendants<FencedCodeBlock>())
        {
            if ((fence.Info ?? string.Empty).Trim() is not ("bash" or "sh" or "shell"))
            {
                continue;
            }
            foreach (var line in fence.Lines.ToString().Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                {
                    continue;
                }
                commands++;
                Assert.True(stepLines.Contains(Normalize(line)), $"{seed}: command line not in any step: {trimmed}");
            }
        }
        Assert.True(commands > 0);
        Assert.Equal(runbook.Steps.Count, result.StepCount);
        Assert.All(runbook.Steps, s => Assert.False(s.Auto));
    }

    static TheoryDataRow<string, string> Mangle(string name, string seed, string how) => new(seed, how) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string>> Manglings =>
    [
        Mangle("seed 000 as Latin-1", "000_f2bbfeb840e071fe.md", "latin1"),
        Mangle("seed 000 as Mac Roman", "000_f2bbfeb840e071fe.md", "macroman"),
        Mangle("seed 002 (emoji) as Latin-1", "002_293f7339f69a4843.md", "latin1"),
        Mangle("seed 002 (emoji) as Mac Roman", "002_293f7339f69a4843.md", "macroman"),
        Mangle("seed 003 as Windows-1252", "003_1e5c6c9e6ab02e82.md", "1252"),
        Mangle("seed 004 as Mac Roman", "004_4e11804d27220bbf.md", "macroman"),
        Mangle("seed 001 as Latin-1 twice", "001_feadf6c21151a583.md", "latin1x2"),
    ];

    static string Misread(string text, string how)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return how switch
        {
            "latin1" => Encoding.Latin1.GetString(bytes),
            "macroman" => CodePagesEncodingProvider.Instance.GetEncoding(10000)!.GetString(bytes),
            "1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetString(bytes),
            "latin1x2" => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(Encoding.Latin1.GetString(bytes))),
            _ => throw new ArgumentOutOfRangeException(nameof(how)),
        };
    }

    [Theory]
    [MemberData(nameof(Manglings))]
    public void Import_RepairsMisEncodedSeeds(string seed, string how)
    {
        var original = Seed(seed);
        var mangled = Misread(original, how);
        Assert.NotEqual(original, mangled);

        var (repaired, from) = TextRepair.Repair(mangled);
        var imported = RunbookImporter.Import(mangled, seed);

        Assert.Equal(original, repaired);
        Assert.NotNull(from);
        Assert.Equal(RunbookImporter.Import(original, seed).Markdown, imported.Markdown);
        Assert.NotNull(imported.EncodingRepair);
        Assert.Contains("repaired", imported.Report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InformaciÃ³n", "Información")]
    [InlineData("Informaci√≥n", "Información")]
    [InlineData("Diagn√≥stico y Mitigaci√≥n", "Diagnóstico y Mitigación")]
    [InlineData("ok line\nInformaciÃ³n\nmore", "ok line\nInformación\nmore")]
    public void Repair_FixesTypicalMojibake(string input, string expected)
    {
        Assert.Equal(expected, TextRepair.Repair(input).Text);
    }

    [Theory]
    [InlineData("Información y diagnóstico")]
    [InlineData("plain ascii")]
    [InlineData("🔍 Monitoreo — ñandú ≥ 5")]
    [InlineData("Ã alone is a letter")]
    public void Repair_LeavesCorrectTextAlone(string input)
    {
        var (text, from) = TextRepair.Repair(input);

        Assert.Equal(input, text);
        Assert.Null(from);
    }

    [Fact]
    public void Import_MapsPlaceholdersAlertsRulesAndContacts()
    {
        var r002 = RunbookImporter.Import(Seed("002_293f7339f69a4843.md"), "002.md");
        var runbook = RunbookParser.Parse(r002.Markdown, "002.md");

        Assert.Equal(["HighSyncLatency", "ServiceDown", "QueueSaturated"], runbook.Alerts);
        Assert.Contains(runbook.Parameters, p => p.Name == "POD_NAME" && p.Required);
        Assert.Contains(runbook.Parameters, p => p.Name == "CONFLICT_ID");
        var rules = Assert.Single(r002.Files);
        Assert.EndsWith(".rules.yml", rules.Name, StringComparison.Ordinal);
        Assert.StartsWith("groups:\n  - name: ", rules.Content, StringComparison.Ordinal);
        Assert.Contains("      - alert: ServiceDown", rules.Content, StringComparison.Ordinal);
        Assert.Contains("L1: On-Call Engineer (PagerDuty)", r002.Report, StringComparison.Ordinal);
        var describe = runbook.Steps.Single(s => s.Body.Contains("describe pod", StringComparison.Ordinal));
        Assert.Equal("kubectl describe pod ${POD_NAME} -n sync-system", describe.Body);
        Assert.Equal(RunbookSection.Mitigation, describe.Section);
        var flush = runbook.Steps.Single(s => s.Body.Contains("FLUSHDB", StringComparison.Ordinal));
        Assert.Equal(2, flush.Approvals);

        var r001 = RunbookImporter.Import(Seed("001_feadf6c21151a583.md"), "001.md");
        var rb001 = RunbookParser.Parse(r001.Markdown, "001.md");
        var token = Assert.Single(rb001.Parameters, p => p.Name == "SERVICE_TOKEN");
        Assert.True(token.Secret);
        Assert.Contains(rb001.Parameters, p => p.Name == "TENANT_ID");
        Assert.Contains(rb001.Steps, s => s.Section == RunbookSection.Validation && s.Body.Contains("rollout status", StringComparison.Ordinal));

        var r004 = RunbookImporter.Import(Seed("004_4e11804d27220bbf.md"), "004.md");
        Assert.Contains(r004.Files, f => f.Name.EndsWith(".alertmanager.yml", StringComparison.Ordinal) && f.Content.Contains("route:", StringComparison.Ordinal));
        Assert.Contains(r004.Files, f => f.Name.EndsWith(".rules.yml", StringComparison.Ordinal) && f.Content.Contains("alert: APIDown", StringComparison.Ordinal));
        Assert.Contains("maria.garcia@tiendi.pe", r004.Report, StringComparison.Ordinal);
        Assert.Contains(r004.Unmapped, u => u.Contains("typescript", StringComparison.Ordinal));
    }

    static TheoryDataRow<string, string[]> Split(string name, string body, params string[] commands) => new(body, commands) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string[]>> SplitCases =>
    [
        Split("one per line", "kubectl get pods -n a\nkubectl get pods -n b", "kubectl get pods -n a", "kubectl get pods -n b"),
        Split("comments dropped", "# first\nls\n\n# second\npwd", "ls", "pwd"),
        Split("backslash continuation", "kubectl exec x -- \\\n  psql -c 'select 1'\nls", "kubectl exec x -- \\\n  psql -c 'select 1'", "ls"),
        Split("trailing and-and", "a && \\\nb\nc", "a && \\\nb", "c"),
        Split("trailing pipe", "redis-cli --scan |\n  xargs echo\nls", "redis-cli --scan |\n  xargs echo", "ls"),
        Split("multi-line double quotes", "psql -c \"\n  SELECT 1;\n\"\nls", "psql -c \"\n  SELECT 1;\n\"", "ls"),
        Split("heredoc", "psql db << EOF\nSELECT 1;\nEOF\nls", "psql db << EOF\nSELECT 1;\nEOF", "ls"),
        Split("if block", "if [ -z \"$X\" ]; then\n  echo no\n  exit 1\nfi\nls", "if [ -z \"$X\" ]; then\n  echo no\n  exit 1\nfi", "ls"),
        Split("for loop", "for p in a b; do\n  echo $p\ndone", "for p in a b; do\n  echo $p\ndone"),
        Split("trailing comment", "echo $K | wc -c  # 65\nls", "echo $K | wc -c  # 65", "ls"),
        Split("hash inside quotes", "echo \"a # b\"\nls", "echo \"a # b\"", "ls"),
    ];

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void ShellCommands_SplitKeepsConstructsTogether(string body, string[] expected)
    {
        Assert.Equal(expected, ShellCommands.Split(body).Select(c => c.Text));
    }

    [Fact]
    public void ShellCommands_TakesCommentsAsTitles()
    {
        var commands = ShellCommands.Split("# 1. Check pods\nkubectl get pods\n# 2. Logs\n# recent\nkubectl logs x");

        Assert.Equal(["1. Check pods", "2. Logs / recent"], commands.Select(c => c.Comment));
    }

    [Theory]
    [InlineData("Acciones de Mitigación", RunbookSection.Mitigation)]
    [InlineData("Verificación de Recuperación", RunbookSection.Validation)]
    [InlineData("Diagnóstico Inicial", RunbookSection.Diagnosis)]
    [InlineData("🔍 Diagnóstico", RunbookSection.Diagnosis)]
    [InlineData("Procedimiento de Handoff", RunbookSection.Communication)]
    [InlineData("Checklist post-mortem", RunbookSection.PostIncident)]
    public void Classify_MapsFreeFormHeadings(string heading, RunbookSection expected)
    {
        Assert.Equal(expected, RunbookImporter.Classify(heading));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();
}
