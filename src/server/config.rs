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
}

impl Config {
    pub const DEFAULT_DATABASE_URL: &'static str = "sqlite://data/levelfield.db";

    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
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
            .finish()
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((creds, host)) => {
            let user = creds.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_password() {
        let c = Config {
            database_url: "postgres://app:hunter2@db/levelfield".into(),
            content_dir: "content".into(),
            watch_content: false,
            max_body_bytes: 1,
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("app:***@db"), "{shown}");
    }
}
