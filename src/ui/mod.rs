//! Shared page parts: header, footer, not-found, small widgets (level badges, charts, tables,
//! a person's skills view) and the form-error alert. Server only.
//!
//! May use: domain, error, store records, leptos. Widgets take what they show as arguments (the
//! library included); nothing here reads the request or imports `server` or `features`.

pub mod chart;
pub mod skills_view;
pub mod tables;

use crate::domain::catalogue::Library;
use crate::domain::level::Level;
use crate::error::ErrorCode;
use leptos::prelude::*;
use leptos_meta::Title;
use std::sync::Arc;

/// What the header shows of the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub admin: bool,
    /// Whether they may see item statistics (an admin or an author).
    pub author: bool,
    /// Whether they manage any team.
    pub manager: bool,
}

/// The sentence for `?error=<code>` on a page, if any, as an alert. On pages with a form per
/// skill (given the `library`), prefixed with the skill's name when `?skill=<id>` names the
/// field it is about (only known skills: no text from the URL reaches the page).
#[component]
pub fn FormError(#[prop(optional)] library: Option<Arc<Library>>) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let field = query
        .get("skill")
        .zip(library)
        .and_then(|(id, lib)| lib.skill(&id).map(|s| format!("{}: ", s.name)))
        .unwrap_or_default();
    query.get("error").map(|c| {
        view! { <p class="error" role="alert">{field}{ErrorCode::message_for(&c)}</p> }
    })
}

/// A time as pages show it: `2030-06-01 09:00` (UTC, to the minute).
pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Marks the response as 404.
pub fn set_not_found() {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

/// The site's header: the main links, and the signed-in person's (`None`: a sign-in link).
#[component]
pub fn SiteHeader(account: Option<Account>) -> impl IntoView {
    let account = match account {
        Some(a) => {
            let (admin, manages, author) = (a.admin, a.manager, a.author);
            view! {
                <li><a href="/me">"My learning"</a></li>
                {manages.then(|| view! { <li><a href="/teams">"My teams"</a></li> })}
                {author.then(|| view! { <li><a href="/author/items">"Item statistics"</a></li> })}
                {admin.then(|| view! { <li><a href="/admin">"Organisation"</a></li> })}
                <li><a href="/account" title="Your account">{a.name}</a></li>
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
                    <li><a href="/glossary">"Glossary"</a></li>
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
