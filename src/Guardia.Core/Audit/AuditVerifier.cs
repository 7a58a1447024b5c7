namespace Guardia.Core.Audit;

/// <summary>The outcome of <see cref="AuditVerifier"/>: intact, or the first event that breaks the chain and why.</summary>
public sealed record AuditVerification(bool Intact, long Count, long? FirstBadSequence, string? Reason)
{
    /// <summary>Formats the outcome as one line for people.</summary>
    public override string ToString() =>
        Intact ? $"audit log intact: {Count} events" : $"audit log broken at sequence {FirstBadSequence}: {Reason}";
}

/// <summary>Walks the audit chain and reports the first edited, inserted or deleted event.</summary>
/// <remarks>What this detects: an event edited without recomputing the hashes (hash mismatch), events deleted in the
/// middle (sequence gap, previous-hash mismatch) or at the end (the head record names a later sequence). What it
/// cannot detect on its own: someone with write access to the database who recomputes every hash after the edit and
/// rewrites the head, because the chain has no secret key. Against that, keep the head printed by
/// <c>guardia audit verify</c> somewhere the database's users cannot write (a ticket, an export, another system) and
/// compare: a rewritten chain has a different head hash.</remarks>
public static class AuditVerifier
{
    /// <summary>Verifies <paramref name="events"/> (in sequence order) against <paramref name="head"/>, which must be read
    /// before the events: events appended after it (while the server runs) are verified by the chain alone.</summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEvent> events, AuditHead? head, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var state = new State(head);
        await foreach (var e in events.WithCancellation(ct).ConfigureAwait(false))
        {
            if (state.Step(e) is { } broken)
            {
                return broken;
            }
        }
        return state.Finish();
    }

    /// <summary>Verifies <paramref name="events"/> (in sequence order) against <paramref name="head"/>.</summary>
    public static AuditVerification Verify(IEnumerable<AuditEvent> events, AuditHead? head)
    {
        ArgumentNullException.ThrowIfNull(events);
        var state = new State(head);
        foreach (var e in events)
        {
            if (state.Step(e) is { } broken)
            {
                return broken;
            }
        }
        return state.Finish();
    }

    sealed class State(AuditHead? head)
    {
        string? _hashAtHead;
        long _count;
        long _lastSequence;
        string _lastHash = AuditChain.Genesis;

        public AuditVerification? Step(AuditEvent e)
        {
            var expected = _lastSequence + 1;
            if (e.Sequence != expected)
            {
                return e.Sequence > expected
                    ? Broken(expected, $"events {expected}..{e.Sequence - 1} are missing (deleted)")
                    : Broken(e.Sequence, $"sequence {e.Sequence} appears after {_lastSequence} (inserted or reordered)");
            }
            if (!string.Equals(e.PreviousHash, _lastHash, StringComparison.Ordinal))
            {
                return Broken(e.Sequence, _lastSequence == 0
                    ? "the first event does not start the chain (events before it were deleted and renumbered?)"
                    : $"its previous hash does not match event {_lastSequence} (an event before it was replaced or deleted and renumbered)");
            }
            if (!string.Equals(AuditChain.ComputeHash(e), e.Hash, StringComparison.Ordinal))
            {
                return Broken(e.Sequence, "its fields do not match its hash (edited)");
            }
            if (e.Sequence == head?.Sequence)
            {
                _hashAtHead = e.Hash;
            }
            _count++;
            _lastSequence = e.Sequence;
            _lastHash = e.Hash;
            return null;
        }

        public AuditVerification Finish()
        {
            if (head is null)
            {
                return _count == 0
                    ? new AuditVerification(true, 0, null, null)
                    : Broken(1, "the head record is missing (deleted)");
            }
            if (head.Sequence > _lastSequence)
            {
                return Broken(_lastSequence + 1, $"the head record says the log ends at {head.Sequence} but it ends at {_lastSequence}: the newest events were deleted");
            }
            if (!string.Equals(head.Hash, _hashAtHead, StringComparison.Ordinal))
            {
                return Broken(head.Sequence, $"event {head.Sequence} does not have the hash the head record keeps for it (the chain was rewritten)");
            }
            return new AuditVerification(true, _count, null, null);
        }

        AuditVerification Broken(long sequence, string reason) => new(false, _count, sequence, reason);
    }
}
