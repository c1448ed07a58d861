//! Organisation administration as form POSTs: teams, invitations, roles, the role profiles
//! people and teams are measured against, removal. Every handler
//! checks that the viewer is an admin of their organisation, and every store call is scoped to
//! that organisation, so ids guessed from another one find nothing.

use super::account::{forbidden, require_login};
use super::auth::{hash_token, new_token, Viewer};
use super::forms::{see_other, valid_email, with_error, Form};
use super::state::AppState;
use crate::domain::people::{MemberRole, TeamId, UserId};
use crate::store::{Assignment, Invitation, StoreError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;
use chrono::{Duration, Utc};

/// Why a request is not an admin's.
enum Denied {
    Anonymous,
    NotAdmin,
}

impl Denied {
    fn response(self) -> Response {
        match self {
            Denied::Anonymous => require_login("/admin"),
            Denied::NotAdmin => forbidden(),
        }
    }
}

fn admin(viewer: Option<Extension<Viewer>>) -> Result<Viewer, Denied> {
    match viewer {
        None => Err(Denied::Anonymous),
        Some(Extension(v)) if v.is_admin() => Ok(v),
        Some(_) => Err(Denied::NotAdmin),
    }
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::NotFound => see_other(&with_error("/admin", "not-found"), None),
        StoreError::NameTaken => see_other(&with_error("/admin", "name-taken"), None),
        StoreError::EmailTaken => see_other(&with_error("/admin", "email-taken"), None),
        e => {
            let _ = crate::error::AppError::internal(&e);
            see_other(&with_error("/admin", "internal"), None)
        }
    }
}

/// `POST /admin/teams`: a new team.
pub async fn create_team(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    body: Bytes,
) -> Response {
    let v = match admin(viewer) {
        Ok(v) => v,
        Err(d) => return d.response(),
    };
    let Some(name) = Form::parse(&body).get("name") else {
        return see_other(&with_error("/admin", "missing"), None);
    };
    match state
        .store
        .create_team(v.org, &name.chars().take(80).collect::<String>())
        .await
    {
        Ok(_) => see_other("/admin#teams", None),
        Err(e) => store_error(e),
    }
}

/// `POST /admin/invitations`: a single-use, expiring invitation bound to a role and team. The
/// link is shown once, on the page the admin is sent to.
pub async fn create_invitation(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    body: Bytes,
) -> Response {
    let v = match admin(viewer) {
        Ok(v) => v,
        Err(d) => return d.response(),
    };
    let form = Form::parse(&body);
    let Some(role) = form.get("role").as_deref().and_then(MemberRole::parse) else {
        return see_other(&with_error("/admin", "missing"), None);
    };
    let email = form.get("email").map(|e| e.to_lowercase());
    if email.as_deref().is_some_and(|e| !valid_email(e)) {
        return see_other(&with_error("/admin", "email"), None);
    }
    let team = match form.get("team").map(|t| t.parse::<i64>()) {
        None => None,
        Some(Ok(id)) => match state.store.teams(v.org).await {
            Ok(teams) if teams.iter().any(|t| t.id.0 == id) => Some(TeamId(id)),
            Ok(_) => return see_other(&with_error("/admin", "not-found"), None),
            Err(e) => return store_error(e),
        },
        Some(Err(_)) => return see_other(&with_error("/admin", "not-found"), None),
    };
    let days: i64 = form
        .get("days")
        .and_then(|d| d.parse().ok())
        .filter(|d| (1..=30).contains(d))
        .unwrap_or(7);
    let token = new_token();
    let now = Utc::now();
    let invitation = Invitation {
        id: 0,
        org: v.org,
        token_hash: hash_token(&token),
        email,
        role,
        team,
        created_by: v.user,
        created_at: now,
        expires_at: now + Duration::days(days),
        used_at: None,
    };
    match state.store.create_invitation(&invitation).await {
        Ok(_) => see_other(&format!("/admin?invited={token}#invitations"), None),
        Err(e) => store_error(e),
    }
}

/// `POST /admin/members/{user}`: replaces a member's roles and teams.
pub async fn assign(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(user): Path<i64>,
    body: Bytes,
) -> Response {
    let v = match admin(viewer) {
        Ok(v) => v,
        Err(d) => return d.response(),
    };
    let form = Form::parse(&body);
    let roles: Vec<MemberRole> = form
        .all("role")
        .iter()
        .filter_map(|r| MemberRole::parse(r))
        .collect();
    if UserId(user) == v.user && !roles.contains(&MemberRole::Admin) {
        return see_other(&with_error("/admin", "self"), None);
    }
    let ids = |key: &str| -> Vec<TeamId> {
        form.all(key)
            .iter()
            .filter_map(|t| t.parse().ok())
            .map(TeamId)
            .collect()
    };
    let assignment = Assignment {
        roles,
        teams: ids("team"),
        manages: ids("manages"),
    };
    match state.store.assign(v.org, UserId(user), &assignment).await {
        Ok(()) => see_other(&format!("/admin#member-{user}"), None),
        Err(e) => store_error(e),
    }
}

/// `POST /admin/members/{user}/remove`: removes a member and their records.
pub async fn remove(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(user): Path<i64>,
) -> Response {
    let v = match admin(viewer) {
        Ok(v) => v,
        Err(d) => return d.response(),
    };
    if UserId(user) == v.user {
        return see_other(&with_error("/admin", "self"), None);
    }
    match state.store.remove_member(v.org, UserId(user)).await {
        Ok(()) => see_other("/admin#members", None),
        Err(e) => store_error(e),
    }
}

/// An admin's request to set a role profile: the admin and the role id (`None` for "none"), or
/// the response refusing it (not an admin; a role the content does not define).
fn role_profile_request(
    state: &AppState,
    viewer: Option<Extension<Viewer>>,
    body: &Bytes,
) -> Result<(Viewer, Option<String>), Box<Response>> {
    let v = admin(viewer).map_err(|d| Box::new(d.response()))?;
    match Form::parse(body).get("role").filter(|r| !r.is_empty()) {
        None => Ok((v, None)),
        Some(r) if state.library.current().roles().iter().any(|x| x.id.0 == r) => Ok((v, Some(r))),
        Some(_) => Err(Box::new(see_other(&with_error("/admin", "role"), None))),
    }
}

/// `POST /admin/members/{user}/target-role`: the role profile a person is measured against.
pub async fn set_member_role(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(user): Path<i64>,
    body: Bytes,
) -> Response {
    let (v, role) = match role_profile_request(&state, viewer, &body) {
        Ok(x) => x,
        Err(response) => return *response,
    };
    match state
        .store
        .set_target_role(v.org, UserId(user), role.as_deref())
        .await
    {
        Ok(()) => see_other(&format!("/admin#member-{user}"), None),
        Err(e) => store_error(e),
    }
}

/// `POST /admin/teams/{team}/target-role`: the role profile a team's people are measured
/// against when they have none of their own.
pub async fn set_team_role(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(team): Path<i64>,
    body: Bytes,
) -> Response {
    let (v, role) = match role_profile_request(&state, viewer, &body) {
        Ok(x) => x,
        Err(response) => return *response,
    };
    match state
        .store
        .set_team_target_role(v.org, TeamId(team), role.as_deref())
        .await
    {
        Ok(()) => see_other("/admin#teams", None),
        Err(e) => store_error(e),
    }
}
