//! People, sessions and access control through the real router: first run, login, sessions,
//! invitations, and who may see what (including guessed ids from another organisation).

use crate::common::{
    enc, invite, join, module_of, parity_app, setup_org, Client, TestApp, TestAppBuilder, World, PW,
};
use axum::http::StatusCode;
use levelfield::domain::people::MemberRole;
use levelfield::domain::progress::{AnswerRecord, NewAttempt};
use levelfield::features::account::prepare_setup;
use levelfield::server::auth::{hash_token, new_token};
use levelfield::store::SessionRecord;

/// Org A with its admin (admin@a.test), seeded through the store; each test adds what it needs.
async fn world() -> (TestApp, World) {
    TestApp::init().with_org(|o| o).await
}

/// Org B (admin@b.test) beside org A.
async fn org_b(app: &TestApp) -> World {
    app.add_org(|o| o.name("Org B").domain("b.test")).await
}

#[tokio::test]
async fn first_run_link_works_once_and_expires() {
    let app = TestApp::init().empty().await;
    let token = prepare_setup(&app.state).await.unwrap().unwrap();
    let (_, html, _) = Client::new(&app)
        .get(&format!("/setup?token={token}"))
        .await;
    assert!(html.contains("Create the first organisation"), "{html}");
    let (status, location, mut admin) = setup_org(&app, &token, "Org A", "admin@a.test").await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin"))
    );
    let (status, html, _) = admin.get("/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Org A"));
    // Used: a second try fails, and nothing is created.
    let (_, location, _) = setup_org(&app, &token, "Org Again", "x@a.test").await;
    assert!(location.unwrap().contains("error=token"));
    // Expired.
    let old = new_token();
    app.state
        .store
        .create_setup_token(
            &hash_token(&old),
            chrono::Utc::now() - chrono::Duration::minutes(1),
        )
        .await
        .unwrap();
    let (_, location, _) = setup_org(&app, &old, "Late", "late@a.test").await;
    assert!(location.unwrap().contains("error=token"));
    assert_eq!(app.state.store.organisation_count().await.unwrap(), 1);
    assert_eq!(
        prepare_setup(&app.state).await.unwrap(),
        None,
        "only on first run"
    );
    let _ = admin.post_form("/logout", "").await;
    // First run is over: a valid token left over (from an earlier start) sets up nothing.
    let t2 = new_token();
    app.state
        .store
        .create_setup_token(
            &hash_token(&t2),
            chrono::Utc::now() + chrono::Duration::minutes(5),
        )
        .await
        .unwrap();
    let (_, location, _) = setup_org(&app, &t2, "Org B", "admin@b.test").await;
    assert!(location.unwrap().contains("error=token"));
    assert_eq!(app.state.store.organisation_count().await.unwrap(), 1);
    assert!(app
        .state
        .store
        .credentials("admin@b.test")
        .await
        .unwrap()
        .is_none());
}

/// Each start before setup mints a link and revokes the earlier ones: only the newest works.
#[tokio::test]
async fn only_the_newest_first_run_link_works() {
    let app = TestApp::init().empty().await;
    let first = prepare_setup(&app.state).await.unwrap().unwrap();
    let second = prepare_setup(&app.state).await.unwrap().unwrap();
    assert_ne!(first, second);
    let (_, location, _) = setup_org(&app, &first, "Org A", "admin@a.test").await;
    assert!(location.unwrap().contains("error=token"));
    let (status, location, _) = setup_org(&app, &second, "Org A", "admin@a.test").await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin"))
    );
}

