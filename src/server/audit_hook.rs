//! HOOK(sec-c): where account self-service records its audit events until the audit log
//! (`server::audit::record` and the `audit_events` table, added in parallel by helper sec-c)
//! is on main. Today it writes to the `audit` tracing target only; when the log lands, `record`
//! calls `server::audit::record` and `pseudonymise` rewrites that table's rows (see each).
//!
//! Events name people by user id, or, once erased, by a pseudonym only (`erased-<random>`),
//! never by name or email.
//!
//! May use: domain, state. Nothing of `features`.

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

/// Records that `actor` did `action` (e.g. `session.end`, `erasure.confirm`) to `target` in
/// `org`. Never fails the request: the log is best effort.
pub async fn record(
    _state: &AppState,
    org: OrgId,
    actor: Option<Subject>,
    action: &'static str,
    target: Option<Subject>,
) {
    // HOOK(sec-c): replace with `super::audit::record(...)` once it is on main.
    tracing::info!(
        target: "audit",
        org = org.0,
        actor = actor.map(|a| a.to_string()).unwrap_or_default(),
        action,
        target = target.map(|t| t.to_string()).unwrap_or_default(),
        "audit event"
    );
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
