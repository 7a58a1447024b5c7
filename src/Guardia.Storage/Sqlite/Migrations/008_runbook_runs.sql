-- Runbook runs (Core/Runbooks), saved on every change so that a restart resumes unfinished runs and keeps finished
-- ones listed. Times are UTC ticks (100 ns); enums are stored by name. Secret parameter values are never written:
-- `parameters` holds them as "<secret>" and `secret_parameters` names them, which stops such a run from resuming.
CREATE TABLE runbook_runs (
    id                  TEXT    PRIMARY KEY,
    runbook_id          TEXT    NOT NULL,
    runbook_digest      TEXT    NOT NULL, -- SHA-256 of the runbook text the run started on
    actor               TEXT    NOT NULL,
    incident_id         TEXT,
    status              TEXT    NOT NULL, -- Running, Succeeded, Failed, Cancelled
    finished            INTEGER NOT NULL, -- 0 while the run can resume
    validated           INTEGER NOT NULL,
    started_at          INTEGER NOT NULL,
    finished_at         INTEGER,
    error               TEXT,
    sections            TEXT,             -- JSON array of section names; NULL: every section
    auto_only           INTEGER NOT NULL,
    parameters          TEXT    NOT NULL, -- JSON object NAME -> value, secrets redacted
    secret_parameters   TEXT    NOT NULL, -- JSON array of the secret parameters that had a value
    validation_deadline INTEGER,
    validation_attempt  INTEGER,
    validation_next_at  INTEGER,
    steps               TEXT    NOT NULL  -- JSON array of step states with approvals and size-limited, redacted outputs
);
CREATE INDEX runbook_runs_finished ON runbook_runs (finished, started_at);