/// The admin's forms, end to end: a team, invitations into it, people joining through the link
/// with the invitation's role and team, a link that works once, and a member's roles replaced.
#[tokio::test]
async fn invitations_let_people_join_with_their_role_and_team() {
    let (app, w) = world().await;
    let mut admin = w.admin.clone();
    let (status, location) = admin.post_form("/admin/teams", "name=Alpha").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location:?}");
    let alpha = app.state.store.teams(w.org).await.unwrap()[0].id;

    let token = invite(&mut admin, "learner", Some(alpha)).await;
    let (_, html, _) = Client::new(&app).get(&format!("/join?token={token}")).await;
    assert!(
        html.contains("You are invited to Org A as learner."),
        "{html}"
    );
    let lea = join(&app, &token, "Lea Learner", "Lea@A.test").await;
    let (status, html, _) = lea.get("/me").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Lea Learner"), "{html}");
    let lea_id = app
        .state
        .store
        .credentials("lea@a.test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lea_id.org, w.org);
    let lea_member = app.state.store.member(w.org, lea_id.user).await.unwrap();
    assert_eq!(lea_member.email, "lea@a.test", "kept in lower case");
    assert_eq!(lea_member.roles, [MemberRole::Learner]);
    assert_eq!(lea_member.teams, [alpha]);
    assert!(lea_member.manages.is_empty());
    // The link works once, and an email is one account.
    let (_, location) = Client::new(&app)
        .post_form(
            "/join",
            &format!(
                "token={token}&name=Again&email=again%40a.test&password={}&password_confirm={}",
                enc(PW),
                enc(PW)
            ),
        )
        .await;
    assert!(location.unwrap().contains("error=token"));
    let token = invite(&mut admin, "learner", None).await;
    let (_, location) = Client::new(&app)
        .post_form(
            "/join",
            &format!(
                "token={token}&name=Twin&email=lea%40a.test&password={}&password_confirm={}",
                enc(PW),
                enc(PW)
            ),
        )
        .await;
    // Neutral: the page does not say that an account has that email (review A7).
    assert!(location.unwrap().contains("error=join-refused"));

    // A manager's invitation into a team: a member of it, and its manager.
    let token = invite(&mut admin, "manager", Some(alpha)).await;
    let max = join(&app, &token, "Max Manager", "max@a.test").await;
    let max_id = app
        .state
        .store
        .credentials("max@a.test")
        .await
        .unwrap()
        .unwrap()
        .user;
    let max_member = app.state.store.member(w.org, max_id).await.unwrap();
    assert!(max_member.has(MemberRole::Manager) && max_member.has(MemberRole::Learner));
    assert_eq!(
        (max_member.teams.as_slice(), max_member.manages.as_slice()),
        ([alpha].as_slice(), [alpha].as_slice())
    );
    assert_eq!(max.get(&format!("/teams/{alpha}")).await.0, StatusCode::OK);

    // The admin replaces Max's roles and teams: a manager only, of a team he is not in.
    let (_, location) = admin
        .post_form(
            &format!("/admin/members/{max_id}"),
            &format!("role=manager&manages={alpha}"),
        )
        .await;
    assert_eq!(location, Some(format!("/admin#member-{max_id}")));
    let max_member = app.state.store.member(w.org, max_id).await.unwrap();
    assert_eq!(max_member.roles, [MemberRole::Manager]);
    assert!(max_member.teams.is_empty());
    assert_eq!(max_member.manages, [alpha]);
}

#[tokio::test]
async fn passwords_are_checked_and_login_failures_say_nothing() {
    let (app, w) = world().await;
    let mut c = Client::new(&app);
    let (_, l1) = c.login("admin@a.test", "wrong password here").await;
    let (_, l2) = c.login("nobody@a.test", "wrong password here").await;
    assert_eq!(
        l1, l2,
        "same answer for a wrong password and an unknown email"
    );
    assert!(l1.unwrap().contains("error=invalid-login"));
    let (status, location) = c.login("ADMIN@a.test", PW).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me"))
    );

    // A weak password is refused at sign-up.
    let mut admin = w.admin.clone();
    let token = invite(&mut admin, "learner", None).await;
    let mut c = Client::new(&app);
    for (pw, code) in [("short", "short"), ("password123", "common")] {
        let (_, location) = c
            .post_form(
                "/join",
                &format!(
                    "token={token}&name=L&email=l%40a.test&password={pw}&password_confirm={pw}"
                ),
            )
            .await;
        assert!(location.unwrap().contains(&format!("error={code}")), "{pw}");
    }
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_slowed_not_the_user() {
    let (app, _w) = world().await;
    let mut attacker = Client::new(&app);
    attacker.ip = [203, 0, 113, 9];
    // Spraying emails (each account's own limit is not reached): the address limit stops it.
    for i in 0..10 {
        attacker
            .login(&format!("guess{i}@a.test"), "not the password")
            .await;
    }
    let (status, _) = attacker.login("admin@a.test", "not the password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The real user, from their own address, still gets in.
    let mut user = Client::new(&app);
    let (status, location) = user.login("admin@a.test", PW).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me"))
    );
}

