//! Account pages: sign in, first-run setup, joining by invitation, changing one's password.
//! The forms post to the handlers in `actions`; `data` holds what the pages load.
//!
//! May use: domain, error, server (ctx, extract, refusal, auth, state), store records, ui.

pub mod actions;
mod data;
pub use actions::prepare_setup;

use crate::error::ErrorCode;
use crate::server::ctx;
use crate::server::ctx::query;
use crate::server::refusal::Refusal;
use crate::ui::FormError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

#[component]
fn PasswordFields() -> impl IntoView {
    view! {
        <label for="password">"Password (8 to 128 characters)"</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="128" />
        <label for="password_confirm">"Password again"</label>
        <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required minlength="8" maxlength="128" />
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    ctx::page(login_page())
}

fn login_page() -> Result<impl IntoView, Refusal> {
    let state = ctx::state()?;
    let next = query("next").unwrap_or_else(|| "/me".into());
    let email = ctx::choice("email").map(|e| e.trim().to_lowercase());
    let sso_next = next.clone();
    let sso_email = email.clone();
    Ok(view! {
        <Title text="Sign in" />
        <Meta name="description" content="Sign in to Levelfield to track your learning, your skills and your team's." />
        <h1>"Sign in"</h1>
        <FormError />
        <section aria-labelledby="sso-title">
            <h2 id="sso-title">"Single sign-on"</h2>
            {match sso_email {
                None => view! {
                    <form method="get" action="/login" class="stack">
                        <input type="hidden" name="next" value=sso_next />
                        <label for="sso-email">"Work address, if your organisation signs in with its identity provider"</label>
                        <input id="sso-email" name="email" type="email" autocomplete="username" required />
                        <button type="submit" class="button">"Continue"</button>
                    </form>
                }.into_any(),
                Some(email) => view! {
                    <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                        {Suspend::new({
                            let (state, email, next) = (state.clone(), email.clone(), sso_next.clone());
                            async move {
                                let found = ctx::load(data::sso_for_email(&state, &email), "Single sign-on could not be looked up.").await;
                                ctx::page(found.map(|found| match found {
                                    Some(org) => view! {
                                        <p>
                                            <a class="button" data-testid="sso-start" href=format!(
                                                "/login/sso/start?org={}&email={}&next={}",
                                                org.id.0,
                                                utf8_percent_encode(&email, NON_ALPHANUMERIC),
                                                utf8_percent_encode(&next, NON_ALPHANUMERIC),
                                            )>{format!("Sign in with {}", org.name)}</a>
                                        </p>
                                        {org.mandatory.then(|| view! {
                                            <p class="notice" role="status">{format!("{} requires single sign-on: its members cannot sign in with a password here (admins keep theirs for emergencies).", org.name)}</p>
                                        })}
                                    }.into_any(),
                                    None => view! {
                                        <p role="status">{format!("No organisation here signs in {email} with single sign-on. Use your password below.")}</p>
                                    }.into_any(),
                                }))
                            }
                        })}
                    </Suspense>
                }.into_any(),
            }}
        </section>
        <h2>"Or use your password"</h2>
        <form method="post" action="/login" class="stack">
            <input type="hidden" name="next" value=next />
            <label for="email">"Email"</label>
            <input id="email" name="email" type="email" autocomplete="username" required value=email.unwrap_or_default() />
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
            <button type="submit" class="button">"Sign in"</button>
        </form>
        <p>"No account? Ask your organisation's admin for an invitation link."</p>
    })
}

#[component]
pub fn SetupPage() -> impl IntoView {
    ctx::page(setup())
}

fn setup() -> Result<impl IntoView, Refusal> {
    let state = ctx::state()?;
    let token = query("token").unwrap_or_default();
    Ok(view! {
        <Title text="Set up Levelfield" />
        <h1>"Set up your organisation"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let open = ctx::load(data::setup_open(&state), "Levelfield could not check whether it is set up.").await;
                ctx::page(open.map(|open| {
                    if !open {
                        return view! { <p>"Levelfield is already set up. " <a href="/login">"Sign in"</a> "."</p> }.into_any();
                    }
                    view! {
                        <p>"Create the first organisation and your admin account. This link works once."</p>
                        <FormError />
                        <form method="post" action="/setup" class="stack">
                            <input type="hidden" name="token" value=token.clone() />
                            <label for="organisation">"Organisation name"</label>
                            <input id="organisation" name="organisation" type="text" required maxlength="120" />
                            <label for="name">"Your name"</label>
                            <input id="name" name="name" type="text" autocomplete="name" required maxlength="120" />
                            <label for="email">"Your email"</label>
                            <input id="email" name="email" type="email" autocomplete="email" required />
                            <PasswordFields />
                            <button type="submit" class="button">"Create organisation"</button>
                        </form>
                    }
                    .into_any()
                }))
            })}
        </Suspense>
    })
}

#[component]
pub fn JoinPage() -> impl IntoView {
    ctx::page(join())
}

fn join() -> Result<impl IntoView, Refusal> {
    let state = ctx::state()?;
    let token = query("token").unwrap_or_default();
    Ok(view! {
        <Title text="Join" />
        <h1>"Join your organisation"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let invitation = data::invitation_for(&state, &token, chrono::Utc::now());
                let invitation = ctx::load(invitation, "The invitation could not be loaded.").await;
                ctx::page(invitation.map(|invitation| {
                    let Some(inv) = invitation else {
                        return view! {
                            <p class="error" role="alert">{ErrorCode::Token.message()}</p>
                        }
                        .into_any();
                    };
                    view! {
                        <p>{format!("You are invited to {} as {}.", inv.organisation, inv.role.label().to_lowercase())}</p>
                        <FormError />
                        <form method="post" action="/join" class="stack">
                            <input type="hidden" name="token" value=token.clone() />
                            <label for="name">"Your name"</label>
                            <input id="name" name="name" type="text" autocomplete="name" required maxlength="120" />
                            <label for="email">"Your email"</label>
                            <input id="email" name="email" type="email" autocomplete="email" required value=inv.email.unwrap_or_default() />
                            <PasswordFields />
                            <button type="submit" class="button">"Create my account"</button>
                        </form>
                    }
                    .into_any()
                }))
            })}
        </Suspense>
    })
}

#[component]
pub fn AccountPage() -> impl IntoView {
    ctx::page(account())
}

fn account() -> Result<impl IntoView, Refusal> {
    let v = ctx::signed_in()?;
    let done = query("done").is_some();
    Ok(view! {
        <Title text="Your account" />
        <h1>"Your account"</h1>
        <p>{format!("{} · {}", v.name, v.email)}</p>
        <p>"Roles: " {v.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")}</p>
        <p><a href="/me/sessions">"Where you are signed in"</a> " · " <a href="/me/data">"Your data: download or erase"</a></p>
        <h2>"Change your password"</h2>
        {done.then(|| view! { <p class="notice" role="status">"Your password was changed. Your other sessions were signed out."</p> })}
        <FormError />
        <form method="post" action="/account/password" class="stack">
            <label for="current_password">"Current password"</label>
            <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
            <PasswordFields />
            <button type="submit" class="button">"Change password"</button>
        </form>
    })
}
