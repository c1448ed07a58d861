//! The store as an operator sees it: how long a request may wait for a connection and for a
//! statement ([`PoolSettings`]), which failures mean "the database is out of reach" or "the
//! disk is full" rather than a bug ([`Outage`]), whether the database's schema is the one this
//! binary expects ([`MigrationState`]), and an online backup of a SQLite database
//! ([`backup_sqlite`]). Server only: uses sqlx, never `server`, `features` or `ui`.

use super::StoreError;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// How the connection pool fails fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// How long a request waits for a connection (including opening one) before the store
    /// answers [`Outage::Unreachable`]. Default 1 second.
    pub acquire_timeout: Duration,
    /// PostgreSQL's `statement_timeout` on every connection; `None` for no limit (command-line
    /// tasks such as seeding). Default 10 seconds.
    pub statement_timeout: Option<Duration>,
    /// How long a SQLite write waits for the write lock. Default 5 seconds.
    pub busy_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            acquire_timeout: Duration::from_secs(1),
            statement_timeout: Some(Duration::from_secs(10)),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// A failure that is not a bug: the request may succeed later, so it answers 503.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// The database does not answer: no connection within the acquire timeout, a broken
    /// connection, a statement cancelled by its timeout, a server shutting down.
    Unreachable,
    /// The database could not write: its disk (or file-size limit) is full.
    StorageFull,
}

/// SQLite's primary result codes that mean the storage refused a write: `SQLITE_IOERR` (10)
/// and `SQLITE_FULL` (13). sqlx reports extended codes, whose low byte is the primary code.
const SQLITE_IOERR: i64 = 10;
const SQLITE_FULL: i64 = 13;
/// `SQLITE_BUSY` (5): the write lock stayed taken for the whole busy timeout.
const SQLITE_BUSY: i64 = 5;

impl StoreError {
    /// Whether this failure is an outage (and which), rather than a bug or a refusal.
    pub fn outage(&self) -> Option<Outage> {
        match self {
            StoreError::Database(e) => outage_of(e),
            _ => None,
        }
    }
}

/// The outage a sqlx error stands for, by kind and SQLSTATE (never by message text).
pub fn outage_of(e: &sqlx::Error) -> Option<Outage> {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => Some(Outage::Unreachable),
        sqlx::Error::Database(db) => {
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                // Class 08 connection exceptions; class 57 operator intervention (57014
                // query_canceled is the statement timeout; 57P01-03 a server shutting down or
                // starting); 53300 too many connections; 53100 disk full.
                let code = pg.code();
                if code == "53100" {
                    Some(Outage::StorageFull)
                } else if code.starts_with("08") || code.starts_with("57") || code == "53300" {
                    Some(Outage::Unreachable)
                } else {
                    None
                }
            } else if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                let primary = db.code()?.parse::<i64>().ok()? & 0xff;
                match primary {
                    SQLITE_IOERR | SQLITE_FULL => Some(Outage::StorageFull),
                    SQLITE_BUSY => Some(Outage::Unreachable),
                    _ => None,
                }
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The database's migrations against the ones this binary embeds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationState {
    /// Embedded migrations not (successfully) applied: the schema is behind.
    pub pending: Vec<i64>,
    /// Applied migrations this binary does not know: the schema is ahead (a newer release ran).
    pub unknown: Vec<i64>,
}

impl MigrationState {
    /// Compares the versions `applied` with `migrator`'s.
    pub fn compare(migrator: &sqlx::migrate::Migrator, applied: &[i64]) -> Self {
        let embedded: Vec<i64> = migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect();
        MigrationState {
            pending: embedded
                .iter()
                .copied()
                .filter(|v| !applied.contains(v))
                .collect(),
            unknown: applied
                .iter()
                .copied()
                .filter(|v| !embedded.contains(v))
                .collect(),
        }
    }

    /// Whether the schema is exactly the one this binary expects.
    pub fn current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty()
    }
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub file: PathBuf,
    pub bytes: u64,
    pub took: Duration,
}

/// Why a backup was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("`{0}` exists already: choose a new file (a backup never overwrites one)")]
    Exists(PathBuf),
    #[error(
        "PostgreSQL is backed up with its own tools: pg_dump --format=custom --file FILE \"$DATABASE_URL\" \
         (see docs/operations.md, \"Backup and restore\")"
    )]
    Postgres,
    #[error("unsupported database URL: use sqlite://path/to/file.db")]
    UnsupportedUrl,
    #[error("an in-memory database has nothing to back up")]
    InMemory,
    #[error("cannot open the database")]
    Open(#[source] sqlx::Error),
    #[error("the backup failed (nothing was left behind)")]
    Vacuum(#[source] sqlx::Error),
    #[error("cannot read the backup's size")]
    Size(#[source] std::io::Error),
}

/// Copies the SQLite database at `url` into the new file `into`, consistent as of one moment,
/// while the app keeps serving: `VACUUM INTO` reads the database in one read transaction (WAL
/// mode lets writers go on) and writes a compact copy. Refuses to overwrite any file.
pub async fn backup_sqlite(url: &str, into: &Path) -> Result<BackupReport, BackupError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(BackupError::Postgres);
    }
    if !url.starts_with("sqlite:") {
        return Err(BackupError::UnsupportedUrl);
    }
    if url.contains(":memory:") {
        return Err(BackupError::InMemory);
    }
    if into.exists() {
        return Err(BackupError::Exists(into.to_path_buf()));
    }
    let started = Instant::now();
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(BackupError::Open)?
        .create_if_missing(false);
    let mut conn = opts.connect().await.map_err(BackupError::Open)?;
    let target = into.to_string_lossy().to_string();
    let result = sqlx::query("VACUUM INTO $1")
        .bind(&target)
        .execute(&mut conn)
        .await;
    conn.close().await.ok();
    if let Err(e) = result {
        // SQLite leaves a partial file behind on failure (a full disk); it is no backup.
        if into.exists() {
            std::fs::remove_file(into).ok();
        }
        return Err(BackupError::Vacuum(e));
    }
    let bytes = std::fs::metadata(into).map_err(BackupError::Size)?.len();
    Ok(BackupReport {
        file: into.to_path_buf(),
        bytes,
        took: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_timeouts_and_broken_connections_are_outages_and_bugs_are_not() {
        assert_eq!(
            StoreError::Database(sqlx::Error::PoolTimedOut).outage(),
            Some(Outage::Unreachable)
        );
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert_eq!(
            StoreError::Database(sqlx::Error::Io(io)).outage(),
            Some(Outage::Unreachable)
        );
        assert_eq!(StoreError::NotFound.outage(), None);
        assert_eq!(
            StoreError::Database(sqlx::Error::RowNotFound).outage(),
            None
        );
        assert_eq!(
            StoreError::Database(sqlx::Error::Protocol("bad".into())).outage(),
            None
        );
    }
}
