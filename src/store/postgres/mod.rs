//! The PostgreSQL store, for larger installations. Same schema and semantics as the SQLite
//! store (migrations/postgres mirrors migrations/sqlite file for file), with native types:
//! identity ids, `TIMESTAMPTZ`, `DATE` and `BOOLEAN`. Write transactions are plain `BEGIN`;
//! where two writers must not interleave, the first statement locks the row they share
//! (`FOR UPDATE`, or the `UPDATE` that uses a token), where SQLite takes the database's write
//! lock with `BEGIN IMMEDIATE`.

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
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::{Connection, PgPool, Postgres};
use std::time::Duration;

/// How long start-up may take to open its first connection and migrate.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// The PostgreSQL migrations this binary embeds.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub struct PostgresStore {
    pool: PgPool,
}

/// SQLSTATE `invalid_catalog_name`: the database does not exist.
const NO_SUCH_DATABASE: &str = "3D000";

impl PostgresStore {
    /// Connects to (creating if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        Self::connect_with(url, &PoolSettings::default()).await
    }

    /// [`PostgresStore::connect`] with the pool's timeouts as given: `statement_timeout` is set
    /// on every connection as it opens (the startup packet's options).
    pub async fn connect_with(url: &str, settings: &PoolSettings) -> Result<Self, ConnectError> {
        let mut connect: PgConnectOptions = url.parse()?;
        if let Some(limit) = settings.statement_timeout {
            let ms = limit.as_millis().max(1).to_string();
            connect = connect.options([("statement_timeout", ms.as_str())]);
        }
        // Start-up opens one connection of its own (creating the database if missing) and
        // migrates on it, within STARTUP_TIMEOUT rather than the requests' short acquire
        // timeout: a loaded server may take more than a second to open a first connection and
        // migrate, and that is not an outage. Requests then use the pool, which fails fast.
        let migrate = async {
            let mut conn = match PgConnection::connect_with(&connect).await {
                Ok(conn) => conn,
                Err(err) if database_missing(&err) => {
                    Postgres::create_database(url).await?;
                    PgConnection::connect_with(&connect).await?
                }
                Err(err) => return Err(ConnectError::from(err)),
            };
            MIGRATOR.run(&mut conn).await?;
            // The migrations are done; a failed goodbye to the server is not a failed start.
            let _ = conn.close().await;
            Ok(())
        };
        tokio::time::timeout(STARTUP_TIMEOUT, migrate)
            .await
            .map_err(|_| ConnectError::Database(sqlx::Error::PoolTimedOut))??;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(settings.acquire_timeout)
            .connect_lazy_with(connect);
        Ok(PostgresStore { pool })
    }
}

#[async_trait]
impl Store for PostgresStore {
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

fn database_missing(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == NO_SUCH_DATABASE)
}
