//! Account self-service through the real router, on both databases (issue 12, point 2): the
//! session list (device, address, last seen; end one, end all others), the JSON export of one's
//! own data, erasure asked by the learner and confirmed by an admin, and admin-issued
//! single-use password-reset links. Each with who may and may not.

use crate::common::{enc, parity_app, Client, TestApp, TestAppBuilder, World, PW};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use levelfield::domain::people::{MemberRole, UserId};
use levelfield::domain::progress::{AnswerRecord, AttemptKind, NewAttempt};
use levelfield::server::auth::{hash_token, new_token};
use levelfield::store::PasswordReset;

parity_app!(
    sessions_are_listed_with_device_and_address_and_can_be_ended,
    a_session_is_ended_from_another,
    ending_all_other_sessions_keeps_this_one,
    last_seen_is_written_at_most_once_a_minute,
    the_export_holds_everything_of_mine_and_nothing_of_anyone_else,
    erasure_is_asked_by_the_learner_and_confirmed_by_an_admin,
    erasure_refusals,
    a_reset_link_sets_a_new_password_once_and_ends_every_session,
    reset_link_refusals,
    an_admin_signs_a_member_out_everywhere,
);

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

async fn two_learners(init: TestAppBuilder) -> (TestApp, World) {
    init.with_org(|o| {
        o.team("Alpha")
            .target_role("analyst")
            .learners(["Ann", "Ben"])
    })
    .await
}

/// Whether `c` is signed out: a page sends it to the login.
async fn signed_out(c: &Client) -> bool {
    let (status, _, location) = c.get("/me").await;
    status.is_redirection() && location.is_some_and(|l| l.starts_with("/login"))
}

/// A second browser signed in as `user`, with its own address and User-Agent.
async fn browser(app: &TestApp, user: UserId, ip: [u8; 4], ua: &str) -> Client {
    let mut c = app.session_for(user).await;
    c.ip = ip;
    c.user_agent = Some(ua.to_string());
    c
}

