//! Teams for their managers (and admins): the teams they may see, the people of a team and, per
//! person, their progress and quiz results; the team's skills (`skills`) and its CSV exports
//! (`export`); the practical tasks its members submitted, to score (`tasks`). A manager sees only
//! the teams they manage.
//!
//! `data` holds what the pages and exports load (server only).
//! May use: domain, server (ctx, extract, refusal, state, estimates), store records, ui.

pub mod actions;
mod data;
pub mod export;
mod skills;
pub mod tasks;
pub use skills::TeamSkillsPage;
pub use tasks::TeamTasksPage;

use crate::domain::people::{TeamId, UserId};
use crate::server::auth::Viewer;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::server::state::AppState;
use crate::ui::skills_view::{skills_view, SkillsView};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamsPage() -> impl IntoView {
    ctx::page(teams())
}

fn teams() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::signed_in()?);
    Ok(view! {
        <Title text="My teams" />
        <h1>"Teams"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let visible = ctx::load(data::visible_teams(&state, &v), "Your teams could not be loaded.").await;
                ctx::page(visible.map(|visible| {
                    if visible.is_empty() {
                        return view! { <p>"You do not manage any team."</p> }.into_any();
                    }
                    view! {
                        <ul>
                            {visible.into_iter().map(|t| view! { <li><a href=format!("/teams/{}", t.id)>{t.name}</a></li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }))
            })}
        </Suspense>
    })
}

#[component]
pub fn TeamPage() -> impl IntoView {
    ctx::page(team())
}

fn team() -> Result<impl IntoView, Refusal> {
    let (state, v, team) = (ctx::state()?, ctx::signed_in()?, ctx::team_param()?);
    Ok(view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move { ctx::page(team_view(state, v, team).await) })}
        </Suspense>
    })
}

async fn team_view(state: AppState, v: Viewer, team: TeamId) -> Result<impl IntoView, Refusal> {
    let access = ctx::team_access(&state, v, team).await?;
    let members = ctx::load(
        data::team_members(&state, &access),
        "The team could not be loaded.",
    )
    .await?;
    let (team, name) = (access.team.id, access.team.name);
    Ok(view! {
        <Title text=name.clone() />
        <h1>{name}</h1>
        <p>
            <a href=format!("/teams/{}/skills", team)>"Skills, gaps and training plan"</a>
            " · "
            <a href=format!("/teams/{}/tasks", team)>"Practical tasks to score"</a>
            " · "
            <a href=format!("/org/literacy#team-{}", team)>"AI-literacy record"</a>
        </p>
        <table class="data" data-testid="team-members">
            <thead><tr><th scope="col">"Person"</th><th scope="col">"Email"</th><th scope="col">"Roles"</th></tr></thead>
            <tbody>
                {members.into_iter().map(|m| view! {
                    <tr>
                        <td><a href=format!("/teams/{}/people/{}", team, m.user)>{m.name}</a></td>
                        <td>{m.email}</td>
                        <td>{m.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    })
}

#[component]
pub fn TeamPersonPage() -> impl IntoView {
    ctx::page(team_person())
}

fn team_person() -> Result<impl IntoView, Refusal> {
    let (state, v, team) = (ctx::state()?, ctx::signed_in()?, ctx::team_param()?);
    let person = ctx::param("person")
        .and_then(|p| p.parse().ok())
        .map(UserId)
        .ok_or(Refusal::NotFound("Person not found"))?;
    let role = ctx::choice("role");
    Ok(view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move { ctx::page(person_view(state, v, team, person, role).await) })}
        </Suspense>
    })
}

async fn person_view(
    state: AppState,
    v: Viewer,
    team: TeamId,
    person: UserId,
    role: Option<String>,
) -> Result<impl IntoView, Refusal> {
    let access = ctx::team_access(&state, v, team).await?;
    let records = ctx::load(
        data::person_records(&state, &access, person),
        "This person's records could not be loaded.",
    )
    .await?
    .ok_or(Refusal::NotFound("Person not found"))?;
    let lib = state.library.current();
    let title = |id: &str| {
        lib.module(id)
            .map(|m| m.title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let modules = records.progress.iter().map(|p| view! {
        <tr><td>{title(&p.module)}</td><td>{if p.completed_at.is_some() { "completed".to_string() } else { format!("{}% read", p.percent()) }}</td></tr>
    }).collect_view();
    let results = records
        .attempts
        .iter()
        .filter(|a| a.kind == crate::domain::progress::AttemptKind::Quiz)
        .map(|a| view! { <li>{format!("{}: {} of {}", title(&a.module), a.score, a.total)}</li> })
        .collect_view();
    let name = records.member.name.clone();
    let skills = skills_view(
        &lib,
        SkillsView {
            progress: records.progress,
            attempts: records.attempts,
            tasks: records.tasks,
            ratings: records.ratings,
            weights: records.weights,
            role,
            assigned: records.assigned,
            action: format!("/teams/{team}/people/{person}"),
            editable: false,
        },
    );
    Ok(view! {
        <Title text=name.clone() />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href=format!("/teams/{team}/skills")>"Team skills"</a> " / " {name.clone()}</nav>
        <h1>{name}</h1>
        <h2>"Skills and the evidence behind them"</h2>
        {skills}

        <h2>"Modules"</h2>
        <table class="data" data-testid="person-progress">
            <thead><tr><th scope="col">"Module"</th><th scope="col">"Progress"</th></tr></thead>
            <tbody>{modules}</tbody>
        </table>
        <h2>"Quiz results"</h2>
        <ul>{results}</ul>
    })
}
