//! The organisation's security audit log for its admins (`/admin/activity`): sign-ins and
//! refused ones, sign-outs, password changes, invitations, roles, removals, target roles and
//! scarcity weights, newest first, a page at a time. Only this organisation's events; refused
//! sign-ins for emails with no account belong to no organisation and are in the server's log
//! (the `audit` target) only.

use super::data;
use crate::server::audit::Action as Audited;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::format_time;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ActivityPage() -> impl IntoView {
    ctx::page(activity())
}

fn activity() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::admin()?);
    let page: i64 = ctx::choice("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    Ok(view! {
        <Title text="Activity" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/admin">"Organisation"</a> " / activity"</nav>
        <h1>"Activity"</h1>
        <p>"Security events in your organisation, newest first: who did what, to whom, from which address. Invitation links and passwords are never recorded."</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let loaded = ctx::load(data::activity(&state, v.org, page), "The activity could not be loaded.").await;
                let data::Activity { events, more } = match loaded {
                    Ok(x) => x,
                    Err(refusal) => return refusal.view(),
                };
                if events.is_empty() {
                    return view! { <p data-testid="activity-empty">"Nothing recorded here."</p> }.into_any();
                }
                let rows = events
                    .into_iter()
                    .map(|e| {
                        let action = Audited::parse(&e.action).map(|a| a.label().to_string()).unwrap_or(e.action);
                        view! {
                            <tr>
                                <td><time datetime=e.at.to_rfc3339()>{format_time(e.at)}</time></td>
                                <td>{e.actor}</td>
                                <td>{action}</td>
                                <td>{e.target.unwrap_or_default()}</td>
                                <td>{e.detail.unwrap_or_default()}</td>
                                <td>{e.address.unwrap_or_default()}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table class="data" data-testid="activity">
                            <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"To what"</th><th scope="col">"Details"</th><th scope="col">"Address"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <nav class="pagination" aria-label="Pages of activity">
                        {(page > 1).then(|| view! { <a href=format!("/admin/activity?page={}", page - 1) rel="prev">"Newer"</a> })}
                        " " <span>{format!("Page {page}")}</span> " "
                        {more.then(|| view! { <a href=format!("/admin/activity?page={}", page + 1) rel="next">"Older"</a> })}
                    </nav>
                }
                .into_any()
            })}
        </Suspense>
    })
}
