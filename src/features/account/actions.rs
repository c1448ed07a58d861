//! Account flows as plain form POSTs (they work without JavaScript): first-run setup, login,
//! logout, joining by invitation, and changing one's password. Each answers with a redirect;
//! a refused form goes back to its page with `?error=<code>`. Also the first-run setup link,
//! prepared at start-up.

use crate::domain::people::{OrgId, UserId};
use crate::error::{log_internal, ErrorCode};
use crate::server::audit::{self, Action as Audited, Event};
use crate::server::auth::{
    check_password, dummy_hash, hash_token, new_token, session_set_cookie, start_session,
    verifiable_hash,
};
use crate::server::extract::SignedIn;
use crate::server::forms::{check_name, safe_next, valid_email, Form, NameProblem};
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use crate::server::throttle::{
    self, account_key, per_account, per_address, Attempt, ClientAddr, Limit,
};
use crate::store::{NewUser, StoreError};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

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

/// A name field, checked; a refused one reads as `code` (which names the field).
fn name_field(form: &Form, field: &str, max: usize, code: ErrorCode) -> Result<String, ErrorCode> {
    check_name(form.get(field), max).map_err(|p| match p {
        NameProblem::Missing => ErrorCode::Missing,
        NameProblem::Invalid => code,
    })
}

/// A new account as a form gives it, checked but not hashed yet (hashing is costly: it comes
/// after the token and the throttle).
struct NewAccount {
    name: String,
    email: String,
    password: String,
}

/// Name, email and password of a new account from a form.
fn new_account(form: &Form) -> Result<NewAccount, ErrorCode> {
    let name = name_field(form, "name", 120, ErrorCode::PersonName)?;
    let email = form.get("email").ok_or(ErrorCode::Missing)?.to_lowercase();
    if !valid_email(&email) {
        return Err(ErrorCode::Email);
    }
    let password = new_password(form, "password", "password_confirm")?;
    Ok(NewAccount {
        name,
        email,
        password,
    })
}

/// Records a try under `checks` (see `server::throttle`): the attempt, or 429 with how long to
/// wait.
async fn throttle(
    state: &AppState,
    now: DateTime<Utc>,
    checks: &[(String, Limit)],
    back: &str,
) -> Result<Attempt, Refusal> {
    match throttle::attempt(state.store.as_ref(), now, checks)
        .await
        .or_back(back)?
    {
        Ok(attempt) => Ok(attempt),
        Err(wait) => {
            tracing::info!(retry_after = wait.seconds(), "throttled");
            Err(Refusal::too_many(
                back,
                ErrorCode::Throttled,
                wait.seconds(),
            ))
        }
    }
}

/// Forgets an attempt that succeeded (or was never judged); a failure to do so is only logged.
async fn forget(state: &AppState, attempt: Attempt, succeeded: bool) {
    let done = if succeeded {
        attempt.succeeded(state.store.as_ref()).await
    } else {
        attempt.abandoned(state.store.as_ref()).await
    };
    if let Err(e) = done {
        log_internal(&e);
    }
}

/// The account's password hashed within a hashing slot; with none free, the attempt is
/// abandoned and the answer is 503.
async fn hashed(
    state: &AppState,
    account: NewAccount,
    attempt: Attempt,
    back: &str,
) -> Result<(NewUser, Attempt), Refusal> {
    match state.hashing.hash(account.password).await {
        Ok(password_hash) => Ok((
            NewUser {
                email: account.email,
                name: account.name,
                password_hash,
            },
            attempt,
        )),
        Err(e) => {
            forget(state, attempt, false).await;
            Err(e).or_back(back)
        }
    }
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
    let cookie = session_set_cookie(state, headers, Some(&session), max_age);
    Ok(SeeOther::to(to).with_cookie(cookie))
}

/// `back` with `token` in its query, as the setup and join pages expect.
fn with_token(page: &str, token: &str) -> String {
    format!(
        "{page}?token={}",
        utf8_percent_encode(token, NON_ALPHANUMERIC)
    )
}

