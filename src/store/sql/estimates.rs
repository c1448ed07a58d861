//! Cached estimates and the daily roll-up history.

use super::stale_members;

/// Members of `$1` whose cached estimates are stale on day `$2`, with their evidence version.
pub const STALE_MEMBERS: &str = concat!(
    "SELECT user_id, evidence_version FROM memberships WHERE user_id IN (",
    stale_members!(),
    ")"
);

/// The SQL expression that packs one cached estimate as
/// `skill=level,se,low,high,evidence,weight,tested_up_to,capped` (aggregated per person with `;`
/// between skills; `tested_up_to` -1 when not known, `capped` 0 or 1): reading one row per person
/// instead of one per skill is about six times faster at 10,000 learners
/// (`examples/bench_rollup.rs`). `CASE WHEN e.capped` reads SQLite's 0/1 and PostgreSQL's boolean
/// alike.
pub const PACKED: &str = "e.skill_id || '=' || e.level || ',' || e.se || ',' || e.low || ',' \
    || e.high || ',' || e.evidence || ',' || e.weight || ',' || COALESCE(e.tested_up_to, -1) \
    || ',' || (CASE WHEN e.capped THEN 1 ELSE 0 END)";

pub const INSERT_ESTIMATES: &str = "INSERT INTO skill_estimates (user_id, skill_id, level, se, \
    low, high, evidence, weight, tested_up_to, capped) ";

pub const DELETE_SNAPSHOTS: &str = "DELETE FROM skill_snapshots WHERE org_id = $1 AND day = $2";

/// The start of a multi-row snapshot insert; the rows follow, then [`SNAPSHOTS_UPSERT`].
pub const INSERT_SNAPSHOTS: &str = "INSERT INTO skill_snapshots (org_id, team_id, skill_id, day,
    people, below_target, unmeasured, mean_gap, exposure) ";

/// An upsert: several app servers on one database may record the same day at once.
pub const SNAPSHOTS_UPSERT: &str = " ON CONFLICT (org_id, team_id, skill_id, day) DO UPDATE SET
    people = excluded.people, below_target = excluded.below_target,
    unmeasured = excluded.unmeasured, mean_gap = excluded.mean_gap, exposure = excluded.exposure";

/// Rows per multi-row insert of estimates or snapshots (SQLite takes 32766 parameters, at most
/// 10 each).
pub const ROWS_PER_INSERT: usize = 1000;

pub const SNAPSHOTS: &str = "SELECT skill_id, day, people, below_target, unmeasured, mean_gap,
    exposure FROM skill_snapshots WHERE org_id = $1 AND team_id = $2 AND day >= $3";
