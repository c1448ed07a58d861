//! Single sign-on against a real OpenID provider: npm `oidc-provider` (tests/oidc-provider,
//! installed by `scripts/setup.sh --test`), started on a free 127.0.0.1 port per test. The whole
//! code flow runs through the real router: the app's redirects and the provider's are followed
//! by hand with a cookie-aware browser (the app in-process, the provider over HTTP), on SQLite
//! and PostgreSQL.
//!
//! Misbehaviour is the provider's own, switched on through its test controls: it re-signs the ID
//! token with its real key after changing one claim (a wrong `aud`, `iss`, `nonce`, or an `exp`
//! in the past), signs with a key it never publishes (as a forger would), or rotates its
//! signing key.

use crate::common::{body_text, enc, parity_app, Client, TestApp, TestAppBuilder, PW};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use levelfield::store::AuditEvent;
use openidconnect::reqwest;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use tower::ServiceExt;

const CLIENT_ID: &str = "levelfield-test";
const CLIENT_SECRET: &str = "a test client secret";
const APP: &str = "http://localhost";

/// The provider, running; killed when dropped.
pub struct Provider {
    child: Child,
    pub issuer: String,
    http: reqwest::Client,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    /// Starts the provider with one client (this app at `http://localhost`) and `accounts`.
    pub fn start(accounts: Value) -> Provider {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test OpenID provider is not installed: run scripts/setup.sh --test"
        );
        let clients = json!([{
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [format!("{APP}/login/sso/callback")],
            "post_logout_redirect_uris": [format!("{APP}/")],
        }]);
        let mut child = Command::new("node")
            .arg("server.mjs")
            .args(["--port", "0"])
            .args(["--clients", &clients.to_string()])
            .args(["--accounts", &accounts.to_string()])
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (the test OpenID provider) starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the provider says where it listens");
        let issuer = line
            .split_whitespace()
            .nth(2)
            .unwrap_or_else(|| panic!("unexpected first line from the provider: {line:?}"))
            .to_string();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Provider {
            child,
            issuer,
            http,
        }
    }

    /// A test control (see tests/oidc-provider/server.mjs); returns its JSON answer.
    pub async fn control(&self, what: &str, body: Value) -> Value {
        let res = self
            .http
            .post(format!("{}/__admin/{what}", self.issuer))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "control {what}: {}",
            res.status()
        );
        serde_json::from_str(&res.text().await.unwrap()).unwrap()
    }

    async fn jwks_requests(&self) -> u64 {
        self.control("stats", json!({})).await["jwks_requests"]
            .as_u64()
            .unwrap()
    }
}

/// The accounts every test's provider knows.
fn accounts() -> Value {
    json!({
        "sub-newbie": {"email": "newbie@a.test", "name": "Nora Newbie", "groups": ["engineering", "other"]},
        "sub-ann": {"email": "ann@a.test", "name": "Ann Provider"},
        "sub-stranger": {"email": "stranger@elsewhere.test", "name": "Stan Stranger"},
    })
}

/// What the browser ended with after a sign-in attempt: the app's last answer.
pub struct Landed {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    /// The callback address the provider sent the browser to.
    pub callback: String,
}

/// A browser: cookies for the app (in-process) and for the provider (over HTTP).
#[derive(Clone)]
pub struct Browser {
    router: axum::Router,
    app_jar: HashMap<String, String>,
    idp_jar: HashMap<String, String>,
    http: reqwest::Client,
}

fn adopt(jar: &mut HashMap<String, String>, set_cookies: Vec<String>) {
    for set in set_cookies {
        let first = set.split(';').next().unwrap_or_default();
        let Some((name, value)) = first.split_once('=') else {
            continue;
        };
        let cleared = value.is_empty()
            || set
                .split(';')
                .any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
        if cleared {
            jar.remove(name.trim());
        } else {
            jar.insert(name.trim().to_string(), value.to_string());
        }
    }
}

