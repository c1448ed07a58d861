//! Single sign-on: the organisation's provider settings, linked identities, and the short-lived
//! rows of a sign-in in progress (migrations 0014 and 0015).

/// Organisation `$1`'s settings.
pub const SSO_CONFIG: &str = "SELECT org_id, issuer, client_id, client_secret, email_domains,
    match_claim, default_role, groups_claim, group_teams, enabled, mandatory, updated_at
    FROM sso_configs WHERE org_id = $1";

/// Every organisation's settings that are switched on.
pub const ENABLED_SSO_CONFIGS: &str = "SELECT org_id, issuer, client_id, client_secret,
    email_domains, match_claim, default_role, groups_claim, group_teams, enabled, mandatory,
    updated_at FROM sso_configs WHERE enabled = $1 ORDER BY org_id";

/// Creates or replaces organisation `$1`'s settings.
pub const UPSERT_SSO_CONFIG: &str = "INSERT INTO sso_configs (org_id, issuer, client_id,
    client_secret, email_domains, match_claim, default_role, groups_claim, group_teams, enabled,
    mandatory, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (org_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
    client_secret = excluded.client_secret, email_domains = excluded.email_domains,
    match_claim = excluded.match_claim, default_role = excluded.default_role,
    groups_claim = excluded.groups_claim, group_teams = excluded.group_teams,
    enabled = excluded.enabled, mandatory = excluded.mandatory, updated_at = excluded.updated_at";

pub const INSERT_SSO_LOGIN: &str = "INSERT INTO sso_logins (state_hash, org_id, issuer, nonce,
    pkce_verifier, browser_hash, next, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Takes the sign-in whose state hashes to `$1`: it is gone afterwards, so a state works once.
pub const TAKE_SSO_LOGIN: &str = "DELETE FROM sso_logins WHERE state_hash = $1
    RETURNING state_hash, org_id, issuer, nonce, pkce_verifier, browser_hash, next, created_at,
    expires_at";

pub const SSO_IDENTITY: &str = "SELECT issuer, subject, user_id, org_id, linked_at, last_login_at
    FROM sso_identities WHERE issuer = $1 AND subject = $2";

/// The identities of user `$2` in organisation `$1`.
pub const SSO_IDENTITIES_OF: &str = "SELECT issuer, subject, user_id, org_id, linked_at,
    last_login_at FROM sso_identities WHERE org_id = $1 AND user_id = $2 ORDER BY issuer, subject";

pub const INSERT_SSO_IDENTITY: &str = "INSERT INTO sso_identities (issuer, subject, user_id,
    org_id, linked_at, last_login_at) VALUES ($1, $2, $3, $4, $5, $6)";

pub const TOUCH_SSO_IDENTITY: &str =
    "UPDATE sso_identities SET last_login_at = $3 WHERE issuer = $1 AND subject = $2";

pub const DELETE_SSO_IDENTITY: &str = "DELETE FROM sso_identities
    WHERE org_id = $1 AND user_id = $2 AND issuer = $3 AND subject = $4";

/// The member of organisation `$1` whose external id is `$2`.
pub const MEMBER_BY_EXTERNAL_ID: &str =
    "SELECT user_id FROM memberships WHERE org_id = $1 AND external_id = $2";

/// Whether member `$2` of organisation `$1` is suspended (one row, or none for no member).
pub const MEMBER_SUSPENDED_AT: &str =
    "SELECT suspended_at FROM memberships WHERE org_id = $1 AND user_id = $2";

/// A member's name and email as the provider says them (user `$1`, member of `$4`).
pub const REFRESH_PROFILE: &str = "UPDATE users SET name = $2, email = $3 WHERE id = $1
    AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = $1 AND m.org_id = $4)";

pub const REFRESH_NAME: &str = "UPDATE users SET name = $2 WHERE id = $1
    AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = $1 AND m.org_id = $3)";

pub const INSERT_SSO_PENDING_LINK: &str = "INSERT INTO sso_pending_links (token_hash, org_id,
    user_id, issuer, subject, name, email, id_token, next, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

pub const SSO_PENDING_LINK: &str = "SELECT token_hash, org_id, user_id, issuer, subject, name,
    email, id_token, next, created_at, expires_at FROM sso_pending_links WHERE token_hash = $1";

pub const TAKE_SSO_PENDING_LINK: &str = "DELETE FROM sso_pending_links WHERE token_hash = $1
    RETURNING token_hash, org_id, user_id, issuer, subject, name, email, id_token, next,
    created_at, expires_at";

pub const INSERT_SSO_SESSION: &str =
    "INSERT INTO sso_sessions (session_hash, org_id, id_token) VALUES ($1, $2, $3)";

pub const SSO_SESSION_ID_TOKEN: &str = "SELECT id_token FROM sso_sessions WHERE session_hash = $1";

pub const PURGE_SSO_LOGINS: &str = "DELETE FROM sso_logins WHERE expires_at < $1";
pub const PURGE_SSO_PENDING_LINKS: &str = "DELETE FROM sso_pending_links WHERE expires_at < $1";
