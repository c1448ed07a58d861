//! Authentication: password policy and hashing (Argon2id), one-time tokens, server-side
//! sessions and the signed-in [`Viewer`] of each request.
//!
//! Sessions live in the database (so several app servers share them); the cookie holds a random
//! id whose SHA-256 is the key, so a leaked database holds no usable session.
//!
//! May use: domain, store, server state. Who may do what per request is checked by the
//! extractors in `server::extract`, built on [`Viewer`].

use super::config::Config;
use super::state::AppState;
use crate::domain::people::{Member, MemberRole, OrgId, TeamId, UserId};
use crate::store::{SessionRecord, StoreError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// The session cookie's name over plain http (or with no public URL set).
pub const SESSION_COOKIE: &str = "levelfield_session";
/// The session cookie's name when the public URL is https: the `__Host-` prefix makes browsers
/// refuse it unless it is `Secure`, host-only and `Path=/`, so a sibling subdomain cannot set it.
pub const HOST_SESSION_COOKIE: &str = "__Host-levelfield_session";

/// The session cookie's name for this configuration.
pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.https() {
        HOST_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// How far back throttled tries count at most (the longest window of `server::throttle`: an
/// account's and an invitation link's hour); older ones count for nothing and are purged by the
/// hourly maintenance (`estimates::purge_expired`).
pub const LOGIN_THROTTLE_WINDOW_MINUTES: i64 = 60;

/// Why a password is not accepted. The message is shown to the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Use at least 8 characters.")]
    TooShort,
    #[error("Use at most 128 characters.")]
    TooLong,
    #[error("That password is one of the most common ones; choose another.")]
    TooCommon,
}

impl From<PasswordError> for crate::error::ErrorCode {
    fn from(e: PasswordError) -> Self {
        use crate::error::ErrorCode;
        match e {
            PasswordError::TooShort => ErrorCode::PasswordShort,
            PasswordError::TooLong => ErrorCode::PasswordLong,
            PasswordError::TooCommon => ErrorCode::PasswordCommon,
        }
    }
}

/// The common-password list (`common_passwords.txt`, over 8,000 entries of 8 or more
/// characters; where it comes from is said in its header), read once into a set. Header lines
/// start with `# ` (an entry may start with `#`).
fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("common_passwords.txt")
            .lines()
            .filter(|l| !(l.starts_with("# ") || *l == "#"))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// Whether `password` may be used: 8 to 128 characters (any Unicode), not on the
/// common-password list (compared lower-cased). Applied at setup, joining and every password
/// change or reset.
pub fn check_password(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < 8 {
        return Err(PasswordError::TooShort);
    }
    if n > 128 {
        return Err(PasswordError::TooLong);
    }
    if common_passwords().contains(password.to_lowercase().as_str()) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

/// Failures of the authentication machinery (not of a person's credentials).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("background task failed")]
    Join(#[from] tokio::task::JoinError),
    /// Every hashing slot stayed taken for the whole wait: answer 503 with `Retry-After`.
    #[error("too many password checks at once")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Password work for requests, bounded: at most `concurrency` hashes and verifications run
/// at once (each holds 19 MiB for tens of milliseconds); a request waits at most `wait` for a
/// slot, then gets [`AuthError::Busy`] (503 with `Retry-After`). Counts its work, for tests and
/// figures. One per app, in the state.
pub struct Hashing {
    permits: Arc<Semaphore>,
    wait: std::time::Duration,
    hashes: AtomicU64,
    verifications: AtomicU64,
}

impl Hashing {
    pub fn new(concurrency: usize, wait: std::time::Duration) -> Self {
        Hashing {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            wait,
            hashes: AtomicU64::new(0),
            verifications: AtomicU64::new(0),
        }
    }

    /// A slot, held until dropped (tests hold them all to see 503).
    pub async fn slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, AuthError> {
        match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AuthError::Busy),
        }
    }

    /// [`hash_password`] within a slot.
    pub async fn hash(&self, password: String) -> Result<String, AuthError> {
        let slot = self.slot().await?;
        self.hashes.fetch_add(1, Ordering::Relaxed);
        let hashed = hash_password(password).await;
        drop(slot);
        hashed
    }

    /// [`verify_password`] within a slot.
    pub async fn verify(&self, hash: String, password: String) -> Result<bool, AuthError> {
        let slot = self.slot().await?;
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let ok = verify_password(hash, password).await;
        drop(slot);
        ok
    }

    /// Passwords hashed so far.
    pub fn hashes(&self) -> u64 {
        self.hashes.load(Ordering::Relaxed)
    }

    /// Passwords verified so far.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}

/// Hashes a password with Argon2id (OWASP parameters), off the async threads. Unbounded:
/// request handlers go through [`Hashing::hash`]; this is for the command line and tests.
pub async fn hash_password(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AuthError::Hash(e.to_string()))
    })
    .await?
}

