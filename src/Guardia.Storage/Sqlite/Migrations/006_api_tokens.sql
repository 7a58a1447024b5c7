-- API tokens (Core/Access). Only the SHA-256 of the secret is stored; the secret is shown once at creation.
CREATE TABLE api_tokens (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    role         INTEGER NOT NULL, -- 1 viewer, 2 responder, 3 admin
    secret_hash  TEXT    NOT NULL UNIQUE, -- lower-case hex SHA-256 of the secret
    created_at   INTEGER NOT NULL, -- Unix milliseconds
    last_used_at INTEGER,
    revoked_at   INTEGER
);
