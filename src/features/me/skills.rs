//! "My skills": the learner's estimated level per skill with its uncertainty and the evidence
//! behind it, their self-ratings (saved by `actions::save_ratings`), compared with a role's
//! targets, and the modules that close the largest gaps; and the page explaining how the
//! estimates are made.

use super::data;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::skills_view::{skills_view, SkillsView};
use crate::ui::FormError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use std::sync::OnceLock;

#[component]
pub fn MySkillsPage() -> impl IntoView {
    ctx::page(my_skills())
}

fn my_skills() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::signed_in()?);
    let role = ctx::choice("role");
    let lib = state.library.current();
    Ok(view! {
        <Title text="My skills" />
        <h1>"My skills"</h1>
        <FormError library=lib.clone() />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::my_skills(&state, &v), "Your skills could not be loaded.").await;
                ctx::page(loaded.map(|mine| {
                    skills_view(
                        &lib,
                        SkillsView {
                            progress: mine.progress,
                            attempts: mine.attempts,
                            tasks: mine.tasks,
                            ratings: mine.ratings,
                            weights: mine.weights,
                            role,
                            assigned: mine.assigned,
                            action: "/me/skills".into(),
                            editable: true,
                        },
                    )
                }))
            })}
        </Suspense>
    })
}

/// `docs/proficiency.md`, rendered once per process (the first time it is asked for).
#[component]
pub fn ProficiencyDocPage() -> impl IntoView {
    static HTML: OnceLock<String> = OnceLock::new();
    let html = HTML.get_or_init(|| {
        crate::courseware::render_document(include_str!("../../../docs/proficiency.md"))
    });
    view! {
        <Title text="How proficiency is estimated" />
        <Meta name="description" content="How Levelfield estimates a person's proficiency in a skill from their reading, quiz answers, practical tasks and self-ratings." />
        <div class="prose" inner_html=html.as_str()></div>
    }
}
