-- Organisations, people, sessions, invitations and learning progress.
-- Times are RFC 3339 UTC strings with microseconds and a `Z` (fixed width), so that text
-- comparison is time order. AUTOINCREMENT: ids are never reused (as with PostgreSQL identities).
-- Kept in lockstep with migrations/postgres/0002_people.sql.

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- `email` is stored lowercased: unique case-insensitively.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    email               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
) STRICT;

-- A user belongs to exactly one organisation.
CREATE TABLE memberships (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX memberships_org ON memberships (org_id);

CREATE TABLE membership_roles (
    user_id INTEGER NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('learner', 'manager', 'author', 'admin')),
    PRIMARY KEY (user_id, role)
) STRICT;

CREATE TABLE teams (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    UNIQUE (org_id, name)
) STRICT;

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
) STRICT;
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE team_managers (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
) STRICT;
CREATE INDEX team_managers_user ON team_managers (user_id);

CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    email      TEXT,
    role       TEXT NOT NULL CHECK (role IN ('learner', 'manager', 'author', 'admin')),
    team_id    INTEGER REFERENCES teams (id) ON DELETE CASCADE,
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX invitations_org ON invitations (org_id, expires_at);
CREATE INDEX invitations_team ON invitations (team_id);
CREATE INDEX invitations_created_by ON invitations (created_by);
CREATE INDEX invitations_used_by ON invitations (used_by);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;

-- `id_hash` is the SHA-256 of the cookie value.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- `module_id` is a content id (see module_registry), deliberately not a foreign key.
CREATE TABLE module_progress (
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_id        TEXT NOT NULL,
    sections_reached INTEGER NOT NULL CHECK (sections_reached >= 0),
    sections_total   INTEGER NOT NULL CHECK (sections_total >= 0),
    resume_anchor    TEXT,
    started_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT,
    PRIMARY KEY (user_id, module_id)
) STRICT;

CREATE TABLE quiz_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_id    TEXT NOT NULL,
    score        INTEGER NOT NULL CHECK (score >= 0),
    total        INTEGER NOT NULL CHECK (total >= 0),
    submitted_at TEXT NOT NULL
) STRICT;
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, submitted_at);

-- `selected` lists the chosen option indexes, comma-separated ("0,2"; "" for none).
CREATE TABLE quiz_answers (
    attempt_id  INTEGER NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 0),
    question_id TEXT NOT NULL,
    skill_id    TEXT NOT NULL,
    difficulty  INTEGER NOT NULL CHECK (difficulty BETWEEN 0 AND 255),
    selected    TEXT NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    PRIMARY KEY (attempt_id, position)
) STRICT;
