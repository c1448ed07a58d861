//! A team's skills for its manager: the heatmap (people × skills against a role's targets), the
//! roll-up per skill with talent-shortage exposure, and the training plan that closes the gaps
//! with the fewest learning hours. Readable without colour: every cell is text.

use super::data::{self, TeamMatrix};
use crate::domain::catalogue::Library;
use crate::domain::gaps::team_plan;
use crate::domain::matrix::exposure_breakdown;
use crate::domain::matrix::Snapshot;
use crate::domain::people::TeamId;
use crate::server::auth::Viewer;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::server::state::AppState;
use crate::ui::chart::trend_chart;
use crate::ui::tables::breakdown_table;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamSkillsPage() -> impl IntoView {
    ctx::page(team_skills())
}

fn team_skills() -> Result<impl IntoView, Refusal> {
    let (state, v, team) = (ctx::state()?, ctx::signed_in()?, ctx::team_param()?);
    let role = ctx::choice("role");
    let sort = ctx::query("sort").is_some_and(|s| s == "gap");
    Ok(view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move { ctx::page(load_and_render(state, v, team, role, sort).await) })}
        </Suspense>
    })
}

async fn load_and_render(
    state: AppState,
    v: Viewer,
    team: TeamId,
    role: Option<String>,
    sort: bool,
) -> Result<impl IntoView, Refusal> {
    let access = ctx::team_access(&state, v, team).await?;
    let since = (chrono::Utc::now() - chrono::Duration::weeks(13)).date_naive();
    let (m, history) = ctx::load(
        data::team_skills(&state, &access, role.as_deref(), sort, since),
        "The team's skills could not be loaded.",
    )
    .await?;
    let min_group = usize::try_from(state.config.min_group_size).unwrap_or(5);
    Ok(render(
        &state.library.current(),
        access.team.id,
        m,
        history,
        sort,
        min_group,
    ))
}

