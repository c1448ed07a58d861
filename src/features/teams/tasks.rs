//! Scoring practical tasks: `/teams/:team/tasks` lists the team's members' submissions waiting
//! for a score, each with its brief's rubric as a plain form (0, 1 or 2 per criterion), and the
//! ones already scored. Only a manager of the team or an admin of its organisation reaches it
//! (`TeamAccess`); nobody scores their own work. The form posts to `actions::score_task`.
//!
//! May use: domain, server (ctx, extract, refusal, state, forms), ui.

use crate::domain::catalogue::Library;
use crate::domain::people::{TeamId, UserId};
use crate::domain::task::{Submission, SubmissionStatus, Task, MAX_POINTS};
use crate::error::ErrorCode;
use crate::server::auth::Viewer;
use crate::server::ctx;
use crate::server::extract::TeamAccess;
use crate::server::refusal::Refusal;
use crate::server::state::AppState;
use crate::store::StoreError;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;

#[component]
pub fn TeamTasksPage() -> impl IntoView {
    ctx::page(team_tasks())
}

fn team_tasks() -> Result<impl IntoView, Refusal> {
    let (state, v, team) = (ctx::state()?, ctx::signed_in()?, ctx::team_param()?);
    let error = ctx::query("error").map(|e| ErrorCode::message_for(&e));
    let scored = ctx::query("scored").is_some();
    Ok(view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move { ctx::page(tasks_view(state, v, team, error, scored).await) })}
        </Suspense>
    })
}

/// The team's members' submissions, and their names by id.
async fn team_submissions(
    state: &AppState,
    access: &TeamAccess,
) -> Result<(Vec<Submission>, HashMap<UserId, String>), StoreError> {
    let org = access.viewer.org;
    let names = state
        .store
        .members(org)
        .await?
        .into_iter()
        .map(|m| (m.user, m.name))
        .collect();
    let subs = state.store.team_submissions(org, access.team.id).await?;
    Ok((subs, names))
}

