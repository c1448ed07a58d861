//! SCIM 2.0 provisioning (issue 13): the API an organisation's identity provider calls
//! (`handlers`, at `/scim/v2`), the filters and paths it speaks (`filter`), its Users and Groups
//! as JSON (`resources`), its errors (`error`), and the admin page `/admin/scim` where an
//! organisation admin finds the base URL and creates, rotates and revokes bearer tokens
//! (`actions` for the forms; a new token is shown once, on the page `actions` answers with).
//!
//! May use: domain, error, server (audit, auth, ctx, extract, forms, refusal, security, state),
//! store, ui.

pub mod actions;
mod error;
pub mod filter;
pub mod handlers;
pub mod resources;

use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::{format_time, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ScimAdminPage() -> impl IntoView {
    ctx::page(scim_page())
}

fn scim_page() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::admin()?);
    let base = use_context::<axum::http::request::Parts>()
        .map(|parts| handlers::base_url(&state, &parts))
        .unwrap_or_default();
    Ok(view! {
        <Title text="Provisioning (SCIM)" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/admin">"Organisation"</a> " / provisioning"</nav>
        <h1>"Provisioning (SCIM 2.0)"</h1>
        <FormError />
        <p>"Your identity provider (Entra ID, Okta, Google Workspace, Keycloak…) can create, update and switch off your organisation's people and teams here. Paste the base URL and a token into its SCIM settings."</p>
        <dl>
            <dt>"SCIM base URL (tenant URL)"</dt>
            <dd><code data-testid="scim-base-url">{base}</code></dd>
        </dl>
        <p>"A person the identity provider sets inactive is suspended at once: their sessions end and they cannot sign in, and their records stay in your reports. New people get the learner role and sign in with single sign-on."</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(async { state.store.scim_tokens(v.org).await }, "The tokens could not be loaded.").await;
                let tokens = match loaded {
                    Ok(x) => x,
                    Err(refusal) => return refusal.view(),
                };
                let rows = tokens.into_iter().map(|t| {
                    let id = t.id;
                    let label = if t.label.is_empty() { format!("token {id}") } else { t.label.clone() };
                    let status = match t.revoked_at {
                        Some(at) => format!("revoked {}", format_time(at)),
                        None => "active".to_string(),
                    };
                    let live = t.revoked_at.is_none();
                    view! {
                        <tr id=format!("token-{id}")>
                            <td>{label.clone()}</td>
                            <td>{format_time(t.created_at)} " " {t.created_by.clone().map(|b| format!("by {b}")).unwrap_or_default()}</td>
                            <td>{t.last_used_at.map(format_time).unwrap_or_else(|| "never".to_string())}</td>
                            <td>{status}</td>
                            <td>
                                {live.then(|| view! {
                                    <form method="post" action=format!("/admin/scim/tokens/{id}/rotate") class="inline">
                                        <button type="submit" class="link-button" aria-label=format!("Rotate {label}")>"Rotate"</button>
                                    </form>
                                    " "
                                    <form method="post" action=format!("/admin/scim/tokens/{id}/revoke") class="inline">
                                        <button type="submit" class="link-button" aria-label=format!("Revoke {label}")>"Revoke"</button>
                                    </form>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <section id="tokens" aria-labelledby="tokens-title">
                        <h2 id="tokens-title">"Tokens"</h2>
                        <table class="data">
                            <thead><tr><th scope="col">"Label"</th><th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col">"Status"</th><th scope="col">"Actions"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                        <p>"Rotating makes a new token with the same label and revokes the old one at once: paste the new one into the identity provider straight away."</p>
                        <form method="post" action="/admin/scim/tokens" class="progress-row">
                            <label for="token-label">"Label (say, which identity provider uses it)"</label>
                            <input id="token-label" name="label" type="text" maxlength="80" />
                            <button type="submit" class="button">"Create a token"</button>
                        </form>
                    </section>
                }.into_any()
            })}
        </Suspense>
    })
}
