//! The adaptive skill check, `/skills/:id/check`: for a signed-in learner, one question per page
//! from every published module's questions on the skill, the most informative at their current
//! estimate and never one they have answered, as a plain form (its choices in the learner's own
//! shuffled order) posted to `actions::answer`; until the 95% range is narrow enough or
//! `CHECK_MAX_ANSWERS` answers are in, then the level with its range, the answers the check used
//! and the evidence behind it. Works the same with and without JavaScript (no island).

pub mod actions;
pub mod data;

use crate::domain::proficiency::{Estimate, EvidenceKind, CHECK_MAX_ANSWERS};
use crate::domain::quiz::QuestionKind;
use crate::server::auth::Viewer;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::{set_not_found, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SkillCheckPage() -> impl IntoView {
    ctx::page(check_page())
}

/// The level as the result states it: "Level 1.8 (95% range 1.2–2.5)", "Level unknown (95%
/// range 0.4–3.8)", "Level 2.0 (95% range at least 2.0, capped at 2 until a practical task is
/// scored)" or "Level 1.5 (95% range 0.8–2.0, capped at 2 until …)" (the range's top is the
/// cap, not a measurement), with "above the hardest level tested" when nothing tested it that
/// high.
pub fn level_text(est: Option<&Estimate>) -> String {
    let Some(e) = est else {
        return "Level unknown: no evidence yet".to_string();
    };
    let level = if e.is_unknown() {
        "unknown".to_string()
    } else {
        format!("{:.1}", e.level)
    };
    let range = if e.capped && !e.is_unknown() {
        format!("{} until a practical task is scored", e.range_text())
    } else {
        e.range_text()
    };
    let mut text = format!("Level {level} (95% range {range})");
    if !e.is_unknown() && e.above_tested() {
        if let Some(t) = e.tested_up_to {
            text.push_str(&format!(
                ", above the hardest level tested (difficulty {t})"
            ));
        }
    }
    text
}

fn check_page() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::signed_in()?);
    let lib = state.library.current();
    let id = ctx::param("id").unwrap_or_default();
    let Some(skill) = lib.skill(&id) else {
        set_not_found();
        return Ok(view! {
            <Title text="Skill not found" />
            <h1>"Skill not found"</h1>
            <p><a href="/skills">"See all skills"</a></p>
        }
        .into_any());
    };
    let (skill_id, name, half_life) = (
        skill.id.0.clone(),
        skill.name.clone(),
        f64::from(skill.decay_half_life_days),
    );
    let started = ctx::query("started")
        .and_then(|s| data::decode_started(&s))
        .unwrap_or_else(chrono::Utc::now);
    Ok(view! {
        <Title text=format!("Check: {name}") />
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href="/skills">"Skills"</a>
            " / "
            <a href=format!("/skills/{skill_id}")>{name.clone()}</a>
            " / "
            <span aria-current="page">"Check"</span>
        </nav>
        <h1>{format!("Check your level: {name}")}</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::evidence(&state, &v), "Your skill check could not be loaded.").await;
                let lib = state.library.current();
                ctx::page(loaded.map(|(attempts, tasks)| {
                    let now = chrono::Utc::now();
                    let st = data::check_state(&lib, &skill_id, half_life, &attempts, &tasks, started, now);
                    render(&lib, &v, &skill_id, started, st)
                }))
            })}
        </Suspense>
    }
    .into_any())
}

fn render(
    lib: &crate::domain::catalogue::Library,
    v: &Viewer,
    skill: &str,
    started: chrono::DateTime<chrono::Utc>,
    st: data::CheckState<'_>,
) -> AnyView {
    if st.bank_size == 0 {
        return view! {
            <p>"No published module has questions on this skill yet, so it cannot be checked."</p>
            <p><a href="/me/skills">"Back to my skills"</a></p>
        }
        .into_any();
    }
    match st.next {
        Some(entry) => question_view(v, skill, started, st.answered, entry),
        None => result_view(lib, &st),
    }
}

fn question_view(
    v: &Viewer,
    skill: &str,
    started: chrono::DateTime<chrono::Utc>,
    answered: usize,
    entry: data::BankEntry<'_>,
) -> AnyView {
    let q = entry.question;
    let module = entry.module.id.as_str().to_string();
    let shuffle = data::shuffle(v.user, &module, q);
    let multiple = q.kind == QuestionKind::Multiple;
    let input_type = if multiple { "checkbox" } else { "radio" };
    let choices = shuffle
        .order()
        .iter()
        .enumerate()
        .filter_map(|(pos, authored)| {
            let c = q.choices.get(*authored)?;
            let field = format!("choice-{pos}");
            Some(view! {
                <li>
                    <input type=input_type id=field.clone() name="choice" value=pos.to_string() required=!multiple />
                    <label for=field inner_html=c.html.clone()></label>
                </li>
            })
        })
        .collect_view();
    let n = answered + 1;
    view! {
        <p class="check-progress">{format!("Question {n} (at most {CHECK_MAX_ANSWERS}). The check stops as soon as your level is clear.")}</p>
        <FormError />
        <form id="check" method="post" action=format!("/skills/{skill}/check") class="check-question">
            <input type="hidden" name="started" value=data::encode_started(started) />
            <input type="hidden" name="module" value=module />
            <input type="hidden" name="question" value=q.id.0.clone() />
            <fieldset id="question">
                <legend>{format!("Question {n}")}</legend>
                <div class="prompt" inner_html=q.prompt_html.clone()></div>
                {multiple.then(|| view! { <p class="hint">"Select all that apply."</p> })}
                <ul class="choices">{choices}</ul>
            </fieldset>
            <button type="submit">"Answer"</button>
        </form>
        <p><a href="/me/skills">"Stop here and go back to my skills"</a></p>
    }
    .into_any()
}

fn result_view(lib: &crate::domain::catalogue::Library, st: &data::CheckState<'_>) -> AnyView {
    let text = level_text(st.shown.as_ref());
    let used = match st.answered {
        1 => "This check used 1 answer.".to_string(),
        n => format!("This check used {n} answers."),
    };
    let title = |id: &str| {
        lib.module(id)
            .map(|m| m.title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let items = st
        .evidence
        .iter()
        .rev()
        .map(|(e, src)| {
            let text = match e.kind {
                EvidenceKind::Answer {
                    difficulty,
                    correct,
                    ..
                } => format!(
                    "{}: question {} of {} (difficulty {difficulty}), {}",
                    if correct { "right" } else { "wrong" },
                    src.question.clone().unwrap_or_default(),
                    title(&src.module),
                    src.at.date_naive()
                ),
                EvidenceKind::Task { level, passed, .. } => format!(
                    "{}: practical task of {} (level {level}), {}",
                    if passed { "passed" } else { "not passed" },
                    title(&src.module),
                    src.at.date_naive()
                ),
            };
            view! { <li>{text}</li> }
        })
        .collect_view();
    view! {
        <section id="check-result" aria-labelledby="result-title">
            <h2 id="result-title">"Your result"</h2>
            <p class="check-level"><strong>{text}</strong></p>
            <p>{used}</p>
            {st.exhausted.then(|| view! {
                <p>"You have answered every question on this skill, so the check has nothing more to ask. New questions in its modules will add to it."</p>
            })}
            <p>
                "The level counts all your evidence for this skill, each question's first answer only. "
                <a href="/docs/proficiency">"How levels are estimated"</a>
            </p>
            <h3>"Evidence"</h3>
            <ul class="evidence">{items}</ul>
            <p><a href="/me/skills">"Back to my skills"</a></p>
        </section>
    }
    .into_any()
}
