//! Account self-service (issue 12, point 2; the review's S2 and G1): the signed-in person's
//! live sessions, which they can end one by one or all but this one (`/me/sessions`); their
//! data, downloadable as JSON (`/me/export`), and a request to erase it (`/me/data`); an admin's
//! page to confirm erasure requests and issue single-use password-reset links
//! (`/admin/accounts`); and the page where a member sets a new password with such a link
//! (`/reset`).
//!
//! The forms post to the handlers in `actions`; `data` holds what the pages load; `export` the
//! JSON download; `device` the short device names of the session list.
//! May use: domain, error, server (ctx, extract, refusal, auth, state, estimates, audit_hook),
//! store records, ui.

pub mod actions;
mod data;
mod device;
pub mod export;

use crate::domain::people::Member;
use crate::error::ErrorCode;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::{format_time, FormError};
use data::ListedSession;
use device::device_label;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SessionsPage() -> impl IntoView {
    ctx::page(sessions_page())
}

fn sessions_page() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::signed_in()?);
    let ended = ctx::query("ended").and_then(|n| n.parse::<u64>().ok());
    Ok(view! {
        <Title text="Where you are signed in" />
        <h1>"Where you are signed in"</h1>
        <p>"Each browser you signed in with has a session. End any you do not recognise or no longer use; that browser is signed out at once."</p>
        <FormError />
        {ended.map(|n| {
            let text = match n {
                0 => "No other session was open.".to_string(),
                1 => "One session was ended.".to_string(),
                n => format!("{n} sessions were ended."),
            };
            view! { <p class="notice" role="status">{text}</p> }
        })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::sessions(&state, &v), "Your sessions could not be loaded.").await;
                ctx::page(loaded.map(sessions_table))
            })}
        </Suspense>
        <p><a href="/account">"Your account"</a> " · " <a href="/me/data">"Your data"</a></p>
    })
}

