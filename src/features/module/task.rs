//! The module page's practical task: its brief and rubric for everyone; for a signed-in learner,
//! the form to submit their work (text or a link, `actions::submit_task`) and where their
//! submissions stand (waiting for a score, or scored with each criterion's score).
//!
//! May use: domain, server (ctx, state), ui.

use crate::domain::catalogue::{Library, Module};
use crate::domain::task::{Submission, SubmissionStatus, Task, MAX_POINTS};
use crate::error::ErrorCode;
use crate::server::ctx;
use crate::server::state::AppState;
use leptos::prelude::*;

/// The task section of `m` (nothing when it has none).
pub fn task_section(lib: &Library, m: &Module) -> Option<AnyView> {
    let task = m.task.clone()?;
    let skill_name = lib
        .skill(task.skill.as_str())
        .map(|k| k.name.clone())
        .unwrap_or_else(|| task.skill.0.clone());
    let level = u8::from(task.level);
    let criteria = task
        .criteria
        .iter()
        .map(|c| view! { <li inner_html=c.html.clone()></li> })
        .collect_view();
    let signed_in = ctx::state().ok().zip(ctx::viewer());
    let error = ctx::query("error")
        .filter(|e| e.starts_with("task-"))
        .map(|e| ErrorCode::message_for(&e));
    let submitted = ctx::query("submitted").is_some();
    let slug = m.slug.clone();
    let sign_in = format!("/login?next=/modules/{slug}%23task");
    let mine = signed_in.map(|(state, v)| {
        let task = task.clone();
        let module = m.id.0.clone();
        view! {
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {Suspend::new({
                    let (task, module, slug) = (task.clone(), module.clone(), slug.clone());
                    let state: AppState = state.clone();
                    async move {
                        let loaded = ctx::load(
                            state.store.user_submissions(v.org, v.user),
                            "Your submissions could not be loaded.",
                        )
                        .await;
                        ctx::page(loaded.map(|all| {
                            let mine: Vec<Submission> = all
                                .into_iter()
                                .filter(|s| s.module == module && s.task == task.id)
                                .collect();
                            submissions_view(&task, &slug, mine)
                        }))
                    }
                })}
            </Suspense>
        }
    });
    Some(
        view! {
            <section class="task-section" id="task" aria-labelledby="task-title">
                <h2 id="task-title">{format!("Practical task: {}", task.title)}</h2>
                <p class="task-level">
                    {format!("Evidence of {skill_name} at level {level}. ")}
                    "Quizzes alone show a skill up to level 2; a scored task is what shows more."
                </p>
                <div class="prose" inner_html=task.brief_html.clone()></div>
                <h3 id="task-rubric">"Rubric"</h3>
                <p>
                    {format!("A manager of your team, or an admin, scores each criterion 0 (not met), 1 (partly met) or {MAX_POINTS} (met). ")}
                    "The task is passed when no criterion is at 0 and the total is at least two thirds of the maximum."
                </p>
                <ol class="rubric" data-testid="rubric">{criteria}</ol>
                {error.map(|e| view! { <p class="alert" role="alert">{e}</p> })}
                {submitted.then(|| view! { <p class="notice" role="status">"Submitted: your work is waiting for a score."</p> })}
                {match mine {
                    Some(mine) => mine.into_any(),
                    None => view! { <p><a href=sign_in>"Sign in"</a> " to submit your work."</p> }.into_any(),
                }}
            </section>
        }
        .into_any(),
    )
}

/// The learner's submissions of `task` (newest first) and, unless one is waiting, the form.
fn submissions_view(task: &Task, slug: &str, mine: Vec<Submission>) -> AnyView {
    let waiting = mine.iter().any(|s| s.status == SubmissionStatus::Waiting);
    let rows = mine.iter().map(|s| submission_row(task, s)).collect_view();
    let has_any = !mine.is_empty();
    view! {
        {has_any.then(|| view! {
            <h3 id="task-status">"Your submissions"</h3>
            <ul class="plain" data-testid="task-submissions">{rows}</ul>
        })}
        {if waiting {
            view! { <p>"You can submit again once your submission is scored."</p> }.into_any()
        } else {
            view! {
                <form method="post" action=format!("/modules/{slug}/task") class="task-form">
                    <label for="task-body">"Your work: the text, or a link to it"</label>
                    <textarea id="task-body" name="body" rows="10" required maxlength="20000"></textarea>
                    <button type="submit" class="button">"Submit for scoring"</button>
                </form>
            }
            .into_any()
        }}
    }
    .into_any()
}

fn submission_row(task: &Task, s: &Submission) -> impl IntoView {
    let when = crate::ui::format_time(s.submitted_at);
    let status = match (s.status, s.passed) {
        (SubmissionStatus::Waiting, _) => "Waiting for a score".to_string(),
        (SubmissionStatus::Scored, Some(true)) => "Scored: passed".to_string(),
        (SubmissionStatus::Scored, _) => "Scored: not passed yet".to_string(),
    };
    let scores = (s.status == SubmissionStatus::Scored).then(|| {
        let total: u32 = s.scores.iter().map(|x| u32::from(*x)).sum();
        let items = task
            .criteria
            .iter()
            .zip(&s.scores)
            .map(|(c, x)| {
                view! { <li><span inner_html=c.html.clone()></span> ": " {format!("{x} of {MAX_POINTS}")}</li> }
            })
            .collect_view();
        view! {
            <p>{format!("Total {total} of {}", task.max_total())}</p>
            <ul>{items}</ul>
        }
    });
    view! {
        <li class="task-submission" data-status=s.status.as_str()>
            <strong>{status}</strong>
            {format!(" (submitted {when} UTC)")}
            {scores}
        </li>
    }
}
