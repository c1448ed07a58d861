//! Configuration from environment variables, with defaults that run out of the box.

use super::throttle::Cidr;
use std::path::PathBuf;
use std::time::Duration;

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
    /// `LEVELFIELD_PUBLIC_URL`: the address people use, e.g. `https://skills.example.org`.
    /// When set, state-changing requests must come from exactly this origin; when it is https,
    /// the session cookie is `Secure` and `__Host-` prefixed and every response carries HSTS.
    /// Also the address printed in the first-run link. Default: none.
    pub public_url: Option<PublicUrl>,
    /// `LEVELFIELD_SECURE_COOKIES` (`1`/`0`): mark cookies `Secure` even without a proxy's
    /// `X-Forwarded-Proto: https`. Default on in release builds; `0` (or an `http://` public
    /// URL) is the explicit opt-out for plain-http development. Always on for an https public
    /// URL.
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
    /// `LEVELFIELD_TRUSTED_PROXIES`: addresses and CIDR ranges (comma- or space-separated) of the
    /// reverse proxies in front of the app. Only when the socket peer is one of them is the
    /// client's address read from `X-Forwarded-For`; default none.
    pub trusted_proxies: Vec<Cidr>,
    /// `LEVELFIELD_LOGIN_ACCOUNT_FAILURES`: failed logins per account (per email, known or not)
    /// before each further try must wait, twice as long each time; default 5.
    pub login_account_free: i64,
    /// The first wait after `login_account_free` failures (then doubling, up to 15 minutes);
    /// 1 second. Tests shorten it.
    pub login_backoff_base: Duration,
    /// `LEVELFIELD_JOIN_FAILURES`: failed `/join` and `/setup` posts per address per 15 minutes
    /// (and per invitation link per hour) before answering 429; default 10.
    pub join_failures_allowed: i64,
    /// `LEVELFIELD_HASH_CONCURRENCY`: password hashes and verifications run at once (each
    /// takes 19 MiB); default the number of CPUs.
    pub hash_concurrency: usize,
    /// How long a request waits for a hashing slot before answering 503; 2 seconds.
    pub hash_wait: Duration,
    /// `LEVELFIELD_QUIZ_ATTEMPTS_PER_HOUR`: recorded quiz attempts per person per hour; default 30.
    pub quiz_attempts_per_hour: i64,
    /// `LEVELFIELD_DB_ACQUIRE_TIMEOUT_MS`: how long a request waits for a database connection
    /// before it answers 503 (the database is out of reach, or every connection is busy);
    /// default 1000.
    pub db_acquire_timeout: Duration,
    /// `LEVELFIELD_DB_STATEMENT_TIMEOUT_MS`: PostgreSQL's `statement_timeout` for the app's
    /// connections; `0` for none; default 10000. Command-line tasks (`seed`, `demo`, …) run
    /// without one.
    pub db_statement_timeout: Option<Duration>,
    /// `LEVELFIELD_DB_BUSY_TIMEOUT_MS`: how long a SQLite write waits for the write lock; default
    /// 5000.
    pub db_busy_timeout: Duration,
    /// `LEVELFIELD_SHUTDOWN_GRACE_SECS`: after SIGTERM or Ctrl-C, how long requests in flight
    /// may take to finish before the server exits anyway; default 10.
    pub shutdown_grace: Duration,
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
        let public_url = var("LEVELFIELD_PUBLIC_URL").and_then(|v| match PublicUrl::parse(&v) {
            Ok(u) => Some(u),
            Err(e) => {
                tracing::warn!("LEVELFIELD_PUBLIC_URL is ignored: {e}");
                None
            }
        });
        let secure_setting =
            var("LEVELFIELD_SECURE_COOKIES").map(|v| matches!(v.trim(), "1" | "true" | "yes"));
        Config {
            secure_cookies: secure_cookies(
                public_url.as_ref(),
                secure_setting,
                !cfg!(debug_assertions),
            ),
            public_url,
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
            session_idle_minutes: num("LEVELFIELD_SESSION_IDLE_MINUTES", 720),
            session_absolute_minutes: num("LEVELFIELD_SESSION_ABSOLUTE_MINUTES", 20160),
            setup_token_minutes: num("LEVELFIELD_SETUP_TOKEN_MINUTES", 60),
            login_failures_allowed: num("LEVELFIELD_LOGIN_FAILURES", 10),
            min_group_size: num("LEVELFIELD_MIN_GROUP_SIZE", 5),
            trusted_proxies: var("LEVELFIELD_TRUSTED_PROXIES")
                .map(|v| Cidr::parse_list(&v))
                .unwrap_or_default(),
            login_account_free: num("LEVELFIELD_LOGIN_ACCOUNT_FAILURES", 5),
            login_backoff_base: Duration::from_secs(1),
            join_failures_allowed: num("LEVELFIELD_JOIN_FAILURES", 10),
            hash_concurrency: var("LEVELFIELD_HASH_CONCURRENCY")
                .and_then(|v| v.parse().ok())
                .filter(|n: &usize| *n > 0)
                .unwrap_or_else(default_hash_concurrency),
            hash_wait: Duration::from_secs(2),
            quiz_attempts_per_hour: num("LEVELFIELD_QUIZ_ATTEMPTS_PER_HOUR", 30),
            db_acquire_timeout: Duration::from_millis(
                num("LEVELFIELD_DB_ACQUIRE_TIMEOUT_MS", 1000) as u64,
            ),
            db_statement_timeout: match var("LEVELFIELD_DB_STATEMENT_TIMEOUT_MS")
                .and_then(|v| v.trim().parse::<u64>().ok())
            {
                Some(0) => None,
                Some(ms) => Some(Duration::from_millis(ms)),
                None => Some(Duration::from_secs(10)),
            },
            db_busy_timeout: Duration::from_millis(
                num("LEVELFIELD_DB_BUSY_TIMEOUT_MS", 5000) as u64
            ),
            shutdown_grace: Duration::from_secs(num("LEVELFIELD_SHUTDOWN_GRACE_SECS", 10) as u64),
        }
    }

    /// The store's connection-pool settings.
    pub fn pool_settings(&self) -> crate::store::PoolSettings {
        crate::store::PoolSettings {
            acquire_timeout: self.db_acquire_timeout,
            statement_timeout: self.db_statement_timeout,
            busy_timeout: self.db_busy_timeout,
        }
    }
}

