//! The SQLite store: the embedded default. WAL mode, foreign keys on, a busy timeout.
//!
//! Times are stored as text in one fixed-width UTC form (see [`super::format_time`]), so that
//! comparing the text compares the times. Every multi-statement write runs in a transaction
//! opened with `BEGIN IMMEDIATE`: it takes the write lock up front (waiting up to the busy
//! timeout), so it never fails half-way with "database is locked" when upgrading a read lock.
//! Single-statement writes run in autocommit mode, where SQLite also takes the write lock
//! before the statement starts, with the same busy timeout.

use super::{
    assemble_members, canonical_roles, canonical_teams, changed_one, decode_selected,
    encode_selected, format_time, map_write_error, normalise_email, normalise_time, now_time,
    parse_role, sort_teams, to_u32, to_u8, unpack_estimates, Assignment, ComputedEstimates,
    Credentials, Invitation, MemberScope, ModuleRecord, NewUser, ScarcityOverride, SelfRating,
    SessionRecord, Snapshot, StaleEstimates, Store, StoreError, PACKED_ESTIMATE,
};
use crate::domain::proficiency::Estimate;

use crate::domain::people::{
    AttemptId, Member, MemberRole, OrgId, Organisation, Team, TeamId, UserId,
};
use crate::domain::progress::{AnswerRecord, Attempt, ModuleProgress, NewAttempt};
use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let filename = opts.get_filename().to_path_buf();
        let in_memory = url.contains(":memory:") || filename.as_os_str().is_empty();
        if !in_memory {
            if let Some(dir) = filename.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(if in_memory { 1 } else { 8 })
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction, holding the write lock from its first statement.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// The member queries' filter on `memberships m`, with its binds in order.
fn scope_filter(scope: MemberScope) -> (&'static str, Vec<i64>) {
    match scope {
        MemberScope::Org(org) => ("m.org_id = ?1", vec![org.0]),
        MemberScope::OrgUser(org, user) => {
            ("m.org_id = ?1 AND m.user_id = ?2", vec![org.0, user.0])
        }
        MemberScope::User(user) => ("m.user_id = ?1", vec![user.0]),
    }
}

/// Members in `scope`, ordered by name: three queries whatever their number.
async fn load_members(
    conn: &mut SqliteConnection,
    scope: MemberScope,
) -> Result<Vec<Member>, StoreError> {
    let (filter, binds) = scope_filter(scope);
    let sql = format!(
        "SELECT m.user_id, m.org_id, u.email, u.name, m.target_role FROM memberships m
         JOIN users u ON u.id = m.user_id WHERE {filter}"
    );
    let mut q = sqlx::query_as::<_, (i64, i64, String, String, Option<String>)>(&sql);
    for b in &binds {
        q = q.bind(*b);
    }
    let people = q.fetch_all(&mut *conn).await?;
    if people.is_empty() {
        return Ok(Vec::new());
    }

    let sql = format!(
        "SELECT r.user_id, r.role FROM membership_roles r
         JOIN memberships m ON m.user_id = r.user_id WHERE {filter}"
    );
    let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
    for b in &binds {
        q = q.bind(*b);
    }
    let roles = q.fetch_all(&mut *conn).await?;

    let sql = format!(
        "SELECT t.user_id, t.team_id, 0 FROM team_members t
         JOIN memberships m ON m.user_id = t.user_id WHERE {filter}
         UNION ALL
         SELECT t.user_id, t.team_id, 1 FROM team_managers t
         JOIN memberships m ON m.user_id = t.user_id WHERE {filter}"
    );
    let mut q = sqlx::query_as::<_, (i64, i64, bool)>(&sql);
    for b in &binds {
        q = q.bind(*b);
    }
    let teams = q.fetch_all(&mut *conn).await?;

    assemble_members(people, roles, teams)
}

async fn load_member(pool: &SqlitePool, scope: MemberScope) -> Result<Member, StoreError> {
    let mut conn = pool.acquire().await?;
    load_members(&mut conn, scope)
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// Creates a user with a membership of `org` and `roles`; `EmailTaken` if the email is in use.
async fn insert_member(
    conn: &mut SqliteConnection,
    org: OrgId,
    user: &NewUser,
    roles: &[MemberRole],
    now: &str,
) -> Result<UserId, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
    )
    .bind(normalise_email(&user.email))
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| map_write_error(e, Some(StoreError::EmailTaken)))?;
    sqlx::query("INSERT INTO memberships (user_id, org_id) VALUES (?1, ?2)")
        .bind(id)
        .bind(org.0)
        .execute(&mut *conn)
        .await?;
    for role in canonical_roles(roles.iter().copied()) {
        sqlx::query("INSERT INTO membership_roles (user_id, role) VALUES (?1, ?2)")
            .bind(id)
            .bind(role.key())
            .execute(&mut *conn)
            .await?;
    }
    Ok(UserId(id))
}

