//! Cached estimates and the daily roll-up history on PostgreSQL.

use super::PostgresStore;
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
use sqlx::{Postgres, QueryBuilder};
use std::collections::HashSet;

#[async_trait]
impl Estimates for PostgresStore {
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
        let users: Vec<i64> = computed.iter().map(|c| c.user.0).collect();
        let versions: Vec<i64> = computed.iter().map(|c| c.version).collect();
        let mut tx = self.pool.begin().await?;
        // Arrays make each step one statement (SQLite runs two per person; see its store).
        // Only people whose evidence is still at the version their estimates came from.
        let current: Vec<i64> = sqlx::query_scalar(
            "UPDATE memberships m SET estimates_version = c.version, estimates_day = $3
             FROM UNNEST($1::bigint[], $2::bigint[]) AS c(user_id, version)
             WHERE m.user_id = c.user_id AND m.org_id = $4 AND m.evidence_version = c.version
             RETURNING m.user_id",
        )
        .bind(&users)
        .bind(&versions)
        .bind(day)
        .bind(org.0)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM skill_estimates WHERE user_id = ANY($1)")
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        let current: HashSet<i64> = current.into_iter().collect();
        let rows: Vec<(i64, &str, &Estimate)> = computed
            .iter()
            .filter(|c| current.contains(&c.user.0))
            .flat_map(|c| c.skills.iter().map(|(s, e)| (c.user.0, s.as_str(), e)))
            .collect();
        let real = |f: fn(&Estimate) -> f64| rows.iter().map(|r| f(r.2)).collect::<Vec<f64>>();
        sqlx::query(&format!(
            "{} SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::float8[], $4::float8[],
               $5::float8[], $6::float8[], $7::bigint[], $8::float8[], $9::smallint[],
               $10::bool[])",
            sql::INSERT_ESTIMATES
        ))
        .bind(rows.iter().map(|r| r.0).collect::<Vec<i64>>())
        .bind(rows.iter().map(|r| r.1).collect::<Vec<&str>>())
        .bind(real(|e| e.level))
        .bind(real(|e| e.se))
        .bind(real(|e| e.low))
        .bind(real(|e| e.high))
        .bind(
            rows.iter()
                .map(|r| r.2.evidence as i64)
                .collect::<Vec<i64>>(),
        )
        .bind(real(|e| e.weight))
        .bind(
            rows.iter()
                .map(|r| r.2.tested_up_to.map(i16::from))
                .collect::<Vec<Option<i16>>>(),
        )
        .bind(rows.iter().map(|r| r.2.capped).collect::<Vec<bool>>())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn org_estimates(&self, org: OrgId) -> Result<Vec<(UserId, String, Estimate)>> {
        // string_agg: PostgreSQL has no group_concat.
        let found = sqlx::query_as::<_, PackedRow>(&format!(
            "SELECT e.user_id, string_agg({}, ';') AS packed
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
        let mut tx = self.pool.begin().await?;
        sqlx::query(sql::DELETE_SNAPSHOTS)
            .bind(org.0)
            .bind(day)
            .execute(&mut *tx)
            .await?;
        for chunk in rows.chunks(sql::ROWS_PER_INSERT) {
            let mut q = QueryBuilder::<Postgres>::new(sql::INSERT_SNAPSHOTS);
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
