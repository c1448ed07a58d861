//! Authentication: password policy and hashing (Argon2id), one-time tokens, server-side
//! sessions and the signed-in [`Viewer`] of each request.
//!
//! Sessions live in the database (so several app servers share them); the cookie holds a random
//! id whose SHA-256 is the key, so a leaked database holds no usable session.
//!
//! May use: domain, store, server state. Who may do what per request is checked by the
//! extractors in `server::extract`, built on [`Viewer`].

use super::state::AppState;
use crate::domain::people::{Member, MemberRole, OrgId, TeamId, UserId};
use crate::store::{SessionRecord, StoreError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "levelfield_session";

/// How far back failed logins count toward the throttle; older ones count for nothing and are
/// purged by the hourly maintenance (`estimates::purge_expired`).
pub const LOGIN_THROTTLE_WINDOW_MINUTES: i64 = 15;

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

/// Whether `password` may be used: 8 to 128 characters (any Unicode), not a very common one.
pub fn check_password(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < 8 {
        return Err(PasswordError::TooShort);
    }
    if n > 128 {
        return Err(PasswordError::TooLong);
    }
    let lower = password.to_lowercase();
    let common = include_str!("common_passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.trim() == lower);
    if common {
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
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Hashes a password with Argon2id (OWASP parameters), off the async threads.
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
/// mismatch.
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

/// The session id from the request's cookies.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the request came over TLS (directly configured, or through a proxy that says so).
pub fn is_tls(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// `Set-Cookie` for a session id (or, with `None`, one that clears it).
pub fn cookie_header(value: Option<&str>, secure: bool, max_age_secs: i64) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = match value {
        Some(v) => format!(
            "{SESSION_COOKIE}={v}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
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

/// Middleware: finds the request's live session, if any, and puts its [`Viewer`] into the
/// request's extensions (where pages and server functions find it). Refreshes the idle timer
/// at most once a minute.
pub async fn load_viewer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(token) = session_cookie(req.headers()) {
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
        let c = cookie_header(Some("abc"), true, 60);
        let c = c.to_str().unwrap();
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"),
            "{c}"
        );
        let c = cookie_header(Some("abc"), false, 60);
        assert!(!c.to_str().unwrap().contains("Secure"));
    }
}
