//! Target roles, self-ratings and scarcity overrides on PostgreSQL.

use super::PostgresStore;
use crate::domain::people::{OrgId, TeamId, UserId};
use crate::domain::skills::{ScarcityOverride, SelfRating};
use crate::store::rows::{self, OverrideRow, RatingRow};
use crate::store::sql::skills as sql;
use crate::store::time::DbTime;
use crate::store::Result;
use crate::store::{changed_one, map_write_error, Skills, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl Skills for PostgresStore {
    async fn set_target_role(&self, org: OrgId, user: UserId, role: Option<&str>) -> Result<()> {
        let done = sqlx::query(sql::SET_TARGET_ROLE)
            .bind(role)
            .bind(user.0)
            .bind(org.0)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }

    async fn set_team_target_role(
        &self,
        org: OrgId,
        team: TeamId,
        role: Option<&str>,
    ) -> Result<()> {
        let done = sqlx::query(sql::SET_TEAM_TARGET_ROLE)
            .bind(role)
            .bind(team.0)
            .bind(org.0)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }

    async fn self_ratings(&self, org: OrgId, user: UserId) -> Result<Vec<SelfRating>> {
        let found = sqlx::query_as::<_, RatingRow>(sql::SELF_RATINGS)
            .bind(user.0)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows::ratings(found))
    }

    async fn set_self_ratings(
        &self,
        org: OrgId,
        user: UserId,
        ratings: &[(String, Option<u8>)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = DbTime::from(now);
        let mut tx = self.pool.begin().await?;
        // Lock the membership row: concurrent rating saves of one member run one after another.
        sqlx::query("SELECT 1 FROM memberships WHERE user_id = $1 AND org_id = $2 FOR UPDATE")
            .bind(user.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        for (skill, level) in ratings {
            let q = match level {
                Some(level) => sqlx::query(sql::UPSERT_RATING)
                    .bind(user.0)
                    .bind(skill)
                    .bind(i16::from(*level))
                    .bind(now),
                None => sqlx::query(sql::DELETE_RATING).bind(user.0).bind(skill),
            };
            q.execute(&mut *tx)
                .await
                .map_err(|e| map_write_error(e, None))?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn scarcity_overrides(&self, org: OrgId) -> Result<Vec<ScarcityOverride>> {
        let found = sqlx::query_as::<_, OverrideRow>(sql::SCARCITY_OVERRIDES)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows::overrides(found))
    }

    async fn set_scarcity_override(
        &self,
        org: OrgId,
        skill: &str,
        value: Option<(f64, &str)>,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let q = match value {
            Some((weight, note)) => sqlx::query(sql::UPSERT_OVERRIDE)
                .bind(org.0)
                .bind(skill)
                .bind(weight)
                .bind(note)
                .bind(by.0)
                .bind(DbTime::from(now)),
            None => sqlx::query(sql::DELETE_OVERRIDE).bind(org.0).bind(skill),
        };
        q.execute(&self.pool)
            .await
            .map_err(|e| map_write_error(e, None))?;
        Ok(())
    }
}
