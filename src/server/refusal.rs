//! What a request gets when it is not done as asked, in one vocabulary for form handlers, pages
//! and the server function alike.
//!
//! - A form handler returns an [`Action`]: `Ok(SeeOther)` (post/redirect/get) or `Err(Refusal)`.
//!   `?` works on both: [`OrBack::or_back`] turns a store or auth error into a refusal that goes
//!   back to the form's page with `?error=<code>` ([`ErrorCode`]), logging anything unexpected
//!   once with its causes.
//! - The extractors (`server::extract`) refuse with [`Refusal::SignIn`] (a login redirect
//!   carrying `next`), [`Refusal::Forbidden`] or [`Refusal::NotFound`].
//! - A page renders a refusal with [`Refusal::view`] (the same statuses, as a page part); the
//!   server function converts it into an [`AppError`].
//!
//! May use: error, store and auth error types, axum, leptos. Nothing of `features` or `ui`.

use super::auth::AuthError;
use crate::error::{log_internal, AppError, ErrorCode};
use crate::store::{Outage, StoreError};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// What a form handler answers: a 303 to the next page, or why not.
pub type Action = Result<SeeOther, Refusal>;

/// 303 See Other (post/redirect/get), optionally setting a cookie and other headers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct SeeOther {
    to: String,
    cookie: Option<HeaderValue>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl SeeOther {
    pub fn to(path: impl Into<String>) -> Self {
        SeeOther {
            to: path.into(),
            cookie: None,
            headers: Vec::new(),
        }
    }

    /// The same redirect, with one more response header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The same redirect, setting `cookie` (`Set-Cookie`).
    pub fn with_cookie(self, cookie: HeaderValue) -> Self {
        SeeOther {
            cookie: Some(cookie),
            ..self
        }
    }

    /// Where it goes.
    pub fn location(&self) -> &str {
        &self.to
    }
}

impl IntoResponse for SeeOther {
    fn into_response(self) -> Response {
        let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, self.to)]).into_response();
        if let Some(c) = self.cookie {
            res.headers_mut().insert(header::SET_COOKIE, c);
        }
        for (name, value) in self.headers {
            res.headers_mut().insert(name, value);
        }
        res
    }
}

