//! Throttling and the cost of unauthenticated requests, through the real router: login limits
//! per address (behind trusted proxies, IPv6 by /64) and per account, atomic under a burst;
//! `/join` and `/setup` checking their token before hashing, throttled; the bounded hashing
//! pool answering 503; the common-password list; names; the quiz-attempt limit. On both
//! databases where storage is involved (the review's §11 items 1 and 2, A6, A7, I1, Q1).

use crate::common::{enc, invite, module_of, parity_app, Client, TestApp, TestAppBuilder, PW};
use axum::http::StatusCode;
use levelfield::server::throttle::Cidr;
use std::time::Duration;

parity_app!(
    a_burst_from_one_address_gets_at_most_the_limit_of_checks(
        flavor = "multi_thread",
        worker_threads = 4
    ),
    clients_behind_a_trusted_proxy_are_throttled_apart,
    ipv6_clients_are_throttled_by_their_64,
    many_addresses_against_one_account_are_slowed,
    a_bad_token_costs_no_hash_and_join_and_setup_are_throttled,
    a_valid_link_cannot_probe_emails_freely,
    a_full_hashing_pool_answers_503_and_the_try_does_not_count,
    quiz_attempts_are_limited_per_person,
);

/// `n` futures at once, each `make(i)`, on the runtime's threads; their outputs in order.
async fn all_at_once<F, T>(n: usize, make: impl Fn(usize) -> F) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        set.spawn(make(i));
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.unwrap());
    }
    out
}

/// Review §11.1 (a): 50 concurrent bad logins from one address get at most the address limit
/// of password checks (the count is recorded before the check); 50 concurrent ones against one
/// account from 50 addresses get at most the account's free failures.
async fn a_burst_from_one_address_gets_at_most_the_limit_of_checks(init: TestAppBuilder) {
    let (app, _w) = init
        .with_config(|c| c.hash_wait = Duration::from_secs(120))
        .with_org(|o| o)
        .await;
    let limit = app.state.config.login_failures_allowed;
    let before = app.state.hashing.verifications();
    let client = Client::new(&app);
    let statuses = all_at_once(50, |i| {
        let mut c = client.clone();
        async move {
            c.login(&format!("guess{i}@a.test"), "not the password")
                .await
                .0
        }
    })
    .await;
    let checks = app.state.hashing.verifications() - before;
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        checks >= 1 && checks <= limit as u64,
        "{checks} password checks"
    );
    assert_eq!(refused as u64, 50 - checks, "{statuses:?}");

    let before = app.state.hashing.verifications();
    let free = app.state.config.login_account_free;
    let statuses = all_at_once(50, |i| {
        let mut c = client.clone();
        c.ip = [198, 51, 100, u8::try_from(i + 1).unwrap()];
        async move { c.login("admin@a.test", "not the password").await.0 }
    })
    .await;
    let checks = app.state.hashing.verifications() - before;
    assert!(
        checks >= 1 && checks <= free as u64,
        "{checks} password checks"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count() as u64,
        50 - checks
    );
}

/// Ten failed logins (to different emails, so that no account limit applies) from `c`.
async fn exhaust(c: &mut Client, tag: &str) {
    for i in 0..10 {
        let (status, location) = c
            .login(&format!("{tag}{i}@a.test"), "not the password")
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{location:?}");
    }
}

