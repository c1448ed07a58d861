//! The one error type that crosses the wire.
//!
//! Policy: every layer has its own `thiserror` enum (`courseware::ContentError`,
//! `store::StoreError`, `domain::quiz::GradeError`, …). At the edge, server functions and
//! handlers map them into [`AppError`], which carries an HTTP status and a sentence a person can
//! act on. Internals (SQL, file paths of the server) are logged, never shown.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use leptos::server_fn::error::ServerFnErrorErr;
use leptos::server_fn::{codec::JsonEncoding, error::FromServerFnError};

/// An error a user may see. `Display` is the sentence shown to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or is not visible to the asker).
    #[error("{0}")]
    NotFound(String),
    /// Nobody is signed in, and this needs someone.
    #[error("Please sign in first.")]
    Unauthorized,
    /// The signed-in person may not do or see this.
    #[error("You do not have access to this.")]
    Forbidden,
    /// The request itself is malformed; the message names the field.
    #[error("{0}")]
    BadRequest(String),
    /// Something failed on the server; details are in the server log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the function (network, encoding).
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::BadRequest(_) => 400,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// Logs an internal cause and returns the user-facing [`AppError::Internal`].
    #[cfg(feature = "ssr")]
    pub fn internal(cause: &dyn std::error::Error) -> Self {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, "internal error");
        AppError::Internal
    }

    /// Sets the HTTP status of the current server-function response to match this error.
    #[cfg(feature = "ssr")]
    pub fn with_status(self) -> Self {
        if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(code) = axum::http::StatusCode::from_u16(self.status()) {
                opts.set_status(code);
            }
        }
        self
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        if let ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) = &value {
            return AppError::BadRequest(format!("The request could not be read: {msg}"))
                .with_status();
        }
        AppError::Transport(value.to_string())
    }
}
