//! Organisation administration as form POSTs: teams, invitations, roles, the role profiles
//! people and teams are measured against, removal, and the organisation's own scarcity weights.
//! Every handler takes an [`Admin`] (so only an admin of the organisation gets this far), and
//! every store call is scoped to that organisation, so ids guessed from another one find nothing.

use crate::domain::people::{Member, MemberRole, OrgId, TeamId, UserId};
use crate::error::ErrorCode;
use crate::server::audit::{self, Action as Audited, ClientAddr, Event};
use crate::server::auth::{hash_token, new_token};
use crate::server::extract::Admin;
use crate::server::forms::{check_name, valid_email, Form, NameProblem};
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use crate::store::{Assignment, Invitation};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};

/// Where every admin form comes from.
const ADMIN: &str = "/admin";

/// `POST /admin/teams`: a new team.
#[tracing::instrument(skip_all)]
pub async fn create_team(State(state): State<AppState>, Admin(v): Admin, form: Form) -> Action {
    let name = check_name(form.get("name"), 80).map_err(|p| {
        let code = match p {
            NameProblem::Missing => ErrorCode::Missing,
            NameProblem::Invalid => ErrorCode::TeamName,
        };
        Refusal::back(ADMIN, code)
    })?;
    state.store.create_team(v.org, &name).await.or_back(ADMIN)?;
    Ok(SeeOther::to("/admin#teams"))
}

/// The longest an admin-role invitation works: a bearer link to the whole organisation.
pub const ADMIN_INVITATION_HOURS: i64 = 24;

/// `POST /admin/invitations`: a single-use, expiring invitation bound to a role and team (and
/// to an email, if given: only that address can accept it). Admin-role invitations work for
/// [`ADMIN_INVITATION_HOURS`] at most. The link is shown once, in this response (never in a
/// URL, where browser history and proxy logs would keep it).
#[tracing::instrument(skip_all)]
pub async fn create_invitation(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    form: Form,
) -> Result<Response, Refusal> {
    let role = form
        .get("role")
        .as_deref()
        .and_then(MemberRole::parse)
        .ok_or_else(|| Refusal::back(ADMIN, ErrorCode::Missing))?;
    let email = form.get("email").map(|e| e.to_lowercase());
    if email.as_deref().is_some_and(|e| !valid_email(e)) {
        return Err(Refusal::back(ADMIN, ErrorCode::Email));
    }
    let team = match form.get("team") {
        None => None,
        Some(t) => {
            let id = t
                .parse::<i64>()
                .map_err(|_| Refusal::back(ADMIN, ErrorCode::NotFound))?;
            let teams = state.store.teams(v.org).await.or_back(ADMIN)?;
            if !teams.iter().any(|t| t.id.0 == id) {
                return Err(Refusal::back(ADMIN, ErrorCode::NotFound));
            }
            Some(TeamId(id))
        }
    };
    let days: i64 = form
        .get("days")
        .and_then(|d| d.parse().ok())
        .filter(|d| (1..=30).contains(d))
        .unwrap_or(7);
    let token = new_token();
    let now = Utc::now();
    let lasts = match role {
        MemberRole::Admin => Duration::hours(ADMIN_INVITATION_HOURS).min(Duration::days(days)),
        _ => Duration::days(days),
    };
    let invitation = Invitation {
        id: 0,
        org: v.org,
        token_hash: hash_token(&token),
        email,
        role,
        team,
        created_by: v.user,
        created_at: now,
        expires_at: now + lasts,
        used_at: None,
    };
    let id = state
        .store
        .create_invitation(&invitation)
        .await
        .or_back(ADMIN)?;
    let detail = format!(
        "role {}; team {}; email {}; expires {}",
        role.key(),
        team.map_or("none".to_string(), |t| t.0.to_string()),
        invitation.email.as_deref().unwrap_or("any"),
        invitation.expires_at.format("%Y-%m-%d %H:%M UTC")
    );
    let event = Event::by(&v, Audited::InvitationCreated).target(format!("invitation {id}"));
    audit::record(&state, event.detail(detail).from(&client)).await;
    let mut page =
        super::invited::page(&format!("/join?token={token}"), &invitation).into_response();
    // The page holds a live token: no cache keeps it.
    page.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(page)
}

