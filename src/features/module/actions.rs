//! A signed-in learner's reading progress through a module, and their submission of its
//! practical task, as form POSTs. (Quiz attempts are recorded by `features::quiz`.)

use crate::domain::task::{NewSubmission, SubmissionStatus};
use crate::error::ErrorCode;
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

/// The longest submission kept, in characters.
const MAX_BODY: usize = 20_000;

/// `POST /modules/{slug}/task`: a signed-in learner submits their work on the module's task
/// (`body`: the text, or a link to it). Refused while an earlier submission waits for a score.
#[tracing::instrument(skip_all, fields(module = %slug, org = %v.org, user = %v.user))]
pub async fn submit_task(
    State(state): State<AppState>,
    SignedIn(v): SignedIn,
    Path(slug): Path<String>,
    form: Form,
) -> Action {
    let library = state.library.current();
    let module = library
        .module_by_slug(&slug)
        .ok_or(Refusal::NotFound("Module not found"))?;
    let task = module
        .task
        .as_ref()
        .ok_or(Refusal::NotFound("This module has no practical task"))?;
    let back = format!("/modules/{slug}");
    let refuse = |code| Refusal::back(&back, code).with_anchor("task");
    let body = form
        .get("body")
        .filter(|b| b.chars().count() <= MAX_BODY)
        .ok_or_else(|| refuse(ErrorCode::TaskEmpty))?;
    let mine = state
        .store
        .user_submissions(v.org, v.user)
        .await
        .or_back(&back)?;
    if mine.iter().any(|s| {
        s.module == module.id.as_str() && s.task == task.id && s.status == SubmissionStatus::Waiting
    }) {
        return Err(refuse(ErrorCode::TaskWaiting));
    }
    state
        .store
        .submit_task(
            v.org,
            &NewSubmission {
                user: v.user,
                module: module.id.0.clone(),
                task: task.id.clone(),
                skill: task.skill.clone(),
                level: u8::from(task.level),
                weight: task.weight,
                body,
                submitted_at: Utc::now(),
            },
        )
        .await
        .or_back(&back)?;
    Ok(SeeOther::to(format!("/modules/{slug}?submitted=1#task")))
}