/// Checks a password against a stored hash, off the async threads. A malformed hash is a
/// mismatch. Unbounded: request handlers go through [`Hashing::verify`].
pub async fn verify_password(hash: String, password: String) -> Result<bool, AuthError> {
    Ok(tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await?)
}

/// A hash that no password matches, verified against when an email is unknown so that a
/// failed login takes the same time either way.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8WkW7YVm8l2HPW4kWQ4Ff1qZbqvJxK9hVw1a2zwLh1I"
}

/// A fresh random token (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// A fresh random 64-bit number (an anonymous visitor's quiz seed).
pub fn random_u64() -> u64 {
    OsRng.next_u64()
}

/// The SHA-256 of a token, hex: what the database stores.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signed-in person of a request, with what they may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user: UserId,
    pub org: OrgId,
    pub name: String,
    pub email: String,
    pub roles: Vec<MemberRole>,
    pub teams: Vec<TeamId>,
    pub manages: Vec<TeamId>,
    /// The session's id hash (to end it, or keep it on a password change).
    pub session: String,
}

impl Viewer {
    fn from_member(m: Member, session: String) -> Self {
        Viewer {
            user: m.user,
            org: m.org,
            name: m.name,
            email: m.email,
            roles: m.roles,
            teams: m.teams,
            manages: m.manages,
            session,
        }
    }

    pub fn is(&self, role: MemberRole) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.is(MemberRole::Admin)
    }

    /// Whether this person may see how the organisation's quiz questions perform (item
    /// statistics): an admin, or a member with the author role.
    pub fn may_author(&self) -> bool {
        self.is_admin() || self.is(MemberRole::Author)
    }

    /// Whether this person may see the people and records of `team`.
    pub fn can_see_team(&self, team: TeamId) -> bool {
        self.is_admin() || (self.is(MemberRole::Manager) && self.manages.contains(&team))
    }

    /// Whether this person may see the records of some team: an admin, or a manager of at
    /// least one team.
    pub fn oversees_people(&self) -> bool {
        self.is_admin() || (self.is(MemberRole::Manager) && !self.manages.is_empty())
    }
}

/// A request that carries the session cookie more than once (say, one tossed in by a sibling
/// subdomain with `Domain=`): which one the browser meant cannot be known, so it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the request carries more than one session cookie")]
pub struct DuplicateSessionCookie;

/// The session id from the request's cookies (the cookie called `name`), if it is well formed.
pub fn session_cookie(
    headers: &HeaderMap,
    name: &str,
) -> Result<Option<String>, DuplicateSessionCookie> {
    let mut values = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v);
    let first = values.next();
    if values.next().is_some() {
        return Err(DuplicateSessionCookie);
    }
    Ok(first
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string))
}

