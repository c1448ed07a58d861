//! The quiz's server function and the parsing of plain form submissions.

use crate::domain::quiz::{Answer, QuizOutcome};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The form field of a question: `answer.<question id>`, value the choice's index.
pub const FIELD_PREFIX: &str = "answer.";

/// Reads answers from form fields (`answer.<question id>` = choice index, repeated for
/// "select all" questions), keeping the order questions first appear in.
pub fn answers_from_form(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<Vec<Answer>, AppError> {
    let mut answers: Vec<Answer> = Vec::new();
    for (key, value) in pairs {
        let Some(question) = key.strip_prefix(FIELD_PREFIX) else {
            return Err(AppError::BadRequest(format!(
                "unexpected form field `{key}`"
            )));
        };
        let choice: u8 = value.parse().map_err(|_| {
            AppError::BadRequest(format!("field `{key}`: `{value}` is not a choice number"))
        })?;
        match answers.iter_mut().find(|a| a.question == question) {
            Some(a) => a.selected.push(choice),
            None => answers.push(Answer {
                question: question.to_string(),
                selected: vec![choice],
            }),
        }
    }
    Ok(answers)
}

/// Grades a learner's answers to a module's quiz. Answers are checked here, on the server:
/// the page never holds the correct choices before this returns.
#[server(prefix = "/api", endpoint = "grade_quiz", input = Json)]
pub async fn grade_quiz(module: String, answers: Vec<Answer>) -> Result<QuizOutcome, AppError> {
    use crate::server::state::AppState;
    let state = use_context::<AppState>().ok_or(AppError::Internal)?;
    let library = state.library.current();
    let Some(m) = library.module(&module) else {
        return Err(AppError::NotFound(format!("module `{module}` does not exist")).with_status());
    };
    let outcome = crate::domain::quiz::grade(&m.quiz, &answers).map_err(|e| {
        AppError::BadRequest(format!("The quiz answers could not be read: {e}.")).with_status()
    })?;
    // A signed-in learner's attempt is recorded; an anonymous one is not.
    let viewer = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<crate::server::auth::Viewer>().cloned());
    if let Some(v) = viewer {
        crate::server::progress::record_quiz(&state, &v, m, &outcome)
            .await
            .map_err(|e| AppError::internal(&e).with_status())?;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn groups_repeated_fields() {
        let a = answers_from_form([
            p("answer.q1", "2"),
            p("answer.q2", "0"),
            p("answer.q2", "1"),
        ])
        .unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].selected, vec![0, 1]);
    }

    #[test]
    fn rejects_unknown_fields_and_bad_numbers() {
        assert!(
            matches!(answers_from_form([p("evil", "1")]), Err(AppError::BadRequest(m)) if m.contains("`evil`"))
        );
        assert!(
            matches!(answers_from_form([p("answer.q1", "x")]), Err(AppError::BadRequest(m)) if m.contains("answer.q1"))
        );
    }
}
