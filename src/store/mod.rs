//! Durable storage behind one trait, [`Store`], with an implementation per database.
//!
//! The backend is chosen at start-up from `DATABASE_URL`'s scheme and held as `Arc<dyn Store>`.
//! Migrations live in `migrations/<backend>/` with the same file names for every backend.
//! Server only.

mod sqlite;

pub use sqlite::SqliteStore;

use async_trait::async_trait;
use std::sync::Arc;

/// A storage failure, by kind. Callers map kinds, never message text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL `{0}`: use sqlite://path/to/file.db")]
    UnsupportedUrl(String),
    #[error("not found")]
    NotFound,
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder `{path}`")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// A module as the registry remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleRecord {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub content_hash: String,
    /// Whether the module is in the content tree now.
    pub present: bool,
}

/// Everything the application stores.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Cheap liveness check.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Records the modules now in the content tree; modules missing from `modules` are kept but
    /// marked absent, so their ids stay taken.
    async fn sync_modules(&self, modules: &[ModuleRecord]) -> Result<(), StoreError>;

    /// Every module ever registered, ordered by id.
    async fn module_registry(&self) -> Result<Vec<ModuleRecord>, StoreError>;
}

/// Connects to the database named by `url`, creating and migrating it as needed.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}
