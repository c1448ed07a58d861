//! The quiz's server function: what the hydrated island calls (JSON in, JSON out). It shares
//! the use case with the no-JavaScript form (`submit::submit_quiz`).

use crate::domain::quiz::{Answer, QuizOutcome};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Grades a learner's answers to a module's quiz. Answers are checked here, on the server:
/// the page never holds the correct choices before this returns.
#[server(prefix = "/api", endpoint = "grade_quiz", input = Json)]
pub async fn grade_quiz(module: String, answers: Vec<Answer>) -> Result<QuizOutcome, AppError> {
    use crate::server::ctx;
    let state = ctx::state().map_err(|r| AppError::from(r).with_status())?;
    let library = state.library.current();
    let Some(m) = library.module(&module) else {
        return Err(AppError::NotFound(format!("module `{module}` does not exist")).with_status());
    };
    let viewer = ctx::viewer();
    super::submit::submit_quiz(&state, viewer.as_ref(), m, &answers)
        .await
        .map_err(|r| AppError::from(r).with_status())
}
