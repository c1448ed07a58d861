//! "Who can see my learning": the people in the learner's organisation who may see their
//! records, by name, and how organisation-wide views protect them.

use crate::domain::people::MemberRole;
use crate::server::state::AppState;
use crate::ui::{redirect_to_login, viewer};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let Some(v) = viewer() else {
        redirect_to_login("/me/privacy");
        return ().into_any();
    };
    let state = use_context::<AppState>();
    view! {
        <Title text="Who can see my learning" />
        <h1>"Who can see my learning"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let Some(state) = state else { return ().into_any() };
                let (members, teams) = match (state.store.members(v.org).await, state.store.teams(v.org).await) {
                    (Ok(m), Ok(t)) => (m, t),
                    (Err(e), _) | (_, Err(e)) => {
                        let _ = crate::error::AppError::internal(&e);
                        return view! { <p class="error" role="alert">"This could not be loaded."</p> }.into_any();
                    }
                };
                let admins: Vec<String> = members.iter().filter(|m| m.has(MemberRole::Admin) && m.user != v.user).map(|m| m.name.clone()).collect();
                let managers: Vec<(String, String)> = teams
                    .iter()
                    .filter(|t| v.teams.contains(&t.id))
                    .flat_map(|t| {
                        members
                            .iter()
                            .filter(|m| m.has(MemberRole::Manager) && m.manages.contains(&t.id) && m.user != v.user)
                            .map(|m| (m.name.clone(), t.name.clone()))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                let min = state.config.min_group_size;
                view! {
                    <p>"Your reading progress, quiz answers and skill estimates can be seen by:"</p>
                    <ul data-testid="who-can-see">
                        <li>"You."</li>
                        {managers.into_iter().map(|(name, team)| view! { <li>{format!("{name}, who manages your team {team}.")}</li> }).collect_view()}
                        {admins.into_iter().map(|name| view! { <li>{format!("{name}, an admin of your organisation.")}</li> }).collect_view()}
                    </ul>
                    <p>{format!("Nobody outside your organisation can see them. Organisation-wide views show only groups of at least {min} people, so that no one can be singled out through an average.")}</p>
                }
                    .into_any()
            })}
        </Suspense>
    }
    .into_any()
}
