//! Account flows as plain form POSTs (they work without JavaScript): first-run setup, login,
//! logout, joining by invitation, and changing one's password. Each answers with a redirect.

use super::auth::{
    check_password, cookie_header, dummy_hash, hash_password, hash_token, is_tls, start_session,
    verify_password, Viewer,
};
use super::forms::{password_code, safe_next, see_other, valid_email, with_error, Form};
use super::state::AppState;
use crate::store::{NewUser, StoreError};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::{Duration, Utc};
use std::net::SocketAddr;

/// Creates the first-run setup token if there is no organisation yet; returns the token.
pub async fn prepare_setup(state: &AppState) -> Result<Option<String>, StoreError> {
    if state.store.organisation_count().await? > 0 {
        return Ok(None);
    }
    let token = super::auth::new_token();
    let expires = Utc::now() + Duration::minutes(state.config.setup_token_minutes);
    state
        .store
        .create_setup_token(&hash_token(&token), expires)
        .await?;
    Ok(Some(token))
}

/// New password fields, checked: both present, equal, and allowed by the policy.
fn new_password(form: &Form, field: &str, confirm: &str) -> Result<String, &'static str> {
    let (Some(pw), Some(again)) = (form.raw(field), form.raw(confirm)) else {
        return Err("missing");
    };
    if pw != again {
        return Err("mismatch");
    }
    check_password(&pw).map_err(|e| password_code(&e))?;
    Ok(pw)
}

/// Name, email and password of a new account from a form.
async fn new_user(form: &Form) -> Result<NewUser, &'static str> {
    let (Some(name), Some(email)) = (form.get("name"), form.get("email")) else {
        return Err("missing");
    };
    let email = email.to_lowercase();
    if !valid_email(&email) {
        return Err("email");
    }
    let password = new_password(form, "password", "password_confirm")?;
    let password_hash = hash_password(password).await.map_err(|e| {
        tracing::error!(error = %e, "hashing failed");
        "internal"
    })?;
    Ok(NewUser {
        email,
        name: name.chars().take(120).collect(),
        password_hash,
    })
}

fn signed_in(state: &AppState, headers: &HeaderMap, token: &str, to: &str) -> Response {
    let max_age = state.config.session_absolute_minutes * 60;
    see_other(
        to,
        Some(cookie_header(Some(token), is_tls(state, headers), max_age)),
    )
}

fn internal(e: &dyn std::error::Error) -> Response {
    let _ = crate::error::AppError::internal(e);
    see_other("/?error=internal", None)
}

/// After an account was created (or not): sign it in and go on, or back with the reason.
async fn signed_up(
    state: &AppState,
    headers: &HeaderMap,
    created: Result<crate::domain::people::UserId, StoreError>,
    back: &str,
    to: &str,
) -> Response {
    match created {
        Ok(user_id) => match start_session(state, user_id).await {
            Ok(session) => signed_in(state, headers, &session, to),
            Err(e) => internal(&e),
        },
        Err(StoreError::TokenInvalid) => see_other(&with_error(back, "token"), None),
        Err(StoreError::EmailTaken) => see_other(&with_error(back, "email-taken"), None),
        Err(e) => internal(&e),
    }
}

/// `POST /setup`: creates the first organisation and its admin, then signs them in.
pub async fn setup(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let token = form.get("token").unwrap_or_default();
    let back = format!(
        "/setup?token={}",
        percent_encoding::utf8_percent_encode(&token, percent_encoding::NON_ALPHANUMERIC)
    );
    let Some(org_name) = form.get("organisation") else {
        return see_other(&with_error(&back, "missing"), None);
    };
    let user = match new_user(&form).await {
        Ok(u) => u,
        Err(code) => return see_other(&with_error(&back, code), None),
    };
    let now = Utc::now();
    let created = state
        .store
        .setup_organisation(&hash_token(&token), now, &org_name, &user)
        .await;
    signed_up(&state, &headers, created.map(|(_, u)| u), &back, "/admin").await
}

