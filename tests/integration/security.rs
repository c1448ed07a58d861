//! The security review's transport and browser hardening through the real router: the login
//! redirect stays on this site, the public URL drives cookies, HSTS and the origin check, pages
//! carry a nonce-based Content-Security-Policy, and nothing personal is cached.

use crate::common::{body_text, enc, TestApp, PW};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use levelfield::server::config::PublicUrl;
use levelfield::server::security::FALLBACK_POLICY;

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(uri).header("host", "localhost");
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    b.body(Body::empty()).unwrap()
}

fn login(origin: &str, host: &str, body: String) -> Request<Body> {
    Request::post("/login")
        .header("host", host)
        .header("origin", origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

fn header_of(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn login_never_redirects_off_site() {
    let (app, _w) = TestApp::init().with_org(|o| o).await;
    for (next, expected) in [
        ("/\t/evil.example", "/me"),
        ("/\n/evil", "/me"),
        ("/\\evil", "/me"),
        ("//evil", "/me"),
        ("https://evil.example", "/me"),
        ("/%2F/evil", "/%2F/evil"),
        ("/modules/evaluating-models", "/modules/evaluating-models"),
    ] {
        let body = format!(
            "email=admin%40a.test&password={}&next={}",
            enc(PW),
            enc(next)
        );
        let (status, res) = app.send(login("http://localhost", "localhost", body)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{next:?}");
        let location = header_of(res.headers(), header::LOCATION).unwrap();
        assert_eq!(location, expected, "{next:?}");
    }
}

#[tokio::test]
async fn an_https_public_url_makes_the_cookie_host_only_and_secure_and_adds_hsts() {
    let (app, w) = TestApp::init()
        .with_config(|c| {
            c.public_url = Some(PublicUrl::parse("https://skills.test").unwrap());
        })
        .with_org(|o| o)
        .await;
    let body = || format!("email=admin%40a.test&password={}", enc(PW));

    // Signing in from the public origin: a __Host- cookie, Secure, and HSTS.
    let (status, res) = app
        .send(login("https://skills.test", "skills.test", body()))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = header_of(res.headers(), header::SET_COOKIE).unwrap();
    let (pair, attributes) = cookie.split_once(';').unwrap();
    let (name, value) = pair.split_once('=').unwrap();
    assert_eq!(name, "__Host-levelfield_session");
    assert_eq!(value.len(), 64);
    assert_eq!(
        attributes, " Path=/; HttpOnly; SameSite=Lax; Max-Age=1209600; Secure",
        "no Domain, Path=/, Secure: what __Host- requires"
    );
    assert_eq!(
        header_of(res.headers(), header::STRICT_TRANSPORT_SECURITY).as_deref(),
        Some("max-age=31536000")
    );

    // The session works under that name, and every response carries HSTS.
    let (status, res) = app
        .send(get(
            "/me",
            Some(&format!("__Host-levelfield_session={value}")),
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_of(res.headers(), header::STRICT_TRANSPORT_SECURITY).as_deref(),
        Some("max-age=31536000")
    );
    // The unprefixed name is not this site's session any more.
    let old = w.admin.cookie.clone().unwrap();
    let (status, _) = app
        .send(get("/me", Some(&format!("levelfield_session={old}"))))
        .await;
    assert_eq!(status, StatusCode::FOUND, "signed out: sent to the login");

    // Two session cookies (one tossed in by a sibling subdomain, say): refused.
    let (status, res) = app
        .send(get(
            "/me",
            Some(&format!(
                "__Host-levelfield_session={old}; __Host-levelfield_session={value}"
            )),
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body_text(res).await.contains("two sign-in cookies"));

    // State changes must come from exactly the public origin: scheme, host and port.
    for origin in [
        "http://skills.test",
        "https://skills.test:8443",
        "http://localhost",
    ] {
        let host = origin.split_once("://").unwrap().1;
        let (status, _) = app.send(login(origin, host, body())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
    }
    // Behind a proxy the Host may be anything; the Origin decides.
    let (status, _) = app
        .send(login("https://skills.test", "10.0.0.5:3000", body()))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn without_a_public_url_there_is_no_hsts_and_two_cookies_are_still_refused() {
    let (app, w) = TestApp::init().with_org(|o| o).await;
    let (_, res) = app.send(get("/", None)).await;
    assert!(res
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());
    let id = w.admin.cookie.clone().unwrap();
    let (status, _) = app
        .send(get(
            "/me",
            Some(&format!(
                "levelfield_session={}; levelfield_session={id}",
                "0".repeat(64)
            )),
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// The nonce named by a page's Content-Security-Policy.
fn policy_nonce(policy: &str) -> String {
    let start = policy.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    let rest = &policy[start..];
    rest[..rest.find('\'').unwrap()].to_string()
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let (app, w) = TestApp::init().with_org(|o| o).await;
    let admin = format!("levelfield_session={}", w.admin.cookie.clone().unwrap());
    let mut nonces = Vec::new();
    for (uri, cookie) in [
        ("/", None),
        ("/modules/evaluating-models", None),
        ("/modules/evaluating-models", Some(admin.as_str())),
        ("/admin", Some(admin.as_str())),
        ("/no-such-page", None),
    ] {
        let (_, res) = app.send(get(uri, cookie)).await;
        let policy = header_of(res.headers(), header::CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("{uri}: no CSP"));
        assert!(
            policy.contains("'strict-dynamic' 'wasm-unsafe-eval'")
                && policy.contains("frame-ancestors 'none'")
                && policy.contains("img-src 'self'")
                && !policy.contains("unsafe-inline"),
            "{uri}: {policy}"
        );
        let nonce = policy_nonce(&policy);
        assert!(nonce.len() >= 16, "{uri}: {nonce}");
        let html = body_text(res).await;
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(
            !scripts.is_empty(),
            "{uri}: the hydration scripts are there"
        );
        for s in scripts {
            let tag = &s[..s.find('>').unwrap()];
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{uri}: a script without the policy's nonce: <script{tag}>"
            );
        }
        if uri.starts_with("/modules/") {
            assert!(
                html.contains("<leptos-island") || html.contains("<island"),
                "{uri}"
            );
        }
        nonces.push(nonce);
    }
    let mut unique = nonces.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), nonces.len(), "a fresh nonce per response");

    // Other responses may load nothing and be framed by nobody.
    let (_, res) = app.send(get("/healthz", None)).await;
    assert_eq!(
        header_of(res.headers(), header::CONTENT_SECURITY_POLICY).as_deref(),
        Some(FALLBACK_POLICY)
    );
}

#[tokio::test]
async fn nothing_personal_is_cached_and_logout_clears_the_site() {
    let (app, w) = TestApp::init()
        .with_org(|o| o.team("Alpha").learner("Ada"))
        .await;
    let admin = format!("levelfield_session={}", w.admin.cookie.clone().unwrap());
    let team = w.team().0;
    for uri in [
        "/me".to_string(),
        "/admin".to_string(),
        "/account".to_string(),
        "/".to_string(),
        format!("/teams/{team}"),
        format!("/teams/{team}/skills.csv"),
        format!("/teams/{team}/gaps.csv"),
    ] {
        let (status, res) = app.send(get(&uri, Some(&admin))).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(
            header_of(res.headers(), header::CACHE_CONTROL).as_deref(),
            Some("no-store"),
            "{uri}"
        );
    }
    // CSVs say so themselves too.
    let (_, res) = app
        .send(get(&format!("/teams/{team}/gaps.csv"), Some(&admin)))
        .await;
    assert_eq!(
        header_of(res.headers(), header::CONTENT_SECURITY_POLICY).as_deref(),
        Some(FALLBACK_POLICY)
    );
    // A signed-out visitor's public pages may be cached as usual.
    let (_, res) = app.send(get("/", None)).await;
    assert!(res.headers().get(header::CACHE_CONTROL).is_none());

    // Logout: the session ends, and the browser is told to drop its cache and cookies.
    let req = Request::post("/logout")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &admin)
        .body(Body::empty())
        .unwrap();
    let (status, res) = app.send(req).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        header_of(
            res.headers(),
            header::HeaderName::from_static("clear-site-data")
        )
        .as_deref(),
        Some("\"cache\", \"cookies\"")
    );
    assert!(header_of(res.headers(), header::SET_COOKIE)
        .unwrap()
        .contains("Max-Age=0"));
}
