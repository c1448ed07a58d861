//! Pages for content authors: `/author/items`, how each quiz question performs in the viewer's
//! organisation (item statistics over learners' first answers: attempts, facility,
//! discrimination, choice picks and flags; see `domain::items`). For admins and members with
//! the author role; anyone else gets 403. Each module is an accessible table, ordered by the
//! server through `?sort=`; the figures are text, the small bars only repeat them.
//!
//! `data` holds what the page loads (server only).
//! May use: domain, server (ctx, refusal, state), store records, ui.

mod data;

use crate::domain::items::{correlation_text, letter, percent, Figures, MIN_ATTEMPTS};
use crate::server::ctx;
use crate::server::refusal::Refusal;
use data::{ItemRow, ModuleTable, Sort};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ItemsPage() -> impl IntoView {
    ctx::page(items_page())
}

fn items_page() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::author()?);
    let sort = Sort::parse(ctx::choice("sort").as_deref());
    Ok(view! {
        <Title text="Item statistics" />
        <h1>"Item statistics"</h1>
        <p class="lede">"How each quiz question performs with the learners of your organisation, to find questions worth rewriting."</p>
        <details class="explainer">
            <summary>"What the figures mean"</summary>
            <dl>
                <dt>"Attempts"</dt>
                <dd>"How many learners answered the question. Only each learner's first answer to it counts: retakes are practice, not measurement."</dd>
                <dt>"Facility"</dt>
                <dd>"The share of those first answers that were right."</dd>
                <dt>"Discrimination"</dt>
                <dd>"The item–rest correlation: how strongly being right on this question goes with doing well on the module's other questions (the learner's rest score: their share right of their first answers to the module's other questions). From −1 to 1; below 0.10 the question does not tell stronger from weaker learners. A dash means it cannot be computed yet (everyone right, everyone wrong, or no one answered another question)."</dd>
                <dt>"Choices picked"</dt>
                <dd>"How often each choice was picked, by its letter in the order the author wrote the choices in the module's source. ✓ marks a keyed (right) choice. For “select all” questions every selected choice counts, so the shares can add up to more than 100%."</dd>
                <dt>"Flags"</dt>
                <dd>{format!("Very easy (over 95% right), very hard (under 20% right), weak discrimination (under 0.10), and a wrong choice nobody picked. Figures and flags appear once a question has {MIN_ATTEMPTS} first answers.")}</dd>
            </dl>
        </details>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let lib = state.library.current();
                let loaded = ctx::load(data::item_tables(&state, &lib, v.org, sort), "The item statistics could not be loaded.").await;
                ctx::page(loaded.map(|tables| tables_view(tables, sort)))
            })}
        </Suspense>
    })
}

fn tables_view(tables: Vec<ModuleTable>, sort: Sort) -> impl IntoView {
    if tables.is_empty() {
        return view! { <p>"No published module has a quiz yet."</p> }.into_any();
    }
    let questions: usize = tables.iter().map(|t| t.rows.len()).sum();
    let measured: Vec<&ItemRow> = tables
        .iter()
        .flat_map(|t| &t.rows)
        .filter(|r| r.stats.figures.is_some())
        .collect();
    let flagged = measured
        .iter()
        .filter(|r| {
            r.stats
                .figures
                .as_ref()
                .is_some_and(|f| !f.flags.is_empty())
        })
        .count();
    let summary = format!(
        "{questions} questions in {} modules; {} with at least {MIN_ATTEMPTS} first answers, {flagged} of them flagged.",
        tables.len(),
        measured.len()
    );
    let order = Sort::ALL
        .iter()
        .map(|s| {
            let label = match s {
                Sort::Question => "as written",
                Sort::Attempts => "most answered first",
                Sort::Facility => "hardest first",
                Sort::Discrimination => "weakest discrimination first",
            };
            if *s == sort {
                view! { <li aria-current="true"><strong>{label}</strong></li> }.into_any()
            } else {
                view! { <li><a href=format!("/author/items?sort={}", s.key())>{label}</a></li> }
                    .into_any()
            }
        })
        .collect_view();
    view! {
        <p data-testid="items-summary">{summary}</p>
        <nav aria-label="Order of questions" class="sort-links">
            <span>"Order questions: "</span>
            <ul class="inline-list">{order}</ul>
        </nav>
        {tables.into_iter().map(|t| module_table(t, sort)).collect_view()}
    }
    .into_any()
}

