//! "Who can see my learning": the people in the learner's organisation who may see their
//! records, by name, and how organisation-wide views protect them.

use super::data;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    ctx::page(privacy())
}

fn privacy() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::signed_in()?);
    Ok(view! {
        <Title text="Who can see my learning" />
        <h1>"Who can see my learning"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let min = state.config.min_group_size;
                let loaded = ctx::load(data::who_can_see(&state, &v), "This could not be loaded.").await;
                ctx::page(loaded.map(|who| view! {
                    <p>"Your reading progress, quiz answers and skill estimates can be seen by:"</p>
                    <ul data-testid="who-can-see">
                        <li>"You."</li>
                        {who.managers.into_iter().map(|(name, team)| view! { <li>{format!("{name}, who manages your team {team}.")}</li> }).collect_view()}
                        {who.admins.into_iter().map(|name| view! { <li>{format!("{name}, an admin of your organisation.")}</li> }).collect_view()}
                    </ul>
                    <p>"The same people see your AI-literacy record: the level your role needs, your evidence for it and whether it is current."</p>
                    <p>{format!("Nobody outside your organisation can see them. Organisation-wide views show only groups of at least {min} people, so that no one can be singled out through an average.")}</p>
                }))
            })}
        </Suspense>
    })
}
