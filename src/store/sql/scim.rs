//! SCIM 2.0 provisioning: bearer tokens, provisioned members and teams (as SCIM Groups), and
//! suspension (`active=false`), which SCIM and the admin pages share.

/// A live token's organisation, marking it used (`$2`): revoked tokens find nothing.
pub const USE_TOKEN: &str = "UPDATE scim_tokens SET last_used_at = $2
    WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id, org_id";

pub const INSERT_TOKEN: &str = "INSERT INTO scim_tokens
    (org_id, token_hash, label, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";

/// Revokes live token `$1` of organisation `$2` at `$3`; returns its label.
pub const REVOKE_TOKEN: &str = "UPDATE scim_tokens SET revoked_at = $3
    WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL RETURNING label";

pub const TOKENS: &str = "SELECT t.id, t.label, u.email AS created_by, t.created_at,
    t.last_used_at, t.revoked_at FROM scim_tokens t LEFT JOIN users u ON u.id = t.created_by
    WHERE t.org_id = $1 ORDER BY t.id DESC";

const USER_COLUMNS: &str = "SELECT u.id AS user_id, u.email, u.name, u.created_at, m.user_name,
    m.given_name, m.family_name, m.display_name, m.external_id, m.suspended_at
    FROM memberships m JOIN users u ON u.id = m.user_id";

/// Every member of `$1` as SCIM sees them, by id.
pub fn users() -> String {
    format!("{USER_COLUMNS} WHERE m.org_id = $1 ORDER BY u.id")
}

/// Member `$2` of `$1`.
pub fn user() -> String {
    format!("{USER_COLUMNS} WHERE m.org_id = $1 AND m.user_id = $2")
}

/// The teams members of `$1` belong to (user id, team id, team name).
pub const USER_GROUPS: &str = "SELECT tm.user_id, t.id AS team_id, t.name FROM team_members tm
    JOIN teams t ON t.id = tm.team_id WHERE t.org_id = $1 ORDER BY tm.user_id, t.id";

/// A row if someone in `$1` other than `$3` has SCIM userName `$2` (case-insensitively); a
/// member who was not provisioned has their email as userName.
pub const USER_NAME_TAKEN: &str = "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.org_id = $1 AND m.user_id <> $3
    AND (lower(m.user_name) = lower($2) OR (m.user_name IS NULL AND u.email = lower($2)))";

pub const SET_USER: &str = "UPDATE users SET email = $2, name = $3 WHERE id = $1";

pub const SET_SCIM_ATTRIBUTES: &str = "UPDATE memberships SET user_name = $3, given_name = $4,
    family_name = $5, display_name = $6, external_id = $7 WHERE user_id = $1 AND org_id = $2";

/// Suspends member `$1` of `$2` from `$3` (an earlier suspension keeps its time).
pub const SUSPEND: &str = "UPDATE memberships SET suspended_at = COALESCE(suspended_at, $3)
    WHERE user_id = $1 AND org_id = $2";

pub const REACTIVATE: &str =
    "UPDATE memberships SET suspended_at = NULL WHERE user_id = $1 AND org_id = $2";

pub const END_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";

pub const SUSPENDED: &str =
    "SELECT user_id FROM memberships WHERE org_id = $1 AND suspended_at IS NOT NULL";

pub const GROUPS: &str = "SELECT id, name, external_id FROM teams WHERE org_id = $1 ORDER BY id";

pub const GROUP: &str = "SELECT id, name, external_id FROM teams WHERE org_id = $1 AND id = $2";

/// Members of the teams of `$1` (team id, user id, the member's name), by member.
pub const GROUP_MEMBERS: &str = "SELECT tm.team_id, u.id AS user_id, u.name FROM team_members tm
    JOIN teams t ON t.id = tm.team_id JOIN users u ON u.id = tm.user_id
    WHERE t.org_id = $1 ORDER BY tm.team_id, u.id";

pub const INSERT_GROUP: &str =
    "INSERT INTO teams (org_id, name, external_id) VALUES ($1, $2, $3) RETURNING id";

pub const SET_GROUP: &str =
    "UPDATE teams SET name = $3, external_id = $4 WHERE id = $1 AND org_id = $2";

pub const CLEAR_GROUP_MEMBERS: &str = "DELETE FROM team_members WHERE team_id = $1";

pub const DELETE_GROUP: &str = "DELETE FROM teams WHERE id = $1 AND org_id = $2";
