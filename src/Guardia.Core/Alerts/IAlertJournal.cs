namespace Guardia.Core.Alerts;

/// <summary>The durable record of alerts: every version the API accepts is written before it is acknowledged.</summary>
public interface IAlertJournal
{
    /// <summary>Loads every stored alert; called once at start.</summary>
    Task<IReadOnlyList<Alert>> LoadAsync(CancellationToken ct);

    /// <summary>Queues alert versions to upsert and fingerprints to delete, in call order.</summary>
    /// <remarks>The call itself must be cheap and synchronous (the store calls it under its lock so that
    /// the durable order equals the merge order); the returned task completes once the batch that holds
    /// these writes is committed to disk. Concurrent callers share one transaction and one fsync.</remarks>
    Task Enqueue(IReadOnlyList<Alert> upserts, IReadOnlyList<Fingerprint> deletes);
}
