//! The request context as a page sees it: the state, the content library, the signed-in person,
//! the checks of `server::extract` for pages, and loading data so that a failure is logged and
//! shown, never swallowed. Every accessor returns a `Result` whose error is a [`Refusal`]; a
//! page renders it with [`page`] (or [`Refusal::view`]).
//!
//! A page component is typically a thin wrapper over a function returning
//! `Result<impl IntoView, Refusal>`, so `?` reads as "or show why not":
//!
//! ```ignore
//! #[component]
//! pub fn AdminPage() -> impl IntoView {
//!     ctx::page(admin_page())
//! }
//! fn admin_page() -> Result<impl IntoView, Refusal> {
//!     let (state, v) = (ctx::state()?, ctx::admin()?);
//!     …
//! }
//! ```
//!
//! May use: state, auth, extract, refusal, leptos. Nothing of `features` or `ui`.

use super::auth::Viewer;
use super::extract::{self, TeamAccess};
use super::refusal::{OrBack, Refusal};
use super::state::AppState;
use crate::domain::catalogue::Library;
use crate::domain::people::TeamId;
use axum::http::request::Parts;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::future::Future;
use std::sync::Arc;

/// The page, or the view of why not.
pub fn page<V: IntoView + 'static>(result: Result<V, Refusal>) -> AnyView {
    match result {
        Ok(v) => v.into_any(),
        Err(refusal) => refusal.view(),
    }
}

/// The application state (always there while a page renders; its absence is logged).
pub fn state() -> Result<AppState, Refusal> {
    use_context::<AppState>().ok_or_else(missing_context)
}

/// The content library as it is now.
pub fn library() -> Result<Arc<Library>, Refusal> {
    state().map(|s| s.library.current())
}

/// The signed-in person of this request, if any.
pub fn viewer() -> Option<Viewer> {
    use_context::<Parts>().and_then(|p| extract::viewer(&p))
}

/// The signed-in person, or a login redirect coming back to this page.
pub fn signed_in() -> Result<Viewer, Refusal> {
    let parts = use_context::<Parts>().ok_or_else(missing_context)?;
    extract::signed_in(&parts)
}

/// A signed-in admin, or a login redirect or 403.
pub fn admin() -> Result<Viewer, Refusal> {
    let parts = use_context::<Parts>().ok_or_else(missing_context)?;
    extract::admin(&parts)
}

/// A signed-in admin or a manager of some team, or a login redirect or 403.
pub fn overseer() -> Result<Viewer, Refusal> {
    let parts = use_context::<Parts>().ok_or_else(missing_context)?;
    extract::overseer(&parts)
}

/// A signed-in admin or author, or a login redirect or 403.
pub fn author() -> Result<Viewer, Refusal> {
    let parts = use_context::<Parts>().ok_or_else(missing_context)?;
    extract::author(&parts)
}

/// The team of the route's `:team` (404 if it is not a team id).
pub fn team_param() -> Result<TeamId, Refusal> {
    param("team")
        .and_then(|t| t.parse().ok())
        .map(TeamId)
        .ok_or(Refusal::NotFound("Team not found"))
}

/// `team` if the viewer may see it: 403 if not, 404 if their organisation has no such team.
pub async fn team_access(
    state: &AppState,
    viewer: Viewer,
    team: TeamId,
) -> Result<TeamAccess, Refusal> {
    extract::team_access(state, viewer, team).await
}

/// Awaits a data load; a failure is logged once, with its causes, and shown as `message` (a
/// 500 with an alert).
pub async fn load<T, E>(
    load: impl Future<Output = Result<T, E>>,
    message: &'static str,
) -> Result<T, Refusal>
where
    E: super::refusal::Coded,
{
    load.await.or_fail(message)
}

/// A route parameter (`:name`).
pub fn param(name: &str) -> Option<String> {
    use_params_map().get_untracked().get(name)
}

/// A query parameter, as sent (possibly empty).
pub fn query(key: &str) -> Option<String> {
    use_query_map().get_untracked().get(key)
}

/// A query parameter that chooses something (`?role=`): `None` when absent or empty.
pub fn choice(key: &str) -> Option<String> {
    query(key).filter(|v| !v.is_empty())
}

fn missing_context() -> Refusal {
    tracing::error!("a page rendered without the request context");
    Refusal::Failed("Something went wrong on our side. Please try again.")
}