/// `NotFound` unless every team is one of `org`'s.
async fn check_teams(
    conn: &mut SqliteConnection,
    org: OrgId,
    teams: &[TeamId],
) -> Result<(), StoreError> {
    for team in canonical_teams(teams) {
        sqlx::query("SELECT 1 FROM teams WHERE id = ?1 AND org_id = ?2")
            .bind(team.0)
            .bind(org.0)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
    }
    Ok(())
}

/// Answers stored per `INSERT` statement.
const ANSWERS_PER_INSERT: usize = 4000;

const SESSION_COLUMNS: &str = "id_hash, user_id, created_at, last_seen_at, expires_at";

fn session_from_row(r: &SqliteRow) -> Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        id_hash: r.try_get("id_hash")?,
        user: UserId(r.try_get("user_id")?),
        created_at: r.try_get("created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

const INVITATION_COLUMNS: &str =
    "id, org_id, token_hash, email, role, team_id, created_by, created_at, expires_at, used_at";

fn invitation_from_row(r: &SqliteRow) -> Result<Invitation, StoreError> {
    Ok(Invitation {
        id: r.try_get("id")?,
        org: OrgId(r.try_get("org_id")?),
        token_hash: r.try_get("token_hash")?,
        email: r.try_get("email")?,
        role: parse_role(r.try_get("role")?)?,
        team: r.try_get::<Option<i64>, _>("team_id")?.map(TeamId),
        created_by: UserId(r.try_get("created_by")?),
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        used_at: r.try_get("used_at")?,
    })
}

fn progress_from_row(r: &SqliteRow) -> Result<ModuleProgress, StoreError> {
    Ok(ModuleProgress {
        user: UserId(r.try_get("user_id")?),
        module: r.try_get("module_id")?,
        sections_reached: to_u32(r.try_get("sections_reached")?, "sections_reached")?,
        sections_total: to_u32(r.try_get("sections_total")?, "sections_total")?,
        resume_anchor: r.try_get("resume_anchor")?,
        started_at: r.try_get("started_at")?,
        updated_at: r.try_get("updated_at")?,
        completed_at: r.try_get("completed_at")?,
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn sync_modules(&self, modules: &[ModuleRecord]) -> Result<(), StoreError> {
        let now = format_time(now_time());
        let mut tx = self.write().await?;
        sqlx::query("UPDATE module_registry SET present = 0")
            .execute(&mut *tx)
            .await?;
        for m in modules {
            sqlx::query(
                "INSERT INTO module_registry (id, slug, title, content_hash, first_seen, last_seen, present)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1)
                 ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, title = excluded.title,
                   content_hash = excluded.content_hash, last_seen = excluded.last_seen, present = 1",
            )
            .bind(&m.id)
            .bind(&m.slug)
            .bind(&m.title)
            .bind(&m.content_hash)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn module_registry(&self) -> Result<Vec<ModuleRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, slug, title, content_hash, present FROM module_registry ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(ModuleRecord {
                    id: r.try_get("id")?,
                    slug: r.try_get("slug")?,
                    title: r.try_get("title")?,
                    content_hash: r.try_get("content_hash")?,
                    present: r.try_get::<i64, _>("present")? == 1,
                })
            })
            .collect()
    }

    async fn organisation_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn create_setup_token(
        &self,
        token_hash: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let expires_at = normalise_time(expires_at)?;
        sqlx::query(
            "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?1, ?2, ?3)",
        )
        .bind(token_hash)
        .bind(format_time(now_time()))
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn setup_organisation(
        &self,
        token_hash: &str,
        now: &str,
        org_name: &str,
        admin: &NewUser,
    ) -> Result<(OrgId, UserId), StoreError> {
        let now = normalise_time(now)?;
        let mut tx = self.write().await?;
        let used = sqlx::query(
            "UPDATE setup_tokens SET used_at = ?2
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        )
        .bind(token_hash)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Err(StoreError::TokenInvalid);
        }
        let org: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (name, created_at) VALUES (?1, ?2) RETURNING id",
        )
        .bind(org_name)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        let org = OrgId(org);
        let user = insert_member(&mut tx, org, admin, &MemberRole::ALL, &now).await?;
        tx.commit().await?;
        Ok((org, user))
    }

    async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query_as::<_, (i64, i64, String)>(
            "SELECT u.id, m.org_id, u.password_hash FROM users u
             JOIN memberships m ON m.user_id = u.id WHERE u.email = ?1",
        )
        .bind(normalise_email(email))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(user, org, password_hash)| Credentials {
            user: UserId(user),
            org: OrgId(org),
            password_hash,
        }))
    }

    async fn member(&self, org: OrgId, user: UserId) -> Result<Member, StoreError> {
        load_member(&self.pool, MemberScope::OrgUser(org, user)).await
    }

    async fn member_by_user(&self, user: UserId) -> Result<Member, StoreError> {
        load_member(&self.pool, MemberScope::User(user)).await
    }

    async fn organisation(&self, org: OrgId) -> Result<Organisation, StoreError> {
        let (id, name) =
            sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM organisations WHERE id = ?1")
                .bind(org.0)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
        Ok(Organisation {
            id: OrgId(id),
            name,
        })
    }

    async fn password_hash(&self, user: UserId) -> Result<String, StoreError> {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let now = normalise_time(now)?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
        )
        .bind(user.0)
        .bind(password_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        changed_one(done.rows_affected())
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&session.id_hash)
        .bind(session.user.0)
        .bind(normalise_time(&session.created_at)?)
        .bind(normalise_time(&session.last_seen_at)?)
        .bind(normalise_time(&session.expires_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| map_write_error(e, None))?;
        Ok(())
    }

    async fn session(
        &self,
        id_hash: &str,
        now: &str,
        idle_cutoff: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let now = normalise_time(now)?;
        let idle_cutoff = normalise_time(idle_cutoff)?;
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions
             WHERE id_hash = ?1 AND expires_at > ?2 AND last_seen_at >= ?3"
        );
        sqlx::query(&sql)
            .bind(id_hash)
            .bind(now)
            .bind(idle_cutoff)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(session_from_row)
            .transpose()
    }

    async fn touch_session(&self, id_hash: &str, now: &str) -> Result<(), StoreError> {
        let now = normalise_time(now)?;
        sqlx::query(
            "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1 AND last_seen_at < ?2",
        )
        .bind(id_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_other_sessions(&self, user: UserId, keep: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = ?1 AND id_hash <> ?2")
            .bind(user.0)
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn purge_sessions(&self, now: &str, idle_cutoff: &str) -> Result<u64, StoreError> {
        let now = normalise_time(now)?;
        let idle_cutoff = normalise_time(idle_cutoff)?;
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at < ?2")
            .bind(now)
            .bind(idle_cutoff)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn record_login_failure(&self, key: &str, now: &str) -> Result<(), StoreError> {
        let now = normalise_time(now)?;
        sqlx::query("INSERT INTO login_failures (key, at) VALUES (?1, ?2)")
            .bind(key)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: &str) -> Result<i64, StoreError> {
        let since = normalise_time(since)?;
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = ?1 AND at >= ?2")
                .bind(key)
                .bind(since)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn teams(&self, org: OrgId) -> Result<Vec<Team>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, i64, String, Option<String>)>(
            "SELECT id, org_id, name, target_role FROM teams WHERE org_id = ?1",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        let mut teams: Vec<Team> = rows
            .into_iter()
            .map(|(id, org, name, target_role)| Team {
                id: TeamId(id),
                org: OrgId(org),
                name,
                target_role,
            })
            .collect();
        sort_teams(&mut teams);
        Ok(teams)
    }

    async fn create_team(&self, org: OrgId, name: &str) -> Result<TeamId, StoreError> {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO teams (org_id, name) VALUES (?1, ?2) RETURNING id")
                .bind(org.0)
                .bind(name)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| map_write_error(e, Some(StoreError::NameTaken)))?;
        Ok(TeamId(id))
    }

    async fn members(&self, org: OrgId) -> Result<Vec<Member>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load_members(&mut conn, MemberScope::Org(org)).await
    }

    async fn assign(
        &self,
        org: OrgId,
        user: UserId,
        assignment: &Assignment,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("SELECT 1 FROM memberships WHERE user_id = ?1 AND org_id = ?2")
            .bind(user.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let teams = canonical_teams(&assignment.teams);
        let manages = canonical_teams(&assignment.manages);
        check_teams(&mut tx, org, &teams).await?;
        check_teams(&mut tx, org, &manages).await?;
        for table in ["membership_roles", "team_members", "team_managers"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = ?1"))
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        }
        for role in canonical_roles(assignment.roles.iter().copied()) {
            sqlx::query("INSERT INTO membership_roles (user_id, role) VALUES (?1, ?2)")
                .bind(user.0)
                .bind(role.key())
                .execute(&mut *tx)
                .await?;
        }
        for (table, teams) in [("team_members", &teams), ("team_managers", &manages)] {
            for team in teams {
                sqlx::query(&format!(
                    "INSERT INTO {table} (team_id, user_id) VALUES (?1, ?2)"
                ))
                .bind(team.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn remove_member(&self, org: OrgId, user: UserId) -> Result<(), StoreError> {
        // The account goes, and with it (ON DELETE CASCADE) its membership, roles, teams,
        // sessions, progress and attempts.
        let done = sqlx::query(
            "DELETE FROM users WHERE id = ?1
             AND id IN (SELECT user_id FROM memberships WHERE org_id = ?2)",
        )
        .bind(user.0)
        .bind(org.0)
        .execute(&self.pool)
        .await?;
        changed_one(done.rows_affected())
    }

    async fn create_invitation(&self, invitation: &Invitation) -> Result<i64, StoreError> {
        let created_at = normalise_time(&invitation.created_at)?;
        let expires_at = normalise_time(&invitation.expires_at)?;
        let used_at = invitation
            .used_at
            .as_deref()
            .map(normalise_time)
            .transpose()?;
        let org = invitation.org;
        let mut tx = self.write().await?;
        // The inviter and the team must be of the invitation's organisation.
        sqlx::query("SELECT 1 FROM memberships WHERE user_id = ?1 AND org_id = ?2")
            .bind(invitation.created_by.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Some(team) = invitation.team {
            check_teams(&mut tx, org, &[team]).await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invitations
               (org_id, token_hash, email, role, team_id, created_by, created_at, expires_at, used_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        )
        .bind(org.0)
        .bind(&invitation.token_hash)
        .bind(invitation.email.as_deref().map(normalise_email))
        .bind(invitation.role.key())
        .bind(invitation.team.map(|t| t.0))
        .bind(invitation.created_by.0)
        .bind(created_at)
        .bind(expires_at)
        .bind(used_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| map_write_error(e, None))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn invitations(&self, org: OrgId, now: &str) -> Result<Vec<Invitation>, StoreError> {
        let now = normalise_time(now)?;
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations
             WHERE org_id = ?1 AND used_at IS NULL AND expires_at > ?2
             ORDER BY created_at, id"
        );
        sqlx::query(&sql)
            .bind(org.0)
            .bind(now)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(invitation_from_row)
            .collect()
    }

    async fn invitation(&self, token_hash: &str) -> Result<Option<Invitation>, StoreError> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = ?1");
        sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(invitation_from_row)
            .transpose()
    }

    async fn accept_invitation(
        &self,
        token_hash: &str,
        now: &str,
        user: &NewUser,
    ) -> Result<(OrgId, UserId), StoreError> {
        let now = normalise_time(now)?;
        let mut tx = self.write().await?;
        let (id, org, role, team) = sqlx::query_as::<_, (i64, i64, String, Option<i64>)>(
            "UPDATE invitations SET used_at = ?2
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
             RETURNING id, org_id, role, team_id",
        )
        .bind(token_hash)
        .bind(&now)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::TokenInvalid)?;
        let org = OrgId(org);
        let role = parse_role(&role)?;
        let user = insert_member(&mut tx, org, user, &[role, MemberRole::Learner], &now).await?;
        sqlx::query("UPDATE invitations SET used_by = ?2 WHERE id = ?1")
            .bind(id)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if let Some(team) = team {
            sqlx::query("INSERT INTO team_members (team_id, user_id) VALUES (?1, ?2)")
                .bind(team)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            if role == MemberRole::Manager {
                sqlx::query("INSERT INTO team_managers (team_id, user_id) VALUES (?1, ?2)")
                    .bind(team)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok((org, user))
    }

    async fn record_progress(
        &self,
        user: UserId,
        module: &str,
        reached: u32,
        total: u32,
        anchor: Option<&str>,
        completed: bool,
        now: &str,
    ) -> Result<(), StoreError> {
        let now = normalise_time(now)?;
        // One upsert: the furthest section wins (and its anchor), completion is kept once set.
        sqlx::query(
            "INSERT INTO module_progress (user_id, module_id, sections_reached, sections_total,
               resume_anchor, started_at, updated_at, completed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, CASE WHEN ?7 THEN ?6 END)
             ON CONFLICT (user_id, module_id) DO UPDATE SET
               sections_reached = MAX(module_progress.sections_reached, excluded.sections_reached),
               sections_total = excluded.sections_total,
               resume_anchor = CASE
                 WHEN excluded.sections_reached > module_progress.sections_reached
                   THEN excluded.resume_anchor
                 WHEN excluded.sections_reached = module_progress.sections_reached
                   THEN COALESCE(excluded.resume_anchor, module_progress.resume_anchor)
                 ELSE module_progress.resume_anchor END,
               updated_at = MAX(module_progress.updated_at, excluded.updated_at),
               completed_at = COALESCE(module_progress.completed_at, excluded.completed_at)",
        )
        .bind(user.0)
        .bind(module)
        .bind(i64::from(reached))
        .bind(i64::from(total))
        .bind(anchor)
        .bind(now)
        .bind(completed)
        .execute(&self.pool)
        .await
        .map_err(|e| map_write_error(e, None))?;
        // A completion is evidence: bumped after it is written (see `bump_evidence`).
        if completed {
            let mut conn = self.pool.acquire().await?;
            bump_evidence(&mut conn, user).await?;
        }
        Ok(())
    }

    async fn progress(&self, user: UserId) -> Result<Vec<ModuleProgress>, StoreError> {
        self.progress_where(Scope::User(user)).await
    }

    async fn team_progress(
        &self,
        org: OrgId,
        team: TeamId,
    ) -> Result<Vec<ModuleProgress>, StoreError> {
        self.progress_where(Scope::Team(org, team)).await
    }

    async fn record_attempt(&self, attempt: &NewAttempt) -> Result<AttemptId, StoreError> {
        let submitted_at = normalise_time(&attempt.submitted_at)?;
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO quiz_attempts (user_id, module_id, score, total, submitted_at)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        )
        .bind(attempt.user.0)
        .bind(&attempt.module)
        .bind(i64::from(attempt.score))
        .bind(i64::from(attempt.total))
        .bind(submitted_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| map_write_error(e, None))?;
        // One statement per ANSWERS_PER_INSERT answers (SQLite takes 32766 parameters, 7 each).
        for (n, answers) in attempt.answers.chunks(ANSWERS_PER_INSERT).enumerate() {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO quiz_answers
                   (attempt_id, position, question_id, skill_id, difficulty, selected, correct) ",
            );
            q.push_values(answers.iter().enumerate(), |mut b, (i, a)| {
                b.push_bind(id)
                    .push_bind((n * ANSWERS_PER_INSERT + i) as i64)
                    .push_bind(&a.question)
                    .push_bind(&a.skill)
                    .push_bind(i64::from(a.difficulty))
                    .push_bind(encode_selected(&a.selected))
                    .push_bind(a.correct);
            });
            q.build().execute(&mut *tx).await?;
        }
        bump_evidence(&mut tx, attempt.user).await?;
        tx.commit().await?;
        Ok(AttemptId(id))
    }

    async fn attempts(&self, user: UserId) -> Result<Vec<Attempt>, StoreError> {
        self.attempts_where(Scope::User(user)).await
    }

    async fn team_attempts(&self, org: OrgId, team: TeamId) -> Result<Vec<Attempt>, StoreError> {
        self.attempts_where(Scope::Team(org, team)).await
    }

    async fn org_progress(&self, org: OrgId) -> Result<Vec<ModuleProgress>, StoreError> {
        self.progress_where(Scope::Org(org)).await
    }

    async fn org_attempts(&self, org: OrgId) -> Result<Vec<Attempt>, StoreError> {
        self.attempts_where(Scope::Org(org)).await
    }

    async fn attempt_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM quiz_attempts")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn organisation_ids(&self) -> Result<Vec<OrgId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().map(OrgId).collect())
    }

    async fn set_target_role(
        &self,
        org: OrgId,
        user: UserId,
        role: Option<&str>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE memberships SET target_role = ?1 WHERE user_id = ?2 AND org_id = ?3",
        )
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
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE teams SET target_role = ?1 WHERE id = ?2 AND org_id = ?3")
            .bind(role)
            .bind(team.0)
            .bind(org.0)
            .execute(&self.pool)
            .await?;
        changed_one(done.rows_affected())
    }

    async fn self_ratings(&self, org: OrgId, user: UserId) -> Result<Vec<SelfRating>, StoreError> {
        let rows = sqlx::query_as::<_, (String, i64, String)>(
            "SELECT r.skill_id, r.level, r.rated_at FROM self_ratings r
             JOIN memberships m ON m.user_id = r.user_id
             WHERE r.user_id = ?1 AND m.org_id = ?2 ORDER BY r.skill_id",
        )
        .bind(user.0)
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(skill, level, rated_at)| {
                Ok(SelfRating {
                    skill,
                    level: to_u8(level, "level")?,
                    rated_at,
                })
            })
            .collect()
    }

    async fn set_self_ratings(
        &self,
        org: OrgId,
        user: UserId,
        ratings: &[(String, Option<u8>)],
        now: &str,
    ) -> Result<(), StoreError> {
        let now = normalise_time(now)?;
        let mut tx = self.write().await?;
        sqlx::query("SELECT 1 FROM memberships WHERE user_id = ?1 AND org_id = ?2")
            .bind(user.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        for (skill, level) in ratings {
            match level {
                Some(level) => {
                    sqlx::query(
                        "INSERT INTO self_ratings (user_id, skill_id, level, rated_at)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (user_id, skill_id) DO UPDATE SET
                           level = excluded.level,
                           rated_at = CASE WHEN self_ratings.level = excluded.level
                             THEN self_ratings.rated_at ELSE excluded.rated_at END",
                    )
                    .bind(user.0)
                    .bind(skill)
                    .bind(i64::from(*level))
                    .bind(&now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_write_error(e, None))?;
                }
                None => {
                    sqlx::query("DELETE FROM self_ratings WHERE user_id = ?1 AND skill_id = ?2")
                        .bind(user.0)
                        .bind(skill)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn scarcity_overrides(&self, org: OrgId) -> Result<Vec<ScarcityOverride>, StoreError> {
        let rows = sqlx::query_as::<_, (String, f64, String, Option<i64>, String)>(
            "SELECT skill_id, weight, note, set_by, set_at FROM scarcity_overrides
             WHERE org_id = ?1 ORDER BY skill_id",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(skill, weight, note, set_by, set_at)| ScarcityOverride {
                skill,
                weight,
                note,
                set_by: set_by.map(UserId),
                set_at,
            })
            .collect())
    }

    async fn set_scarcity_override(
        &self,
        org: OrgId,
        skill: &str,
        value: Option<(f64, &str)>,
        by: UserId,
        now: &str,
    ) -> Result<(), StoreError> {
        let now = normalise_time(now)?;
        match value {
            Some((weight, note)) => {
                sqlx::query(
                    "INSERT INTO scarcity_overrides (org_id, skill_id, weight, note, set_by, set_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (org_id, skill_id) DO UPDATE SET
                       weight = excluded.weight, note = excluded.note,
                       set_by = excluded.set_by, set_at = excluded.set_at",
                )
                .bind(org.0)
                .bind(skill)
                .bind(weight)
                .bind(note)
                .bind(by.0)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(|e| map_write_error(e, None))?;
            }
            None => {
                sqlx::query("DELETE FROM scarcity_overrides WHERE org_id = ?1 AND skill_id = ?2")
                    .bind(org.0)
                    .bind(skill)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    async fn stale_estimates(
        &self,
        org: OrgId,
        day: i64,
    ) -> Result<Vec<StaleEstimates>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, i64)>(&format!(
            "SELECT user_id, evidence_version FROM memberships WHERE user_id IN ({STALE})"
        ))
        .bind(org.0)
        .bind(day)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user, version)| StaleEstimates {
                user: UserId(user),
                version,
            })
            .collect())
    }

    async fn stale_progress(
        &self,
        org: OrgId,
        day: i64,
    ) -> Result<Vec<ModuleProgress>, StoreError> {
        self.progress_where(Scope::Stale(org, day)).await
    }

    async fn stale_attempts(&self, org: OrgId, day: i64) -> Result<Vec<Attempt>, StoreError> {
        self.attempts_where(Scope::Stale(org, day)).await
    }

    async fn store_estimates(
        &self,
        org: OrgId,
        computed: &[ComputedEstimates],
        day: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let mut rows: Vec<(i64, &str, &Estimate)> = Vec::new();
        // Two prepared statements per person inside one transaction: about 2 s for 10,000 people
        // (`examples/bench_rollup.rs`, release). A single `UPDATE … FROM json_each(…)` like the
        // PostgreSQL store's UNNEST was measured 4× slower overall: SQLite plans it as a nested
        // loop over the JSON.
        for c in computed {
            let current = sqlx::query(
                "UPDATE memberships SET estimates_version = ?1, estimates_day = ?2
                 WHERE user_id = ?3 AND org_id = ?4 AND evidence_version = ?1",
            )
            .bind(c.version)
            .bind(day)
            .bind(c.user.0)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
            if current.rows_affected() == 0 {
                continue; // newer evidence arrived: stays stale for the next refresh
            }
            sqlx::query("DELETE FROM skill_estimates WHERE user_id = ?1")
                .bind(c.user.0)
                .execute(&mut *tx)
                .await?;
            rows.extend(c.skills.iter().map(|(s, e)| (c.user.0, s.as_str(), e)));
        }
        for chunk in rows.chunks(ESTIMATES_PER_INSERT) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO skill_estimates (user_id, skill_id, level, se, low, high, evidence, weight) ",
            );
            q.push_values(chunk, |mut b, (user, skill, e)| {
                b.push_bind(*user)
                    .push_bind(*skill)
                    .push_bind(e.level)
                    .push_bind(e.se)
                    .push_bind(e.low)
                    .push_bind(e.high)
                    .push_bind(e.evidence as i64)
                    .push_bind(e.weight);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn org_estimates(
        &self,
        org: OrgId,
    ) -> Result<Vec<(UserId, String, Estimate)>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, String)>(&format!(
            "SELECT e.user_id, group_concat({PACKED_ESTIMATE}, ';')
             FROM skill_estimates e JOIN memberships m ON m.user_id = e.user_id
             WHERE m.org_id = ?1 GROUP BY e.user_id"
        ))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len() * 16);
        for (user, packed) in rows {
            unpack_estimates(user, &packed, &mut out)?;
        }
        Ok(out)
    }

    async fn record_snapshots(
        &self,
        org: OrgId,
        day: &str,
        rows: &[Snapshot],
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM skill_snapshots WHERE org_id = ?1 AND day = ?2")
            .bind(org.0)
            .bind(day)
            .execute(&mut *tx)
            .await?;
        for chunk in rows.chunks(ESTIMATES_PER_INSERT) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO skill_snapshots (org_id, team_id, skill_id, day, people, below_target,
                   unmeasured, mean_gap, exposure) ",
            );
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
            // An upsert, like the PostgreSQL store's (where several servers may record a day at
            // once).
            q.push(
                " ON CONFLICT (org_id, team_id, skill_id, day) DO UPDATE SET
                   people = excluded.people, below_target = excluded.below_target,
                   unmeasured = excluded.unmeasured, mean_gap = excluded.mean_gap,
                   exposure = excluded.exposure",
            );
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
        since: &str,
    ) -> Result<Vec<Snapshot>, StoreError> {
        let rows = sqlx::query_as::<_, (String, String, i64, i64, i64, f64, f64)>(
            "SELECT skill_id, day, people, below_target, unmeasured, mean_gap, exposure
             FROM skill_snapshots WHERE org_id = ?1 AND team_id = ?2 AND day >= ?3
             ORDER BY day, skill_id",
        )
        .bind(org.0)
        .bind(team.map_or(0, |t| t.0))
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(skill, day, people, below_target, unmeasured, mean_gap, exposure)| {
                    Ok(Snapshot {
                        team,
                        skill,
                        day,
                        people: to_u32(people, "people")?,
                        below_target: to_u32(below_target, "below_target")?,
                        unmeasured: to_u32(unmeasured, "unmeasured")?,
                        mean_gap,
                        exposure,
                    })
                },
            )
            .collect()
    }
}