/// `POST /setup`: creates the first organisation and its admin, then signs them in. The
/// token is checked (a cheap read) before the password is hashed, and failures are throttled
/// per address.
#[tracing::instrument(skip_all)]
pub async fn setup(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    form: Form,
) -> Action {
    let token = form.get("token").unwrap_or_default();
    let back = with_token("/setup", &token);
    let org_name = name_field(&form, "organisation", 120, ErrorCode::OrgName)
        .map_err(|code| Refusal::back(&back, code))?;
    let account = new_account(&form).map_err(|code| Refusal::back(&back, code))?;
    let now = Utc::now();
    let limit = per_address(state.config.join_failures_allowed);
    let attempt = throttle(
        &state,
        now,
        &[(format!("setup:{}", client.key()), limit)],
        &back,
    )
    .await?;
    let token_hash = hash_token(&token);
    if !state
        .store
        .setup_token_usable(&token_hash, now)
        .await
        .or_back(&back)?
    {
        attempt.failed();
        return Err(Refusal::back(&back, ErrorCode::Token));
    }
    let (user, attempt) = hashed(&state, account, attempt, &back).await?;
    let created = state
        .store
        .setup_organisation(&token_hash, now, &org_name, &user)
        .await;
    let (org, user_id) = match created {
        Ok(done) => done,
        Err(e) => {
            attempt.failed();
            return Err(e).or_back(&back);
        }
    };
    forget(&state, attempt, true).await;
    let event = Event::account(Some(org), Some(user_id), &user.email, Audited::Setup);
    audit::record(
        &state,
        event.target(format!("organisation {org}")).from(&client),
    )
    .await;
    sign_in(&state, &headers, user_id, &back, "/admin").await
}

/// `POST /login`. Every try is recorded before the password is checked, under the client's
/// address (15-minute window) and under the email (back-off, counted for unknown emails too),
/// so that neither a burst nor a spread of addresses gets more checks than the limits allow.
#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    viewer: Option<SignedIn>,
    headers: HeaderMap,
    form: Form,
) -> Action {
    let next = safe_next(form.get("next"));
    let back = format!(
        "/login?next={}",
        utf8_percent_encode(&next, NON_ALPHANUMERIC)
    );
    let (Some(email), Some(password)) = (form.get("email"), form.raw("password")) else {
        return Err(Refusal::back(&back, ErrorCode::Missing));
    };
    let email = email.to_lowercase();
    let config = &state.config;
    let checks = [
        (
            format!("login:{}", client.key()),
            per_address(config.login_failures_allowed),
        ),
        (
            format!("account:{}", account_key(&email)),
            per_account(config.login_account_free, config.login_backoff_base),
        ),
    ];
    let attempt = match throttle(&state, Utc::now(), &checks, &back).await {
        Ok(attempt) => attempt,
        Err(refusal) => {
            audit::record(&state, throttled_event(&state, &email, &client).await).await;
            return Err(refusal);
        }
    };
    let creds = state.store.credentials(&email).await.or_back(&back)?;
    let account = creds.as_ref().map(|c| (c.org, c.user));
    // Verify against a dummy hash for unknown emails: the same work, the same answer.
    let hash = creds
        .as_ref()
        .map(|c| verifiable_hash(&c.password_hash))
        .unwrap_or_else(|| dummy_hash().to_string());
    let usable = creds
        .as_ref()
        .is_some_and(|c| c.password_hash.starts_with('$'));
    let ok = match state.hashing.verify(hash, password).await {
        Ok(ok) => ok && usable,
        Err(e) => {
            forget(&state, attempt, false).await;
            return Err(e).or_back(&back);
        }
    };
    let Some(creds) = creds.filter(|_| ok) else {
        attempt.failed();
        audit::record(
            &state,
            login_event(account, &email, Audited::LoginFailed, &client),
        )
        .await;
        return Err(Refusal::back(&back, ErrorCode::InvalidLogin));
    };
    forget(&state, attempt, true).await;
    // Said only to whoever knows the password: no more than a successful sign-in reveals.
    if creds.suspended {
        audit::record(
            &state,
            login_event(account, &email, Audited::LoginSuspended, &client),
        )
        .await;
        return Err(Refusal::back(&back, ErrorCode::Suspended));
    }
    // Mandatory single sign-on: the password was right, but this organisation's members sign
    // in with its provider (admins keep a break-glass password).
    if crate::server::sso::password_refused(&state, creds.org, creds.user)
        .await
        .or_back(&back)?
    {
        let event = login_event(account, &email, Audited::LoginFailed, &client);
        audit::record(&state, event.detail("single sign-on is mandatory")).await;
        return Err(Refusal::back(&back, ErrorCode::SsoRequired));
    }
    audit::record(
        &state,
        login_event(account, &email, Audited::LoginSucceeded, &client),
    )
    .await;
    // Rotation: the old session (if any) ends, a new id is issued.
    if let Some(SignedIn(old)) = viewer {
        if let Err(e) = state.store.delete_session(&old.session).await {
            log_internal(&e);
        }
    }
    sign_in(&state, &headers, creds.user, &back, &next).await
}

