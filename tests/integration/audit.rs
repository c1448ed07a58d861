//! The security audit log through the real router: each security event is recorded with who,
//! what, to what and from where; an organisation's admins (and only they) read theirs on
//! `/admin/activity`, newest first, a page at a time; and no token reaches the audit log or the
//! server's log.

use crate::common::{
    enc, invite, invite_token, join, parity_app, setup_org, Client, TestApp, TestAppBuilder, PW,
};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use levelfield::features::account::prepare_setup;
use levelfield::store::{AuditEvent, NewAuditEvent};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;

parity_app!(
    security_events_are_recorded_for_the_organisations_admins,
    throttled_sign_ins_are_recorded_on_the_account,
    the_activity_log_is_paginated_newest_first,
);

/// Whether `text` holds a run of 32 hex digits or more (a token or a token's hash).
fn has_token_like(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        run = if b.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= 32 {
            return true;
        }
    }
    false
}

fn texts(e: &AuditEvent) -> Vec<&str> {
    [
        Some(e.actor.as_str()),
        e.target.as_deref(),
        e.detail.as_deref(),
        e.address.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

async fn security_events_are_recorded_for_the_organisations_admins(init: TestAppBuilder) {
    let (app, w) = init
        .with_org(|o| o.team("Alpha").learners(["Ann", "Ben"]))
        .await;
    let b = app.add_org(|o| o.name("Org B").domain("b.test")).await;
    let alpha = w.team();
    let (ann, ben) = (w.user("Ann"), w.user("Ben"));
    let mut admin = w.admin.clone();

    // Sign-ins from 10.0.0.7: a wrong password, then the right one, then out. An unknown
    // email belongs to no organisation.
    let mut browser = Client::new(&app);
    browser.ip = [10, 0, 0, 7];
    let (_, location) = browser.login("ann@a.test", "not the password").await;
    assert!(location.unwrap().contains("error=invalid-login"));
    let (_, location) = browser.login("Ann@A.test", PW).await;
    assert_eq!(location.as_deref(), Some("/me"));
    browser.post_form("/logout", "").await;
    Client::new(&app).login("nobody@a.test", PW).await;
    // Ben changes his password.
    let new = "another long passphrase";
    let (_, location) = w
        .client("Ben")
        .post_form(
            "/account/password",
            &format!(
                "current_password={}&password={}&password_confirm={}",
                enc(PW),
                enc(new),
                enc(new)
            ),
        )
        .await;
    assert_eq!(location.as_deref(), Some("/account?done=password"));
    // The admin invites (one joins, one is revoked), changes roles and role profiles, sets and
    // clears a scarcity weight, removes Ben.
    let token = invite(&mut admin, "learner", Some(alpha)).await;
    join(&app, &token, "Cy", "cy@a.test").await;
    let revoked_token = invite(&mut admin, "manager", None).await;
    let pending = app
        .state
        .store
        .invitations(w.org, Utc::now())
        .await
        .unwrap();
    let revoked = pending[0].id;
    for (path, body) in [
        (
            format!("/admin/invitations/{revoked}/revoke"),
            String::new(),
        ),
        (
            format!("/admin/members/{ann}"),
            format!("role=learner&role=author&team={alpha}"),
        ),
        (
            format!("/admin/members/{ann}/target-role"),
            "role=analyst".to_string(),
        ),
        (
            format!("/admin/teams/{alpha}/target-role"),
            "role=lead".to_string(),
        ),
        (
            "/org/scarcity".to_string(),
            "skill=evaluation&weight=0.4&note=Our+market".to_string(),
        ),
        (
            "/org/scarcity".to_string(),
            "skill=evaluation&clear=1".to_string(),
        ),
        (format!("/admin/members/{ben}/remove"), String::new()),
    ] {
        let (status, location) = admin.post_form(&path, &body).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        assert!(!location.unwrap().contains("error="), "{path}");
    }

    let events = app.state.store.audit_events(w.org, 0, 100).await.unwrap();
    let actions: Vec<&str> = events.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "login.failed",
            "login.succeeded",
            "logout",
            "password.changed",
            "invitation.created",
            "invitation.accepted",
            "invitation.created",
            "invitation.revoked",
            "member.roles",
            "member.target_role",
            "team.target_role",
            "scarcity.set",
            "scarcity.cleared",
            "member.removed",
        ]
    );
    let find = |action: &str| {
        events
            .iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("no {action}"))
    };
    let failed = find("login.failed");
    assert_eq!(
        (
            failed.actor.as_str(),
            failed.actor_id,
            failed.address.as_deref()
        ),
        ("ann@a.test", Some(ann), Some("10.0.0.7"))
    );
    assert_eq!(find("login.succeeded").address.as_deref(), Some("10.0.0.7"));
    assert_eq!(find("password.changed").actor, "ben@a.test");
    let roles = find("member.roles");
    assert_eq!(
        (roles.actor.as_str(), roles.actor_id, roles.target.clone()),
        (
            "admin@a.test",
            Some(w.admin_user),
            Some(format!("user {ann} ann@a.test"))
        )
    );
    assert_eq!(
        roles.detail.as_deref(),
        Some(
            format!(
                "roles learner; teams {alpha}; manages none → roles learner,author; teams {alpha}; manages none"
            )
            .as_str()
        )
    );
    assert_eq!(
        find("member.target_role").detail.as_deref(),
        Some("none → analyst")
    );
    assert_eq!(
        find("invitation.revoked").target,
        Some(format!("invitation {revoked}"))
    );
    assert_eq!(
        find("member.removed").target,
        Some(format!("user {ben} ben@a.test")),
        "the removed member is named though their account is gone"
    );
    assert_eq!(
        find("scarcity.set").detail.as_deref(),
        Some("weight 0.40: Our market")
    );
    let created = find("invitation.created");
    assert!(
        created
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("role manager; team none; email any; expires ")),
        "{created:?}"
    );
    // No token anywhere: neither the links nor anything like one.
    for e in &events {
        for text in texts(e) {
            assert!(
                !text.contains(&token) && !text.contains(&revoked_token) && !has_token_like(text),
                "{e:?}"
            );
        }
    }
    assert!(app
        .state
        .store
        .audit_events(b.org, 0, 100)
        .await
        .unwrap()
        .is_empty());

    // The admins read it; nobody else does.
    let (status, html, _) = w.admin.get("/admin/activity").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for shown in [
        "Sign-in refused",
        "Revoked an invitation",
        "Removed a member",
        "ben@a.test",
        "10.0.0.7",
        "weight 0.40: Our market",
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    assert!(!html.contains(&token) && !html.contains(&revoked_token));
    let (_, html, _) = w.admin.get("/admin").await;
    assert!(
        html.contains(r#"href="/admin/activity""#),
        "linked from /admin"
    );
    let (status, html, _) = b.admin.get("/admin/activity").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nothing recorded here."), "{html}");
    assert!(!html.contains("ann@a.test"));
    let (status, _, _) = w.client("Ann").get("/admin/activity").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, location) = Client::new(&app).get("/admin/activity").await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.unwrap().starts_with("/login"));
}

