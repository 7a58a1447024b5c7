namespace Guardia.Core.DeadLetters;

/// <summary>Durable storage of dead letters.</summary>
public interface IDeadLetterStore
{
    /// <summary>Keeps <paramref name="letter"/> (replacing one with the same id).</summary>
    Task AddAsync(DeadLetter letter, CancellationToken ct);

    /// <summary>All dead letters, oldest failure first.</summary>
    Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken ct);

    /// <summary>The dead letter with <paramref name="id"/>, or null.</summary>
    Task<DeadLetter?> GetAsync(string id, CancellationToken ct);

    /// <summary>Records one more failed attempt (a failed replay); false when the id is unknown.</summary>
    Task<bool> RecordFailureAsync(string id, string error, DateTimeOffset at, CancellationToken ct);

    /// <summary>Removes the dead letter; false when the id is unknown.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken ct);
}