/// A sign-in's audit event: the account's (and its organisation's) when the email names one,
/// else nobody's (the email typed is not kept: it may be a password typed in the wrong field).
fn login_event(
    account: Option<(OrgId, UserId)>,
    email: &str,
    action: Audited,
    client: &ClientAddr,
) -> Event {
    match account {
        Some((org, user)) => Event::account(Some(org), Some(user), email, action),
        None => Event::anonymous(action),
    }
    .from(client)
}

/// A throttled sign-in's audit event, on the account the email names (so its organisation's
/// admins see someone is trying it), else on nobody.
async fn throttled_event(state: &AppState, email: &str, client: &ClientAddr) -> Event {
    let account = match email.is_empty() {
        true => None,
        false => state.store.credentials(email).await.ok().flatten(),
    };
    let account = account.map(|c| (c.org, c.user));
    login_event(account, email, Audited::LoginThrottled, client)
}

/// `POST /logout`: ends the session on the server, clears the cookie, and asks the browser to
/// drop what it cached and stored for this site (`Clear-Site-Data`). A session that began with
/// single sign-on also ends at the provider (RP-initiated logout): the answer is then a short
/// page that sends the browser on to the provider's end-session endpoint (a redirect would be
/// stopped by the pages' `form-action 'self'`).
#[tracing::instrument(skip_all)]
pub async fn logout(
    State(state): State<AppState>,
    client: ClientAddr,
    viewer: Option<SignedIn>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let mut provider = None;
    if let Some(SignedIn(v)) = viewer {
        provider = provider_sign_out(&state, &v, &headers).await;
        state.store.delete_session(&v.session).await.or_back("/")?;
        audit::record(&state, Event::by(&v, Audited::Logout).from(&client)).await;
    }
    let cookie = session_set_cookie(&state, &headers, None, 0);
    let clear = (
        HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\", \"cookies\""),
    );
    let Some(to) = provider else {
        return Ok(SeeOther::to("/")
            .with_cookie(cookie)
            .with_header(clear.0, clear.1)
            .into_response());
    };
    let to = crate::courseware::escape_html(&to);
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={to}\"><title>Signed out · Levelfield</title></head>\
         <body><main id=\"main\"><h1>Signed out</h1><p>You are signed out of Levelfield. \
         <a id=\"provider-sign-out\" href=\"{to}\">Continue to sign out at your organisation's identity provider</a>.</p>\
         </main></body></html>"
    );
    let mut res = axum::response::Html(page).into_response();
    res.headers_mut()
        .insert(axum::http::header::SET_COOKIE, cookie);
    res.headers_mut().insert(clear.0, clear.1);
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// The provider's end-session address for `v`'s session, if it began with single sign-on.
async fn provider_sign_out(
    state: &AppState,
    v: &crate::server::auth::Viewer,
    headers: &HeaderMap,
) -> Option<String> {
    let id_token = match state.store.sso_session_id_token(&v.session).await {
        Ok(t) => t?,
        Err(e) => {
            log_internal(&e);
            return None;
        }
    };
    let config = match state.store.sso_config(v.org).await {
        Ok(c) => c?,
        Err(e) => {
            log_internal(&e);
            return None;
        }
    };
    let after = format!("{}/", crate::server::sso::base_url(state, headers));
    state.sso.logout_url(&config, &id_token, &after).await
}

