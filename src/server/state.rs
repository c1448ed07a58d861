//! The application state shared by every handler, page and server function.

use super::config::Config;
use crate::domain::catalogue::Library;
use crate::store::Store;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::{Arc, RwLock};

/// The current content library. Readers take a cheap `Arc` snapshot; a reload swaps it whole.
#[derive(Clone, Default)]
pub struct LibraryHandle(Arc<RwLock<Arc<Library>>>);

impl LibraryHandle {
    pub fn new(library: Library) -> Self {
        LibraryHandle(Arc::new(RwLock::new(Arc::new(library))))
    }

    /// A snapshot of the library as it is now.
    pub fn current(&self) -> Arc<Library> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the library (after a content reload).
    pub fn replace(&self, library: Library) {
        let new = Arc::new(library);
        match self.0.write() {
            Ok(mut guard) => *guard = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }
}

/// Shared state, provided to server functions and pages as Leptos context.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos' own settings (site address, output names).
    pub leptos_options: LeptosOptions,
    /// The loaded content.
    pub library: LibraryHandle,
    /// The database.
    pub store: Arc<dyn Store>,
    /// Our settings.
    pub config: Arc<Config>,
    /// Password hashing and verification for requests, bounded (see `auth::Hashing`).
    pub hashing: Arc<super::auth::Hashing>,
    /// Single sign-on: the organisations' OpenID providers, their metadata and keys cached.
    pub sso: Arc<super::sso::Providers>,
}
