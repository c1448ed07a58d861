//! Test helpers: an app over a fixture content tree and a fresh SQLite database.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use levelfield::domain::catalogue::Module;
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

    /// A same-origin JSON POST (as the quiz island sends it). Returns status and body.
    pub async fn post_json(&self, uri: &str, body: &str) -> (StatusCode, String) {
        let req = self.with_peer(
            self.request("POST", uri)
                .header("origin", "http://localhost")
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        );
        let (status, res) = self.app.send(req).await;
        (status, body_text(res).await)
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

/// A quiz as a module page shows it: the attempt's number and seed (the hidden fields), and
/// each question's choices in the order shown (their HTML, as in the labels).
#[derive(Debug, Clone)]
pub struct QuizPage {
    pub attempt: u32,
    pub seed: String,
    pub questions: Vec<(String, Vec<String>)>,
}

/// The value of the first `name="<name>" … value="…"` input in `html`.
fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!(r#"name="{name}""#))
        .unwrap_or_else(|| panic!("no `{name}` field in the page:\n{html}"));
    let rest = &html[at..];
    let v = rest.find(r#"value=""#).unwrap() + 7;
    rest[v..v + rest[v..].find('"').unwrap()].to_string()
}

impl QuizPage {
    /// Reads the quiz form of a rendered module page.
    pub fn parse(html: &str) -> QuizPage {
        let attempt = html
            .find(r#"name="attempt""#)
            .unwrap_or_else(|| panic!("no quiz form:\n{html}"));
        let form = &html[html[..attempt].rfind("<form").unwrap()..];
        let mut questions = Vec::new();
        let mut rest = form;
        while let Some(at) = rest.find(r#"<fieldset id="question-"#) {
            let after = &rest[at + r#"<fieldset id="question-"#.len()..];
            let id = after[..after.find('"').unwrap()].to_string();
            let end = after.find("</fieldset>").unwrap();
            let body = &after[..end];
            let mut choices = Vec::new();
            for i in 0.. {
                let label = format!(r#"for="{id}-choice-{i}">"#);
                let Some(l) = body.find(&label) else { break };
                let text = &body[l + label.len()..];
                choices.push(text[..text.find("</label>").unwrap()].to_string());
            }
            questions.push((id, choices));
            rest = &after[end..];
        }
        QuizPage {
            attempt: hidden(form, "attempt").parse().unwrap(),
            seed: hidden(form, "seed"),
            questions,
        }
    }

    /// The questions shown, in order.
    pub fn ids(&self) -> Vec<&str> {
        self.questions.iter().map(|(id, _)| id.as_str()).collect()
    }

    /// Where authored choice `authored` of `question` stands on this page.
    pub fn position(&self, module: &Module, question: &str, authored: usize) -> usize {
        let q = module
            .quiz
            .iter()
            .find(|q| q.id.as_str() == question)
            .unwrap_or_else(|| panic!("no question {question} in {}", module.id));
        let (_, shown) = self
            .questions
            .iter()
            .find(|(id, _)| id == question)
            .unwrap_or_else(|| panic!("{question} is not on this page: {:?}", self.ids()));
        shown
            .iter()
            .position(|h| *h == q.choices[authored].html)
            .unwrap_or_else(|| panic!("choice {authored} of {question} not shown: {shown:?}"))
    }

    /// The keyed (authored) choices of every question on the page.
    pub fn keyed(&self, module: &Module) -> Vec<(String, Vec<usize>)> {
        self.ids()
            .into_iter()
            .map(|id| {
                let q = module.quiz.iter().find(|q| q.id.as_str() == id).unwrap();
                let keyed = q
                    .choices
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.correct)
                    .map(|(i, _)| i)
                    .collect();
                (id.to_string(), keyed)
            })
            .collect()
    }

    /// A wrong (authored) choice for every question on the page.
    pub fn wrong(&self, module: &Module) -> Vec<(String, Vec<usize>)> {
        self.ids()
            .into_iter()
            .map(|id| {
                let q = module.quiz.iter().find(|q| q.id.as_str() == id).unwrap();
                let wrong = q.choices.iter().position(|c| !c.correct).unwrap();
                (id.to_string(), vec![wrong])
            })
            .collect()
    }

    /// The form body answering `picks` (question, authored choices) on this page.
    pub fn form<S: AsRef<str>, C: AsRef<[usize]>>(
        &self,
        module: &Module,
        picks: &[(S, C)],
    ) -> String {
        let mut fields = vec![
            format!("attempt={}", self.attempt),
            format!("seed={}", self.seed),
        ];
        for (q, choices) in picks {
            for &c in choices.as_ref() {
                let p = self.position(module, q.as_ref(), c);
                fields.push(format!("answer.{}={p}", q.as_ref()));
            }
        }
        fields.join("&")
    }

    /// The `grade_quiz` JSON answering `picks` (question, authored choices) on this page.
    pub fn json<S: AsRef<str>, C: AsRef<[usize]>>(
        &self,
        module: &Module,
        picks: &[(S, C)],
    ) -> String {
        let answers: Vec<serde_json::Value> = picks
            .iter()
            .map(|(q, choices)| {
                let shown: Vec<usize> = choices
                    .as_ref()
                    .iter()
                    .map(|&c| self.position(module, q.as_ref(), c))
                    .collect();
                serde_json::json!({ "question": q.as_ref(), "selected": shown })
            })
            .collect();
        serde_json::json!({
            "module": module.id.as_str(),
            "attempt": self.attempt,
            "seed": self.seed,
            "answers": answers,
        })
        .to_string()
    }
}

/// The module with slug `slug` in the app's library.
pub fn module_of(app: &TestApp, slug: &str) -> Module {
    app.state
        .library
        .current()
        .module_by_slug(slug)
        .unwrap_or_else(|| panic!("no module {slug}"))
        .clone()
}

impl Client<'_> {
    /// The quiz of module `slug` as this client's page shows it now.
    pub async fn quiz_page(&self, slug: &str) -> QuizPage {
        let (status, html, _) = self.get(&format!("/modules/{slug}")).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        QuizPage::parse(&html)
    }

    /// Opens module `slug`, answers its quiz with `picks` (question, authored choices) through
    /// the plain form, and returns the status and Location.
    pub async fn take_quiz<S: AsRef<str>, C: AsRef<[usize]>>(
        &mut self,
        slug: &str,
        picks: &[(S, C)],
    ) -> (StatusCode, Option<String>) {
        let page = self.quiz_page(slug).await;
        let body = page.form(&module_of(self.app, slug), picks);
        self.post_form(&format!("/modules/{slug}/quiz"), &body)
            .await
    }
}
