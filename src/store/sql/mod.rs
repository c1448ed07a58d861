//! SQL text shared by both backends, by concern (`sql/orgs.rs` serves `sqlite/orgs.rs` and
//! `postgres/orgs.rs`). Placeholders are `$N` on both (sqlx reads `$NNN` on SQLite too), so a
//! statement here runs unchanged on either database. A statement that must differ is written
//! inline in the backend file instead, with the reason beside it.
//!
//! This module is private to `store`, so `pub` here means "for the store's backends".

pub mod accounts;
pub mod audit;
pub mod estimates;
pub mod orgs;
pub mod progress;
pub mod scim;
pub mod self_service;
pub mod skills;
pub mod sso;
pub mod tasks;

use crate::domain::people::{OrgId, TeamId, UserId};

/// The versions of the migrations applied (sqlx's own bookkeeping table, the same on both).
pub const MIGRATIONS_APPLIED: &str =
    "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";

/// Whose members a member query loads (filtering `memberships m`).
#[derive(Clone, Copy)]
pub enum MembersOf {
    Org(OrgId),
    OrgUser(OrgId, UserId),
    User(UserId),
}

impl MembersOf {
    /// The filter on `memberships m`, and its two binds (see [`RecordsOf::filter`]).
    pub fn filter(self) -> (&'static str, i64, i64) {
        match self {
            MembersOf::Org(org) => ("m.org_id = $1 AND $2 = $2", org.0, 0),
            MembersOf::OrgUser(org, user) => ("m.org_id = $1 AND m.user_id = $2", org.0, user.0),
            MembersOf::User(user) => ("m.user_id = $1 AND $2 = $2", user.0, 0),
        }
    }
}

/// Whose learning records (progress, attempts) a query reads: one user's, every member's of
/// a team (checked to be in the organisation), everyone's in an organisation, or the members
/// whose cached estimates are stale on a day.
#[derive(Clone, Copy)]
pub enum RecordsOf {
    User(UserId),
    Team(OrgId, TeamId),
    Org(OrgId),
    Stale(OrgId, i64),
}

/// Members of `org` (`$1`) whose cached estimates are missing, behind their evidence, or older
/// than day `$2`.
macro_rules! stale_members {
    () => {
        "SELECT m.user_id FROM memberships m WHERE m.org_id = $1
           AND (m.estimates_version IS NULL OR m.estimates_version <> m.evidence_version
                OR m.estimates_day < $2)"
    };
}
pub(crate) use stale_members;

impl RecordsOf {
    /// The filter on `q.user_id`, and its two binds. Both are always bound, so one statement
    /// shape fits every case; a filter that needs one keeps `$2` in use with `$2 = $2`
    /// (PostgreSQL refuses a bind the statement does not use).
    pub fn filter(self) -> (&'static str, i64, i64) {
        match self {
            RecordsOf::User(user) => ("q.user_id = $1 AND $2 = $2", user.0, 0),
            RecordsOf::Team(org, team) => (
                "q.user_id IN (SELECT tm.user_id FROM team_members tm
                   JOIN teams t ON t.id = tm.team_id WHERE t.org_id = $1 AND t.id = $2)",
                org.0,
                team.0,
            ),
            RecordsOf::Org(org) => (
                "q.user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = $1)
                 AND $2 = $2",
                org.0,
                0,
            ),
            RecordsOf::Stale(org, day) => {
                (concat!("q.user_id IN (", stale_members!(), ")"), org.0, day)
            }
        }
    }
}
