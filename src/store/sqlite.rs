//! The SQLite store: the embedded default. WAL mode, foreign keys on, a busy timeout.

use super::{
    Assignment, Credentials, Invitation, ModuleRecord, NewUser, SessionRecord, Store, StoreError,
};
use crate::domain::people::{AttemptId, Member, OrgId, Organisation, Team, TeamId, UserId};
use crate::domain::progress::{Attempt, ModuleProgress, NewAttempt};
use async_trait::async_trait;
use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
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
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn sync_modules(&self, modules: &[ModuleRecord]) -> Result<(), StoreError> {
        let now = Utc::now().to_rfc3339();
        let mut tx = self.pool.begin().await?;
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
        Err(StoreError::NotImplemented)
    }

    async fn create_setup_token(
        &self,
        _token_hash: &str,
        _expires_at: &str,
    ) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn setup_organisation(
        &self,
        _token_hash: &str,
        _now: &str,
        _org_name: &str,
        _admin: &NewUser,
    ) -> Result<(OrgId, UserId), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn credentials(&self, _email: &str) -> Result<Option<Credentials>, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn member(&self, _org: OrgId, _user: UserId) -> Result<Member, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn member_by_user(&self, _user: UserId) -> Result<Member, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn organisation(&self, _org: OrgId) -> Result<Organisation, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn password_hash(&self, _user: UserId) -> Result<String, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn set_password(
        &self,
        _user: UserId,
        _password_hash: &str,
        _now: &str,
    ) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn create_session(&self, _session: &SessionRecord) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn session(
        &self,
        _id_hash: &str,
        _now: &str,
        _idle_cutoff: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn touch_session(&self, _id_hash: &str, _now: &str) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn delete_session(&self, _id_hash: &str) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn delete_other_sessions(&self, _user: UserId, _keep: &str) -> Result<u64, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn purge_sessions(&self, _now: &str, _idle_cutoff: &str) -> Result<u64, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn record_login_failure(&self, _key: &str, _now: &str) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn login_failures_since(&self, _key: &str, _since: &str) -> Result<i64, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn teams(&self, _org: OrgId) -> Result<Vec<Team>, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn create_team(&self, _org: OrgId, _name: &str) -> Result<TeamId, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn members(&self, _org: OrgId) -> Result<Vec<Member>, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn assign(
        &self,
        _org: OrgId,
        _user: UserId,
        _assignment: &Assignment,
    ) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn remove_member(&self, _org: OrgId, _user: UserId) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn create_invitation(&self, _invitation: &Invitation) -> Result<i64, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn invitations(&self, _org: OrgId, _now: &str) -> Result<Vec<Invitation>, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn invitation(&self, _token_hash: &str) -> Result<Option<Invitation>, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn accept_invitation(
        &self,
        _token_hash: &str,
        _now: &str,
        _user: &NewUser,
    ) -> Result<(OrgId, UserId), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn record_progress(
        &self,
        _user: UserId,
        _module: &str,
        _reached: u32,
        _total: u32,
        _anchor: Option<&str>,
        _completed: bool,
        _now: &str,
    ) -> Result<(), StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn progress(&self, _user: UserId) -> Result<Vec<ModuleProgress>, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn record_attempt(&self, _attempt: &NewAttempt) -> Result<AttemptId, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn attempts(&self, _user: UserId) -> Result<Vec<Attempt>, StoreError> {
        Err(StoreError::NotImplemented)
    }

    async fn attempt_count(&self) -> Result<i64, StoreError> {
        Err(StoreError::NotImplemented)
    }
}