async fn throttled_sign_ins_are_recorded_on_the_account(init: TestAppBuilder) {
    let (app, w) = init
        .with_config(|c| c.login_failures_allowed = 2)
        .with_org(|o| o.learner("Ann"))
        .await;
    let mut browser = Client::new(&app);
    browser.ip = [10, 0, 0, 9];
    for _ in 0..2 {
        browser.login("ann@a.test", "not the password").await;
    }
    let (status, _) = browser.login("ann@a.test", PW).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let events = app.state.store.audit_events(w.org, 0, 10).await.unwrap();
    let actions: Vec<&str> = events.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["login.failed", "login.failed", "login.throttled"]);
    assert_eq!(
        (
            events[0].actor.as_str(),
            events[0].actor_id,
            events[0].address.as_deref()
        ),
        ("ann@a.test", Some(w.user("Ann")), Some("10.0.0.9"))
    );
}

async fn the_activity_log_is_paginated_newest_first(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o).await;
    let now = Utc::now();
    for i in 0..60 {
        app.state
            .store
            .record_audit(&NewAuditEvent {
                org: Some(w.org),
                actor_id: Some(w.admin_user),
                actor: "admin@a.test".into(),
                action: "scarcity.cleared".into(),
                target: Some(format!("skill number-{i:02}")),
                detail: None,
                address: None,
                at: now - Duration::minutes(60 - i),
            })
            .await
            .unwrap();
    }
    let rows = |html: &str| html.matches("<time datetime").count();
    let (status, html, _) = w.admin.get("/admin/activity").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows(&html), 50);
    let (newest, older) = (
        html.find("skill number-59").unwrap(),
        html.find("skill number-10").unwrap(),
    );
    assert!(newest < older, "newest first");
    assert!(!html.contains("skill number-09"));
    assert!(html.contains(r#"href="/admin/activity?page=2""#), "{html}");
    assert!(!html.contains("page=0"));
    let (_, html, _) = w.admin.get("/admin/activity?page=2").await;
    assert_eq!(rows(&html), 10);
    assert!(html.contains("skill number-09") && html.contains("skill number-00"));
    assert!(html.contains(r#"href="/admin/activity?page=1""#));
    assert!(!html.contains("page=3"));
    let (status, html, _) = w.admin.get("/admin/activity?page=x").await;
    assert_eq!(
        (status, rows(&html)),
        (StatusCode::OK, 50),
        "a bad page is the first"
    );
}

/// The log lines of the threads that asked for theirs ([`capture_log`]).
type Logs = Mutex<HashMap<ThreadId, Arc<Mutex<Vec<u8>>>>>;

fn logs() -> &'static Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        // One global subscriber, at the production level (INFO), writing each line to the
        // buffer of the thread that logged it (a thread-local subscriber would be unreliable
        // here, with other tests logging on other threads at the same time).
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(|| ThreadLog)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        Mutex::new(HashMap::new())
    })
}