/// `POST /admin/invitations/{id}/revoke`: a pending invitation stops working.
#[tracing::instrument(skip_all, fields(invitation = id))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(id): Path<i64>,
) -> Action {
    state
        .store
        .revoke_invitation(v.org, id)
        .await
        .or_back(ADMIN)?;
    let event = Event::by(&v, Audited::InvitationRevoked).target(format!("invitation {id}"));
    audit::record(&state, event.from(&client)).await;
    Ok(SeeOther::to("/admin#invitations"))
}

/// A member as the audit log names them: `user 12 ada@example.org`.
fn who(m: &Member) -> String {
    format!("user {} {}", m.user, m.email)
}

/// A member of `org` (for the audit log's target and before-and-after), or `NotFound`.
async fn member_of(state: &AppState, org: OrgId, user: i64) -> Result<Member, Refusal> {
    state.store.member(org, UserId(user)).await.or_back(ADMIN)
}

/// Roles and teams, as the audit log's detail shows them.
fn assignment_text(roles: &[MemberRole], teams: &[TeamId], manages: &[TeamId]) -> String {
    let ids = |t: &[TeamId]| {
        let ids: Vec<String> = t.iter().map(|t| t.0.to_string()).collect();
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(",")
        }
    };
    let roles: Vec<&str> = roles.iter().map(|r| r.key()).collect();
    format!(
        "roles {}; teams {}; manages {}",
        if roles.is_empty() {
            "none".to_string()
        } else {
            roles.join(",")
        },
        ids(teams),
        ids(manages)
    )
}

/// `POST /admin/members/{user}`: replaces a member's roles and teams.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn assign(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(user): Path<i64>,
    form: Form,
) -> Action {
    let roles: Vec<MemberRole> = form
        .all("role")
        .iter()
        .filter_map(|r| MemberRole::parse(r))
        .collect();
    if UserId(user) == v.user && !roles.contains(&MemberRole::Admin) {
        return Err(Refusal::back(ADMIN, ErrorCode::OwnAdmin));
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
    let before = member_of(&state, v.org, user).await?;
    state
        .store
        .assign(v.org, UserId(user), &assignment)
        .await
        .or_back(ADMIN)?;
    let detail = format!(
        "{} → {}",
        assignment_text(&before.roles, &before.teams, &before.manages),
        assignment_text(&assignment.roles, &assignment.teams, &assignment.manages)
    );
    let event = Event::by(&v, Audited::RolesAssigned).target(who(&before));
    audit::record(&state, event.detail(detail).from(&client)).await;
    Ok(SeeOther::to(format!("/admin#member-{user}")))
}

/// `POST /admin/members/{user}/remove`: removes a member and their records.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn remove(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(user): Path<i64>,
) -> Action {
    if UserId(user) == v.user {
        return Err(Refusal::back(ADMIN, ErrorCode::OwnAdmin));
    }
    let gone = member_of(&state, v.org, user).await?;
    state
        .store
        .remove_member(v.org, UserId(user))
        .await
        .or_back(ADMIN)?;
    let event = Event::by(&v, Audited::MemberRemoved).target(who(&gone));
    audit::record(&state, event.from(&client)).await;
    Ok(SeeOther::to("/admin#members"))
}

/// `POST /admin/members/{user}/suspend`: suspends a member at once (every session of theirs
/// ends, sign-in is refused); their records stay in the reports. Not oneself.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn suspend(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(user): Path<i64>,
) -> Action {
    if UserId(user) == v.user {
        return Err(Refusal::back(ADMIN, ErrorCode::OwnAdmin));
    }
    let member = member_of(&state, v.org, user).await?;
    let ended = state
        .store
        .suspend_member(v.org, UserId(user), Utc::now())
        .await
        .or_back(ADMIN)?;
    let event = Event::by(&v, Audited::MemberSuspended)
        .target(who(&member))
        .detail(format!("{ended} session(s) ended"));
    audit::record(&state, event.from(&client)).await;
    Ok(SeeOther::to(format!("/admin#member-{user}")))
}

