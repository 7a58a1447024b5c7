namespace Guardia.Core.Alerts;

/// <summary>The durable record of alerts: every version the API accepts is written before it is acknowledged.</summary>
public interface IAlertJournal
{
    /// <summary>Loads every stored alert version, latest wins; called once at start.</summary>
    Task<IReadOnlyList<Alert>> LoadAsync(CancellationToken ct);

    /// <summary>Gives the journal a way to read every live alert, which it uses to compact itself.</summary>
    /// <remarks>The journal calls it from its writer: a snapshot taken there contains every version
    /// committed so far, so segments written before it can be replaced by it.</remarks>
    void Attach(Func<IReadOnlyCollection<Alert>> liveAlerts);

    /// <summary>Queues alert versions to write, in call order.</summary>
    /// <remarks>The call itself must be cheap and synchronous (the store calls it under its lock so that
    /// the durable order equals the merge order); the returned task completes once the batch that holds
    /// these writes is committed to disk. Concurrent callers share one transaction and one fsync.</remarks>
    Task Enqueue(IReadOnlyList<Alert> alerts);
}
