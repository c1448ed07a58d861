//! The quiz at the end of a module: graded on the server, as an island with JavaScript (`island`,
//! calling the server function in `api`) and as a plain form without it (`form`); both submit
//! through one use case (`submit`).
//!
//! The island is the only code of a feature that ships to the browser; the module page is the
//! one feature that imports it. May use: domain, error, leptos; on the server also server
//! (ctx, extract, refusal, state).

mod api;
#[cfg(feature = "ssr")]
pub mod form;
pub mod island;
#[cfg(feature = "ssr")]
mod submit;

pub use api::*;
pub use island::Quiz;
