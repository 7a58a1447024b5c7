using Guardia.Integrations.RunbookActions;

namespace Guardia.Integrations.Tests.RunbookActions;

public sealed class StepExecutorsTests
{
    [Fact]
    public void Create_CoversEveryIssueStepKind_Once()
    {
        var executors = StepExecutors.Create(new RunbookActionOptions(), TimeProvider.System);

        Assert.Equal(["http", "kubectl", "promql", "shell", "sql", "wait"], executors.Keys.Order(StringComparer.Ordinal));
        Assert.All(executors, e => Assert.Contains(e.Key, e.Value.Kinds));
    }
}
