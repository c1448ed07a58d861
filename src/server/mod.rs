//! The server's infrastructure: configuration, shared state, sessions, the security audit log,
//! the request pipeline (extractors, refusals, form parsing, page context, tracing) and the
//! estimate maintenance job (with the purging of old sessions and failed logins). Server only.
//!
//! The handlers themselves live with their features (`features::<f>::actions`); the router
//! that wires them up is a composition root of its own, `crate::router`.
//!
//! May use: domain, error, store, courseware. Never `features`, `ui`, `app` or `cli`.

pub mod audit;
pub mod audit_hook;
pub mod auth;
pub mod config;
pub mod ctx;
pub mod estimates;
pub mod extract;
pub mod forms;
pub mod refusal;
pub mod security;
pub mod sso;
pub mod state;
pub mod throttle;
pub mod trace;
