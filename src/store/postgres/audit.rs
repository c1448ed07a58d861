//! The security audit log on PostgreSQL.

use super::PostgresStore;
use crate::domain::people::{OrgId, UserId};
use crate::store::rows::AuditRow;
use crate::store::sql::audit as sql;
use crate::store::time::DbTime;
use crate::store::{Audit, AuditEvent, NewAuditEvent, Result};
use async_trait::async_trait;

#[async_trait]
impl Audit for PostgresStore {
    async fn record_audit(&self, e: &NewAuditEvent) -> Result<()> {
        sqlx::query(sql::INSERT_AUDIT_EVENT)
            .bind(e.org.map(|o| o.0))
            .bind(e.actor_id.map(|u| u.0))
            .bind(&e.actor)
            .bind(&e.action)
            .bind(e.target.as_deref())
            .bind(e.detail.as_deref())
            .bind(e.address.as_deref())
            .bind(DbTime::from(e.at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn pseudonymise_audit(&self, org: OrgId, user: UserId, pseudonym: &str) -> Result<u64> {
        let done = sqlx::query(sql::PSEUDONYMISE_AUDIT)
            .bind(org.0)
            .bind(user.0)
            .bind(pseudonym)
            .bind(format!("user:{}", user.0))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn audit_events(&self, org: OrgId, offset: i64, limit: i64) -> Result<Vec<AuditEvent>> {
        let found = sqlx::query_as::<_, AuditRow>(sql::AUDIT_EVENTS)
            .bind(org.0)
            .bind(limit.max(0))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        Ok(found.into_iter().map(AuditEvent::from).collect())
    }
}
