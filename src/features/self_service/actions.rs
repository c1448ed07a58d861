//! Self-service as form POSTs (they work without JavaScript): ending one's sessions, asking
//! for (or withdrawing) erasure; and for an admin, confirming an erasure and issuing a
//! password-reset link; and for the member, setting a new password with that link.
//!
//! Every handler takes its extractor first: a learner acts on their own sessions and records
//! only (`SignedIn`, store calls by the viewer's own user id), an admin on members of their own
//! organisation only (`Admin`, store calls scoped by the viewer's `OrgId`).

use super::data;
use crate::domain::people::UserId;
use crate::error::ErrorCode;
use crate::server::audit_hook::{self, Action as Audit, Subject};
use crate::server::auth::{
    check_password, hash_password, hash_token, new_token, verify_password, Viewer,
};
use crate::server::estimates;
use crate::server::extract::{Admin, SignedIn};
use crate::server::forms::Form;
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use crate::server::throttle;
use crate::store::PasswordReset;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

const SESSIONS: &str = "/me/sessions";
const MY_DATA: &str = "/me/data";
const ACCOUNTS: &str = "/admin/accounts";

/// How long an admin-issued password-reset link works.
pub const RESET_MINUTES: i64 = 60;

/// Confirms it is the viewer before their sessions are ended (ASVS 5.0 V7.5.2: a stolen
/// session alone must not sign its owner out everywhere): their current password, checked with
/// the login's throttle (failures counted per account, under their own key).
async fn reauthenticate(state: &AppState, v: &Viewer, form: &Form) -> Result<(), Refusal> {
    let password = form
        .raw("current_password")
        .ok_or_else(|| Refusal::back(SESSIONS, ErrorCode::Missing))?;
    let checks = [(
        format!("reauth:{}", v.user.0),
        throttle::per_address(state.config.login_failures_allowed),
    )];
    let attempt = match throttle::attempt(state.store.as_ref(), Utc::now(), &checks)
        .await
        .or_back(SESSIONS)?
    {
        Ok(attempt) => attempt,
        Err(_) => return Err(Refusal::back(SESSIONS, ErrorCode::Throttled)),
    };
    let stored = state.store.password_hash(v.user).await.or_back(SESSIONS)?;
    if !verify_password(stored, password).await.or_back(SESSIONS)? {
        attempt.failed();
        audit_hook::record(
            state,
            v.org,
            Some(Subject::User(v.user)),
            Audit::ReauthFailed,
            None,
        )
        .await;
        return Err(Refusal::back(SESSIONS, ErrorCode::WrongPassword));
    }
    attempt
        .succeeded(state.store.as_ref())
        .await
        .or_back(SESSIONS)?;
    Ok(())
}

/// `POST /me/sessions/end`: ends the viewer's session chosen in `session` (its handle), after
/// `current_password`. Ending the current one signs this browser out.
#[tracing::instrument(skip_all)]
pub async fn end_session(
    State(state): State<AppState>,
    SignedIn(v): SignedIn,
    form: Form,
) -> Action {
    let handle = form
        .get("session")
        .ok_or_else(|| Refusal::back(SESSIONS, ErrorCode::Missing))?;
    reauthenticate(&state, &v, &form).await?;
    let sessions = data::sessions(&state, &v).await.or_back(SESSIONS)?;
    let session = sessions
        .into_iter()
        .find(|s| s.handle == handle)
        .ok_or_else(|| Refusal::back(SESSIONS, ErrorCode::NotFound))?;
    state
        .store
        .end_user_session(v.user, &session.info.id_hash)
        .await
        .or_back(SESSIONS)?;
    audit_hook::record(
        &state,
        v.org,
        Some(Subject::User(v.user)),
        Audit::SessionEnded,
        Some(Subject::User(v.user)),
    )
    .await;
    if session.current {
        return Ok(SeeOther::to("/login"));
    }
    Ok(SeeOther::to(format!("{SESSIONS}?ended=1")))
}