/// Why a request was not done as asked. Each variant knows its HTTP status and how it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Refusal {
    /// Back to the form's page with `?error=<code>` (and any `params`, then `#anchor`).
    Back {
        path: String,
        code: ErrorCode,
        params: Vec<(&'static str, String)>,
        anchor: Option<String>,
    },
    /// Nobody is signed in: to the login page, coming back to `next` after.
    SignIn { next: Option<String> },
    /// The signed-in person may not do or see this.
    Forbidden,
    /// Nothing here (or nothing this person may know of); the text is the page's heading.
    NotFound(&'static str),
    /// The request itself is malformed; the message names what.
    BadRequest { message: String, back: String },
    /// Something failed on our side (already logged); the message says what did not happen.
    Failed(&'static str),
    /// Too many tries (throttled): 429 with `Retry-After`, a page saying why (`code`) and a link
    /// `back` to the form.
    TooMany {
        back: String,
        code: ErrorCode,
        retry_after: u64,
    },
    /// Every password-hashing slot is taken: 503 with `Retry-After`, and a link `back`.
    Busy { back: String },
    /// The database is out of reach or its storage is full (already logged): 503 with
    /// `Retry-After`, a page saying so, and a link `back`.
    Unavailable { outage: Outage, back: String },
}

impl Refusal {
    /// Back to `path` with `?error=<code>`.
    pub fn back(path: &str, code: ErrorCode) -> Self {
        Refusal::Back {
            path: path.to_string(),
            code,
            params: Vec::new(),
            anchor: None,
        }
    }

    /// Adds `&key=value` after the error code (a [`Refusal::Back`] only). `value` must be
    /// URL-safe (ids are).
    pub fn with_param(mut self, key: &'static str, value: impl Into<String>) -> Self {
        if let Refusal::Back { params, .. } = &mut self {
            params.push((key, value.into()));
        }
        self
    }

    /// 429: too many tries; try again after `retry_after` seconds.
    pub fn too_many(back: &str, code: ErrorCode, retry_after: u64) -> Self {
        Refusal::TooMany {
            back: back.to_string(),
            code,
            retry_after: retry_after.max(1),
        }
    }

    /// Ends the location with `#anchor` (a [`Refusal::Back`] only).
    pub fn with_anchor(mut self, to: impl Into<String>) -> Self {
        if let Refusal::Back { anchor, .. } = &mut self {
            *anchor = Some(to.into());
        }
        self
    }

    /// The HTTP status it answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Busy { .. } | Refusal::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::Back { .. } | Refusal::SignIn { .. } => StatusCode::SEE_OTHER,
            Refusal::Forbidden => StatusCode::FORBIDDEN,
            Refusal::NotFound(_) => StatusCode::NOT_FOUND,
            Refusal::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Refusal::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Where a redirecting refusal sends the browser.
    pub fn location(&self) -> Option<String> {
        match self {
            Refusal::Back {
                path,
                code,
                params,
                anchor,
            } => {
                let sep = if path.contains('?') { '&' } else { '?' };
                let mut to = format!("{path}{sep}error={code}");
                for (k, v) in params {
                    to.push_str(&format!("&{k}={v}"));
                }
                if let Some(a) = anchor {
                    to.push('#');
                    to.push_str(a);
                }
                Some(to)
            }
            Refusal::SignIn { next } => Some(login_path(next.as_deref())),
            _ => None,
        }
    }

    /// The refusal as the page being rendered: sets the response's status (and, for a
    /// redirect, its location; pages redirect to the login with 302) and shows why.
    pub fn view(self) -> AnyView {
        let opts = use_context::<leptos_axum::ResponseOptions>();
        let location = self.location();
        if let (Some(opts), Some(to)) = (&opts, location) {
            if let Ok(to) = HeaderValue::from_str(&to) {
                opts.insert_header(header::LOCATION, to);
            }
        }
        let status = match &self {
            Refusal::SignIn { .. } => StatusCode::FOUND,
            other => other.status(),
        };
        if let Some(opts) = &opts {
            opts.set_status(status);
            if let Some(wait) = self.retry_after() {
                opts.insert_header(header::RETRY_AFTER, wait);
            }
        }
        use leptos_meta::Title;
        match self {
            Refusal::Back { .. } | Refusal::SignIn { .. } => ().into_any(),
            Refusal::Forbidden => view! {
                <Title text="No access" />
                <h1>"No access"</h1>
                <p>"Your account does not have access to this page."</p>
            }
            .into_any(),
            Refusal::NotFound(heading) => view! {
                <Title text=heading />
                <h1>{heading}</h1>
            }
            .into_any(),
            Refusal::BadRequest { message, .. } => {
                view! { <p class="error" role="alert">{message}</p> }.into_any()
            }
            Refusal::Failed(message) => {
                view! { <p class="error" role="alert">{message}</p> }.into_any()
            }
            Refusal::TooMany { code, .. } => {
                view! { <p class="error" role="alert">{code.message()}</p> }.into_any()
            }
            Refusal::Busy { .. } => view! { <p class="error" role="alert">{BUSY}</p> }.into_any(),
            Refusal::Unavailable { outage, .. } => {
                let (heading, message) = unavailable_text(outage);
                view! {
                    <Title text=heading />
                    <h1>{heading}</h1>
                    <p class="error" role="alert">{message}</p>
                }
                .into_any()
            }
        }
    }

    /// The `Retry-After` of a 429 or 503.
    fn retry_after(&self) -> Option<HeaderValue> {
        match self {
            Refusal::TooMany { retry_after, .. } => Some(HeaderValue::from(*retry_after)),
            Refusal::Busy { .. } => Some(HeaderValue::from_static(BUSY_RETRY_AFTER)),
            Refusal::Unavailable {
                outage: Outage::Unreachable,
                ..
            } => Some(HeaderValue::from_static(UNREACHABLE_RETRY_AFTER)),
            Refusal::Unavailable {
                outage: Outage::StorageFull,
                ..
            } => Some(HeaderValue::from_static(STORAGE_FULL_RETRY_AFTER)),
            _ => None,
        }
    }

    /// The 503 for a store failure that is an outage, logged once with its cause.
    pub fn unavailable(outage: Outage, error: &dyn std::error::Error, back: &str) -> Self {
        match outage {
            Outage::Unreachable => tracing::error!(
                error = %crate::error::chain(error),
                "database unavailable: answering 503"
            ),
            Outage::StorageFull => tracing::error!(
                error = %crate::error::chain(error),
                "storage full: the database could not write; answering 503"
            ),
        }
        Refusal::Unavailable {
            outage,
            back: back.to_string(),
        }
    }
}

/// The heading and sentence of a 503 for an outage.
fn unavailable_text(outage: Outage) -> (&'static str, &'static str) {
    match outage {
        Outage::Unreachable => (
            "Temporarily unavailable",
            "Levelfield cannot reach its database right now. Nothing was changed. Please try again in a few seconds.",
        ),
        Outage::StorageFull => (
            "Storage full",
            "Levelfield could not save this because its storage is full. Nothing was changed. Please tell your administrator.",
        ),
    }
}

/// How long a 503 for an unreachable database asks the browser to wait (seconds).
const UNREACHABLE_RETRY_AFTER: &str = "5";

/// How long a 503 for full storage asks the browser to wait (seconds).
const STORAGE_FULL_RETRY_AFTER: &str = "60";

/// What a 503 for a full hashing pool says.
const BUSY: &str = "The server is busy. Please try again in a few seconds.";

/// How long a 503 for a full hashing pool asks the browser to wait.
const BUSY_RETRY_AFTER: &str = "5";

/// The login page, coming back to `next` after.
pub fn login_path(next: Option<&str>) -> String {
    match next {
        Some(next) => format!(
            "/login?next={}",
            utf8_percent_encode(next, NON_ALPHANUMERIC)
        ),
        None => "/login".to_string(),
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Some(to) = self.location() {
            return (status, [(header::LOCATION, to)]).into_response();
        }
        let retry_after = self.retry_after();
        let (heading, message, back) = match self {
            Refusal::TooMany { back, code, .. } => {
                ("Too many attempts", code.message().to_string(), back)
            }
            Refusal::Busy { back } => ("Busy", BUSY.to_string(), back),
            Refusal::Unavailable { outage, back } => {
                let (heading, message) = unavailable_text(outage);
                (heading, message.to_string(), back)
            }
            Refusal::Forbidden => (
                "No access",
                "Your account does not have access to this page.".to_string(),
                "/".to_string(),
            ),
            Refusal::NotFound(heading) => (
                heading,
                "There is nothing at this address.".to_string(),
                "/".to_string(),
            ),
            Refusal::BadRequest { message, back } => ("That did not work", message, back),
            Refusal::Failed(message) => ("That did not work", message.to_string(), "/".into()),
            Refusal::Back { .. } | Refusal::SignIn { .. } => {
                ("That did not work", String::new(), "/".into())
            }
        };
        let mut res = (status, error_page(heading, &message, &back)).into_response();
        if let Some(wait) = retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, wait);
        }
        res
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Back {
                code: ErrorCode::QuizStale,
                ..
            } => AppError::Conflict(ErrorCode::QuizStale.message().to_string()),
            Refusal::Back { code, .. } => AppError::BadRequest(code.message().to_string()),
            Refusal::SignIn { .. } => AppError::Unauthorized,
            Refusal::Forbidden => AppError::Forbidden,
            Refusal::NotFound(what) => AppError::NotFound(what.to_string()),
            Refusal::BadRequest { message, .. } => AppError::BadRequest(message),
            Refusal::Failed(_) => AppError::Internal,
            Refusal::TooMany { code, .. } => AppError::TooMany(code.message().to_string()),
            Refusal::Busy { .. } | Refusal::Unavailable { .. } => AppError::Busy,
        }
    }
}