/// Rows per multi-row insert of estimates or snapshots (SQLite takes 32766 parameters, 9 each).
const ESTIMATES_PER_INSERT: usize = 1000;

/// Whose records a query reads: one user's, or every member's of a team (checked to be in the
/// organisation). Filters by `q.user_id`; both ids are always bound (the second may go unused).
enum Scope {
    User(UserId),
    Team(OrgId, TeamId),
    Org(OrgId),
    /// Members whose cached estimates are stale on a day (see `Store::stale_estimates`).
    Stale(OrgId, i64),
}

/// Members of `org` (`?1`) whose cached estimates are missing, behind their evidence, or older
/// than day `?2`.
const STALE: &str = "SELECT m.user_id FROM memberships m WHERE m.org_id = ?1
    AND (m.estimates_version IS NULL OR m.estimates_version <> m.evidence_version
         OR m.estimates_day < ?2)";

impl Scope {
    fn filter(&self) -> String {
        match self {
            Scope::User(_) => "q.user_id = ?1 AND ?2 = ?2".into(),
            Scope::Team(..) => "q.user_id IN (SELECT tm.user_id FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE t.org_id = ?1 AND t.id = ?2)".into(),
            Scope::Org(_) => "q.user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = ?1) AND ?2 = ?2".into(),
            Scope::Stale(..) => format!("q.user_id IN ({STALE})"),
        }
    }
    fn first(&self) -> i64 {
        match self {
            Scope::User(u) => u.0,
            Scope::Team(org, _) | Scope::Org(org) | Scope::Stale(org, _) => org.0,
        }
    }
    fn second(&self) -> i64 {
        match self {
            Scope::User(_) | Scope::Org(_) => 0,
            Scope::Team(_, team) => team.0,
            Scope::Stale(_, day) => *day,
        }
    }
}

