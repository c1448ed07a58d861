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
mod self_service;
mod skills;
mod sso;
mod tasks;

use super::ConnectError;
use super::{Result, Store};
use async_trait::async_trait;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};

pub struct PostgresStore {
    pool: PgPool,
}

/// SQLSTATE `invalid_catalog_name`: the database does not exist.
const NO_SUCH_DATABASE: &str = "3D000";

impl PostgresStore {
    /// Connects to (creating if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        let options = PgPoolOptions::new().max_connections(16);
        let pool = match options.clone().connect(url).await {
            Ok(pool) => pool,
            Err(err) if database_missing(&err) => {
                Postgres::create_database(url).await?;
                options.connect(url).await?
            }
            Err(err) => return Err(err.into()),
        };
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

fn database_missing(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == NO_SUCH_DATABASE)
}