fn cookie_line(jar: &HashMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            router: app.router.clone(),
            app_jar: HashMap::new(),
            idp_jar: HashMap::new(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// The session cookie, if signed in.
    pub fn session(&self) -> Option<&String> {
        self.app_jar.get("levelfield_session")
    }

    /// A request to the app; returns status, Location and body, adopting cookies.
    pub async fn app(
        &mut self,
        method: &str,
        uri: &str,
        form: Option<&str>,
    ) -> (StatusCode, Option<String>, String) {
        let uri = uri.strip_prefix(APP).unwrap_or(uri);
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header("host", "localhost");
        if !self.app_jar.is_empty() {
            b = b.header("cookie", cookie_line(&self.app_jar));
        }
        if form.is_some() {
            b = b
                .header("origin", APP)
                .header("content-type", "application/x-www-form-urlencoded");
        }
        let mut req = b
            .body(Body::from(form.unwrap_or_default().to_string()))
            .unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [10, 0, 0, 9],
                40000,
            ))));
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let set: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        adopt(&mut self.app_jar, set);
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        (status, location, body_text(res).await)
    }

    /// A request to the provider; returns status, absolute Location and body.
    async fn idp(
        &mut self,
        method: &str,
        url: &str,
        form: Option<&str>,
    ) -> (u16, Option<String>, String) {
        let mut req = match method {
            "POST" => self
                .http
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form.unwrap_or_default().to_string()),
            _ => self.http.get(url),
        };
        if !self.idp_jar.is_empty() {
            req = req.header("cookie", cookie_line(&self.idp_jar));
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let set: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        adopt(&mut self.idp_jar, set);
        let base = res.url().clone();
        let location = res
            .headers()
            .get("location")
            .map(|l| base.join(l.to_str().unwrap()).unwrap().to_string());
        (status, location, res.text().await.unwrap())
    }

    /// Starts a sign-in for organisation `org` at the app and follows the provider until it
    /// sends the browser back; signs in to the provider as `account`. Returns the callback
    /// address (not yet visited).
    pub async fn through_provider(&mut self, org: i64, account: &str) -> String {
        let (status, location, body) = self
            .app(
                "GET",
                &format!("/login/sso/start?org={org}&next=%2Fme"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "start: {body}");
        let mut next = location.expect("start redirects to the provider");
        for _ in 0..12 {
            if next.starts_with(APP) {
                return next;
            }
            let (status, location, body) = self.idp("GET", &next, None).await;
            match location {
                Some(to) => next = to,
                None if status == 200 && body.contains("/login\"") => {
                    let action = body
                        .split("action=\"")
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .expect("the provider's sign-in form");
                    let url = reqwest::Url::parse(&next).unwrap().join(action).unwrap();
                    let (_, location, body) = self
                        .idp(
                            "POST",
                            url.as_str(),
                            Some(&format!("login={}", enc(account))),
                        )
                        .await;
                    next = location.unwrap_or_else(|| panic!("provider sign-in: {body}"));
                }
                None => panic!("the provider answered {status} at {next}: {body}"),
            }
        }
        panic!("too many redirects at the provider")
    }

    /// A whole sign-in: to the provider and back to the callback.
    pub async fn sign_in(&mut self, org: i64, account: &str) -> Landed {
        let callback = self.through_provider(org, account).await;
        let (status, location, body) = self.app("GET", &callback, None).await;
        Landed {
            status,
            location,
            body,
            callback,
        }
    }
}

/// Switches single sign-on on for `admin`'s organisation through the admin form.
async fn configure(admin: &mut Client, provider: &Provider, mandatory: bool) {
    let mut form = format!(
        "issuer={}&client_id={}&client_secret={}&email_domains={}&match_claim=sub&default_role=learner&groups_claim=groups&group_teams={}&enabled=1",
        enc(&provider.issuer),
        enc(CLIENT_ID),
        enc(CLIENT_SECRET),
        enc("a.test"),
        enc("engineering=Alpha"),
    );
    if mandatory {
        form.push_str("&mandatory=1");
    }
    let (status, location) = admin.post_form("/admin/sso", &form).await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/admin/sso?done=saved#settings")
        )
    );
}

async fn actions(app: &TestApp, org: levelfield::domain::people::OrgId) -> Vec<AuditEvent> {
    let mut events = app.state.store.audit_events(org, 0, 200).await.unwrap();
    events.reverse();
    events
}