/// Starts keeping what this thread logs (a `#[tokio::test]` runs the app on its own thread).
fn capture_log() -> Arc<Mutex<Vec<u8>>> {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    logs()
        .lock()
        .unwrap()
        .insert(std::thread::current().id(), buffer.clone());
    buffer
}

struct ThreadLog;

impl std::io::Write for ThreadLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mine = logs()
            .lock()
            .unwrap()
            .get(&std::thread::current().id())
            .cloned();
        if let Some(mine) = mine {
            mine.lock().unwrap().extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Setup, an invitation and joining, with every log line of this test captured (the app logs
/// on the test's thread): the audit events are logged on their own target, and no setup or
/// invitation token appears in the log, in any field.
#[tokio::test]
async fn tokens_never_reach_the_log_or_the_audit_log() {
    let log = capture_log();
    let app = TestApp::init().empty().await;
    let setup_token = prepare_setup(&app.state).await.unwrap().unwrap();
    let (status, _, _) = Client::new(&app)
        .get(&format!("/setup?token={setup_token}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, admin) = setup_org(&app, &setup_token, "Org A", "admin@a.test").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = admin
        .post_form_page("/admin/invitations", "role=learner&days=7")
        .await;
    assert_eq!(status, StatusCode::OK);
    let invitation = invite_token(&html);
    assert_eq!(invitation.len(), 64);
    let (status, _, _) = Client::new(&app)
        .get(&format!("/join?token={invitation}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    join(&app, &invitation, "Lea", "lea@a.test").await;
    // Free text with a line break cannot forge a log line.
    let (status, _) = admin
        .clone()
        .post_form(
            "/org/scarcity",
            "skill=evaluation&weight=0.5&note=Ours%0AINFO+audit%3A+forged+event",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let text = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    assert!(text.contains("scarcity.set"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("INFO audit: forged")),
        "a forged line:\n{text}"
    );
    for action in [
        "organisation.setup",
        "invitation.created",
        "invitation.accepted",
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains(" audit: ") && l.contains(action)),
            "{action} logged on the audit target:\n{text}"
        );
    }
    assert!(!text.contains(&setup_token), "setup token logged:\n{text}");
    assert!(
        !text.contains(&invitation),
        "invitation token logged:\n{text}"
    );
    assert!(
        !has_token_like(&text),
        "something like a token logged:\n{text}"
    );
    let org = app.state.store.organisation_ids().await.unwrap()[0];
    for e in app.state.store.audit_events(org, 0, 100).await.unwrap() {
        for t in texts(&e) {
            assert!(!has_token_like(t), "{e:?}");
        }
    }
}
