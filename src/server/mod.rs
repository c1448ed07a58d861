//! The server: configuration, shared state, the router and its HTTP handlers and guards.
//! Server only.

pub mod config;
pub mod handlers;
pub mod router;
pub mod security;
pub mod state;
