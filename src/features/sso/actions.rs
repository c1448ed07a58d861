//! Single sign-on as plain handlers (they work without JavaScript):
//!
//! - `POST /login/sso/start`: a sign-in with the organisation's provider begins. State, nonce
//!   and PKCE verifier are kept server-side (`sso_logins`), bound to this browser by a cookie,
//!   single use and ten minutes at most; the browser goes to the provider.
//! - `GET /login/sso/callback`: the provider sends the browser back. The state is taken (so it
//!   works once) and must belong to this browser; the code is exchanged, the ID token verified
//!   (`server::sso`), userinfo read; then the person is found — by their linked identity (issuer,
//!   subject), else by the organisation's match claim against a provisioned member's external
//!   id (and linked), else, when a local account has their email, they are sent to prove its
//!   password first, else they are created with the default role — and signed in.
//! - `POST /login/sso/link`: proves the local password, links, signs in.
//! - `POST /admin/sso`: the admin saves the settings (discovery is run against the issuer).
//! - `POST /admin/members/{user}/sso` and `…/sso/unlink`: an admin links or unlinks.
//!
//! Every refusal answers with a page saying what happened and what to do, is logged with its
//! cause, and is recorded in the audit log.

use crate::domain::people::{MemberRole, OrgId, TeamId, UserId};
use crate::error::{log_internal, ErrorCode};
use crate::server::audit::{self, Action as Audited, ClientAddr, Event};
use crate::server::auth::{
    cookie_header, hash_token, is_tls, new_token, session_set_cookie, start_session,
};
use crate::server::extract::{Admin, SignedIn};
use crate::server::forms::{check_name, safe_next, valid_email, Form};
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::sso::{self as oidc, SsoError, Verified, FLOW_MINUTES, NO_PASSWORD};
use crate::server::state::AppState;
use crate::server::throttle::{self, per_address};
use crate::store::{NewUser, SsoConfig, SsoLogin, SsoPendingLink, StoreError};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use std::collections::HashMap;

/// The cookie binding a started sign-in to the browser that started it.
pub const FLOW_COOKIE: &str = "levelfield_sso";
/// The cookie naming a pending link (an identity waiting for the local password).
pub const LINK_COOKIE: &str = "levelfield_sso_link";

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Why a single sign-on was refused. Each has a page sentence and a short reason for the logs
/// and the audit log.
#[derive(Debug)]
enum Refused {
    /// No started sign-in has this state (never, already used, or expired).
    BadState,
    /// The state was started in another browser.
    OtherBrowser,
    /// The provider answered with an error (the person cancelled, or it refused).
    Provider(String),
    /// The organisation's single sign-on is off (or changed) since the sign-in began.
    Disabled,
    /// The provider's `iss` response parameter names another issuer.
    MixUp,
    Oidc(SsoError),
    /// The person's email is not in one of the organisation's allowed domains.
    Domain,
    Suspended,
    /// An identity or an account with this email belongs to another organisation.
    OtherOrganisation,
    /// No usable email to create the person with.
    NoEmail,
    Failed(String),
}

impl Refused {
    fn reason(&self) -> &'static str {
        match self {
            Refused::BadState => "bad-state",
            Refused::OtherBrowser => "other-browser",
            Refused::Provider(_) => "provider-error",
            Refused::Disabled => "disabled",
            Refused::MixUp => "issuer-mix-up",
            Refused::Oidc(e) => e.reason(),
            Refused::Domain => "domain-not-allowed",
            Refused::Suspended => "suspended",
            Refused::OtherOrganisation => "other-organisation",
            Refused::NoEmail => "no-email",
            Refused::Failed(_) => "internal",
        }
    }

    fn message(&self) -> &'static str {
        match self {
            Refused::BadState => {
                "This sign-in link is not valid any more: it was already used, it expired (after ten minutes), or it was not started here. Start again from the sign-in page."
            }
            Refused::OtherBrowser => {
                "This sign-in was started in another browser. Start again from the sign-in page in this one."
            }
            Refused::Provider(_) => {
                "Your identity provider did not sign you in (perhaps the sign-in was cancelled). Start again from the sign-in page."
            }
            Refused::Disabled => {
                "Single sign-on is not switched on for your organisation. Sign in with your password, or ask your admin."
            }
            Refused::MixUp => {
                "The answer came from an identity provider other than the one this sign-in was sent to. Start again from the sign-in page."
            }
            Refused::Oidc(e) => e.message(),
            Refused::Domain => {
                "Your email address is not in one of the domains your organisation allows for single sign-on. Ask your admin."
            }
            Refused::Suspended => {
                "Your account is suspended, so you cannot sign in. Ask your organisation's admin."
            }
            Refused::OtherOrganisation => {
                "That identity or email belongs to an account in another organisation on this site, so it cannot sign in here. Ask your admin."
            }
            Refused::NoEmail => {
                "Your identity provider did not share a verified email address, which a new account needs. Ask your admin."
            }
            Refused::Failed(_) => "Something went wrong on our side. Please try again.",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Refused::Suspended
            | Refused::Domain
            | Refused::OtherOrganisation
            | Refused::Disabled => StatusCode::FORBIDDEN,
            Refused::Oidc(SsoError::Discovery(_) | SsoError::Client(_) | SsoError::UserInfo(_)) => {
                StatusCode::BAD_GATEWAY
            }
            Refused::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<SsoError> for Refused {
    fn from(e: SsoError) -> Self {
        Refused::Oidc(e)
    }
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Failed(crate::error::chain(&e))
    }
}

