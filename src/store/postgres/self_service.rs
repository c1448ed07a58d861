//! Account self-service on PostgreSQL: session list, erasure requests, password resets.

use super::PostgresStore;
use crate::domain::people::{OrgId, UserId};
use crate::store::rows::{AccountRow, ErasureRow, SessionInfoRow};
use crate::store::sql::{accounts as accounts_sql, orgs as orgs_sql, self_service as sql};
use crate::store::time::DbTime;
use crate::store::{changed_one, Result, StoreError};
use crate::store::{AccountRecord, ErasureRequest, PasswordReset, SelfService, SessionInfo};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl SelfService for PostgresStore {
    async fn record_session_client(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        user_agent: Option<&str>,
        client_addr: Option<&str>,
    ) -> Result<()> {
        sqlx::query(sql::RECORD_SESSION_CLIENT)
            .bind(id_hash)
            .bind(DbTime::from(now))
            .bind(user_agent)
            .bind(client_addr)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn user_sessions(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        idle_cutoff: DateTime<Utc>,
    ) -> Result<Vec<SessionInfo>> {
        let rows = sqlx::query_as::<_, SessionInfoRow>(sql::USER_SESSIONS)
            .bind(user.0)
            .bind(DbTime::from(now))
            .bind(DbTime::from(idle_cutoff))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(SessionInfo::from).collect())
    }

    async fn end_user_session(&self, user: UserId, id_hash: &str) -> Result<()> {
        let done = sqlx::query(sql::END_USER_SESSION)
            .bind(user.0)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }

    async fn account(&self, org: OrgId, user: UserId) -> Result<AccountRecord> {
        sqlx::query_as::<_, AccountRow>(sql::ACCOUNT)
            .bind(org.0)
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?
            .map(AccountRecord::from)
            .ok_or(StoreError::NotFound)
    }

    async fn request_erasure(&self, org: OrgId, user: UserId, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(sql::REQUEST_ERASURE)
            .bind(org.0)
            .bind(user.0)
            .bind(DbTime::from(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn withdraw_erasure(&self, org: OrgId, user: UserId) -> Result<()> {
        sqlx::query(sql::WITHDRAW_ERASURE)
            .bind(org.0)
            .bind(user.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn erasure_requests(&self, org: OrgId) -> Result<Vec<ErasureRequest>> {
        let rows = sqlx::query_as::<_, ErasureRow>(sql::ERASURE_REQUESTS)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(ErasureRequest::from).collect())
    }

    async fn erase_member(&self, org: OrgId, user: UserId) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query_as::<_, ErasureRow>(sql::ERASURE_PENDING)
            .bind(org.0)
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        for statement in sql::ERASE {
            sqlx::query(statement)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn create_password_reset(&self, r: &PasswordReset) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(orgs_sql::IS_MEMBER)
            .bind(r.user.0)
            .bind(r.org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        sqlx::query(sql::DROP_UNUSED_RESETS)
            .bind(r.user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(sql::INSERT_RESET)
            .bind(&r.token_hash)
            .bind(r.user.0)
            .bind(r.org.0)
            .bind(r.created_by.0)
            .bind(DbTime::from(r.created_at))
            .bind(DbTime::from(r.expires_at))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn password_reset_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>> {
        let user: Option<i64> = sqlx::query_scalar(sql::VALID_RESET)
            .bind(token_hash)
            .bind(DbTime::from(now))
            .fetch_optional(&self.pool)
            .await?;
        Ok(user.map(UserId))
    }

    async fn use_password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        password_hash: &str,
    ) -> Result<UserId> {
        let mut tx = self.pool.begin().await?;
        let user: i64 = sqlx::query_scalar(sql::USE_RESET)
            .bind(token_hash)
            .bind(DbTime::from(now))
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::TokenInvalid)?;
        sqlx::query(accounts_sql::SET_PASSWORD)
            .bind(user)
            .bind(password_hash)
            .bind(DbTime::from(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query(sql::END_ALL_SESSIONS)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(UserId(user))
    }
}
