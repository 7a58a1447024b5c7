-- Incidents (Core/Incidents). Times are UTC ticks (100 ns) so timers come back to the exact instant; enums are
-- stored by name. The escalation state (level, pass, cycle, next due instant) and the reminder due instant live
-- in the incident row, so a restart re-arms every timer from here.
CREATE TABLE incident_sequence (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT INTO incident_sequence (id, last) VALUES (1, 0);

CREATE TABLE incidents (
    id                TEXT    PRIMARY KEY,
    number            INTEGER NOT NULL UNIQUE,
    title             TEXT    NOT NULL,
    severity          TEXT    NOT NULL, -- P1..P4
    status            TEXT    NOT NULL, -- Triggered, Acknowledged, Mitigated, Resolved, Closed
    policy            TEXT,
    escalation_policy TEXT,
    group_key         TEXT,
    service           TEXT,
    created_by        TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    acknowledged_at   INTEGER,
    acknowledged_by   TEXT,
    mitigated_at      INTEGER,
    resolved_at       INTEGER,
    closed_at         INTEGER,
    assignee          TEXT,
    responders        TEXT    NOT NULL, -- JSON array of user ids
    roles             TEXT    NOT NULL, -- JSON object: role name -> user id
    esc_level         INTEGER NOT NULL,
    esc_repeat        INTEGER NOT NULL,
    esc_cycle         INTEGER NOT NULL,
    esc_due_at        INTEGER,
    esc_exhausted     INTEGER NOT NULL,
    reminder_due_at   INTEGER,
    reminders         INTEGER NOT NULL,
    reassignments     INTEGER NOT NULL,
    response_due_at   INTEGER NOT NULL,
    response_breached INTEGER NOT NULL
);
CREATE INDEX incidents_status ON incidents (status, number);
CREATE INDEX incidents_group ON incidents (group_key, number) WHERE group_key IS NOT NULL;

-- Alerts attached to an incident, in the order they were attached.
CREATE TABLE incident_alerts (
    incident_id TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL, -- 16 hex digits
    position    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, fingerprint)
) WITHOUT ROWID;

-- The timeline: append-only; seq gives the order.
CREATE TABLE timeline (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    data        TEXT    NOT NULL -- JSON object of strings
);
CREATE INDEX timeline_incident ON timeline (incident_id, seq);

-- The page outbox: a page is written as pending in the transaction that decides it, before the pager sees it.
-- The id is deterministic (incident/cycle/pass/level/user), so a step can never record a second page.
CREATE TABLE pages (
    id              TEXT    PRIMARY KEY,
    incident_id     TEXT    NOT NULL,
    level           INTEGER NOT NULL,
    level_name      TEXT    NOT NULL,
    repeat          INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    state           TEXT    NOT NULL, -- Pending, Sent, Failed
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    last_attempt_at INTEGER,
    error           TEXT
);
CREATE INDEX pages_pending ON pages (state) WHERE state = 'Pending';
CREATE INDEX pages_incident ON pages (incident_id);
