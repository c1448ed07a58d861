//! The test harness, in the shape of crates.io's `TestApp`: an app over a fixture content tree on
//! a fresh SQLite or PostgreSQL database, organisations, teams and people seeded **through the
//! store** (never the HTTP forms), browser-like [`Client`]s already signed in, the PostgreSQL
//! test databases, and [`parity_app!`](crate::common::parity_app) for running one router
//! scenario on both backends.
//!
//! ```ignore
//! let (app, w) = TestApp::init().with_org(|o| o.team("Alpha").learners(["Ann", "Ben"])).await;
//! let mut ann = w.client("Ann");
//! let (status, html, _) = ann.get("/me").await;
//! ```
//!
//! Every store call that seeds data is in this file (`seed_org`, `seed_person`, `session_for`),
//! so a change of the store's signatures is a change here only. The HTTP flows for setup,
//! invitations and joining are covered by their own tests in `access.rs`.
//!
//! PostgreSQL: `TEST_DATABASE_URL` names an administrative connection (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test gets a database of its own there,
//! copied from a migrated template, and dropped at the end whether it passed or panicked.
//! `LEVELFIELD_TEST_POSTGRES=0` skips the PostgreSQL half for a quick SQLite-only run, loudly.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use chrono::{Duration, Utc};
use http_body_util::BodyExt;
use levelfield::domain::catalogue::Module;
use levelfield::domain::people::{MemberRole, OrgId, TeamId, UserId};
use levelfield::router::{build_state, router};
use levelfield::server::auth::{hash_password, hash_token, new_token, start_session};
use levelfield::server::config::Config;
use levelfield::server::state::AppState;
use levelfield::store::{Assignment, Invitation, NewUser, OrgOrigin};
use sqlx::{Connection, PgConnection};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use tempfile::TempDir;
use tower::ServiceExt;

/// The fixture content tree most tests run on.
pub const VALID: &str = "tests/fixtures/valid";

/// The password every test account has.
pub const PW: &str = "a long enough passphrase";

// --- The app and its builder -----------------------------------------------------------------

/// Which database an app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running app (in-process), and what keeps its database alive.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _dir: TempDir,
    _pg: Option<PgDatabase>,
}

/// How to build a [`TestApp`]: `TestApp::init()`, then any of `.content(..)`, `.postgres()`,
/// `.with_config(..)`, and finally `.empty()` or `.with_org(..)`.
pub struct TestAppBuilder {
    content: String,
    backend: Backend,
    configure: Vec<ConfigChange>,
}

/// A change to the configuration, made before the app starts.
type ConfigChange = Box<dyn FnOnce(&mut Config)>;

impl TestApp {
    /// An app on SQLite over [`VALID`], until told otherwise.
    pub fn init() -> TestAppBuilder {
        TestAppBuilder {
            content: VALID.to_string(),
            backend: Backend::Sqlite,
            configure: Vec::new(),
        }
    }
}

impl TestAppBuilder {
    /// Serves the content tree at `dir` (relative to the crate root).
    pub fn content(mut self, dir: &str) -> Self {
        self.content = dir.to_string();
        self
    }

    pub fn postgres(self) -> Self {
        self.on(Backend::Postgres)
    }

    pub fn sqlite(self) -> Self {
        self.on(Backend::Sqlite)
    }