fn render(
    lib: &Library,
    team: TeamId,
    tm: TeamMatrix,
    history: Vec<Snapshot>,
    sort: bool,
    min_group: usize,
) -> impl IntoView {
    let TeamMatrix {
        name,
        compare,
        matrix,
        weights: w,
    } = tm;
    let skill_name = |id: &str| {
        lib.skill(id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let role_options = lib
        .roles()
        .iter()
        .map(|r| {
            let selected = compare.as_ref().is_some_and(|c| c.id == r.id);
            view! { <option value=r.id.0.clone() selected=selected>{format!("Everyone against {}", r.name)}</option> }
        })
        .collect_view();
    let role_query = compare
        .as_ref()
        .map(|r| format!("?role={}", r.id))
        .unwrap_or_default();
    let role_name = |id: Option<&str>| {
        id.and_then(|id| lib.roles().iter().find(|r| r.id.as_str() == id))
            .map(|r| r.name.clone())
            .unwrap_or_else(|| "no role".to_string())
    };
    let head = matrix
        .skills
        .iter()
        .map(|s| view! { <th scope="col"><a href=format!("/skills/{s}")>{skill_name(s.as_str())}</a></th> })
        .collect_view();
    let rows = matrix
        .rows
        .iter()
        .map(|r| {
            let cells = r
                .cells
                .iter()
                .map(|c| {
                    let class = match c.gap.map(|g| g.size()) {
                        None => "cell",
                        Some(g) if c.estimate.is_none() && g > 0.0 => "cell unmeasured",
                        Some(_) if c.estimate.is_none() => "cell",
                        Some(g) if g <= 0.0 => "cell met",
                        Some(g) if g < 1.0 => "cell near",
                        Some(_) => "cell far",
                    };
                    // What the number alone would hide, in words: a level capped at 2 (quiz
                    // evidence only), or above the hardest question tested.
                    let caveats = c.estimate.map(|e| e.caveats()).unwrap_or_default();
                    let caveats = (!caveats.is_empty()).then(|| view! {
                        <br /><small class="caveat">{caveats.join("; ")}</small>
                    });
                    view! { <td class=class>{c.text()}{caveats}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("/teams/{team}/people/{}{role_query}", r.user)>{r.name.clone()}</a>
                        <br /><small>{role_name(r.role.as_deref())}</small>
                    </th>
                    {cells}
                    <td>{format!("{:.1}", r.total_gap)}</td>
                </tr>
            }
        })
        .collect_view();
    let total_exposure: f64 = matrix.rollup.iter().fold(0.0, |acc, r| acc + r.exposure);
    let max_exposure = matrix
        .rollup
        .iter()
        .map(|r| r.exposure)
        .fold(0.0, f64::max)
        .max(1e-9);
    let rollup = matrix
        .rollup
        .iter()
        .map(|r| {
            let width = (r.exposure / max_exposure * 100.0).round();
            view! {
                <tr>
                    <th scope="row">{skill_name(r.skill.as_str())}</th>
                    <td>{format!("{} of {}", r.below_target, r.people)}</td>
                    <td>{r.unmeasured}</td>
                    <td>{format!("{:.2}", r.mean_gap)}</td>
                    <td>
                        <svg class="bar" width="120" height="14" role="img" aria-label=format!("exposure {:.2}", r.exposure)>
                            <rect width=format!("{width}%") height="14"></rect>
                        </svg>
                        {format!(" {:.2}", r.exposure)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let (mut plan, untaught) = team_plan(lib, &w, &matrix.gaps());
    // Shown in learning order, so prerequisites come before the modules that need them.
    let position = |id: &crate::domain::ids::ModuleId| {
        lib.modules()
            .iter()
            .position(|m| &m.id == id)
            .unwrap_or(usize::MAX)
    };
    plan.sort_by_key(|s| position(&s.module));
    let breakdown = exposure_breakdown(lib, &matrix.rollup);
    let plan_hours: f64 = plan.iter().fold(0.0, |acc, s| acc + s.hours);
    let plan_removed: f64 = plan.iter().fold(0.0, |acc, s| acc + s.exposure_removed);
    let plan_items = plan
        .iter()
        .map(|s| {
            let m = lib.module(s.module.as_str());
            let (slug, title) = m.map(|m| (m.slug.clone(), m.title.clone())).unwrap_or_default();
            let who: Vec<String> = s.people.iter().filter_map(|&i| matrix.rows.get(i).map(|r| r.name.clone())).collect();
            view! {
                <li>
                    <a href=format!("/modules/{slug}")>{title}</a>
                    {format!(" — {} ({:.1} h in all), removes {:.2} exposure", who.join(", "), s.hours, s.exposure_removed)}
                </li>
            }
        })
        .collect_view();
    let untaught_text = untaught
        .iter()
        .map(|s| skill_name(s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let csv = format!("/teams/{team}/skills.csv{role_query}");
    let gaps_csv = format!("/teams/{team}/gaps.csv{role_query}");
    let overridden: Vec<String> = matrix
        .skills
        .iter()
        .filter(|s| w.is_override(s))
        .map(|s| skill_name(s.as_str()))
        .collect();
    let heading = match &compare {
        Some(r) => format!("{name}: skills, everyone against {}", r.name),
        None => format!("{name}: skills against each person's role"),
    };
    let trend_skills: Vec<String> = matrix.rollup.iter().map(|r| r.skill.0.clone()).collect();
    let trend = trend_chart(lib, "team-trend", &name, &history, &trend_skills, min_group);
    view! {
        <Title text=format!("{name}: skills") />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href=format!("/teams/{team}")>{name.clone()}</a> " / skills"</nav>
        <h1>{heading}</h1>
        <form method="get" class="filters">
            <div class="field">
                <label for="role">"Compare with"</label>
                <select id="role" name="role">
                    <option value="" selected=compare.is_none()>"Each person's assigned role"</option>
                    {role_options}
                </select>
            </div>
            <div class="field">
                <label for="sort">"Order people"</label>
                <select id="sort" name="sort">
                    <option value="name" selected=!sort>"By name"</option>
                    <option value="gap" selected=sort>"Largest gap first"</option>
                </select>
            </div>
            <div class="field actions"><button type="submit" class="button">"Show"</button></div>
        </form>
        <p>
            <a href=csv data-testid="csv">"Download the skill matrix (CSV)"</a>
            " · "
            <a href=gaps_csv data-testid="gaps-csv">"Download the gap report (CSV)"</a>
        </p>
        {matrix.rows.iter().all(|r| r.role.is_none()).then(|| view! {
            <p class="notice">"No one in this team has a target role yet. An organisation admin sets a role per person or a target role for the team; until then, compare everyone with a role above."</p>
        })}
        <p class="hint">"Each cell: estimate / target, then ✓ (met), ▲ gap in levels, or ? (no evidence yet); \"no target\" where the person's role sets none. \"Capped at 2\": quizzes alone show a skill up to level 2, so the level may be higher once a practical task is scored. \"Above the hardest tested\": no question or task has tested the person that high yet."</p>
        <div class="table-scroll" tabindex="0">
            <table class="data heatmap" data-testid="heatmap">
                <caption>"People × skills: estimated level against the role's target"</caption>
                <thead><tr><th scope="col">"Person"</th>{head}<th scope="col">"Total gap"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2>"Talent-shortage exposure"</h2>
        <p>{format!("Total exposure {total_exposure:.2}: each gap weighted by how scarce the skill is to hire (weights from the skills taxonomy, where editorial estimates are labelled as such).")}</p>
        {(!overridden.is_empty()).then(|| view! {
            <p class="notice">{format!("Your organisation set its own scarcity weight for {}.", overridden.join(", "))} " " <a href="/org/scarcity">"Scarcity weights"</a></p>
        })}
        <table class="data" data-testid="rollup">
            <thead><tr><th scope="col">"Skill"</th><th scope="col">"Below target"</th><th scope="col">"Unmeasured"</th><th scope="col">"Mean gap"</th><th scope="col">"Exposure"</th></tr></thead>
            <tbody>{rollup}</tbody>
        </table>
        <h2>"Trend"</h2>
        {trend}
        <h2>"By factor, challenge and mitigation of the AI divide"</h2>
        <p>"A skill that addresses several challenges, or opens several mitigations, counts toward each of them."</p>
        {breakdown_table(breakdown)}
        <h2>"Training plan"</h2>
        {if plan.is_empty() {
            view! { <p>"No module closes a gap of this team against this role."</p> }.into_any()
        } else {
            view! {
                <p>{format!("{:.1} learning hours in all remove {:.2} of the {:.2} exposure.", plan_hours, plan_removed, total_exposure)}</p>
                <ol data-testid="plan">{plan_items}</ol>
            }.into_any()
        }}
        {(!untaught.is_empty()).then(|| view! {
            <p class="notice">{format!("No module teaches {untaught_text} to the target: hire for it or partner with someone who has it.")}</p>
        })}
    }
}
