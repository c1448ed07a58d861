//! Levelfield: a self-hosted AI-skills platform.
//!
//! - `domain`: the pure core (catalogue types, levels, quiz grading).
//! - `features`: one folder per user-facing feature (views, server functions, islands).
//! - `courseware` (server): loading, validating and rendering `content/`.
//! - `store` (server): the database behind one trait.
//! - `server` (server): configuration, state, router, handlers.
//! - `app`, `ui` (server): the HTML shell, the route table, shared page parts.
//!
//! In the browser only the islands (see `features::quiz`) run; everything else is rendered on
//! the server.
#![recursion_limit = "256"]

pub mod domain;
pub mod error;
pub mod features;

#[cfg(feature = "ssr")]
pub mod app;
#[cfg(feature = "ssr")]
pub mod courseware;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod ui;

/// The browser entry point: hydrate the islands.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
