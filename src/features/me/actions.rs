//! The learner's own form: self-ratings. Stored apart from the evidence and never mixed into
//! estimates.

use crate::error::ErrorCode;
use crate::server::extract::SignedIn;
use crate::server::forms::Form;
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use axum::extract::State;
use chrono::Utc;

/// `POST /me/ratings`: the learner's self-ratings, one `rating-<skill>` field per skill
/// (blank removes a rating). The valid ratings are saved even when one is not, so nothing else
/// is lost; the first bad one is named.
#[tracing::instrument(skip_all)]
pub async fn save_ratings(
    State(state): State<AppState>,
    SignedIn(v): SignedIn,
    form: Form,
) -> Action {
    let back = match form.get("role") {
        Some(r) if r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
            format!("/me/skills?role={r}")
        }
        _ => "/me/skills".to_string(),
    };
    let lib = state.library.current();
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
    state
        .store
        .set_self_ratings(v.org, v.user, &ratings, Utc::now())
        .await
        .or_back(&back)?;
    match bad {
        None => Ok(SeeOther::to(format!("{back}#ratings"))),
        Some(skill) => Err(Refusal::back(&back, ErrorCode::Rating).with_param("skill", skill)),
    }
}
