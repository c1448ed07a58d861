//! Configuration from environment variables, with defaults that run out of the box.

use std::path::PathBuf;

/// Runtime settings. See `.env.example` for every variable.
#[derive(Clone)]
pub struct Config {
    /// `DATABASE_URL`; default `sqlite://data/levelfield.db`.
    pub database_url: String,
    /// `LEVELFIELD_CONTENT`; default `content`.
    pub content_dir: PathBuf,
    /// `LEVELFIELD_WATCH_CONTENT` (`1`/`0`); default on in debug builds.
    pub watch_content: bool,
    /// `LEVELFIELD_MAX_BODY_BYTES`; default 65536.
    pub max_body_bytes: usize,
    /// `LEVELFIELD_SECURE_COOKIES` (`1`/`0`): mark cookies `Secure` even without a proxy's
    /// `X-Forwarded-Proto: https`; default off.
    pub secure_cookies: bool,
    /// `LEVELFIELD_SESSION_IDLE_MINUTES`; default 720 (12 hours).
    pub session_idle_minutes: i64,
    /// `LEVELFIELD_SESSION_ABSOLUTE_MINUTES`; default 20160 (14 days).
    pub session_absolute_minutes: i64,
    /// `LEVELFIELD_SETUP_TOKEN_MINUTES`: how long the first-run link works; default 60.
    pub setup_token_minutes: i64,
    /// `LEVELFIELD_LOGIN_FAILURES`: failed logins per address per 15 minutes before 429; default 10.
    pub login_failures_allowed: i64,
    /// `LEVELFIELD_MIN_GROUP_SIZE`: organisation views hide groups smaller than this; default 5.
    pub min_group_size: i64,
}

impl Config {
    pub const DEFAULT_DATABASE_URL: &'static str = "sqlite://data/levelfield.db";

    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let num = |k: &str, default: i64| {
            var(k)
                .and_then(|v| v.parse().ok())
                .filter(|n: &i64| *n > 0)
                .unwrap_or(default)
        };
        Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| Self::DEFAULT_DATABASE_URL.into()),
            content_dir: var("LEVELFIELD_CONTENT")
                .unwrap_or_else(|| "content".into())
                .into(),
            watch_content: var("LEVELFIELD_WATCH_CONTENT")
                .map(|v| matches!(v.as_str(), "1" | "true" | "yes"))
                .unwrap_or(cfg!(debug_assertions)),
            max_body_bytes: var("LEVELFIELD_MAX_BODY_BYTES")
                .and_then(|v| v.parse().ok())
                .unwrap_or(64 * 1024),
            secure_cookies: var("LEVELFIELD_SECURE_COOKIES")
                .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes")),
            session_idle_minutes: num("LEVELFIELD_SESSION_IDLE_MINUTES", 720),
            session_absolute_minutes: num("LEVELFIELD_SESSION_ABSOLUTE_MINUTES", 20160),
            setup_token_minutes: num("LEVELFIELD_SETUP_TOKEN_MINUTES", 60),
            login_failures_allowed: num("LEVELFIELD_LOGIN_FAILURES", 10),
            min_group_size: num("LEVELFIELD_MIN_GROUP_SIZE", 5),
        }
    }
}

impl Config {
    /// Defaults for tests: a given content folder, no watching, no secure cookies.
    pub fn for_tests(content_dir: &str) -> Self {
        Config {
            database_url: "sqlite::memory:".into(),
            content_dir: content_dir.into(),
            watch_content: false,
            max_body_bytes: 64 * 1024,
            secure_cookies: false,
            session_idle_minutes: 720,
            session_absolute_minutes: 20160,
            setup_token_minutes: 60,
            login_failures_allowed: 10,
            min_group_size: 5,
        }
    }
}

/// Redacts credentials in the database URL.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("content_dir", &self.content_dir)
            .field("watch_content", &self.watch_content)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_absolute_minutes", &self.session_absolute_minutes)
            .finish_non_exhaustive()
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db` (the store's rule, which
/// its connection errors use too).
pub use crate::store::redact_url;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_password() {
        let c = Config {
            database_url: "postgres://app:hunter2@db/levelfield".into(),
            content_dir: "content".into(),
            ..Config::for_tests("content")
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("app:***@db"), "{shown}");
    }

    #[test]
    fn mistyped_urls_never_show_a_password() {
        for (url, shown) in [
            ("postgres://app:hunter2@db/x", "postgres://app:***@db/x"),
            ("postgress://app:hunter2@db/x", "postgress://app:***@db/x"),
            ("postgres:/app:hunter2@db/x", "postgres:***@db/x"),
            ("postgres://app:hun/ter@2@db/x", "postgres://app:***@db/x"),
            ("sqlite://data/levelfield.db", "sqlite://data/levelfield.db"),
            ("postgres://app@db/x", "postgres://app@db/x"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }
}
