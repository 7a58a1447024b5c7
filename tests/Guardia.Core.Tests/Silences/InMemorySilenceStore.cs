using Guardia.Core.Silences;

namespace Guardia.Core.Tests.Silences;

/// <summary>A silence store in memory that records what was written, for the service's unit tests.</summary>
sealed class InMemorySilenceStore : ISilenceStore
{
    public Dictionary<string, Silence> Rows { get; } = [];

    public int Saves { get; private set; }

    public Task<IReadOnlyList<Silence>> LoadAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<Silence>>([.. Rows.Values]);

    public Task SaveAsync(IReadOnlyList<Silence> silences, CancellationToken ct)
    {
        Saves++;
        foreach (var s in silences)
        {
            Rows[s.Id] = s;
        }
        return Task.CompletedTask;
    }

    public Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        foreach (var id in ids)
        {
            Rows.Remove(id);
        }
        return Task.CompletedTask;
    }
}
