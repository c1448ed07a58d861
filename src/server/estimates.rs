//! Keeping roll-ups fast at scale: each person's estimates are cached per skill, recomputed for
//! exactly the people whose evidence changed (every evidence write bumps a version in the same
//! transaction) and for everyone once a day as evidence ages; and a daily snapshot of every
//! group's roll-up feeds the trend charts.
//!
//! A person's own page and a manager's drill-down compute live from the raw evidence; the
//! organisation roll-up reads the cache after refreshing whoever is behind.
//!
//! The same hourly task purges what is kept no longer than needed: expired sessions and failed
//! logins older than the throttle window ([`purge_expired`]).
//!
//! Only the I/O lives here; the computations are pure and live in `domain::matrix` and
//! `domain::progress`. May use: domain, store, server state.

use super::state::AppState;
use crate::domain::catalogue::Library;
use crate::domain::gaps::Weights;
use crate::domain::ids::SkillId;
use crate::domain::matrix::Snapshot;
use crate::domain::matrix::{estimates_of, group_rollups, Estimates, GroupRollup};
use crate::domain::people::{Member, OrgId, Team};
use crate::domain::progress::{as_of_records, epoch_day};
use crate::store::{ComputedEstimates, StoreError};
use chrono::{NaiveDate, Utc};
use std::time::Duration;

/// Recomputes the cached estimates of everyone in `org` whose cache is behind their evidence
/// or older than `max_age_days`. Returns how many people were recomputed.
#[tracing::instrument(skip_all, fields(org = org.0, max_age_days = max_age_days))]
pub async fn refresh(state: &AppState, org: OrgId, max_age_days: i64) -> Result<usize, StoreError> {
    let now = Utc::now();
    let cutoff = epoch_day(now) - max_age_days;
    let stale = state.store.stale_estimates(org, cutoff).await?;
    if stale.is_empty() {
        return Ok(0);
    }
    let progress = state.store.stale_progress(org, cutoff).await?;
    let attempts = state.store.stale_attempts(org, cutoff).await?;
    let lib = state.library.current();
    let submissions = state.store.org_submissions(org).await?;
    let mut estimates = estimates_of(&lib, &progress, &attempts, &submissions, now);
    let computed: Vec<ComputedEstimates> = stale
        .iter()
        .map(|s| ComputedEstimates {
            user: s.user,
            version: s.version,
            skills: estimates
                .remove(&s.user)
                .unwrap_or_default()
                .into_iter()
                .map(|(skill, e)| (skill.0, e))
                .collect(),
        })
        .collect();
    state
        .store
        .store_estimates(org, &computed, epoch_day(now))
        .await?;
    Ok(computed.len())
}

/// The organisation's cached estimates, after refreshing whoever's evidence changed (and
/// anyone's older than a day, which the maintenance task normally does first).
pub async fn current(state: &AppState, org: OrgId) -> Result<Estimates, StoreError> {
    refresh(state, org, 1).await?;
    let mut out = Estimates::new();
    for (user, skill, e) in state.store.org_estimates(org).await? {
        out.entry(user).or_default().insert(SkillId(skill), e);
    }
    Ok(out)
}

/// The organisation's scarcity weights: the taxonomy's with its overrides.
pub async fn weights(state: &AppState, org: OrgId) -> Result<Weights, StoreError> {
    Ok(Weights::with_overrides(
        state
            .store
            .scarcity_overrides(org)
            .await?
            .into_iter()
            .map(|o| (SkillId(o.skill), o.weight)),
    ))
}

/// The snapshot rows of one day (the storage shape of [`group_rollups`]).
fn snapshot_rows(
    lib: &Library,
    w: &Weights,
    members: &[Member],
    teams: &[Team],
    estimates: &Estimates,
    day: NaiveDate,
) -> Vec<Snapshot> {
    group_rollups(lib, w, members, teams, estimates)
        .into_iter()
        .map(|GroupRollup { team, rollup: r }| Snapshot {
            team,
            skill: r.skill.0,
            day,
            people: u32::try_from(r.people).unwrap_or(u32::MAX),
            below_target: u32::try_from(r.below_target).unwrap_or(u32::MAX),
            unmeasured: u32::try_from(r.unmeasured).unwrap_or(u32::MAX),
            mean_gap: r.mean_gap,
            exposure: r.exposure,
        })
        .collect()
}