/// Marks `user`'s cached estimates as behind their evidence. Called after the evidence is
/// written: a refresh that read the old version then stores nothing that looks current.
async fn bump_evidence(conn: &mut SqliteConnection, user: UserId) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE memberships SET evidence_version = evidence_version + 1 WHERE user_id = ?1",
    )
    .bind(user.0)
    .execute(conn)
    .await?;
    Ok(())
}

impl SqliteStore {
    async fn progress_where(&self, scope: Scope) -> Result<Vec<ModuleProgress>, StoreError> {
        sqlx::query(&format!(
            "SELECT user_id, module_id, sections_reached, sections_total, resume_anchor,
               started_at, updated_at, completed_at
             FROM module_progress q WHERE {} ORDER BY updated_at DESC, module_id",
            scope.filter()
        ))
        .bind(scope.first())
        .bind(scope.second())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(progress_from_row)
        .collect()
    }

    async fn attempts_where(&self, scope: Scope) -> Result<Vec<Attempt>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query_as::<_, (i64, i64, String, i64, i64, String)>(&format!(
            "SELECT id, user_id, module_id, score, total, submitted_at FROM quiz_attempts q
                 WHERE {} ORDER BY submitted_at DESC, id DESC",
            scope.filter()
        ))
        .bind(scope.first())
        .bind(scope.second())
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let answers = sqlx::query_as::<_, (i64, String, String, i64, String, bool)>(&format!(
            "SELECT a.attempt_id, a.question_id, a.skill_id, a.difficulty, a.selected, a.correct
                 FROM quiz_answers a JOIN quiz_attempts q ON q.id = a.attempt_id
                 WHERE {} ORDER BY a.attempt_id, a.position",
            scope.filter()
        ))
        .bind(scope.first())
        .bind(scope.second())
        .fetch_all(&mut *conn)
        .await?;
        let mut by_attempt: HashMap<i64, Vec<AnswerRecord>> = HashMap::new();
        for (attempt, question, skill, difficulty, selected, correct) in answers {
            by_attempt.entry(attempt).or_default().push(AnswerRecord {
                question,
                skill,
                difficulty: to_u8(difficulty, "difficulty")?,
                selected: decode_selected(&selected)?,
                correct,
            });
        }
        rows.into_iter()
            .map(|(id, user, module, score, total, submitted_at)| {
                Ok(Attempt {
                    id: AttemptId(id),
                    user: UserId(user),
                    module,
                    score: to_u32(score, "score")?,
                    total: to_u32(total, "total")?,
                    answers: by_attempt.remove(&id).unwrap_or_default(),
                    submitted_at,
                })
            })
            .collect()
    }
}