fn keys(events: &[AuditEvent]) -> Vec<&str> {
    events.iter().map(|e| e.action.as_str()).collect()
}

/// A refusal: a page (not a redirect), saying `says`, with no internals.
fn refused(landed: &Landed, status: StatusCode, says: &str) {
    assert_eq!(landed.status, status, "{}", landed.body);
    assert!(
        landed.body.contains(says),
        "expected {says:?} in {}",
        landed.body
    );
    for leak in [
        "panicked",
        "stack backtrace",
        "src/",
        "ClaimsVerificationError",
        "sqlx",
    ] {
        assert!(!landed.body.contains(leak), "{leak} in {}", landed.body);
    }
    assert!(landed.location.is_none());
}

async fn world(init: TestAppBuilder) -> (TestApp, crate::common::World, Provider) {
    let provider = Provider::start(accounts());
    let (app, mut w) = init.with_org(|o| o.team("Alpha").learner("Ann")).await;
    configure(&mut w.admin, &provider, false).await;
    (app, w, provider)
}

async fn first_sign_in_creates_the_member(init: TestAppBuilder) {
    let (app, w, provider) = world(init).await;
    // The login page offers the organisation's sign-in for an email of its domain.
    let mut b = Browser::new(&app);
    let (status, _, html) = b.app("GET", "/login?email=newbie%40a.test", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sign in with Org A"), "{html}");
    assert!(
        html.contains(&format!("/login/sso/start?org={}&", w.org.0)),
        "{html}"
    );
    assert!(html.contains("email=newbie%40a%2Etest"), "{html}");
    let (_, _, html) = b
        .app("GET", "/login?email=someone%40nowhere.test", None)
        .await;
    assert!(!html.contains("Sign in with Org A"));

    let landed = b.sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(
        (landed.status, landed.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me")),
        "{}",
        landed.body
    );
    assert!(b.session().is_some());
    let (status, _, html) = b.app("GET", "/me", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nora Newbie"), "{html}");
    // A learner, in the team the "engineering" group maps to, linked to (issuer, sub).
    let identity = app
        .state
        .store
        .sso_identity(&provider.issuer, "sub-newbie")
        .await
        .unwrap()
        .expect("identity linked");
    let member = app.state.store.member(w.org, identity.user).await.unwrap();
    assert_eq!(member.email, "newbie@a.test");
    assert_eq!(
        member.roles,
        vec![levelfield::domain::people::MemberRole::Learner]
    );
    assert_eq!(member.teams, vec![w.team()]);
    // No password works for an account made by single sign-on.
    let mut local = Client::new(&app);
    let (_, location) = local.login("newbie@a.test", PW).await;
    assert!(location.unwrap().contains("error=invalid-login"));
    let (_, location) = local.login("newbie@a.test", "!sso-only").await;
    assert!(location.unwrap().contains("error=invalid-login"));
    // The second sign-in finds the identity: the same member, the name refreshed.
    provider
        .control(
            "accounts",
            json!({"sub-newbie": {"email": "newbie@a.test", "name": "Nora Renamed", "groups": []}}),
        )
        .await;
    let mut again = Browser::new(&app);
    let landed = again.sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(landed.location.as_deref(), Some("/me"), "{}", landed.body);
    let member = app.state.store.member(w.org, identity.user).await.unwrap();
    assert_eq!(member.name, "Nora Renamed");
    let events = actions(&app, w.org).await;
    assert_eq!(
        keys(&events),
        [
            "sso.config_changed",
            "sso.member_created",
            "sso.login",
            "login.failed",
            "login.failed",
            "sso.login"
        ]
    );
    assert!(events[1]
        .detail
        .as_deref()
        .unwrap()
        .contains("roles learner"));
}

async fn a_bad_or_replayed_state_is_refused(init: TestAppBuilder) {
    let (app, w, _provider) = world(init).await;
    // A state nobody started.
    let mut b = Browser::new(&app);
    let (status, location, body) = b
        .app("GET", "/login/sso/callback?code=abc&state=forged", None)
        .await;
    let landed = Landed {
        status,
        location,
        body,
        callback: String::new(),
    };
    refused(
        &landed,
        StatusCode::BAD_REQUEST,
        "This sign-in link is not valid any more",
    );
    // A real sign-in, then its callback replayed (same state, code and nonce): refused.
    let landed = b.sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(landed.location.as_deref(), Some("/me"), "{}", landed.body);
    let (status, location, body) = b.app("GET", &landed.callback, None).await;
    refused(
        &Landed {
            status,
            location,
            body,
            callback: String::new(),
        },
        StatusCode::BAD_REQUEST,
        "already used",
    );
    // A callback delivered to another browser than the one that started it.
    let mut starter = Browser::new(&app);
    let callback = starter.through_provider(w.org.0, "sub-newbie").await;
    let mut other = Browser::new(&app);
    let (status, location, body) = other.app("GET", &callback, None).await;
    refused(
        &Landed {
            status,
            location,
            body,
            callback,
        },
        StatusCode::BAD_REQUEST,
        "started in another browser",
    );
    assert!(other.session().is_none());
    // A state that names no sign-in names no organisation either: those refusals are logged and
    // audited without one; the other browser's names the organisation.
    let events = actions(&app, w.org).await;
    let refusals: Vec<&str> = events
        .iter()
        .filter(|e| e.action == "sso.refused")
        .filter_map(|e| e.detail.as_deref())
        .collect();
    assert_eq!(refusals, ["other-browser"]);
}

/// Signs in with the provider re-signing the ID token after changing `claims`; the sign-in must
/// be refused with `says`, and the audit log names `reason`.
async fn tampered(init: TestAppBuilder, claims: Value, says: &str, reason: &str) {
    let (app, w, provider) = world(init).await;
    provider
        .control("tamper", json!({ "claims": claims }))
        .await;
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-newbie").await;
    refused(&landed, StatusCode::BAD_REQUEST, says);
    assert!(b.session().is_none());
    assert!(app
        .state
        .store
        .sso_identity(&provider.issuer, "sub-newbie")
        .await
        .unwrap()
        .is_none());
    let events = actions(&app, w.org).await;
    let last = events.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.detail.as_deref()),
        ("sso.refused", Some(reason))
    );
}

async fn a_wrong_nonce_is_refused(init: TestAppBuilder) {
    tampered(
        init,
        json!({"nonce": "a-nonce-from-another-sign-in"}),
        "does not belong to this sign-in",
        "wrong-nonce",
    )
    .await;
}

async fn an_expired_id_token_is_refused(init: TestAppBuilder) {
    let now = chrono::Utc::now().timestamp();
    tampered(
        init,
        json!({"iat": now - 1200, "exp": now - 600}),
        "had already expired",
        "expired-token",
    )
    .await;
}

async fn a_token_for_another_audience_is_refused(init: TestAppBuilder) {
    tampered(
        init,
        json!({"aud": "another-application"}),
        "meant for another application",
        "wrong-audience",
    )
    .await;
}

async fn a_token_from_another_issuer_is_refused(init: TestAppBuilder) {
    tampered(
        init,
        json!({"iss": "https://login.example.invalid/other-tenant/v2.0"}),
        "other than your organisation",
        "wrong-issuer",
    )
    .await;
}

async fn an_id_token_signed_by_an_unknown_key_is_refused(init: TestAppBuilder) {
    let (app, w, provider) = world(init).await;
    provider.control("rogue-key", json!({"on": true})).await;
    let before = provider.jwks_requests().await;
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-newbie").await;
    refused(
        &landed,
        StatusCode::BAD_REQUEST,
        "a key your identity provider does not publish",
    );
    // The app looked the keys up again before refusing.
    assert_eq!(provider.jwks_requests().await, before + 1);
    let events = actions(&app, w.org).await;
    assert_eq!(
        events.last().unwrap().detail.as_deref(),
        Some("unknown-key")
    );
}

async fn a_rotated_key_is_picked_up(init: TestAppBuilder) {
    let (app, w, provider) = world(init).await;
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(landed.location.as_deref(), Some("/me"));
    let before = provider.jwks_requests().await;
    let old_kid = provider.control("stats", json!({})).await["kid"].clone();
    let rotated = provider.control("rotate", json!({})).await;
    assert_ne!(rotated["kid"], old_kid);
    // Signed with the new key, which the app's cached key set does not have yet.
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(landed.location.as_deref(), Some("/me"), "{}", landed.body);
    assert_eq!(
        provider.jwks_requests().await,
        before + 1,
        "fetched the keys once more"
    );
    // And the next sign-in uses the refreshed cache.
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(landed.location.as_deref(), Some("/me"));
    assert_eq!(provider.jwks_requests().await, before + 1);
}

async fn an_existing_account_is_linked_only_with_its_password(init: TestAppBuilder) {
    let (app, w, provider) = world(init).await;
    let ann = w.user("Ann");
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-ann").await;
    // Not signed in: sent to prove the local password.
    assert_eq!(
        landed.location.as_deref(),
        Some("/login/sso/link"),
        "{}",
        landed.body
    );
    assert!(b.session().is_none());
    let (status, _, html) = b.app("GET", "/login/sso/link", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("ann@a.test") && html.contains("Org A already has an account"),
        "{html}"
    );
    // Without the link cookie (another browser), the page has nothing to link.
    let (_, _, html) = Browser::new(&app).app("GET", "/login/sso/link", None).await;
    assert!(html.contains("expired or was already used"), "{html}");
    let (status, location, _) = b
        .app("POST", "/login/sso/link", Some("password=not+the+password"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/login/sso/link?error=wrong-password")
    );
    assert!(b.session().is_none());
    assert!(app
        .state
        .store
        .sso_identity(&provider.issuer, "sub-ann")
        .await
        .unwrap()
        .is_none());
    let (status, location, _) = b
        .app(
            "POST",
            "/login/sso/link",
            Some(&format!("password={}", enc(PW))),
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me"))
    );
    assert!(b.session().is_some());
    let identity = app
        .state
        .store
        .sso_identity(&provider.issuer, "sub-ann")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(identity.user, ann);
    // The link works once.
    let (_, location, _) = b
        .app(
            "POST",
            "/login/sso/link",
            Some(&format!("password={}", enc(PW))),
        )
        .await;
    assert_eq!(location.as_deref(), Some("/login/sso/link?error=sso-link"));
    // From now on the provider signs Ann straight in (and refreshes her name).
    let mut later = Browser::new(&app);
    let landed = later.sign_in(w.org.0, "sub-ann").await;
    assert_eq!(landed.location.as_deref(), Some("/me"));
    assert_eq!(
        app.state.store.member(w.org, ann).await.unwrap().name,
        "Ann Provider"
    );
    let events = actions(&app, w.org).await;
    assert_eq!(
        keys(&events),
        [
            "sso.config_changed",
            "sso.refused",
            "sso.linked",
            "sso.login",
            "sso.login"
        ]
    );
    assert_eq!(events[1].detail.as_deref(), Some("link: wrong password"));
}

async fn an_admin_links_a_member(init: TestAppBuilder) {
    let (app, mut w, provider) = world(init).await;
    let ann = w.user("Ann");
    let (status, location) = w
        .admin
        .post_form(&format!("/admin/members/{}/sso", ann.0), "subject=sub-ann")
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/admin/sso?done=linked#members")
        )
    );
    let (_, html, _) = w.admin.get("/admin/sso").await;
    assert!(html.contains("sub-ann"), "{html}");
    // The learner cannot link anyone.
    let mut learner = w.client("Ann");
    let (status, _) = learner
        .post_form(&format!("/admin/members/{}/sso", ann.0), "subject=x")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-ann").await;
    assert_eq!(landed.location.as_deref(), Some("/me"), "{}", landed.body);
    assert!(keys(&actions(&app, w.org).await).contains(&"sso.linked_by_admin"));
    let _ = provider;
}