/// Records today's snapshot of `org` from its current estimates.
#[tracing::instrument(skip_all, fields(org = org.0))]
pub async fn snapshot_today(state: &AppState, org: OrgId) -> Result<(), StoreError> {
    let estimates = current(state, org).await?;
    let (members, teams, w) = (
        state.store.members(org).await?,
        state.store.teams(org).await?,
        weights(state, org).await?,
    );
    let lib = state.library.current();
    let day = Utc::now().date_naive();
    let rows = snapshot_rows(&lib, &w, &members, &teams, &estimates, day);
    state.store.record_snapshots(org, day, &rows).await
}

/// Fills in weekly snapshots for the past `weeks` weeks by replaying the evidence as it stood
/// at the end of each of those days (for a freshly seeded organisation), then today's.
/// `on_step` is called with (steps done, steps in all).
#[tracing::instrument(skip_all, fields(org = org.0, weeks = weeks))]
pub async fn backfill(
    state: &AppState,
    org: OrgId,
    weeks: u32,
    on_step: impl Fn(usize, usize),
) -> Result<(), StoreError> {
    let lib = state.library.current();
    let (members, teams, w) = (
        state.store.members(org).await?,
        state.store.teams(org).await?,
        weights(state, org).await?,
    );
    let progress = state.store.org_progress(org).await?;
    let attempts = state.store.org_attempts(org).await?;
    let submissions = state.store.org_submissions(org).await?;
    let now = Utc::now();
    for k in (1..=weeks).rev() {
        let as_of = now - chrono::Duration::weeks(i64::from(k));
        let (p, a) = as_of_records(&progress, &attempts, as_of);
        let estimates = estimates_of(&lib, &p, &a, &submissions, as_of);
        let day = as_of.date_naive();
        let rows = snapshot_rows(&lib, &w, &members, &teams, &estimates, day);
        state.store.record_snapshots(org, day, &rows).await?;
        on_step((weeks - k + 1) as usize, weeks as usize + 1);
    }
    snapshot_today(state, org).await?;
    on_step(weeks as usize + 1, weeks as usize + 1);
    Ok(())
}

/// What one purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub login_failures: u64,
}

/// Retention: removes sessions past their absolute expiry or idle too long at `now` (they no
/// longer sign anyone in), and failed logins older than the throttle window (they count for
/// nothing, and hold client addresses).
pub async fn purge_expired(
    state: &AppState,
    now: chrono::DateTime<Utc>,
) -> Result<Purged, StoreError> {
    let idle_cutoff = now - chrono::Duration::minutes(state.config.session_idle_minutes);
    let throttle_cutoff =
        now - chrono::Duration::minutes(super::auth::LOGIN_THROTTLE_WINDOW_MINUTES);
    Ok(Purged {
        sessions: state.store.purge_sessions(now, idle_cutoff).await?,
        login_failures: state.store.purge_login_failures(throttle_cutoff).await?,
    })
}

/// Runs forever: every `every`, purges expired sessions and old failed logins, refreshes each
/// organisation's estimates that are a day old and records today's snapshot (replacing an
/// earlier one of the same day).
pub async fn maintain(state: AppState, every: Duration) {
    loop {
        match purge_expired(&state, Utc::now()).await {
            Ok(p) => tracing::info!(
                sessions = p.sessions,
                login_failures = p.login_failures,
                "expired sessions and old failed logins purged"
            ),
            Err(e) => tracing::error!(error = %e, "purge failed"),
        }
        // Single sign-ons started and never finished, and links never proved.
        if let Err(e) = state.store.purge_sso_flows(Utc::now()).await {
            tracing::error!(error = %e, "purge of single sign-on flows failed");
        }
        match state.store.organisation_ids().await {
            Ok(orgs) => {
                for org in orgs {
                    let started = std::time::Instant::now();
                    let result = async {
                        let n = refresh(&state, org, 0).await?;
                        snapshot_today(&state, org).await?;
                        Ok::<_, StoreError>(n)
                    }
                    .await;
                    match result {
                        Ok(n) => tracing::info!(
                            org = org.0,
                            recomputed = n,
                            ms = started.elapsed().as_millis() as u64,
                            "skill estimates refreshed and snapshot taken"
                        ),
                        Err(e) => tracing::error!(org = org.0, error = %e, "skill refresh failed"),
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot list organisations"),
        }
        tokio::time::sleep(every).await;
    }
}
