//! Skill settings as form POSTs and the gap report: a learner's self-ratings, the target roles
//! an admin assigns to people and teams, the organisation's scarcity overrides, and the team
//! gap report as CSV. Every handler checks who may do it; every store call is scoped to the
//! viewer's organisation.

use super::account::{forbidden, require_login};
use super::auth::{ts, Viewer};
use super::forms::{see_other, with_error, Form};
use super::state::AppState;
use crate::domain::gaps::Weights;
use crate::domain::matrix::csv_safe;
use crate::domain::people::{TeamId, UserId};
use crate::features::teams::team_matrix;
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::Utc;
use std::collections::HashMap;

fn failed(back: &str, e: StoreError) -> Response {
    match e {
        StoreError::NotFound => see_other(&with_error(back, "not-found"), None),
        e => {
            let _ = crate::error::AppError::internal(&e);
            see_other(&with_error(back, "internal"), None)
        }
    }
}

/// A role id from a form: `Ok(None)` for "none", `Err` for one the content does not define.
fn role_field(state: &AppState, form: &Form) -> Result<Option<String>, ()> {
    match form.get("role").filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) if state.library.current().roles().iter().any(|x| x.id.0 == r) => Ok(Some(r)),
        Some(_) => Err(()),
    }
}

/// `POST /me/ratings`: the learner's self-ratings, one `rating-<skill>` field per skill
/// (blank removes a rating). Stored apart from the evidence and never mixed into estimates.
pub async fn save_ratings(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    body: Bytes,
) -> Response {
    let Some(Extension(v)) = viewer else {
        return require_login("/me/skills");
    };
    let form = Form::parse(&body);
    let back = match form.get("role").filter(|r| !r.is_empty()) {
        Some(r) if r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
            format!("/me/skills?role={r}")
        }
        _ => "/me/skills".to_string(),
    };
    let lib = state.library.current();
    let mut ratings = Vec::new();
    for skill in lib.skills() {
        let Some(value) = form.raw(&format!("rating-{}", skill.id)) else {
            continue;
        };
        let level = match value.trim() {
            "" => None,
            x => match x.parse::<u8>() {
                Ok(l) if l <= 4 => Some(l),
                _ => return see_other(&with_error(&back, "rating"), None),
            },
        };
        ratings.push((skill.id.0.clone(), level));
    }
    match state
        .store
        .set_self_ratings(v.org, v.user, &ratings, &ts(Utc::now()))
        .await
    {
        Ok(()) => see_other(&format!("{back}#ratings"), None),
        Err(e) => failed(&back, e),
    }
}

/// `POST /admin/members/{user}/target-role`: the role profile a person is measured against.
pub async fn set_member_role(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(user): Path<i64>,
    body: Bytes,
) -> Response {
    let v = match viewer {
        None => return require_login("/admin"),
        Some(Extension(v)) if v.is_admin() => v,
        Some(_) => return forbidden(),
    };
    let Ok(role) = role_field(&state, &Form::parse(&body)) else {
        return see_other(&with_error("/admin", "role"), None);
    };
    match state
        .store
        .set_target_role(v.org, UserId(user), role.as_deref())
        .await
    {
        Ok(()) => see_other(&format!("/admin#member-{user}"), None),
        Err(e) => failed("/admin", e),
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
    let v = match viewer {
        None => return require_login("/admin"),
        Some(Extension(v)) if v.is_admin() => v,
        Some(_) => return forbidden(),
    };
    let Ok(role) = role_field(&state, &Form::parse(&body)) else {
        return see_other(&with_error("/admin", "role"), None);
    };
    match state
        .store
        .set_team_target_role(v.org, TeamId(team), role.as_deref())
        .await
    {
        Ok(()) => see_other("/admin#teams", None),
        Err(e) => failed("/admin", e),
    }
}

/// `POST /org/scarcity`: sets (`weight` 0–1 and a `note` on its source) or clears (`clear`)
/// the organisation's own scarcity weight for `skill`.
pub async fn set_scarcity(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    body: Bytes,
) -> Response {
    let v = match viewer {
        None => return require_login("/org/scarcity"),
        Some(Extension(v)) if v.is_admin() => v,
        Some(_) => return forbidden(),
    };
    let form = Form::parse(&body);
    let back = "/org/scarcity";
    let lib = state.library.current();
    let Some(skill) = form.get("skill").filter(|s| lib.skill(s).is_some()) else {
        return see_other(&with_error(back, "not-found"), None);
    };
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
            _ => return see_other(&with_error(back, "weight"), None),
        }
    };
    match state
        .store
        .set_scarcity_override(
            v.org,
            &skill,
            value.as_ref().map(|(w, n)| (*w, n.as_str())),
            v.user,
            &ts(Utc::now()),
        )
        .await
    {
        Ok(()) => see_other(&format!("{back}#skill-{skill}"), None),
        Err(e) => failed(back, e),
    }
}