async fn mandatory_sso_refuses_passwords_except_admins(init: TestAppBuilder) {
    let provider = Provider::start(accounts());
    let (app, mut w) = init.with_org(|o| o.team("Alpha").learner("Ann")).await;
    configure(&mut w.admin, &provider, true).await;
    let (_, html, _) = Client::new(&app).get("/login?email=ann%40a.test").await;
    assert!(html.contains("Org A requires single sign-on"), "{html}");
    let mut ann = Client::new(&app);
    let (status, location) = ann.login("ann@a.test", PW).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().contains("error=sso-required"));
    assert!(ann.cookie.is_none());
    // The admin's break-glass password still works.
    let mut admin = Client::new(&app);
    let (_, location) = admin.login("admin@a.test", PW).await;
    assert_eq!(location.as_deref(), Some("/me"));
    let events = actions(&app, w.org).await;
    let refusal = events.iter().find(|e| e.action == "login.failed").unwrap();
    assert_eq!(
        refusal.detail.as_deref(),
        Some("single sign-on is mandatory")
    );
}

async fn sign_out_ends_the_provider_session_too(init: TestAppBuilder) {
    let (app, w, provider) = world(init).await;
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(landed.location.as_deref(), Some("/me"));
    let (status, _, page) = b.app("POST", "/logout", Some("")).await;
    // A page sending the browser on (a redirect would be stopped by `form-action 'self'`).
    assert_eq!(status, StatusCode::OK, "{page}");
    let href = page
        .split("id=\"provider-sign-out\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a link to the provider's sign-out")
        .replace("&amp;", "&");
    assert!(page.contains("http-equiv=\"refresh\""), "{page}");
    let to = reqwest::Url::parse(&href).unwrap();
    assert_eq!(
        to.as_str().split('?').next().unwrap(),
        format!("{}/session/end", provider.issuer)
    );
    let q: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert!(q["id_token_hint"].split('.').count() == 3, "{q:?}");
    assert_eq!(q["post_logout_redirect_uri"], format!("{APP}/"));
    assert_eq!(q["client_id"], CLIENT_ID);
    assert!(b.session().is_none());
    // The provider accepts it (its confirmation page).
    let (status, _, body) = b.idp("GET", to.as_str(), None).await;
    assert_eq!(status, 200, "{body}");
    // A password session signs out locally only.
    let mut admin = Client::new(&app);
    admin.login("admin@a.test", PW).await;
    let (_, location) = admin.post_form("/logout", "").await;
    assert_eq!(location.as_deref(), Some("/"));
}

