//! Faults and recovery, against the real server binary on a free port (run them together with
//! `cargo test --features ssr --test integration faults::`):
//!
//! - a PostgreSQL outage (the database behind a TCP proxy that the test cuts and restores):
//!   `/readyz` and a signed-in page answer 503 within 1.5 s, `/healthz` stays 200, and pages
//!   work again once the database is back, without a restart;
//! - SIGTERM during a burst of quiz attempts: every acknowledged attempt is in the database and
//!   the process exits 0 within a few seconds (both databases);
//! - `kill -9` during a burst: no acknowledged attempt is lost, SQLite's `integrity_check` is ok
//!   (both databases);
//! - SQLite on a full disk (a file-size limit on the server process): a clear 503 page and log
//!   line, no corruption;
//! - `levelfield backup` while the server answers requests, and the backup served again.
//!
//! The server is driven over plain HTTP/1.0 (`Connection: close`, no compression), so a
//! response is simply everything read until the server closes the connection.

use crate::common::{skip_postgres, QuizPage, TestApp, TestAppBuilder, VALID};
use levelfield::domain::catalogue::Module;
use sqlx::Connection;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The module whose quiz the bursts take.
const SLUG: &str = "basics";

// --- The server process --------------------------------------------------------------------

/// `levelfield serve` as a child process on a free port, its output collected.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