/// Review §11.1 (b): with the proxy trusted, two clients behind it are throttled separately;
/// an untrusted peer's `X-Forwarded-For` is ignored, and a client cannot escape its limit by
/// writing addresses of its own to the left of the proxy's.
async fn clients_behind_a_trusted_proxy_are_throttled_apart(init: TestAppBuilder) {
    let (app, _w) = init
        .with_config(|c| c.trusted_proxies = Cidr::parse_list("10.0.0.0/8"))
        .with_org(|o| o)
        .await;
    let behind = |addr: &str| {
        let mut c = Client::new(&app); // peer 10.0.0.1: the proxy
        c.forwarded_for = Some(addr.to_string());
        c
    };
    let mut ann = behind("203.0.113.1");
    exhaust(&mut ann, "a").await;
    assert_eq!(
        ann.login("a11@a.test", "not the password").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let mut spoofing = behind("192.0.2.77, 203.0.113.1");
    assert_eq!(
        spoofing.login("a12@a.test", "x y z w v").await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "the right-most untrusted address counts, not what the client wrote"
    );
    // Bob, behind the same proxy, is not Ann.
    let mut bob = behind("203.0.113.2");
    let (status, location) = bob.login("admin@a.test", PW).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me"))
    );

    // Not a trusted peer: its header is ignored, so forging one does not reset the limit.
    let mut direct = Client::new(&app);
    direct.ip = [192, 0, 2, 50];
    direct.forwarded_for = Some("203.0.113.9".into());
    exhaust(&mut direct, "d").await;
    direct.forwarded_for = Some("203.0.113.10".into());
    assert_eq!(
        direct.login("d11@a.test", "not the password").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// IPv6 is keyed by /64: another address of the same /64 shares its limit; another /64 does not.
async fn ipv6_clients_are_throttled_by_their_64(init: TestAppBuilder) {
    let (app, _w) = init.with_org(|o| o).await;
    let v6 = |s: &str| {
        let mut c = Client::new(&app);
        c.ip6 = Some(s.parse().unwrap());
        c
    };
    let mut first = v6("2001:db8:1:2::1");
    exhaust(&mut first, "v").await;
    let mut same_64 = v6("2001:db8:1:2:ffff:ffff:ffff:fffe");
    assert_eq!(
        same_64.login("v11@a.test", "not the password").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let mut other_64 = v6("2001:db8:1:3::1");
    assert_eq!(
        other_64.login("admin@a.test", PW).await.0,
        StatusCode::SEE_OTHER
    );
}

/// Review §11.1 (c): ten addresses against one account are slowed (exponential back-off per
/// account, the same for an email that has no account); the owner is slowed too, briefly, not
/// locked out.
async fn many_addresses_against_one_account_are_slowed(init: TestAppBuilder) {
    let (app, _w) = init
        .with_config(|c| c.login_backoff_base = Duration::from_secs(2))
        .with_org(|o| o)
        .await;
    let free = app.state.config.login_account_free as usize;
    // An email without an account first (the same limits), then the owner's.
    for email in ["nobody@a.test", "admin@a.test"] {
        let mut answers = Vec::new();
        for i in 0..10u8 {
            let mut c = Client::new(&app);
            c.ip = [198, 51, 100, 10 + i];
            answers.push(c.login(email, "not the password").await.0);
        }
        let slowed = answers
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert!(slowed >= 10 - free, "{email}: {answers:?}");
        assert!(answers[..free].iter().all(|s| *s == StatusCode::SEE_OTHER));
    }
    // The owner, from an address of their own, right away: asked to wait, and told how long.
    let mut owner = Client::new(&app);
    owner.ip = [192, 0, 2, 200];
    let body = format!("email=admin%40a.test&password={}", enc(PW));
    let (status, headers, page) = owner.post_form_raw("/login", &body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    assert!(page.contains("Too many failed attempts"), "{page}");
    assert!(
        wait <= 2,
        "the first wait after the free failures is the base, 2 s: {wait}"
    );
    // After the wait, the right password works.
    tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(100)).await;
    let (status, location) = owner.login("admin@a.test", PW).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me"))
    );
}

fn join_body(token: &str, name: &str, email: &str, pw: &str) -> String {
    format!(
        "token={token}&name={}&email={}&password={}&password_confirm={}",
        enc(name),
        enc(email),
        enc(pw),
        enc(pw)
    )
}

fn setup_body(token: &str, org: &str, email: &str) -> String {
    format!(
        "token={token}&organisation={}&name=Admin&email={}&password={}&password_confirm={}",
        enc(org),
        enc(email),
        enc(PW),
        enc(PW)
    )
}

/// Review §11.2: a bad-token `/join` (or `/setup`) performs no hash; both are throttled per
/// address; a good token still hashes once.
async fn a_bad_token_costs_no_hash_and_join_and_setup_are_throttled(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o).await;
    let hashes = || app.state.hashing.hashes();
    let mut c = Client::new(&app);
    c.ip = [192, 0, 2, 1];
    for i in 0..10 {
        let (_, location) = c
            .post_form(
                "/join",
                &join_body(&format!("bad{i}"), "Eve", "eve@x.test", PW),
            )
            .await;
        assert!(location.unwrap().contains("error=token"));
        let (_, location) = c
            .post_form(
                "/setup",
                &setup_body(&format!("bad{i}"), "Evil", "eve@x.test"),
            )
            .await;
        assert!(location.unwrap().contains("error=token"));
    }
    assert_eq!(hashes(), 0, "no password hashed for a bad token");
    for path in ["/join", "/setup"] {
        let body = if path == "/join" {
            join_body("bad", "Eve", "eve@x.test", PW)
        } else {
            setup_body("bad", "Evil", "eve@x.test")
        };
        let (status, headers, _) = c.post_form_raw(path, &body).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert!(headers.contains_key("retry-after"));
    }
    // Another address is not throttled, and a good link hashes once.
    let mut admin = w.admin.clone();
    let token = invite(&mut admin, "learner", None).await;
    let mut lea = Client::new(&app);
    lea.ip = [192, 0, 2, 2];
    let (_, location) = lea
        .post_form("/join", &join_body(&token, "Lea", "lea@a.test", PW))
        .await;
    assert_eq!(location.as_deref(), Some("/me"));
    assert_eq!(hashes(), 1);
}

/// A7: a valid link cannot probe which emails have accounts at will: a taken email gets the
/// same neutral sentence as one the invitation is not for, and failures on one link are
/// throttled whatever the address.
async fn a_valid_link_cannot_probe_emails_freely(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o.learner("Ann")).await;
    let mut admin = w.admin.clone();
    let token = invite(&mut admin, "learner", None).await;
    let allowed = app.state.config.join_failures_allowed;
    for i in 0..allowed {
        let mut c = Client::new(&app);
        c.ip = [198, 51, 100, u8::try_from(i + 1).unwrap()];
        let (_, location) = c
            .post_form("/join", &join_body(&token, "Probe", "ann@a.test", PW))
            .await;
        let location = location.unwrap();
        assert!(location.contains("error=join-refused"), "{location}");
        assert!(!location.contains("email-taken"));
    }
    let mut c = Client::new(&app);
    c.ip = [198, 51, 100, 200];
    let (status, _, _) = c
        .post_form_raw("/join", &join_body(&token, "Probe", "ben@a.test", PW))
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the link is throttled"
    );
    // The page says it in words.
    let (_, html, _) = Client::new(&app)
        .get(&format!("/join?token={token}&error=join-refused"))
        .await;
    assert!(
        html.contains("This invitation cannot be used with that email address."),
        "{html}"
    );
}