/// `POST /me/sessions/end-others`: ends every session of the viewer but this one, after
/// `current_password`.
#[tracing::instrument(skip_all)]
pub async fn end_other_sessions(
    State(state): State<AppState>,
    SignedIn(v): SignedIn,
    form: Form,
) -> Action {
    reauthenticate(&state, &v, &form).await?;
    let n = state
        .store
        .delete_other_sessions(v.user, &v.session)
        .await
        .or_back(SESSIONS)?;
    audit_hook::record(
        &state,
        v.org,
        Some(Subject::User(v.user)),
        Audit::OtherSessionsEnded,
        Some(Subject::User(v.user)),
    )
    .await;
    Ok(SeeOther::to(format!("{SESSIONS}?ended={n}")))
}

/// `POST /me/erasure`: the viewer asks for their records to be erased (`confirm` must be
/// ticked). An admin of their organisation confirms it.
#[tracing::instrument(skip_all)]
pub async fn request_erasure(
    State(state): State<AppState>,
    SignedIn(v): SignedIn,
    form: Form,
) -> Action {
    if form.get("confirm").as_deref() != Some("yes") {
        return Err(Refusal::back(MY_DATA, ErrorCode::Missing).with_anchor("erasure"));
    }
    state
        .store
        .request_erasure(v.org, v.user, Utc::now())
        .await
        .or_back(MY_DATA)?;
    audit_hook::record(
        &state,
        v.org,
        Some(Subject::User(v.user)),
        Audit::ErasureRequested,
        None,
    )
    .await;
    Ok(SeeOther::to(format!("{MY_DATA}#erasure")))
}

/// `POST /me/erasure/withdraw`: the viewer withdraws their erasure request.
#[tracing::instrument(skip_all)]
pub async fn withdraw_erasure(State(state): State<AppState>, SignedIn(v): SignedIn) -> Action {
    state
        .store
        .withdraw_erasure(v.org, v.user)
        .await
        .or_back(MY_DATA)?;
    audit_hook::record(
        &state,
        v.org,
        Some(Subject::User(v.user)),
        Audit::ErasureWithdrawn,
        None,
    )
    .await;
    Ok(SeeOther::to(format!("{MY_DATA}#erasure")))
}

/// `POST /admin/accounts/{user}/erase`: an admin confirms a member's erasure request. The
/// member's records and account go; the organisation's cached estimates and today's roll-up
/// are recomputed without them; audit entries about them keep a pseudonym only.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn confirm_erasure(
    State(state): State<AppState>,
    Admin(v): Admin,
    Path(user): Path<i64>,
) -> Action {
    let user = UserId(user);
    if user == v.user {
        return Err(Refusal::back(ACCOUNTS, ErrorCode::OwnAccount));
    }
    state
        .store
        .erase_member(v.org, user)
        .await
        .or_back(ACCOUNTS)?;
    let pseudonym = audit_hook::new_pseudonym();
    audit_hook::pseudonymise(&state, v.org, user, &pseudonym).await;
    audit_hook::record(
        &state,
        v.org,
        Some(Subject::User(v.user)),
        Audit::ErasureConfirmed,
        Some(Subject::Pseudonym(pseudonym)),
    )
    .await;
    // The person's own estimates went with them; others' are recomputed if behind, and today's
    // roll-up (the trend charts' newest point) no longer counts them. If this fails, the hourly
    // maintenance does the same.
    let recomputed = async {
        estimates::refresh(&state, v.org, 0).await?;
        estimates::snapshot_today(&state, v.org).await
    };
    if let Err(e) = recomputed.await {
        crate::error::log_internal(&e);
    }
    Ok(SeeOther::to(format!("{ACCOUNTS}?erased=1#requests")))
}

/// `POST /admin/accounts/{user}/sessions/end`: an admin signs a member of their organisation
/// out everywhere (a lost laptop, a leaver), without touching their password.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn end_member_sessions(
    State(state): State<AppState>,
    Admin(v): Admin,
    Path(user): Path<i64>,
) -> Action {
    let user = UserId(user);
    if user == v.user {
        return Err(Refusal::back(ACCOUNTS, ErrorCode::OwnAccount));
    }
    // In the admin's organisation, or `NotFound`: never another organisation's member.
    state.store.member(v.org, user).await.or_back(ACCOUNTS)?;
    // No session hash is empty, so this keeps none.
    let n = state
        .store
        .delete_other_sessions(user, "")
        .await
        .or_back(ACCOUNTS)?;
    audit_hook::record(
        &state,
        v.org,
        Some(Subject::User(v.user)),
        Audit::SessionsEndedByAdmin,
        Some(Subject::User(user)),
    )
    .await;
    Ok(SeeOther::to(format!("{ACCOUNTS}?signed_out={n}#resets")))
}

