//! "My learning", the pages under `/me`: the signed-in learner's modules in progress (with where
//! to resume), completed modules and quiz results (here); their skills and self-ratings
//! (`skills`); who can see their records (`privacy`). Shows only the viewer's own records.
//!
//! `actions` holds the form handler (self-ratings), `data` what the pages load (server only).
//! May use: domain, server (ctx, extract, refusal, state, estimates), store records, ui.

pub mod actions;
mod data;
mod privacy;
mod skills;
pub use privacy::PrivacyPage;
pub use skills::{MySkillsPage, ProficiencyDocPage};

use crate::domain::catalogue::{content_id, Library};
use crate::domain::progress::{Attempt, AttemptKind, ModuleProgress};
use crate::server::ctx;
use crate::server::refusal::Refusal;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyLearningPage() -> impl IntoView {
    ctx::page(my_learning())
}

fn my_learning() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::signed_in()?);
    Ok(view! {
        <Title text="My learning" />
        <h1>"My learning"</h1>
        <p>
            <a href="/me/skills">"My skills and what to learn next"</a>
            " · "
            <a href="/me/privacy">"Who can see my learning"</a>
        </p>

        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::my_records(&state, &v), "Your progress could not be loaded.").await;
                ctx::page(loaded.map(|(progress, attempts)| render(&state.library.current(), progress, attempts)))
            })}
        </Suspense>
    })
}

fn render(lib: &Library, progress: Vec<ModuleProgress>, attempts: Vec<Attempt>) -> impl IntoView {
    let title = |id: &str| lib.module(id).map(|m| (m.slug.clone(), m.title.clone()));
    let (done, going): (Vec<_>, Vec<_>) =
        progress.into_iter().partition(|p| p.completed_at.is_some());
    let in_progress = going
        .into_iter()
        .filter_map(|p| {
            let (slug, t) = title(&p.module)?;
            let pct = p.percent();
            let resume = match &p.resume_anchor {
                Some(a) => format!("/modules/{slug}#{}", content_id(a)),
                None => format!("/modules/{slug}"),
            };
            Some(view! {
                <li class="progress-row" data-module=p.module.clone()>
                    <a href=format!("/modules/{slug}")>{t.clone()}</a>
                    <progress max="100" value=pct.to_string() aria-label=format!("{t}: {pct}% read")>{format!("{pct}%")}</progress>
                    <span>{format!("{pct}% read")}</span>
                    <a href=resume class="button-link">"Resume"</a>
                </li>
            })
        })
        .collect::<Vec<_>>();
    let completed = done
        .into_iter()
        .filter_map(|p| {
            let (slug, t) = title(&p.module)?;
            Some(view! { <li data-module=p.module.clone()>"✓ " <a href=format!("/modules/{slug}")>{t}</a></li> })
        })
        .collect::<Vec<_>>();
    // Quiz attempts only: a skill check's answers show on "My skills" as evidence.
    let results = attempts
        .into_iter()
        .filter(|a| a.kind == AttemptKind::Quiz)
        .map(|a| {
            let name = title(&a.module)
                .map(|(_, t)| t)
                .unwrap_or_else(|| a.module.clone());
            view! {
                <tr>
                    <td>{name}</td>
                    <td>{format!("{} of {}", a.score, a.total)}</td>
                    <td>{crate::ui::format_time(a.submitted_at)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="going-title">
            <h2 id="going-title">"In progress"</h2>
            {if in_progress.is_empty() {
                view! { <p>"Nothing in progress. " <a href="/">"Pick a module"</a> "."</p> }.into_any()
            } else {
                view! { <ul class="plain" data-testid="in-progress">{in_progress}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="done-title">
            <h2 id="done-title">"Completed"</h2>
            {if completed.is_empty() {
                view! { <p>"No module completed yet: pass a module's quiz to complete it."</p> }.into_any()
            } else {
                view! { <ul class="plain" data-testid="completed">{completed}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="results-title">
            <h2 id="results-title">"Quiz results"</h2>
            {if results.is_empty() {
                view! { <p>"No quiz taken yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data" data-testid="results">
                        <thead><tr><th scope="col">"Module"</th><th scope="col">"Score"</th><th scope="col">"When (UTC)"</th></tr></thead>
                        <tbody>{results}</tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}
