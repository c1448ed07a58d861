//! Submitting a quiz: the one use case behind both entry points (the no-JavaScript form in
//! `form` and the island's `grade_quiz` server function in `api`). Graded on the server; a
//! signed-in learner's attempt is recorded with every answer, and a passed quiz completes the
//! module. Anonymous visitors are graded too; nothing of theirs is stored. Server only.

use crate::domain::catalogue::Module;
use crate::domain::progress::{AnswerRecord, NewAttempt};
use crate::domain::quiz::{grade, Answer, QuizOutcome};
use crate::server::auth::Viewer;
use crate::server::refusal::{OrBack, Refusal};
use crate::server::state::AppState;
use crate::store::StoreError;
use chrono::Utc;

/// Grades `answers` to `module`'s quiz and records the attempt of a signed-in `viewer`.
/// Refused with 400 when the answers do not fit the quiz, 500 when the attempt could not be
/// recorded.
#[tracing::instrument(skip_all, fields(module = %module.id.as_str(), signed_in = viewer.is_some()))]
pub async fn submit_quiz(
    state: &AppState,
    viewer: Option<&Viewer>,
    module: &Module,
    answers: &[Answer],
) -> Result<QuizOutcome, Refusal> {
    let outcome = grade(&module.quiz, answers).map_err(|e| Refusal::BadRequest {
        message: format!("The quiz answers could not be read: {e}."),
        back: format!("/modules/{}#quiz", module.slug),
    })?;
    if let Some(v) = viewer {
        record_quiz(state, v, module, &outcome)
            .await
            .or_fail("Your answers were graded but could not be saved. Please try again.")?;
    }
    Ok(outcome)
}

/// Stores a graded attempt with every answer; a passed quiz completes the module.
async fn record_quiz(
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
            kind: crate::domain::progress::AttemptKind::Quiz,
            module: module.id.0.clone(),
            score: outcome.score,
            total: outcome.total,
            answers,
            submitted_at: now,
        })
        .await?;
    let total = module.sections();
    state
        .store
        .record_progress(
            viewer.user,
            module.id.as_str(),
            total,
            total,
            Some("quiz"),
            outcome.passed(),
            now,
        )
        .await
}