#[tokio::test]
async fn sessions_rotate_expire_and_end() {
    let (app, w) = world().await;
    let mut c = Client::new(&app);
    c.login("admin@a.test", PW).await;
    let first = c.cookie.clone().unwrap();
    c.login("admin@a.test", PW).await;
    let second = c.cookie.clone().unwrap();
    assert_ne!(first, second, "a new session id at every login");
    let mut old = Client::new(&app);
    old.cookie = Some(first);
    assert_eq!(
        old.get("/me").await.0,
        StatusCode::FOUND,
        "the replaced session is gone"
    );
    assert_eq!(c.get("/me").await.0, StatusCode::OK);

    // Logout ends the session on the server, not just in the browser.
    let kept = c.cookie.clone();
    c.post_form("/logout", "").await;
    let mut replay = Client::new(&app);
    replay.cookie = kept;
    assert_eq!(replay.get("/me").await.0, StatusCode::FOUND);

    // Expired sessions give no access.
    let token = new_token();
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    app.state
        .store
        .create_session(&SessionRecord {
            id_hash: hash_token(&token),
            user: w.admin_user,
            created_at: past,
            last_seen_at: past,
            expires_at: past,
        })
        .await
        .unwrap();
    let mut expired = Client::new(&app);
    expired.cookie = Some(token);
    assert_eq!(expired.get("/me").await.0, StatusCode::FOUND);
}