    pub fn on(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// Changes the configuration before the app starts, e.g. `|c| c.min_group_size = 2`.
    pub fn with_config(mut self, change: impl FnOnce(&mut Config) + 'static) -> Self {
        self.configure.push(Box::new(change));
        self
    }

    /// The app with nothing in its database: the first-run state.
    pub async fn empty(self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg) = match self.backend {
            Backend::Sqlite => (format!("sqlite://{}/test.db", dir.path().display()), None),
            Backend::Postgres => {
                let pg = PgDatabase::create().await;
                (pg.url.clone(), Some(pg))
            }
        };
        let mut config = Config {
            database_url,
            ..Config::for_tests(&self.content)
        };
        for change in self.configure {
            change(&mut config);
        }
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

    /// The app with one organisation, described by `describe` (see [`OrgSpec`]), seeded through
    /// the store; everyone in it is signed in.
    pub async fn with_org(self, describe: impl FnOnce(OrgSpec) -> OrgSpec) -> (TestApp, World) {
        let app = self.empty().await;
        let world = app.add_org(describe).await;
        (app, world)
    }
}

impl TestApp {
    /// One more organisation (the first is "Org A" with `admin@a.test`; name others with
    /// `.name(..)` and `.domain(..)`).
    pub async fn add_org(&self, describe: impl FnOnce(OrgSpec) -> OrgSpec) -> World {
        seed_org(self, describe(OrgSpec::default())).await
    }

    /// One more person in `world`'s organisation, as an accepted invitation makes them, signed
    /// in.
    pub async fn add_person(
        &self,
        world: &World,
        who: impl Into<Who>,
        role: MemberRole,
        team: Option<TeamId>,
    ) -> Person {
        seed_person(
            self,
            world.org,
            world.admin_user,
            &world.domain,
            who.into(),
            role,
            team,
        )
        .await
    }

