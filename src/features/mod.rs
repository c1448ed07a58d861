//! User-facing features, one folder each, holding everything of the feature: its pages
//! (`mod.rs` and view files), its form handlers (`actions.rs`, plain axum handlers answering
//! with post/redirect/get, see docs/adr/0001), its server-only data loading (`data.rs`), and any
//! exports or islands.
//!
//! | folder | routes |
//! |---|---|
//! | `catalogue` | `/`, `/glossary` |
//! | `module` | `/modules/:slug` (+ its reading-progress form, `/content/*` images) |
//! | `quiz` | the module page's quiz island, `/modules/:slug/quiz`, `/api/grade_quiz` |
//! | `skills` | `/skills`, `/skills/:id` |
//! | `check` | the adaptive skill check, `/skills/:id/check` (page and form) |
//! | `account` | `/login`, `/logout`, `/setup`, `/join`, `/account` |
//! | `me` | the signed-in learner's own pages: `/me`, `/me/skills`, `/me/ratings`, `/me/privacy`, `/docs/proficiency` |
//! | `teams` | `/teams`, `/teams/:team`, its skills, people and CSV exports |
//! | `admin` | `/admin`, `/admin/*`, `/org/skills`, `/org/scarcity` |
//! | `author` | `/author/items` (item statistics, for admins and authors) |
//! | `literacy` | `/org/literacy`, `/org/literacy.csv` (the AI-literacy record, for admins and managers) |
//! | `self_service` | `/me/sessions`, `/me/data`, `/me/export`, `/me/erasure`, `/admin/accounts`, `/reset` |
//!
//! Pages are server-rendered components (compiled for the server only); the interactive parts are
//! Leptos islands, the only code that ships to the browser as wasm.
//!
//! May use: domain, error, server (ctx, extract, refusal, forms, auth, state, estimates), store
//! records, courseware (rendering), ui. A feature does not import another feature, except a
//! page importing another feature's island (the module page and the quiz).

#[cfg(feature = "ssr")]
pub mod account;
#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod author;
#[cfg(feature = "ssr")]
pub mod catalogue;
#[cfg(feature = "ssr")]
pub mod check;
#[cfg(feature = "ssr")]
pub mod literacy;
#[cfg(feature = "ssr")]
pub mod me;
#[cfg(feature = "ssr")]
pub mod module;
pub mod quiz;
#[cfg(feature = "ssr")]
pub mod scim;
#[cfg(feature = "ssr")]
pub mod self_service;
#[cfg(feature = "ssr")]
pub mod skills;
#[cfg(feature = "ssr")]
pub mod sso;
#[cfg(feature = "ssr")]
pub mod teams;
