//! The quiz island: the only part of a module page that runs in the browser.
//!
//! Without JavaScript it is a plain `<form method="post">` to `/modules/{slug}/quiz`; hydrated,
//! it submits through the `grade_quiz` server function and shows the result in place.
//!
//! The questions are one attempt's, drawn on the server, with their choices in that attempt's
//! order; a choice's value is its shown position, and the form carries the attempt's number and
//! seed so that the server can draw the same attempt again. The page never holds the key: it
//! arrives with the graded outcome, and only as the module's reveal policy allows.

use crate::domain::quiz::{
    deserialize_map_only, Answer, QuestionOutcome, QuestionView, QuizOutcome, ATTEMPT_FIELD,
    FIELD_PREFIX, SEED_FIELD,
};
use leptos::prelude::*;
use serde::Serialize;

/// What a module's quiz is drawn from: attempt `attempt` of module `module` (at `/modules/{slug}`),
/// drawn with `seed`; `outcome` is set when the page shows a graded submission.
///
/// It is the island's one prop. The server writes it into the page (`data-props`) and the browser
/// reads it back, but the browser never writes it: Leptos serializes an island's props in the
/// browser too, only to throw the text away. So in the browser its serializer is a stub that
/// writes nothing, and no JSON writer for questions and outcomes ships in the bundle (about
/// 1.5 KB gzip of wasm).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(all(feature = "hydrate", not(feature = "ssr"))), derive(Serialize))]
pub struct QuizData {
    pub module: String,
    pub slug: String,
    pub attempt: u32,
    pub seed: String,
    pub questions: Vec<QuestionView>,
    pub outcome: Option<QuizOutcome>,
}