/// Who a refusal concerns, as far as known, for the audit log.
#[derive(Default)]
struct Concerning {
    org: Option<OrgId>,
    user: Option<UserId>,
    who: Option<String>,
}

/// The refusal as a page (never a stack trace), logged with its cause and audited.
async fn refuse(
    state: &AppState,
    client: &ClientAddr,
    refused: Refused,
    about: Concerning,
) -> Response {
    let cause = match &refused {
        Refused::Provider(c) | Refused::Failed(c) => c.clone(),
        Refused::Oidc(e) => e.to_string(),
        other => format!("{other:?}"),
    };
    match &refused {
        Refused::Failed(_) => {
            tracing::error!(reason = refused.reason(), cause = %cause, "single sign-on failed")
        }
        _ => tracing::warn!(reason = refused.reason(), cause = %cause, "single sign-on refused"),
    }
    let event = Event::account(
        about.org,
        about.user,
        about.who.as_deref().unwrap_or("-"),
        Audited::SsoRefused,
    )
    .detail(refused.reason());
    audit::record(state, event.from(client)).await;
    let status = refused.status();
    let mut res = Refusal::BadRequest {
        message: refused.message().to_string(),
        back: "/login".into(),
    }
    .into_response();
    *res.status_mut() = status;
    res
}

/// `GET /login/sso/start?org=…&email=…&next=…`: `org` is the organisation's id, as the login
/// page offers it; `email` is passed on as `login_hint`. A link, not a form: a form's
/// `form-action 'self'` would stop the browser at the redirect to the provider.
#[tracing::instrument(skip_all)]
pub async fn start(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Query(form): Query<HashMap<String, String>>,
) -> Response {
    let next = safe_next(form.get("next").cloned());
    let org = form
        .get("org")
        .and_then(|o| o.parse::<i64>().ok())
        .map(OrgId);
    let config = match org {
        Some(org) => state.store.sso_config(org).await,
        None => Ok(None),
    };
    let config = match config {
        Ok(Some(c)) if c.enabled => c,
        Ok(_) => {
            let about = Concerning {
                org,
                ..Default::default()
            };
            return refuse(&state, &client, Refused::Disabled, about).await;
        }
        Err(e) => return refuse(&state, &client, e.into(), Concerning::default()).await,
    };
    let redirect = oidc::redirect_uri(&state, &headers);
    let hint = form.get("email").filter(|e| valid_email(e));
    let hint = hint.map(String::as_str);
    let auth = match state.sso.authorize(&config, &redirect, hint).await {
        Ok(a) => a,
        Err(e) => {
            let about = Concerning {
                org: Some(config.org),
                ..Default::default()
            };
            return refuse(&state, &client, e.into(), about).await;
        }
    };
    let browser = new_token();
    let now = Utc::now();
    let login = SsoLogin {
        state_hash: hash_token(&auth.state),
        org: config.org,
        issuer: config.issuer.clone(),
        nonce: auth.nonce,
        pkce_verifier: auth.pkce_verifier,
        browser_hash: hash_token(&browser),
        next,
        created_at: now,
        expires_at: now + Duration::minutes(FLOW_MINUTES),
    };
    if let Err(e) = state.store.create_sso_login(&login).await {
        return refuse(&state, &client, e.into(), Concerning::default()).await;
    }
    let cookie = cookie_header(
        FLOW_COOKIE,
        Some(&browser),
        is_tls(&state, &headers),
        FLOW_MINUTES * 60,
    );
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, auth.url)]).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res
}