async fn other_domains_and_suspended_members_are_refused(init: TestAppBuilder) {
    let (app, w, provider) = world(init).await;
    let mut b = Browser::new(&app);
    let landed = b.sign_in(w.org.0, "sub-stranger").await;
    refused(&landed, StatusCode::FORBIDDEN, "not in one of the domains");
    // A member suspended by provisioning cannot sign in.
    let landed = Browser::new(&app).sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(landed.location.as_deref(), Some("/me"));
    let user = app
        .state
        .store
        .sso_identity(&provider.issuer, "sub-newbie")
        .await
        .unwrap()
        .unwrap()
        .user;
    suspend(&app, user).await;
    let landed = Browser::new(&app).sign_in(w.org.0, "sub-newbie").await;
    refused(&landed, StatusCode::FORBIDDEN, "Your account is suspended");
    let events = actions(&app, w.org).await;
    let refusals: Vec<&str> = events
        .iter()
        .filter(|e| e.action == "sso.refused")
        .filter_map(|e| e.detail.as_deref())
        .collect();
    assert_eq!(refusals, ["domain-not-allowed", "suspended"]);
}

async fn a_provisioned_member_is_matched_by_external_id(init: TestAppBuilder) {
    let (app, w, provider) = world(init).await;
    let ann = w.user("Ann");
    // As SCIM provisioning leaves her: an external id equal to her provider subject, and an
    // email the provider does not use.
    set_external_id(&app, ann, "sub-newbie").await;
    let landed = Browser::new(&app).sign_in(w.org.0, "sub-newbie").await;
    assert_eq!(landed.location.as_deref(), Some("/me"), "{}", landed.body);
    let identity = app
        .state
        .store
        .sso_identity(&provider.issuer, "sub-newbie")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(identity.user, ann, "the same account, not a duplicate");
    assert_eq!(app.state.store.members(w.org).await.unwrap().len(), 2);
}

