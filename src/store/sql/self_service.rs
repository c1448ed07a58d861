//! Account self-service: the session list, erasure requests and admin-issued password resets.

/// Sets the last-seen time with the browser and address it was seen from (the caller writes at
/// most once a minute per session).
pub const RECORD_SESSION_CLIENT: &str =
    "UPDATE sessions SET last_seen_at = $2, user_agent = $3, client_addr = $4
     WHERE id_hash = $1 AND last_seen_at <= $2";

/// A user's live sessions, most recently seen first.
pub const USER_SESSIONS: &str =
    "SELECT id_hash, created_at, last_seen_at, expires_at, user_agent, client_addr FROM sessions
     WHERE user_id = $1 AND expires_at > $2 AND last_seen_at >= $3
     ORDER BY last_seen_at DESC, created_at DESC, id_hash";

pub const END_USER_SESSION: &str = "DELETE FROM sessions WHERE user_id = $1 AND id_hash = $2";

pub const ACCOUNT: &str =
    "SELECT u.id, u.email, u.name, u.created_at, u.password_changed_at FROM users u
     JOIN memberships m ON m.user_id = u.id WHERE m.org_id = $1 AND u.id = $2";

/// Keeps the first request's time when asked again; nothing for a user outside the organisation.
pub const REQUEST_ERASURE: &str = "INSERT INTO erasure_requests (user_id, org_id, requested_at)
     SELECT user_id, org_id, $3 FROM memberships WHERE org_id = $1 AND user_id = $2
     ON CONFLICT (user_id) DO NOTHING";

pub const WITHDRAW_ERASURE: &str =
    "DELETE FROM erasure_requests WHERE org_id = $1 AND user_id = $2";

pub const ERASURE_REQUESTS: &str =
    "SELECT user_id, requested_at FROM erasure_requests WHERE org_id = $1
     ORDER BY requested_at, user_id";

pub const ERASURE_PENDING: &str =
    "SELECT user_id, requested_at FROM erasure_requests WHERE org_id = $1 AND user_id = $2";

/// What erasure deletes, in order, each bound to the user id only (the request, checked first
/// in the same transaction, scopes it to the organisation). Explicit rather than left to the
/// account's `ON DELETE CASCADE`, so that the list of what goes is written down once.
pub const ERASE: [&str; 8] = [
    "DELETE FROM quiz_attempts WHERE user_id = $1",
    "DELETE FROM module_progress WHERE user_id = $1",
    "DELETE FROM self_ratings WHERE user_id = $1",
    "DELETE FROM task_submissions WHERE user_id = $1",
    "DELETE FROM skill_estimates WHERE user_id = $1",
    "DELETE FROM sessions WHERE user_id = $1",
    "DELETE FROM password_resets WHERE user_id = $1",
    "DELETE FROM users WHERE id = $1",
];

/// Earlier unused links of the same member stop working when a new one is issued.
pub const DROP_UNUSED_RESETS: &str =
    "DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL";

pub const INSERT_RESET: &str =
    "INSERT INTO password_resets (token_hash, user_id, org_id, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)";

pub const VALID_RESET: &str = "SELECT user_id FROM password_resets
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";

pub const USE_RESET: &str = "UPDATE password_resets SET used_at = $2
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
     RETURNING user_id";

pub const END_ALL_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";
