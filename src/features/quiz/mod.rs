//! The quiz at the end of a module: graded on the server, as an island with JavaScript and as a
//! plain form without it.

mod api;
mod island;

pub use api::*;
pub use island::Quiz;
