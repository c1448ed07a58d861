//! Teams for their managers (and admins): the people of a team and, per person, their progress
//! and quiz results. A manager sees only the teams they manage.

mod skills;
pub use skills::{
    breakdown_table, exposure_breakdown, team_matrix, trend_chart, TeamMatrix, TeamSkillsPage,
};

use crate::domain::people::{Member, TeamId, UserId};
use crate::server::state::AppState;
use crate::ui::{library, redirect_to_login, set_not_found, viewer, Forbidden};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn param(key: &str) -> Option<i64> {
    use_params_map()
        .get_untracked()
        .get(key)
        .and_then(|v| v.parse().ok())
}

#[component]
pub fn TeamsPage() -> impl IntoView {
    let Some(v) = viewer() else {
        redirect_to_login("/teams");
        return ().into_any();
    };
    let state = use_context::<AppState>();
    view! {
        <Title text="My teams" />
        <h1>"Teams"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let Some(state) = state else { return ().into_any() };
                let teams = state.store.teams(v.org).await.unwrap_or_default();
                let visible: Vec<_> = teams.into_iter().filter(|t| v.can_see_team(t.id)).collect();
                if visible.is_empty() {
                    return view! { <p>"You do not manage any team."</p> }.into_any();
                }
                view! {
                    <ul>
                        {visible.into_iter().map(|t| view! { <li><a href=format!("/teams/{}", t.id)>{t.name}</a></li> }).collect_view()}
                    </ul>
                }
                    .into_any()
            })}
        </Suspense>
    }
    .into_any()
}

/// Loads a team the viewer may see, and its members; `None` if it does not exist in the
/// viewer's organisation or they may not see it.
async fn visible_team(
    state: &AppState,
    v: &crate::server::auth::Viewer,
    team: TeamId,
) -> Result<Option<(String, Vec<Member>)>, crate::store::StoreError> {
    if !v.can_see_team(team) {
        return Ok(None);
    }
    let teams = state.store.teams(v.org).await?;
    let Some(t) = teams.into_iter().find(|t| t.id == team) else {
        return Ok(None);
    };
    let members = state
        .store
        .members(v.org)
        .await?
        .into_iter()
        .filter(|m| m.teams.contains(&team))
        .collect();
    Ok(Some((t.name, members)))
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let Some(v) = viewer() else {
        redirect_to_login("/teams");
        return ().into_any();
    };
    let Some(team) = param("team").map(TeamId) else {
        set_not_found();
        return ().into_any();
    };
    if !v.can_see_team(team) {
        return view! { <Forbidden /> }.into_any();
    }
    let state = use_context::<AppState>();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let Some(state) = state else { return ().into_any() };
                match visible_team(&state, &v, team).await {
                    Ok(Some((name, members))) => view! {
                        <Title text=name.clone() />
                        <h1>{name}</h1>
                        <p><a href=format!("/teams/{}/skills", team)>"Skills, gaps and training plan"</a></p>
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
                    }
                        .into_any(),
                    Ok(None) => {
                        set_not_found();
                        view! { <h1>"Team not found"</h1> }.into_any()
                    }
                    Err(e) => {
                        let _ = crate::error::AppError::internal(&e);
                        view! { <p class="error" role="alert">"The team could not be loaded."</p> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn TeamPersonPage() -> impl IntoView {
    let Some(v) = viewer() else {
        redirect_to_login("/teams");
        return ().into_any();
    };
    let (Some(team), Some(person)) = (param("team").map(TeamId), param("person").map(UserId))
    else {
        set_not_found();
        return ().into_any();
    };
    if !v.can_see_team(team) {
        return view! { <Forbidden /> }.into_any();
    }
    let role = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("role")
        .filter(|r| !r.is_empty());
    let state = use_context::<AppState>();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let Some(state) = state else { return ().into_any() };
                let member = match visible_team(&state, &v, team).await {
                    Ok(Some((_, members))) => members.into_iter().find(|m| m.user == person),
                    _ => None,
                };
                let Some(member) = member else {
                    set_not_found();
                    return view! { <h1>"Person not found"</h1> }.into_any();
                };
                let loaded = async {
                    Ok::<_, crate::store::StoreError>((
                        state.store.progress(member.user).await?,
                        state.store.attempts(member.user).await?,
                        state.store.self_ratings(v.org, member.user).await?,
                        crate::server::estimates::weights(&state, v.org).await?,
                        state.store.teams(v.org).await?,
                    ))
                }
                .await;
                let (progress, attempts, ratings, weights, teams) = match loaded {
                    Ok(x) => x,
                    Err(e) => {
                        let _ = crate::error::AppError::internal(&e);
                        return view! { <p class="error" role="alert">"This person's records could not be loaded."</p> }.into_any();
                    }
                };
                // The team being viewed comes first when the person has no role of their own.
                let teams: Vec<_> = teams.iter().filter(|t| t.id == team).chain(teams.iter().filter(|t| t.id != team)).cloned().collect();
                let assigned = member.effective_role(&teams).map(str::to_string);
                let lib = library();
                let title = |id: &str| lib.module(id).map(|m| m.title.clone()).unwrap_or_else(|| id.to_string());
                let modules = progress.iter().map(|p| view! {
                    <tr><td>{title(&p.module)}</td><td>{if p.completed_at.is_some() { "completed".to_string() } else { format!("{}% read", p.percent()) }}</td></tr>
                }).collect_view();
                let results = attempts.iter().map(|a| view! { <li>{format!("{}: {} of {}", title(&a.module), a.score, a.total)}</li> }).collect_view();
                let action = format!("/teams/{team}/people/{person}");
                view! {
                    <Title text=member.name.clone() />
                    <nav class="breadcrumb" aria-label="Breadcrumb"><a href=format!("/teams/{team}/skills")>"Team skills"</a> " / " {member.name.clone()}</nav>
                    <h1>{member.name.clone()}</h1>
                    <h2>"Skills and the evidence behind them"</h2>
                    {crate::features::learning::skills_view(crate::features::learning::SkillsView {
                        progress: progress.clone(),
                        attempts: attempts.clone(),
                        ratings,
                        weights,
                        role: role.clone(),
                        assigned,
                        action,
                        editable: false,
                    })}

                    <h2>"Modules"</h2>
                    <table class="data" data-testid="person-progress">
                        <thead><tr><th scope="col">"Module"</th><th scope="col">"Progress"</th></tr></thead>
                        <tbody>{modules}</tbody>
                    </table>
                    <h2>"Quiz results"</h2>
                    <ul>{results}</ul>
                }
                    .into_any()
            })}
        </Suspense>
    }
    .into_any()
}