    /// A new client signed in as `user` (a fresh session, as a login makes).
    pub async fn session_for(&self, user: UserId) -> Client {
        let mut client = Client::new(self);
        client.cookie = Some(start_session(&self.state, user).await.expect("session"));
        client
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

// --- Organisations, teams and people ---------------------------------------------------------

/// An organisation to seed: its name and email domain, its teams in order, and its people.
///
/// People join the team named last before them (or no team, before any `.team(..)`); their
/// email is their first name, lowercased, at the organisation's domain, unless given as
/// `(name, email)`. The admin is "Admin", `admin@<domain>`.
pub struct OrgSpec {
    name: String,
    domain: String,
    teams: Vec<TeamSpec>,
    people: Vec<PersonSpec>,
}

struct TeamSpec {
    name: String,
    target_role: Option<String>,
}

struct PersonSpec {
    who: Who,
    kind: Kind,
    team: Option<usize>,
}

#[derive(Clone, Copy)]
enum Kind {
    Learner,
    /// As a manager's invitation into a team makes them: manager and learner, a member of the
    /// team and its manager.
    Manager,
    /// Manages the team, and is neither a learner nor a member of it (so is not counted in the
    /// team's figures).
    ManagerOnly,
}

/// A person's name, and their email if not derived from the name.
pub struct Who {
    name: String,
    email: Option<String>,
}

impl From<&str> for Who {
    fn from(name: &str) -> Who {
        Who {
            name: name.to_string(),
            email: None,
        }
    }
}

impl From<String> for Who {
    fn from(name: String) -> Who {
        Who { name, email: None }
    }
}

impl<N: Into<String>, E: Into<String>> From<(N, E)> for Who {
    fn from((name, email): (N, E)) -> Who {
        Who {
            name: name.into(),
            email: Some(email.into()),
        }
    }
}

impl Default for OrgSpec {
    fn default() -> Self {
        OrgSpec {
            name: "Org A".into(),
            domain: "a.test".into(),
            teams: Vec::new(),
            people: Vec::new(),
        }
    }
}

impl OrgSpec {
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// The domain of everyone's email (`a.test` by default).
    pub fn domain(mut self, domain: &str) -> Self {
        self.domain = domain.to_string();
        self
    }

    /// A team; the people named next join it.
    pub fn team(mut self, name: &str) -> Self {
        self.teams.push(TeamSpec {
            name: name.to_string(),
            target_role: None,
        });
        self
    }

    /// The target role of the team named last.
    pub fn target_role(mut self, role: &str) -> Self {
        let team = self
            .teams
            .last_mut()
            .expect(".team(..) before .target_role(..)");
        team.target_role = Some(role.to_string());
        self
    }

    pub fn learner(self, who: impl Into<Who>) -> Self {
        self.person(who.into(), Kind::Learner)
    }

    pub fn learners<W: Into<Who>>(self, people: impl IntoIterator<Item = W>) -> Self {
        people
            .into_iter()
            .fold(self, |spec, who| spec.person(who.into(), Kind::Learner))
    }

    /// A manager of the team named last, as a manager's invitation makes them (also a learner
    /// in that team).
    pub fn manager(self, who: impl Into<Who>) -> Self {
        self.person(who.into(), Kind::Manager)
    }

    /// A manager of the team named last who is not a member of it.
    pub fn manager_only(self, who: impl Into<Who>) -> Self {
        self.person(who.into(), Kind::ManagerOnly)
    }

    fn person(mut self, who: Who, kind: Kind) -> Self {
        let team = self.teams.len().checked_sub(1);
        self.people.push(PersonSpec { who, kind, team });
        self
    }
}

/// A seeded organisation: its ids, and a signed-in [`Client`] for its admin and each person.
pub struct World {
    pub org: OrgId,
    /// The teams, in the order they were named.
    pub teams: Vec<TeamId>,
    pub admin: Client,
    pub admin_user: UserId,
    /// Everyone but the admin, in the order they were named.
    pub people: Vec<Person>,
    domain: String,
}

/// A seeded person, signed in.
pub struct Person {
    pub name: String,
    pub email: String,
    pub user: UserId,
    pub client: Client,
}

impl World {
    /// The first team.
    pub fn team(&self) -> TeamId {
        *self.teams.first().expect("the organisation has a team")
    }

    pub fn person(&self, name: &str) -> &Person {
        self.people
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| {
                let names: Vec<&str> = self.people.iter().map(|p| p.name.as_str()).collect();
                panic!("no person {name:?} in this world: {names:?}")
            })
    }

    pub fn user(&self, name: &str) -> UserId {
        self.person(name).user
    }

    /// A client signed in as `name` (sharing their session, like a second browser tab).
    pub fn client(&self, name: &str) -> Client {
        self.person(name).client.clone()
    }
}

/// A timestamp `minutes` from now, as the store takes it.
fn now_plus(minutes: i64) -> chrono::DateTime<Utc> {
    Utc::now() + Duration::minutes(minutes)
}

/// The hash of [`PW`], computed once per test run (Argon2 is slow on purpose).
async fn password_hash() -> String {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async { hash_password(PW.to_string()).await.expect("hash") })
        .await
        .clone()
}

/// The organisation (as an operator makes one beside others: first-run setup makes only the
/// first), its admin, its teams and its people, each signed in.
async fn seed_org(app: &TestApp, spec: OrgSpec) -> World {
    let store = &app.state.store;
    let admin = NewUser {
        email: format!("admin@{}", spec.domain),
        name: "Admin".into(),
        password_hash: password_hash().await,
    };
    let (org, admin_user) = store
        .create_organisation(&spec.name, &admin, OrgOrigin::Real, now_plus(0))
        .await
        .expect("organisation");
    let mut teams = Vec::new();
    for team in &spec.teams {
        let id = store.create_team(org, &team.name).await.expect("team");
        if let Some(role) = &team.target_role {
            store
                .set_team_target_role(org, id, Some(role))
                .await
                .expect("target role");
        }
        teams.push(id);
    }
    let mut people = Vec::new();
    for p in spec.people {
        let team = p.team.map(|i| teams[i]);
        let role = match p.kind {
            Kind::Learner => MemberRole::Learner,
            Kind::Manager | Kind::ManagerOnly => MemberRole::Manager,
        };
        let person = seed_person(app, org, admin_user, &spec.domain, p.who, role, team).await;
        if let (Kind::ManagerOnly, Some(team)) = (p.kind, team) {
            let only = Assignment {
                roles: vec![MemberRole::Manager],
                teams: vec![],
                manages: vec![team],
            };
            store.assign(org, person.user, &only).await.expect("assign");
        }
        people.push(person);
    }
    World {
        org,
        teams,
        admin: app.session_for(admin_user).await,
        admin_user,
        people,
        domain: spec.domain,
    }
}

/// A person as an accepted invitation makes them (`role`, and learner; a member of `team`, and
/// its manager if `role` is manager), signed in.
async fn seed_person(
    app: &TestApp,
    org: OrgId,
    invited_by: UserId,
    domain: &str,
    who: Who,
    role: MemberRole,
    team: Option<TeamId>,
) -> Person {
    let store = &app.state.store;
    let email = who.email.unwrap_or_else(|| {
        let first = who.name.split_whitespace().next().unwrap_or("someone");
        format!("{}@{domain}", first.to_lowercase())
    });
    let token = new_token();
    store
        .create_invitation(&Invitation {
            id: 0,
            org,
            token_hash: hash_token(&token),
            email: None,
            role,
            team,
            created_by: invited_by,
            created_at: now_plus(0),
            expires_at: now_plus(60),
            used_at: None,
        })
        .await
        .expect("invitation");
    let user = NewUser {
        email: email.clone(),
        name: who.name.clone(),
        password_hash: password_hash().await,
    };
    let (_, id) = store
        .accept_invitation(&hash_token(&token), now_plus(0), &user)
        .await
        .unwrap_or_else(|e| panic!("seeding {email}: {e}"));
    Person {
        name: who.name,
        email,
        user: id,
        client: app.session_for(id).await,
    }
}

// --- Clients ---------------------------------------------------------------------------------

pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A browser-like client: keeps the session cookie it is given.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    pub ip: [u8; 4],
    /// The `User-Agent` it sends, if any.
    pub user_agent: Option<String>,
    /// An IPv6 socket peer instead of `ip`.
    pub ip6: Option<std::net::Ipv6Addr>,
    /// An `X-Forwarded-For` header to send (as a proxy in front would).
    pub forwarded_for: Option<String>,
}