/// §11.2: a global bound on password hashing. With every slot taken, a login answers 503 with
/// `Retry-After` (and that try does not count against anyone); once a slot is free, it works.
async fn a_full_hashing_pool_answers_503_and_the_try_does_not_count(init: TestAppBuilder) {
    let (app, w) = init
        .with_config(|c| {
            c.hash_concurrency = 1;
            c.hash_wait = Duration::from_millis(50);
        })
        .with_org(|o| o)
        .await;
    let held = app.state.hashing.slot().await.unwrap();
    let mut c = Client::new(&app);
    let body = format!("email=admin%40a.test&password={}", enc(PW));
    for _ in 0..12 {
        let (status, headers, page) = c.post_form_raw("/login", &body).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers["retry-after"], "5");
        assert!(page.contains("busy"), "{page}");
    }
    let mut admin = w.admin.clone();
    let token = invite(&mut admin, "learner", None).await;
    let (status, _, _) = c
        .post_form_raw("/join", &join_body(&token, "Lea", "lea@a.test", PW))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    drop(held);
    // Twelve refused tries from this address and on this account counted for nothing.
    let (status, location) = c.login("admin@a.test", PW).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me"))
    );
    let (_, location) = c
        .post_form("/join", &join_body(&token, "Lea", "lea@a.test", PW))
        .await;
    assert_eq!(location.as_deref(), Some("/me"), "the link was not used up");
}

/// Q1: a person's recorded quiz attempts are limited per hour, with a sentence saying so, on
/// the form path (429 page) and the island's path (429 JSON).
async fn quiz_attempts_are_limited_per_person(init: TestAppBuilder) {
    let (app, w) = init
        .content("tests/fixtures/bank")
        .with_config(|c| c.quiz_attempts_per_hour = 2)
        .with_org(|o| o.learners(["Ann", "Ben"]))
        .await;
    let m = module_of(&app, "always");
    let picks = [("q-a1", vec![1]), ("q-a2", vec![0])];
    let mut ann = w.client("Ann");
    for n in 0..2 {
        let (status, location) = ann.take_quiz(&m, &picks).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            location,
            Some(format!("/modules/always?attempt={n}#quiz-result"))
        );
    }
    let page = ann.quiz_page("always").await;
    let (status, headers, html) = ann
        .post_form_raw("/modules/always/quiz", &page.form(&m, &picks))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3000..=3600).contains(&wait), "{wait}");
    assert!(html.contains("a lot of quiz attempts"), "{html}");
    let (status, body) = ann
        .post_json("/api/grade_quiz", &page.json(&m, &picks))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("a lot of quiz attempts"), "{body}");
    assert_eq!(
        app.state.store.attempts(w.user("Ann")).await.unwrap().len(),
        2
    );
    // Ben has his own count.
    let mut ben = w.client("Ben");
    assert_eq!(ben.take_quiz(&m, &picks).await.0, StatusCode::SEE_OTHER);
}

