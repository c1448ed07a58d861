//! Accounts, sessions and login throttling.

pub const CREDENTIALS: &str = "SELECT u.id AS user_id, m.org_id, u.password_hash,
    m.suspended_at IS NOT NULL AS suspended
    FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = $1";

pub const PASSWORD_HASH: &str = "SELECT password_hash FROM users WHERE id = $1";

pub const SET_PASSWORD: &str =
    "UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1";

pub const INSERT_SESSION: &str =
    "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)";

/// A live session; a suspended member's sessions count as gone (suspension deletes them too,
/// and this keeps any made since, say by a sign-in racing the suspension, from being used).
pub const SESSION: &str =
    "SELECT s.id_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at FROM sessions s
     JOIN memberships m ON m.user_id = s.user_id
     WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at >= $3
     AND m.suspended_at IS NULL";

pub const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2";

pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id_hash = $1";

pub const DELETE_OTHER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2";

pub const PURGE_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2";

/// A throttled try (kept as a failure unless forgotten); the table's name is historical.
pub const INSERT_ATTEMPT: &str =
    "INSERT INTO login_failures (key, at) VALUES ($1, $2) RETURNING id";

pub const PURGE_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE at < $1";

/// Tries under `$1` since `$2`, and the newest time among those other than row `$3`. Run in
/// the transaction that inserted row `$3`, after taking the key's lock (PostgreSQL) or the
/// write lock (SQLite), so that tries under one key are counted one after the other.
pub const ATTEMPTS_SINCE: &str =
    "SELECT COUNT(*) AS count, MAX(CASE WHEN id <> $3 THEN at END) AS latest_other
     FROM login_failures WHERE key = $1 AND at >= $2";

pub const FORGET_ATTEMPT: &str = "DELETE FROM login_failures WHERE id = $1";

/// PostgreSQL only: serializes tries under one key (`$1`) until the transaction ends.
pub const LOCK_TRY_KEY: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1, 7))";