/// `POST /admin/accounts/{user}/reset`: issues a single-use password-reset link for a member
/// of the admin's organisation, valid for [`RESET_MINUTES`]. No email is sent: the link is shown
/// once, on this response (never in a URL the admin is redirected to), and stored only hashed.
/// An earlier unused link of the same member stops working.
#[tracing::instrument(skip_all, fields(member = user))]
pub async fn issue_reset(
    State(state): State<AppState>,
    Admin(v): Admin,
    Path(user): Path<i64>,
) -> Result<Response, Refusal> {
    let user = UserId(user);
    if user == v.user {
        return Err(Refusal::back(ACCOUNTS, ErrorCode::OwnAccount));
    }
    let member = state.store.member(v.org, user).await.or_back(ACCOUNTS)?;
    let token = new_token();
    let now = Utc::now();
    let reset = PasswordReset {
        token_hash: hash_token(&token),
        user,
        org: v.org,
        created_by: v.user,
        created_at: now,
        expires_at: now + Duration::minutes(RESET_MINUTES),
    };
    state
        .store
        .create_password_reset(&reset)
        .await
        .or_back(ACCOUNTS)?;
    audit_hook::record(
        &state,
        v.org,
        Some(Subject::User(v.user)),
        Audit::ResetIssued,
        Some(Subject::User(user)),
    )
    .await;
    let link = format!("/reset?token={token}");
    let html = reset_link_page(
        &member.name,
        &link,
        &crate::ui::format_time(reset.expires_at),
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response())
}

/// The page showing a fresh reset link once.
fn reset_link_page(name: &str, link: &str, expires: &str) -> String {
    let name = escape(name);
    let link = escape(link);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Password-reset link · Levelfield</title>
<link rel="stylesheet" href="/pkg/levelfield.css"></head>
<body><main class="page">
<h1>Password-reset link for {name}</h1>
<div class="notice" role="status">
<p><strong>Give this link to {name} yourself</strong> (in person or over a channel you trust). It works once, until {expires} UTC, and signs them out everywhere when used. It is shown only now.</p>
<p><code class="invite-link" data-testid="reset-link">{link}</code></p>
</div>
<p><a href="/admin/accounts">Back to accounts</a></p>
</main></body></html>
"#
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `POST /reset`: sets a new password with a reset link's token. The token is checked before
/// the password is hashed (no Argon2 work for a bad link); then, atomically, the link is used,
/// the password set and every session of the member ended.
#[tracing::instrument(skip_all)]
pub async fn use_reset(State(state): State<AppState>, form: Form) -> Action {
    let token = form.get("token").unwrap_or_default();
    let back = format!(
        "/reset?token={}",
        utf8_percent_encode(&token, NON_ALPHANUMERIC)
    );
    data::reset_user(&state, &token)
        .await
        .or_back(&back)?
        .ok_or_else(|| Refusal::back(&back, ErrorCode::Token))?;
    let (Some(pw), Some(again)) = (form.raw("password"), form.raw("password_confirm")) else {
        return Err(Refusal::back(&back, ErrorCode::Missing));
    };
    if pw != again {
        return Err(Refusal::back(&back, ErrorCode::Mismatch));
    }
    check_password(&pw).map_err(|e| Refusal::back(&back, e.into()))?;
    let hash = hash_password(pw).await.or_back(&back)?;
    // A link used meanwhile (or expired since) is refused here, in the store's transaction.
    let user = state
        .store
        .use_password_reset(&hash_token(&token), Utc::now(), &hash)
        .await
        .or_back(&back)?;
    if let Ok(member) = state.store.member_by_user(user).await {
        audit_hook::record(
            &state,
            member.org,
            Some(Subject::User(user)),
            Audit::ResetUsed,
            Some(Subject::User(user)),
        )
        .await;
    }
    Ok(SeeOther::to("/reset?done=1"))
}