/// A6: the common-password list refuses its entries at setup, joining and password change.
#[tokio::test]
async fn common_passwords_are_refused_everywhere_a_password_is_chosen() {
    let (app, w) = TestApp::init().with_org(|o| o.learner("Ann")).await;
    let mut admin = w.admin.clone();
    let token = invite(&mut admin, "learner", None).await;
    let mut c = Client::new(&app);
    let (_, location) = c
        .post_form(
            "/join",
            &join_body(&token, "Lea", "lea@a.test", "iloveyou1"),
        )
        .await;
    assert!(location.unwrap().contains("error=common"));
    let mut ann = w.client("Ann");
    let (_, location) = ann
        .post_form(
            "/account/password",
            &format!(
                "current_password={}&password=Baseball1&password_confirm=Baseball1",
                enc(PW)
            ),
        )
        .await;
    assert_eq!(location.as_deref(), Some("/account?error=common"));
    let fresh = TestApp::init().empty().await;
    let token = levelfield::features::account::prepare_setup(&fresh.state)
        .await
        .unwrap()
        .unwrap();
    let body = format!(
        "token={token}&organisation=Org&name=Admin&email=a%40a.test&password=qwertyuiop&password_confirm=qwertyuiop"
    );
    let (_, location) = Client::new(&fresh).post_form("/setup", &body).await;
    assert!(location.unwrap().contains("error=common"));
    assert_eq!(fresh.state.hashing.hashes(), 0);
}

/// I1: names are capped and refuse control and text-direction characters, each error naming
/// its field: a person's name, a team's, an organisation's.
#[tokio::test]
async fn names_are_capped_and_refuse_control_and_direction_characters() {
    let (app, w) = TestApp::init().with_org(|o| o).await;
    let mut admin = w.admin.clone();
    let token = invite(&mut admin, "learner", None).await;
    let mut c = Client::new(&app);
    for bad in ["Eve\u{202E}nimda", "Eve\tAdmin", "Eve\u{2066}x\u{2069}"] {
        let (_, location) = c
            .post_form("/join", &join_body(&token, bad, "eve@a.test", PW))
            .await;
        assert!(location.unwrap().contains("error=name"), "{bad:?}");
    }
    let long = "x".repeat(121);
    let (_, location) = c
        .post_form("/join", &join_body(&token, &long, "eve@a.test", PW))
        .await;
    assert!(location.unwrap().contains("error=name"));
    let (_, html, _) = c.get(&format!("/join?token={token}&error=name")).await;
    assert!(
        html.contains("Your name: use at most 120 characters"),
        "{html}"
    );
    let (_, location) = c
        .post_form(
            "/join",
            &join_body(&token, &"ë".repeat(120), "eve@a.test", PW),
        )
        .await;
    assert_eq!(location.as_deref(), Some("/me"), "120 characters are fine");

    for bad in ["Alpha\u{202E}", &"t".repeat(81), "Al\u{0}pha"] {
        let (_, location) = admin
            .post_form("/admin/teams", &format!("name={}", enc(bad)))
            .await;
        assert_eq!(
            location.as_deref(),
            Some("/admin?error=team-name"),
            "{bad:?}"
        );
    }
    assert!(app.state.store.teams(w.org).await.unwrap().is_empty());
    let (_, location) = admin
        .post_form("/admin/teams", &format!("name={}", enc(&"t".repeat(80))))
        .await;
    assert_eq!(location.as_deref(), Some("/admin#teams"));

    let fresh = TestApp::init().empty().await;
    let token = levelfield::features::account::prepare_setup(&fresh.state)
        .await
        .unwrap()
        .unwrap();
    for bad in [long.as_str(), "Org\u{202E}"] {
        let (_, location) = Client::new(&fresh)
            .post_form("/setup", &setup_body(&token, bad, "a@a.test"))
            .await;
        assert!(location.unwrap().contains("error=org-name"), "{bad:?}");
    }
    assert_eq!(fresh.state.store.organisation_count().await.unwrap(), 0);
}
