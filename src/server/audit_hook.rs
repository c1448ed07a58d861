//! How account self-service records its audit events: through sec-c's audit log
//! (`server::audit::record`, the `audit_events` table, the admin's Activity page), naming people
//! by user id (`user:12`) rather than email; on erasure, `pseudonymise` rewrites the person's
//! stored entries to a pseudonym.
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
/// A failure is logged, never shown: the erasure itself has happened.
pub async fn pseudonymise(state: &AppState, org: OrgId, user: UserId, pseudonym: &str) {
    match state.store.pseudonymise_audit(org, user, pseudonym).await {
        Ok(n) => {
            tracing::info!(target: "audit", org = org.0, pseudonym, entries = n, "audit entries pseudonymised")
        }
        Err(e) => crate::error::log_internal(&e),
    }
}

/// A fresh pseudonym for an erased person: random, so it cannot be traced back to them.
pub fn new_pseudonym() -> String {
    let token = super::auth::new_token();
    format!("erased-{}", &token[..12])
}
