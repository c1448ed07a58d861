//! Practical task submissions and their scores on SQLite.

use super::SqliteStore;
use crate::domain::people::{OrgId, TeamId, UserId};
use crate::domain::task::{NewScore, NewSubmission, Submission};
use crate::store::rows::{self, SubmissionRow};
use crate::store::sql::{progress as progress_sql, tasks as sql};
use crate::store::time::DbTime;
use crate::store::{encode_selected, map_write_error, Result, StoreError, Tasks};
use async_trait::async_trait;

impl SqliteStore {
    async fn submissions_where(
        &self,
        org: OrgId,
        filter: &str,
        bind: i64,
    ) -> Result<Vec<Submission>> {
        let found = sqlx::query_as::<_, SubmissionRow>(&sql::submissions(filter))
            .bind(org.0)
            .bind(bind)
            .fetch_all(&self.pool)
            .await?;
        rows::submissions(found)
    }
}

#[async_trait]
impl Tasks for SqliteStore {
    async fn submit_task(&self, org: OrgId, s: &NewSubmission) -> Result<i64> {
        let id: Option<i64> = sqlx::query_scalar(sql::INSERT_SUBMISSION)
            .bind(org.0)
            .bind(s.user.0)
            .bind(&s.module)
            .bind(&s.task)
            .bind(s.skill.as_str())
            .bind(i64::from(s.level))
            .bind(s.weight)
            .bind(&s.body)
            .bind(DbTime::from(s.submitted_at))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| map_write_error(e, None))?;
        id.ok_or(StoreError::NotFound)
    }

    async fn score_task(&self, org: OrgId, submission: i64, score: &NewScore) -> Result<()> {
        let passed = crate::domain::task::passed(&score.scores);
        // The score and the evidence bump in one transaction, so a cached estimate is never
        // current without the task.
        let mut tx = self.write().await?;
        let learner: Option<i64> = sqlx::query_scalar(sql::SCORE_SUBMISSION)
            .bind(org.0)
            .bind(submission)
            .bind(score.scored_by.0)
            .bind(DbTime::from(score.scored_at))
            .bind(encode_selected(&score.scores))
            .bind(passed)
            .fetch_optional(&mut *tx)
            .await?;
        let learner = learner.ok_or(StoreError::NotFound)?;
        sqlx::query(progress_sql::BUMP_EVIDENCE)
            .bind(learner)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn submission(&self, org: OrgId, submission: i64) -> Result<Submission> {
        self.submissions_where(org, sql::BY_ID, submission)
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    async fn user_submissions(&self, org: OrgId, user: UserId) -> Result<Vec<Submission>> {
        self.submissions_where(org, sql::OF_USER, user.0).await
    }

    async fn team_submissions(&self, org: OrgId, team: TeamId) -> Result<Vec<Submission>> {
        self.submissions_where(org, sql::OF_TEAM, team.0).await
    }

    async fn org_submissions(&self, org: OrgId) -> Result<Vec<Submission>> {
        self.submissions_where(org, sql::ALL, 0).await
    }
}
