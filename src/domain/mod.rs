//! The pure core: catalogue types, ids, the level scale and quiz grading.
//!
//! Nothing here does I/O or knows about Leptos, axum or sqlx; everything is plain data and
//! functions over it, unit-tested where it lives.

pub mod catalogue;
pub mod gaps;
pub mod ids;
pub mod level;
pub mod people;
pub mod proficiency;
pub mod progress;
pub mod quiz;
