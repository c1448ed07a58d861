-- Organisations, people, sessions, invitations and learning progress.
-- Kept in lockstep with migrations/sqlite/0002_people.sql.

CREATE TABLE organisations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- `email` is stored lowercased: unique case-insensitively.
CREATE TABLE users (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL
);

-- A user belongs to exactly one organisation.
CREATE TABLE memberships (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id  BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE
);
CREATE INDEX memberships_org ON memberships (org_id);

CREATE TABLE membership_roles (
    user_id BIGINT NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('learner', 'manager', 'author', 'admin')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE teams (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE team_managers (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_managers_user ON team_managers (user_id);

CREATE TABLE invitations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    email      TEXT,
    role       TEXT NOT NULL CHECK (role IN ('learner', 'manager', 'author', 'admin')),
    team_id    BIGINT REFERENCES teams (id) ON DELETE CASCADE,
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    used_by    BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX invitations_org ON invitations (org_id, expires_at);
CREATE INDEX invitations_team ON invitations (team_id);
CREATE INDEX invitations_created_by ON invitations (created_by);
CREATE INDEX invitations_used_by ON invitations (used_by);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- `id_hash` is the SHA-256 of the cookie value.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE login_failures (
    id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- `module_id` is a content id (see module_registry), deliberately not a foreign key.
CREATE TABLE module_progress (
    user_id          BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_id        TEXT NOT NULL,
    sections_reached BIGINT NOT NULL CHECK (sections_reached >= 0),
    sections_total   BIGINT NOT NULL CHECK (sections_total >= 0),
    resume_anchor    TEXT,
    started_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    completed_at     TIMESTAMPTZ,
    PRIMARY KEY (user_id, module_id)
);

CREATE TABLE quiz_attempts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_id    TEXT NOT NULL,
    score        BIGINT NOT NULL CHECK (score >= 0),
    total        BIGINT NOT NULL CHECK (total >= 0),
    submitted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, submitted_at);

-- `selected` lists the chosen option indexes, comma-separated ("0,2"; "" for none).
CREATE TABLE quiz_answers (
    attempt_id  BIGINT NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    position    BIGINT NOT NULL CHECK (position >= 0),
    question_id TEXT NOT NULL,
    skill_id    TEXT NOT NULL,
    difficulty  BIGINT NOT NULL CHECK (difficulty BETWEEN 0 AND 255),
    selected    TEXT NOT NULL,
    correct     BOOLEAN NOT NULL,
    PRIMARY KEY (attempt_id, position)
);
