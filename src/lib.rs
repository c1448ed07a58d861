//! Levelfield: a self-hosted AI-skills platform.
//!
//! - `domain`: the pure core (catalogue types, levels, quiz grading, matrices and gaps).
//! - `error`: the errors a person may see (`AppError`, `ErrorCode`), shared with the browser.
//! - `features`: one folder per user-facing feature (pages, form handlers, data loading,
//!   islands).
//! - `courseware` (server): loading, validating and rendering `content/`.
//! - `store` (server): the database behind one trait.
//! - `server` (server): configuration, state, sessions, the request pipeline.
//! - `router` (server): builds the state and the axum router; a composition root, like `app`.
//! - `ui` (server): shared page parts and widgets.
//! - `app` (server): the HTML shell and the route table.
//! - `cli` (server): the demo and synthetic-data generators behind the binary's commands.
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
pub mod cli;
#[cfg(feature = "ssr")]
pub mod courseware;
#[cfg(feature = "ssr")]
pub mod router;
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
