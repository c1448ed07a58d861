//! What the account pages load: whether first-run setup is still open, and the invitation a
//! join link stands for. Server only; no markup.

use crate::domain::people::MemberRole;
use crate::server::auth::hash_token;
use crate::server::state::AppState;
use crate::store::StoreError;
use chrono::{DateTime, Utc};

/// Whether Levelfield still waits for its first organisation.
pub async fn setup_open(state: &AppState) -> Result<bool, StoreError> {
    Ok(state.store.organisation_count().await? == 0)
}

/// An invitation that can still be accepted, as the join page shows it.
pub struct PendingInvitation {
    pub organisation: String,
    pub role: MemberRole,
    /// The invitee's email, if the admin gave one (pre-filled for them).
    pub email: Option<String>,
}

/// The invitation of `token` if it is unused and not expired at `now` (the rule the store's
/// `accept_invitation` enforces when the form is sent); `None` otherwise.
pub async fn invitation_for(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<PendingInvitation>, StoreError> {
    let Some(inv) = state.store.invitation(&hash_token(token)).await? else {
        return Ok(None);
    };
    let expired = inv.expires_at <= now;
    if inv.used_at.is_some() || expired {
        return Ok(None);
    }
    let organisation = state.store.organisation(inv.org).await?.name;
    Ok(Some(PendingInvitation {
        organisation,
        role: inv.role,
        email: inv.email,
    }))
}

/// An organisation whose single sign-on covers an email's domain, as the login page offers it.
pub struct SsoOffer {
    pub id: crate::domain::people::OrgId,
    pub name: String,
    pub mandatory: bool,
}

/// The organisation whose switched-on single sign-on covers `email`'s domain, if any.
pub async fn sso_for_email(state: &AppState, email: &str) -> Result<Option<SsoOffer>, StoreError> {
    let Some(config) = crate::server::sso::config_for_email(state, email).await? else {
        return Ok(None);
    };
    let name = state.store.organisation(config.org).await?.name;
    Ok(Some(SsoOffer {
        id: config.org,
        name,
        mandatory: config.mandatory,
    }))
}
