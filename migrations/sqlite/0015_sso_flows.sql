-- Single sign-on flows (issue 13), kept in lockstep with migrations/postgres/0015_sso_flows.sql.

-- A sign-in started at an organisation's OpenID provider and not finished yet: the `state` sent
-- to the provider (its SHA-256 is the key), the nonce the ID token must carry and the PKCE
-- verifier, bound to the browser that started it (`browser_hash`: the SHA-256 of a cookie that
-- browser holds). Taken (deleted) by the callback, so each works once; ten minutes at most.
CREATE TABLE sso_logins (
    state_hash    TEXT PRIMARY KEY NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    issuer        TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    browser_hash  TEXT NOT NULL,
    next          TEXT NOT NULL DEFAULT '/me',
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
) STRICT;
CREATE INDEX sso_logins_org ON sso_logins (org_id);
CREATE INDEX sso_logins_expires ON sso_logins (expires_at);

-- A verified provider identity whose email names an existing local account: it is linked only
-- once the person proves that account's password (or an admin links it). Keyed by the SHA-256
-- of a cookie; taken when used; ten minutes at most.
CREATE TABLE sso_pending_links (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    id_token    TEXT NOT NULL,
    next        TEXT NOT NULL DEFAULT '/me',
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
) STRICT;
CREATE INDEX sso_pending_links_org ON sso_pending_links (org_id);
CREATE INDEX sso_pending_links_user ON sso_pending_links (user_id);

-- A session that began with single sign-on: the ID token, sent back as `id_token_hint` when the
-- person signs out (RP-initiated logout). Goes with its session.
CREATE TABLE sso_sessions (
    session_hash TEXT PRIMARY KEY NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id_token     TEXT NOT NULL
) STRICT;
CREATE INDEX sso_sessions_org ON sso_sessions (org_id);
