//! Cached estimates and the daily roll-up history on SQLite.

use super::SqliteStore;
use crate::domain::matrix::Snapshot;
use crate::domain::people::{OrgId, TeamId, UserId};
use crate::domain::proficiency::Estimate;
use crate::domain::progress::{Attempt, ModuleProgress};
use crate::store::rows::{self, PackedRow, SnapshotRow, StaleRow};
use crate::store::sql::{estimates as sql, RecordsOf};
use crate::store::{map_write_error, ComputedEstimates, Estimates, StaleEstimates};
use crate::store::{shared, Result};
use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{QueryBuilder, Sqlite};

#[async_trait]
impl Estimates for SqliteStore {
    async fn stale_estimates(&self, org: OrgId, day: i64) -> Result<Vec<StaleEstimates>> {
        let found = sqlx::query_as::<_, StaleRow>(sql::STALE_MEMBERS)
            .bind(org.0)
            .bind(day)
            .fetch_all(&self.pool)
            .await?;
        Ok(found.into_iter().map(StaleEstimates::from).collect())
    }

    async fn stale_progress(&self, org: OrgId, day: i64) -> Result<Vec<ModuleProgress>> {
        shared::progress(&self.pool, RecordsOf::Stale(org, day)).await
    }

    async fn stale_attempts(&self, org: OrgId, day: i64) -> Result<Vec<Attempt>> {
        shared::attempts(&self.pool, RecordsOf::Stale(org, day)).await
    }

    async fn store_estimates(
        &self,
        org: OrgId,
        computed: &[ComputedEstimates],
        day: i64,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let mut rows: Vec<(i64, &str, &Estimate)> = Vec::new();
        // Two prepared statements per person inside one transaction: about 2 s for 10,000 people
        // (`examples/bench_rollup.rs`, release). A single `UPDATE … FROM json_each(…)` like the
        // PostgreSQL store's UNNEST was measured 4× slower overall: SQLite plans it as a nested
        // loop over the JSON.
        for c in computed {
            let current = sqlx::query(
                "UPDATE memberships SET estimates_version = $1, estimates_day = $2
                 WHERE user_id = $3 AND org_id = $4 AND evidence_version = $1",
            )
            .bind(c.version)
            .bind(day)
            .bind(c.user.0)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
            if current.rows_affected() == 0 {
                continue; // newer evidence arrived: stays stale for the next refresh
            }
            sqlx::query("DELETE FROM skill_estimates WHERE user_id = $1")
                .bind(c.user.0)
                .execute(&mut *tx)
                .await?;
            rows.extend(c.skills.iter().map(|(s, e)| (c.user.0, s.as_str(), e)));
        }
        for chunk in rows.chunks(sql::ROWS_PER_INSERT) {
            let mut q = QueryBuilder::<Sqlite>::new(sql::INSERT_ESTIMATES);
            q.push_values(chunk, |mut b, (user, skill, e)| {
                b.push_bind(*user)
                    .push_bind(*skill)
                    .push_bind(e.level)
                    .push_bind(e.se)
                    .push_bind(e.low)
                    .push_bind(e.high)
                    .push_bind(e.evidence as i64)
                    .push_bind(e.weight)
                    .push_bind(e.tested_up_to.map(i64::from))
                    .push_bind(e.capped);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn org_estimates(&self, org: OrgId) -> Result<Vec<(UserId, String, Estimate)>> {
        // group_concat: SQLite builds before 3.44 have no string_agg.
        let found = sqlx::query_as::<_, PackedRow>(&format!(
            "SELECT e.user_id, group_concat({}, ';') AS packed
             FROM skill_estimates e JOIN memberships m ON m.user_id = e.user_id
             WHERE m.org_id = $1 GROUP BY e.user_id",
            sql::PACKED
        ))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        rows::estimates(found)
    }

    async fn record_snapshots(&self, org: OrgId, day: NaiveDate, rows: &[Snapshot]) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(sql::DELETE_SNAPSHOTS)
            .bind(org.0)
            .bind(day)
            .execute(&mut *tx)
            .await?;
        for chunk in rows.chunks(sql::ROWS_PER_INSERT) {
            let mut q = QueryBuilder::<Sqlite>::new(sql::INSERT_SNAPSHOTS);
            q.push_values(chunk, |mut b, s| {
                b.push_bind(org.0)
                    .push_bind(s.team.map_or(0, |t| t.0))
                    .push_bind(&s.skill)
                    .push_bind(day)
                    .push_bind(i64::from(s.people))
                    .push_bind(i64::from(s.below_target))
                    .push_bind(i64::from(s.unmeasured))
                    .push_bind(s.mean_gap)
                    .push_bind(s.exposure);
            });
            q.push(sql::SNAPSHOTS_UPSERT);
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(|e| map_write_error(e, None))?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn snapshots(
        &self,
        org: OrgId,
        team: Option<TeamId>,
        since: NaiveDate,
    ) -> Result<Vec<Snapshot>> {
        let found = sqlx::query_as::<_, SnapshotRow>(sql::SNAPSHOTS)
            .bind(org.0)
            .bind(team.map_or(0, |t| t.0))
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows::snapshots(team, found))
    }
}
