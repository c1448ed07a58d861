//! The pure core: catalogue types, ids, the level scale, quiz grading, draws and papers, item
//! statistics, and the AI-literacy record's statuses and coverage.
//!
//! Nothing here does I/O or knows about Leptos, axum or sqlx; everything is plain data and
//! functions over it, unit-tested where it lives.

// The browser bundle needs only what the quiz island uses (ids, levels, quiz wire types).
#[cfg(feature = "ssr")]
pub mod catalogue;
#[cfg(feature = "ssr")]
pub mod curation;
#[cfg(feature = "ssr")]
pub mod draw;
#[cfg(all(test, feature = "ssr"))]
mod fixtures;
#[cfg(feature = "ssr")]
pub mod gaps;
pub mod ids;
#[cfg(feature = "ssr")]
pub mod items;
pub mod level;
#[cfg(feature = "ssr")]
pub mod literacy;
#[cfg(feature = "ssr")]
pub mod matrix;
#[cfg(feature = "ssr")]
pub mod paper;
#[cfg(feature = "ssr")]
pub mod people;
#[cfg(feature = "ssr")]
pub mod proficiency;
#[cfg(feature = "ssr")]
pub mod progress;
pub mod quiz;
#[cfg(feature = "ssr")]
pub mod skills;
#[cfg(feature = "ssr")]
pub mod task;
