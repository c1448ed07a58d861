//! Single sign-on on SQLite: provider settings, linked identities and sign-ins in progress.
//! The same methods as `postgres/sso.rs`, over the SQL in `sql/sso.rs`.

use super::SqliteStore;
use crate::domain::people::{MemberRole, OrgId, TeamId, UserId};
use crate::store::rows::{
    encode_domains, encode_group_teams, SsoConfigRow, SsoIdentityRow, SsoLoginRow,
    SsoPendingLinkRow,
};
use crate::store::shared::insert_member;
use crate::store::sql::{orgs as org_sql, sso as sql};
use crate::store::time::DbTime;
use crate::store::{
    changed_one, map_write_error, NewUser, Result, Sso, SsoConfig, SsoIdentity, SsoLogin,
    SsoPendingLink, StoreError,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Sqlite;

#[async_trait]
impl Sso for SqliteStore {
    async fn sso_config(&self, org: OrgId) -> Result<Option<SsoConfig>> {
        let row = sqlx::query_as::<_, SsoConfigRow>(sql::SSO_CONFIG)
            .bind(org.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(SsoConfig::try_from).transpose()
    }

    async fn enabled_sso_configs(&self) -> Result<Vec<SsoConfig>> {
        let rows = sqlx::query_as::<_, SsoConfigRow>(sql::ENABLED_SSO_CONFIGS)
            .bind(true)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(SsoConfig::try_from).collect()
    }

    async fn save_sso_config(&self, c: &SsoConfig) -> Result<()> {
        sqlx::query(sql::UPSERT_SSO_CONFIG)
            .bind(c.org.0)
            .bind(&c.issuer)
            .bind(&c.client_id)
            .bind(&c.client_secret)
            .bind(encode_domains(&c.email_domains))
            .bind(&c.match_claim)
            .bind(c.default_role.key())
            .bind(c.groups_claim.as_deref())
            .bind(encode_group_teams(&c.group_teams))
            .bind(c.enabled)
            .bind(c.mandatory)
            .bind(DbTime::from(c.updated_at))
            .execute(&self.pool)
            .await
            .map_err(|e| map_write_error(e, None))?;
        Ok(())
    }

    async fn create_sso_login(&self, l: &SsoLogin) -> Result<()> {
        sqlx::query(sql::INSERT_SSO_LOGIN)
            .bind(&l.state_hash)
            .bind(l.org.0)
            .bind(&l.issuer)
            .bind(&l.nonce)
            .bind(&l.pkce_verifier)
            .bind(&l.browser_hash)
            .bind(&l.next)
            .bind(DbTime::from(l.created_at))
            .bind(DbTime::from(l.expires_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn take_sso_login(&self, state_hash: &str) -> Result<Option<SsoLogin>> {
        let row = sqlx::query_as::<_, SsoLoginRow>(sql::TAKE_SSO_LOGIN)
            .bind(state_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(SsoLogin::from))
    }

    async fn sso_identity(&self, issuer: &str, subject: &str) -> Result<Option<SsoIdentity>> {
        let row = sqlx::query_as::<_, SsoIdentityRow>(sql::SSO_IDENTITY)
            .bind(issuer)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(SsoIdentity::from))
    }

    async fn sso_identities(&self, org: OrgId, user: UserId) -> Result<Vec<SsoIdentity>> {
        let rows = sqlx::query_as::<_, SsoIdentityRow>(sql::SSO_IDENTITIES_OF)
            .bind(org.0)
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(SsoIdentity::from).collect())
    }

    async fn link_sso_identity(
        &self,
        org: OrgId,
        user: UserId,
        issuer: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let member = sqlx::query_scalar::<_, Option<DbTime>>(sql::MEMBER_SUSPENDED_AT)
            .bind(org.0)
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?;
        if member.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(sql::INSERT_SSO_IDENTITY)
            .bind(issuer)
            .bind(subject)
            .bind(user.0)
            .bind(org.0)
            .bind(DbTime::from(now))
            .bind(None::<DbTime>)
            .execute(&self.pool)
            .await
            .map_err(|e| map_write_error(e, Some(StoreError::Duplicate)))?;
        Ok(())
    }

    async fn touch_sso_identity(
        &self,
        issuer: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(sql::TOUCH_SSO_IDENTITY)
            .bind(issuer)
            .bind(subject)
            .bind(DbTime::from(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn unlink_sso_identity(
        &self,
        org: OrgId,
        user: UserId,
        issuer: &str,
        subject: &str,
    ) -> Result<()> {
        let done = sqlx::query(sql::DELETE_SSO_IDENTITY)
            .bind(org.0)
            .bind(user.0)
            .bind(issuer)
            .bind(subject)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }

    async fn member_by_external_id(&self, org: OrgId, external_id: &str) -> Result<Option<UserId>> {
        let found = sqlx::query_scalar::<_, i64>(sql::MEMBER_BY_EXTERNAL_ID)
            .bind(org.0)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.map(UserId))
    }

    async fn member_suspended(&self, org: OrgId, user: UserId) -> Result<bool> {
        let found = sqlx::query_scalar::<_, Option<DbTime>>(sql::MEMBER_SUSPENDED_AT)
            .bind(org.0)
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?;
        found.map(|at| at.is_some()).ok_or(StoreError::NotFound)
    }

    async fn refresh_profile(
        &self,
        org: OrgId,
        user: UserId,
        name: &str,
        email: Option<&str>,
    ) -> Result<()> {
        let done = match email {
            Some(email) => sqlx::query(sql::REFRESH_PROFILE)
                .bind(user.0)
                .bind(name)
                .bind(email.trim().to_lowercase())
                .bind(org.0)
                .execute(&self.pool)
                .await
                .map_err(|e| map_write_error(e, Some(StoreError::EmailTaken)))?,
            None => {
                sqlx::query(sql::REFRESH_NAME)
                    .bind(user.0)
                    .bind(name)
                    .bind(org.0)
                    .execute(&self.pool)
                    .await?
            }
        };
        changed_one(done.rows_affected())
    }

    async fn create_sso_member(
        &self,
        org: OrgId,
        user: &NewUser,
        roles: &[MemberRole],
        teams: &[TeamId],
        issuer: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<UserId> {
        let now = DbTime::from(now);
        let mut tx = self.write().await?;
        crate::store::shared::check_teams::<Sqlite>(&mut tx, org, teams).await?;
        let id = insert_member::<Sqlite>(&mut tx, org, user, roles, now).await?;
        for team in crate::store::canonical_teams(teams) {
            sqlx::query(org_sql::INSERT_TEAM_MEMBER)
                .bind(team.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(sql::INSERT_SSO_IDENTITY)
            .bind(issuer)
            .bind(subject)
            .bind(id.0)
            .bind(org.0)
            .bind(now)
            .bind(Some(now))
            .execute(&mut *tx)
            .await
            .map_err(|e| map_write_error(e, Some(StoreError::Duplicate)))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn create_sso_pending_link(&self, l: &SsoPendingLink) -> Result<()> {
        sqlx::query(sql::INSERT_SSO_PENDING_LINK)
            .bind(&l.token_hash)
            .bind(l.org.0)
            .bind(l.user.0)
            .bind(&l.issuer)
            .bind(&l.subject)
            .bind(&l.name)
            .bind(&l.email)
            .bind(&l.id_token)
            .bind(&l.next)
            .bind(DbTime::from(l.created_at))
            .bind(DbTime::from(l.expires_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn sso_pending_link(&self, token_hash: &str) -> Result<Option<SsoPendingLink>> {
        let row = sqlx::query_as::<_, SsoPendingLinkRow>(sql::SSO_PENDING_LINK)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(SsoPendingLink::from))
    }

    async fn take_sso_pending_link(&self, token_hash: &str) -> Result<Option<SsoPendingLink>> {
        let row = sqlx::query_as::<_, SsoPendingLinkRow>(sql::TAKE_SSO_PENDING_LINK)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(SsoPendingLink::from))
    }

    async fn record_sso_session(
        &self,
        session_hash: &str,
        org: OrgId,
        id_token: &str,
    ) -> Result<()> {
        sqlx::query(sql::INSERT_SSO_SESSION)
            .bind(session_hash)
            .bind(org.0)
            .bind(id_token)
            .execute(&self.pool)
            .await
            .map_err(|e| map_write_error(e, None))?;
        Ok(())
    }

    async fn sso_session_id_token(&self, session_hash: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar::<_, String>(sql::SSO_SESSION_ID_TOKEN)
            .bind(session_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn purge_sso_flows(&self, now: DateTime<Utc>) -> Result<u64> {
        let now = DbTime::from(now);
        let mut gone = 0;
        for purge in [sql::PURGE_SSO_LOGINS, sql::PURGE_SSO_PENDING_LINKS] {
            let done = sqlx::query(purge).bind(now).execute(&self.pool).await?;
            gone += done.rows_affected();
        }
        Ok(gone)
    }
}
