//! Submitting a quiz: the one use case behind both entry points (the no-JavaScript form in
//! `form` and the island's `grade_quiz` server function in `api`). Graded on the server.
//!
//! A signed-in learner's attempt is drawn again here from their stored attempts (its number,
//! seed, questions and choice order: `domain::paper`); a page drawn for another attempt number or
//! seed is refused as stale, and the attempt is recorded with every drawn question (unanswered
//! ones as wrong) and its seed; a passed quiz completes the module. An anonymous visitor's
//! attempt is drawn from the seed the page carries; nothing of theirs is stored. Either way the
//! answers arrive by shown position and are graded by authored index. Server only.

use crate::domain::catalogue::Module;
use crate::domain::paper::{next_paper, History, Paper};
use crate::domain::progress::{AnswerRecord, Attempt, AttemptKind, NewAttempt};
use crate::domain::quiz::{GradeError, QuizOutcome, Submission};
use crate::error::ErrorCode;
use crate::server::auth::Viewer;
use crate::server::refusal::{OrBack, Refusal};
use crate::server::state::AppState;
use crate::store::StoreError;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// A graded attempt.
#[derive(Debug, Clone)]
pub struct Graded {
    /// As the learner sees it: choices by shown position, keyed answers withheld by the module's
    /// reveal policy.
    pub outcome: QuizOutcome,
    /// The attempt's number, when it was recorded (a signed-in learner's).
    pub recorded: Option<u32>,
    /// The attempt's seed.
    pub seed: u64,
}

/// The refusal of a page drawn for an attempt that is no longer the current one: back to the
/// module's quiz, which draws a fresh attempt, with a sentence saying why.
fn stale(module: &Module) -> Refusal {
    Refusal::back(&format!("/modules/{}", module.slug), ErrorCode::QuizStale).with_anchor("quiz")
}

/// Grades `submission` to `module`'s quiz and records the attempt of a signed-in `viewer`.
/// Refused as stale (back to a fresh quiz) when the page was drawn for another attempt, with
/// 400 when the answers do not fit the quiz, 500 when the attempt could not be recorded.
#[tracing::instrument(skip_all, fields(module = %module.id.as_str(), signed_in = viewer.is_some()))]
pub async fn submit_quiz(
    state: &AppState,
    viewer: Option<&Viewer>,
    module: &Module,
    submission: &Submission,
) -> Result<Graded, Refusal> {
    let unreadable = |e: GradeError| match e {
        GradeError::NotOnPaper(_) => stale(module),
        e => Refusal::BadRequest {
            message: format!("The quiz answers could not be read: {e}."),
            back: format!("/modules/{}#quiz", module.slug),
        },
    };
    let reveal = module.quiz_policy.reveal;
    let Some(v) = viewer else {
        // Anonymous: the page's seed decides the draw (nothing is recorded to protect).
        let seed = submission.seed.ok_or_else(|| stale(module))?;
        let paper = Paper::draw(module, &HashMap::new(), seed);
        let outcome = paper
            .grade(&submission.answers, module)
            .map_err(unreadable)?;
        return Ok(Graded {
            outcome: paper.for_learner(&outcome, reveal, outcome.passed()),
            recorded: None,
            seed,
        });
    };
    let attempts = state
        .store
        .attempts(v.user)
        .await
        .or_fail("Your answers could not be graded. Please try again.")?;
    if let Some(wait) = over_limit(&attempts, state.config.quiz_attempts_per_hour, Utc::now()) {
        tracing::info!(retry_after = wait, "quiz attempts limited");
        return Err(Refusal::too_many(
            &format!("/modules/{}", module.slug),
            ErrorCode::QuizLimit,
            wait,
        ));
    }
    let history = History::of(module.id.as_str(), &attempts);
    let (number, paper) = next_paper(module, v.org, v.user, &history);
    if submission.attempt != Some(number) || submission.seed.is_some_and(|s| s != paper.seed) {
        tracing::info!(
            sent = ?submission.attempt,
            current = number,
            "stale quiz page refused"
        );
        return Err(stale(module));
    }
    let outcome = paper
        .grade(&submission.answers, module)
        .map_err(unreadable)?;
    match record_quiz(state, v, module, &paper, &outcome).await {
        Ok(()) => {}
        // The same attempt, submitted twice at once: the other submission was recorded.
        Err(StoreError::Duplicate) => return Err(stale(module)),
        Err(e) => {
            Err(e).or_fail("Your answers were graded but could not be saved. Please try again.")?
        }
    }
    let passed = outcome.passed() || history.passed();
    Ok(Graded {
        outcome: paper.for_learner(&outcome, reveal, passed),
        recorded: Some(number),
        seed: paper.seed,
    })
}

/// Seconds until a person who has recorded `attempts` may submit another quiz attempt, if they
/// have reached `per_hour` in the hour before `now` (skill-check answers aside: those are
/// bounded by the question banks).
fn over_limit(attempts: &[Attempt], per_hour: i64, now: DateTime<Utc>) -> Option<u64> {
    let hour_ago = now - Duration::hours(1);
    let mut recent: Vec<DateTime<Utc>> = attempts
        .iter()
        .filter(|a| a.kind == AttemptKind::Quiz && a.submitted_at > hour_ago)
        .map(|a| a.submitted_at)
        .collect();
    if i64::try_from(recent.len()).unwrap_or(i64::MAX) < per_hour {
        return None;
    }
    recent.sort();
    // Free again when the oldest of the last `per_hour` leaves the hour.
    let skip = recent.len() - usize::try_from(per_hour).unwrap_or(0).min(recent.len());
    let freed = recent.get(skip).copied().unwrap_or(now) + Duration::hours(1);
    Some(
        u64::try_from((freed - now).num_seconds())
            .unwrap_or(0)
            .max(1),
    )
}

/// Stores a graded attempt with every question it showed (in authored indices) and its seed;
/// a passed quiz completes the module.
async fn record_quiz(
    state: &AppState,
    viewer: &Viewer,
    module: &Module,
    paper: &Paper<'_>,
    outcome: &QuizOutcome,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let answers = paper
        .questions()
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
            seed: Some(paper.seed),
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