deserialize_map_only!(QuizData {
    module: String,
    slug: String,
    attempt: u32,
    seed: String,
    questions: Vec<QuestionView>,
    outcome: Option<QuizOutcome> = default,
});

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
impl Serialize for QuizData {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

/// A module's quiz (see [`QuizData`]).
#[island]
pub fn Quiz(data: QuizData) -> impl IntoView {
    let QuizData {
        module,
        slug,
        attempt,
        seed,
        questions,
        outcome,
    } = data;
    let outcome = RwSignal::new(outcome);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // A page out of date (the attempt was already submitted): say so and offer a fresh quiz.
    let stale = RwSignal::new(false);
    // A new page, so never the current address plus a fragment (which would not load it):
    // `again` names the attempt being left, and the page ignores it.
    let retake = format!("/modules/{slug}?again={seed}#quiz");
    let retake_again = retake.clone();
    let graded = move || outcome.with(Option::is_some);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let ids: Vec<String> = questions.iter().map(|q| q.id.clone()).collect();
    let seed_sent = seed.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answers = read_answers(&ev, &ids);
        let module = module.clone();
        let seed = seed_sent.clone();
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match submit(module, attempt, seed, answers, stale).await {
                Ok(o) => outcome.set(Some(o)),
                Err(e) => error.set(Some(e)),
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
                    // Marks each choice once graded; the class also carries a visible text label.
                    let mark = move || {
                        result_of(&qid).map_or("", |r| {
                            match (r.correct_choices.contains(&ci), r.selected.contains(&ci)) {
                                (true, true) => "✓ your answer, correct",
                                (true, false) => "✓ correct answer",
                                (false, true) => "✗ your answer, incorrect",
                                (false, false) => "",
                            }
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
                            <span class="mark">{mark}</span>
                        </li>
                    }
                })
                .collect_view();
            let qid = q.id.clone();
            // The verdict and the explanation (sanitized on the server), once graded.
            let feedback = move || {
                result_of(&qid)
                    .map(|r| {
                        let verdict = if r.correct {
                            "Correct."
                        } else if r.answered {
                            "Not quite."
                        } else {
                            "Not answered."
                        };
                        // The note is one of the server's fixed sentences (no markup), trusted
                        // as the explanation's sanitized HTML is.
                        let note = r
                            .key_note
                            .map(|n| format!("<p class=\"key-note\">{n}</p>"))
                            .unwrap_or_default();
                        format!(
                            "<p class=\"verdict\"><strong>{verdict}</strong></p><div class=\"explanation\">{}</div>{note}",
                            r.explanation_html
                        )
                    })
                    .unwrap_or_default()
            };
            view! {
                <fieldset class="question" id=format!("question-{}", q.id)>
                    <legend>{format!("Question {}", qi + 1)}</legend>
                    <div class="prompt" inner_html=q.prompt_html></div>
                    <p class="hint">{hint}</p>
                    <ul class="choices">{choices}</ul>
                    <div class="feedback" inner_html=feedback></div>
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
            <input type="hidden" name=ATTEMPT_FIELD value=attempt.to_string() />
            <input type="hidden" name=SEED_FIELD value=seed />
            {items}
            // Once graded, a retake is a new attempt with fresh questions: a new page. Both are
            // rendered and one hidden (lighter in the bundle than switching views).
            <div class="quiz-actions">
                <button
                    type="submit"
                    class="button"
                    hidden=graded
                    disabled=move || pending.get()
                >
                    "Check answers"
                </button>
                <span class="retake" hidden=move || !graded()>
                    <a class="button" href=retake>"Take the quiz again"</a>
                    " A new attempt draws questions you have not seen first."
                </span>
            </div>
            <p class="score" id="quiz-result" aria-live="polite">
                {move || {
                    outcome
                        .with(|o| o.as_ref().map(|o| format!("You answered {} of {} questions correctly.", o.score, o.total)))
                        .or_else(|| error.get())
                        .unwrap_or_default()
                }}
                " "
                <a href=retake_again hidden=move || !stale.get()>"Start a fresh quiz"</a>
            </p>
        </form>
    }
}

/// Posts the answers to the `grade_quiz` server function; a 409 (the page is out of date) sets
/// `stale`.
///
/// This is a plain `fetch` rather than the generated server-function client: the client and its
/// codecs would add about a tenth to the browser bundle, and the page budget is 100 KB gzip.
/// The wire format is the server function's own (JSON in, JSON out; errors as `AppError`).
async fn submit(
    module: String,
    attempt: u32,
    seed: String,
    answers: Vec<Answer>,
    stale: RwSignal<bool>,
) -> Result<QuizOutcome, String> {
    use leptos::wasm_bindgen::JsCast;
    const FAILED: &str = "Your answers could not be sent. Check your connection and try again.";
    // Ids are lowercase letters, digits and hyphens (the content check enforces it), so the JSON
    // is written directly: no serializer needs to ship to the browser for one small object.
    let picks: Vec<String> = answers
        .iter()
        .map(|a| {
            let selected: Vec<String> = a.selected.iter().map(u8::to_string).collect();
            format!(
                r#"{{"question":"{}","selected":[{}]}}"#,
                json_safe(&a.question),
                selected.join(",")
            )
        })
        .collect();
    let body = format!(
        r#"{{"module":"{}","attempt":{attempt},"seed":"{}","answers":[{}]}}"#,
        json_safe(&module),
        json_safe(&seed),
        picks.join(",")
    );
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&leptos::wasm_bindgen::JsValue::from_str(&body));
    let request = web_sys::Request::new_with_str_and_init("/api/grade_quiz", &init)
        .map_err(|_| FAILED.to_string())?;
    let headers = request.headers();
    let _ = headers.set("Content-Type", "application/json");
    let _ = headers.set("Accept", "application/json");
    let window = web_sys::window().ok_or_else(|| FAILED.to_string())?;
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| FAILED.to_string())?
            .dyn_into()
            .map_err(|_| FAILED.to_string())?;
    let text =
        wasm_bindgen_futures::JsFuture::from(response.text().map_err(|_| FAILED.to_string())?)
            .await
            .map_err(|_| FAILED.to_string())?
            .as_string()
            .unwrap_or_default();
    match response.status() {
        200 => leptos::serde_json::from_str(&text).map_err(|_| FAILED.to_string()),
        400 => Err("Your answers could not be read. Reload the page and try again.".into()),
        404 => Err("This module no longer exists.".into()),
        409 => {
            // A page out of date (that attempt was already submitted): offer a fresh quiz.
            stale.set(true);
            Err("This quiz page is out of date: that attempt was already submitted, perhaps in another tab.".into())
        }
        _ => Err(FAILED.to_string()),
    }
}

/// Keeps only the characters ids may have, so the hand-written JSON is always valid.
fn json_safe(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
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
