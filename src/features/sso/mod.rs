//! Single sign-on with the organisation's OpenID provider (issue 13): the admin's settings page
//! (`/admin/sso`: provider, allowed domains, matching, default role, group → team mapping, on and
//! mandatory, linked identities), and the page where a person whose provider email names an
//! existing account proves that account's password before the two are linked
//! (`/login/sso/link`). The sign-in flow itself is in `actions`; the OpenID machinery in
//! `server::sso`; `data` holds what the pages load.
//!
//! May use: domain, error, server (ctx, extract, refusal, auth, state, audit, sso), store
//! records, ui.

pub mod actions;
mod data;

use crate::domain::people::MemberRole;
use crate::error::ErrorCode;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::{format_time, FormError};
use axum::http::request::Parts;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminSsoPage() -> impl IntoView {
    ctx::page(admin_sso())
}

fn admin_sso() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::admin()?);
    let headers = use_context::<Parts>()
        .map(|p| p.headers)
        .unwrap_or_default();
    let redirect = crate::server::sso::redirect_uri(&state, &headers);
    let post_logout = format!("{}/", crate::server::sso::base_url(&state, &headers));
    let done = ctx::choice("done");
    Ok(view! {
        <Title text="Single sign-on" />
        <h1>"Single sign-on (OpenID Connect)"</h1>
        <p><a href="/admin">"Back to the organisation"</a></p>
        <p>"Register Levelfield at your identity provider as a web application (confidential client, authorization code flow) with:"</p>
        <dl class="facts">
            <dt>"Redirect URI"</dt><dd><code data-testid="redirect-uri">{redirect}</code></dd>
            <dt>"Post-logout redirect URI"</dt><dd><code>{post_logout}</code></dd>
            <dt>"Scopes"</dt><dd><code>"openid email profile"</code></dd>
        </dl>
        {done.map(|d| {
            let text = match d.as_str() {
                "saved" => "The settings were saved; the provider's discovery document was read.",
                "linked" => "The member was linked.",
                _ => "The identity was unlinked.",
            };
            view! { <p class="notice" role="status">{text}</p> }
        })}
        <FormError />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::admin_sso(&state, v.org), "The single sign-on settings could not be loaded.").await;
                ctx::page(loaded.map(settings))
            })}
        </Suspense>
    })
}

