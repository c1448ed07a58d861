//! The server: configuration, shared state, the router and its HTTP handlers and guards.
//! Server only.

pub mod account;
pub mod admin;
pub mod auth;
pub mod config;
pub mod estimates;
pub mod export;
pub mod forms;
pub mod handlers;
pub mod progress;
pub mod router;
pub mod security;
pub mod seed;
pub mod skills;
pub mod state;