/// Runs `sql` with the user id bound as `$1` on the app's database (what SCIM provisioning
/// does; its store methods live on another branch).
async fn raw(app: &TestApp, sql: &str, user: levelfield::domain::people::UserId) {
    let url = app.state.config.database_url.clone();
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query(sql).bind(user.0).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(sql).bind(user.0).execute(&pool).await.unwrap();
    }
}

async fn suspend(app: &TestApp, user: levelfield::domain::people::UserId) {
    let url = app.state.config.database_url.clone();
    let sql = if url.starts_with("sqlite") {
        "UPDATE memberships SET suspended_at = '2030-01-01T00:00:00.000000Z' WHERE user_id = $1"
    } else {
        "UPDATE memberships SET suspended_at = now() WHERE user_id = $1"
    };
    raw(app, sql, user).await;
}

async fn set_external_id(app: &TestApp, user: levelfield::domain::people::UserId, id: &str) {
    let sql = format!("UPDATE memberships SET external_id = '{id}' WHERE user_id = $1");
    raw(app, &sql, user).await;
}

async fn the_settings_page_checks_the_issuer_and_keeps_the_secret(init: TestAppBuilder) {
    let (app, mut w, provider) = world(init).await;
    let (status, html, _) = w.admin.get("/admin/sso").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("http://localhost/login/sso/callback"),
        "{html}"
    );
    assert!(!html.contains(CLIENT_SECRET), "the secret is never shown");
    // An issuer with no discovery document: refused, naming the field; nothing changes.
    let bad = format!(
        "issuer={}&client_id=x&client_secret=&default_role=learner&enabled=1",
        enc("http://127.0.0.1:9/nothing")
    );
    let (_, location) = w.admin.post_form("/admin/sso", &bad).await;
    assert_eq!(
        location.as_deref(),
        Some("/admin/sso?error=sso-issuer#settings")
    );
    let saved = app.state.store.sso_config(w.org).await.unwrap().unwrap();
    assert_eq!(saved.issuer, provider.issuer);
    // A blank secret keeps the saved one.
    let keep = format!(
        "issuer={}&client_id={CLIENT_ID}&client_secret=&default_role=manager&email_domains=a.test&enabled=1",
        enc(&provider.issuer)
    );
    let (_, location) = w.admin.post_form("/admin/sso", &keep).await;
    assert_eq!(location.as_deref(), Some("/admin/sso?done=saved#settings"));
    let saved = app.state.store.sso_config(w.org).await.unwrap().unwrap();
    assert_eq!(saved.client_secret, CLIENT_SECRET);
    assert_eq!(
        saved.default_role,
        levelfield::domain::people::MemberRole::Manager
    );
    // Only admins see or change it.
    let mut ann = w.client("Ann");
    assert_eq!(ann.get("/admin/sso").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        ann.post_form("/admin/sso", &keep).await.0,
        StatusCode::FORBIDDEN
    );
    let events = actions(&app, w.org).await;
    let changed: Vec<&AuditEvent> = events
        .iter()
        .filter(|e| e.action == "sso.config_changed")
        .collect();
    assert_eq!(changed.len(), 2);
    assert!(changed[1]
        .detail
        .as_deref()
        .unwrap()
        .contains("secret kept"));
    assert!(!changed[1]
        .detail
        .as_deref()
        .unwrap()
        .contains(CLIENT_SECRET));
}

parity_app!(
    first_sign_in_creates_the_member,
    a_bad_or_replayed_state_is_refused,
    a_wrong_nonce_is_refused,
    an_expired_id_token_is_refused,
    a_token_for_another_audience_is_refused,
    a_token_from_another_issuer_is_refused,
    an_id_token_signed_by_an_unknown_key_is_refused,
    a_rotated_key_is_picked_up,
    an_existing_account_is_linked_only_with_its_password,
    an_admin_links_a_member,
    mandatory_sso_refuses_passwords_except_admins,
    sign_out_ends_the_provider_session_too,
    other_domains_and_suspended_members_are_refused,
    a_provisioned_member_is_matched_by_external_id,
    the_settings_page_checks_the_issuer_and_keeps_the_secret,
);
