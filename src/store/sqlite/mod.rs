//! The SQLite store: the embedded default. WAL mode, foreign keys on, a busy timeout.
//!
//! Times are stored as text in one fixed-width UTC form (see `store::time::DbTime`), so that
//! comparing the text compares the times. Every multi-statement write runs in a transaction
//! opened with `BEGIN IMMEDIATE`: it takes the write lock up front (waiting up to the busy
//! timeout), so it never fails half-way with "database is locked" when upgrading a read lock.
//! Single-statement writes run in autocommit mode, where SQLite also takes the write lock
//! before the statement starts, with the same busy timeout.

mod accounts;
mod audit;
mod estimates;
mod orgs;
mod progress;
mod scim;
mod self_service;
mod skills;
mod sso;
mod tasks;

use super::{ConnectError, MigrationState, PoolSettings};
use super::{Result, Store};
use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;

/// The SQLite migrations this binary embeds.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        Self::connect_with(url, &PoolSettings::default()).await
    }

    /// [`SqliteStore::connect`] with the pool's timeouts as given (SQLite has no statement
    /// timeout: a write waits at most `busy_timeout` for the write lock).
    pub async fn connect_with(url: &str, settings: &PoolSettings) -> Result<Self, ConnectError> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(settings.busy_timeout);
        let filename = opts.get_filename().to_path_buf();
        let in_memory = url.contains(":memory:") || filename.as_os_str().is_empty();
        if !in_memory {
            if let Some(dir) = filename.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| ConnectError::Folder {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
        }
        // A file database is migrated on a connection of its own first, within the busy
        // timeout rather than the requests' short acquire timeout: a loaded machine may take
        // more than a second to migrate, and that is not an outage. (An in-memory database
        // lives only in its pool, so it is migrated there.)
        if !in_memory {
            let mut conn = SqliteConnection::connect_with(&opts).await?;
            MIGRATOR.run(&mut conn).await?;
            // The migrations are done; a failed close is not a failed start.
            let _ = conn.close().await;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(if in_memory { 1 } else { 8 })
            .acquire_timeout(settings.acquire_timeout)
            // A COMMIT that fails for want of space (SQLITE_FULL, an I/O error) is rolled back
            // by SQLite itself, but sqlx still counts the transaction open and the connection
            // refuses every later BEGIN: such a connection is closed, never handed out again.
            .before_acquire(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// A write transaction, holding the write lock from its first statement.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn migration_state(&self) -> Result<MigrationState> {
        let applied: Vec<i64> = sqlx::query_scalar(crate::store::sql::MIGRATIONS_APPLIED)
            .fetch_all(&self.pool)
            .await?;
        Ok(MigrationState::compare(&MIGRATOR, &applied))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
