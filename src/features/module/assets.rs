//! The images shipped with the content, as modules reference them.

use crate::server::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// `GET /content/{path}`: an image shipped with the content (only those modules reference).
pub async fn content_asset(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let library = state.library.current();
    match library.asset(&path) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'",
                ),
            ],
            asset.bytes.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "No such file.").into_response(),
    }
}
