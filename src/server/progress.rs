//! Recording a signed-in learner's progress: quiz attempts (graded on the server) and reading.
//! Anonymous visitors read and try quizzes too; nothing of theirs is stored.

use super::account::require_login;
use super::auth::Viewer;
use super::forms::{see_other, Form};
use super::state::AppState;
use crate::domain::catalogue::Module;
use crate::domain::progress::{AnswerRecord, NewAttempt};
use crate::domain::quiz::QuizOutcome;
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::Utc;

/// A quiz counts as passed at three quarters of the questions right.
pub fn passed(outcome: &QuizOutcome) -> bool {
    outcome.total > 0 && outcome.score * 4 >= outcome.total * 3
}

/// Sections a module has for progress: its level-2 headings (at least one).
pub fn sections(module: &Module) -> u32 {
    (module.toc.iter().filter(|t| t.level == 2).count() as u32).max(1)
}

/// Stores a graded attempt with every answer; a passed quiz completes the module.
pub async fn record_quiz(
    state: &AppState,
    viewer: &Viewer,
    module: &Module,
    outcome: &QuizOutcome,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let answers = module
        .quiz
        .iter()
        .zip(&outcome.questions)
        .map(|(q, o)| AnswerRecord {
            question: q.id.0.clone(),
            skill: q.skill.0.clone(),
            difficulty: q.difficulty,
            selected: o.selected.clone(),
            correct: o.correct,
        })
        .collect();
    state
        .store
        .record_attempt(&NewAttempt {
            user: viewer.user,
            module: module.id.0.clone(),
            score: outcome.score,
            total: outcome.total,
            answers,
            submitted_at: now,
        })
        .await?;
    let total = sections(module);
    state
        .store
        .record_progress(
            viewer.user,
            module.id.as_str(),
            total,
            total,
            Some("quiz"),
            passed(outcome),
            now,
        )
        .await
}

/// `POST /modules/{slug}/progress`: "I have read this far" (`reached`, a section number) or
/// to the end; without a quiz, reading to the end completes the module.
pub async fn record_reading(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let Some(Extension(v)) = viewer else {
        return require_login(&format!("/modules/{slug}"));
    };
    let library = state.library.current();
    let Some(module) = library.module_by_slug(&slug) else {
        return (StatusCode::NOT_FOUND, "No such module.").into_response();
    };
    let total = sections(module);
    let reached = Form::parse(&body)
        .get("reached")
        .and_then(|r| r.parse::<u32>().ok())
        .unwrap_or(total)
        .clamp(1, total);
    let anchor = module
        .toc
        .iter()
        .filter(|t| t.level == 2)
        .nth(reached as usize - 1)
        .map(|t| t.anchor.clone());
    let complete = reached == total && module.quiz.is_empty();
    let now = Utc::now();
    match state
        .store
        .record_progress(
            v.user,
            module.id.as_str(),
            reached,
            total,
            anchor.as_deref(),
            complete,
            now,
        )
        .await
    {
        Ok(()) => see_other(&format!("/modules/{slug}?saved=1#progress"), None),
        Err(e) => {
            let _ = crate::error::AppError::internal(&e);
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Progress could not be saved.",
            )
                .into_response()
        }
    }
}
