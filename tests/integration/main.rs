//! The one integration-test binary: courseware over fixture trees, the store on a real SQLite
//! database, and the whole app through the real router.

mod access;
mod common;
mod courseware;
mod curriculum;
mod lint;
mod pipeline;
mod server;
mod skills;
mod store;
