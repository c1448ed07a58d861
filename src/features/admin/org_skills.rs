//! The organisation roll-up for admins: per skill, how many people are below a role's target,
//! the mean gap and the talent-shortage exposure, overall and per team. Groups smaller than the
//! minimum group size are hidden, so no individual can be singled out through an aggregate.

use crate::domain::matrix::{build, rollup_of, Rollup};
use crate::domain::people::MemberRole;
use crate::server::state::AppState;
use crate::ui::{library, redirect_to_login, viewer, Forbidden};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OrgSkillsPage() -> impl IntoView {
    let Some(v) = viewer() else {
        redirect_to_login("/org/skills");
        return ().into_any();
    };
    if !v.is_admin() {
        return view! { <Forbidden /> }.into_any();
    }
    let role_param = use_query_map().get_untracked().get("role");
    let state = use_context::<AppState>();
    view! {
        <Title text="Organisation skills" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let Some(state) = state else { return ().into_any() };
                let lib = library();
                let Some(role) = role_param
                    .as_deref()
                    .and_then(|r| lib.roles().iter().find(|x| x.id.as_str() == r))
                    .or_else(|| lib.roles().first())
                    .cloned()
                else {
                    return view! { <p>"No role profiles in the content."</p> }.into_any();
                };
                let loaded = async {
                    Ok::<_, crate::store::StoreError>((
                        state.store.teams(v.org).await?,
                        state.store.members(v.org).await?,
                        state.store.org_progress(v.org).await?,
                        state.store.org_attempts(v.org).await?,
                    ))
                }
                .await;
                let (teams, members, progress, attempts) = match loaded {
                    Ok(x) => x,
                    Err(e) => {
                        let _ = crate::error::AppError::internal(&e);
                        return view! { <p class="error" role="alert">"The organisation could not be loaded."</p> }.into_any();
                    }
                };
                let min = usize::try_from(state.config.min_group_size).unwrap_or(5);
                let now = chrono::Utc::now();
                let learners: Vec<_> = members.iter().filter(|m| m.has(MemberRole::Learner)).cloned().collect();
                let whole = build(&lib, &role, &learners, &progress, &attempts, now, false);
                let name = |r: &Rollup| lib.skill(r.skill.as_str()).map(|s| s.name.clone()).unwrap_or_else(|| r.skill.0.clone());
                let overall = if learners.len() < min {
                    view! { <p class="notice">{format!("Hidden: the organisation has fewer than {min} learners.")}</p> }.into_any()
                } else {
                    let rows = whole
                        .rollup
                        .iter()
                        .map(|r| view! {
                            <tr>
                                <th scope="row">{name(r)}</th>
                                <td>{format!("{} of {}", r.below_target, learners.len())}</td>
                                <td>{format!("{:.2}", r.mean_gap)}</td>
                                <td>{format!("{:.2}", r.exposure)}</td>
                            </tr>
                        })
                        .collect_view();
                    view! {
                        <table class="data" data-testid="org-rollup">
                            <thead><tr><th scope="col">"Skill"</th><th scope="col">"Below target"</th><th scope="col">"Mean gap"</th><th scope="col">"Exposure"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                        .into_any()
                };
                let per_team = teams
                    .iter()
                    .map(|t| {
                        let people: Vec<_> = learners.iter().filter(|m| m.teams.contains(&t.id)).cloned().collect();
                        if people.len() < min {
                            return view! {
                                <tr><th scope="row">{t.name.clone()}</th><td colspan="2">{format!("hidden: fewer than {min} people")}</td></tr>
                            }
                                .into_any();
                        }
                        // From the rows already computed for the whole organisation: no second pass.
                        let team_rows: Vec<_> = whole.rows.iter().filter(|r| people.iter().any(|p| p.user == r.user)).collect();
                        let team_rollup = rollup_of(&lib, &whole.skills, &team_rows);
                        let exposure = team_rollup.iter().fold(0.0, |acc, r| acc + r.exposure);
                        let worst = team_rollup.iter().max_by(|a, b| a.exposure.total_cmp(&b.exposure)).map(name).unwrap_or_default();
                        view! {
                            <tr><th scope="row">{t.name.clone()}</th><td>{format!("{exposure:.2}")}</td><td>{worst}</td></tr>
                        }
                            .into_any()
                    })
                    .collect_view();
                let role_options = lib
                    .roles()
                    .iter()
                    .map(|r| view! { <option value=r.id.0.clone() selected=r.id == role.id>{r.name.clone()}</option> })
                    .collect_view();
                view! {
                    <h1>{format!("Organisation skills against {}", role.name)}</h1>
                    <form method="get" class="filters">
                        <div class="field">
                            <label for="role">"Role"</label>
                            <select id="role" name="role">{role_options}</select>
                        </div>
                        <div class="field actions"><button type="submit" class="button">"Show"</button></div>
                    </form>
                    <p>{format!("Groups of fewer than {min} people are hidden, so no individual can be singled out.")}</p>
                    <h2>"All learners"</h2>
                    {overall}
                    <h2>"By team"</h2>
                    <table class="data" data-testid="team-exposure">
                        <thead><tr><th scope="col">"Team"</th><th scope="col">"Exposure"</th><th scope="col">"Largest gap in"</th></tr></thead>
                        <tbody>{per_team}</tbody>
                    </table>
                }
                    .into_any()
            })}
        </Suspense>
    }
    .into_any()
}