fn module_table(t: ModuleTable, sort: Sort) -> impl IntoView {
    let heading = format!("module-{}", t.id);
    let labelled_by = heading.clone();
    let aria_sort = move |s: Sort| {
        (sort == s && s != Sort::Question).then_some(match s {
            Sort::Attempts => "descending",
            _ => "ascending",
        })
    };
    let rows = t.rows.into_iter().map(item_row).collect_view();
    view! {
        <section aria-labelledby=labelled_by id=format!("items-{}", t.id)>
            <h2 id=heading><a href=format!("/modules/{}", t.slug)>{t.title.clone()}</a></h2>
            <div class="table-scroll" tabindex="0">
                <table class="data items" data-testid=format!("items-{}", t.id)>
                    <caption class="visually-hidden">{format!("Question statistics of {}", t.title)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Question"</th>
                            <th scope="col">"Skill"</th>
                            <th scope="col">"Difficulty"</th>
                            <th scope="col" aria-sort=aria_sort(Sort::Attempts)>"Attempts"</th>
                            <th scope="col" aria-sort=aria_sort(Sort::Facility)>"Facility"</th>
                            <th scope="col" aria-sort=aria_sort(Sort::Discrimination)>"Discrimination"</th>
                            <th scope="col">"Choices picked"</th>
                            <th scope="col">"Flags"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn item_row(r: ItemRow) -> impl IntoView {
    let kind = if r.select_all {
        "select all"
    } else {
        "single answer"
    };
    let figures = match r.stats.figures {
        Some(f) => figure_cells(f).into_any(),
        None => view! {
            <td colspan="4" class="muted">{format!("Not enough answers yet (figures from {MIN_ATTEMPTS})")}</td>
        }
        .into_any(),
    };
    view! {
        <tr id=format!("item-{}", r.id) data-question=r.id.clone()>
            <th scope="row">{r.text} <br /><small>{format!("{} · {kind}", r.id)}</small></th>
            <td>{r.skill}</td>
            <td>{r.difficulty}</td>
            <td data-figure="attempts">{r.stats.attempts}</td>
            {figures}
        </tr>
    }
}

fn figure_cells(f: Figures) -> impl IntoView {
    let flags = if f.flags.is_empty() {
        view! { <span class="muted">"none"</span> }.into_any()
    } else {
        view! {
            <ul class="flags">{f.flags.iter().map(|x| view! { <li>{x.label()}</li> }).collect_view()}</ul>
        }
        .into_any()
    };
    let discrimination = correlation_text(f.discrimination);
    view! {
        <td data-figure="facility">{percent(f.facility)}</td>
        <td data-figure="discrimination">{discrimination}</td>
        <td data-figure="picks">{f.picks_text("✓")} {pick_bars(&f)}</td>
        <td data-figure="flags">{flags}</td>
    }
}

/// A small bar per choice (keyed ones dark), repeating the shares beside it; hidden from
/// assistive technology, which reads the text.
fn pick_bars(f: &Figures) -> impl IntoView {
    const BAR: f64 = 10.0;
    const HEIGHT: f64 = 24.0;
    let width = BAR * f.picks.len() as f64;
    let bars = f
        .picks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let h = (p.share.min(1.0) * HEIGHT).max(1.0);
            let fill = if p.keyed { "#1f5f8b" } else { "#9bb7cc" };
            view! {
                <rect x=format!("{:.1}", i as f64 * BAR + 1.0) y=format!("{:.1}", HEIGHT - h) width=format!("{:.1}", BAR - 2.0) height=format!("{h:.1}") fill=fill>
                    <title>{format!("{} {}", letter(p.index), percent(p.share))}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <svg class="pick-bars" width=format!("{width:.0}") height=format!("{HEIGHT:.0}") viewBox=format!("0 0 {width:.0} {HEIGHT:.0}") aria-hidden="true" focusable="false">{bars}</svg>
    }
}
