//! The answer to a new invitation: a small complete page showing its link once. The link holds
//! a live token, so it is shown in the response to the form's POST, never carried in a URL (a
//! redirect's query would stay in the browser's history and in proxies' access logs).
//!
//! May use: store records, domain, ui, leptos.

use crate::domain::people::MemberRole;
use crate::store::Invitation;
use crate::ui::format_time;
use axum::response::Html;
use leptos::prelude::*;

/// The page for the invitation just made, whose link is `link`.
pub fn page(link: &str, invitation: &Invitation) -> Html<String> {
    let who = match &invitation.email {
        Some(email) => format!("Only {email} can accept it."),
        None => "Whoever has it can accept it: send it to the person only.".to_string(),
    };
    let admin_note = (invitation.role == MemberRole::Admin)
        .then_some("An invitation to be an organisation admin works for 24 hours at most.");
    let body = view! {
        <main id="main">
            <h1>"Invitation created"</h1>
            <div class="notice" role="status">
                <p>
                    <strong>{format!("An invitation as {}.", invitation.role.label().to_lowercase())}</strong>
                    " Send this link to the person; it works once:"
                </p>
                <code class="invite-link" data-testid="invite-link">{link.to_string()}</code>
                <p>{who}</p>
                <p>{format!("It expires on {}.", format_time(invitation.expires_at))}</p>
                {admin_note.map(|n| view! { <p>{n}</p> })}
                <p>"This page is the only place the link is shown: copy it now. You can revoke it from the list of pending invitations."</p>
            </div>
            <p><a href="/admin#invitations">"Back to the organisation"</a></p>
        </main>
    }
    .to_html();
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Invitation created · Levelfield</title>\
         <link rel=\"stylesheet\" href=\"/pkg/levelfield.css\"></head><body>{body}</body></html>"
    ))
}