/// `POST /join`: creates an account from an invitation and signs it in. The invitation is
/// looked up first (unused, unexpired, and for its email if it names one), so a bad link costs
/// no hashing; failures are throttled per address and per link, and an email that cannot be
/// used answers with one neutral sentence.
#[tracing::instrument(skip_all)]
pub async fn join(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    form: Form,
) -> Action {
    let token = form.get("token").unwrap_or_default();
    let back = with_token("/join", &token);
    let account = new_account(&form).map_err(|code| Refusal::back(&back, code))?;
    let now = Utc::now();
    let token_hash = hash_token(&token);
    let allowed = state.config.join_failures_allowed;
    let checks = [
        (format!("join:{}", client.key()), per_address(allowed)),
        (
            format!("join-link:{token_hash}"),
            Limit::Window {
                max: allowed,
                window: std::time::Duration::from_secs(60 * 60),
            },
        ),
    ];
    let attempt = throttle(&state, now, &checks, &back).await?;
    let invitation = state
        .store
        .invitation(&token_hash)
        .await
        .or_back(&back)?
        .filter(|i| i.used_at.is_none() && i.expires_at > now);
    let Some(invitation) = invitation else {
        attempt.failed();
        return Err(Refusal::back(&back, ErrorCode::Token));
    };
    if invitation
        .email
        .as_deref()
        .is_some_and(|e| !e.eq_ignore_ascii_case(&account.email))
    {
        attempt.failed();
        return Err(Refusal::back(&back, ErrorCode::JoinRefused));
    }
    let (user, attempt) = hashed(&state, account, attempt, &back).await?;
    let accepted = state.store.accept_invitation(&token_hash, now, &user).await;
    let (org, user_id) = match accepted {
        Ok(done) => done,
        Err(StoreError::EmailTaken) => {
            attempt.failed();
            return Err(Refusal::back(&back, ErrorCode::JoinRefused));
        }
        Err(e) => {
            attempt.failed();
            return Err(e).or_back(&back);
        }
    };
    forget(&state, attempt, true).await;
    let event = Event::account(
        Some(org),
        Some(user_id),
        &user.email,
        Audited::InvitationAccepted,
    );
    audit::record(&state, event.from(&client)).await;
    sign_in(&state, &headers, user_id, &back, "/me").await
}

/// `POST /account/password`: changes the password and ends every other session. Wrong
/// current passwords are throttled per account, like logins.
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
    let checks = [(
        format!("password:{}", viewer.user.0),
        per_address(state.config.login_failures_allowed),
    )];
    let attempt = throttle(&state, Utc::now(), &checks, back).await?;
    let stored = state.store.password_hash(viewer.user).await.or_back(back)?;
    match state.hashing.verify(stored, current).await {
        Ok(true) => {}
        Ok(false) => {
            attempt.failed();
            return Err(Refusal::back(back, ErrorCode::WrongPassword));
        }
        Err(e) => {
            forget(&state, attempt, false).await;
            return Err(e).or_back(back);
        }
    }
    forget(&state, attempt, true).await;
    let hash = state.hashing.hash(new).await.or_back(back)?;
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
