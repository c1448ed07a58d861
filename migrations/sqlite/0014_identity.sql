-- Identity (issue 13): single sign-on with the organisation's OpenID provider and SCIM 2.0
-- provisioning. Kept in lockstep with migrations/postgres/0014_identity.sql.

-- An organisation's OpenID Connect relying-party settings (one provider per organisation).
-- `email_domains` is a comma-separated list of lowercase domains: /login offers this
-- organisation's "Sign in with …" to an email in one of them. `match_claim` names the ID-token
-- (or userinfo) claim compared with a SCIM-provisioned member's externalId when no identity is
-- linked yet ('sub' by default; Entra ID: 'oid'). `group_teams` maps a groups-claim value to a
-- team, one `group=team id` per line. `client_secret` is never shown back on a page.
CREATE TABLE sso_configs (
    org_id         INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    issuer         TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    client_secret  TEXT NOT NULL,
    email_domains  TEXT NOT NULL DEFAULT '',
    match_claim    TEXT NOT NULL DEFAULT 'sub',
    default_role   TEXT NOT NULL DEFAULT 'learner'
                   CHECK (default_role IN ('learner', 'manager', 'author', 'admin')),
    groups_claim   TEXT,
    group_teams    TEXT NOT NULL DEFAULT '',
    enabled        INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    mandatory      INTEGER NOT NULL DEFAULT 0 CHECK (mandatory IN (0, 1)),
    updated_at     TEXT NOT NULL
) STRICT;

-- A person's identity at a provider: accounts are keyed on (issuer, subject), never on email.
CREATE TABLE sso_identities (
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    org_id        INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    linked_at     TEXT NOT NULL,
    last_login_at TEXT,
    PRIMARY KEY (issuer, subject)
) STRICT;
CREATE INDEX sso_identities_user ON sso_identities (user_id);
CREATE INDEX sso_identities_org ON sso_identities (org_id);

-- SCIM: the identity provider's id for a member or a team (unique within the organisation), and
-- suspension (`active=false`): a suspended member cannot sign in and has no sessions, but their
-- records stay in the organisation's reports.
ALTER TABLE memberships ADD COLUMN external_id TEXT;
ALTER TABLE memberships ADD COLUMN suspended_at TEXT;
CREATE UNIQUE INDEX memberships_external_id ON memberships (org_id, external_id);
ALTER TABLE teams ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX teams_external_id ON teams (org_id, external_id);

-- SCIM bearer tokens an admin creates and rotates. `token_hash` is the SHA-256 of the token,
-- which is shown once and never stored.
CREATE TABLE scim_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
) STRICT;
CREATE INDEX scim_tokens_org ON scim_tokens (org_id);
CREATE INDEX scim_tokens_created_by ON scim_tokens (created_by);
