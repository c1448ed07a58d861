//! Shared page parts: header, footer, not-found, small widgets, and access to the library from a
//! page. Server only.

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

/// Marks the response as 404.
pub fn set_not_found() {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Levelfield"</a>
            <nav aria-label="Main">
                <ul>
                    <li><a href="/">"Modules"</a></li>
                    <li><a href="/skills">"Skills"</a></li>
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
