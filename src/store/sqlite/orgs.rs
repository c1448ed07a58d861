//! Organisations on SQLite: first run, teams, members and invitations.

use super::SqliteStore;
use crate::domain::people::Member;
use crate::domain::people::{MemberRole, OrgId, Organisation, Team, TeamId, UserId};
use crate::store::rows::{self, parse_role, InvitationRow, OrgRow, TeamRow, UsedInvitationRow};
use crate::store::shared::{self, check_teams, insert_member, insert_organisation};
use crate::store::sql::{orgs as sql, MembersOf};
use crate::store::time::DbTime;
use crate::store::Result;
use crate::store::{canonical_roles, canonical_teams, changed_one, map_write_error};
use crate::store::{normalise_email, Assignment, Invitation, NewUser, OrgOrigin, Orgs, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Sqlite;

#[async_trait]
impl Orgs for SqliteStore {
    async fn organisation_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(sql::ORGANISATION_COUNT)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn real_organisation_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(sql::REAL_ORGANISATION_COUNT)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn organisation_ids(&self) -> Result<Vec<OrgId>> {
        let ids: Vec<i64> = sqlx::query_scalar(sql::ORGANISATION_IDS)
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().map(OrgId).collect())
    }

    async fn create_setup_token(&self, token_hash: &str, expires: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        // Only the newest first-run link works.
        sqlx::query(sql::DELETE_SETUP_TOKENS)
            .execute(&mut *tx)
            .await?;
        sqlx::query(sql::INSERT_SETUP_TOKEN)
            .bind(token_hash)
            .bind(DbTime::now())
            .bind(DbTime::from(expires))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn setup_token_usable(&self, token_hash: &str, now: DateTime<Utc>) -> Result<bool> {
        let found: i64 = sqlx::query_scalar(sql::SETUP_TOKEN_USABLE)
            .bind(token_hash)
            .bind(DbTime::from(now))
            .fetch_one(&self.pool)
            .await?;
        Ok(found > 0)
    }

    async fn setup_organisation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        org_name: &str,
        admin: &NewUser,
    ) -> Result<(OrgId, UserId)> {
        let now = DbTime::from(now);
        let mut tx = self.write().await?;
        let used = sqlx::query(sql::USE_SETUP_TOKEN)
            .bind(token_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if used.rows_affected() != 1 {
            return Err(StoreError::TokenInvalid);
        }
        sqlx::query(sql::DELETE_SETUP_TOKENS)
            .execute(&mut *tx)
            .await?;
        let existing: i64 = sqlx::query_scalar(sql::ORGANISATION_COUNT)
            .fetch_one(&mut *tx)
            .await?;
        if existing > 0 {
            // First run is over: a leftover link creates nothing, and every token goes.
            tx.commit().await?;
            return Err(StoreError::TokenInvalid);
        }
        let created =
            insert_organisation::<Sqlite>(&mut tx, org_name, admin, OrgOrigin::Real, now).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn create_organisation(
        &self,
        name: &str,
        admin: &NewUser,
        origin: OrgOrigin,
        now: DateTime<Utc>,
    ) -> Result<(OrgId, UserId)> {
        let mut tx = self.write().await?;
        let created =
            insert_organisation::<Sqlite>(&mut tx, name, admin, origin, DbTime::from(now)).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn organisation(&self, org: OrgId) -> Result<Organisation> {
        sqlx::query_as::<_, OrgRow>(sql::ORGANISATION)
            .bind(org.0)
            .fetch_optional(&self.pool)
            .await?
            .map(Organisation::from)
            .ok_or(StoreError::NotFound)
    }

    async fn teams(&self, org: OrgId) -> Result<Vec<Team>> {
        let found = sqlx::query_as::<_, TeamRow>(sql::TEAMS)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows::teams(found))
    }

    async fn create_team(&self, org: OrgId, name: &str) -> Result<TeamId> {
        let id: i64 = sqlx::query_scalar(sql::INSERT_TEAM)
            .bind(org.0)
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| map_write_error(e, Some(StoreError::NameTaken)))?;
        Ok(TeamId(id))
    }

    async fn members(&self, org: OrgId) -> Result<Vec<Member>> {
        shared::members(&self.pool, MembersOf::Org(org)).await
    }

    async fn assign(&self, org: OrgId, user: UserId, a: &Assignment) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(sql::IS_MEMBER)
            .bind(user.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (teams, manages) = (canonical_teams(&a.teams), canonical_teams(&a.manages));
        check_teams::<Sqlite>(&mut tx, org, &teams).await?;
        check_teams::<Sqlite>(&mut tx, org, &manages).await?;
        for delete in sql::DELETE_ASSIGNMENT {
            sqlx::query(delete).bind(user.0).execute(&mut *tx).await?;
        }
        for role in canonical_roles(a.roles.iter().copied()) {
            sqlx::query(sql::INSERT_ROLE)
                .bind(user.0)
                .bind(role.key())
                .execute(&mut *tx)
                .await?;
        }
        for (insert, teams) in [
            (sql::INSERT_TEAM_MEMBER, teams),
            (sql::INSERT_TEAM_MANAGER, manages),
        ] {
            for team in teams {
                sqlx::query(insert)
                    .bind(team.0)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn remove_member(&self, org: OrgId, user: UserId) -> Result<()> {
        let done = sqlx::query(sql::REMOVE_MEMBER)
            .bind(user.0)
            .bind(org.0)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }

    async fn create_invitation(&self, i: &Invitation) -> Result<i64> {
        let created_at = DbTime::from(i.created_at);
        let expires_at = DbTime::from(i.expires_at);
        let used_at = i.used_at.map(DbTime::from);
        let mut tx = self.write().await?;
        // The inviter and the team must be of the invitation's organisation.
        sqlx::query(sql::IS_MEMBER)
            .bind(i.created_by.0)
            .bind(i.org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_teams::<Sqlite>(&mut tx, i.org, i.team.as_slice()).await?;
        let id: i64 = sqlx::query_scalar(sql::INSERT_INVITATION)
            .bind(i.org.0)
            .bind(&i.token_hash)
            .bind(i.email.as_deref().map(normalise_email))
            .bind(i.role.key())
            .bind(i.team.map(|t| t.0))
            .bind(i.created_by.0)
            .bind(created_at)
            .bind(expires_at)
            .bind(used_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| map_write_error(e, None))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn invitations(&self, org: OrgId, now: DateTime<Utc>) -> Result<Vec<Invitation>> {
        let found = sqlx::query_as::<_, InvitationRow>(&sql::invitations())
            .bind(org.0)
            .bind(DbTime::from(now))
            .fetch_all(&self.pool)
            .await?;
        found.into_iter().map(Invitation::try_from).collect()
    }

    async fn invitation(&self, token_hash: &str) -> Result<Option<Invitation>> {
        let found = sqlx::query_as::<_, InvitationRow>(&sql::invitation())
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        found.map(Invitation::try_from).transpose()
    }

    async fn accept_invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        user: &NewUser,
    ) -> Result<(OrgId, UserId)> {
        let now = DbTime::from(now);
        let mut tx = self.write().await?;
        let used = sqlx::query_as::<_, UsedInvitationRow>(sql::USE_INVITATION)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::TokenInvalid)?;
        // An invitation made out to an email is that person's only (the update rolls back).
        if used
            .email
            .as_deref()
            .is_some_and(|e| normalise_email(e) != normalise_email(&user.email))
        {
            return Err(StoreError::TokenInvalid);
        }
        let (org, role) = (OrgId(used.org_id), parse_role(&used.role)?);
        let user =
            insert_member::<Sqlite>(&mut tx, org, user, &[role, MemberRole::Learner], now).await?;
        sqlx::query(sql::SET_INVITATION_USER)
            .bind(used.id)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if let Some(team) = used.team_id {
            let manages = (role == MemberRole::Manager).then_some(sql::INSERT_TEAM_MANAGER);
            for insert in [Some(sql::INSERT_TEAM_MEMBER), manages]
                .into_iter()
                .flatten()
            {
                sqlx::query(insert)
                    .bind(team)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok((org, user))
    }

    async fn revoke_invitation(&self, org: OrgId, id: i64) -> Result<()> {
        let done = sqlx::query(sql::REVOKE_INVITATION)
            .bind(id)
            .bind(org.0)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }
}
