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
mod self_service;
mod skills;
mod sso;
mod tasks;

use super::ConnectError;
use super::{Result, Store};
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
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
                std::fs::create_dir_all(dir).map_err(|source| ConnectError::Folder {
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
}
