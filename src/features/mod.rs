//! User-facing features, one folder each: wire types, server functions and views.
//!
//! Pages are server-rendered components (compiled for the server only); the interactive parts are
//! Leptos islands, the only code that ships to the browser as wasm.

#[cfg(feature = "ssr")]
pub mod account;
#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod catalogue;
#[cfg(feature = "ssr")]
pub mod learning;
#[cfg(feature = "ssr")]
pub mod module;
pub mod quiz;
#[cfg(feature = "ssr")]
pub mod skills;
#[cfg(feature = "ssr")]
pub mod teams;