impl Client {
    /// A client that is not signed in.
    pub fn new(app: &TestApp) -> Self {
        Client {
            router: app.router.clone(),
            cookie: None,
            ip: [10, 0, 0, 1],
            user_agent: None,
            ip6: None,
            forwarded_for: None,
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
        if let Some(ua) = &self.user_agent {
            b = b.header("user-agent", ua.as_str());
        }
        if let Some(f) = &self.forwarded_for {
            b = b.header("x-forwarded-for", f);
        }
        b
    }

    fn with_peer(&self, mut req: Request<Body>) -> Request<Body> {
        let addr = match self.ip6 {
            Some(v6) => std::net::SocketAddr::from((v6, 40000)),
            None => std::net::SocketAddr::from((self.ip, 40000)),
        };
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
        req
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, Response<Body>) {
        let res = self.router.clone().oneshot(req).await.expect("response");
        (res.status(), res)
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, String, Option<String>) {
        let req = self.with_peer(self.request("GET", uri).body(Body::empty()).unwrap());
        let (status, res) = self.send(req).await;
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
        let (status, res) = self.send(req).await;
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

    /// A same-origin form POST answered whole: status, headers and body (a new session cookie
    /// is not adopted).
    pub async fn post_form_raw(
        &self,
        uri: &str,
        body: &str,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let req = self.with_peer(
            self.request("POST", uri)
                .header("origin", "http://localhost")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body.to_string()))
                .unwrap(),
        );
        let (status, res) = self.send(req).await;
        let headers = res.headers().clone();
        (status, headers, body_text(res).await)
    }