/// `GET /login/sso/callback?code=…&state=…` (or `?error=…&state=…`).
#[tracing::instrument(skip_all)]
pub async fn callback(
    State(state): State<AppState>,
    client: ClientAddr,
    viewer: Option<SignedIn>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut about = Concerning::default();
    match finish(&state, &client, viewer, &headers, &query, &mut about).await {
        Ok(res) => res,
        Err(refused) => refuse(&state, &client, refused, about).await,
    }
}

async fn finish(
    state: &AppState,
    client: &ClientAddr,
    viewer: Option<SignedIn>,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    about: &mut Concerning,
) -> Result<Response, Refused> {
    let given = query.get("state").map(String::as_str).unwrap_or_default();
    let login = state
        .store
        .take_sso_login(&hash_token(given))
        .await?
        .filter(|l| l.expires_at > Utc::now())
        .ok_or(Refused::BadState)?;
    about.org = Some(login.org);
    let browser = cookie(headers, FLOW_COOKIE).map(|c| hash_token(&c));
    if browser.as_deref() != Some(login.browser_hash.as_str()) {
        return Err(Refused::OtherBrowser);
    }
    if let Some(error) = query.get("error") {
        let description = query.get("error_description").cloned().unwrap_or_default();
        return Err(Refused::Provider(format!("{error}: {description}")));
    }
    let config = state
        .store
        .sso_config(login.org)
        .await?
        .filter(|c| c.enabled && c.issuer == login.issuer)
        .ok_or(Refused::Disabled)?;
    // RFC 9207: a provider that names itself in the response must name this one.
    if query.get("iss").is_some_and(|iss| *iss != config.issuer) {
        return Err(Refused::MixUp);
    }
    let code = query.get("code").map(String::as_str).unwrap_or_default();
    let redirect = oidc::redirect_uri(state, headers);
    let v = state
        .sso
        .finish(&config, &redirect, code, &login.pkce_verifier, &login.nonce)
        .await?;
    let email = v
        .email
        .as_deref()
        .filter(|_| v.email_verified != Some(false))
        .map(|e| e.trim().to_lowercase())
        .filter(|e| valid_email(e));
    about.who = email
        .clone()
        .or_else(|| Some(format!("{} {}", v.issuer, v.subject)));
    if !config.email_domains.is_empty() {
        let domain = email
            .as_deref()
            .and_then(|e| e.rsplit_once('@'))
            .map(|(_, d)| d);
        if !domain.is_some_and(|d| config.email_domains.iter().any(|a| a == d)) {
            return Err(Refused::Domain);
        }
    }
    let now = Utc::now();
    // 1. The identity, linked before.
    if let Some(identity) = state.store.sso_identity(&v.issuer, &v.subject).await? {
        if identity.org != config.org {
            return Err(Refused::OtherOrganisation);
        }
        about.user = Some(identity.user);
        refuse_suspended(state, config.org, identity.user).await?;
        refresh(state, config.org, identity.user, &v, email.as_deref()).await;
        state
            .store
            .touch_sso_identity(&v.issuer, &v.subject, now)
            .await?;
        return signed_in(
            state,
            client,
            viewer,
            headers,
            &config,
            identity.user,
            &v.id_token,
            &login.next,
            about,
        )
        .await;
    }
    // 2. A provisioned member whose external id is the configured claim's value.
    if let Some(value) = v.claim(&config.match_claim) {
        if let Some(user) = state
            .store
            .member_by_external_id(config.org, &value)
            .await?
        {
            about.user = Some(user);
            refuse_suspended(state, config.org, user).await?;
            state
                .store
                .link_sso_identity(config.org, user, &v.issuer, &v.subject, now)
                .await?;
            state
                .store
                .touch_sso_identity(&v.issuer, &v.subject, now)
                .await?;
            let event = Event::account(
                Some(config.org),
                Some(user),
                about.who.as_deref().unwrap_or("-"),
                Audited::SsoLinked,
            )
            .target(format!("user {}", user.0))
            .detail(format!(
                "matched {} to the external id; subject {}",
                config.match_claim, v.subject
            ));
            audit::record(state, event.from(client)).await;
            refresh(state, config.org, user, &v, email.as_deref()).await;
            return signed_in(
                state,
                client,
                viewer,
                headers,
                &config,
                user,
                &v.id_token,
                &login.next,
                about,
            )
            .await;
        }
    }
    // 3. A local account with this email: only its owner's password links it.
    if let Some(email) = &email {
        if let Some(creds) = state.store.credentials(email).await? {
            about.user = Some(creds.user);
            if creds.org != config.org {
                return Err(Refused::OtherOrganisation);
            }
            refuse_suspended(state, config.org, creds.user).await?;
            let token = new_token();
            let pending = SsoPendingLink {
                token_hash: hash_token(&token),
                org: config.org,
                user: creds.user,
                issuer: v.issuer.clone(),
                subject: v.subject.clone(),
                name: v.name.clone().unwrap_or_default(),
                email: email.clone(),
                id_token: v.id_token.clone(),
                next: login.next.clone(),
                created_at: now,
                expires_at: now + Duration::minutes(FLOW_MINUTES),
            };
            state.store.create_sso_pending_link(&pending).await?;
            tracing::info!(
                user = creds.user.0,
                "single sign-on: an account with this email exists; asking for its password"
            );
            let cookie = cookie_header(
                LINK_COOKIE,
                Some(&token),
                is_tls(state, headers),
                FLOW_MINUTES * 60,
            );
            return Ok(SeeOther::to("/login/sso/link")
                .with_cookie(cookie)
                .into_response());
        }
    }
    // 4. Someone new: created with the default role, into the teams their groups map to.
    let email = email.ok_or(Refused::NoEmail)?;
    let name = v
        .name
        .clone()
        .and_then(|n| check_name(Some(n), 120).ok())
        .or_else(|| email.split('@').next().map(str::to_string))
        .unwrap_or_else(|| email.clone());
    let teams: Vec<TeamId> = match &config.groups_claim {
        Some(claim) => {
            let groups = v.claim_list(claim);
            config
                .group_teams
                .iter()
                .filter(|(g, _)| groups.contains(g))
                .map(|(_, t)| *t)
                .collect()
        }
        None => Vec::new(),
    };
    let user = NewUser {
        email: email.clone(),
        name,
        password_hash: NO_PASSWORD.to_string(),
    };
    let roles = [config.default_role, MemberRole::Learner];
    let created = state
        .store
        .create_sso_member(
            config.org, &user, &roles, &teams, &v.issuer, &v.subject, now,
        )
        .await;
    let id = match created {
        Ok(id) => id,
        // Someone took the email (or linked the identity) between the checks and now.
        Err(StoreError::EmailTaken | StoreError::Duplicate) => {
            return Err(Refused::OtherOrganisation)
        }
        Err(e) => return Err(e.into()),
    };
    about.user = Some(id);
    let detail = format!(
        "roles {}; teams {}; subject {}",
        roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(", "),
        if teams.is_empty() {
            "none".to_string()
        } else {
            teams
                .iter()
                .map(|t| t.0.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        },
        v.subject
    );
    let event = Event::account(
        Some(config.org),
        Some(id),
        &email,
        Audited::SsoMemberCreated,
    )
    .target(format!("user {}", id.0))
    .detail(detail);
    audit::record(state, event.from(client)).await;
    signed_in(
        state,
        client,
        viewer,
        headers,
        &config,
        id,
        &v.id_token,
        &login.next,
        about,
    )
    .await
}

async fn refuse_suspended(state: &AppState, org: OrgId, user: UserId) -> Result<(), Refused> {
    if state.store.member_suspended(org, user).await? {
        return Err(Refused::Suspended);
    }
    Ok(())
}

/// The member's name and email as the provider says them now. An email another account has is
/// not taken (logged); a failure is logged, never a refusal.
async fn refresh(state: &AppState, org: OrgId, user: UserId, v: &Verified, email: Option<&str>) {
    let member = match state.store.member(org, user).await {
        Ok(m) => m,
        Err(e) => return log_internal(&e),
    };
    let name = v
        .name
        .clone()
        .and_then(|n| check_name(Some(n), 120).ok())
        .unwrap_or(member.name.clone());
    let new_email = email.filter(|e| !e.eq_ignore_ascii_case(&member.email));
    if name == member.name && new_email.is_none() {
        return;
    }
    match state
        .store
        .refresh_profile(org, user, &name, new_email)
        .await
    {
        Ok(()) => {}
        Err(StoreError::EmailTaken) => {
            tracing::warn!(
                user = user.0,
                "single sign-on: the provider's email belongs to another account; kept the old one"
            );
            if let Err(e) = state.store.refresh_profile(org, user, &name, None).await {
                log_internal(&e);
            }
        }
        Err(e) => log_internal(&e),
    }
}

/// Signs `user` in (a fresh session, the old one ended), remembers the ID token for sign-out,
/// records the sign-in, and goes on to `next`.
#[allow(clippy::too_many_arguments)]
async fn signed_in(
    state: &AppState,
    client: &ClientAddr,
    viewer: Option<SignedIn>,
    headers: &HeaderMap,
    config: &SsoConfig,
    user: UserId,
    id_token: &str,
    next: &str,
    about: &Concerning,
) -> Result<Response, Refused> {
    if let Some(SignedIn(old)) = viewer {
        if let Err(e) = state.store.delete_session(&old.session).await {
            log_internal(&e);
        }
    }
    let session = start_session(state, user)
        .await
        .map_err(|e| Refused::Failed(crate::error::chain(&e)))?;
    state
        .store
        .record_sso_session(&hash_token(&session), config.org, id_token)
        .await?;
    let who = about.who.as_deref().unwrap_or("-");
    let event = Event::account(Some(config.org), Some(user), who, Audited::SsoLogin)
        .detail(format!("issuer {}", config.issuer));
    audit::record(state, event.from(client)).await;
    let max_age = state.config.session_absolute_minutes * 60;
    let mut res = SeeOther::to(next)
        .with_cookie(session_set_cookie(state, headers, Some(&session), max_age))
        .into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(FLOW_COOKIE, None, is_tls(state, headers), 0),
    );
    Ok(res)
}