#[tokio::test]
async fn cookie_flags_follow_tls() {
    let (app, _w) = world().await;
    let req = |proto: Option<&str>| {
        let mut b = axum::http::Request::post("/login")
            .header("host", "localhost")
            .header("origin", "http://localhost")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(p) = proto {
            b = b.header("x-forwarded-proto", p);
        }
        b.body(axum::body::Body::from(format!(
            "email=admin%40a.test&password={}",
            enc(PW)
        )))
        .unwrap()
    };
    let (_, res) = app.send(req(None)).await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let (_, res) = app.send(req(Some("https"))).await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn password_change_ends_other_sessions() {
    let (app, w) = world().await;
    let mut laptop = w.admin.clone();
    let phone = app.session_for(w.admin_user).await;
    let new = "an even longer passphrase";
    let (_, location) = laptop
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
    assert_eq!(
        laptop.get("/me").await.0,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        phone.get("/me").await.0,
        StatusCode::FOUND,
        "the other one ends"
    );
    let (_, location) = Client::new(&app).login("admin@a.test", new).await;
    assert_eq!(location.as_deref(), Some("/me"));
}

parity_app!(
    access_control_matrix,
    fifty_learners_at_once(flavor = "multi_thread", worker_threads = 4),
);

/// Org A (admin, teams A1 and A2, a learner in A1, managers of A1 and A2) and org B (admin):
/// who may see and change what, on both databases.
async fn access_control_matrix(init: TestAppBuilder) {
    let (app, w) = init
        .with_org(|o| {
            o.team("Alpha")
                .learner("Lea Learner")
                .manager("Max Manager")
                .team("Beta")
                .manager("Mia Manager")
        })
        .await;
    let app = &app;
    let mut admin_a = w.admin.clone();
    let mut admin_b = org_b(app).await.admin;
    let (org_a, a1, a2) = (w.org, w.teams[0], w.teams[1]);
    let learner = w.client("Lea Learner");
    let manager_a1 = w.client("Max Manager");
    let manager_a2 = w.client("Mia Manager");
    let anon = Client::new(app);
    let lea = w.user("Lea Learner");

    // Lea takes a quiz: her attempt is recorded (she is signed in).
    let mut lea_client = learner;
    let evaluating = module_of(app, "evaluating-models");
    let (status, _) = lea_client
        .take_quiz(
            &evaluating,
            &[("q-choose", vec![1]), ("q-leak", vec![0, 1])],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html, _) = lea_client.get("/me").await;
    assert!(html.contains("2 of 2"), "{html}");
    // An anonymous attempt is graded but stores nothing.
    let before = app.state.store.attempt_count().await.unwrap();
    let mut anon2 = Client::new(app);
    let (status, location) = anon2.take_quiz(&evaluating, &[("q-choose", vec![1])]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().contains("seed="), "graded, not refused");
    assert_eq!(app.state.store.attempt_count().await.unwrap(), before);

    use StatusCode as S;
    const LOGIN: S = S::FOUND;
    let who: [(&str, &Client); 6] = [
        ("anonymous", &anon),
        ("learner", &lea_client),
        ("manager A1", &manager_a1),
        ("manager A2", &manager_a2),
        ("admin A", &admin_a),
        ("admin B", &admin_b),
    ];
    let routes: Vec<(String, [S; 6], Option<&str>)> = vec![
        (
            "/me".into(),
            [LOGIN, S::OK, S::OK, S::OK, S::OK, S::OK],
            None,
        ),
        (
            "/admin".into(),
            [
                LOGIN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::OK,
            ],
            Some("lea@a.test"),
        ),
        (
            // Single sign-on settings and linked people: admins only, their own organisation's.
            "/admin/sso".into(),
            [
                LOGIN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::OK,
            ],
            Some("lea@a.test"),
        ),
        (
            // Item statistics: admins and authors; org A's counts Lea's one answer.
            "/author/items".into(),
            [
                LOGIN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::OK,
            ],
            Some("data-figure=\"attempts\">1<"),
        ),
        (
            format!("/teams/{a1}"),
            [
                LOGIN,
                S::FORBIDDEN,
                S::OK,
                S::FORBIDDEN,
                S::OK,
                S::NOT_FOUND,
            ],
            Some("lea@a.test"),
        ),
        (
            format!("/teams/{a2}"),
            [
                LOGIN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::OK,
                S::NOT_FOUND,
            ],
            Some("mia@a.test"),
        ),
        (
            format!("/teams/{a1}/people/{lea}"),
            [
                LOGIN,
                S::FORBIDDEN,
                S::OK,
                S::FORBIDDEN,
                S::OK,
                S::NOT_FOUND,
            ],
            Some("2 of 2"),
        ),
        (
            format!("/teams/{a2}/people/{lea}"),
            [
                LOGIN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
            None,
        ),
    ];
    for (route, expected, secret) in &routes {
        for ((name, client), want) in who.iter().zip(expected) {
            let (status, html, _) = client.get(route).await;
            assert_eq!(status, *want, "{name} GET {route}");
            if let Some(secret) = secret {
                let sees = html.contains(secret);
                assert_eq!(
                    sees,
                    status == S::OK && *name != "admin B",
                    "{name} GET {route}: sees {secret}? {sees}"
                );
            }
        }
    }

    // State changes: only org A's admin may change org A, even with guessed ids.
    let lea_id = lea.0;
    for (name, client, want) in [
        ("admin B", &mut admin_b, "not-found"),
        ("manager A1", &mut w.client("Max Manager"), ""),
    ] {
        let (status, location) = client
            .post_form(&format!("/admin/members/{lea_id}/remove"), "")
            .await;
        if want.is_empty() {
            assert_eq!(status, S::FORBIDDEN, "{name}");
        } else {
            assert!(location.unwrap().contains(want), "{name}");
        }
    }
    assert!(
        app.state.store.member(org_a, lea).await.is_ok(),
        "Lea is still there"
    );
    let (status, _) = Client::new(app)
        .post_form(&format!("/admin/members/{lea_id}/remove"), "")
        .await;
    assert_eq!(status, S::SEE_OTHER);
    assert!(app.state.store.member(org_a, lea).await.is_ok());

    // Admin B cannot invite into org A's team by guessing its id.
    let (_, location) = admin_b
        .post_form("/admin/invitations", &format!("role=learner&team={a1}"))
        .await;
    assert!(location.unwrap().contains("error=not-found"));

    // Admin A can remove Lea; her records go with her.
    let (_, location) = admin_a
        .post_form(&format!("/admin/members/{lea_id}/remove"), "")
        .await;
    assert_eq!(location.as_deref(), Some("/admin#members"));
    assert!(app.state.store.member(org_a, lea).await.is_err());
}

#[tokio::test]
async fn reading_progress_is_recorded_for_the_signed_in_learner_only() {
    let (app, w) = world().await;
    let mut anon = Client::new(&app);
    let (status, location) = anon
        .post_form("/modules/evaluating-models/progress", "reached=1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/login"));

    let mut me = w.admin;
    let (_, location) = me
        .post_form("/modules/evaluating-models/progress", "reached=1")
        .await;
    assert_eq!(
        location.as_deref(),
        Some("/modules/evaluating-models?saved=1#progress")
    );
    // Never backwards; resume where the learner got to.
    me.post_form("/modules/evaluating-models/progress", "reached=0")
        .await;
    let (_, html, _) = me.get("/me").await;
    assert!(html.contains("100% read"), "{html}");
    assert!(
        html.contains("/modules/evaluating-models#c-splits"),
        "resume link: {html}"
    );
    // The quiz, passed, completes it.
    me.take_quiz(
        &module_of(&app, "evaluating-models"),
        &[("q-choose", vec![1]), ("q-leak", vec![0, 1])],
    )
    .await;
    let (_, html, _) = me.get("/me").await;
    assert!(
        html.contains(r#"data-testid="completed""#) && html.contains("Evaluating models"),
        "{html}"
    );
}

#[tokio::test]
async fn my_skills_explains_estimates_and_recommends_with_reasons() {
    let (app, w) = world().await;
    let mut me = w.admin;
    // No evidence yet: every target is an unmeasured gap, and modules are recommended with why.
    let (status, html, _) = me.get("/me/skills?role=analyst").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("? unmeasured (target 2)"), "{html}");
    assert!(html.contains("closes Model evaluation: 0 → 2"), "{html}");
    assert!(html.contains("take first: Data basics"), "{html}");

    // Evidence moves the estimate, and each item is listed. Two right answers are too few to
    // place a level: the 95% range, 0.7 to 4.0, spans most of the scale, so the skill reads
    // unknown and its gap stays unmeasured. Completing the module is not evidence of its own.
    me.take_quiz(
        &module_of(&app, "evaluating-models"),
        &[("q-choose", vec![1]), ("q-leak", vec![0, 1])],
    )
    .await;
    let (_, html, _) = me.get("/me/skills?role=analyst").await;
    let page = html.replace("<!>", "");
    let row = &page[page.find("/skills/evaluation\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<td>unknown</td><td>0.7–4.0</td>"), "{row}");
    assert!(row.contains("? unmeasured (target 2)"), "{row}");
    assert!(
        html.contains("Answered correctly a difficulty-3 question (q-leak) in Evaluating models"),
        "{html}"
    );
    assert!(html.contains("; counts"), "{html}");
    assert!(
        !html.contains("Completed Evaluating models"),
        "a completion is not evidence: {html}"
    );

    // Anonymous visitors are sent to sign in.
    assert_eq!(
        Client::new(&app).get("/me/skills").await.0,
        StatusCode::FOUND
    );
    let (status, html, _) = Client::new(&app).get("/docs/proficiency").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("A worked example"));
}

