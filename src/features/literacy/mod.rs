//! The AI-literacy record, `/org/literacy` (and `/org/literacy.csv`): per person, the level of
//! the `ai-literacy` skill their role needs, the evidence they have (completed modules, skill
//! checks, quiz attempts, scored practical tasks, with dates), their estimate, whether the
//! evidence is current and a status; per team and for everyone shown, the share covered. A
//! page an auditor can read and print (the navigation is left out of the printout), with the
//! organisation's name and when it was generated. It shows evidence and says plainly that it
//! claims no legal compliance.
//!
//! Who sees it: an admin, the whole organisation; a manager, the members of the teams they
//! manage (the people their team pages show); anyone else gets a 403. Rules of status and
//! coverage: `domain::literacy`; loading: `data`; the CSV: `export`.
//!
//! May use: domain, server (ctx, extract, refusal, state), store records, ui.

mod data;
pub mod export;

use crate::domain::literacy::{
    day, level_text, Coverage, PersonRecord, Status, CURRENT_MONTHS, SKILL,
};
use crate::server::ctx;
use crate::server::refusal::Refusal;
use data::LiteracyRecord;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LiteracyPage() -> impl IntoView {
    ctx::page(literacy())
}

fn literacy() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::overseer()?);
    let by = v.name.clone();
    Ok(view! {
        <Title text="AI-literacy record" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::literacy_record(&state, &v), "The AI-literacy record could not be loaded.").await;
                ctx::page(loaded.map(|rec| render(rec, by)))
            })}
        </Suspense>
    })
}

fn render(rec: LiteracyRecord, by: String) -> impl IntoView {
    let (back, back_label) = if rec.whole {
        ("/admin", "Organisation")
    } else {
        ("/teams", "My teams")
    };
    let scope = if rec.whole {
        "Everyone in the organisation.".to_string()
    } else {
        let names: Vec<String> = rec.teams.iter().map(|t| t.name.clone()).collect();
        format!("The teams you manage: {}.", names.join(", "))
    };
    let generated = format!(
        "Generated {} UTC by {by}.",
        rec.generated_at.format("%Y-%m-%d %H:%M")
    );
    let statuses = Status::ALL
        .iter()
        .map(|s| view! { <dt>{s.label()}</dt><dd>{s.meaning()}</dd> })
        .collect_view();
    let coverage = coverage_rows(&rec);
    let people = rec
        .people
        .iter()
        .map(|p| person_row(&rec, p))
        .collect_view();
    let (with, without): (Vec<&PersonRecord>, Vec<&PersonRecord>) =
        rec.people.iter().partition(|p| !p.evidence.is_empty());
    let evidence = with
        .iter()
        .map(|p| {
            let items = p
                .evidence
                .iter()
                .map(|i| view! { <li>{i.text()}</li> })
                .collect_view();
            view! {
                <section class="record-person" id=format!("evidence-{}", p.user)>
                    <h3>{p.name.clone()}</h3>
                    <ul>{items}</ul>
                </section>
            }
        })
        .collect_view();
    let none: Vec<String> = without.iter().map(|p| p.name.clone()).collect();
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href=back>{back_label}</a> " / AI-literacy record"</nav>
        <article class="record" data-testid="literacy-record">
            <h1>"AI-literacy record"</h1>
            <p class="record-org" data-testid="organisation"><strong>{rec.organisation.clone()}</strong> " · " {scope}</p>
            <p class="record-meta" data-testid="generated">{generated}</p>
            <div class="notice disclaimer" role="note" data-testid="disclaimer">
                <p><strong>"This record shows evidence. It does not claim legal compliance."</strong></p>
                <p>"Since 2 February 2025, Article 4 of the EU AI Act has required providers and deployers of AI systems to take measures to ensure, to their best extent, a sufficient level of AI literacy of their staff. This page lists the evidence Levelfield holds of each person's AI literacy: modules completed, skill checks, quiz results and scored practical tasks. It does not say, and Levelfield does not claim, that your organisation or anyone listed complies with the AI Act or any other law. What level is sufficient, and for whom, depends on the AI systems you use and how; that is for your organisation and its advisers to judge."</p>
            </div>
            {(!rec.skill_known).then(|| view! {
                <p class="notice">{format!("The curriculum has no skill with the id {SKILL}, so no one has an AI-literacy level to reach.")}</p>
            })}
            <p class="no-print"><a href="/org/literacy.csv" data-testid="csv">"Download the record (CSV)"</a> " · To print it or save it as a PDF, use your browser's print command; the site's navigation is left out of the printout."</p>
            <h2>"How to read it"</h2>
            <dl class="explainer">
                <dt>"Level needed"</dt>
                <dd>"The level of the AI literacy skill (0–4) set by the person's role profile: their own, else their team's. With no role profile assigned, the record says so."</dd>
                <dt>"Estimate"</dt>
                <dd>"The learner model's level with its 95% range, from quiz answers, skill checks and scored practical tasks (" <a href="/docs/proficiency">"how estimates are made"</a> "). Quizzes alone show a level up to 2; above that, a scored practical task is needed. A range three levels wide or more reads as unknown."</dd>
                <dt>"Current"</dt>
                <dd>{format!("Yes when the latest evidence is at most {CURRENT_MONTHS} months old.")}</dd>
                {statuses}
            </dl>
            <h2>"Coverage"</h2>
            <p>"The share covered is the number of people who meet the level their role needs, with current evidence, divided by the number of people whose role needs a level."</p>
            <table class="data" data-testid="literacy-coverage">
                <thead><tr><th scope="col">"Group"</th><th scope="col">"People with a level to reach"</th><th scope="col">"Meet it"</th><th scope="col">"Share covered"</th></tr></thead>
                <tbody>{coverage}</tbody>
            </table>
            <h2>"People"</h2>
            <div class="table-scroll" tabindex="0">
                <table class="data" data-testid="literacy-people">
                    <thead><tr>
                        <th scope="col">"Person"</th><th scope="col">"Team"</th><th scope="col">"Role"</th>
                        <th scope="col">"Level needed"</th><th scope="col">"Estimate"</th>
                        <th scope="col">"Latest evidence"</th><th scope="col">"Current"</th><th scope="col">"Status"</th>
                    </tr></thead>
                    <tbody>{people}</tbody>
                </table>
            </div>
            <h2>"Evidence by person"</h2>
            {evidence}
            {(!none.is_empty()).then(|| view! {
                <p data-testid="no-evidence">{format!("No AI-literacy evidence yet: {}.", none.join(", "))}</p>
            })}
        </article>
    }
}

