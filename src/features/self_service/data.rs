//! What the self-service pages load: the viewer's live sessions (with the short handle a form
//! names one by), their pending erasure request, the admin's list of requests and members, and
//! whether a reset link still works. Server only; no markup.

use crate::domain::people::{Member, OrgId, UserId};
use crate::server::auth::{hash_token, Viewer};
use crate::server::state::AppState;
use crate::store::{ErasureRequest, SessionInfo, StoreError};
use chrono::{Duration, Utc};

/// A session as the list shows it, with the handle its "End" form names it by.
pub struct ListedSession {
    pub info: SessionInfo,
    pub handle: String,
    /// The session this request came with.
    pub current: bool,
}

/// The handle of a session in forms and pages: derived from the stored hash, so the page never
/// shows the store's key, and stable while the session lives.
pub fn handle(id_hash: &str) -> String {
    hash_token(&format!("session-handle:{id_hash}"))
        .chars()
        .take(16)
        .collect()
}

/// The viewer's live sessions, most recently seen first.
pub async fn sessions(state: &AppState, v: &Viewer) -> Result<Vec<ListedSession>, StoreError> {
    let now = Utc::now();
    let idle_cutoff = now - Duration::minutes(state.config.session_idle_minutes);
    let found = state.store.user_sessions(v.user, now, idle_cutoff).await?;
    Ok(found
        .into_iter()
        .map(|info| ListedSession {
            handle: handle(&info.id_hash),
            current: info.id_hash == v.session,
            info,
        })
        .collect())
}

/// The viewer's pending erasure request, if any.
pub async fn my_erasure(
    state: &AppState,
    v: &Viewer,
) -> Result<Option<ErasureRequest>, StoreError> {
    Ok(state
        .store
        .erasure_requests(v.org)
        .await?
        .into_iter()
        .find(|r| r.user == v.user))
}

/// The admin's accounts page: pending erasure requests (with who asked) and every member.
pub struct Accounts {
    pub requests: Vec<(ErasureRequest, Member)>,
    pub members: Vec<Member>,
}

pub async fn accounts(state: &AppState, org: OrgId) -> Result<Accounts, StoreError> {
    let members = state.store.members(org).await?;
    let requests = state
        .store
        .erasure_requests(org)
        .await?
        .into_iter()
        .filter_map(|r| {
            let m = members.iter().find(|m| m.user == r.user)?.clone();
            Some((r, m))
        })
        .collect();
    Ok(Accounts { requests, members })
}

/// The member a reset link is for, if the link still works.
pub async fn reset_user(state: &AppState, token: &str) -> Result<Option<UserId>, StoreError> {
    state
        .store
        .password_reset_user(&hash_token(token), Utc::now())
        .await
}