/// 50 signed-in learners submit quiz attempts through the router at the same moment: every one
/// is graded and stored, none fails.
async fn fifty_learners_at_once(init: TestAppBuilder) {
    let learners = (0..50).map(|i| (format!("Learner {i}"), format!("l{i}@a.test")));
    let (app, w) = init.with_org(|o| o.learners(learners)).await;
    let cookies: Vec<String> = w
        .people
        .iter()
        .map(|p| p.client.cookie.clone().unwrap())
        .collect();
    let before = app.state.store.attempt_count().await.unwrap();
    let started = std::time::Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for cookie in cookies {
        let router = app.router.clone();
        set.spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/grade_quiz")
                .header("host", "localhost")
                .header("origin", "http://localhost")
                .header("content-type", "application/json")
                .header("cookie", format!("levelfield_session={cookie}"))
                .body(axum::body::Body::from(r#"{"module":"evaluating","attempt":0,"answers":[{"question":"q-choose","selected":[1]},{"question":"q-leak","selected":[0,1]}]}"#))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        });
    }
    let mut ok = 0;
    while let Some(status) = set.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
        ok += 1;
    }
    let elapsed = started.elapsed();
    assert_eq!(ok, 50);
    assert_eq!(
        app.state.store.attempt_count().await.unwrap(),
        before + 50,
        "none lost"
    );
    eprintln!("50 concurrent graded and stored attempts in {elapsed:?}");
}

#[tokio::test]
async fn team_heatmap_plan_and_safe_csv() {
    let (app, w) = TestApp::init()
        .with_org(|o| {
            o.team("Alpha")
                .learner(("=HYPERLINK(\"http://evil\")", "lea@a.test"))
                .learner("Noah Newcomer")
                .manager("Max Manager")
                .team("Beta")
                .manager("Mia Manager")
        })
        .await;
    let app = &app;
    let a1 = w.teams[0];
    let mut lea = w.client("=HYPERLINK(\"http://evil\")");
    let max = w.client("Max Manager");
    let mia = w.client("Mia Manager");
    // Lea answered eight hard evaluation questions right before (recorded directly), so with
    // the form's two her level is known (3.99); two answers alone would leave it unknown.
    let lea_id = w.person("=HYPERLINK(\"http://evil\")").user;
    app.state
        .store
        .record_attempt(&NewAttempt {
            user: lea_id,
            kind: levelfield::domain::progress::AttemptKind::Quiz,
            module: "evaluating".into(),
            score: 8,
            total: 8,
            answers: (0..8)
                .map(|i| AnswerRecord {
                    question: format!("q-earlier-{i}"),
                    skill: "evaluation".into(),
                    difficulty: 3,
                    selected: vec![0],
                    correct: true,
                })
                .collect(),
            submitted_at: chrono::Utc::now(),
            seed: None,
        })
        .await
        .unwrap();
    lea.take_quiz(
        &module_of(app, "evaluating-models"),
        &[("q-choose", vec![1]), ("q-leak", vec![0, 1])],
    )
    .await;

    let (status, html, _) = max
        .get(&format!("/teams/{a1}/skills?role=analyst&sort=gap"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-testid="heatmap""#), "{html}");
    // Noah has no evidence: unmeasured, and first when sorted by gap.
    assert!(html.contains("? / 2 unmeasured"), "{html}");
    assert!(
        html.find("Noah Newcomer").unwrap() < html.find("HYPERLINK").unwrap(),
        "largest gap first"
    );
    assert!(
        html.contains(" / 2 ✓"),
        "Lea meets the evaluation target: {html}"
    );
    assert!(
        html.contains(r#"data-testid="plan""#),
        "a training plan: {html}"
    );
    // Exposure by seed factor and challenge, with the skills that drive it named.
    assert!(
        html.contains("Factor: Talent acquisition and retention"),
        "{html}"
    );
    assert!(
        html.contains("Challenge: Inadequate training and testing"),
        "{html}"
    );
    assert!(
        html.contains("<td>Model evaluation, Data quality<"),
        "drivers named: {html}"
    );

    // The drill-down shows the evidence behind a person's estimate.
    let (status, html, _) = max
        .get(&format!("/teams/{a1}/people/{lea_id}?role=analyst"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Answered correctly a difficulty-3 question (q-leak)"),
        "{html}"
    );

    let (status, csv, _) = max
        .get(&format!("/teams/{a1}/skills.csv?role=analyst"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.starts_with("team,role,person,skill,estimate,low,high,target,gap,measured"),
        "{csv}"
    );
    assert!(csv.contains("'=HYPERLINK"), "formula defused: {csv}");
    assert!(
        !csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"),
        "{csv}"
    );
    // The learner can see who can see their data: their team's manager and the admin, by name.
    let (_, html, _) = lea.get("/me/privacy").await;
    assert!(
        html.contains("Max Manager, who manages your team Alpha."),
        "{html}"
    );
    assert!(
        html.contains("Admin, an admin of your organisation."),
        "{html}"
    );
    assert!(
        !html.contains("Mia Manager"),
        "Mia manages another team: {html}"
    );
    assert!(html.contains("groups of at least 5 people"));

    // Who may see it.
    assert_eq!(
        mia.get(&format!("/teams/{a1}/skills")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        mia.get(&format!("/teams/{a1}/skills.csv")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        lea.get(&format!("/teams/{a1}/skills.csv")).await.0,
        StatusCode::FORBIDDEN
    );
    let admin_b = org_b(app).await.admin;
    assert_eq!(
        admin_b.get(&format!("/teams/{a1}/skills")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin_b.get(&format!("/teams/{a1}/skills.csv")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        Client::new(app)
            .get(&format!("/teams/{a1}/skills.csv"))
            .await
            .0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn demo_organisation_is_populated_and_its_logins_work() {
    let app = TestApp::init().content("content").empty().await;
    let logins = levelfield::cli::demo::demo(&app.state, false)
        .await
        .unwrap();
    let roles: Vec<&str> = logins.iter().map(|l| l.role).collect();
    assert_eq!(roles, ["admin", "manager", "learner"]);
    let manager = &logins[1];
    let mut c = Client::new(&app);
    let (_, location) = c.login(&manager.email, manager.password).await;
    assert_eq!(location.as_deref(), Some("/me"));
    let org = app
        .state
        .store
        .credentials(&manager.email)
        .await
        .unwrap()
        .unwrap()
        .org;
    let team = app.state.store.teams(org).await.unwrap()[0].id;
    let (status, html, _) = c
        .get(&format!("/teams/{team}/skills?role=ml-engineer&sort=gap"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.matches("<tr>").count() >= 6,
        "a populated heatmap: {html}"
    );
    assert!(
        html.contains(" ▲") || html.contains(" ✓"),
        "measured cells: {html}"
    );
    assert!(app.state.store.attempt_count().await.unwrap() > 50);

    // The organisation roll-up: big enough groups are shown.
    let admin = &logins[0];
    let mut a = Client::new(&app);
    a.login(&admin.email, admin.password).await;
    let (status, html, _) = a.get("/org/skills?role=ml-engineer").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-testid="org-rollup""#), "{html}");
    assert!(
        !html.contains("hidden: fewer than"),
        "both demo teams have 5 or more: {html}"
    );
    assert_eq!(
        c.get("/org/skills").await.0,
        StatusCode::FORBIDDEN,
        "managers do not see the organisation"
    );
}

/// The minimum group size is the operator's setting: at 2, a team of two is shown.
#[tokio::test]
async fn the_minimum_group_size_is_configurable() {
    let (_app, w) = TestApp::init()
        .with_config(|c| c.min_group_size = 2)
        .with_org(|o| {
            o.team("Alpha")
                .target_role("analyst")
                .learners(["Ann", "Ben"])
        })
        .await;
    let (status, html, _) = w.admin.get("/org/skills").await;
    let html = html.replace("<!>", "");
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Groups of fewer than 2 people are hidden"),
        "{html}"
    );
    assert!(html.contains(r#"data-testid="org-rollup""#), "{html}");
    assert!(!html.contains("hidden: fewer than"), "{html}");
    assert!(html.contains("Alpha</th><td>2 of 2</td>"), "{html}");
}

#[tokio::test]
async fn organisation_views_hide_small_groups() {
    let (app, w) = world().await;
    let mut admin = w.admin;
    admin.post_form("/admin/teams", "name=Tiny").await;
    let (status, html, _) = admin.get("/org/skills?role=analyst").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Hidden: the organisation has fewer than 5 learners."),
        "{html}"
    );
    assert!(html.contains("hidden: fewer than 5 people"), "{html}");
    assert_eq!(
        Client::new(&app).get("/org/skills").await.0,
        StatusCode::FOUND
    );
}