/// Whether the session cookie is `Secure` for this request: the configuration says so (always
/// for an https public URL, by default in release builds), or a proxy says the request came
/// over TLS.
pub fn is_tls(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// `Set-Cookie` for a session id (or, with `None`, one that clears it), named `name`.
/// A `__Host-` name is always `Secure` (browsers drop it otherwise).
pub fn cookie_header(
    name: &str,
    value: Option<&str>,
    secure: bool,
    max_age_secs: i64,
) -> HeaderValue {
    let secure = if secure || name.starts_with("__Host-") {
        "; Secure"
    } else {
        ""
    };
    let text = match value {
        Some(v) => {
            format!("{name}={v}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
        }
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session `Set-Cookie` for this request: the configured name and `Secure` flag.
pub fn session_set_cookie(
    state: &AppState,
    headers: &HeaderMap,
    value: Option<&str>,
    max_age_secs: i64,
) -> HeaderValue {
    cookie_header(
        session_cookie_name(&state.config),
        value,
        is_tls(state, headers),
        max_age_secs,
    )
}

/// Starts a session for `user` (a fresh id every time: rotation at login) and returns the
/// cookie value.
pub async fn start_session(state: &AppState, user: UserId) -> Result<String, AuthError> {
    let now = Utc::now();
    let token = new_token();
    state
        .store
        .create_session(&SessionRecord {
            id_hash: hash_token(&token),
            user,
            created_at: now,
            last_seen_at: now,
            expires_at: now + Duration::minutes(state.config.session_absolute_minutes),
        })
        .await?;
    Ok(token)
}

/// The most a session row keeps of a User-Agent.
const USER_AGENT_MAX: usize = 256;

/// The request's User-Agent as a session row keeps it: printable characters only, capped.
pub fn user_agent(headers: &HeaderMap) -> Option<String> {
    let ua = headers.get(header::USER_AGENT)?.to_str().ok()?;
    let ua: String = ua
        .chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_MAX)
        .collect();
    (!ua.trim().is_empty()).then(|| ua.trim().to_string())
}

/// The client address of a request, as the session list shows it: the socket peer.
// HOOK(sec-a): when the trusted-proxy setting lands, take the address it derives instead.
fn client_addr(req: &Request) -> Option<String> {
    req.extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The 503 for a request whose session could not be looked up because of an outage.
/// Requests that never need to know who asks (probes, the site's static files) go on as
/// anonymous during an outage, so that the 503 page still gets its stylesheet.
fn outage_response(e: &StoreError, req: &Request) -> Option<Response> {
    let path = req.uri().path();
    if path.starts_with("/pkg/") || matches!(path, "/healthz" | "/readyz" | "/favicon.svg") {
        return None;
    }
    let outage = e.outage().unwrap_or(crate::store::Outage::Unreachable);
    Some(super::refusal::Refusal::unavailable(outage, e, path).into_response())
}

/// Middleware: finds the request's live session, if any, and puts its [`Viewer`] into the
/// request's extensions (where pages and server functions find it). Refreshes the idle timer
/// at most once a minute.
pub async fn load_viewer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let token = match session_cookie(req.headers(), session_cookie_name(&state.config)) {
        Ok(token) => token,
        Err(e) => {
            tracing::warn!("{e}: refused");
            let clear = session_set_cookie(&state, req.headers(), None, 0);
            return (
                StatusCode::BAD_REQUEST,
                [(header::SET_COOKIE, clear)],
                "Your browser sent two sign-in cookies for this site. Clear this site's cookies, then sign in again.",
            )
                .into_response();
        }
    };
    if let Some(token) = token {
        let id_hash = hash_token(&token);
        let now = Utc::now();
        let idle_cutoff = now - Duration::minutes(state.config.session_idle_minutes);
        match state.store.session(&id_hash, now, idle_cutoff).await {
            Ok(Some(session)) => {
                // A session's first request, then at most once a minute: the idle timer, and
                // the browser and address its owner's session list shows.
                let first = session.last_seen_at == session.created_at;
                let stale = now.signed_duration_since(session.last_seen_at) > Duration::seconds(60);
                if first || stale {
                    let (agent, addr) = (user_agent(req.headers()), client_addr(&req));
                    let seen = state.store.record_session_client(
                        &id_hash,
                        now,
                        agent.as_deref(),
                        addr.as_deref(),
                    );
                    if let Err(e) = seen.await {
                        tracing::warn!(error = %e, "could not refresh a session");
                    }
                }
                match state.store.member_by_user(session.user).await {
                    Err(e) if e.outage().is_some() => {
                        if let Some(res) = outage_response(&e, &req) {
                            return res;
                        }
                    }
                    Ok(member) => {
                        // The request's span (see `server::trace`) names who asked.
                        let span = tracing::Span::current();
                        span.record("user", member.user.0);
                        span.record("org", member.org.0);
                        req.extensions_mut()
                            .insert(Viewer::from_member(member, id_hash));
                    }
                    Err(e) => tracing::warn!(error = %e, "session without a member"),
                }
            }
            Ok(None) => {}
            // Who is asking cannot be known: answer 503 rather than treat them as signed out.
            Err(e) if e.outage().is_some() => {
                if let Some(res) = outage_response(&e, &req) {
                    return res;
                }
            }
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy() {
        assert_eq!(check_password("short"), Err(PasswordError::TooShort));
        assert_eq!(
            check_password(&"x".repeat(129)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(check_password("Password123"), Err(PasswordError::TooCommon));
        for common in [
            "iloveyou",
            "qwertyuiop",
            "1q2w3e4r5t",
            "baseball1",
            "#1stunna",
        ] {
            assert_eq!(
                check_password(common),
                Err(PasswordError::TooCommon),
                "{common}"
            );
        }
        assert!(
            common_passwords().len() >= 3000,
            "{}",
            common_passwords().len()
        );
        assert!(
            common_passwords().iter().all(|p| p.chars().count() >= 8),
            "every entry fits the length policy (shorter ones are refused anyway)"
        );
        assert_eq!(check_password("correct horse battery"), Ok(()));
        assert_eq!(check_password("пароль-для-входа"), Ok(()), "any Unicode");
        assert_eq!(
            check_password("ééééééé"),
            Err(PasswordError::TooShort),
            "counts characters, not bytes"
        );
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(h.clone(), "correct horse battery".into())
            .await
            .unwrap());
        assert!(!verify_password(h, "wrong horse battery".into())
            .await
            .unwrap());
        assert!(
            !verify_password(dummy_hash().into(), "anything at all".into())
                .await
                .unwrap()
        );
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn cookie_flags() {
        let c = cookie_header(SESSION_COOKIE, Some("abc"), true, 60);
        let c = c.to_str().unwrap();
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"),
            "{c}"
        );
        let c = cookie_header(SESSION_COOKIE, Some("abc"), false, 60);
        assert!(!c.to_str().unwrap().contains("Secure"));
        // A __Host- cookie: Secure even if not asked, Path=/ and no Domain.
        let c = cookie_header(HOST_SESSION_COOKIE, Some("abc"), false, 60);
        assert_eq!(
            c.to_str().unwrap(),
            "__Host-levelfield_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        let c = cookie_header(HOST_SESSION_COOKIE, None, false, 0);
        assert_eq!(
            c.to_str().unwrap(),
            "__Host-levelfield_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
        );
    }

    #[test]
    fn cookie_names_follow_the_public_url() {
        let mut c = Config::for_tests("content");
        assert_eq!(session_cookie_name(&c), SESSION_COOKIE);
        c.public_url = Some(crate::server::config::PublicUrl::parse("http://x.org").unwrap());
        assert_eq!(session_cookie_name(&c), SESSION_COOKIE);
        c.public_url = Some(crate::server::config::PublicUrl::parse("https://x.org").unwrap());
        assert_eq!(session_cookie_name(&c), HOST_SESSION_COOKIE);
    }

    #[test]
    fn two_session_cookies_are_refused() {
        let id = "a".repeat(64);
        let other = "b".repeat(64);
        let h = |v: String| {
            let mut m = HeaderMap::new();
            m.append(header::COOKIE, HeaderValue::from_str(&v).unwrap());
            m
        };
        assert_eq!(
            session_cookie(
                &h(format!("levelfield_session={id}; theme=x")),
                SESSION_COOKIE
            ),
            Ok(Some(id.clone()))
        );
        assert_eq!(
            session_cookie(
                &h(format!(
                    "levelfield_session={other}; levelfield_session={id}"
                )),
                SESSION_COOKIE
            ),
            Err(DuplicateSessionCookie)
        );
        // Two Cookie headers count too.
        let mut m = h(format!("levelfield_session={id}"));
        m.append(
            header::COOKIE,
            HeaderValue::from_str(&format!("levelfield_session={other}")).unwrap(),
        );
        assert_eq!(
            session_cookie(&m, SESSION_COOKIE),
            Err(DuplicateSessionCookie)
        );
        // The other name is not this site's session under https: ignored, not a duplicate.
        assert_eq!(
            session_cookie(
                &h(format!(
                    "levelfield_session={other}; __Host-levelfield_session={id}"
                )),
                HOST_SESSION_COOKIE
            ),
            Ok(Some(id))
        );
        assert_eq!(
            session_cookie(&h("levelfield_session=short".into()), SESSION_COOKIE),
            Ok(None)
        );
    }
}