/// A free TCP port on 127.0.0.1 (free when asked; the server binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// Starts the server on `database_url` over the fixture content, and waits until it
    /// answers `/healthz`. With `max_file_bytes`, no file the server writes may grow past it (a
    /// full disk): `prlimit --fsize`, with SIGXFSZ ignored so that a write fails with EFBIG
    /// instead of killing the process.
    async fn start(database_url: &str, max_file_bytes: Option<u64>) -> Server {
        let port = free_port();
        let bin = env!("CARGO_BIN_EXE_levelfield");
        let mut cmd = match max_file_bytes {
            None => Command::new(bin),
            Some(limit) => {
                let mut c = Command::new("sh");
                c.args([
                    "-c",
                    r#"trap '' XFSZ; exec prlimit --fsize="$1" -- "$0""#,
                    bin,
                    &limit.to_string(),
                ]);
                c
            }
        };
        cmd.env("DATABASE_URL", database_url)
            .env("LEVELFIELD_CONTENT", VALID)
            .env("LEVELFIELD_WATCH_CONTENT", "0")
            .env("LEVELFIELD_SECURE_COOKIES", "0")
            .env("LEVELFIELD_QUIZ_ATTEMPTS_PER_HOUR", "1000000")
            .env("LEVELFIELD_HASH_CONCURRENCY", "1")
            .env("LEPTOS_OUTPUT_NAME", "levelfield")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_RELOAD_PORT", free_port().to_string())
            .env("RUST_LOG", "info,sqlx=warn,tower_http=warn")
            .env_remove("LEPTOS_WATCH")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start the server");
        let log = Arc::new(Mutex::new(String::new()));
        for out in [
            child
                .stdout
                .take()
                .map(|o| Box::new(o) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|e| Box::new(e) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    log.lock().unwrap().push_str(&line);
                    log.lock().unwrap().push('\n');
                }
            });
        }
        let mut server = Server { child, port, log };
        let started = Instant::now();
        loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("the server exited ({status}):\n{}", server.log());
            }
            if let Ok(r) = get(port, "/healthz", None).await {
                if r.status == 200 {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start:\n{}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM (what `docker stop` and systemd send).
    fn sigterm(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// `kill -9`: no chance to clean up.
    fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits up to `limit` for the process to exit.
    async fn exited_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// Stops it gracefully and checks it exits 0.
    async fn stop(mut self) {
        self.sigterm();
        let status = self.exited_within(Duration::from_secs(15)).await;
        assert!(
            status.is_some_and(|s| s.success()),
            "{status:?}:\n{}",
            self.log()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

// --- A small HTTP/1.0 client -----------------------------------------------------------------

/// A response: status, header block and body.
#[derive(Debug)]
struct Resp {
    status: u16,
    head: String,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One request on a fresh connection; the whole exchange within 15 s.
async fn request(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> std::io::Result<Resp> {
    let exchange = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        let mut req =
            format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        if let Some(c) = cookie {
            req.push_str(&format!("Cookie: levelfield_session={c}\r\n"));
        }
        if let Some(body) = form {
            req.push_str(&format!(
                "Origin: http://127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            req.push_str("\r\n");
        }
        stream.write_all(req.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        let text = String::from_utf8_lossy(&raw).to_string();
        let (head, body) = text
            .split_once("\r\n\r\n")
            .ok_or_else(|| std::io::Error::other(format!("no header block: {text:?}")))?;
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("no status: {head:?}")))?;
        Ok(Resp {
            status,
            head: head.to_string(),
            body: body.to_string(),
        })
    };
    tokio::time::timeout(Duration::from_secs(15), exchange)
        .await
        .map_err(|_| std::io::Error::other("no answer within 15 s"))?
}

async fn get(port: u16, path: &str, cookie: Option<&str>) -> std::io::Result<Resp> {
    request(port, "GET", path, cookie, None).await
}

/// A GET, timed.
async fn timed_get(port: u16, path: &str, cookie: Option<&str>) -> (Resp, Duration) {
    let started = Instant::now();
    let r = get(port, path, cookie).await.expect(path);
    (r, started.elapsed())
}

// --- A burst of quiz attempts ------------------------------------------------------------------

/// Learners taking the quiz of [`SLUG`] over and over, each on their own session: open the
/// module page, submit its quiz, count the attempt acknowledged when the answer is the 303 to
/// the recorded attempt.
struct Burst {
    acked: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    statuses: Arc<Mutex<BTreeMap<u16, u64>>>,
    /// The first refusal page (a 5xx) a page or a submission got, for what it says.
    refusal: Arc<Mutex<Option<Resp>>>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Burst {
    fn start(port: u16, module: &Module, cookies: Vec<String>) -> Burst {
        let burst = Burst {
            acked: Arc::default(),
            stop: Arc::default(),
            statuses: Arc::default(),
            refusal: Arc::default(),
            workers: Vec::new(),
        };
        let workers = cookies
            .into_iter()
            .map(|cookie| {
                let (acked, stop, statuses, refusal) = (
                    burst.acked.clone(),
                    burst.stop.clone(),
                    burst.statuses.clone(),
                    burst.refusal.clone(),
                );
                let module = module.clone();
                tokio::spawn(async move {
                    let path = format!("/modules/{SLUG}");
                    let action = format!("/modules/{SLUG}/quiz");
                    while !stop.load(Ordering::Relaxed) {
                        let page = match get(port, &path, Some(&cookie)).await {
                            Ok(r) if r.status == 200 => QuizPage::parse(&r.body),
                            Ok(r) if r.status >= 500 => {
                                refusal.lock().unwrap().get_or_insert(r);
                                tokio::time::sleep(Duration::from_millis(20)).await;
                                continue;
                            }
                            _ => {
                                tokio::time::sleep(Duration::from_millis(20)).await;
                                continue;
                            }
                        };
                        let form = page.form(&module, &page.wrong(&module));
                        let Ok(r) =
                            request(port, "POST", &action, Some(&cookie), Some(&form)).await
                        else {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            continue;
                        };
                        *statuses.lock().unwrap().entry(r.status).or_default() += 1;
                        let recorded = r.status == 303
                            && r.header("location")
                                .is_some_and(|l| l.contains("?attempt="));
                        if recorded {
                            acked.fetch_add(1, Ordering::SeqCst);
                        } else if r.status >= 500 {
                            refusal.lock().unwrap().get_or_insert(r);
                        }
                    }
                })
            })
            .collect();
        Burst { workers, ..burst }
    }

    fn acked(&self) -> u64 {
        self.acked.load(Ordering::SeqCst)
    }

    /// Waits until `n` attempts are acknowledged (at most `limit`).
    async fn until(&self, n: u64, limit: Duration) {
        let started = Instant::now();
        while self.acked() < n && started.elapsed() < limit {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops the workers; returns how many attempts were acknowledged.
    async fn finish(self) -> (u64, BTreeMap<u16, u64>, Option<Resp>) {
        self.stop.store(true, Ordering::Relaxed);
        for w in self.workers {
            w.await.unwrap();
        }
        let refusal = self.refusal.lock().unwrap().take();
        let statuses = self.statuses.lock().unwrap().clone();
        (self.acked.load(Ordering::SeqCst), statuses, refusal)
    }
}

/// An app with one organisation of `n` learners; their session cookies; the quiz's module.
async fn learners(init: TestAppBuilder, n: usize) -> (TestApp, Vec<String>, Module) {
    let names: Vec<String> = (0..n).map(|i| format!("Learner{i}")).collect();
    let (app, w) = init.with_org(|o| o.team("Alpha").learners(names)).await;
    let cookies = w
        .people
        .iter()
        .map(|p| p.client.cookie.clone().expect("signed in"))
        .collect();
    let module = crate::common::module_of(&app, SLUG);
    (app, cookies, module)
}

/// Rows of `table` in the database at `url` (SQLite or PostgreSQL).
async fn count(url: &str, table: &str) -> i64 {
    // Table names come from this file's constants, never from input.
    let sql = format!("SELECT COUNT(*) FROM {table}");
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        let n = sqlx::query_scalar(&sql).fetch_one(&mut c).await.unwrap();
        c.close().await.ok();
        n
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let n = sqlx::query_scalar(&sql).fetch_one(&mut c).await.unwrap();
        c.close().await.ok();
        n
    }
}

/// SQLite's `PRAGMA integrity_check` and `foreign_key_check` of the file at `url`.
async fn integrity(url: &str) -> (String, usize) {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut c)
        .await
        .unwrap();
    let dangling = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .len();
    c.close().await.ok();
    (ok, dangling)
}

fn url_of(app: &TestApp) -> String {
    app.state.config.database_url.clone()
}

// --- A fault injector in front of PostgreSQL -----------------------------------------------------

/// A TCP forwarder to PostgreSQL that the test can cut (every connection, open or new, then
/// hangs: nothing is forwarded and nothing is closed, the worst case for a client) and restore
/// (the hung connections are closed, as after a database restart; new ones are forwarded).
struct Proxy {
    port: u16,
    cut: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (cut, rx) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let (mut rx, mut hold) = (rx.clone(), rx.clone());
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let restored = |mut rx: watch::Receiver<bool>| async move {
                        let _ = rx.wait_for(|cut| !*cut).await;
                    };
                    if *rx.borrow() {
                        restored(rx).await;
                        return;
                    }
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let cut = async move {
                        let _ = hold.wait_for(|cut| *cut).await;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        () = cut => {
                            let _ = rx.wait_for(|cut| !*cut).await;
                        }
                    }
                    drop((client, server));
                });
            }
        });
        Proxy { port, cut, task }
    }

    fn cut(&self) {
        self.cut.send_replace(true);
    }

    fn restore(&self) {
        self.cut.send_replace(false);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// --- The tests ---------------------------------------------------------------------------------

/// Cut PostgreSQL off: `/readyz` and a signed-in page answer 503 (with `Retry-After` and a
/// page saying why) within 1.5 s while `/healthz` stays 200; restore it: the same page works
/// again without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_answers_503_fast_and_recovers_without_restart() {
    if skip_postgres() {
        return;
    }
    let (app, cookies, _) = learners(TestApp::init().postgres(), 1).await;
    let direct = url::Url::parse(&url_of(&app)).unwrap();
    let upstream = format!(
        "{}:{}",
        direct.host_str().unwrap(),
        direct.port().unwrap_or(5432)
    );
    let proxy = Proxy::start(upstream).await;
    let mut through = direct.clone();
    through.set_host(Some("127.0.0.1")).unwrap();
    through.set_port(Some(proxy.port)).unwrap();
    let server = Server::start(through.as_str(), None).await;
    let (port, me) = (server.port, Some(cookies[0].as_str()));

    let (r, _) = timed_get(port, "/readyz", None).await;
    assert_eq!(r.status, 200, "{r:?}");
    let (r, _) = timed_get(port, "/me", me).await;
    assert_eq!(r.status, 200, "{r:?}");

    proxy.cut();
    let (ready, ready_took) = timed_get(port, "/readyz", None).await;
    let (page, page_took) = timed_get(port, "/me", me).await;
    let (health, health_took) = timed_get(port, "/healthz", None).await;
    let (again, again_took) = timed_get(port, "/me", me).await;
    eprintln!(
        "outage: /readyz {} in {ready_took:?}; /me {} in {page_took:?}, again {} in {again_took:?}; /healthz {} in {health_took:?}",
        ready.status, page.status, again.status, health.status
    );
    assert_eq!(ready.status, 503, "{ready:?}");
    assert!(
        ready.body.contains("\"status\":\"unavailable\""),
        "{ready:?}"
    );
    for (r, took) in [(&page, page_took), (&again, again_took)] {
        assert_eq!(r.status, 503, "{r:?}");
        assert!(took < Duration::from_millis(1500), "{took:?}");
        assert_eq!(r.header("retry-after"), Some("5"), "{r:?}");
        assert!(r.body.contains("cannot reach its database"), "{r:?}");
    }
    assert!(ready_took < Duration::from_millis(1600), "{ready_took:?}");
    assert_eq!(health.status, 200);
    assert!(health_took < Duration::from_millis(200), "{health_took:?}");

    proxy.restore();
    let started = Instant::now();
    let mut last = None;
    while started.elapsed() < Duration::from_secs(10) {
        let r = get(port, "/me", me).await.unwrap();
        if r.status == 200 {
            last = Some(r);
            break;
        }
        last = Some(r);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered = started.elapsed();
    eprintln!("outage: pages again after {recovered:?}");
    let last = last.unwrap();
    assert_eq!(last.status, 200, "{last:?}\n{}", server.log());
    assert_eq!(get(port, "/readyz", None).await.unwrap().status, 200);
    assert!(server.log().contains("database unavailable: answering 503"));
    server.stop().await;
}

/// SIGTERM in the middle of a burst of quiz attempts: requests in flight finish, every
/// acknowledged attempt is in the database, and the server exits 0 within a few seconds.
async fn sigterm_drains_and_loses_no_acknowledged_attempt(init: TestAppBuilder) {
    let (app, cookies, module) = learners(init, 6).await;
    let url = url_of(&app);
    let mut server = Server::start(&url, None).await;
    let before = count(&url, "quiz_attempts").await;
    let burst = Burst::start(server.port, &module, cookies);
    burst.until(40, Duration::from_secs(60)).await;
    let signalled = Instant::now();
    let acked_before_signal = burst.acked();
    server.sigterm();
    let status = server.exited_within(Duration::from_secs(10)).await;
    let drained = signalled.elapsed();
    let (acked, statuses, _) = burst.finish().await;
    let stored = count(&url, "quiz_attempts").await - before;
    // Submissions in flight when the signal came were answered, not cut off.
    let in_flight = acked - acked_before_signal;
    eprintln!(
        "sigterm: {acked} acknowledged ({in_flight} answered after the signal), {stored} stored, exit {status:?} {drained:?} after the signal; answers {statuses:?}"
    );
    let log = server.log();
    assert!(status.is_some_and(|s| s.success()), "{status:?}\n{log}");
    assert!(drained < Duration::from_secs(5), "{drained:?}");
    assert!(acked >= 40, "{acked}");
    assert!(
        stored >= acked as i64,
        "{stored} stored < {acked} acknowledged"
    );
    assert!(log.contains("SIGTERM received"), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

/// `kill -9` in the middle of a burst: every acknowledged attempt survives, and SQLite's file
/// is intact.
async fn kill_9_loses_no_acknowledged_attempt(init: TestAppBuilder) {
    let (app, cookies, module) = learners(init, 6).await;
    let url = url_of(&app);
    let mut server = Server::start(&url, None).await;
    let before = count(&url, "quiz_attempts").await;
    let burst = Burst::start(server.port, &module, cookies);
    burst.until(60, Duration::from_secs(60)).await;
    server.kill9();
    let (acked, statuses, _) = burst.finish().await;
    let stored = count(&url, "quiz_attempts").await - before;
    eprintln!("kill -9: {acked} acknowledged, {stored} stored; answers {statuses:?}");
    assert!(acked >= 60, "{acked}");
    assert!(
        stored >= acked as i64,
        "{stored} stored < {acked} acknowledged"
    );
    if url.starts_with("sqlite:") {
        assert_eq!(integrity(&url).await, ("ok".to_string(), 0));
    }
    // The database serves again.
    let server = Server::start(&url, None).await;
    assert_eq!(get(server.port, "/readyz", None).await.unwrap().status, 200);
    server.stop().await;
}

crate::common::parity_app!(
    sigterm_drains_and_loses_no_acknowledged_attempt(flavor = "multi_thread", worker_threads = 2),
    kill_9_loses_no_acknowledged_attempt(flavor = "multi_thread", worker_threads = 2),
);

/// SQLite on a full disk (no file the server writes may grow past a limit just above the
/// database's size): submissions get a 503 page saying the storage is full (never a 500), the
/// log says so, reads go on, nothing acknowledged is lost, the database is intact, and with
/// space again writes succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_full_disk_answers_503_and_keeps_the_database_intact() {
    let (app, cookies, module) = learners(TestApp::init().sqlite(), 4).await;
    let url = url_of(&app);
    // Everything into the main file, the write-ahead log emptied: the log must grow to write.
    {
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.ok();
    }
    app.state.store.close().await;
    let file = url.trim_start_matches("sqlite://").to_string();
    let size = std::fs::metadata(&file).unwrap().len();
    let limit = size + 96 * 1024;
    let server = Server::start(&url, Some(limit)).await;
    let before = count(&url, "quiz_attempts").await;
    let burst = Burst::start(server.port, &module, cookies.clone());
    let started = Instant::now();
    while burst.refusal.lock().unwrap().is_none() && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Reading still works with the disk full.
    let (page, _) = timed_get(server.port, "/", None).await;
    let (acked, statuses, refusal) = burst.finish().await;
    let refusal = refusal.unwrap_or_else(|| panic!("no refusal: {statuses:?}\n{}", server.log()));
    eprintln!("full disk: limit {limit} bytes, {acked} acknowledged first; answers {statuses:?}");
    assert_eq!(refusal.status, 503, "{refusal:?}");
    assert!(refusal.body.contains("storage is full"), "{refusal:?}");
    assert!(
        !statuses.contains_key(&500),
        "a full disk is a 503, never a 500: {statuses:?}\n{}",
        server.log()
    );
    assert!(refusal.header("retry-after").is_some(), "{refusal:?}");
    assert_eq!(page.status, 200);
    let log = server.log();
    assert!(log.contains("storage full"), "{log}");
    server.stop().await;
    let stored = count(&url, "quiz_attempts").await - before;
    assert!(
        stored >= acked as i64,
        "{stored} stored < {acked} acknowledged"
    );
    assert_eq!(integrity(&url).await, ("ok".to_string(), 0));
    // Space again: writes succeed again.
    let server = Server::start(&url, None).await;
    let burst = Burst::start(server.port, &module, cookies);
    burst.until(5, Duration::from_secs(30)).await;
    let (acked, statuses, _) = burst.finish().await;
    assert!(acked >= 5, "{statuses:?}");
    server.stop().await;
}

/// `levelfield backup FILE` while the server answers a burst of reads and writes: the copy is
/// intact, holds the seeded organisation exactly and the attempts of one moment of the burst,
/// and serves again as `DATABASE_URL` (the learners' sessions included). It never overwrites a
/// file, and on PostgreSQL it points to `pg_dump`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_serving_round_trips_a_seeded_database() {
    let (app, cookies, module) = learners(TestApp::init().sqlite(), 3).await;
    let url = url_of(&app);
    levelfield::cli::seed::synthetic(
        &app.state,
        levelfield::cli::seed::Size::S,
        true,
        |_, _, _| {},
    )
    .await
    .expect("seed");
    let server = Server::start(&url, None).await;
    let burst = Burst::start(server.port, &module, cookies.clone());
    burst.until(10, Duration::from_secs(60)).await;
    let at_start = count(&url, "quiz_attempts").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    let backup = || {
        Command::new(env!("CARGO_BIN_EXE_levelfield"))
            .args(["backup", file.to_str().unwrap()])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let out = backup();
    let at_end = count(&url, "quiz_attempts").await;
    let (acked, _, _) = burst.finish().await;
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    eprintln!("backup: {said}");
    assert!(out.status.success(), "{out:?}");
    assert!(said.contains(" bytes in "), "{said}");
    assert!(acked >= 10);
    server.stop().await;

    let copy = format!("sqlite://{}", file.display());
    assert_eq!(integrity(&copy).await, ("ok".to_string(), 0));
    for table in [
        "organisations",
        "users",
        "memberships",
        "teams",
        "team_members",
        "self_ratings",
    ] {
        assert_eq!(
            count(&copy, table).await,
            count(&url, table).await,
            "{table}"
        );
    }
    assert!(count(&copy, "users").await > 100, "the seeded organisation");
    let attempts = count(&copy, "quiz_attempts").await;
    assert!(
        (at_start..=at_end).contains(&attempts),
        "{at_start} <= {attempts} <= {at_end}"
    );

    // Never over an existing file.
    let again = backup();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // The copy serves, the learners' sessions with it.
    let restored = Server::start(&copy, None).await;
    assert_eq!(
        get(restored.port, "/readyz", None).await.unwrap().status,
        200
    );
    let r = get(restored.port, "/me", Some(&cookies[0])).await.unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    restored.stop().await;

    // PostgreSQL: pg_dump.
    let pg = Command::new(env!("CARGO_BIN_EXE_levelfield"))
        .args(["backup", dir.path().join("pg.dump").to_str().unwrap()])
        .env(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/levelfield",
        )
        .output()
        .unwrap();
    assert_eq!(pg.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&pg.stderr).contains("pg_dump"));
}

/// `/healthz` never asks the database; `/readyz` does, and checks the migrations.
#[tokio::test]
async fn healthz_is_liveness_and_readyz_checks_database_and_migrations() {
    let app = TestApp::init().empty().await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!((status.as_u16(), body.as_str()), (200, "ok"));
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert!(body.contains("ready"));
    let (status, _) = app.get("/favicon.svg").await;
    assert_eq!(status.as_u16(), 200);
    // A migration this binary does not know: not ready (a newer release migrated the database).
    let url = url_of(&app);
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.ok();
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status.as_u16(), 503, "{body}");
    assert!(body.contains("migrations not current"), "{body}");
    assert!(body.contains("99990101000000"), "{body}");
    // The database closed: /readyz 503, /healthz still 200.
    app.state.store.close().await;
    let (status, _) = app.get("/readyz").await;
    assert_eq!(status.as_u16(), 503);
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status.as_u16(), 200);
}
