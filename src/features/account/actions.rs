//! Account flows as plain form POSTs (they work without JavaScript): first-run setup, login,
//! logout, joining by invitation, and changing one's password. Each answers with a redirect;
//! a refused form goes back to its page with `?error=<code>`. Also the first-run setup link,
//! prepared at start-up.

use crate::domain::people::{OrgId, UserId};
use crate::error::{log_internal, ErrorCode};
use crate::server::audit::{self, Action as Audited, ClientAddr, Event};
use crate::server::auth::{
    check_password, cookie_header, dummy_hash, hash_password, hash_token, is_tls, new_token,
    start_session, verify_password, LOGIN_THROTTLE_WINDOW_MINUTES,
};
use crate::server::extract::SignedIn;
use crate::server::forms::{safe_next, valid_email, Form};
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use crate::store::{NewUser, StoreError};
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::Extension;
use chrono::{Duration, Utc};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use std::net::SocketAddr;

/// Creates the first-run setup token if there is no organisation yet (revoking any earlier
/// one); returns the token, for the operator's terminal only (never the log).
pub async fn prepare_setup(state: &AppState) -> Result<Option<String>, StoreError> {
    if state.store.organisation_count().await? > 0 {
        return Ok(None);
    }
    let token = new_token();
    let expires = Utc::now() + Duration::minutes(state.config.setup_token_minutes);
    state
        .store
        .create_setup_token(&hash_token(&token), expires)
        .await?;
    Ok(Some(token))
}

/// New password fields, checked: both present, equal, and allowed by the policy.
fn new_password(form: &Form, field: &str, confirm: &str) -> Result<String, ErrorCode> {
    let (Some(pw), Some(again)) = (form.raw(field), form.raw(confirm)) else {
        return Err(ErrorCode::Missing);
    };
    if pw != again {
        return Err(ErrorCode::Mismatch);
    }
    check_password(&pw)?;
    Ok(pw)
}

/// Name, email and password of a new account from a form.
async fn new_user(form: &Form) -> Result<NewUser, ErrorCode> {
    let (Some(name), Some(email)) = (form.get("name"), form.get("email")) else {
        return Err(ErrorCode::Missing);
    };
    let email = email.to_lowercase();
    if !valid_email(&email) {
        return Err(ErrorCode::Email);
    }
    let password = new_password(form, "password", "password_confirm")?;
    let password_hash = hash_password(password).await.map_err(|e| {
        log_internal(&e);
        ErrorCode::Internal
    })?;
    Ok(NewUser {
        email,
        name: name.chars().take(120).collect(),
        password_hash,
    })
}

/// A fresh session for `user`, and on to `to` with its cookie.
async fn sign_in(
    state: &AppState,
    headers: &HeaderMap,
    user: UserId,
    back: &str,
    to: &str,
) -> Action {
    let session = start_session(state, user).await.or_back(back)?;
    let max_age = state.config.session_absolute_minutes * 60;
    let cookie = cookie_header(Some(&session), is_tls(state, headers), max_age);
    Ok(SeeOther::to(to).with_cookie(cookie))
}

/// `back` with `token` in its query, as the setup and join pages expect.
fn with_token(page: &str, token: &str) -> String {
    format!(
        "{page}?token={}",
        utf8_percent_encode(token, NON_ALPHANUMERIC)
    )
}

/// `POST /setup`: creates the first organisation and its admin, then signs them in.
#[tracing::instrument(skip_all)]
pub async fn setup(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    form: Form,
) -> Action {
    let token = form.get("token").unwrap_or_default();
    let back = with_token("/setup", &token);
    let org_name = form
        .get("organisation")
        .ok_or_else(|| Refusal::back(&back, ErrorCode::Missing))?;
    let user = new_user(&form)
        .await
        .map_err(|code| Refusal::back(&back, code))?;
    let (org, user_id) = state
        .store
        .setup_organisation(&hash_token(&token), Utc::now(), &org_name, &user)
        .await
        .or_back(&back)?;
    let event = Event::account(Some(org), Some(user_id), &user.email, Audited::Setup);
    audit::record(
        &state,
        event.target(format!("organisation {org}")).from(&client),
    )
    .await;
    sign_in(&state, &headers, user_id, &back, "/admin").await
}

