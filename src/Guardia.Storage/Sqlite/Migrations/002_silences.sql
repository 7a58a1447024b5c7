-- Silences: one row per silence id holding its latest version. Times are UTC ticks (100 ns), so a silence
-- comes back with the exact start Alertmanager's update rule compares against. Matchers are a JSON array of
-- {"name","value","type"} in the client's order.
CREATE TABLE silences (
    id         TEXT    PRIMARY KEY,
    matchers   TEXT    NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    comment    TEXT    NOT NULL
);
