//! Shared page parts: header, footer, not-found, small widgets, and access to the library from a
//! page. Server only.

pub mod chart;

use crate::domain::catalogue::Library;
use crate::domain::level::Level;
use crate::server::state::AppState;
use leptos::prelude::*;
use leptos_meta::Title;
use std::sync::Arc;

/// The content library as it is for this request.
pub fn library() -> Arc<Library> {
    use_context::<AppState>()
        .map(|s| s.library.current())
        .unwrap_or_default()
}

/// The signed-in person of this request, if any.
pub fn viewer() -> Option<crate::server::auth::Viewer> {
    use_context::<axum::http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::server::auth::Viewer>()
            .cloned()
    })
}

/// A time as pages show it: `2030-06-01 09:00` (UTC, to the minute).
pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Sends anonymous visitors to the login page (coming back to `path` after).
pub fn redirect_to_login(path: &str) {
    let next = percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC);
    // A page request is never a server-function call: always a real 302.
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(location) = axum::http::HeaderValue::from_str(&format!("/login?next={next}")) {
            res.insert_header(axum::http::header::LOCATION, location);
            res.set_status(axum::http::StatusCode::FOUND);
        }
    }
}

/// Marks the response as 403 and shows why.
#[component]
pub fn Forbidden() -> impl IntoView {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::FORBIDDEN);
    }
    view! {
        <Title text="No access" />
        <h1>"No access"</h1>
        <p>"Your account does not have access to this page."</p>
    }
}

/// The sentence for `?error=<code>` on a page, if any, as an alert; prefixed with the skill's
/// name when `?skill=<id>` names the field it is about (only known skills: no text from the URL
/// reaches the page).
#[component]
pub fn FormError() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let field = query
        .get("skill")
        .and_then(|id| library().skill(&id).map(|s| format!("{}: ", s.name)))
        .unwrap_or_default();
    query.get("error").map(|c| {
        view! { <p class="error" role="alert">{field}{crate::server::forms::error_message(&c)}</p> }
    })
}

/// Marks the response as 404.
pub fn set_not_found() {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let me = viewer();
    let account = match me {
        Some(v) => {
            let admin = v.is_admin();
            let manages = !v.manages.is_empty();
            view! {
                <li><a href="/me">"My learning"</a></li>
                {manages.then(|| view! { <li><a href="/teams">"My teams"</a></li> })}
                {admin.then(|| view! { <li><a href="/admin">"Organisation"</a></li> })}
                <li><a href="/account" title="Your account">{v.name}</a></li>
                <li>
                    <form method="post" action="/logout" class="inline">
                        <button type="submit" class="link-button">"Sign out"</button>
                    </form>
                </li>
            }
            .into_any()
        }
        None => view! { <li><a href="/login">"Sign in"</a></li> }.into_any(),
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Levelfield"</a>
            <nav aria-label="Main">
                <ul>
                    <li><a href="/">"Modules"</a></li>
                    <li><a href="/skills">"Skills"</a></li>
                    {account}
                </ul>
            </nav>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Levelfield: AI skills for every organisation. Self-hosted, open content."</p>
        </footer>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_not_found();
    view! {
        <Title text="Not found" />
        <h1>"Not found"</h1>
        <p>"There is no page at this address. " <a href="/">"Browse the modules"</a> "."</p>
    }
}

/// A level shown as text and as a small meter: readable without colour.
#[component]
pub fn LevelBadge(level: Level) -> impl IntoView {
    let v = level.value();
    view! {
        <span class="level" title=format!("Level {v} of 4: {}", level.name())>
            <span class="level-pips" aria-hidden="true">
                {(1..=4u8).map(|i| view! { <span class=if i <= v { "pip on" } else { "pip" }></span> }).collect_view()}
            </span>
            <span class="level-text">{format!("{v} · {}", level.name())}</span>
        </span>
    }
}
