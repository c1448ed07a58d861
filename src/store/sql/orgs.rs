//! Organisations: first run, teams, members and invitations.

pub const ORGANISATION_COUNT: &str = "SELECT COUNT(*) FROM organisations";

pub const REAL_ORGANISATION_COUNT: &str =
    "SELECT COUNT(*) FROM organisations WHERE origin = 'real'";

pub const ORGANISATION_IDS: &str = "SELECT id FROM organisations ORDER BY id";

pub const ORGANISATION: &str = "SELECT id, name FROM organisations WHERE id = $1";

pub const INSERT_SETUP_TOKEN: &str =
    "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)";

/// Every setup token goes: before a new one is stored, and once one is used.
pub const DELETE_SETUP_TOKENS: &str = "DELETE FROM setup_tokens";
/// 1 if setup token `$1` is unused and unexpired at `$2`, else 0 (read only).
pub const SETUP_TOKEN_USABLE: &str = "SELECT COUNT(*) FROM setup_tokens
    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";

/// Uses a setup token (`$1`) if it is unused and unexpired at `$2`.
pub const USE_SETUP_TOKEN: &str = "UPDATE setup_tokens SET used_at = $2
    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";

pub const INSERT_ORGANISATION: &str =
    "INSERT INTO organisations (name, created_at, origin) VALUES ($1, $2, $3) RETURNING id";

pub const INSERT_USER: &str =
    "INSERT INTO users (email, name, password_hash, created_at, password_changed_at)
     VALUES ($1, $2, $3, $4, $4) RETURNING id";

pub const INSERT_MEMBERSHIP: &str = "INSERT INTO memberships (user_id, org_id) VALUES ($1, $2)";

pub const INSERT_ROLE: &str = "INSERT INTO membership_roles (user_id, role) VALUES ($1, $2)";

pub const INSERT_TEAM_MEMBER: &str = "INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)";

pub const INSERT_TEAM_MANAGER: &str =
    "INSERT INTO team_managers (team_id, user_id) VALUES ($1, $2)";

/// A member's roles and teams, all replaced by `assign`.
pub const DELETE_ASSIGNMENT: [&str; 3] = [
    "DELETE FROM membership_roles WHERE user_id = $1",
    "DELETE FROM team_members WHERE user_id = $1",
    "DELETE FROM team_managers WHERE user_id = $1",
];

/// A row if user `$1` is a member of organisation `$2`.
pub const IS_MEMBER: &str = "SELECT 1 FROM memberships WHERE user_id = $1 AND org_id = $2";

/// The ids of organisation `$1`'s teams (a few dozen at most).
pub const TEAM_IDS: &str = "SELECT id FROM teams WHERE org_id = $1";

/// The account goes, and with it (ON DELETE CASCADE) its membership, roles, teams, sessions,
/// progress and attempts.
pub const REMOVE_MEMBER: &str = "DELETE FROM users WHERE id = $1
    AND id IN (SELECT user_id FROM memberships WHERE org_id = $2)";

pub const TEAMS: &str = "SELECT id, org_id, name, target_role FROM teams WHERE org_id = $1";

pub const INSERT_TEAM: &str = "INSERT INTO teams (org_id, name) VALUES ($1, $2) RETURNING id";

pub const INSERT_INVITATION: &str = "INSERT INTO invitations
      (org_id, token_hash, email, role, team_id, created_by, created_at, expires_at, used_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

const INVITATION_COLUMNS: &str = "SELECT id, org_id, token_hash, email, role, team_id,
    created_by, created_at, expires_at, used_at FROM invitations";

/// Pending invitations of `$1` at `$2`.
pub fn invitations() -> String {
    format!(
        "{INVITATION_COLUMNS} WHERE org_id = $1 AND used_at IS NULL AND expires_at > $2
         ORDER BY created_at, id"
    )
}

pub fn invitation() -> String {
    format!("{INVITATION_COLUMNS} WHERE token_hash = $1")
}

/// Uses an invitation (`$1`) if it is unused and unexpired at `$2`; its email, if it names one,
/// is checked by the caller inside the same transaction.
pub const USE_INVITATION: &str = "UPDATE invitations SET used_at = $2
    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
    RETURNING id, org_id, role, team_id, email";

/// Revokes pending invitation `$1` of organisation `$2` (a used one stays, as a record of who
/// joined through it).
pub const REVOKE_INVITATION: &str =
    "DELETE FROM invitations WHERE id = $1 AND org_id = $2 AND used_at IS NULL";

pub const SET_INVITATION_USER: &str = "UPDATE invitations SET used_by = $2 WHERE id = $1";

/// The three member queries, each on `memberships m` filtered by `filter`.
pub fn member_queries(filter: &str) -> [String; 3] {
    [
        format!(
            "SELECT m.user_id, m.org_id, u.email, u.name, m.target_role FROM memberships m
             JOIN users u ON u.id = m.user_id WHERE {filter}"
        ),
        format!(
            "SELECT r.user_id, r.role FROM membership_roles r
             JOIN memberships m ON m.user_id = r.user_id WHERE {filter}"
        ),
        format!(
            "SELECT t.user_id, t.team_id, FALSE AS manages FROM team_members t
             JOIN memberships m ON m.user_id = t.user_id WHERE {filter}
             UNION ALL
             SELECT t.user_id, t.team_id, TRUE AS manages FROM team_managers t
             JOIN memberships m ON m.user_id = t.user_id WHERE {filter}"
        ),
    ]
}