/// `POST /login/sso/link`: the person proves the password of the local account their provider's
/// email names; the identity is linked to it and they are signed in. Wrong passwords are
/// throttled per account.
#[tracing::instrument(skip_all)]
pub async fn link(
    State(state): State<AppState>,
    client: ClientAddr,
    viewer: Option<SignedIn>,
    headers: HeaderMap,
    form: Form,
) -> Result<Response, Refusal> {
    let back = "/login/sso/link";
    let token =
        cookie(&headers, LINK_COOKIE).ok_or_else(|| Refusal::back(back, ErrorCode::SsoLink))?;
    let token_hash = hash_token(&token);
    let now = Utc::now();
    let pending = state
        .store
        .sso_pending_link(&token_hash)
        .await
        .or_back(back)?
        .filter(|p| p.expires_at > now)
        .ok_or_else(|| Refusal::back(back, ErrorCode::SsoLink))?;
    let password = form
        .raw("password")
        .ok_or_else(|| Refusal::back(back, ErrorCode::Missing))?;
    let checks = [(
        format!("sso-link:{}", pending.user.0),
        per_address(state.config.login_failures_allowed),
    )];
    let attempt = match throttle::attempt(state.store.as_ref(), now, &checks)
        .await
        .or_back(back)?
    {
        Ok(a) => a,
        Err(wait) => {
            return Err(Refusal::too_many(
                back,
                ErrorCode::Throttled,
                wait.seconds(),
            ))
        }
    };
    let stored = state
        .store
        .password_hash(pending.user)
        .await
        .or_back(back)?;
    match state.hashing.verify(stored, password).await {
        Ok(true) => {}
        Ok(false) => {
            attempt.failed();
            let event = Event::account(
                Some(pending.org),
                Some(pending.user),
                &pending.email,
                Audited::SsoRefused,
            )
            .detail("link: wrong password");
            audit::record(&state, event.from(&client)).await;
            return Err(Refusal::back(back, ErrorCode::WrongPassword));
        }
        Err(e) => {
            if let Err(e) = attempt.abandoned(state.store.as_ref()).await {
                log_internal(&e);
            }
            return Err(e).or_back(back);
        }
    }
    if let Err(e) = attempt.succeeded(state.store.as_ref()).await {
        log_internal(&e);
    }
    // Single use: taken now (a second tab's post finds nothing).
    let pending = state
        .store
        .take_sso_pending_link(&token_hash)
        .await
        .or_back(back)?
        .ok_or_else(|| Refusal::back(back, ErrorCode::SsoLink))?;
    let Some(config) = state
        .store
        .sso_config(pending.org)
        .await
        .or_back(back)?
        .filter(|c| c.enabled)
    else {
        return Ok(refuse(
            &state,
            &client,
            Refused::Disabled,
            Concerning {
                org: Some(pending.org),
                ..Default::default()
            },
        )
        .await);
    };
    state
        .store
        .link_sso_identity(
            pending.org,
            pending.user,
            &pending.issuer,
            &pending.subject,
            now,
        )
        .await
        .or_back(back)?;
    if let Err(e) = state
        .store
        .touch_sso_identity(&pending.issuer, &pending.subject, now)
        .await
    {
        log_internal(&e);
    }
    let event = Event::account(
        Some(pending.org),
        Some(pending.user),
        &pending.email,
        Audited::SsoLinked,
    )
    .target(format!("user {}", pending.user.0))
    .detail(format!(
        "proved the local password; subject {}",
        pending.subject
    ));
    audit::record(&state, event.from(&client)).await;
    let about = Concerning {
        org: Some(pending.org),
        user: Some(pending.user),
        who: Some(pending.email.clone()),
    };
    let res = signed_in(
        &state,
        &client,
        viewer,
        &headers,
        &config,
        pending.user,
        &pending.id_token,
        &pending.next,
        &about,
    )
    .await;
    let mut res = match res {
        Ok(res) => res,
        Err(refused) => refuse(&state, &client, refused, about).await,
    };
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(LINK_COOKIE, None, is_tls(&state, &headers), 0),
    );
    Ok(res)
}