/// `POST /admin/members/{user}/reactivate`: lifts a member's suspension.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn reactivate(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(user): Path<i64>,
) -> Action {
    let member = member_of(&state, v.org, user).await?;
    state
        .store
        .reactivate_member(v.org, UserId(user))
        .await
        .or_back(ADMIN)?;
    let event = Event::by(&v, Audited::MemberReactivated).target(who(&member));
    audit::record(&state, event.from(&client)).await;
    Ok(SeeOther::to(format!("/admin#member-{user}")))
}

/// The role profile of a form (`None` for "none"), if the content defines it.
fn role_profile(state: &AppState, form: &Form) -> Result<Option<String>, Refusal> {
    match form.get("role") {
        None => Ok(None),
        Some(r) if state.library.current().roles().iter().any(|x| x.id.0 == r) => Ok(Some(r)),
        Some(_) => Err(Refusal::back(ADMIN, ErrorCode::Role)),
    }
}

/// `POST /admin/members/{user}/target-role`: the role profile a person is measured against.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn set_member_role(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(user): Path<i64>,
    form: Form,
) -> Action {
    let role = role_profile(&state, &form)?;
    let member = member_of(&state, v.org, user).await?;
    state
        .store
        .set_target_role(v.org, UserId(user), role.as_deref())
        .await
        .or_back(ADMIN)?;
    let event = Event::by(&v, Audited::TargetRoleSet).target(who(&member));
    let detail = format!(
        "{} → {}",
        member.target_role.as_deref().unwrap_or("none"),
        role.as_deref().unwrap_or("none")
    );
    audit::record(&state, event.detail(detail).from(&client)).await;
    Ok(SeeOther::to(format!("/admin#member-{user}")))
}

/// `POST /admin/teams/{team}/target-role`: the role profile a team's people are measured
/// against when they have none of their own.
#[tracing::instrument(skip_all, fields(team = team))]
pub async fn set_team_role(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(team): Path<i64>,
    form: Form,
) -> Action {
    let role = role_profile(&state, &form)?;
    state
        .store
        .set_team_target_role(v.org, TeamId(team), role.as_deref())
        .await
        .or_back(ADMIN)?;
    let event = Event::by(&v, Audited::TeamTargetRoleSet).target(format!("team {team}"));
    let detail = format!("target role {}", role.as_deref().unwrap_or("none"));
    audit::record(&state, event.detail(detail).from(&client)).await;
    Ok(SeeOther::to("/admin#teams"))
}

/// `POST /org/scarcity`: sets (`weight` 0–1 and a `note` on its source) or clears (`clear`)
/// the organisation's own scarcity weight for `skill`.
#[tracing::instrument(skip_all)]
pub async fn set_scarcity(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    form: Form,
) -> Action {
    let back = "/org/scarcity";
    let lib = state.library.current();
    let skill = form
        .get("skill")
        .filter(|s| lib.skill(s).is_some())
        .ok_or_else(|| Refusal::back(back, ErrorCode::NotFound))?;
    let value = if form.get("clear").is_some() {
        None
    } else {
        let weight = form
            .get("weight")
            .and_then(|w| w.trim().parse::<f64>().ok())
            .filter(|w| w.is_finite() && (0.0..=1.0).contains(w));
        let note = form
            .get("note")
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty() && n.chars().count() <= 200);
        match (weight, note) {
            (Some(w), Some(n)) => Some((w, n)),
            _ => {
                return Err(Refusal::back(back, ErrorCode::Weight)
                    .with_param("skill", skill.clone())
                    .with_anchor(format!("skill-{skill}")))
            }
        }
    };
    state
        .store
        .set_scarcity_override(
            v.org,
            &skill,
            value.as_ref().map(|(w, n)| (*w, n.as_str())),
            v.user,
            Utc::now(),
        )
        .await
        .or_back(back)?;
    let event = match &value {
        Some((w, note)) => {
            Event::by(&v, Audited::ScarcitySet).detail(format!("weight {w:.2}: {note}"))
        }
        None => Event::by(&v, Audited::ScarcityCleared),
    };
    audit::record(&state, event.target(format!("skill {skill}")).from(&client)).await;
    Ok(SeeOther::to(format!("{back}#skill-{skill}")))
}
