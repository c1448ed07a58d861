//! The server's infrastructure: configuration, shared state, sessions, the request pipeline
//! (extractors, refusals, form parsing, page context, tracing), the estimate maintenance job and
//! the router. Server only.
//!
//! The handlers themselves live with their features (`features::<f>::actions`); only
//! `router`, the composition root, imports `features` (and `app`).
//!
//! May use: domain, error, store, courseware. Not `features` or `ui` (except `router`).

pub mod auth;
pub mod config;
pub mod ctx;
pub mod estimates;
pub mod extract;
pub mod forms;
pub mod refusal;
pub mod router;
pub mod security;
pub mod state;
pub mod trace;