/// A small complete page for refusals answered outside the Leptos renderer.
fn error_page(heading: &str, message: &str, back: &str) -> Html<String> {
    let esc = crate::courseware::escape_html;
    let (heading, message, back) = (esc(heading), esc(message), esc(back));
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{heading} · Levelfield</title>\
         <link rel=\"stylesheet\" href=\"/pkg/levelfield.css\"></head><body><main id=\"main\">\
         <h1>{heading}</h1><p role=\"alert\">{message}</p><p><a href=\"{back}\">Go back</a></p></main></body></html>"
    ))
}

/// An error that may stand for something the person can act on: the [`ErrorCode`] to show, or
/// `None` for a failure of ours.
pub trait Coded: std::error::Error {
    fn code(&self) -> Option<ErrorCode>;
    /// Whether it means "too busy now" (503), not a failure.
    fn busy(&self) -> bool {
        false
    }
    /// Whether it is an outage of the database (503), not a failure of ours.
    fn outage(&self) -> Option<Outage> {
        None
    }
}

impl Coded for StoreError {
    fn code(&self) -> Option<ErrorCode> {
        match self {
            StoreError::NotFound => Some(ErrorCode::NotFound),
            StoreError::NameTaken => Some(ErrorCode::NameTaken),
            StoreError::EmailTaken => Some(ErrorCode::EmailTaken),
            StoreError::TokenInvalid => Some(ErrorCode::Token),
            StoreError::Duplicate => Some(ErrorCode::QuizStale),
            _ => None,
        }
    }

