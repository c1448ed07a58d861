//! What the module page loads for its quiz: the attempt to show and, after a graded submission
//! without JavaScript, its result. Server only; no markup.
//!
//! - A signed-in learner gets their next attempt, drawn from their stored attempts
//!   (`domain::paper::next_paper`); `?attempt=<n>` shows their recorded attempt `n`, graded
//!   again from what was stored.
//! - An anonymous visitor gets a random seed; `?seed=<s>&answers=<…>` shows that attempt graded.

use crate::domain::catalogue::Module;
use crate::domain::paper::{next_paper, recorded_paper, History, Paper};
use crate::domain::quiz::{decode_answers, Answer, QuestionView, QuizOutcome};
use crate::server::auth::{random_u64, Viewer};
use crate::server::state::AppState;
use crate::store::StoreError;
use std::collections::HashMap;

/// One attempt as the quiz island shows it.
pub struct Sitting {
    pub attempt: u32,
    pub seed: u64,
    pub questions: Vec<QuestionView>,
    /// The graded result, when the page shows one.
    pub outcome: Option<QuizOutcome>,
}

/// What the page's query asks to show: a graded attempt, or a fresh one.
#[derive(Debug, Default)]
pub struct ResultQuery {
    /// `?attempt=`: a signed-in learner's recorded attempt.
    pub attempt: Option<u32>,
    /// `?seed=` and `?answers=`: an anonymous visitor's graded attempt (shown positions).
    pub seed: Option<u64>,
    pub answers: Option<String>,
}

pub async fn quiz_sitting(
    state: &AppState,
    viewer: Option<&Viewer>,
    module: &Module,
    query: &ResultQuery,
) -> Result<Sitting, StoreError> {
    let reveal = module.quiz_policy.reveal;
    let Some(v) = viewer else {
        let graded = query
            .seed
            .zip(query.answers.as_deref().and_then(decode_answers));
        if let Some((seed, answers)) = graded {
            let paper = Paper::draw(module, &HashMap::new(), seed);
            if let Ok(outcome) = paper.grade(&answers, module) {
                return Ok(Sitting {
                    attempt: 0,
                    seed,
                    questions: paper.views(),
                    outcome: Some(paper.for_learner(&outcome, reveal, outcome.passed())),
                });
            }
        }
        let paper = Paper::draw(module, &HashMap::new(), random_u64());
        return Ok(fresh(0, &paper));
    };
    let attempts = state.store.attempts(v.user).await?;
    let history = History::of(module.id.as_str(), &attempts);
    if let Some((number, attempt)) = query.attempt.and_then(|n| history.get(n).map(|a| (n, a))) {
        let paper = recorded_paper(module, v.org, v.user, attempt, number);
        let stored: Vec<Answer> = attempt
            .answers
            .iter()
            .filter(|a| paper.questions().any(|q| q.id.0 == a.question))
            .map(|a| Answer {
                question: a.question.clone(),
                selected: a.selected.clone(),
            })
            .collect();
        if let Ok(outcome) = paper.grade_authored(&stored) {
            return Ok(Sitting {
                attempt: number,
                seed: paper.seed,
                questions: paper.views(),
                outcome: Some(paper.for_learner(&outcome, reveal, history.passed_by(number))),
            });
        }
    }
    let (number, paper) = next_paper(module, v.org, v.user, &history);
    Ok(fresh(number, &paper))
}

fn fresh(attempt: u32, paper: &Paper<'_>) -> Sitting {
    Sitting {
        attempt,
        seed: paper.seed,
        questions: paper.views(),
        outcome: None,
    }
}
