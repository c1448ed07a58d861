//! Plain HTTP handlers beside the Leptos routes: the no-JavaScript quiz form, content images and
//! a health check.

use super::state::AppState;
use crate::domain::quiz::{encode_answers, grade};
use crate::features::quiz::answers_from_form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// `POST /modules/{slug}/quiz`: grades a plain form submission, then redirects (303) to the
/// module page, which shows the graded answers.
pub async fn quiz_form(
    State(state): State<AppState>,
    viewer: Option<axum::Extension<super::auth::Viewer>>,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let library = state.library.current();
    let Some(module) = library.module_by_slug(&slug) else {
        return error_page(StatusCode::NOT_FOUND, "No such module.", "/");
    };
    let back = format!("/modules/{slug}#quiz");
    let pairs = form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned()));
    let answers = match answers_from_form(pairs) {
        Ok(a) => a,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e.to_string(), &back),
    };
    let outcome = match grade(&module.quiz, &answers) {
        Ok(o) => o,
        Err(e) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                &format!("The quiz answers could not be read: {e}."),
                &back,
            )
        }
    };
    if let Some(axum::Extension(v)) = viewer {
        if let Err(e) = super::progress::record_quiz(&state, &v, module, &outcome).await {
            let _ = crate::error::AppError::internal(&e);
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Your answers were graded but could not be saved. Please try again.",
                &back,
            );
        }
    }

    let encoded = percent_encoding::utf8_percent_encode(
        &encode_answers(&answers),
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    Redirect::to(&format!("/modules/{slug}?answers={encoded}#quiz-result")).into_response()
}

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

/// `GET /healthz`: 200 when the database answers.
pub async fn health(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

fn error_page(status: StatusCode, message: &str, back: &str) -> Response {
    let esc = crate::courseware::escape_html(message);
    (
        status,
        Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Levelfield</title>\
             <link rel=\"stylesheet\" href=\"/pkg/levelfield.css\"></head><body><main id=\"main\">\
             <h1>That did not work</h1><p role=\"alert\">{esc}</p><p><a href=\"{back}\">Go back</a></p></main></body></html>"
        )),
    )
        .into_response()
}
