//! The quiz without JavaScript: a plain form post, graded and answered with a redirect to the
//! module page, which shows the graded answers (post/redirect/get): a signed-in learner's
//! recorded attempt by its number (`?attempt=`), an anonymous visitor's by its seed and answers
//! (`?seed=&answers=`, shown positions). Server only.

use super::submit::submit_quiz;
use crate::domain::quiz::{encode_answers, submission_from_form};
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
    let submission = submission_from_form(form.into_pairs()).map_err(|e| Refusal::BadRequest {
        message: e.to_string(),
        back: format!("/modules/{slug}#quiz"),
    })?;
    let viewer = viewer.map(|SignedIn(v)| v);
    let graded = submit_quiz(&state, viewer.as_ref(), module, &submission).await?;
    Ok(SeeOther::to(match graded.recorded {
        Some(number) => format!("/modules/{slug}?attempt={number}#quiz-result"),
        None => {
            let answers = encode_answers(&submission.answers);
            let encoded = utf8_percent_encode(&answers, NON_ALPHANUMERIC);
            format!(
                "/modules/{slug}?seed={}&answers={encoded}#quiz-result",
                graded.seed
            )
        }
    }))
}
