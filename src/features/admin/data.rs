//! What the organisation admin's pages load. Server only; no markup.

use crate::domain::gaps::Weights;
use crate::domain::matrix::Estimates;
use crate::domain::matrix::Snapshot;
use crate::domain::people::{Member, OrgId, Organisation, Team, UserId};
use crate::server::estimates::{current, weights};
use crate::server::state::AppState;
use crate::store::{AuditEvent, Invitation, StoreError};
use chrono::{NaiveDate, Utc};

/// The admin page: the organisation, its teams, people and pending invitations.
pub struct Overview {
    pub organisation: Organisation,
    pub teams: Vec<Team>,
    pub members: Vec<Member>,
    pub invitations: Vec<Invitation>,
    /// The suspended members (SCIM `active=false`, or an admin's suspension).
    pub suspended: Vec<UserId>,
}

pub async fn overview(state: &AppState, org: OrgId) -> Result<Overview, StoreError> {
    let now = Utc::now();
    Ok(Overview {
        organisation: state.store.organisation(org).await?,
        teams: state.store.teams(org).await?,
        members: state.store.members(org).await?,
        invitations: state.store.invitations(org, now).await?,
        suspended: state.store.suspended_members(org).await?,
    })
}

/// The organisation roll-up's inputs: everyone's cached estimates (refreshed for whoever is
/// behind) and the recorded daily roll-ups since day `since`.
pub struct OrgSkills {
    pub teams: Vec<Team>,
    pub members: Vec<Member>,
    pub estimates: Estimates,
    pub weights: Weights,
    pub history: Vec<Snapshot>,
}

pub async fn org_skills(
    state: &AppState,
    org: OrgId,
    since: NaiveDate,
) -> Result<OrgSkills, StoreError> {
    Ok(OrgSkills {
        teams: state.store.teams(org).await?,
        members: state.store.members(org).await?,
        estimates: current(state, org).await?,
        weights: weights(state, org).await?,
        history: state.store.snapshots(org, None, since).await?,
    })
}

/// Events per page of the activity log.
pub const ACTIVITY_PAGE: i64 = 50;

/// One page of the organisation's audit log, newest first, and whether older events follow.
pub struct Activity {
    pub events: Vec<AuditEvent>,
    pub more: bool,
}

/// Page `page` (from 1) of `org`'s audit log.
pub async fn activity(state: &AppState, org: OrgId, page: i64) -> Result<Activity, StoreError> {
    let offset = (page.max(1) - 1).saturating_mul(ACTIVITY_PAGE);
    let mut events = state
        .store
        .audit_events(org, offset, ACTIVITY_PAGE + 1)
        .await?;
    let more = events.len() > ACTIVITY_PAGE as usize;
    events.truncate(ACTIVITY_PAGE as usize);
    Ok(Activity { events, more })
}
