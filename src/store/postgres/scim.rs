//! SCIM provisioning and suspension on PostgreSQL: tokens, members, teams as groups.

use super::PostgresStore;
use crate::domain::people::{MemberRole, OrgId, TeamId, UserId};
use crate::store::rows::{self, ScimGroupRow, ScimMemberRow, ScimTokenRow};
use crate::store::rows::{ScimUserGroupRow, ScimUserRow};
use crate::store::shared::insert_member;
use crate::store::sql::{orgs as orgs_sql, scim as sql};
use crate::store::time::DbTime;
use crate::store::{changed_one, map_write_error, normalise_email, NewUser, Result, StoreError};
use crate::store::{Scim, ScimGroup, ScimToken, ScimUser, ScimUserFields};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres};

/// `NameTaken` if someone in `org` other than `user` has `user_name` as their SCIM userName.
async fn check_user_name(
    conn: &mut PgConnection,
    org: OrgId,
    user: Option<UserId>,
    user_name: &str,
) -> Result<()> {
    let taken = sqlx::query(sql::USER_NAME_TAKEN)
        .bind(org.0)
        .bind(user_name)
        .bind(user.map_or(0, |u| u.0))
        .fetch_optional(&mut *conn)
        .await?;
    match taken {
        Some(_) => Err(StoreError::NameTaken),
        None => Ok(()),
    }
}