/// The client's address for throttling: the socket peer, or `unknown` in tests.
fn client_key(peer: Option<&ConnectInfo<SocketAddr>>) -> String {
    peer.map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    viewer: Option<Extension<Viewer>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    let next = safe_next(form.get("next"));
    let back = format!(
        "/login?next={}",
        percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
    );
    let key = client_key(peer.as_ref().map(|p| &p.0));
    let now = Utc::now();
    let window = now - Duration::minutes(15);
    match state.store.login_failures_since(&key, window).await {
        Ok(n) if n >= state.config.login_failures_allowed => {
            let mut res = see_other(&with_error(&back, "throttled"), None);
            *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("300"));
            return res;
        }
        Ok(_) => {}
        Err(e) => return internal(&e),
    }
    let (Some(email), Some(password)) = (form.get("email"), form.raw("password")) else {
        return see_other(&with_error(&back, "missing"), None);
    };
    let creds = match state.store.credentials(&email.to_lowercase()).await {
        Ok(c) => c,
        Err(e) => return internal(&e),
    };
    // Verify against a dummy hash for unknown emails: the same work, the same answer.
    let hash = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let ok = match verify_password(hash, password).await {
        Ok(ok) => ok && creds.is_some(),
        Err(e) => return internal(&e),
    };
    let Some(creds) = creds.filter(|_| ok) else {
        if let Err(e) = state.store.record_login_failure(&key, now).await {
            return internal(&e);
        }
        return see_other(&with_error(&back, "invalid-login"), None);
    };
    // Rotation: the old session (if any) ends, a new id is issued.
    if let Some(Extension(old)) = viewer {
        let _ = state.store.delete_session(&old.session).await;
    }
    match start_session(&state, creds.user).await {
        Ok(session) => signed_in(&state, &headers, &session, &next),
        Err(e) => internal(&e),
    }
}

/// `POST /logout`: ends the session on the server and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    headers: HeaderMap,
) -> Response {
    if let Some(Extension(v)) = viewer {
        if let Err(e) = state.store.delete_session(&v.session).await {
            return internal(&e);
        }
    }
    see_other("/", Some(cookie_header(None, is_tls(&state, &headers), 0)))
}

/// `POST /join`: creates an account from an invitation and signs it in.
pub async fn join(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let token = form.get("token").unwrap_or_default();
    let back = format!(
        "/join?token={}",
        percent_encoding::utf8_percent_encode(&token, percent_encoding::NON_ALPHANUMERIC)
    );
    let user = match new_user(&form).await {
        Ok(u) => u,
        Err(code) => return see_other(&with_error(&back, code), None),
    };
    let now = Utc::now();
    let created = state
        .store
        .accept_invitation(&hash_token(&token), now, &user)
        .await;
    signed_up(&state, &headers, created.map(|(_, u)| u), &back, "/me").await
}

/// `POST /account/password`: changes the password and ends every other session.
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    body: Bytes,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return see_other("/login?next=/account", None);
    };
    let form = Form::parse(&body);
    let back = "/account";
    let Some(current) = form.raw("current_password") else {
        return see_other(&with_error(back, "missing"), None);
    };
    let new = match new_password(&form, "password", "password_confirm") {
        Ok(p) => p,
        Err(code) => return see_other(&with_error(back, code), None),
    };
    let stored = match state.store.password_hash(viewer.user).await {
        Ok(h) => h,
        Err(e) => return internal(&e),
    };
    match verify_password(stored, current).await {
        Ok(true) => {}
        Ok(false) => return see_other(&with_error(back, "wrong-password"), None),
        Err(e) => return internal(&e),
    }
    let hash = match hash_password(new).await {
        Ok(h) => h,
        Err(e) => return internal(&e),
    };
    let now = Utc::now();
    if let Err(e) = state.store.set_password(viewer.user, &hash, now).await {
        return internal(&e);
    }
    if let Err(e) = state
        .store
        .delete_other_sessions(viewer.user, &viewer.session)
        .await
    {
        return internal(&e);
    }
    see_other("/account?done=password", None)
}

/// A 403 or login redirect for pages and handlers that need a signed-in person.
pub fn require_login(path: &str) -> Response {
    see_other(
        &format!(
            "/login?next={}",
            percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
        ),
        None,
    )
}

/// 403 with a short page.
pub fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "You do not have access to this.").into_response()
}
