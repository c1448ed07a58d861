//! The quiz island: the only part of a module page that runs in the browser.
//!
//! Without JavaScript it is a plain `<form method="post">` to `/modules/{slug}/quiz`; hydrated,
//! it submits through the `grade_quiz` server function and shows the result in place.

use super::api::{grade_quiz, FIELD_PREFIX};
use crate::domain::quiz::{Answer, QuestionOutcome, QuestionView, QuizOutcome};
use leptos::prelude::*;

/// A module's quiz. `outcome` is set when the page shows a graded submission.
#[island]
pub fn Quiz(
    module: String,
    slug: String,
    questions: Vec<QuestionView>,
    outcome: Option<QuizOutcome>,
) -> impl IntoView {
    let outcome = RwSignal::new(outcome);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let ids: Vec<String> = questions.iter().map(|q| q.id.clone()).collect();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answers = read_answers(&ev, &ids);
        let module = module.clone();
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match grade_quiz(module, answers).await {
                Ok(o) => outcome.set(Some(o)),
                Err(e) => error.set(Some(e.to_string())),
            }
            pending.set(false);
        });
    };

    let result_of = move |id: &str| -> Option<QuestionOutcome> {
        outcome.with(|o| {
            o.as_ref()
                .and_then(|o| o.questions.iter().find(|q| q.id == id).cloned())
        })
    };

    let items = questions
        .into_iter()
        .enumerate()
        .map(|(qi, q)| {
            let name = format!("{FIELD_PREFIX}{}", q.id);
            let input_type = if q.multiple { "checkbox" } else { "radio" };
            let hint = if q.multiple {
                "Select all that apply."
            } else {
                "Select one."
            };
            let initial: Vec<u8> = result_of(&q.id).map(|r| r.selected).unwrap_or_default();
            let choices = q
                .choices
                .into_iter()
                .enumerate()
                .map(|(ci, html)| {
                    let ci = ci as u8;
                    let input_id = format!("{}-choice-{ci}", q.id);
                    let qid = q.id.clone();
                    let mark = move || {
                        result_of(&qid).and_then(|r| {
                            let right = r.correct_choices.contains(&ci);
                            let chosen = r.selected.contains(&ci);
                            match (right, chosen) {
                                (true, true) => Some(("mark mark-right", "✓ your answer, correct")),
                                (true, false) => Some(("mark mark-right", "✓ correct answer")),
                                (false, true) => {
                                    Some(("mark mark-wrong", "✗ your answer, incorrect"))
                                }
                                (false, false) => None,
                            }
                            .map(|(class, text)| view! { <span class=class>{text}</span> })
                        })
                    };
                    view! {
                        <li class="choice">
                            <input
                                type=input_type
                                name=name.clone()
                                value=ci.to_string()
                                id=input_id.clone()
                                checked=initial.contains(&ci)
                            />
                            <label for=input_id inner_html=html></label>
                            {mark}
                        </li>
                    }
                })
                .collect_view();
            let qid = q.id.clone();
            let feedback = move || {
                result_of(&qid).map(|r| {
                    let (class, verdict) = if r.correct {
                        ("feedback feedback-right", "Correct.")
                    } else if r.answered {
                        ("feedback feedback-wrong", "Not quite.")
                    } else {
                        ("feedback feedback-wrong", "Not answered.")
                    };
                    view! {
                        <div class=class>
                            <p class="verdict"><strong>{verdict}</strong></p>
                            <div class="explanation" inner_html=r.explanation_html></div>
                        </div>
                    }
                })
            };
            view! {
                <fieldset class="question" id=format!("question-{}", q.id)>
                    <legend>{format!("Question {}", qi + 1)}</legend>
                    <div class="prompt" inner_html=q.prompt_html></div>
                    <p class="hint">{hint}</p>
                    <ul class="choices">{choices}</ul>
                    {feedback}
                </fieldset>
            }
        })
        .collect_view();

    view! {
        <form
            class="quiz"
            method="post"
            action=format!("/modules/{slug}/quiz")
            on:submit=on_submit
            data-hydrated=move || if hydrated.get() { "true" } else { "false" }
        >
            {items}
            <div class="quiz-actions">
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Checking…" } else { "Check answers" }}
                </button>
            </div>
            <div aria-live="polite">
                {move || {
                    outcome
                        .get()
                        .map(|o| {
                            view! {
                                <p class="score" id="quiz-result">
                                    {format!("You answered {} of {} questions correctly.", o.score, o.total)}
                                </p>
                            }
                        })
                }}
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </div>
        </form>
    }
}

/// The learner's selections, read from the form itself.
fn read_answers(ev: &leptos::ev::SubmitEvent, ids: &[String]) -> Vec<Answer> {
    use leptos::wasm_bindgen::JsCast;
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return Vec::new();
    };
    let Ok(data) = web_sys::FormData::new_with_form(&form) else {
        return Vec::new();
    };
    ids.iter()
        .filter_map(|id| {
            let selected: Vec<u8> = data
                .get_all(&format!("{FIELD_PREFIX}{id}"))
                .iter()
                .filter_map(|v| v.as_string())
                .filter_map(|s| s.parse().ok())
                .collect();
            (!selected.is_empty()).then(|| Answer {
                question: id.clone(),
                selected,
            })
        })
        .collect()
}