    /// A same-origin form POST answered with a page (not a redirect). Returns status and body.
    pub async fn post_form_page(&self, uri: &str, body: &str) -> (StatusCode, String) {
        let (status, _, body) = self.post_form_raw(uri, body).await;
        (status, body)
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
        let (status, res) = self.send(req).await;
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

// --- Quizzes as a page shows them ------------------------------------------------------------

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

impl Client {
    /// The quiz of module `slug` as this client's page shows it now.
    pub async fn quiz_page(&self, slug: &str) -> QuizPage {
        let (status, html, _) = self.get(&format!("/modules/{slug}")).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        QuizPage::parse(&html)
    }

    /// Opens module `m`, answers its quiz with `picks` (question, authored choices) through the
    /// plain form, and returns the status and Location.
    pub async fn take_quiz<S: AsRef<str>, C: AsRef<[usize]>>(
        &mut self,
        m: &Module,
        picks: &[(S, C)],
    ) -> (StatusCode, Option<String>) {
        let page = self.quiz_page(&m.slug).await;
        let body = page.form(m, picks);
        self.post_form(&format!("/modules/{}/quiz", m.slug), &body)
            .await
    }
}

// --- The HTTP flows for invitations, joining and first run (for the tests of those flows) ---

/// An invitation link token from `org_admin` for `role` (in `team`), through the admin's form:
/// read from the page the form answers with (the token is never in a URL).
pub async fn invite(org_admin: &mut Client, role: &str, team: Option<TeamId>) -> String {
    let body = match team {
        Some(t) => format!("role={role}&team={t}&days=7"),
        None => format!("role={role}&days=7"),
    };
    invite_with(org_admin, &body).await
}

/// The token of the invitation the admin's form makes from `body`, from the page it answers
/// with.
pub async fn invite_with(org_admin: &mut Client, body: &str) -> String {
    let (status, html) = org_admin.post_form_page("/admin/invitations", body).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    invite_token(&html)
}

/// The token of the invitation link on a page.
pub fn invite_token(html: &str) -> String {
    let at = html
        .find("/join?token=")
        .unwrap_or_else(|| panic!("no invitation link on the page:\n{html}"));
    html[at + "/join?token=".len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// Joins with an invitation token through the form; the new member is signed in.
pub async fn join(app: &TestApp, token: &str, name: &str, email: &str) -> Client {
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

/// Sets up an organisation with a first-run token through the form; returns the admin's client.
pub async fn setup_org(
    app: &TestApp,
    token: &str,
    org: &str,
    email: &str,
) -> (StatusCode, Option<String>, Client) {
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

// --- Both databases ----------------------------------------------------------------------------

/// Runs each named `async fn(TestAppBuilder)` router scenario on SQLite and on PostgreSQL, as
/// `<module>::on_sqlite::<name>` and `<module>::on_postgres::<name>`. Tokio test arguments go in
/// parentheses after a name: `parity_app!(a, b(flavor = "multi_thread", worker_threads = 4))`.
macro_rules! parity_app {
    ($($name:ident $(($($arg:tt)*))?),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test $(($($arg)*))?]
                async fn $name() {
                    super::$name($crate::common::TestApp::init().sqlite()).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test $(($($arg)*))?]
                async fn $name() {
                    if $crate::common::skip_postgres() {
                        return;
                    }
                    super::$name($crate::common::TestApp::init().postgres()).await;
                }
            )*
        }
    };
}
pub(crate) use parity_app;

/// Whether this run skips PostgreSQL (`LEVELFIELD_TEST_POSTGRES=0`). Says so loudly, once, on
/// the terminal (not into a test's captured output); refused under CI, which must test both.
pub fn skip_postgres() -> bool {
    static SKIP: OnceLock<bool> = OnceLock::new();
    *SKIP.get_or_init(|| {
        let skip = std::env::var("LEVELFIELD_TEST_POSTGRES").is_ok_and(|v| v.trim() == "0");
        if skip {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
            assert!(
                !ci,
                "LEVELFIELD_TEST_POSTGRES=0 under CI: CI must test PostgreSQL too"
            );
            let banner = "\n\
                ******************************************************************\n\
                *  LEVELFIELD_TEST_POSTGRES=0: PostgreSQL tests are SKIPPED.      *\n\
                *  Their `on_postgres` tests pass without running. This is not a  *\n\
                *  full test run; unset the variable before you push.             *\n\
                ******************************************************************\n";
            // Straight to the terminal: `eprintln!` would be captured with the test's output.
            let _ = std::io::stderr().write_all(banner.as_bytes());
        }
        skip
    })
}

// --- PostgreSQL test databases -----------------------------------------------------------------

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

    /// A new database, already migrated: a copy of the template (see [`template`]).
    pub async fn create() -> PgDatabase {
        let db = PgDatabase::named();
        let template = template(&db.admin_url).await;
        let mut conn = admin_connection(&db.admin_url).await;
        sqlx::query(&format!(
            r#"CREATE DATABASE "{}" TEMPLATE "{template}""#,
            db.name
        ))
        .execute(&mut conn)
        .await
        .expect("create test database");
        conn.close().await.ok();
        db
    }
}

async fn admin_connection(admin_url: &str) -> PgConnection {
    PgConnection::connect(admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is needed for the `on_postgres` tests: {e}.\n\
             Is it running (pg_isready -h 127.0.0.1)? Is TEST_DATABASE_URL right (now {})?\n\
             For a quick SQLite-only run, set LEVELFIELD_TEST_POSTGRES=0.",
            redact(admin_url)
        )
    })
}

