//! The organisation admin's pages: teams, invitations and members (here), the organisation's
//! skills roll-up (`org_skills`), its scarcity weights (`scarcity`) and the security audit log
//! (`activity`). The forms post to the handlers in `actions`, which take an `Admin` again; a new
//! invitation's link is shown on the page `invited` answers with; `data` holds what the pages
//! load.
//!
//! May use: domain, error, server (ctx, extract, refusal, auth, state, estimates), store
//! records, ui.

pub mod actions;
mod activity;
mod data;
mod invited;
mod org_skills;
mod scarcity;
pub use activity::ActivityPage;
pub use org_skills::OrgSkillsPage;
pub use scarcity::ScarcityPage;

use crate::domain::catalogue::Library;
use crate::domain::people::{Member, MemberRole, Team};
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::FormError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminPage() -> impl IntoView {
    ctx::page(admin_page())
}

fn admin_page() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::admin()?);
    Ok(view! {
        <Title text="Organisation" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::overview(&state, v.org), "The organisation could not be loaded.").await;
                let data::Overview { organisation: org, teams, members, invitations, suspended } = match loaded {
                    Ok(x) => x,
                    Err(refusal) => return refusal.view(),
                };
                let lib = state.library.current();
                let team_name = {
                    let teams = teams.clone();
                    move |id| teams.iter().find(|t: &&Team| t.id == id).map(|t| t.name.clone()).unwrap_or_default()
                };
                view! {
                    <h1>{org.name.clone()}</h1>
                    <FormError />
                    <p><a href="/org/skills">"Organisation skills and talent-shortage exposure"</a> " · " <a href="/org/scarcity">"Scarcity weights"</a> " · " <a href="/org/literacy">"AI-literacy record"</a> " · " <a href="/admin/activity">"Activity (security log)"</a> " · " <a href="/admin/accounts">"Accounts: erasure requests and password resets"</a> " · " <a href="/admin/scim">"Provisioning (SCIM)"</a> " · " <a href="/admin/sso">"Single sign-on"</a></p>
                    <section id="teams" aria-labelledby="teams-title">
                        <h2 id="teams-title">"Teams"</h2>
                        <ul class="team-list">
                            {teams.iter().map(|t| {
                                let select_id = format!("team-{}-role", t.id);
                                view! {
                                    <li>
                                        <a href=format!("/teams/{}", t.id)>{t.name.clone()}</a>
                                        <form method="post" action=format!("/admin/teams/{}/target-role", t.id) class="inline-form">
                                            <label for=select_id.clone()>{format!("Target role of {}", t.name)}</label>
                                            <select id=select_id name="role">{role_options(&lib, t.target_role.as_deref(), "No target role")}</select>
                                            <button type="submit" class="button">"Set"</button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <form method="post" action="/admin/teams" class="progress-row">
                            <label for="team-name">"New team"</label>
                            <input id="team-name" name="name" type="text" required maxlength="80" />
                            <button type="submit" class="button">"Add team"</button>
                        </form>
                    </section>
                    <section id="invitations" aria-labelledby="invite-title">
                        <h2 id="invite-title">"Invite someone"</h2>
                        <form method="post" action="/admin/invitations" class="stack">
                            <label for="invite-role">"Role"</label>
                            <select id="invite-role" name="role">
                                {MemberRole::ALL.iter().map(|r| view! { <option value=r.key()>{r.label()}</option> }).collect_view()}
                            </select>
                            <label for="invite-team">"Team"</label>
                            <select id="invite-team" name="team">
                                <option value="">"No team"</option>
                                {teams.iter().map(|t| view! { <option value=t.id.0.to_string()>{t.name.clone()}</option> }).collect_view()}
                            </select>
                            <label for="invite-email">"Email (optional: only this address can accept the invitation)"</label>
                            <input id="invite-email" name="email" type="email" />
                            <label for="invite-days">"Valid for (days; an organisation admin's invitation, 24 hours at most)"</label>
                            <input id="invite-days" name="days" type="number" min="1" max="30" value="7" />
                            <button type="submit" class="button">"Create invitation link"</button>
                        </form>
                        <h3>"Pending invitations"</h3>
                        {if invitations.is_empty() {
                            view! { <p>"None."</p> }.into_any()
                        } else {
                            view! {
                                <table class="data">
                                    <thead><tr><th scope="col">"Role"</th><th scope="col">"Team"</th><th scope="col">"Email"</th><th scope="col">"Expires"</th><th scope="col">"Revoke"</th></tr></thead>
                                    <tbody>
                                        {invitations.iter().map(|i| view! {
                                            <tr id=format!("invitation-{}", i.id)>
                                                <td>{i.role.label()}</td>
                                                <td>{i.team.map(&team_name).unwrap_or_default()}</td>
                                                <td>{i.email.clone().unwrap_or_else(|| "anyone with the link".to_string())}</td>
                                                <td>{crate::ui::format_time(i.expires_at)}</td>
                                                <td>
                                                    <form method="post" action=format!("/admin/invitations/{}/revoke", i.id) class="inline">
                                                        <button type="submit" class="link-button" aria-label=format!("Revoke the {} invitation expiring {}", i.role.label().to_lowercase(), crate::ui::format_time(i.expires_at))>"Revoke"</button>
                                                    </form>
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                    <section id="members" aria-labelledby="members-title">
                        <h2 id="members-title">"People"</h2>
                        {members.into_iter().map(|m| { let off = suspended.contains(&m.user); member_row(&lib, m, &teams, v.user, off) }).collect_view()}
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    })
}

fn member_row(
    lib: &Library,
    m: Member,
    teams: &[Team],
    me: crate::domain::people::UserId,
    suspended: bool,
) -> impl IntoView {
    let id = m.user.0;
    let checks = |key: &'static str, selected: &[crate::domain::people::TeamId]| {
        teams
            .iter()
            .map(|t| {
                let input = format!("m{id}-{key}-{}", t.id);
                let label_for = input.clone();
                view! {
                    <label for=label_for>
                        <input type="checkbox" id=input name=key value=t.id.0.to_string() checked=selected.contains(&t.id) />
                        " " {t.name.clone()}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <article class="member" id=format!("member-{id}")>
            <h3>{m.name.clone()} " " <small>{m.email.clone()}</small> {suspended.then(|| view! { " " <span class="badge" data-testid="suspended">"suspended"</span> })}</h3>
            {suspended.then(|| view! { <p>"Suspended: cannot sign in. Their records stay in the reports."</p> })}
            <form method="post" action=format!("/admin/members/{id}")>
                <fieldset class="checks">
                    <legend>"Roles"</legend>
                    {MemberRole::ALL.iter().map(|r| {
                        let input = format!("m{id}-role-{}", r.key());
                        let label_for = input.clone();
                        view! {
                            <label for=label_for>
                                <input type="checkbox" id=input name="role" value=r.key() checked=m.has(*r) />
                                " " {r.label()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset class="checks"><legend>"Member of"</legend>{checks("team", &m.teams)}</fieldset>
                <fieldset class="checks"><legend>"Manages"</legend>{checks("manages", &m.manages)}</fieldset>
                <button type="submit" class="button">"Save"</button>
            </form>
            <form method="post" action=format!("/admin/members/{id}/target-role") class="inline-form">
                <label for=format!("m{id}-target")>{format!("Role profile of {}", m.name)}</label>
                <select id=format!("m{id}-target") name="role">{role_options(lib, m.target_role.as_deref(), "The team's target role")}</select>
                <button type="submit" class="button">"Set role profile"</button>
            </form>
            {(m.user != me && !suspended).then(|| view! {
                <form method="post" action=format!("/admin/members/{id}/suspend") class="inline">
                    <button type="submit" class="link-button">{format!("Suspend {}", m.name)}</button>
                </form>
            })}
            {suspended.then(|| view! {
                <form method="post" action=format!("/admin/members/{id}/reactivate") class="inline">
                    <button type="submit" class="link-button">{format!("Reactivate {}", m.name)}</button>
                </form>
            })}
            <form method="post" action=format!("/admin/members/{id}/sso") class="inline-form">
                <label for=format!("m{id}-sso")>{format!("Link {} to single sign-on: subject (sub) at the provider", m.name)}</label>
                <input id=format!("m{id}-sso") name="subject" type="text" maxlength="255" required />
                <button type="submit" class="button">"Link"</button>
            </form>
            {(m.user != me).then(|| view! {
                <form method="post" action=format!("/admin/members/{id}/remove") class="inline">
                    <button type="submit" class="link-button">{format!("Remove {}", m.name)}</button>
                </form>
            })}
        </article>
    }
}

/// The content's role profiles as options, `current` selected; the empty option means `none`.
fn role_options(lib: &Library, current: Option<&str>, none: &'static str) -> impl IntoView {
    let options = lib
        .roles()
        .iter()
        .map(|r| {
            view! { <option value=r.id.0.clone() selected=current == Some(r.id.as_str())>{r.name.clone()}</option> }
        })
        .collect_view();
    view! {
        <option value="" selected=current.is_none()>{none}</option>
        {options}
    }
}
