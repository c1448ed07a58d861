//! The quiz without JavaScript: a plain form post, graded and answered with a redirect to the
//! module page, which shows the graded answers (post/redirect/get). Server only.

use super::submit::submit_quiz;
use crate::domain::quiz::{answers_from_form, encode_answers};
use crate::server::extract::SignedIn;
use crate::server::forms::Form;
use crate::server::refusal::{Action, Refusal, SeeOther};
use crate::server::state::AppState;
use axum::extract::{Path, State};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// `POST /modules/{slug}/quiz`: grades a plain form submission, then redirects (303) to the
/// module page, which shows the graded answers.
#[tracing::instrument(skip_all, fields(module = %slug))]
pub async fn quiz_form(
    State(state): State<AppState>,
    viewer: Option<SignedIn>,
    Path(slug): Path<String>,
    form: Form,
) -> Action {
    let library = state.library.current();
    let module = library
        .module_by_slug(&slug)
        .ok_or(Refusal::NotFound("Module not found"))?;
    let answers = answers_from_form(form.into_pairs()).map_err(|e| Refusal::BadRequest {
        message: e.to_string(),
        back: format!("/modules/{slug}#quiz"),
    })?;
    let viewer = viewer.map(|SignedIn(v)| v);
    submit_quiz(&state, viewer.as_ref(), module, &answers).await?;
    let answers = encode_answers(&answers);
    let encoded = utf8_percent_encode(&answers, NON_ALPHANUMERIC);
    Ok(SeeOther::to(format!(
        "/modules/{slug}?answers={encoded}#quiz-result"
    )))
}
