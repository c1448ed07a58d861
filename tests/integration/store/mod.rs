//! The store on real databases: one parity suite. Every scenario is written once, against
//! `&dyn Store`, and runs on a fresh SQLite file database and on a fresh PostgreSQL database.
//! Here: the harness, the `parity!` macros and the fixtures; the scenarios are in one file per
//! concern, named as in `src/store/sqlite/` and `src/store/postgres/`.
//!
//! PostgreSQL: `TEST_DATABASE_URL` names an administrative connection (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its own uniquely named
//! database there and drops it at the end, whether the scenario passed or panicked.

use crate::common::PgDatabase;
use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use levelfield::domain::items::ItemAnswer;
use levelfield::domain::matrix::Snapshot;
use levelfield::domain::people::{MemberRole, OrgId, TeamId, UserId};
use levelfield::domain::proficiency::Estimate;
use levelfield::domain::progress::{AnswerRecord, NewAttempt};
use levelfield::store::{
    connect, Assignment, ComputedEstimates, Invitation, ModuleRecord, NewAuditEvent, NewUser,
    OrgOrigin, SessionRecord, Store, StoreError,
};
use std::sync::atomic::{AtomicU64, Ordering};

use std::sync::Arc;
use tempfile::TempDir;

// --- Harness ---------------------------------------------------------------------------------

/// A fresh, migrated database and its store. Dropping it removes the database.
struct TestDb {
    store: Arc<dyn Store>,
    url: String,
    _place: Place,
}

enum Place {
    Sqlite(#[allow(dead_code)] TempDir),
    Postgres(#[allow(dead_code)] PgDatabase),
}

impl TestDb {
    async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/nested/store.db", dir.path().display());
        let store = connect(&url).await.expect("SQLite store");
        TestDb {
            store,
            url,
            _place: Place::Sqlite(dir),
        }
    }

    async fn postgres() -> TestDb {
        let db = PgDatabase::create().await;
        let url = db.url.clone();
        let store = connect(&url).await.expect("PostgreSQL store");
        TestDb {
            store,
            url,
            _place: Place::Postgres(db),
        }
    }

    /// Connects again to the same database, as a restarted server would.
    async fn reconnect(&self) -> Arc<dyn Store> {
        connect(&self.url).await.expect("reconnect")
    }
}

/// Runs each named `async fn(&dyn Store)` scenario on both backends.
macro_rules! parity {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = super::TestDb::sqlite().await;
                    super::$name(&*db.store).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if crate::common::skip_postgres() {
                        return;
                    }
                    let db = super::TestDb::postgres().await;
                    super::$name(&*db.store).await;
                }
            )*
        }
    };
}

/// Runs each named `async fn(&TestDb)` scenario (for those that reconnect or share the store
/// between tasks) on both backends, on a multi-threaded runtime.
macro_rules! parity_db {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite_db {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = super::TestDb::sqlite().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod on_postgres_db {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if crate::common::skip_postgres() {
                        return;
                    }
                    let db = super::TestDb::postgres().await;
                    super::$name(&db).await;
                }
            )*
        }
    };
}

mod accounts;
mod audit;
mod estimates;
mod orgs;
mod progress;
mod scim;
mod skills;
mod sso;
mod tasks;

// --- Fixtures --------------------------------------------------------------------------------

/// A fixed instant plus `minutes`.
fn at(minutes: i64) -> DateTime<Utc> {
    base() + Duration::minutes(minutes)
}

/// What the store returns for `at(minutes)`: the same instant.
fn stored(minutes: i64) -> DateTime<Utc> {
    at(minutes)
}

/// A day, `YYYY-MM-DD`.
fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
}

fn base() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2030-06-01T09:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

fn person(email: &str, name: &str) -> NewUser {
    NewUser {
        email: email.into(),
        name: name.into(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt$hash-of-{name}"),
    }
}

static TOKENS: AtomicU64 = AtomicU64::new(0);

fn token(prefix: &str) -> String {
    format!("{prefix}-{}", TOKENS.fetch_add(1, Ordering::Relaxed))
}

/// A new organisation with its admin (as an operator makes one beside others).
async fn new_org(store: &dyn Store, name: &str, admin_email: &str) -> (OrgId, UserId) {
    store
        .create_organisation(name, &person(admin_email, "Admin"), OrgOrigin::Real, at(0))
        .await
        .unwrap()
}

fn invitation(
    org: OrgId,
    by: UserId,
    token_hash: &str,
    role: MemberRole,
    team: Option<TeamId>,
    expires: i64,
) -> Invitation {
    Invitation {
        id: 0,
        org,
        token_hash: token_hash.into(),
        email: None,
        role,
        team,
        created_by: by,
        created_at: at(0),
        expires_at: at(expires),
        used_at: None,
    }
}

/// A new member of `org` with `role` (plus learner), through an invitation.
async fn join(
    store: &dyn Store,
    org: OrgId,
    admin: UserId,
    role: MemberRole,
    team: Option<TeamId>,
    email: &str,
    name: &str,
) -> UserId {
    let t = token("invite");
    store
        .create_invitation(&invitation(org, admin, &t, role, team, 60))
        .await
        .unwrap();
    let (joined, user) = store
        .accept_invitation(&t, at(1), &person(email, name))
        .await
        .unwrap();
    assert_eq!(joined, org);
    user
}

fn session(id: &str, user: UserId, created: i64, seen: i64, expires: i64) -> SessionRecord {
    SessionRecord {
        id_hash: id.into(),
        user,
        created_at: at(created),
        last_seen_at: at(seen),
        expires_at: at(expires),
    }
}

fn answer(q: &str, skill: &str, difficulty: u8, selected: &[u8], correct: bool) -> AnswerRecord {
    AnswerRecord {
        question: q.into(),
        skill: skill.into(),
        difficulty,
        selected: selected.to_vec(),
        correct,
    }
}

fn attempt(
    user: UserId,
    module: &str,
    score: u32,
    answers: Vec<AnswerRecord>,
    minutes: i64,
) -> NewAttempt {
    NewAttempt {
        user,
        kind: levelfield::domain::progress::AttemptKind::Quiz,
        module: module.into(),
        score,
        total: answers.len() as u32,
        answers,
        submitted_at: at(minutes),
        seed: None,
    }
}

fn rec(id: &str, title: &str) -> ModuleRecord {
    ModuleRecord {
        id: id.into(),
        slug: id.into(),
        title: title.into(),
        content_hash: "00".into(),
        present: true,
    }
}

// --- Backend selection -----------------------------------------------------------------------

#[tokio::test]
async fn unknown_database_schemes_are_refused_clearly() {
    let err = connect("mysql://localhost/x").await.err().unwrap();
    assert!(
        err.to_string().contains("unsupported database URL"),
        "{err}"
    );
}

/// `postgresql://` works as well as `postgres://`, and a missing database is created.
#[tokio::test]
async fn postgresql_urls_connect_and_create_the_database() {
    if crate::common::skip_postgres() {
        return;
    }
    let db = PgDatabase::named();
    let url = match db.url.split_once("://") {
        Some((_, rest)) => format!("postgresql://{rest}"),
        None => panic!("bad URL {}", db.url),
    };
    let store = connect(&url).await.expect("PostgreSQL store");
    store.ping().await.unwrap();
    assert_eq!(store.organisation_count().await.unwrap(), 0);
}
