-- The notification log: per aggregation group and receiver integration, the last notification sent.
CREATE TABLE notification_log (
    group_key   TEXT    NOT NULL,
    receiver    TEXT    NOT NULL,
    integration TEXT    NOT NULL,
    idx         INTEGER NOT NULL,
    firing      BLOB    NOT NULL, -- little-endian uint64 alert hashes
    resolved    BLOB    NOT NULL,
    timestamp   INTEGER NOT NULL, -- UTC ticks
    expires_at  INTEGER NOT NULL, -- UTC ticks
    PRIMARY KEY (group_key, receiver, integration, idx)
) WITHOUT ROWID;
CREATE INDEX notification_log_expires_at ON notification_log (expires_at);
