//! Invitations through the real router: the new link is shown in the answer to the admin's
//! form, never carried in a URL; an invitation made out to an email is that person's only;
//! pending invitations can be revoked by their own organisation's admins; an invitation to be
//! an admin works for a day at most.

use crate::common::{
    enc, invite, invite_token, invite_with, join, parity_app, Client, TestAppBuilder, PW,
};
use axum::http::StatusCode;
use chrono::{Duration, Utc};

parity_app!(
    a_new_invitation_link_is_in_the_response_never_in_a_url,
    an_invitation_made_out_to_an_email_is_that_persons_only,
    invitations_are_revoked_by_their_organisations_admins_only,
    admin_invitations_work_for_a_day_at_most,
);

/// A join through the form with `email`; returns the Location it answers with.
async fn try_join(app: &crate::common::TestApp, token: &str, email: &str) -> String {
    let (_, location) = Client::new(app)
        .post_form(
            "/join",
            &format!(
                "token={token}&name=Someone&email={}&password={}&password_confirm={}",
                enc(email),
                enc(PW),
                enc(PW)
            ),
        )
        .await;
    location.unwrap()
}

async fn a_new_invitation_link_is_in_the_response_never_in_a_url(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o.team("Alpha")).await;
    let admin = w.admin.clone();
    let req = axum::http::Request::post("/admin/invitations")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "cookie",
            format!("levelfield_session={}", admin.cookie.clone().unwrap()),
        )
        .body(axum::body::Body::from(format!(
            "role=learner&team={}&days=7",
            w.team()
        )))
        .unwrap();
    let (status, res) = app.send(req).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "answered with a page, not a redirect"
    );
    assert!(res.headers().get("location").is_none());
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = crate::common::body_text(res).await;
    assert!(html.contains(r#"data-testid="invite-link""#), "{html}");
    assert!(html.contains("Invitation created"), "{html}");
    assert!(html.contains("Whoever has it can accept it"), "{html}");
    let token = invite_token(&html);
    assert_eq!(token.len(), 64);
    // The admin page never shows a link, whatever its query says.
    let (_, page, _) = admin.get(&format!("/admin?invited={token}")).await;
    assert!(!page.contains("/join?token="), "{page}");
    let lea = join(&app, &token, "Lea", "lea@a.test").await;
    assert_eq!(lea.get("/me").await.0, StatusCode::OK);
}

async fn an_invitation_made_out_to_an_email_is_that_persons_only(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o).await;
    let mut admin = w.admin.clone();
    let token = invite_with(&mut admin, "role=learner&email=Zoe%40A.test&days=7").await;
    let (_, html, _) = Client::new(&app).get(&format!("/join?token={token}")).await;
    assert!(html.contains(r#"value="zoe@a.test""#), "pre-filled: {html}");
    // Someone else with the link: refused, and the invitation stays usable.
    assert!(try_join(&app, &token, "mallory@evil.test")
        .await
        .contains("error=token"));
    assert!(app
        .state
        .store
        .credentials("mallory@evil.test")
        .await
        .unwrap()
        .is_none());
    assert_eq!(try_join(&app, &token, "ZOE@a.test").await, "/me");
    let zoe = app
        .state
        .store
        .credentials("zoe@a.test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(zoe.org, w.org);
    // Without an email, anyone with the link may join (once).
    let open = invite(&mut admin, "learner", None).await;
    assert_eq!(try_join(&app, &open, "anyone@a.test").await, "/me");
}

async fn invitations_are_revoked_by_their_organisations_admins_only(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o.learner("Ann")).await;
    let other = app.add_org(|o| o.name("Org B").domain("b.test")).await;
    let mut admin = w.admin.clone();
    let token = invite(&mut admin, "learner", None).await;
    let id = app
        .state
        .store
        .invitations(w.org, Utc::now())
        .await
        .unwrap()[0]
        .id;
    let revoke = format!("/admin/invitations/{id}/revoke");
    let (_, html, _) = admin.get("/admin").await;
    assert!(
        html.contains(&format!(r#"action="{revoke}""#)),
        "a revoke button in the pending list: {html}"
    );

    let (status, location) = Client::new(&app).post_form(&revoke, "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/login"));
    let (status, _) = w.client("Ann").post_form(&revoke, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, location) = other.admin.clone().post_form(&revoke, "").await;
    assert!(location.unwrap().contains("error=not-found"));
    assert_eq!(
        app.state
            .store
            .invitations(w.org, Utc::now())
            .await
            .unwrap()
            .len(),
        1,
        "still pending"
    );

    let (status, location) = admin.post_form(&revoke, "").await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin#invitations"))
    );
    assert!(app
        .state
        .store
        .invitations(w.org, Utc::now())
        .await
        .unwrap()
        .is_empty());
    let (_, html, _) = Client::new(&app).get(&format!("/join?token={token}")).await;
    assert!(html.contains("expired or has already been used"), "{html}");
    assert!(try_join(&app, &token, "late@a.test")
        .await
        .contains("error=token"));
    // Twice: nothing left to revoke.
    let (_, location) = admin.post_form(&revoke, "").await;
    assert!(location.unwrap().contains("error=not-found"));
}

async fn admin_invitations_work_for_a_day_at_most(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o).await;
    let mut admin = w.admin.clone();
    let (status, html) = admin
        .post_form_page("/admin/invitations", "role=admin&days=30")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("24 hours at most"), "{html}");
    invite_with(&mut admin, "role=learner&days=30").await;
    let now = Utc::now();
    let pending = app.state.store.invitations(w.org, now).await.unwrap();
    let lasts = |role| {
        pending
            .iter()
            .find(|i| i.role == role)
            .map(|i| i.expires_at - now)
            .unwrap()
    };
    use levelfield::domain::people::MemberRole;
    assert!(lasts(MemberRole::Admin) <= Duration::hours(24));
    assert!(lasts(MemberRole::Admin) > Duration::hours(23));
    assert!(lasts(MemberRole::Learner) > Duration::days(29));
}