/// The handles of the sessions a sessions page offers to end, in the order shown.
fn end_choices(html: &str) -> Vec<String> {
    html.match_indices("name=\"session\" value=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The form body ending session `handle` with `password`.
fn end_body(handle: &str, password: &str) -> String {
    format!("session={handle}&current_password={}", enc(password))
}

async fn sessions_are_listed_with_device_and_address_and_can_be_ended(init: TestAppBuilder) {
    let (app, w) = two_learners(init.with_config(|c| c.login_failures_allowed = 3)).await;
    let ann = w.user("Ann");
    let mut laptop = browser(&app, ann, [10, 0, 0, 7], FIREFOX).await;
    let phone = browser(&app, ann, [10, 0, 0, 9], SAFARI).await;
    // Each browser is seen once (the first request records its device and address).
    assert_eq!(phone.get("/me").await.0, StatusCode::OK);
    let (status, html, _) = laptop.get("/me/sessions").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // Ann's seeded session (never used), the laptop and the phone: three rows, one current.
    assert_eq!(html.matches("data-testid=\"session\"").count(), 3, "{html}");
    assert_eq!(html.matches("data-current=\"true\"").count(), 1);
    assert!(html.contains("Firefox on Linux"), "{html}");
    assert!(html.contains("Safari on iPhone"), "{html}");
    assert!(
        html.contains("10.0.0.7") && html.contains("10.0.0.9"),
        "{html}"
    );
    assert!(html.contains("This browser"));
    // The page never shows the store's key of a session.
    for s in app
        .state
        .store
        .user_sessions(ann, Utc::now(), Utc::now() - Duration::hours(1))
        .await
        .unwrap()
    {
        assert!(!html.contains(&s.id_hash));
    }

    // Ben cannot end Ann's sessions, even knowing a handle (and his own password).
    let ends = end_choices(&html);
    assert_eq!(ends.len(), 2, "a choice for each other session: {ends:?}");
    let phone_end = {
        let row = &html[html.find("Safari on iPhone").unwrap()..];
        end_choices(row)[0].clone()
    };
    let mut ben = w.client("Ben");
    let (status, location) = ben
        .post_form("/me/sessions/end", &end_body(&phone_end, PW))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/me/sessions?error=not-found"));
    assert_eq!(phone.get("/me").await.0, StatusCode::OK, "still signed in");

    // A cross-site post is refused; an anonymous one is sent to sign in.
    let mut anon = Client::new(&app);
    let (status, location) = anon
        .post_form("/me/sessions/end", &end_body(&phone_end, PW))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/login"));
    let res = app
        .send(
            axum::http::Request::post("/me/sessions/end")
                .header("host", "localhost")
                .header("origin", "https://evil.example")
                .header("content-type", "application/x-www-form-urlencoded")
                .header(
                    "cookie",
                    format!("levelfield_session={}", laptop.cookie.clone().unwrap()),
                )
                .body(axum::body::Body::from(end_body(&phone_end, PW)))
                .unwrap(),
        )
        .await;
    assert_eq!(res.0, StatusCode::FORBIDDEN);
    assert_eq!(phone.get("/me").await.0, StatusCode::OK);

    // Ending a session takes the password again: a stolen session alone cannot sign its owner
    // out. Wrong passwords are throttled like logins.
    let (_, location) = laptop
        .post_form("/me/sessions/end", &format!("session={phone_end}"))
        .await;
    assert_eq!(location.as_deref(), Some("/me/sessions?error=missing"));
    for _ in 0..3 {
        let (_, location) = laptop
            .post_form("/me/sessions/end", &end_body(&phone_end, "not my password"))
            .await;
        assert_eq!(
            location.as_deref(),
            Some("/me/sessions?error=wrong-password")
        );
    }
    let (_, location) = laptop
        .post_form("/me/sessions/end", &end_body(&phone_end, PW))
        .await;
    assert_eq!(location.as_deref(), Some("/me/sessions?error=throttled"));
    assert_eq!(phone.get("/me").await.0, StatusCode::OK);
}

async fn a_session_is_ended_from_another(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    let ann = w.user("Ann");
    let mut laptop = browser(&app, ann, [10, 0, 0, 7], FIREFOX).await;
    let phone = browser(&app, ann, [10, 0, 0, 9], SAFARI).await;
    assert_eq!(phone.get("/me").await.0, StatusCode::OK);
    let (_, html, _) = laptop.get("/me/sessions").await;
    let phone_end = {
        let row = &html[html.find("Safari on iPhone").unwrap()..];
        end_choices(row)[0].clone()
    };
    // Ann ends the phone's session from the laptop: the phone is signed out at once.
    let (status, location) = laptop
        .post_form("/me/sessions/end", &end_body(&phone_end, PW))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/me/sessions?ended=1"));
    assert!(signed_out(&phone).await);
    let (_, html, _) = laptop.get("/me/sessions?ended=1").await;
    assert_eq!(html.matches("data-testid=\"session\"").count(), 2);
    assert!(!html.contains("Safari on iPhone"));
    assert!(html.contains("One session was ended."));
}

async fn ending_all_other_sessions_keeps_this_one(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    let ann = w.user("Ann");
    let mut laptop = browser(&app, ann, [10, 0, 0, 7], FIREFOX).await;
    let phone = browser(&app, ann, [10, 0, 0, 9], SAFARI).await;
    let ben = w.client("Ben");
    let (_, location) = laptop
        .post_form("/me/sessions/end-others", "current_password=wrong+one")
        .await;
    assert_eq!(
        location.as_deref(),
        Some("/me/sessions?error=wrong-password")
    );
    assert_eq!(phone.get("/me").await.0, StatusCode::OK);
    let (status, location) = laptop
        .post_form(
            "/me/sessions/end-others",
            &format!("current_password={}", enc(PW)),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/me/sessions?ended=2"));
    assert_eq!(laptop.get("/me").await.0, StatusCode::OK, "this one stays");
    assert!(signed_out(&phone).await);
    assert!(signed_out(&w.client("Ann")).await);
    assert_eq!(ben.get("/me").await.0, StatusCode::OK, "nobody else's");
    let (_, html, _) = laptop.get("/me/sessions").await;
    assert_eq!(html.matches("data-testid=\"session\"").count(), 1);
    assert!(!html.contains("Sign out everywhere else"));
}

async fn last_seen_is_written_at_most_once_a_minute(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    let ann = w.user("Ann");
    let laptop = browser(&app, ann, [10, 0, 0, 7], FIREFOX).await;
    let now = || Utc::now();
    let mine = || async {
        let all = app
            .state
            .store
            .user_sessions(ann, now(), now() - Duration::hours(1))
            .await
            .unwrap();
        all.into_iter()
            .find(|s| s.id_hash == hash_token(laptop.cookie.as_deref().unwrap()))
            .unwrap()
    };
    let before = mine().await;
    assert_eq!(before.user_agent, None, "nothing recorded before a request");
    assert_eq!(before.last_seen_at, before.created_at);
    laptop.get("/me").await;
    let first = mine().await;
    assert_eq!(first.user_agent.as_deref(), Some(FIREFOX));
    assert_eq!(first.client_addr.as_deref(), Some("10.0.0.7"));
    assert!(first.last_seen_at > before.last_seen_at);
    // Within the minute, further requests (even from elsewhere) write nothing.
    let mut moved = laptop.clone();
    moved.ip = [10, 0, 0, 8];
    moved.get("/me").await;
    laptop.get("/me/skills").await;
    let again = mine().await;
    assert_eq!(again, first);
    // The store never moves last-seen backwards (a late write from a slow request).
    app.state
        .store
        .record_session_client(&first.id_hash, now() - Duration::minutes(2), None, None)
        .await
        .unwrap();
    assert_eq!(mine().await, first, "last-seen never moves backwards");
}

/// Evidence of every kind for `user`: progress, a quiz attempt, a self-rating, a task.
async fn evidence(app: &TestApp, w: &World, name: &str, body: &str) {
    let user = w.user(name);
    let store = &app.state.store;
    store
        .record_progress(user, "evaluating", 1, 3, None, false, Utc::now())
        .await
        .unwrap();
    store
        .record_attempt(&NewAttempt {
            user,
            kind: AttemptKind::Quiz,
            module: "evaluating".into(),
            score: 1,
            total: 1,
            answers: vec![AnswerRecord {
                question: "q-choose".into(),
                skill: "evaluation".into(),
                difficulty: 1,
                selected: vec![1],
                correct: true,
            }],
            submitted_at: Utc::now(),
            seed: None,
        })
        .await
        .unwrap();
    store
        .set_self_ratings(w.org, user, &[("evaluation".into(), Some(3))], Utc::now())
        .await
        .unwrap();
    let mut c = w.client(name);
    let (status, _) = c
        .post_form(
            "/modules/evaluating-models/task",
            &format!("body={}", enc(body)),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn the_export_holds_everything_of_mine_and_nothing_of_anyone_else(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    evidence(&app, &w, "Ann", "Ann's evaluation plan").await;
    evidence(&app, &w, "Ben", "Ben's secret plan").await;
    levelfield::server::estimates::refresh(&app.state, w.org, 0)
        .await
        .unwrap();
    let ann = w.client("Ann");
    let laptop = browser(&app, w.user("Ann"), [10, 0, 0, 7], FIREFOX).await;
    laptop.get("/me").await;

    let (status, res) = app
        .send(
            axum::http::Request::get("/me/export")
                .header("host", "localhost")
                .header(
                    "cookie",
                    format!("levelfield_session={}", ann.cookie.clone().unwrap()),
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let h = res.headers().clone();
    assert!(h["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"levelfield-my-data-"),
        "{disposition}"
    );
    assert_eq!(h["cache-control"], "no-store");
    let text = crate::common::body_text(res).await;
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();

    assert_eq!(doc["account"]["email"], "ann@a.test");
    assert_eq!(doc["account"]["name"], "Ann");
    assert_eq!(doc["membership"]["organisation"]["name"], "Org A");
    assert_eq!(doc["membership"]["roles"], serde_json::json!(["learner"]));
    assert_eq!(doc["membership"]["teams"][0]["name"], "Alpha");
    assert_eq!(doc["progress"].as_array().unwrap().len(), 1);
    assert_eq!(doc["progress"][0]["module"], "evaluating");
    let attempts = doc["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["answers"][0]["question"], "q-choose");
    assert_eq!(
        attempts[0]["answers"][0]["selected"],
        serde_json::json!([1])
    );
    assert_eq!(doc["self_ratings"][0]["skill"], "evaluation");
    assert_eq!(doc["self_ratings"][0]["level"], 3);
    assert_eq!(doc["task_submissions"][0]["body"], "Ann's evaluation plan");
    assert_eq!(doc["task_submissions"][0]["status"], "waiting");
    assert!(!doc["skill_estimates"].as_array().unwrap().is_empty());
    let sessions = doc["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(sessions
        .iter()
        .any(|s| s["device"] == "Firefox on Linux" && s["client_address"] == "10.0.0.7"));
    assert_eq!(doc["erasure_request"], serde_json::Value::Null);

    // Nothing of Ben's, nor of the admin; never a password hash or a session key.
    for other in [
        "Ben",
        "ben@a.test",
        "Ben's secret plan",
        "admin@a.test",
        "Admin",
    ] {
        assert!(!text.contains(other), "{other} in the export:\n{text}");
    }
    assert!(!text.contains("argon2"));
    assert!(!text.contains(&hash_token(ann.cookie.as_deref().unwrap())));

    // Anonymous: sent to sign in.
    let (status, _, location) = Client::new(&app).get("/me/export").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/login"));
}

/// Today's organisation-wide roll-up: the largest `people` count over skills.
async fn people_today(app: &TestApp, w: &World) -> u32 {
    let today = Utc::now().date_naive();
    app.state
        .store
        .snapshots(w.org, None, today)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.team.is_none())
        .map(|s| s.people)
        .max()
        .unwrap_or(0)
}

async fn erasure_is_asked_by_the_learner_and_confirmed_by_an_admin(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    let (ann, ben) = (w.user("Ann"), w.user("Ben"));
    evidence(&app, &w, "Ann", "Ann's plan").await;
    evidence(&app, &w, "Ben", "Ben's plan").await;
    levelfield::server::estimates::snapshot_today(&app.state, w.org)
        .await
        .unwrap();
    assert_eq!(people_today(&app, &w).await, 2);
    let store = &app.state.store;
    let count_estimates = |u: UserId| async move {
        store
            .org_estimates(w.org)
            .await
            .unwrap()
            .into_iter()
            .filter(|(x, _, _)| *x == u)
            .count()
    };
    assert!(count_estimates(ann).await > 0);

    // Ann asks; the box must be ticked.
    let mut ann_c = w.client("Ann");
    let (_, location) = ann_c.post_form("/me/erasure", "").await;
    assert_eq!(location.as_deref(), Some("/me/data?error=missing#erasure"));
    let (_, location) = ann_c.post_form("/me/erasure", "confirm=yes").await;
    assert_eq!(location.as_deref(), Some("/me/data#erasure"));
    let (_, html, _) = ann_c.get("/me/data").await;
    assert!(html.contains("data-testid=\"erasure-pending\""), "{html}");
    // Nothing is deleted until an admin confirms.
    assert_eq!(store.attempts(ann).await.unwrap().len(), 1);

    // The admin sees the request and confirms it.
    let mut admin = w.admin.clone();
    let (status, html, _) = admin.get("/admin/accounts").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        html.matches("data-testid=\"erasure-request\"").count(),
        1,
        "{html}"
    );
    assert!(html.contains("Erase Ann"));
    let attempts_before = store.attempt_count().await.unwrap();
    let (status, location) = admin
        .post_form(&format!("/admin/accounts/{}/erase", ann.0), "")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/admin/accounts?erased=1#requests")
    );

    // Ann's records and account are gone, and she is signed out.
    assert_eq!(store.attempt_count().await.unwrap(), attempts_before - 1);
    assert!(store.attempts(ann).await.unwrap().is_empty());
    assert!(store.progress(ann).await.unwrap().is_empty());
    assert!(store.self_ratings(w.org, ann).await.unwrap().is_empty());
    assert!(store.user_submissions(w.org, ann).await.unwrap().is_empty());
    assert_eq!(count_estimates(ann).await, 0);
    assert!(store.member(w.org, ann).await.is_err());
    assert!(store.credentials("ann@a.test").await.unwrap().is_none());
    assert!(signed_out(&ann_c).await);
    assert!(store.erasure_requests(w.org).await.unwrap().is_empty());
    // Today's roll-up no longer counts her; Ben's records are untouched.
    assert_eq!(people_today(&app, &w).await, 1);
    assert_eq!(store.attempts(ben).await.unwrap().len(), 1);
    assert_eq!(store.user_submissions(w.org, ben).await.unwrap().len(), 1);
    assert!(count_estimates(ben).await > 0);
    let (_, html, _) = admin.get("/admin/accounts?erased=1").await;
    assert!(!html.contains("Erase Ann"));
    assert!(html.contains("were erased"));

    // A request can be withdrawn.
    let mut ben_c = w.client("Ben");
    ben_c.post_form("/me/erasure", "confirm=yes").await;
    assert_eq!(store.erasure_requests(w.org).await.unwrap().len(), 1);
    let (_, location) = ben_c.post_form("/me/erasure/withdraw", "").await;
    assert_eq!(location.as_deref(), Some("/me/data#erasure"));
    assert!(store.erasure_requests(w.org).await.unwrap().is_empty());
    let (_, location) = admin
        .post_form(&format!("/admin/accounts/{}/erase", ben.0), "")
        .await;
    assert_eq!(location.as_deref(), Some("/admin/accounts?error=not-found"));
    assert!(
        store.member(w.org, ben).await.is_ok(),
        "no request, no erasure"
    );
}

async fn erasure_refusals(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    let ann = w.user("Ann");
    let mut ann_c = w.client("Ann");
    ann_c.post_form("/me/erasure", "confirm=yes").await;
    let erase = format!("/admin/accounts/{}/erase", ann.0);

    // Not an admin: 403. Signed out: to the login. Another organisation's admin: not found.
    let mut ben = w.client("Ben");
    assert_eq!(ben.post_form(&erase, "").await.0, StatusCode::FORBIDDEN);
    assert_eq!(ann_c.post_form(&erase, "").await.0, StatusCode::FORBIDDEN);
    let (status, location) = Client::new(&app).post_form(&erase, "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/login"));
    let mut b = app.add_org(|o| o.name("Org B").domain("b.test")).await;
    let (_, location) = b.admin.post_form(&erase, "").await;
    assert_eq!(location.as_deref(), Some("/admin/accounts?error=not-found"));
    let (status, html, _) = b.admin.get("/admin/accounts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("Ann"),
        "another organisation's requests are not shown"
    );
    assert!(app.state.store.member(w.org, ann).await.is_ok());
    assert_eq!(ben.get("/admin/accounts").await.0, StatusCode::FORBIDDEN);

    // An admin's own erasure needs another admin.
    let mut admin = w.admin.clone();
    admin.post_form("/me/erasure", "confirm=yes").await;
    let (_, location) = admin
        .post_form(&format!("/admin/accounts/{}/erase", w.admin_user.0), "")
        .await;
    assert_eq!(
        location.as_deref(),
        Some("/admin/accounts?error=own-account")
    );
}

/// The reset link shown on an admin's POST response page.
async fn issue_link(app: &TestApp, admin: &Client, user: UserId) -> String {
    let (status, res) = app
        .send(
            axum::http::Request::post(format!("/admin/accounts/{}/reset", user.0))
                .header("host", "localhost")
                .header("origin", "http://localhost")
                .header(
                    "cookie",
                    format!("levelfield_session={}", admin.cookie.clone().unwrap()),
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = crate::common::body_text(res).await;
    let at = html.find("/reset?token=").expect(&html);
    let link = &html[at..];
    link[..link.find('<').unwrap()].to_string()
}

async fn a_reset_link_sets_a_new_password_once_and_ends_every_session(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    let ann = w.user("Ann");
    let phone = browser(&app, ann, [10, 0, 0, 9], SAFARI).await;
    let link = issue_link(&app, &w.admin, ann).await;
    let token = link.trim_start_matches("/reset?token=").to_string();
    // Stored hashed: the token itself finds nothing, its hash does.
    let store = &app.state.store;
    assert_eq!(
        store.password_reset_user(&token, Utc::now()).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .password_reset_user(&hash_token(&token), Utc::now())
            .await
            .unwrap(),
        Some(ann)
    );

    // The link's page has the form; a mismatch is refused.
    let mut visitor = Client::new(&app);
    let (status, html, _) = visitor.get(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("action=\"/reset\""), "{html}");
    let new_pw = "a brand new passphrase";
    let (_, location) = visitor
        .post_form(
            "/reset",
            &format!(
                "token={token}&password={}&password_confirm=other+thing",
                enc(new_pw)
            ),
        )
        .await;
    assert!(location.unwrap().ends_with("error=mismatch"));
    let (status, location) = visitor
        .post_form(
            "/reset",
            &format!(
                "token={token}&password={}&password_confirm={}",
                enc(new_pw),
                enc(new_pw)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/reset?done=1"));
    assert_eq!(visitor.cookie, None, "the link does not sign anyone in");

    // Every session of Ann's ended; the old password fails, the new one works.
    assert!(signed_out(&phone).await);
    assert!(signed_out(&w.client("Ann")).await);
    assert_eq!(w.client("Ben").get("/me").await.0, StatusCode::OK);
    let mut c = Client::new(&app);
    let (_, location) = c.login("ann@a.test", PW).await;
    assert!(location.unwrap().contains("error=invalid-login"));
    let (_, location) = c.login("ann@a.test", new_pw).await;
    assert_eq!(location.as_deref(), Some("/me"));

    // Single use.
    let (_, html, _) = Client::new(&app).get(&link).await;
    assert!(
        html.contains("has expired or has already been used"),
        "{html}"
    );
    let (_, location) = Client::new(&app)
        .post_form(
            "/reset",
            &format!("token={token}&password=another+good+passphrase&password_confirm=another+good+passphrase"),
        )
        .await;
    assert!(location.unwrap().ends_with("error=token"));
    let (_, location) = c.login("ann@a.test", new_pw).await;
    assert_eq!(
        location.as_deref(),
        Some("/me"),
        "unchanged by the refused reuse"
    );
}

async fn reset_link_refusals(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    let ann = w.user("Ann");
    let store = &app.state.store;
    let reset = format!("/admin/accounts/{}/reset", ann.0);

    // Expired after its hour.
    let token = new_token();
    let then = Utc::now() - Duration::minutes(61);
    store
        .create_password_reset(&PasswordReset {
            token_hash: hash_token(&token),
            user: ann,
            org: w.org,
            created_by: w.admin_user,
            created_at: then,
            expires_at: then + Duration::minutes(60),
        })
        .await
        .unwrap();
    let (_, location) = Client::new(&app)
        .post_form(
            "/reset",
            &format!("token={token}&password=a+fine+new+passphrase&password_confirm=a+fine+new+passphrase"),
        )
        .await;
    assert!(location.unwrap().ends_with("error=token"));

    // A second link replaces the first.
    let first = issue_link(&app, &w.admin, ann).await;
    let second = issue_link(&app, &w.admin, ann).await;
    assert_ne!(first, second);
    let (_, html, _) = Client::new(&app).get(&first).await;
    assert!(html.contains("has expired or has already been used"));
    let (_, html, _) = Client::new(&app).get(&second).await;
    assert!(html.contains("action=\"/reset\""));

    // A bad link is refused before the password is even looked at (no hashing for it).
    let (_, location) = Client::new(&app)
        .post_form("/reset", "token=nonsense&password=x&password_confirm=y")
        .await;
    assert!(location.unwrap().ends_with("error=token"));

    // Who may issue: not a learner (403), not signed out, not another organisation's admin,
    // and not for oneself.
    let mut ben = w.client("Ben");
    assert_eq!(ben.post_form(&reset, "").await.0, StatusCode::FORBIDDEN);
    let (status, location) = Client::new(&app).post_form(&reset, "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/login"));
    let mut b = app.add_org(|o| o.name("Org B").domain("b.test")).await;
    let (status, location) = b.admin.post_form(&reset, "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/admin/accounts?error=not-found"));
    let mut admin = w.admin.clone();
    let (_, location) = admin
        .post_form(&format!("/admin/accounts/{}/reset", w.admin_user.0), "")
        .await;
    assert_eq!(
        location.as_deref(),
        Some("/admin/accounts?error=own-account")
    );
    // A manager (not an admin) cannot either.
    let m = app
        .add_person(&w, "Max", MemberRole::Manager, Some(w.team()))
        .await;
    let mut max = m.client.clone();
    assert_eq!(max.post_form(&reset, "").await.0, StatusCode::FORBIDDEN);
    // The organisation B admin's refused attempt left the valid link alone.
    let (_, html, _) = Client::new(&app).get(&second).await;
    assert!(html.contains("action=\"/reset\""));
}

async fn an_admin_signs_a_member_out_everywhere(init: TestAppBuilder) {
    let (app, w) = two_learners(init).await;
    let ann = w.user("Ann");
    let phone = browser(&app, ann, [10, 0, 0, 9], SAFARI).await;
    let end = format!("/admin/accounts/{}/sessions/end", ann.0);
    // Not a learner, not another organisation's admin, not for oneself.
    let mut ben = w.client("Ben");
    assert_eq!(ben.post_form(&end, "").await.0, StatusCode::FORBIDDEN);
    let mut b = app.add_org(|o| o.name("Org B").domain("b.test")).await;
    let (_, location) = b.admin.post_form(&end, "").await;
    assert_eq!(location.as_deref(), Some("/admin/accounts?error=not-found"));
    assert_eq!(phone.get("/me").await.0, StatusCode::OK);
    let mut admin = w.admin.clone();
    let (_, location) = admin
        .post_form(
            &format!("/admin/accounts/{}/sessions/end", w.admin_user.0),
            "",
        )
        .await;
    assert_eq!(
        location.as_deref(),
        Some("/admin/accounts?error=own-account")
    );
    // The admin signs Ann out of both her sessions; Ben stays, and Ann's password still works.
    let (_, location) = admin.post_form(&end, "").await;
    assert_eq!(
        location.as_deref(),
        Some("/admin/accounts?signed_out=2#resets")
    );
    assert!(signed_out(&phone).await);
    assert!(signed_out(&w.client("Ann")).await);
    assert_eq!(w.client("Ben").get("/me").await.0, StatusCode::OK);
    let (_, location) = Client::new(&app).login("ann@a.test", PW).await;
    assert_eq!(location.as_deref(), Some("/me"));
}
