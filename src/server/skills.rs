//! Skill settings as form POSTs: a learner's self-ratings and the organisation's scarcity
//! overrides. Every handler checks who may do it; every store call is scoped to the viewer's
//! organisation. (Target roles are set in `admin`; the gap report is in `export`.)

use super::account::{forbidden, require_login};
use super::auth::Viewer;
use super::forms::{see_other, with_error, Form};
use super::state::AppState;
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use chrono::Utc;

fn failed(back: &str, e: StoreError) -> Response {
    match e {
        StoreError::NotFound => see_other(&with_error(back, "not-found"), None),
        e => {
            let _ = crate::error::AppError::internal(&e);
            see_other(&with_error(back, "internal"), None)
        }
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
    // The valid ratings are saved even when one is not, so nothing else is lost; the first bad
    // one is named.
    let mut ratings = Vec::new();
    let mut bad = None;
    for skill in lib.skills() {
        let Some(value) = form.raw(&format!("rating-{}", skill.id)) else {
            continue;
        };
        match value.trim() {
            "" => ratings.push((skill.id.0.clone(), None)),
            x => match x.parse::<u8>() {
                Ok(l) if l <= 4 => ratings.push((skill.id.0.clone(), Some(l))),
                _ => {
                    bad.get_or_insert(skill.id.0.clone());
                }
            },
        }
    }
    if let Err(e) = state
        .store
        .set_self_ratings(v.org, v.user, &ratings, Utc::now())
        .await
    {
        return failed(&back, e);
    }
    match bad {
        None => see_other(&format!("{back}#ratings"), None),
        Some(skill) => see_other(
            &format!("{}&skill={skill}", with_error(&back, "rating")),
            None,
        ),
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
            _ => {
                return see_other(
                    &format!("{}&skill={skill}#skill-{skill}", with_error(back, "weight")),
                    None,
                )
            }
        }
    };
    match state
        .store
        .set_scarcity_override(
            v.org,
            &skill,
            value.as_ref().map(|(w, n)| (*w, n.as_str())),
            v.user,
            Utc::now(),
        )
        .await
    {
        Ok(()) => see_other(&format!("{back}#skill-{skill}"), None),
        Err(e) => failed(back, e),
    }
}