fn sessions_table(sessions: Vec<ListedSession>) -> impl IntoView {
    let others = sessions.iter().filter(|s| !s.current).count();
    let rows = sessions
        .into_iter()
        .map(|s| {
            let device = device_label(s.info.user_agent.as_deref());
            let choice = if s.current {
                view! { <strong>"This browser"</strong> }.into_any()
            } else {
                let id = format!("session-{}", s.handle);
                view! {
                    <input type="radio" form="end-sessions" id=id.clone() name="session" value=s.handle.clone() />
                    " "
                    <label for=id>{format!("End the session on {device}, last seen {}", format_time(s.info.last_seen_at))}</label>
                }
                .into_any()
            };
            view! {
                <tr data-testid="session" data-current=s.current.to_string()>
                    <td>{device.clone()} {s.current.then(|| view! { " " <span class="badge">"current"</span> })}</td>
                    <td>{s.info.client_addr.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{format_time(s.info.created_at)}</td>
                    <td>{format_time(s.info.last_seen_at)}</td>
                    <td>{choice}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data" data-testid="sessions">
            <caption>{format!("{} active session{}", others + 1, if others == 0 { "" } else { "s" })}</caption>
            <thead><tr>
                <th scope="col">"Device"</th>
                <th scope="col">"Address"</th>
                <th scope="col">"Signed in"</th>
                <th scope="col">"Last seen"</th>
                <th scope="col">"End"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {(others > 0).then(|| view! {
            <form id="end-sessions" method="post" action="/me/sessions/end" class="stack">
                <label for="reauth-password">"Your password, to confirm it is you"</label>
                <input id="reauth-password" name="current_password" type="password" autocomplete="current-password" required />
                <div class="progress-row">
                    <button type="submit" class="button">"End the chosen session"</button>
                    <button type="submit" class="button" formaction="/me/sessions/end-others">"Sign out everywhere else"</button>
                </div>
            </form>
        })}
    }
}

#[component]
pub fn MyDataPage() -> impl IntoView {
    ctx::page(my_data_page())
}

fn my_data_page() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::signed_in()?);
    Ok(view! {
        <Title text="Your data" />
        <h1>"Your data"</h1>
        <section aria-labelledby="export-title">
            <h2 id="export-title">"Download a copy"</h2>
            <p>"One JSON file with everything Levelfield stores about you: your account, your membership, reading progress, quiz and skill-check answers, self-ratings, practical-task submissions and their scores, skill estimates and your active sessions. It holds nothing about anyone else."</p>
            <p><a href="/me/export" download class="button" data-testid="export-link">"Download my data (JSON)"</a></p>
        </section>
        <section id="erasure" aria-labelledby="erasure-title">
            <h2 id="erasure-title">"Erase my data"</h2>
            <FormError />
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {Suspend::new(async move {
                    let loaded = ctx::load(data::my_erasure(&state, &v), "Your erasure request could not be loaded.").await;
                    ctx::page(loaded.map(|pending| match pending {
                        Some(r) => view! {
                            <p class="notice" role="status" data-testid="erasure-pending">{format!("You asked for erasure on {}. An admin of your organisation will confirm it; until then nothing is deleted.", format_time(r.requested_at))}</p>
                            <form method="post" action="/me/erasure/withdraw">
                                <button type="submit" class="button">"Withdraw my request"</button>
                            </form>
                        }.into_any(),
                        None => view! {
                            <p>"Ask for your account and everything recorded about your learning to be erased. An admin of your organisation confirms it; then your progress, answers, self-ratings, task submissions and estimates are deleted, your account is removed, and the organisation's figures are recomputed without you. This cannot be undone, so download a copy first if you want one."</p>
                            <form method="post" action="/me/erasure" class="stack">
                                <label for="erasure-confirm">
                                    <input id="erasure-confirm" type="checkbox" name="confirm" value="yes" required />
                                    " I understand that my account and records will be deleted for good."
                                </label>
                                <button type="submit" class="button">"Ask for erasure"</button>
                            </form>
                        }.into_any(),
                    }))
                })}
            </Suspense>
        </section>
        <p><a href="/account">"Your account"</a> " · " <a href="/me/sessions">"Where you are signed in"</a></p>
    })
}

#[component]
pub fn AccountsAdminPage() -> impl IntoView {
    ctx::page(accounts_page())
}

fn accounts_page() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::admin()?);
    let erased = ctx::query("erased").is_some();
    let signed_out = ctx::query("signed_out").and_then(|n| n.parse::<u64>().ok());
    Ok(view! {
        <Title text="Accounts" />
        <h1>"Accounts"</h1>
        <p><a href="/admin">"Back to the organisation"</a></p>
        <FormError />
        {erased.then(|| view! { <p class="notice" role="status">"The person's records and account were erased."</p> })}
        {signed_out.map(|n| view! { <p class="notice" role="status">{format!("Signed out of {n} session(s).")}</p> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::accounts(&state, v.org), "The accounts could not be loaded.").await;
                ctx::page(loaded.map(|a| {
                    let me = v.user;
                    view! {
                        <section id="requests" aria-labelledby="requests-title">
                            <h2 id="requests-title">"Erasure requests"</h2>
                            {if a.requests.is_empty() {
                                view! { <p>"None."</p> }.into_any()
                            } else {
                                view! {
                                    <p>"Confirming deletes the person's progress, answers, self-ratings, task submissions and estimates, removes their account, and recomputes the organisation's figures. It cannot be undone."</p>
                                    <table class="data">
                                        <thead><tr><th scope="col">"Person"</th><th scope="col">"Asked on"</th><th scope="col"><span class="visually-hidden">"Action"</span></th></tr></thead>
                                        <tbody>
                                            {a.requests.into_iter().map(|(r, m)| view! {
                                                <tr data-testid="erasure-request">
                                                    <td>{m.name.clone()} " " <small>{m.email.clone()}</small></td>
                                                    <td>{format_time(r.requested_at)}</td>
                                                    <td>{(m.user != me).then(|| view! {
                                                        <form method="post" action=format!("/admin/accounts/{}/erase", m.user.0) class="inline">
                                                            <button type="submit" class="button">{format!("Erase {}", m.name)}</button>
                                                        </form>
                                                    })}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                        <section id="resets" aria-labelledby="resets-title">
                            <h2 id="resets-title">"Password resets and sessions"</h2>
                            <p>{format!("A reset link lets one person set a new password once, within {} minutes, and signs them out everywhere. No email is sent: you are shown the link once, to pass on yourself.", actions::RESET_MINUTES)}</p>
                            <ul class="member-list">
                                {a.members.into_iter().filter(|m| m.user != me).map(reset_row).collect_view()}
                            </ul>
                        </section>
                    }
                }))
            })}
        </Suspense>
    })
}

fn reset_row(m: Member) -> impl IntoView {
    view! {
        <li>
            {m.name.clone()} " " <small>{m.email.clone()}</small> " "
            <form method="post" action=format!("/admin/accounts/{}/reset", m.user.0) class="inline">
                <button type="submit" class="button">{format!("Reset link for {}", m.name)}</button>
            </form>
            " "
            <form method="post" action=format!("/admin/accounts/{}/sessions/end", m.user.0) class="inline">
                <button type="submit" class="link-button">{format!("Sign {} out everywhere", m.name)}</button>
            </form>
        </li>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    ctx::page(reset_page())
}

fn reset_page() -> Result<impl IntoView, Refusal> {
    let state = ctx::state()?;
    let token = ctx::query("token").unwrap_or_default();
    let done = ctx::query("done").is_some();
    Ok(view! {
        <Title text="Set a new password" />
        <h1>"Set a new password"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                if done {
                    return view! {
                        <p class="notice" role="status" data-testid="reset-done">"Your new password is set, and every session of yours was signed out. "<a href="/login">"Sign in"</a>" with it."</p>
                    }.into_any();
                }
                let valid = ctx::load(data::reset_user(&state, &token), "The link could not be checked.").await;
                ctx::page(valid.map(|user| {
                    if user.is_none() {
                        return view! { <p class="error" role="alert">{ErrorCode::Token.message()}</p> }.into_any();
                    }
                    view! {
                        <p>"Choose a new password. Setting it signs you out on every device."</p>
                        <FormError />
                        <form method="post" action="/reset" class="stack">
                            <input type="hidden" name="token" value=token.clone() />
                            <label for="password">"New password (8 to 128 characters)"</label>
                            <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="128" />
                            <label for="password_confirm">"New password again"</label>
                            <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required minlength="8" maxlength="128" />
                            <button type="submit" class="button">"Set password"</button>
                        </form>
                    }.into_any()
                }))
            })}
        </Suspense>
    })
}
