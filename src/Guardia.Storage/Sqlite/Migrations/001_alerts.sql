-- Alerts by fingerprint. The fingerprint is the rowid (no secondary index to maintain on the hot path);
-- body holds labels, annotations and generator URL (see AlertCodec); times are UTC ticks.
CREATE TABLE alerts (
    fingerprint INTEGER PRIMARY KEY,
    body        BLOB    NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    timeout     INTEGER NOT NULL
);