/// Where the admin page's forms come from.
const PAGE: &str = "/admin/sso";

/// Whether `issuer` may be used: https, or http on this machine (a local test provider).
fn issuer_allowed(issuer: &str) -> bool {
    match url::Url::parse(issuer) {
        Ok(u) => match u.scheme() {
            "https" => u.host_str().is_some(),
            "http" => matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
            _ => false,
        },
        Err(_) => false,
    }
}

/// A claim name: letters, digits and `_ . : -`, at most 100.
fn claim_name(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 100
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))
}

/// `POST /admin/sso`: saves the organisation's single sign-on settings. The secret is kept when
/// left blank; the issuer's discovery document is fetched (and must name exactly that issuer)
/// before anything is saved.
#[tracing::instrument(skip_all)]
pub async fn save_config(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    form: Form,
) -> Action {
    let back = |code| Refusal::back(PAGE, code).with_anchor("settings");
    let current = state.store.sso_config(v.org).await.or_back(PAGE)?;
    let issuer = form
        .get("issuer")
        .map(|i| i.trim().to_string())
        .unwrap_or_default();
    if issuer.is_empty() || issuer.len() > 500 || !issuer_allowed(&issuer) {
        return Err(back(ErrorCode::SsoIssuer));
    }
    let client_id = form
        .get("client_id")
        .map(|c| c.trim().to_string())
        .unwrap_or_default();
    if client_id.is_empty() || client_id.len() > 200 || client_id.chars().any(char::is_control) {
        return Err(back(ErrorCode::SsoClientId));
    }
    let client_secret = match form.raw("client_secret").filter(|s| !s.trim().is_empty()) {
        Some(s) if s.len() <= 500 => s.trim().to_string(),
        Some(_) => return Err(back(ErrorCode::SsoSecret)),
        None => match &current {
            Some(c) if !c.client_secret.is_empty() => c.client_secret.clone(),
            _ => return Err(back(ErrorCode::SsoSecret)),
        },
    };
    let domains_text = form.get("email_domains").unwrap_or_default().to_lowercase();
    let email_domains: Vec<String> = domains_text
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|d| d.trim().trim_start_matches('@').to_string())
        .filter(|d| !d.is_empty())
        .collect();
    let domain_ok = |d: &String| {
        d.len() <= 200
            && d.contains('.')
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    };
    if !email_domains.iter().all(domain_ok) {
        return Err(back(ErrorCode::SsoDomains));
    }
    let match_claim = form
        .get("match_claim")
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "sub".into());
    let groups_claim = form
        .get("groups_claim")
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if !claim_name(&match_claim) || groups_claim.as_deref().is_some_and(|c| !claim_name(c)) {
        return Err(back(ErrorCode::SsoClaim));
    }
    let default_role = form
        .get("default_role")
        .as_deref()
        .and_then(MemberRole::parse)
        .ok_or_else(|| back(ErrorCode::Missing))?;
    let teams = state.store.teams(v.org).await.or_back(PAGE)?;
    let mut group_teams = Vec::new();
    for line in form.raw("group_teams").unwrap_or_default().lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (group, team) = line
            .split_once('=')
            .ok_or_else(|| back(ErrorCode::SsoGroups))?;
        let (group, team) = (group.trim(), team.trim());
        let team = teams
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(team))
            .ok_or_else(|| back(ErrorCode::SsoGroups))?;
        if group.is_empty() || group.len() > 200 || group.contains('\n') {
            return Err(back(ErrorCode::SsoGroups));
        }
        group_teams.push((group.to_string(), team.id));
    }
    let enabled = form.get("enabled").is_some();
    let mandatory = form.get("mandatory").is_some();
    if let Err(e) = state.sso.discover_now(&issuer).await {
        tracing::warn!(issuer = %issuer, error = %e, "single sign-on settings refused: discovery failed");
        return Err(back(ErrorCode::SsoIssuer));
    }
    let config = SsoConfig {
        org: v.org,
        issuer,
        client_id,
        client_secret,
        email_domains,
        match_claim,
        default_role,
        groups_claim,
        group_teams,
        enabled,
        mandatory,
        updated_at: Utc::now(),
    };
    state.store.save_sso_config(&config).await.or_back(PAGE)?;
    let secret_changed = current
        .as_ref()
        .is_none_or(|c| c.client_secret != config.client_secret);
    let detail = format!(
        "issuer {}; client id {}; secret {}; domains {}; match {}; role {}; groups {}; mappings {}; enabled {}; mandatory {}",
        config.issuer,
        config.client_id,
        if secret_changed { "changed" } else { "kept" },
        if config.email_domains.is_empty() { "any".to_string() } else { config.email_domains.join(", ") },
        config.match_claim,
        config.default_role.key(),
        config.groups_claim.as_deref().unwrap_or("none"),
        config.group_teams.len(),
        config.enabled,
        config.mandatory
    );
    let event = Event::by(&v, Audited::SsoConfigChanged)
        .target("single sign-on")
        .detail(detail);
    audit::record(&state, event.from(&client)).await;
    Ok(SeeOther::to("/admin/sso?done=saved#settings"))
}

