namespace Guardia.Core.Silences;

/// <summary>Durable storage of silences: what <see cref="Silences"/> has answered for survives a restart.</summary>
public interface ISilenceStore
{
    /// <summary>Returns every stored silence.</summary>
    Task<IReadOnlyList<Silence>> LoadAsync(CancellationToken ct);

    /// <summary>Inserts or replaces <paramref name="silences"/> (by id) in one transaction; completes when they are durable.</summary>
    Task SaveAsync(IReadOnlyList<Silence> silences, CancellationToken ct);

    /// <summary>Deletes the silences with <paramref name="ids"/> in one transaction.</summary>
    Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct);
}