/// The client's address for throttling: the socket peer, or `unknown` in tests.
fn client_key(peer: Option<&ConnectInfo<SocketAddr>>) -> String {
    peer.map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// `POST /login`.
#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    viewer: Option<SignedIn>,
    headers: HeaderMap,
    form: Form,
) -> Action {
    let next = safe_next(form.get("next"));
    let back = format!(
        "/login?next={}",
        utf8_percent_encode(&next, NON_ALPHANUMERIC)
    );
    let key = client_key(peer.as_ref().map(|p| &p.0));
    let now = Utc::now();
    let window = now - Duration::minutes(LOGIN_THROTTLE_WINDOW_MINUTES);
    let failures = state
        .store
        .login_failures_since(&key, window)
        .await
        .or_back(&back)?;
    if failures >= state.config.login_failures_allowed {
        audit::record(&state, throttled_event(&state, &form, &key).await).await;
        return Err(Refusal::back(&back, ErrorCode::Throttled));
    }
    let (Some(email), Some(password)) = (form.get("email"), form.raw("password")) else {
        return Err(Refusal::back(&back, ErrorCode::Missing));
    };
    let creds = state
        .store
        .credentials(&email.to_lowercase())
        .await
        .or_back(&back)?;
    // Verify against a dummy hash for unknown emails: the same work, the same answer.
    let hash = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let ok = verify_password(hash, password).await.or_back(&back)? && creds.is_some();
    let account = creds.as_ref().map(|c| (c.org, c.user));
    let Some(creds) = creds.filter(|_| ok) else {
        state
            .store
            .record_login_failure(&key, now)
            .await
            .or_back(&back)?;
        audit::record(
            &state,
            login_event(account, &email, Audited::LoginFailed, &key),
        )
        .await;
        return Err(Refusal::back(&back, ErrorCode::InvalidLogin));
    };
    // Rotation: the old session (if any) ends, a new id is issued.
    if let Some(SignedIn(old)) = viewer {
        if let Err(e) = state.store.delete_session(&old.session).await {
            log_internal(&e);
        }
    }
    audit::record(
        &state,
        login_event(account, &email, Audited::LoginSucceeded, &key),
    )
    .await;
    sign_in(&state, &headers, creds.user, &back, &next).await
}

/// A sign-in's audit event: the account's (and its organisation's) when the email names one,
/// else nobody's (the email typed is not kept: it may be a password typed in the wrong field).
fn login_event(
    account: Option<(OrgId, UserId)>,
    email: &str,
    action: Audited,
    address: &str,
) -> Event {
    match account {
        Some((org, user)) => Event::account(Some(org), Some(user), &email.to_lowercase(), action),
        None => Event::anonymous(action),
    }
    .address(Some(address.to_string()))
}

/// A throttled sign-in's audit event, on the account the email names (so its organisation's
/// admins see someone is trying it), else on nobody.
async fn throttled_event(state: &AppState, form: &Form, address: &str) -> Event {
    let email = form.get("email").unwrap_or_default().to_lowercase();
    let account = match email.is_empty() {
        true => None,
        false => state.store.credentials(&email).await.ok().flatten(),
    };
    let account = account.map(|c| (c.org, c.user));
    login_event(account, &email, Audited::LoginThrottled, address)
}

/// `POST /logout`: ends the session on the server and clears the cookie.
#[tracing::instrument(skip_all)]
pub async fn logout(
    State(state): State<AppState>,
    client: ClientAddr,
    viewer: Option<SignedIn>,
    headers: HeaderMap,
) -> Action {
    if let Some(SignedIn(v)) = viewer {
        state.store.delete_session(&v.session).await.or_back("/")?;
        audit::record(&state, Event::by(&v, Audited::Logout).from(&client)).await;
    }
    Ok(SeeOther::to("/").with_cookie(cookie_header(None, is_tls(&state, &headers), 0)))
}

/// `POST /join`: creates an account from an invitation and signs it in.
#[tracing::instrument(skip_all)]
pub async fn join(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    form: Form,
) -> Action {
    let token = form.get("token").unwrap_or_default();
    let back = with_token("/join", &token);
    let user = new_user(&form)
        .await
        .map_err(|code| Refusal::back(&back, code))?;
    let (org, user_id) = state
        .store
        .accept_invitation(&hash_token(&token), Utc::now(), &user)
        .await
        .or_back(&back)?;
    let event = Event::account(
        Some(org),
        Some(user_id),
        &user.email,
        Audited::InvitationAccepted,
    );
    audit::record(&state, event.from(&client)).await;
    sign_in(&state, &headers, user_id, &back, "/me").await
}

/// `POST /account/password`: changes the password and ends every other session.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    client: ClientAddr,
    form: Form,
) -> Action {
    let back = "/account";
    let current = form
        .raw("current_password")
        .ok_or_else(|| Refusal::back(back, ErrorCode::Missing))?;
    let new = new_password(&form, "password", "password_confirm")
        .map_err(|code| Refusal::back(back, code))?;
    let stored = state.store.password_hash(viewer.user).await.or_back(back)?;
    if !verify_password(stored, current).await.or_back(back)? {
        return Err(Refusal::back(back, ErrorCode::WrongPassword));
    }
    let hash = hash_password(new).await.or_back(back)?;
    state
        .store
        .set_password(viewer.user, &hash, Utc::now())
        .await
        .or_back(back)?;
    let ended = state
        .store
        .delete_other_sessions(viewer.user, &viewer.session)
        .await
        .or_back(back)?;
    let event = Event::by(&viewer, Audited::PasswordChanged);
    let event = event.detail(format!("{ended} other session(s) ended"));
    audit::record(&state, event.from(&client)).await;
    Ok(SeeOther::to("/account?done=password"))
}
