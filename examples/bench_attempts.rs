//! Benchmark: recording quiz attempts concurrently, on SQLite and on PostgreSQL.
//!
//! For each backend: a fresh database, 50 learners, then N attempts (default 2000, or the
//! first argument) of 10 answers each, submitted by 50 concurrent tasks. Prints attempts per
//! second and p50/p99 latency of `record_attempt`.
//!
//! ```text
//! cargo run --features ssr --example bench_attempts [-- N]
//! ```
//!
//! PostgreSQL: `TEST_DATABASE_URL` names an administrative connection (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); the benchmark creates its own database there
//! and drops it at the end.

use chrono::{Duration as TimeDelta, Utc};
use levelfield::domain::people::{MemberRole, UserId};
use levelfield::domain::progress::{AnswerRecord, NewAttempt};
use levelfield::store::{connect, Invitation, NewUser, Store};
use sqlx::{Connection, PgConnection};
use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LEARNERS: usize = 50;
const TASKS: usize = 50;
const ANSWERS: usize = 10;

type Fallible<T> = Result<T, Box<dyn Error + Send + Sync>>;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Fallible<()> {
    let n: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 2000,
    };
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "bench_attempts ({profile} build): {n} attempts of {ANSWERS} answers, {LEARNERS} learners, \
         {TASKS} concurrent tasks"
    );

    let dir = tempfile::tempdir()?;
    let sqlite_url = format!("sqlite://{}/bench.db", dir.path().display());
    let report = bench(&sqlite_url, n).await?;
    report.print("SQLite (file, WAL)");

    let admin_url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .subsec_nanos();
    let name = format!("levelfield_bench_{}_{nanos}", std::process::id());
    let mut admin = PgConnection::connect(&admin_url).await?;
    sqlx::query(&format!(r#"CREATE DATABASE "{name}""#))
        .execute(&mut admin)
        .await?;
    // Whatever happens in the run, the database is dropped.
    let outcome = bench(&with_database(&admin_url, &name), n).await;
    sqlx::query(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    outcome?.print("PostgreSQL");
    Ok(())
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, format!("?{query}")),
        None => (rest, String::new()),
    };
    let authority = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{authority}/{name}{query}")
}

struct Report {
    attempts: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Report {
    fn print(&self, backend: &str) {
        println!(
            "{backend:<20} {:>6} attempts in {:>6.2} s: {:>7.0} attempts/s, p50 {:>7.2} ms, p99 {:>7.2} ms",
            self.attempts,
            self.elapsed.as_secs_f64(),
            self.attempts as f64 / self.elapsed.as_secs_f64(),
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
        );
    }
}

/// Sets up 50 learners on a fresh database at `url`, then records `n` attempts from 50 tasks.
async fn bench(url: &str, n: usize) -> Fallible<Report> {
    let store = connect(url).await?;
    let now = Utc::now();
    store
        .create_setup_token("bench-setup", now + TimeDelta::hours(1))
        .await?;
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string();
    let (org, admin) = store
        .setup_organisation(
            "bench-setup",
            now,
            "Bench",
            &NewUser {
                email: "admin@bench.test".into(),
                name: "Admin".into(),
                password_hash: hash.clone(),
            },
        )
        .await?;
    let mut learners: Vec<UserId> = Vec::with_capacity(LEARNERS);
    for i in 0..LEARNERS {
        let token = format!("bench-invite-{i}");
        store
            .create_invitation(&Invitation {
                id: 0,
                org,
                token_hash: token.clone(),
                email: None,
                role: MemberRole::Learner,
                team: None,
                created_by: admin,
                created_at: now,
                expires_at: now + TimeDelta::hours(1),
                used_at: None,
            })
            .await?;
        let (_, user) = store
            .accept_invitation(
                &token,
                now,
                &NewUser {
                    email: format!("learner{i}@bench.test"),
                    name: format!("Learner {i}"),
                    password_hash: hash.clone(),
                },
            )
            .await?;
        learners.push(user);
    }
    let learners = Arc::new(learners);

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let store: Arc<dyn Store> = store.clone();
        let learners = learners.clone();
        // Task `task` submits attempts task, task + TASKS, task + 2 * TASKS, …
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(n / TASKS + 1);
            for i in (task..n).step_by(TASKS) {
                let attempt = attempt(learners[i % learners.len()], i);
                let t = Instant::now();
                store.record_attempt(&attempt).await?;
                latencies.push(t.elapsed());
            }
            Ok::<_, levelfield::store::StoreError>(latencies)
        });
    }
    let mut latencies = Vec::with_capacity(n);
    while let Some(done) = tasks.join_next().await {
        latencies.extend(done??);
    }
    let elapsed = started.elapsed();

    let stored = store.attempt_count().await?;
    if stored != n as i64 {
        return Err(format!("{stored} attempts stored, {n} expected").into());
    }
    latencies.sort();
    Ok(Report {
        attempts: n,
        elapsed,
        p50: percentile(&latencies, 50),
        p99: percentile(&latencies, 99),
    })
}

/// Nearest-rank percentile of sorted `values`.
fn percentile(values: &[Duration], p: usize) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * values.len()).div_ceil(100).max(1);
    values[rank.min(values.len()) - 1]
}

fn attempt(user: UserId, i: usize) -> NewAttempt {
    let answers: Vec<AnswerRecord> = (0..ANSWERS)
        .map(|q| AnswerRecord {
            question: format!("q{q}"),
            skill: format!("skill-{}", q % 3),
            difficulty: (q % 3 + 1) as u8,
            selected: vec![((i + q) % 4) as u8],
            correct: !(i + q).is_multiple_of(3),
        })
        .collect();
    NewAttempt {
        user,
        kind: levelfield::domain::progress::AttemptKind::Quiz,
        module: format!("module-{}", i % 5),
        score: answers.iter().filter(|a| a.correct).count() as u32,
        total: ANSWERS as u32,
        answers,
        submitted_at: Utc::now(),
        seed: None,
    }
}
