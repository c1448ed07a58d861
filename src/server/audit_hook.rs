//! How account self-service records its audit events: through sec-c's audit log
//! (`server::audit::record`, the `audit_events` table, the admin's Activity page), naming people
//! by user id (`user 12`) rather than email. HOOK(sec-c): `pseudonymise` does not yet rewrite
//! stored entries (see there).
//!
//! Events name people by user id, or, once erased, by a pseudonym only (`erased-<random>`),
//! never by name or email.
//!
//! May use: domain, state. Nothing of `features`.

pub use super::audit::Action;
use super::audit::Event;
use super::state::AppState;
use crate::domain::people::{OrgId, UserId};

/// Who an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    User(UserId),
    /// An erased person, by the pseudonym their audit entries keep.
    Pseudonym(String),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::User(u) => write!(f, "user:{}", u.0),
            Subject::Pseudonym(p) => f.write_str(p),
        }
    }
}

/// Records that `actor` did `action` to `target` in `org`, through the audit log
/// (`server::audit::record`: stored for the organisation's admins and logged). Never fails the
/// request.
pub async fn record(
    state: &AppState,
    org: OrgId,
    actor: Option<Subject>,
    action: Action,
    target: Option<Subject>,
) {
    let (actor_id, actor_text) = match actor {
        Some(Subject::User(u)) => (Some(u), format!("user {}", u.0)),
        Some(Subject::Pseudonym(p)) => (None, p),
        None => (None, "-".to_string()),
    };
    let mut event = Event::account(Some(org), actor_id, &actor_text, action);
    if let Some(t) = target {
        event = event.target(match t {
            Subject::User(u) => format!("user {}", u.0),
            Subject::Pseudonym(p) => p,
        });
    }
    super::audit::record(state, event).await;
}

/// Replaces every reference to `user` in `org`'s audit entries by `pseudonym` (on erasure).
pub async fn pseudonymise(_state: &AppState, org: OrgId, user: UserId, pseudonym: &str) {
    // HOOK(sec-c): `UPDATE audit_events SET actor = <pseudonym> WHERE actor = <user>` (and the
    // same for `target`), scoped by `org`, once the table exists. Until then there are no
    // stored entries to rewrite; the tracing line below carries no id, only the pseudonym.
    let _ = user;
    tracing::info!(target: "audit", org = org.0, pseudonym, "audit entries pseudonymised");
}

/// A fresh pseudonym for an erased person: random, so it cannot be traced back to them.
pub fn new_pseudonym() -> String {
    let token = super::auth::new_token();
    format!("erased-{}", &token[..12])
}
