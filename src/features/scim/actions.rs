//! The forms of `/admin/scim`: create, rotate and revoke SCIM bearer tokens. A new token is
//! shown once, in the answer to the form's POST (never in a URL), and only its SHA-256 is
//! stored. Each is recorded in the audit log.

use crate::error::ErrorCode;
use crate::server::audit::{self, Action as Audited, ClientAddr, Event};
use crate::server::auth::{hash_token, new_token};
use crate::server::extract::Admin;
use crate::server::forms::{check_name, Form};
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use leptos::prelude::*;

const BACK: &str = "/admin/scim";

/// The page that shows a new token once.
fn shown_once(token: &str, label: &str) -> Html<String> {
    let body = view! {
        <main id="main">
            <h1>"SCIM token created"</h1>
            <div class="notice" role="status">
                <p><strong>{format!("A token labelled “{label}”.")}</strong> " Paste it into your identity provider's SCIM settings (the secret token) now:"</p>
                <code class="invite-link" data-testid="scim-token">{token.to_string()}</code>
                <p>"This page is the only place the token is shown; Levelfield keeps only a fingerprint of it. Anyone who has it can change your organisation's people: keep it in the identity provider only."</p>
            </div>
            <p><a href="/admin/scim">"Back to provisioning"</a></p>
        </main>
    }
    .to_html();
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>SCIM token created · Levelfield</title>\
         <link rel=\"stylesheet\" href=\"/pkg/levelfield.css\"></head><body>{body}</body></html>"
    ))
}

/// `POST /admin/scim/tokens`: a new token, shown once.
pub async fn create_token(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    form: Form,
) -> Result<Response, Refusal> {
    let label = match form.get("label") {
        None => String::new(),
        Some(l) => check_name(Some(l), 80).map_err(|_| Refusal::back(BACK, ErrorCode::TeamName))?,
    };
    let token = new_token();
    let id = state
        .store
        .create_scim_token(v.org, &hash_token(&token), &label, v.user, Utc::now())
        .await
        .or_back(BACK)?;
    let e = Event::by(&v, Audited::ScimTokenCreated).target(format!("SCIM token {id} {label}"));
    audit::record(&state, e.from(&client)).await;
    Ok(shown_once(&token, &label).into_response())
}

/// `POST /admin/scim/tokens/{id}/rotate`: a new token with the same label; the old one stops
/// working at once.
pub async fn rotate_token(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(id): Path<i64>,
) -> Result<Response, Refusal> {
    let token = new_token();
    let new = state
        .store
        .rotate_scim_token(v.org, id, &hash_token(&token), v.user, Utc::now())
        .await
        .or_back(BACK)?;
    let label = state
        .store
        .scim_tokens(v.org)
        .await
        .or_back(BACK)?
        .into_iter()
        .find(|t| t.id == new)
        .map(|t| t.label)
        .unwrap_or_default();
    let e = Event::by(&v, Audited::ScimTokenRotated)
        .target(format!("SCIM token {id} {label}"))
        .detail(format!("replaced by SCIM token {new}"));
    audit::record(&state, e.from(&client)).await;
    Ok(shown_once(&token, &label).into_response())
}

/// `POST /admin/scim/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    Admin(v): Admin,
    client: ClientAddr,
    Path(id): Path<i64>,
) -> Action {
    let label = state
        .store
        .revoke_scim_token(v.org, id, Utc::now())
        .await
        .or_back(BACK)?;
    let e = Event::by(&v, Audited::ScimTokenRevoked).target(format!("SCIM token {id} {label}"));
    audit::record(&state, e.from(&client)).await;
    Ok(SeeOther::to(format!("{BACK}#tokens")))
}
