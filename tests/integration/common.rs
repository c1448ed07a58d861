//! Test helpers: an app over a fixture content tree and a fresh SQLite database.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use levelfield::domain::people::TeamId;
use levelfield::server::config::Config;
use levelfield::server::router::{build_state, router};
use levelfield::server::state::AppState;
use sqlx::{Connection, PgConnection};
use std::sync::atomic::{AtomicU64, Ordering};
use tempfile::TempDir;
use tower::ServiceExt;

/// A running app (in-process) and the temp folder its database lives in.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _dir: TempDir,
    _pg: Option<PgDatabase>,
}

impl TestApp {
    /// An app serving the content tree at `content` (relative to the crate root).
    pub async fn new(content: &str) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        Self::on(content, url, dir, None).await
    }

    /// The same app on a fresh PostgreSQL database (dropped afterwards).
    pub async fn postgres(content: &str) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = PgDatabase::create().await;
        let url = pg.url.clone();
        Self::on(content, url, dir, Some(pg)).await
    }

    async fn on(
        content: &str,
        database_url: String,
        dir: TempDir,
        pg: Option<PgDatabase>,
    ) -> TestApp {
        let config = Config {
            database_url,
            ..Config::for_tests(content)
        };
        let conf = leptos::prelude::get_configuration(Some("Cargo.toml")).expect("leptos config");
        let state = build_state(config, conf.leptos_options)
            .await
            .expect("state");
        TestApp {
            router: router(state.clone()),
            state,
            _dir: dir,
            _pg: pg,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Response<Body>) {
        let res = self.router.clone().oneshot(req).await.expect("response");
        (res.status(), res)
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, String) {
        let (status, res) = self
            .send(
                Request::get(uri)
                    .header("host", "localhost")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        (status, body_text(res).await)
    }

    /// A same-origin POST, as a browser would send it.
    pub async fn post(
        &self,
        uri: &str,
        content_type: &str,
        body: impl Into<Body>,
    ) -> Response<Body> {
        let req = Request::post(uri)
            .header("host", "localhost")
            .header("origin", "http://localhost")
            .header("content-type", content_type)
            .body(body.into())
            .unwrap();
        self.send(req).await.1
    }
}

pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A browser-like client: keeps the session cookie it is given.
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
    pub ip: [u8; 4],
}

impl<'a> Client<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Client {
            app,
            cookie: None,
            ip: [10, 0, 0, 1],
        }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header("host", "localhost");
        if let Some(c) = &self.cookie {
            b = b.header("cookie", format!("levelfield_session={c}"));
        }
        b
    }

    fn with_peer(&self, mut req: Request<Body>) -> Request<Body> {
        let addr = std::net::SocketAddr::from((self.ip, 40000));
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
        req
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, String, Option<String>) {
        let req = self.with_peer(self.request("GET", uri).body(Body::empty()).unwrap());
        let (status, res) = self.app.send(req).await;
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        (status, body_text(res).await, location)
    }

    /// A same-origin form POST. Returns status and Location; adopts a new session cookie.
    pub async fn post_form(&mut self, uri: &str, body: &str) -> (StatusCode, Option<String>) {
        let req = self.with_peer(
            self.request("POST", uri)
                .header("origin", "http://localhost")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body.to_string()))
                .unwrap(),
        );
        let (status, res) = self.app.send(req).await;
        if let Some(set) = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
        {
            let value = set
                .split(';')
                .next()
                .unwrap_or("")
                .trim_start_matches("levelfield_session=");
            self.cookie = (!value.is_empty()).then(|| value.to_string());
        }
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        (status, location)
    }

    pub async fn login(&mut self, email: &str, password: &str) -> (StatusCode, Option<String>) {
        self.post_form(
            "/login",
            &format!("email={}&password={}", enc(email), enc(password)),
        )
        .await
    }
}

pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// `url` with its database name replaced by `name` (query string kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let authority = rest.split('/').next().unwrap_or_default();
    match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

/// A PostgreSQL database for one test, dropped (`WITH (FORCE)`) when this is dropped, even
/// while a failed test unwinds.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    /// Names a new database without creating it.
    pub fn named() -> PgDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .subsec_nanos();
        let name = format!(
            "levelfield_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let admin_url = admin_url();
        let url = with_database(&admin_url, &name);
        PgDatabase {
            admin_url,
            name,
            url,
        }
    }

    pub async fn create() -> PgDatabase {
        let db = PgDatabase::named();
        let mut conn = PgConnection::connect(&db.admin_url).await.expect(
            "PostgreSQL is running (pg_isready -h 127.0.0.1) and TEST_DATABASE_URL is right",
        );
        sqlx::query(&format!(r#"CREATE DATABASE "{}""#, db.name))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        db
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Synchronously, on a thread of its own with its own runtime: this may run inside the
        // test's runtime, or while a panic unwinds out of it.
        let admin_url = self.admin_url.clone();
        let sql = format!(r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#, self.name);
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&admin_url)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query(&sql)
                    .execute(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                conn.close().await.ok();
                Ok(())
            })
        })
        .join();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop test database {}: {e}", self.name),
            Err(_) => eprintln!(
                "could not drop test database {}: thread panicked",
                self.name
            ),
        }
    }
}

/// The password every test account uses.
pub const PW: &str = "a long enough passphrase";

/// An invitation link token from `org_admin` for `role` (in `team`).
pub async fn invite(org_admin: &mut Client<'_>, role: &str, team: Option<TeamId>) -> String {
    let body = match team {
        Some(t) => format!("role={role}&team={t}&days=7"),
        None => format!("role={role}&days=7"),
    };
    let (status, location) = org_admin.post_form("/admin/invitations", &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    location
        .split("invited=")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .to_string()
}

/// Joins with an invitation token; the new member is signed in.
pub async fn join<'a>(app: &'a TestApp, token: &str, name: &str, email: &str) -> Client<'a> {
    let mut c = Client::new(app);
    let (status, location) = c
        .post_form(
            "/join",
            &format!(
                "token={token}&name={}&email={}&password={}&password_confirm={}",
                enc(name),
                enc(email),
                enc(PW),
                enc(PW)
            ),
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me")),
        "join {email}"
    );
    c
}

/// Sets up an organisation with a first-run token; returns the admin signed in.
pub async fn setup_org<'a>(
    app: &'a TestApp,
    token: &str,
    org: &str,
    email: &str,
) -> (StatusCode, Option<String>, Client<'a>) {
    let mut c = Client::new(app);
    let (status, location) = c
        .post_form(
            "/setup",
            &format!(
                "token={token}&organisation={}&name=Admin&email={}&password={}&password_confirm={}",
                enc(org),
                enc(email),
                enc(PW),
                enc(PW)
            ),
        )
        .await;
    (status, location, c)
}