/// `GET /teams/{team}/gaps.csv?role=…`: the gap report, one row per person and skill below
/// target, largest weighted gap first, with the scarcity weight used (and whether it is the
/// organisation's own), the exposure it carries and the module that closes it best.
pub async fn team_gaps_csv(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(team): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(Extension(v)) = viewer else {
        return require_login(&format!("/teams/{team}/skills"));
    };
    if !v.can_see_team(TeamId(team)) {
        return forbidden();
    }
    let loaded = team_matrix(
        &state,
        &v,
        TeamId(team),
        query.get("role").map(String::as_str),
        true,
    )
    .await;
    let tm = match loaded {
        Ok(Some(m)) => m,
        Ok(None) => return (StatusCode::NOT_FOUND, "No such team.").into_response(),
        Err(e) => {
            let _ = crate::error::AppError::internal(&e);
            return (StatusCode::INTERNAL_SERVER_ERROR, "The export failed.").into_response();
        }
    };
    let body = match gap_report(&state, &tm.weights, &tm.name, &tm.matrix) {
        Some(b) => b,
        None => return (StatusCode::INTERNAL_SERVER_ERROR, "The export failed.").into_response(),
    };
    csv_response(body, &format!("team-{team}-gaps.csv"))
}

fn gap_report(
    state: &AppState,
    w: &Weights,
    team: &str,
    matrix: &crate::domain::matrix::Matrix,
) -> Option<Vec<u8>> {
    let lib = state.library.current();
    let mut rows = Vec::new();
    for (row, gaps) in matrix.rows.iter().zip(matrix.gaps()) {
        let recs = crate::domain::gaps::recommend(&lib, w, &gaps, &Default::default());
        for (skill, gap) in gaps.iter().filter(|(_, g)| g.size() > 0.0) {
            let weight = w.of(&lib, skill);
            let closer = recs
                .iter()
                .find(|r| {
                    lib.module(r.module.as_str())
                        .is_some_and(|m| m.skills.iter().any(|(s, _)| s == skill))
                })
                .and_then(|r| lib.module(r.module.as_str()))
                .map(|m| m.title.clone())
                .unwrap_or_else(|| "none: hire or partner".to_string());
            rows.push((
                gap.size() * weight,
                row,
                skill.clone(),
                *gap,
                weight,
                closer,
            ));
        }
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "team",
        "person",
        "role",
        "skill",
        "target",
        "estimate",
        "gap",
        "measured",
        "scarcity_weight",
        "weight_source",
        "exposure",
        "closed_best_by",
    ])
    .ok()?;
    for (exposure, row, skill, gap, weight, closer) in rows {
        let source = if w.is_override(&skill) {
            "organisation override".to_string()
        } else {
            match lib.skill(skill.as_str()).and_then(|s| s.scarcity.as_ref()) {
                Some(s) if s.estimate => format!("estimate: {} ({})", s.source, s.date),
                Some(s) => format!("{} ({})", s.source, s.date),
                None => "default estimate".to_string(),
            }
        };
        let estimate = match gap {
            crate::domain::gaps::Gap::Measured { estimate, .. } => format!("{estimate:.2}"),
            crate::domain::gaps::Gap::Unmeasured { .. } => String::new(),
        };
        out.write_record([
            csv_safe(team),
            csv_safe(&row.name),
            csv_safe(row.role.as_deref().unwrap_or("")),
            csv_safe(skill.as_str()),
            gap.target().to_string(),
            estimate,
            format!("{:.2}", gap.size()),
            matches!(gap, crate::domain::gaps::Gap::Measured { .. }).to_string(),
            format!("{weight:.2}"),
            csv_safe(&source),
            format!("{exposure:.2}"),
            csv_safe(&closer),
        ])
        .ok()?;
    }
    out.into_inner().ok()
}

/// A CSV download.
pub fn csv_response(body: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}
