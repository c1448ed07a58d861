//! The quiz's server function: what the hydrated island calls (JSON in, JSON out). It shares
//! the use case with the no-JavaScript form (`submit::submit_quiz`).

use crate::domain::quiz::{Answer, QuizOutcome};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Grades a learner's answers (by shown position) to attempt `attempt` of a module's quiz, drawn
/// with `seed` (decimal; an anonymous visitor's attempt is drawn from it, a signed-in learner's
/// is checked against it). Answers are checked here, on the server: the page never holds the
/// correct choices before this returns, and afterwards only as the module's reveal policy allows.
/// A page drawn for an attempt that is no longer current answers 409.
#[server(prefix = "/api", endpoint = "grade_quiz", input = Json)]
pub async fn grade_quiz(
    module: String,
    attempt: Option<u32>,
    seed: Option<String>,
    answers: Vec<Answer>,
) -> Result<QuizOutcome, AppError> {
    use crate::domain::quiz::Submission;
    use crate::server::ctx;
    let state = ctx::state().map_err(|r| AppError::from(r).with_status())?;
    let library = state.library.current();
    let Some(m) = library.module(&module) else {
        return Err(AppError::NotFound(format!("module `{module}` does not exist")).with_status());
    };
    let seed = match seed.as_deref().map(str::parse::<u64>) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(_)) => {
            return Err(AppError::BadRequest("`seed` is not a number".into()).with_status())
        }
    };
    let submission = Submission {
        attempt,
        seed,
        answers,
    };
    let viewer = ctx::viewer();
    super::submit::submit_quiz(&state, viewer.as_ref(), m, &submission)
        .await
        .map(|graded| graded.outcome)
        .map_err(|r| AppError::from(r).with_status())
}
