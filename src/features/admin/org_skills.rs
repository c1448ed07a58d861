//! The organisation roll-up for admins: per skill, how many people are below their target, the
//! mean gap, the talent-shortage exposure and its trend, overall and per team. It reads each
//! person's cached estimates (refreshed for whoever's evidence changed), so it stays fast at
//! tens of thousands of learners. Groups smaller than the minimum group size are hidden, so no
//! individual can be singled out through an aggregate.

use super::data;
use crate::domain::matrix::{build, exposure_breakdown, people, rollup_of, Rollup};
use crate::domain::people::MemberRole;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::chart::trend_chart;
use crate::ui::tables::breakdown_table;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrgSkillsPage() -> impl IntoView {
    ctx::page(org_skills())
}

fn org_skills() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::admin()?);
    let role_param = ctx::choice("role");
    Ok(view! {
        <Title text="Organisation skills" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let lib = state.library.current();
                let compare = role_param
                    .as_deref()
                    .and_then(|r| lib.roles().iter().find(|x| x.id.as_str() == r))
                    .cloned();
                let since = (chrono::Utc::now() - chrono::Duration::weeks(13)).date_naive();
                let loaded = ctx::load(data::org_skills(&state, v.org, since), "The organisation could not be loaded.").await;
                let data::OrgSkills { teams, members, estimates, weights: w, history } = match loaded {
                    Ok(x) => x,
                    Err(refusal) => return refusal.view(),
                };
                let min = usize::try_from(state.config.min_group_size).unwrap_or(5);
                let learners: Vec<_> = members.iter().filter(|m| m.has(MemberRole::Learner)).cloned().collect();
                let mut group = people(&lib, &learners, &teams);
                if let Some(r) = &compare {
                    for p in &mut group {
                        p.role = Some(r);
                    }
                }
                let whole = build(&lib, &w, &group, &estimates, false);
                let name = |r: &Rollup| lib.skill(r.skill.as_str()).map(|s| s.name.clone()).unwrap_or_else(|| r.skill.0.clone());
                let without_role = group.iter().filter(|p| p.role.is_none()).count();
                let overall = if learners.len() < min {
                    view! { <p class="notice">{format!("Hidden: the organisation has fewer than {min} learners.")}</p> }.into_any()
                } else {
                    let rows = whole
                        .rollup
                        .iter()
                        .map(|r| {
                            let weight = w.of(&lib, &r.skill);
                            let label = if w.is_override(&r.skill) { "organisation's own" } else { "taxonomy" };
                            let small = r.people < min;
                            view! {
                                <tr>
                                    <th scope="row">{name(r)}</th>
                                    {if small {
                                        view! { <td colspan="3">{format!("hidden: fewer than {min} people with a target")}</td> }.into_any()
                                    } else {
                                        view! {
                                            <td>{format!("{} of {}", r.below_target, r.people)}</td>
                                            <td>{format!("{:.2}", r.mean_gap)}</td>
                                            <td>{format!("{:.2}", r.exposure)}</td>
                                        }.into_any()
                                    }}
                                    <td>{format!("{weight:.2} ({label})")}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <table class="data" data-testid="org-rollup">
                            <thead><tr><th scope="col">"Skill"</th><th scope="col">"Below target"</th><th scope="col">"Mean gap"</th><th scope="col">"Exposure"</th><th scope="col">"Scarcity weight"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                        .into_any()
                };
                // Rows grouped by team in one pass (a person may be in several teams).
                let mut rows_of: std::collections::HashMap<crate::domain::people::TeamId, Vec<&crate::domain::matrix::Row>> = Default::default();
                {
                    let teams_of: std::collections::HashMap<_, _> = learners.iter().map(|m| (m.user, &m.teams)).collect();
                    for r in &whole.rows {
                        for t in teams_of.get(&r.user).into_iter().flat_map(|t| t.iter()) {
                            rows_of.entry(*t).or_default().push(r);
                        }
                    }
                }
                let per_team = teams
                    .iter()
                    .map(|t| {
                        let team_rows = rows_of.remove(&t.id).unwrap_or_default();
                        if team_rows.len() < min {
                            return view! {
                                <tr><th scope="row">{t.name.clone()}</th><td colspan="3">{format!("hidden: fewer than {min} people")}</td></tr>
                            }
                                .into_any();
                        }
                        // From the rows already computed for the whole organisation: no second pass.
                        let team_rollup = rollup_of(&lib, &w, &whole.skills, &team_rows);
                        let exposure = team_rollup.iter().fold(0.0, |acc, r| acc + r.exposure);
                        let below = team_rows.iter().filter(|r| r.total_gap > 0.0).count();
                        let worst = team_rollup.iter().max_by(|a, b| a.exposure.total_cmp(&b.exposure)).map(name).unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row">{t.name.clone()}</th>
                                <td>{format!("{below} of {}", team_rows.len())}</td>
                                <td>{format!("{exposure:.2}")}</td>
                                <td>{worst}</td>
                            </tr>
                        }
                            .into_any()
                    })
                    .collect_view();
                let role_options = lib
                    .roles()
                    .iter()
                    .map(|r| {
                        let selected = compare.as_ref().is_some_and(|c| c.id == r.id);
                        view! { <option value=r.id.0.clone() selected=selected>{format!("Everyone against {}", r.name)}</option> }
                    })
                    .collect_view();
                let heading = match &compare {
                    Some(r) => format!("Organisation skills, everyone against {}", r.name),
                    None => "Organisation skills against each person's role".to_string(),
                };
                let breakdown = if learners.len() < min {
                    ().into_any()
                } else {
                    // Each skill row is itself a group: ones below the minimum size count toward
                    // no total, so no total narrows down to fewer people.
                    let shown: Vec<_> = whole.rollup.iter().filter(|r| r.people >= min).cloned().collect();
                    view! {
                        <h2>"By factor, challenge and mitigation of the AI divide"</h2>
                        <p>"A skill that addresses several challenges, or opens several mitigations, counts toward each of them."</p>
                        {breakdown_table(exposure_breakdown(&lib, &shown))}
                    }
                    .into_any()
                };
                let trend = if learners.len() < min {
                    ().into_any()
                } else {
                    let skills: Vec<String> = whole.rollup.iter().map(|r| r.skill.0.clone()).collect();
                    trend_chart(&lib, "org-trend", "All learners", &history, &skills, min)
                };
                view! {
                    <h1>{heading}</h1>
                    <form method="get" class="filters">
                        <div class="field">
                            <label for="role">"Compare with"</label>
                            <select id="role" name="role">
                                <option value="" selected=compare.is_none()>"Each person's assigned role"</option>
                                {role_options}
                            </select>
                        </div>
                        <div class="field actions"><button type="submit" class="button">"Show"</button></div>
                    </form>
                    <p>{format!("Groups of fewer than {min} people are hidden, so no individual can be singled out. Estimates here are kept up to date as evidence arrives and refreshed daily as it ages.")}</p>
                    <p><a href="/org/scarcity">"Scarcity weights and your organisation's overrides"</a></p>
                    {(without_role > 0 && compare.is_none()).then(|| view! {
                        <p class="notice">{format!("{without_role} learner(s) have no target role, neither their own nor their team's, and count toward no gap.")}</p>
                    })}
                    <h2>"All learners"</h2>
                    {overall}
                    {breakdown}
                    <h2>"Trend"</h2>
                    {trend}
                    <h2>"By team"</h2>
                    <table class="data" data-testid="team-exposure">
                        <thead><tr><th scope="col">"Team"</th><th scope="col">"People below a target"</th><th scope="col">"Exposure"</th><th scope="col">"Largest gap in"</th></tr></thead>
                        <tbody>{per_team}</tbody>
                    </table>
                }
                    .into_any()
            })}
        </Suspense>
    })
}
