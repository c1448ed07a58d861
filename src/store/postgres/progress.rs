//! The module registry, reading progress and quiz attempts on PostgreSQL.

use super::PostgresStore;
use crate::domain::items::ItemAnswer;
use crate::domain::people::{AttemptId, OrgId, TeamId, UserId};
use crate::domain::progress::{AnswerRecord, Attempt, ModuleProgress, NewAttempt};
use crate::store::rows::{self, FirstAnswerRow, ModuleRow};
use crate::store::sql::{progress as sql, RecordsOf};
use crate::store::time::DbTime;
use crate::store::{encode_selected, map_write_error, ModuleRecord, Progress};
use crate::store::{shared, Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl Progress for PostgresStore {
    async fn sync_modules(&self, modules: &[ModuleRecord]) -> Result<()> {
        let now = DbTime::now();
        let mut tx = self.pool.begin().await?;
        sqlx::query(sql::UNMARK_MODULES).execute(&mut *tx).await?;
        for m in modules {
            sqlx::query(sql::UPSERT_MODULE)
                .bind(&m.id)
                .bind(&m.slug)
                .bind(&m.title)
                .bind(&m.content_hash)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn module_registry(&self) -> Result<Vec<ModuleRecord>> {
        let found = sqlx::query_as::<_, ModuleRow>(sql::MODULE_REGISTRY)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows::modules(found))
    }

    async fn record_progress(
        &self,
        user: UserId,
        module: &str,
        reached: u32,
        total: u32,
        anchor: Option<&str>,
        completed: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        // One upsert: the furthest section wins (and its anchor), completion is kept once set.
        // PostgreSQL's GREATEST is SQLite's two-argument MAX.
        sqlx::query(
            "INSERT INTO module_progress AS p (user_id, module_id, sections_reached,
               sections_total, resume_anchor, started_at, updated_at, completed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, CASE WHEN $7 THEN $6 END)
             ON CONFLICT (user_id, module_id) DO UPDATE SET
               sections_reached = GREATEST(p.sections_reached, excluded.sections_reached),
               sections_total = excluded.sections_total,
               resume_anchor = CASE
                 WHEN excluded.sections_reached > p.sections_reached
                   THEN excluded.resume_anchor
                 WHEN excluded.sections_reached = p.sections_reached
                   THEN COALESCE(excluded.resume_anchor, p.resume_anchor)
                 ELSE p.resume_anchor END,
               updated_at = GREATEST(p.updated_at, excluded.updated_at),
               completed_at = COALESCE(p.completed_at, excluded.completed_at)",
        )
        .bind(user.0)
        .bind(module)
        .bind(i64::from(reached))
        .bind(i64::from(total))
        .bind(anchor)
        .bind(DbTime::from(now))
        .bind(completed)
        .execute(&self.pool)
        .await
        .map_err(|e| map_write_error(e, None))?;
        // A completion is evidence: the version is bumped after it is written.
        if completed {
            sqlx::query(sql::BUMP_EVIDENCE)
                .bind(user.0)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn progress(&self, user: UserId) -> Result<Vec<ModuleProgress>> {
        shared::progress(&self.pool, RecordsOf::User(user)).await
    }

    async fn record_attempt(&self, attempt: &NewAttempt) -> Result<AttemptId> {
        let answers = &attempt.answers;
        let text = |f: fn(&AnswerRecord) -> &str| answers.iter().map(f).collect::<Vec<&str>>();
        // One statement with arrays, so one transaction: the attempt, all its answers and the
        // evidence bump, or nothing (SQLite, without arrays, needs several).
        let id: i64 = sqlx::query_scalar(
            "WITH attempt AS (
               INSERT INTO quiz_attempts (user_id, module_id, score, total, submitted_at, seed, kind)
               VALUES ($1, $2, $3, $4, $5, $12, $13) RETURNING id
             ), answers AS (
               INSERT INTO quiz_answers
                 (attempt_id, position, question_id, skill_id, difficulty, selected, correct)
               SELECT attempt.id, a.position, a.question_id, a.skill_id, a.difficulty,
                 a.selected, a.correct
               FROM attempt, UNNEST($6::bigint[], $7::text[], $8::text[], $9::bigint[],
                 $10::text[], $11::boolean[])
                 AS a(position, question_id, skill_id, difficulty, selected, correct)
             ), bump AS (
               UPDATE memberships SET evidence_version = evidence_version + 1 WHERE user_id = $1
             )
             SELECT id FROM attempt",
        )
        .bind(attempt.user.0)
        .bind(&attempt.module)
        .bind(i64::from(attempt.score))
        .bind(i64::from(attempt.total))
        .bind(DbTime::from(attempt.submitted_at))
        .bind((0..answers.len() as i64).collect::<Vec<i64>>())
        .bind(text(|a| a.question.as_str()))
        .bind(text(|a| a.skill.as_str()))
        .bind(
            answers
                .iter()
                .map(|a| i64::from(a.difficulty))
                .collect::<Vec<i64>>(),
        )
        .bind(
            answers
                .iter()
                .map(|a| encode_selected(&a.selected))
                .collect::<Vec<String>>(),
        )
        .bind(answers.iter().map(|a| a.correct).collect::<Vec<bool>>())
        .bind(attempt.seed.map(|s| s as i64))
        .bind(attempt.kind.key())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| map_write_error(e, Some(StoreError::Duplicate)))?;
        Ok(AttemptId(id))
    }

    async fn attempts(&self, user: UserId) -> Result<Vec<Attempt>> {
        shared::attempts(&self.pool, RecordsOf::User(user)).await
    }

    async fn team_progress(&self, org: OrgId, team: TeamId) -> Result<Vec<ModuleProgress>> {
        shared::progress(&self.pool, RecordsOf::Team(org, team)).await
    }

    async fn team_attempts(&self, org: OrgId, team: TeamId) -> Result<Vec<Attempt>> {
        shared::attempts(&self.pool, RecordsOf::Team(org, team)).await
    }

    async fn org_progress(&self, org: OrgId) -> Result<Vec<ModuleProgress>> {
        shared::progress(&self.pool, RecordsOf::Org(org)).await
    }

    async fn org_attempts(&self, org: OrgId) -> Result<Vec<Attempt>> {
        shared::attempts(&self.pool, RecordsOf::Org(org)).await
    }

    async fn attempt_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(sql::ATTEMPT_COUNT)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn first_answers(&self, org: OrgId, module: Option<&str>) -> Result<Vec<ItemAnswer>> {
        let found = sqlx::query_as::<_, FirstAnswerRow>(sql::FIRST_ANSWERS)
            .bind(org.0)
            .bind(module)
            .fetch_all(&self.pool)
            .await?;
        rows::first_answers(found)
    }
}