fn settings(d: data::AdminSso) -> impl IntoView {
    let c = d.config;
    let has_secret = c.as_ref().is_some_and(|c| !c.client_secret.is_empty());
    let issuer = c.as_ref().map(|c| c.issuer.clone()).unwrap_or_default();
    let client_id = c.as_ref().map(|c| c.client_id.clone()).unwrap_or_default();
    let domains = c
        .as_ref()
        .map(|c| c.email_domains.join(", "))
        .unwrap_or_default();
    let match_claim = c
        .as_ref()
        .map(|c| c.match_claim.clone())
        .unwrap_or_else(|| "sub".into());
    let role = c
        .as_ref()
        .map(|c| c.default_role)
        .unwrap_or(MemberRole::Learner);
    let groups_claim = c
        .as_ref()
        .and_then(|c| c.groups_claim.clone())
        .unwrap_or_default();
    let team_name = |id| {
        d.teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let group_teams = c
        .as_ref()
        .map(|c| {
            c.group_teams
                .iter()
                .map(|(g, t)| format!("{g}={}", team_name(*t)))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let enabled = c.as_ref().is_some_and(|c| c.enabled);
    let mandatory = c.as_ref().is_some_and(|c| c.mandatory);
    let secret_label = if has_secret {
        "Client secret (saved; never shown. Leave blank to keep it, or type a new one)"
    } else {
        "Client secret"
    };
    view! {
        <section id="settings" aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <form method="post" action="/admin/sso" class="stack">
                <label for="sso-issuer">"Issuer URL (exactly as the provider names itself; Entra ID: the tenant-specific https://login.microsoftonline.com/<tenant id>/v2.0)"</label>
                <input id="sso-issuer" name="issuer" type="url" required maxlength="500" value=issuer />
                <label for="sso-client-id">"Client ID"</label>
                <input id="sso-client-id" name="client_id" type="text" required maxlength="200" value=client_id autocomplete="off" />
                <label for="sso-client-secret">{secret_label}</label>
                <input id="sso-client-secret" name="client_secret" type="password" maxlength="500" autocomplete="new-password" required=!has_secret />
                <label for="sso-domains">"Allowed email domains (comma-separated; /login offers this sign-in to these, and only these may sign in with it)"</label>
                <input id="sso-domains" name="email_domains" type="text" maxlength="2000" value=domains />
                <label for="sso-match">"Match claim (compared with a provisioned member's external id when no identity is linked yet: sub, or oid for Entra ID)"</label>
                <input id="sso-match" name="match_claim" type="text" maxlength="100" value=match_claim />
                <label for="sso-role">"Role of people created at their first sign-in"</label>
                <select id="sso-role" name="default_role">
                    {MemberRole::ALL.iter().map(|r| view! { <option value=r.key() selected=*r == role>{r.label()}</option> }).collect_view()}
                </select>
                <label for="sso-groups-claim">"Groups claim (optional, e.g. groups)"</label>
                <input id="sso-groups-claim" name="groups_claim" type="text" maxlength="100" value=groups_claim />
                <label for="sso-group-teams">"Group to team mapping (one group=team name per line; new people join the teams of their groups)"</label>
                <textarea id="sso-group-teams" name="group_teams" rows="4">{group_teams}</textarea>
                <label for="sso-enabled"><input id="sso-enabled" name="enabled" type="checkbox" value="1" checked=enabled /> " Switched on"</label>
                <label for="sso-mandatory"><input id="sso-mandatory" name="mandatory" type="checkbox" value="1" checked=mandatory /> " Mandatory: members cannot sign in with a password (admins keep theirs, for emergencies)"</label>
                <button type="submit" class="button">"Save and check the provider"</button>
            </form>
        </section>
        <section id="members" aria-labelledby="members-title">
            <h2 id="members-title">"Linked people"</h2>
            <p>"A person whose account existed before single sign-on links it themselves by proving their password at their first sign-in; or link them here with their subject (sub) at the provider."</p>
            <table class="data">
                <thead><tr><th scope="col">"Person"</th><th scope="col">"Linked identities"</th><th scope="col">"Link"</th></tr></thead>
                <tbody>
                    {d.members.into_iter().map(|(m, ids)| {
                        let id = m.user.0;
                        let input = format!("sso-subject-{id}");
                        view! {
                            <tr id=format!("sso-member-{id}")>
                                <td>{m.name.clone()} " " <small>{m.email.clone()}</small></td>
                                <td>
                                    {if ids.is_empty() { view! { "—" }.into_any() } else {
                                        ids.into_iter().map(|i| view! {
                                            <form method="post" action=format!("/admin/members/{id}/sso/unlink") class="inline">
                                                <input type="hidden" name="issuer" value=i.issuer.clone() />
                                                <input type="hidden" name="subject" value=i.subject.clone() />
                                                <code>{i.subject.clone()}</code>
                                                {i.last_login_at.map(|t| format!(" (last sign-in {})", format_time(t)))}
                                                " "
                                                <button type="submit" class="link-button" aria-label=format!("Unlink {} from {}", m.name, i.subject)>"Unlink"</button>
                                            </form>
                                        }).collect_view().into_any()
                                    }}
                                </td>
                                <td>
                                    <form method="post" action=format!("/admin/members/{id}/sso") class="inline-form">
                                        <label for=input.clone()>{format!("Subject of {}", m.name)}</label>
                                        <input id=input name="subject" type="text" maxlength="255" required />
                                        <button type="submit" class="button">"Link"</button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
pub fn SsoLinkPage() -> impl IntoView {
    ctx::page(link_page())
}

fn link_page() -> Result<impl IntoView, Refusal> {
    let state = ctx::state()?;
    let headers = use_context::<Parts>()
        .map(|p| p.headers)
        .unwrap_or_default();
    let token = actions::cookie(&headers, actions::LINK_COOKIE);
    Ok(view! {
        <Title text="Link your sign-in" />
        <h1>"Link your organisation's sign-in to your account"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let pending = match token {
                    Some(t) => ctx::load(data::pending_link(&state, &t), "The sign-in could not be loaded.").await,
                    None => Ok(None),
                };
                ctx::page(pending.map(|pending| {
                    let Some((link, org)) = pending else {
                        return view! {
                            <p class="error" role="alert">{ErrorCode::SsoLink.message()}</p>
                            <p><a href="/login">"Sign in"</a></p>
                        }.into_any();
                    };
                    view! {
                        <p>{format!("Your identity provider signed you in as {}. {} already has an account with this email, made before single sign-on.", link.email, org)}</p>
                        <p>"Enter that account's password once to link the two; from then on you sign in with your organisation. If this is not your account, do not continue: ask your admin."</p>
                        <FormError />
                        <form method="post" action="/login/sso/link" class="stack">
                            <label for="password">"Password of your existing account"</label>
                            <input id="password" name="password" type="password" autocomplete="current-password" required />
                            <button type="submit" class="button">"Link and sign in"</button>
                        </form>
                    }.into_any()
                }))
            })}
        </Suspense>
    })
}
