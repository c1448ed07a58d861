//! The skill check's form: one answer, graded on the server and recorded as evidence (a
//! skill check answer, not a quiz attempt), then a redirect to the check's next step
//! (post/redirect/get).

use super::data;
use crate::domain::progress::{AnswerRecord, AttemptKind, NewAttempt};
use crate::domain::quiz::{grade, Answer, QuestionKind};
use crate::error::ErrorCode;
use crate::server::extract::SignedIn;
use crate::server::forms::Form;
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use axum::extract::{Path, State};
use chrono::Utc;

/// `POST /skills/{id}/check`: fields `started` (the check's start), `module` and `question`
/// (the question shown) and `choice` (the shown positions chosen; repeated for "select all").
/// The shown positions are mapped back to the authored choices through the learner's shuffle.
/// A question outside the skill's bank is refused; a question already answered (a form sent
/// twice) is not recorded again.
#[tracing::instrument(skip_all, fields(skill = %id, user = v.user.0))]
pub async fn answer(
    State(state): State<AppState>,
    SignedIn(v): SignedIn,
    Path(id): Path<String>,
    form: Form,
) -> Action {
    let lib = state.library.current();
    let skill = lib.skill(&id).ok_or(Refusal::NotFound("Skill not found"))?;
    let now = Utc::now();
    let started = form
        .get("started")
        .and_then(|s| data::decode_started(&s))
        .unwrap_or(now);
    let page = format!(
        "/skills/{}/check?started={}",
        skill.id,
        data::encode_started(started)
    );
    let (module_id, question_id) = (
        form.get("module").unwrap_or_default(),
        form.get("question").unwrap_or_default(),
    );
    let Some(entry) = data::bank(&lib, skill.id.as_str())
        .into_iter()
        .find(|e| e.module.id.as_str() == module_id && e.question.id.0 == question_id)
    else {
        return Err(Refusal::back(&page, ErrorCode::NotFound));
    };
    let question = entry.question;
    let shuffle = data::shuffle(v.user, &module_id, question);
    let mut selected = Vec::new();
    for c in form.all("choice") {
        let authored = c
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|p| shuffle.to_authored(p))
            .and_then(|a| u8::try_from(a).ok());
        match authored {
            Some(a) if !selected.contains(&a) => selected.push(a),
            _ => return Err(Refusal::back(&page, ErrorCode::NoAnswer)),
        }
    }
    if selected.is_empty() || (question.kind == QuestionKind::Single && selected.len() > 1) {
        return Err(Refusal::back(&page, ErrorCode::NoAnswer).with_anchor("question"));
    }
    let attempts = data::attempts(&state, &v).await.or_back(&page)?;
    let key = (entry.module.id.as_str(), question.id.0.as_str());
    let seen = attempts
        .iter()
        .any(|a| a.module == key.0 && a.answers.iter().any(|x| x.question == key.1));
    if !seen {
        let answer = Answer {
            question: question.id.0.clone(),
            selected: selected.clone(),
        };
        let outcome =
            grade(std::slice::from_ref(question), &[answer]).map_err(|e| Refusal::BadRequest {
                message: format!("The answer could not be read: {e}."),
                back: page.clone(),
            })?;
        let correct = outcome.questions.first().is_some_and(|o| o.correct);
        state
            .store
            .record_attempt(&NewAttempt {
                user: v.user,
                kind: AttemptKind::Check,
                module: entry.module.id.as_str().to_string(),
                score: u32::from(correct),
                total: 1,
                answers: vec![AnswerRecord {
                    question: question.id.0.clone(),
                    skill: question.skill.0.clone(),
                    difficulty: question.difficulty,
                    selected,
                    correct,
                }],
                submitted_at: now,
                seed: None,
            })
            .await
            .or_back(&page)?;
    }
    Ok(SeeOther::to(format!("{page}#check")))
}