/// One hashing slot per CPU.
fn default_hash_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

impl Config {
    /// Defaults for tests: a given content folder, no watching, no secure cookies.
    pub fn for_tests(content_dir: &str) -> Self {
        Config {
            database_url: "sqlite::memory:".into(),
            content_dir: content_dir.into(),
            watch_content: false,
            max_body_bytes: 64 * 1024,
            public_url: None,
            secure_cookies: false,
            session_idle_minutes: 720,
            session_absolute_minutes: 20160,
            setup_token_minutes: 60,
            login_failures_allowed: 10,
            min_group_size: 5,
            trusted_proxies: Vec::new(),
            login_account_free: 5,
            login_backoff_base: Duration::from_secs(1),
            join_failures_allowed: 10,
            hash_concurrency: default_hash_concurrency(),
            hash_wait: Duration::from_secs(2),
            quiz_attempts_per_hour: 30,
            // Longer than in production: tests run side by side on a busy machine.
            db_acquire_timeout: Duration::from_secs(5),
            db_statement_timeout: Some(Duration::from_secs(30)),
            db_busy_timeout: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(10),
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
            .field(
                "public_url",
                &self.public_url.as_ref().map(PublicUrl::origin),
            )
            .field("secure_cookies", &self.secure_cookies)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_absolute_minutes", &self.session_absolute_minutes)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("hash_concurrency", &self.hash_concurrency)
            .field("db_acquire_timeout", &self.db_acquire_timeout)
            .field("db_statement_timeout", &self.db_statement_timeout)
            .field("shutdown_grace", &self.shutdown_grace)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Whether the site is served over https (its public URL says so).
    pub fn https(&self) -> bool {
        self.public_url.as_ref().is_some_and(PublicUrl::is_https)
    }
}

/// Whether session cookies are `Secure`: always for an https public URL; otherwise as
/// `LEVELFIELD_SECURE_COOKIES` says; otherwise off for an explicitly http public URL, and on in
/// release builds.
pub fn secure_cookies(public: Option<&PublicUrl>, setting: Option<bool>, release: bool) -> bool {
    match (public, setting) {
        (Some(p), _) if p.is_https() => true,
        (_, Some(on)) => on,
        (Some(_), None) => false,
        (None, None) => release,
    }
}

/// The site's public address, reduced to its origin (scheme, host and port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    origin: String,
    https: bool,
}

/// Why `LEVELFIELD_PUBLIC_URL` is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicUrlError {
    #[error("not a URL: {0}")]
    Parse(String),
    #[error("use an http:// or https:// address with a host")]
    Scheme,
    #[error("use only a scheme, a host and a port (no user, path, query or fragment)")]
    Extra,
}

impl PublicUrl {
    pub fn parse(text: &str) -> Result<Self, PublicUrlError> {
        let url = url::Url::parse(text.trim()).map_err(|e| PublicUrlError::Parse(e.to_string()))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(PublicUrlError::Scheme),
        };
        if url.host_str().is_none() {
            return Err(PublicUrlError::Scheme);
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(PublicUrlError::Extra);
        }
        Ok(PublicUrl {
            origin: url.origin().ascii_serialization(),
            https,
        })
    }

    /// `https://host[:port]`, as browsers send it in `Origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn is_https(&self) -> bool {
        self.https
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
    fn public_urls_are_origins() {
        let u = PublicUrl::parse("https://Skills.Example.org/").unwrap();
        assert_eq!(u.origin(), "https://skills.example.org");
        assert!(u.is_https());
        let u = PublicUrl::parse("http://127.0.0.1:3000").unwrap();
        assert_eq!(u.origin(), "http://127.0.0.1:3000");
        assert!(!u.is_https());
        assert_eq!(
            PublicUrl::parse("https://skills.example.org:443")
                .unwrap()
                .origin(),
            "https://skills.example.org",
            "the default port is left out, as browsers do"
        );
        assert_eq!(PublicUrl::parse("ftp://x.org"), Err(PublicUrlError::Scheme));
        assert_eq!(
            PublicUrl::parse("https://x.org/levelfield"),
            Err(PublicUrlError::Extra)
        );
        assert!(PublicUrl::parse("skills.example.org").is_err());
    }

    #[test]
    fn cookies_are_secure_by_default_in_release_and_always_over_https() {
        let https = PublicUrl::parse("https://x.org").unwrap();
        let http = PublicUrl::parse("http://x.org").unwrap();
        // An https public URL: Secure whatever else is said.
        assert!(secure_cookies(Some(&https), Some(false), false));
        assert!(secure_cookies(Some(&https), None, false));
        // No public URL: release builds default on, debug builds off; the setting wins.
        assert!(secure_cookies(None, None, true));
        assert!(!secure_cookies(None, None, false));
        assert!(
            !secure_cookies(None, Some(false), true),
            "explicit dev opt-out"
        );
        assert!(secure_cookies(None, Some(true), false));
        // An explicitly http public URL is an opt-out too.
        assert!(!secure_cookies(Some(&http), None, true));
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
