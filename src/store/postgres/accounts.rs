//! Accounts, sessions and login throttling on PostgreSQL.

use super::PostgresStore;
use crate::domain::people::{Member, OrgId, UserId};
use crate::store::rows::{AttemptCountRow, CredentialsRow, SessionRow};
use crate::store::sql::{accounts as sql, MembersOf};
use crate::store::time::DbTime;
use crate::store::{changed_one, map_write_error, normalise_email};
use crate::store::{shared, Result};
use crate::store::{Accounts, AttemptCount, Credentials, SessionRecord, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl Accounts for PostgresStore {
    async fn credentials(&self, email: &str) -> Result<Option<Credentials>> {
        let row = sqlx::query_as::<_, CredentialsRow>(sql::CREDENTIALS)
            .bind(normalise_email(email))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(Credentials::from))
    }

    async fn member(&self, org: OrgId, user: UserId) -> Result<Member> {
        shared::member(&self.pool, MembersOf::OrgUser(org, user)).await
    }

    async fn member_by_user(&self, user: UserId) -> Result<Member> {
        shared::member(&self.pool, MembersOf::User(user)).await
    }

    async fn password_hash(&self, user: UserId) -> Result<String> {
        sqlx::query_scalar(sql::PASSWORD_HASH)
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn set_password(&self, user: UserId, hash: &str, now: DateTime<Utc>) -> Result<()> {
        let done = sqlx::query(sql::SET_PASSWORD)
            .bind(user.0)
            .bind(hash)
            .bind(DbTime::from(now))
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }

    async fn create_session(&self, s: &SessionRecord) -> Result<()> {
        sqlx::query(sql::INSERT_SESSION)
            .bind(&s.id_hash)
            .bind(s.user.0)
            .bind(DbTime::from(s.created_at))
            .bind(DbTime::from(s.last_seen_at))
            .bind(DbTime::from(s.expires_at))
            .execute(&self.pool)
            .await
            .map_err(|e| map_write_error(e, None))?;
        Ok(())
    }

    async fn session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        idle_cutoff: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>> {
        let row = sqlx::query_as::<_, SessionRow>(sql::SESSION)
            .bind(id_hash)
            .bind(DbTime::from(now))
            .bind(DbTime::from(idle_cutoff))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(SessionRecord::from))
    }

    async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(sql::TOUCH_SESSION)
            .bind(id_hash)
            .bind(DbTime::from(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query(sql::DELETE_SESSION)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_other_sessions(&self, user: UserId, keep: &str) -> Result<u64> {
        let done = sqlx::query(sql::DELETE_OTHER_SESSIONS)
            .bind(user.0)
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn purge_sessions(&self, now: DateTime<Utc>, idle_cutoff: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query(sql::PURGE_SESSIONS)
            .bind(DbTime::from(now))
            .bind(DbTime::from(idle_cutoff))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn record_try(
        &self,
        key: &str,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<(i64, AttemptCount)> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(sql::LOCK_TRY_KEY)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        let id: i64 = sqlx::query_scalar(sql::INSERT_ATTEMPT)
            .bind(key)
            .bind(DbTime::from(now))
            .fetch_one(&mut *tx)
            .await?;
        let row = sqlx::query_as::<_, AttemptCountRow>(sql::ATTEMPTS_SINCE)
            .bind(key)
            .bind(DbTime::from(since))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((id, row.into()))
    }

    async fn forget_tries(&self, ids: &[i64]) -> Result<()> {
        for id in ids {
            sqlx::query(sql::FORGET_ATTEMPT)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn purge_login_failures(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query(sql::PURGE_LOGIN_FAILURES)
            .bind(DbTime::from(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