    fn outage(&self) -> Option<Outage> {
        StoreError::outage(self)
    }
}

impl Coded for AuthError {
    fn code(&self) -> Option<ErrorCode> {
        match self {
            AuthError::Store(e) => e.code(),
            _ => None,
        }
    }

    fn busy(&self) -> bool {
        matches!(self, AuthError::Busy)
    }

    fn outage(&self) -> Option<Outage> {
        match self {
            AuthError::Store(e) => e.outage(),
            _ => None,
        }
    }
}

/// `?` for form handlers and pages: a failed call becomes a [`Refusal`].
pub trait OrBack<T> {
    /// Back to `back` with the error's code; any other error is logged once, with its causes,
    /// and reads as [`ErrorCode::Internal`].
    fn or_back(self, back: &str) -> Result<T, Refusal>;
    /// Logs the error once, with its causes; the refusal is a 500 saying `message`.
    fn or_fail(self, message: &'static str) -> Result<T, Refusal>;
}

impl<T, E: Coded> OrBack<T> for Result<T, E> {
    fn or_back(self, back: &str) -> Result<T, Refusal> {
        self.map_err(|e| {
            if e.busy() {
                return Refusal::Busy {
                    back: back.to_string(),
                };
            }
            if let Some(outage) = e.outage() {
                return Refusal::unavailable(outage, &e, back);
            }
            let code = e.code().unwrap_or_else(|| {
                log_internal(&e);
                ErrorCode::Internal
            });
            Refusal::back(back, code)
        })
    }

    fn or_fail(self, message: &'static str) -> Result<T, Refusal> {
        self.map_err(|e| {
            if e.busy() {
                return Refusal::Busy { back: "/".into() };
            }
            if let Some(outage) = e.outage() {
                return Refusal::unavailable(outage, &e, "/");
            }
            log_internal(&e);
            Refusal::Failed(message)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_builds_the_location_and_throttling_answers_429() {
        let r = Refusal::back("/me/skills", ErrorCode::Rating).with_param("skill", "evaluation");
        assert_eq!(
            r.location().as_deref(),
            Some("/me/skills?error=rating&skill=evaluation")
        );
        let r = Refusal::back("/org/scarcity", ErrorCode::Weight)
            .with_param("skill", "x")
            .with_anchor("skill-x");
        assert_eq!(
            r.location().as_deref(),
            Some("/org/scarcity?error=weight&skill=x#skill-x")
        );
        let r = Refusal::too_many("/login?next=%2Fme", ErrorCode::Throttled, 42);
        assert_eq!(r.location(), None);
        let res = r.into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "42");
        let r: Result<(), _> = Err(AuthError::Busy);
        let res = r.or_back("/login").unwrap_err().into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()[header::RETRY_AFTER], "5");
    }

    #[test]
    fn store_errors_map_to_codes_or_internal() {
        let r: Result<(), _> = Err(StoreError::NameTaken);
        assert_eq!(
            r.or_back("/admin").unwrap_err(),
            Refusal::back("/admin", ErrorCode::NameTaken)
        );
        let r: Result<(), _> = Err(StoreError::Database(sqlx::Error::ColumnNotFound(
            "x".into(),
        )));
        assert_eq!(
            r.or_back("/admin").unwrap_err(),
            Refusal::back("/admin", ErrorCode::Internal)
        );
        // The database out of reach: 503 with Retry-After and a page saying so, not "internal".
        let r: Result<(), _> = Err(StoreError::Database(sqlx::Error::PoolTimedOut));
        let refusal = r.or_back("/admin").unwrap_err();
        assert_eq!(
            refusal,
            Refusal::Unavailable {
                outage: Outage::Unreachable,
                back: "/admin".into()
            }
        );
        let res = refusal.into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()[header::RETRY_AFTER], "5");
        let r: Result<(), _> = Err(StoreError::NotFound);
        assert_eq!(
            r.or_fail("Nothing saved.").unwrap_err(),
            Refusal::Failed("Nothing saved.")
        );
    }

    #[test]
    fn sign_in_carries_next_and_pages_escape_text() {
        let r = Refusal::SignIn {
            next: Some("/teams/3?role=x".into()),
        };
        assert_eq!(
            r.location().as_deref(),
            Some("/login?next=%2Fteams%2F3%3Frole%3Dx")
        );
        assert_eq!(r.into_response().status(), StatusCode::SEE_OTHER);
        let page = error_page("No <b>", "a & b", "/");
        assert!(page.0.contains("No &lt;b&gt;") && page.0.contains("a &amp; b"));
    }
}
