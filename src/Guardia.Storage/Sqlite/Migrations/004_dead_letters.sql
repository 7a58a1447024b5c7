-- Notifications that failed after every retry (Core/DeadLetters). The request is kept, not the rendered
-- payload, so no secret is stored here; a replay renders it again with the current configuration.
CREATE TABLE dead_letters (
    id                TEXT    PRIMARY KEY,
    receiver          TEXT    NOT NULL,
    integration       TEXT    NOT NULL,
    integration_index INTEGER NOT NULL,
    group_key         TEXT    NOT NULL,
    request           TEXT    NOT NULL, -- JSON: group labels, alerts, external URL, flush time
    error             TEXT    NOT NULL,
    attempts          INTEGER NOT NULL,
    first_failure     INTEGER NOT NULL, -- Unix milliseconds
    last_failure      INTEGER NOT NULL
);
CREATE INDEX dead_letters_first_failure ON dead_letters (first_failure);
