//! Command-line tooling behind the `levelfield` binary's commands (`src/main.rs`): the demo
//! organisation (`demo`), synthetic organisations for measuring (`seed`) and the item
//! statistics report (`items`, `levelfield content items`). Server only; they
//! write through the store like the application does.
//!
//! May use: domain, store, server (auth, state, estimates). Not `features` or `ui`.

pub mod demo;
pub mod exercises;
pub mod items;
pub mod seed;
pub mod stats;
