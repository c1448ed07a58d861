//! The module page: the rendered reading (built once at load), its facts, its table of contents,
//! previous/next, the reading-progress form (`actions`) and the quiz island (`features::quiz`,
//! the one island a feature imports from another), showing the attempt `data` draws for the
//! viewer, and the module's practical task (`task`). `assets` serves the content's images.
//!
//! May use: domain, server (ctx, extract, refusal, state), store errors, ui, the quiz island.

pub mod actions;
pub mod assets;
mod data;
mod task;

use crate::error::ErrorCode;
use crate::features::quiz::island::QuizData;
use crate::features::quiz::Quiz;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::{set_not_found, LevelBadge};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn ModulePage() -> impl IntoView {
    ctx::page(module_page())
}

fn module_page() -> Result<impl IntoView, Refusal> {
    let lib = ctx::library()?;
    let slug = ctx::param("slug").unwrap_or_default();
    let Some(m) = lib.module_by_slug(&slug) else {
        set_not_found();
        return Ok(view! {
            <Title text="Module not found" />
            <h1>"Module not found"</h1>
            <p>"No module has this address. " <a href="/">"Browse the catalogue"</a> "."</p>
        }
        .into_any());
    };

    // A graded no-JavaScript submission comes back as `?attempt=…` (signed in) or
    // `?seed=…&answers=…` (anonymous).
    let result_query = data::ResultQuery {
        attempt: ctx::choice("attempt").and_then(|a| a.parse().ok()),
        seed: ctx::choice("seed").and_then(|s| s.parse().ok()),
        answers: ctx::query("answers"),
    };
    let stale =
        ctx::choice("error").and_then(|c| ErrorCode::parse(&c)) == Some(ErrorCode::QuizStale);
    let state = ctx::state()?;
    let viewer = ctx::viewer();
    let module = m.clone();

    let skills = m
        .skills
        .iter()
        .map(|(s, level)| {
            let name = lib
                .skill(s.as_str())
                .map(|k| k.name.clone())
                .unwrap_or_else(|| s.0.clone());
            view! {
                <li>
                    <a href=format!("/skills/{s}")>{name}</a>
                    " "
                    <LevelBadge level=*level />
                </li>
            }
        })
        .collect_view();
    let prerequisites = m
        .prerequisites
        .iter()
        .map(|p| match lib.module(p.as_str()) {
            Some(pm) => {
                view! { <li><a href=format!("/modules/{}", pm.slug)>{pm.title.clone()}</a></li> }
                    .into_any()
            }
            None => view! { <li>{p.0.clone()}</li> }.into_any(),
        })
        .collect_view();
    let has_prereqs = !m.prerequisites.is_empty();
    let leads_to: Vec<(String, String)> = lib
        .dependents(&m.id)
        .into_iter()
        .map(|d| (d.slug.clone(), d.title.clone()))
        .collect();
    let toc = m
        .toc
        .iter()
        .map(|t| {
            view! {
                <li class=format!("toc-{}", t.level)>
                    <a href=t.href()>{t.text.clone()}</a>
                </li>
            }
        })
        .collect_view();
    let has_quiz = !m.quiz.is_empty();
    let (prev, next) = lib.neighbours(&m.slug);
    let prev = prev.map(|p| (p.slug.clone(), p.title.clone()));
    let next = next.map(|n| (n.slug.clone(), n.title.clone()));
    let signed_in = viewer.is_some();
    let saved = ctx::query("saved").is_some();
    let sections = m.sections();
    let task = task::task_section(&lib, m);
    let has_task = task.is_some();
    let curation = m.curation.clone();
    let today = chrono::Utc::now().date_naive().to_string();
    let overdue = curation.is_overdue(&today);
    let reviewed = format!(
        "{} (next review by {})",
        curation.last_reviewed, curation.review_by
    );
    let objectives = curation
        .objectives
        .iter()
        .map(|o| view! { <li>{o.clone()}</li> })
        .collect_view();
    let has_objectives = !curation.objectives.is_empty();

    Ok(view! {
        <Title text=m.title.clone() />
        <Meta name="description" content=m.summary.clone() />
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href="/">"Modules"</a>
            " / "
            <span aria-current="page">{m.title.clone()}</span>
        </nav>
        <article class="module" data-module=m.id.0.clone()>
            <header class="module-header">
                <h1>{m.title.clone()}</h1>
                <p class="summary">{m.summary.clone()}</p>
                <dl class="facts">
                    <div>
                        <dt>"Level"</dt>
                        <dd>{m.difficulty.label()}</dd>
                    </div>
                    <div>
                        <dt>"Time"</dt>
                        <dd>{format!("about {} minutes", m.estimated_minutes)}</dd>
                    </div>
                    <div>
                        <dt>"By"</dt>
                        <dd>{m.authors.join(", ")}</dd>
                    </div>
                    <div>
                        <dt>"Reviewed"</dt>
                        <dd>
                            <span class="reviewed">{reviewed}</span>
                            {overdue
                                .then(|| {
                                    view! {
                                        <strong class="overdue">
                                            " Overdue for review: check dates and figures against the sources."
                                        </strong>
                                    }
                                })}
                        </dd>
                    </div>
                </dl>
                {has_objectives
                    .then(|| {
                        view! {
                            <section class="objectives" aria-labelledby="objectives-title">
                                <h2 id="objectives-title">"After this module you can"</h2>
                                <ul>{objectives}</ul>
                            </section>
                        }
                    })}
                <section class="teaches" aria-labelledby="teaches-title">
                    <h2 id="teaches-title">"Skills this module teaches"</h2>
                    <ul>{skills}</ul>
                </section>
                {has_prereqs
                    .then(|| {
                        view! {
                            <section class="prerequisites" aria-labelledby="prereq-title">
                                <h2 id="prereq-title">"Before you start"</h2>
                                <ul>{prerequisites}</ul>
                            </section>
                        }
                    })}
            </header>
            <div class="module-layout">
                <nav class="toc" aria-labelledby="toc-title">
                    <h2 id="toc-title">"On this page"</h2>
                    <ol>
                        {toc}
                        {has_task.then(|| view! { <li class="toc-2"><a href="#task">"Practical task"</a></li> })}
                        {has_quiz.then(|| view! { <li class="toc-2"><a href="#quiz">"Quiz"</a></li> })}
                    </ol>
                </nav>
                <div class="prose" inner_html=m.body_html.clone()></div>
            </div>
            {task}
            {signed_in
                .then(|| {
                    view! {
                        <section class="progress-save" id="progress" aria-label="Your progress">
                            {saved.then(|| view! { <p class="notice" role="status">"Saved: this module is marked as read."</p> })}
                            <form method="post" action=format!("/modules/{}/progress", m.slug) class="inline">
                                <input type="hidden" name="reached" value=sections.to_string() />
                                <button type="submit" class="button">"I have read this module"</button>
                            </form>
                            {has_quiz.then(|| view! { <span>" Then pass the quiz to complete it."</span> })}
                        </section>
                    }
                })}
            {has_quiz
                .then(|| {
                    let intro = quiz_intro(&module);
                    view! {
                        <section class="quiz-section" id="quiz" aria-labelledby="quiz-title">
                            <h2 id="quiz-title">"Quiz"</h2>
                            <p>{intro}</p>
                            {stale.then(|| view! { <p class="error" role="alert">{ErrorCode::QuizStale.message()}</p> })}
                            // The route renders in `SsrMode::Async` (app.rs): the quiz is in the
                            // HTML itself, not streamed in by a script, so it works without JS.
                            <Suspense fallback=|| view! { <p>"Loading the quiz…"</p> }>
                                {Suspend::new(async move {
                                    let loaded = ctx::load(
                                        data::quiz_sitting(&state, viewer.as_ref(), &module, &result_query),
                                        "The quiz could not be loaded.",
                                    )
                                    .await;
                                    ctx::page(loaded.map(|s| view! {
                                        <Quiz data=QuizData {
                                            module: module.id.0.clone(),
                                            slug: module.slug.clone(),
                                            attempt: s.attempt,
                                            seed: s.seed.to_string(),
                                            questions: s.questions,
                                            outcome: s.outcome,
                                        } />
                                    }))
                                })}
                            </Suspense>
                        </section>
                    }
                })}
            {(!leads_to.is_empty())
                .then(|| {
                    view! {
                        <section class="leads-to" aria-labelledby="leads-to-title">
                            <h2 id="leads-to-title">"Where this leads"</h2>
                            <p>"Modules that build on this one:"</p>
                            <ul>
                                {leads_to
                                    .into_iter()
                                    .map(|(s, t)| view! { <li><a href=format!("/modules/{s}")>{t}</a></li> })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })}
            <nav class="pager" aria-label="Previous and next module">
                {prev.map(|(s, t)| view! { <a class="prev" rel="prev" href=format!("/modules/{s}")>"← " {t}</a> })}
                {next.map(|(s, t)| view! { <a class="next" rel="next" href=format!("/modules/{s}")>{t} " →"</a> })}
            </nav>
        </article>
    }
    .into_any())
}

/// What the quiz section says before the questions: how answers are checked, how many questions
/// an attempt draws, and when the right answers are shown.
fn quiz_intro(m: &crate::domain::catalogue::Module) -> String {
    use crate::domain::draw::Reveal;
    let mut intro = String::from(
        "Check your understanding. Your answers are checked on the server; each question then shows why.",
    );
    let (shown, bank) = (m.draw_size(), m.quiz.len());
    if shown < bank {
        intro.push_str(&format!(
            " Each attempt shows {shown} of this module's {bank} questions; a retake shows ones you have not seen first."
        ));
    }
    intro.push_str(match m.quiz_policy.reveal {
        Reveal::AfterPass => " The right answer to a question you miss is shown once you pass.",
        Reveal::Always => " The right answer to a question you miss is shown after each attempt.",
        Reveal::Never => " The right answers are not shown; the explanations are.",
    });
    intro
}
