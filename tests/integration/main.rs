//! The one integration-test binary: courseware over fixture trees, the store on a real SQLite
//! database, the whole app through the real router, and the layering rules over `src/`.

// Test code may unwrap: a panic is a failed test. (clippy.toml allows it inside `#[cfg(test)]`
// and `#[test]` only; this binary's helpers are test code too.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod audit;
mod check;
mod common;
mod courseware;
mod curriculum;
mod faults;
mod hygiene;
mod invitations;
mod items;
mod layers;
mod lint;
mod literacy;
mod pipeline;
mod quiz;
mod scim;
mod security;
mod self_service;
mod server;
mod skills;
mod sso;
mod store;
mod tasks;
mod throttle;
