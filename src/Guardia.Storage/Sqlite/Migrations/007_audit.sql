-- The hash-chained audit log (Core/Audit). Events are only ever inserted; the triggers refuse updates and deletes
-- so that no code path or careless query changes history. They do not stop someone who can drop them: that is
-- what the hash chain and `guardia audit verify` are for.
CREATE TABLE audit_events (
    sequence      INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL, -- Unix milliseconds
    actor         TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    details       TEXT    NOT NULL, -- JSON object, secrets redacted
    previous_hash TEXT    NOT NULL,
    hash          TEXT    NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor, at);

-- The last appended event, written in the same transaction: deleting the newest events leaves it pointing past the end.
CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    hash     TEXT    NOT NULL
);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
