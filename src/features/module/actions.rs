//! A signed-in learner's reading progress through a module, as a form POST. (Quiz attempts are
//! recorded by `features::quiz`.)

use crate::server::extract::SignedIn;
use crate::server::forms::Form;
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use axum::extract::{Path, State};
use chrono::Utc;

/// `POST /modules/{slug}/progress`: "I have read this far" (`reached`, a section number) or
/// to the end; without a quiz, reading to the end completes the module.
#[tracing::instrument(skip_all, fields(module = %slug))]
pub async fn record_reading(
    State(state): State<AppState>,
    SignedIn(v): SignedIn,
    Path(slug): Path<String>,
    form: Form,
) -> Action {
    let library = state.library.current();
    let module = library
        .module_by_slug(&slug)
        .ok_or(Refusal::NotFound("Module not found"))?;
    let total = module.sections();
    let reached = form
        .get("reached")
        .and_then(|r| r.parse::<u32>().ok())
        .unwrap_or(total)
        .clamp(1, total);
    let complete = reached == total && module.quiz.is_empty();
    state
        .store
        .record_progress(
            v.user,
            module.id.as_str(),
            reached,
            total,
            module.section_anchor(reached),
            complete,
            Utc::now(),
        )
        .await
        .or_fail("Progress could not be saved.")?;
    Ok(SeeOther::to(format!("/modules/{slug}?saved=1#progress")))
}