async fn tasks_view(
    state: AppState,
    v: Viewer,
    team: TeamId,
    error: Option<&'static str>,
    scored: bool,
) -> Result<impl IntoView, Refusal> {
    let access = ctx::team_access(&state, v, team).await?;
    let (subs, names) = ctx::load(
        team_submissions(&state, &access),
        "The team's practical tasks could not be loaded.",
    )
    .await?;
    let lib = state.library.current();
    let me = access.viewer.user;
    let name = |u: UserId| names.get(&u).cloned().unwrap_or_else(|| format!("#{u}"));
    let (waiting, done): (Vec<Submission>, Vec<Submission>) = subs
        .into_iter()
        .partition(|s| s.status == SubmissionStatus::Waiting);
    let has_waiting = !waiting.is_empty();
    let waiting = waiting
        .into_iter()
        .map(|s| waiting_view(&lib, team, me, &name(s.user), s))
        .collect_view();
    let done = done
        .into_iter()
        .map(|s| {
            let (title, _) = titles(&lib, &s);
            let outcome = if s.passed == Some(true) {
                "passed"
            } else {
                "not passed"
            };
            let total: u32 = s.scores.iter().map(|x| u32::from(*x)).sum();
            let max = s.scores.len() as u32 * u32::from(MAX_POINTS);
            view! {
                <tr>
                    <td>{name(s.user)}</td>
                    <td>{title}</td>
                    <td>{format!("{total} of {max}, {outcome}")}</td>
                    <td>{s.scored_by.map(name).unwrap_or_default()}</td>
                    <td>{s.scored_at.map(crate::ui::format_time).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let team_name = access.team.name.clone();
    Ok(view! {
        <Title text=format!("Practical tasks · {team_name}") />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href=format!("/teams/{team}")>{team_name.clone()}</a> " / Practical tasks"</nav>
        <h1>{format!("Practical tasks of {team_name}")}</h1>
        <p>"Score each criterion 0 (not met), 1 (partly met) or 2 (met). A task passes when no criterion is at 0 and the total is at least two thirds of the maximum; a scored task is evidence of the skill at the task's level."</p>
        {error.map(|e| view! { <p class="alert" role="alert">{e}</p> })}
        {scored.then(|| view! { <p class="notice" role="status">"Scored: the learner's estimate will include it."</p> })}
        <section id="waiting" aria-labelledby="waiting-title">
            <h2 id="waiting-title">"Waiting for a score"</h2>
            {if has_waiting {
                view! { <div data-testid="waiting-tasks">{waiting}</div> }.into_any()
            } else {
                view! { <p>"Nothing is waiting for a score."</p> }.into_any()
            }}
        </section>
        <section id="scored" aria-labelledby="scored-title">
            <h2 id="scored-title">"Scored"</h2>
            <table class="data" data-testid="scored-tasks">
                <thead><tr><th scope="col">"Person"</th><th scope="col">"Task"</th><th scope="col">"Score"</th><th scope="col">"Scored by"</th><th scope="col">"When (UTC)"</th></tr></thead>
                <tbody>{done}</tbody>
            </table>
        </section>
    })
}

/// The task's title (with its module's) and definition, if the content still has it.
fn titles<'a>(lib: &'a Library, s: &Submission) -> (String, Option<&'a Task>) {
    match lib.module(&s.module) {
        Some(m) => {
            let task = m.task.as_ref().filter(|t| t.id == s.task);
            let title = task
                .map(|t| t.title.clone())
                .unwrap_or_else(|| s.task.clone());
            (format!("{title} ({})", m.title), task)
        }
        None => (s.task.clone(), None),
    }
}

/// Whether a submission's text is a link to open rather than text to read.
fn is_link(body: &str) -> bool {
    (body.starts_with("https://") || body.starts_with("http://"))
        && !body.chars().any(char::is_whitespace)
}

fn waiting_view(lib: &Library, team: TeamId, me: UserId, who: &str, s: Submission) -> AnyView {
    let (title, task) = titles(lib, &s);
    let when = crate::ui::format_time(s.submitted_at);
    let work = if is_link(&s.body) {
        view! { <p><a href=s.body.clone() rel="noopener noreferrer nofollow">{s.body.clone()}</a></p> }.into_any()
    } else {
        view! { <blockquote class="task-work">{s.body.clone()}</blockquote> }.into_any()
    };
    let form = match task {
        _ if s.user == me => view! { <p>"Your own work: someone else scores it."</p> }.into_any(),
        None => view! { <p>"This task is no longer in the content, so it cannot be scored."</p> }
            .into_any(),
        Some(task) => {
            let criteria = task
                .criteria
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let name = format!("c{i}");
                    let options = (0..=MAX_POINTS)
                        .map(|p| {
                            let id = format!("s{}-c{i}-{p}", s.id);
                            let label = match p {
                                0 => "0 not met",
                                1 => "1 partly met",
                                _ => "2 met",
                            };
                            view! {
                                <input type="radio" id=id.clone() name=name.clone() value=p.to_string() required=true />
                                <label for=id>{label}</label>
                                " "
                            }
                        })
                        .collect_view();
                    view! {
                        <fieldset>
                            <legend inner_html=c.html.clone()></legend>
                            {options}
                        </fieldset>
                    }
                })
                .collect_view();
            view! {
                <form method="post" action=format!("/teams/{team}/tasks/{}", s.id) class="rubric-form">
                    {criteria}
                    <button type="submit" class="button">"Save the score"</button>
                </form>
            }
            .into_any()
        }
    };
    view! {
        <article class="task-submission" id=format!("submission-{}", s.id) data-submission=s.id.to_string()>
            <h3>{format!("{who}: {title}")}</h3>
            <p>{format!("Submitted {when} UTC")}</p>
            {work}
            {form}
        </article>
    }
    .into_any()
}
