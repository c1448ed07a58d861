-- Account self-service (issue 12, point 2): the session list, erasure requests and admin-issued
-- password resets. Kept in lockstep with migrations/postgres/0013_account_self_service.sql.

-- What the session list shows: the browser's User-Agent (capped at 256 characters) and the
-- client address of the latest request. Written with `last_seen_at`, at most once a minute per
-- session (and on the first request of a session); NULL until then.
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN client_addr TEXT;

-- A member's request that their records be erased; an admin of their organisation confirms it
-- (which removes the account and this row with it), or the member withdraws it.
CREATE TABLE erasure_requests (
    user_id      INTEGER PRIMARY KEY REFERENCES memberships (user_id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    requested_at TEXT NOT NULL
) STRICT;
CREATE INDEX erasure_requests_org ON erasure_requests (org_id);

-- A single-use password-reset link an admin issued for a member. `token_hash` is the SHA-256 of
-- the token in the link; the token itself is shown once to the admin and never stored.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;
CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_created_by ON password_resets (created_by);