/// One coverage row.
fn coverage_row(id: String, group: String, c: Coverage, total: bool) -> AnyView {
    let share = c
        .share()
        .map(|s| format!("{:.0}%", s * 100.0))
        .unwrap_or_else(|| "— (no one has a level to reach)".to_string());
    let class = if total { "total" } else { "" };
    view! {
        <tr id=id class=class>
            <th scope="row">{group}</th>
            <td>{c.with_need}</td>
            <td>{c.meets}</td>
            <td>{share}</td>
        </tr>
    }
    .into_any()
}

/// Each team's coverage, then the people in no team (for an admin), then everyone shown.
fn coverage_rows(rec: &LiteracyRecord) -> impl IntoView {
    let mut rows: Vec<AnyView> = rec
        .teams
        .iter()
        .map(|t| {
            coverage_row(
                format!("team-{}", t.id),
                t.name.clone(),
                Coverage::of(rec.of_team(t.id)),
                false,
            )
        })
        .collect();
    let teamless: Vec<&PersonRecord> = rec.people.iter().filter(|p| p.teams.is_empty()).collect();
    if rec.whole && !teamless.is_empty() {
        rows.push(coverage_row(
            "no-team".into(),
            "In no team".into(),
            Coverage::of(teamless),
            false,
        ));
    }
    let everyone = if rec.whole {
        "Whole organisation"
    } else {
        "All the teams you manage"
    };
    rows.push(coverage_row(
        "everyone".into(),
        everyone.into(),
        Coverage::of(&rec.people),
        true,
    ));
    rows.into_iter().collect_view()
}

fn person_row(rec: &LiteracyRecord, p: &PersonRecord) -> impl IntoView {
    let role = p
        .role
        .as_ref()
        .map(|r| r.1.clone())
        .unwrap_or_else(|| "No role assigned".to_string());
    let need = match (&p.role, p.need) {
        (_, Some(n)) => n.to_string(),
        (Some(_), None) => "none set by the role".to_string(),
        (None, None) => "—".to_string(),
    };
    let teams = match rec.team_names(p) {
        names if names.is_empty() => "no team".to_string(),
        names => names.join(", "),
    };
    let current = match (p.latest, p.current) {
        (None, _) => "—",
        (Some(_), true) => "yes",
        (Some(_), false) => "no",
    };
    view! {
        <tr id=format!("person-{}", p.user) data-status=p.status.key().replace(' ', "-")>
            <th scope="row">{p.name.clone()}</th>
            <td>{teams}</td>
            <td>{role}</td>
            <td>{need}</td>
            <td>{level_text(p.estimate.as_ref())}</td>
            <td>{p.latest.map(day).unwrap_or_else(|| "none".to_string())}</td>
            <td>{current}</td>
            <td><strong>{p.status.label()}</strong></td>
        </tr>
    }
}