/// Writes a member's SCIM attributes and suspension (inside the caller's transaction).
async fn write_attributes(
    conn: &mut PgConnection,
    org: OrgId,
    user: UserId,
    f: &ScimUserFields,
    now: DbTime,
) -> Result<()> {
    let done = sqlx::query(sql::SET_SCIM_ATTRIBUTES)
        .bind(user.0)
        .bind(org.0)
        .bind(&f.user_name)
        .bind(&f.given_name)
        .bind(&f.family_name)
        .bind(&f.display_name)
        .bind(&f.external_id)
        .execute(&mut *conn)
        .await
        .map_err(|e| map_write_error(e, Some(StoreError::NameTaken)))?;
    changed_one(done.rows_affected())?;
    if f.active {
        sqlx::query(sql::REACTIVATE)
            .bind(user.0)
            .bind(org.0)
            .execute(&mut *conn)
            .await?;
    } else {
        sqlx::query(sql::SUSPEND)
            .bind(user.0)
            .bind(org.0)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        sqlx::query(sql::END_SESSIONS)
            .bind(user.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces a team's members (inside the caller's transaction); `NotFound` if one is not of
/// `org`.
async fn write_members(
    conn: &mut PgConnection,
    org: OrgId,
    team: TeamId,
    members: &[UserId],
) -> Result<()> {
    let mut members = members.to_vec();
    members.sort();
    members.dedup();
    sqlx::query(sql::CLEAR_GROUP_MEMBERS)
        .bind(team.0)
        .execute(&mut *conn)
        .await?;
    for user in members {
        sqlx::query(orgs_sql::IS_MEMBER)
            .bind(user.0)
            .bind(org.0)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        sqlx::query(orgs_sql::INSERT_TEAM_MEMBER)
            .bind(team.0)
            .bind(user.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[async_trait]
impl Scim for PostgresStore {
    async fn use_scim_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, OrgId)>> {
        let found: Option<(i64, i64)> = sqlx::query_as(sql::USE_TOKEN)
            .bind(token_hash)
            .bind(DbTime::from(now))
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.map(|(id, org)| (id, OrgId(org))))
    }

    async fn create_scim_token(
        &self,
        org: OrgId,
        token_hash: &str,
        label: &str,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(sql::INSERT_TOKEN)
            .bind(org.0)
            .bind(token_hash)
            .bind(label)
            .bind(by.0)
            .bind(DbTime::from(now))
            .fetch_one(&self.pool)
            .await?)
    }

    async fn rotate_scim_token(
        &self,
        org: OrgId,
        id: i64,
        token_hash: &str,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let now = DbTime::from(now);
        let mut tx = self.pool.begin().await?;
        let label: String = sqlx::query_scalar(sql::REVOKE_TOKEN)
            .bind(id)
            .bind(org.0)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let new: i64 = sqlx::query_scalar(sql::INSERT_TOKEN)
            .bind(org.0)
            .bind(token_hash)
            .bind(label)
            .bind(by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(new)
    }

    async fn revoke_scim_token(&self, org: OrgId, id: i64, now: DateTime<Utc>) -> Result<String> {
        sqlx::query_scalar(sql::REVOKE_TOKEN)
            .bind(id)
            .bind(org.0)
            .bind(DbTime::from(now))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn scim_tokens(&self, org: OrgId) -> Result<Vec<ScimToken>> {
        let found = sqlx::query_as::<_, ScimTokenRow>(sql::TOKENS)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(found.into_iter().map(ScimToken::from).collect())
    }

    async fn scim_users(&self, org: OrgId) -> Result<Vec<ScimUser>> {
        let users = sqlx::query_as::<_, ScimUserRow>(&sql::users())
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        let groups = sqlx::query_as::<_, ScimUserGroupRow>(sql::USER_GROUPS)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows::scim_users(users, groups))
    }

    async fn scim_user(&self, org: OrgId, user: UserId) -> Result<ScimUser> {
        let found = sqlx::query_as::<_, ScimUserRow>(&sql::user())
            .bind(org.0)
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        // The organisation's team links, narrowed to this member in `rows::scim_users`.
        let groups = sqlx::query_as::<_, ScimUserGroupRow>(sql::USER_GROUPS)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows::scim_users(vec![found], groups)
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    async fn create_scim_user(
        &self,
        org: OrgId,
        f: &ScimUserFields,
        password_hash: &str,
        roles: &[MemberRole],
        now: DateTime<Utc>,
    ) -> Result<UserId> {
        let now = DbTime::from(now);
        let mut tx = self.pool.begin().await?;
        check_user_name(&mut tx, org, None, &f.user_name).await?;
        let new = NewUser {
            email: f.email.clone(),
            name: f.name.clone(),
            password_hash: password_hash.to_string(),
        };
        let user = insert_member::<Postgres>(&mut tx, org, &new, roles, now).await?;
        write_attributes(&mut tx, org, user, f, now).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn update_scim_user(
        &self,
        org: OrgId,
        user: UserId,
        f: &ScimUserFields,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = DbTime::from(now);
        let mut tx = self.pool.begin().await?;
        sqlx::query(orgs_sql::IS_MEMBER)
            .bind(user.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_user_name(&mut tx, org, Some(user), &f.user_name).await?;
        sqlx::query(sql::SET_USER)
            .bind(user.0)
            .bind(normalise_email(&f.email))
            .bind(&f.name)
            .execute(&mut *tx)
            .await
            .map_err(|e| map_write_error(e, Some(StoreError::EmailTaken)))?;
        write_attributes(&mut tx, org, user, f, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn suspend_member(&self, org: OrgId, user: UserId, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(sql::SUSPEND)
            .bind(user.0)
            .bind(org.0)
            .bind(DbTime::from(now))
            .execute(&mut *tx)
            .await?;
        changed_one(done.rows_affected())?;
        let ended = sqlx::query(sql::END_SESSIONS)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ended.rows_affected())
    }

    async fn reactivate_member(&self, org: OrgId, user: UserId) -> Result<()> {
        let done = sqlx::query(sql::REACTIVATE)
            .bind(user.0)
            .bind(org.0)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }

    async fn suspended_members(&self, org: OrgId) -> Result<Vec<UserId>> {
        let ids: Vec<i64> = sqlx::query_scalar(sql::SUSPENDED)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().map(UserId).collect())
    }

    async fn scim_groups(&self, org: OrgId) -> Result<Vec<ScimGroup>> {
        let groups = sqlx::query_as::<_, ScimGroupRow>(sql::GROUPS)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        let members = sqlx::query_as::<_, ScimMemberRow>(sql::GROUP_MEMBERS)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows::scim_groups(groups, members))
    }

    async fn scim_group(&self, org: OrgId, team: TeamId) -> Result<ScimGroup> {
        let group = sqlx::query_as::<_, ScimGroupRow>(sql::GROUP)
            .bind(org.0)
            .bind(team.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let members = sqlx::query_as::<_, ScimMemberRow>(sql::GROUP_MEMBERS)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows::scim_groups(vec![group], members)
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    async fn create_scim_group(
        &self,
        org: OrgId,
        name: &str,
        external_id: Option<&str>,
        members: &[UserId],
    ) -> Result<TeamId> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(sql::INSERT_GROUP)
            .bind(org.0)
            .bind(name)
            .bind(external_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| map_write_error(e, Some(StoreError::NameTaken)))?;
        write_members(&mut tx, org, TeamId(id), members).await?;
        tx.commit().await?;
        Ok(TeamId(id))
    }

    async fn update_scim_group(
        &self,
        org: OrgId,
        team: TeamId,
        name: &str,
        external_id: Option<&str>,
        members: &[UserId],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(sql::SET_GROUP)
            .bind(team.0)
            .bind(org.0)
            .bind(name)
            .bind(external_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| map_write_error(e, Some(StoreError::NameTaken)))?;
        changed_one(done.rows_affected())?;
        write_members(&mut tx, org, team, members).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_scim_group(&self, org: OrgId, team: TeamId) -> Result<()> {
        let done = sqlx::query(sql::DELETE_GROUP)
            .bind(team.0)
            .bind(org.0)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }
}