/// `POST /admin/members/{user}/sso`: an admin links member `user` to the subject given, at the
/// organisation's issuer (for an account that already exists when SSO is switched on).
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn admin_link(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(user): Path<i64>,
    form: Form,
) -> Action {
    let back = "/admin/sso";
    let user = UserId(user);
    let subject = form
        .get("subject")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s.len() <= 255)
        .ok_or_else(|| Refusal::back(back, ErrorCode::Missing).with_anchor("members"))?;
    let config = state
        .store
        .sso_config(v.org)
        .await
        .or_back(back)?
        .ok_or_else(|| Refusal::back(back, ErrorCode::SsoIssuer).with_anchor("settings"))?;
    let member = state.store.member(v.org, user).await.or_back(back)?;
    match state
        .store
        .link_sso_identity(v.org, user, &config.issuer, &subject, Utc::now())
        .await
    {
        Ok(()) => {}
        Err(StoreError::Duplicate) => {
            return Err(Refusal::back(back, ErrorCode::NameTaken).with_anchor("members"))
        }
        Err(e) => return Err(e).or_back(back),
    }
    let event = Event::by(&v, Audited::SsoLinkedByAdmin)
        .target(format!("user {} {}", user.0, member.email))
        .detail(format!("issuer {}; subject {subject}", config.issuer));
    audit::record(&state, event.from(&client)).await;
    Ok(SeeOther::to("/admin/sso?done=linked#members"))
}

/// `POST /admin/members/{user}/sso/unlink`: form `issuer`, `subject`.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn admin_unlink(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(user): Path<i64>,
    form: Form,
) -> Action {
    let back = "/admin/sso";
    let user = UserId(user);
    let (Some(issuer), Some(subject)) = (form.get("issuer"), form.get("subject")) else {
        return Err(Refusal::back(back, ErrorCode::Missing).with_anchor("members"));
    };
    state
        .store
        .unlink_sso_identity(v.org, user, &issuer, &subject)
        .await
        .or_back(back)?;
    let event = Event::by(&v, Audited::SsoUnlinked)
        .target(format!("user {}", user.0))
        .detail(format!("issuer {issuer}; subject {subject}"));
    audit::record(&state, event.from(&client)).await;
    Ok(SeeOther::to("/admin/sso?done=unlinked#members"))
}