/// The app's PostgreSQL migrations, as the store runs them.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The name of a database with every migration applied, from which each test's database is
/// copied (`CREATE DATABASE … TEMPLATE …`, about 0.1 s) instead of migrating it afresh (about
/// 0.4 s). It is named after the migrations' checksums and kept between runs; a change to the
/// migrations makes a new one. It is built under a temporary name and renamed when complete, so
/// that test runs side by side never copy a half-migrated one. Old ones may be dropped at any
/// time: `psql -c 'DROP DATABASE levelfield_template_…'`.
async fn template(admin_url: &str) -> String {
    static NAME: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    NAME.get_or_init(|| async {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for m in MIGRATOR.iter() {
            hash.update(m.version.to_le_bytes());
            hash.update(&*m.checksum);
        }
        let digest: String = hash.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let name = format!("levelfield_template_{digest}");
        let mut conn = admin_connection(admin_url).await;
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_optional(&mut conn)
                .await
                .expect("look for the template database");
        if exists.is_none() {
            let building = PgDatabase::named();
            sqlx::query(&format!(r#"CREATE DATABASE "{}""#, building.name))
                .execute(&mut conn)
                .await
                .expect("create the template database");
            let mut migrating = PgConnection::connect(&building.url)
                .await
                .expect("connect to the template database");
            MIGRATOR
                .run(&mut migrating)
                .await
                .expect("migrate the template database");
            migrating.close().await.ok();
            // Another run may have finished one first: then ours is dropped with `building`.
            let renamed = sqlx::query(&format!(
                r#"ALTER DATABASE "{}" RENAME TO "{name}""#,
                building.name
            ))
            .execute(&mut conn)
            .await;
            match renamed {
                Ok(_) => std::mem::forget(building),
                Err(e) => {
                    let now: Option<i32> =
                        sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                            .bind(&name)
                            .fetch_optional(&mut conn)
                            .await
                            .expect("look for the template database");
                    assert!(now.is_some(), "could not name the template database: {e}");
                }
            }
        }
        conn.close().await.ok();
        name
    })
    .await
    .clone()
}

/// A database URL without its password.
fn redact(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(_)) => {
            let (auth, host) = rest.rsplit_once('@').unwrap_or(("", rest));
            let user = auth.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        _ => url.to_string(),
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

// --- Snapshots ---------------------------------------------------------------------------------

/// `text` with every date (`YYYY-MM-DD`, and a time of day after it: `T12:34:56.789Z`,
/// `+01:00`) replaced by `[date]`, so that a snapshot does not change from one day to the next.
pub fn redact_dates(text: &str) -> String {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let is_date = |i: usize| {
        digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && !b.get(i + 10).is_some_and(u8::is_ascii_digit)
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if !is_date(i) {
            i += 1;
            continue;
        }
        out.push_str(&text[copied..i]);
        out.push_str("[date]");
        i += 10;
        // A time of day: `T` or a space, then digits, `:`, `.`, and a zone (`Z` or `±hh:mm`).
        if matches!(b.get(i), Some(b'T') | Some(b' '))
            && digits(i + 1, 2)
            && b.get(i + 3) == Some(&b':')
        {
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || matches!(b[i], b':' | b'.')) {
                i += 1;
            }
            if b.get(i) == Some(&b'Z') {
                i += 1;
            } else if matches!(b.get(i), Some(b'+') | Some(b'-')) && digits(i + 1, 2) {
                i += 3;
                if b.get(i) == Some(&b':') && digits(i + 1, 2) {
                    i += 3;
                }
            }
        }
        copied = i;
    }
    out.push_str(&text[copied..]);
    out
}

#[test]
fn dates_are_redacted_and_nothing_else() {
    assert_eq!(
        redact_dates("a,2026-05-09T07:29:33.186123Z,b 2026-05-09 c 2026-11 d 12026-05-091"),
        "a,[date],b [date] c 2026-11 d 12026-05-091"
    );
    assert_eq!(
        redact_dates("2026-05-09 10:00:00+02:00;1999-12-31"),
        "[date];[date]"
    );
}

/// The builder's own promise: an organisation with a team and two learners in three lines, every
/// person with the roles and teams an invitation would give them, each signed in.
#[tokio::test]
async fn with_org_seeds_teams_and_people_through_the_store_signed_in() {
    let (app, w) = TestApp::init()
        .with_org(|o| o.team("Alpha").learners(["Ann", "Ben"]))
        .await;
    let (status, html, _) = w.client("Ann").get("/me").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ann"), "{html}");

    let more = app
        .add_org(|o| {
            o.name("Org B")
                .domain("b.test")
                .learner("Lou Loose")
                .team("Beta")
                .target_role("analyst")
                .manager("Max Manager")
                .manager_only(("Mia", "mia.only@b.test"))
        })
        .await;
    let beta = more.team();
    let member = |name: &str| {
        let store = app.state.store.clone();
        let (org, user) = (more.org, more.user(name));
        async move { store.member(org, user).await.unwrap() }
    };
    let lou = member("Lou Loose").await;
    assert_eq!(lou.email, more.person("Lou Loose").email);
    assert_eq!(
        (lou.email.as_str(), lou.roles.as_slice(), lou.teams.len()),
        ("lou@b.test", [MemberRole::Learner].as_slice(), 0)
    );
    let max = member("Max Manager").await;
    assert!(max.has(MemberRole::Manager) && max.has(MemberRole::Learner));
    assert_eq!(
        (max.teams.as_slice(), max.manages.as_slice()),
        ([beta].as_slice(), [beta].as_slice())
    );
    let mia = member("Mia").await;
    assert_eq!(mia.email, "mia.only@b.test");
    assert_eq!(mia.roles, [MemberRole::Manager]);
    assert_eq!(
        (mia.teams.len(), mia.manages.as_slice()),
        (0, [beta].as_slice())
    );
    let teams = app.state.store.teams(more.org).await.unwrap();
    assert_eq!(teams[0].target_role.as_deref(), Some("analyst"));
    let admin = app
        .state
        .store
        .member(more.org, more.admin_user)
        .await
        .unwrap();
    assert_eq!(
        (admin.name.as_str(), admin.email.as_str()),
        ("Admin", "admin@b.test")
    );
    assert!(admin.has(MemberRole::Admin));
    // Each client carries its own person's session.
    let (status, _, _) = more.admin.get("/admin").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = more.client("Mia").get(&format!("/teams/{beta}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = w.client("Ben").get(&format!("/teams/{beta}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
