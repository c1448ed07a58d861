//! What the single sign-on pages load: the organisation's settings (never the secret's value,
//! only whether one is saved), its teams and its linked identities; the pending link a browser's
//! cookie names. Server only; no markup.

use crate::domain::people::{Member, OrgId, Team};
use crate::server::auth::hash_token;
use crate::server::state::AppState;
use crate::store::{SsoConfig, SsoIdentity, SsoPendingLink, StoreError};
use chrono::Utc;

/// The admin page's data.
pub struct AdminSso {
    pub config: Option<SsoConfig>,
    pub teams: Vec<Team>,
    /// Every member, with the identities linked to them.
    pub members: Vec<(Member, Vec<SsoIdentity>)>,
}

pub async fn admin_sso(state: &AppState, org: OrgId) -> Result<AdminSso, StoreError> {
    let config = state.store.sso_config(org).await?;
    let teams = state.store.teams(org).await?;
    let mut members = Vec::new();
    for m in state.store.members(org).await? {
        let identities = state.store.sso_identities(org, m.user).await?;
        members.push((m, identities));
    }
    Ok(AdminSso {
        config,
        teams,
        members,
    })
}

/// A pending link the cookie `token` names, still usable, with its organisation's name.
pub async fn pending_link(
    state: &AppState,
    token: &str,
) -> Result<Option<(SsoPendingLink, String)>, StoreError> {
    let Some(link) = state.store.sso_pending_link(&hash_token(token)).await? else {
        return Ok(None);
    };
    if link.expires_at <= Utc::now() {
        return Ok(None);
    }
    let org = state.store.organisation(link.org).await?.name;
    Ok(Some((link, org)))
}
