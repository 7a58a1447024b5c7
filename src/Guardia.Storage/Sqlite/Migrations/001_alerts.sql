-- The alert journal: one row per group commit, holding every alert version written by that commit
-- (see AlertCodec.WriteSegment). Appending one row per commit keeps the write sequential and the
-- SQLite work per alert tiny; superseded versions are compacted away in the background.
CREATE TABLE alert_segments (
    seq    INTEGER PRIMARY KEY,
    alerts INTEGER NOT NULL,
    body   BLOB    NOT NULL
);
