//! Benchmark: where the organisation roll-up spends its time on a seeded database.
//!
//! Times each step the `/org/skills` page takes (refresh of stale estimates, loading members,
//! teams, cached estimates, building the matrix and the per-team roll-ups), the daily snapshot,
//! and, for comparison, recomputing every estimate from the raw evidence. A figure, not a test.
//!
//! ```text
//! DATABASE_URL=sqlite:///tmp/l.db levelfield seed --size L
//! DATABASE_URL=sqlite:///tmp/l.db cargo run --features ssr --example bench_rollup
//! ```

use levelfield::domain::matrix::people;
use levelfield::domain::matrix::{build, estimates_of, rollup_of};
use levelfield::domain::people::MemberRole;
use levelfield::router::build_state;
use levelfield::server::config::Config;
use levelfield::server::estimates::{current, refresh, snapshot_today, weights};
use std::error::Error;
use std::time::Instant;

type Fallible<T> = Result<T, Box<dyn Error + Send + Sync>>;

fn step<T>(what: &str, started: Instant, value: T) -> T {
    println!("{:>9.3} s  {what}", started.elapsed().as_secs_f64());
    value
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Fallible<()> {
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let conf = leptos::prelude::get_configuration(Some("Cargo.toml"))?;
    let state = build_state(Config::from_env(), conf.leptos_options).await?;
    let lib = state.library.current();
    for org in state.store.organisation_ids().await? {
        println!("organisation {} ({profile} build)", org.0);
        let t = Instant::now();
        let refreshed = step("refresh stale estimates", t, current(&state, org).await?);
        let t = Instant::now();
        let members = step("members", t, state.store.members(org).await?);
        let t = Instant::now();
        let teams = step("teams", t, state.store.teams(org).await?);
        let t = Instant::now();
        let w = step("scarcity weights", t, weights(&state, org).await?);
        let t = Instant::now();
        drop(refreshed);
        let cached = step(
            "cached estimates (read only)",
            t,
            state.store.org_estimates(org).await?,
        );
        let estimates = {
            let mut out = levelfield::domain::matrix::Estimates::new();
            for (u, s, e) in cached {
                out.entry(u)
                    .or_default()
                    .insert(levelfield::domain::ids::SkillId(s), e);
            }
            out
        };
        let t = Instant::now();
        let learners: Vec<_> = members
            .iter()
            .filter(|m| m.has(MemberRole::Learner))
            .cloned()
            .collect();
        let group = people(&lib, &learners, &teams);
        let whole = step(
            "matrix of every learner",
            t,
            build(&lib, &w, &group, &estimates, false),
        );
        let t = Instant::now();
        let mut n = 0;
        for team in &teams {
            let rows: Vec<_> = whole
                .rows
                .iter()
                .zip(&learners)
                .filter(|(_, m)| m.teams.contains(&team.id))
                .map(|(r, _)| r)
                .collect();
            n += rollup_of(&lib, &w, &whole.skills, &rows).len();
        }
        step(
            &format!("per-team roll-ups ({n} rows, naive grouping)"),
            t,
            (),
        );
        println!(
            "  {} learners, {} teams, {} cached estimates",
            learners.len(),
            teams.len(),
            estimates.values().map(|e| e.len()).sum::<usize>()
        );
        let t = Instant::now();
        step(
            "daily snapshot (every team and the organisation)",
            t,
            snapshot_today(&state, org).await?,
        );
        let t = Instant::now();
        let n = refresh(&state, org, -1).await?;
        step(
            &format!("daily refresh: every cached estimate recomputed and stored ({n} people)"),
            t,
            (),
        );
        let t = Instant::now();
        let progress = state.store.org_progress(org).await?;
        let attempts = state.store.org_attempts(org).await?;
        let submissions = state.store.org_submissions(org).await?;
        step("raw evidence loaded (for comparison)", t, ());
        let t = Instant::now();
        let live = estimates_of(&lib, &progress, &attempts, &submissions, chrono::Utc::now());
        step(
            &format!(
                "every estimate recomputed from raw evidence ({} people)",
                live.len()
            ),
            t,
            (),
        );
    }
    Ok(())
}
