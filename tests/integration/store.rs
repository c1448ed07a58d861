//! The store on real databases: one parity suite. Every scenario is written once, against
//! `&dyn Store`, and runs on a fresh SQLite file database and on a fresh PostgreSQL database.
//!
//! PostgreSQL: `TEST_DATABASE_URL` names an administrative connection (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its own uniquely named
//! database there and drops it at the end, whether the scenario passed or panicked.

use crate::common::PgDatabase;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use levelfield::domain::people::{MemberRole, OrgId, TeamId, UserId};
use levelfield::domain::proficiency::Estimate;
use levelfield::domain::progress::{AnswerRecord, NewAttempt};
use levelfield::store::{
    connect, Assignment, ComputedEstimates, Invitation, ModuleRecord, NewUser, SessionRecord,
    Snapshot, Store, StoreError,
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
                    let db = super::TestDb::postgres().await;
                    super::$name(&db).await;
                }
            )*
        }
    };
}

parity!(
    first_run,
    credentials_and_passwords,
    sessions,
    login_failures,
    teams,
    members_assign_and_remove,
    organisations_are_isolated,
    invitations,
    progress_never_moves_backwards,
    attempts_round_trip,
    times_are_normalised_and_checked,
    team_records,
    estimate_cache_follows_evidence_versions,
    ratings_overrides_and_snapshots,
);

parity_db!(
    module_registry_keeps_ids_of_removed_modules,
    concurrent_attempts
);

// --- Fixtures --------------------------------------------------------------------------------

/// A fixed instant plus `minutes`, as an RFC 3339 string with an offset (not normalised).
fn at(minutes: i64) -> String {
    (base() + Duration::minutes(minutes))
        .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).expect("offset"))
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// What the store returns for `at(minutes)`.
fn stored(minutes: i64) -> String {
    (base() + Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Micros, true)
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

/// A new organisation with its admin.
async fn new_org(store: &dyn Store, name: &str, admin_email: &str) -> (OrgId, UserId) {
    let t = token("setup");
    store.create_setup_token(&t, &at(60)).await.unwrap();
    store
        .setup_organisation(&t, &at(0), name, &person(admin_email, "Admin"))
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
        .accept_invitation(&t, &at(1), &person(email, name))
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
        module: module.into(),
        score,
        total: answers.len() as u32,
        answers,
        submitted_at: at(minutes),
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

// --- Scenarios -------------------------------------------------------------------------------

async fn first_run(store: &dyn Store) {
    store.ping().await.unwrap();
    assert_eq!(store.organisation_count().await.unwrap(), 0);

    store.create_setup_token("setup-1", &at(60)).await.unwrap();
    let unknown = store
        .setup_organisation("nope", &at(0), "Acme", &person("ada@acme.test", "Ada"))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::TokenInvalid)),
        "{unknown:?}"
    );

    let (org, admin) = store
        .setup_organisation("setup-1", &at(0), "Acme", &person("ada@acme.test", "Ada"))
        .await
        .unwrap();
    assert_eq!(store.organisation_count().await.unwrap(), 1);
    assert_eq!(store.organisation(org).await.unwrap().name, "Acme");
    let member = store.member(org, admin).await.unwrap();
    assert_eq!(member.roles, MemberRole::ALL.to_vec());
    assert_eq!((member.org, member.name.as_str()), (org, "Ada"));

    // The token is used up.
    let again = store
        .setup_organisation("setup-1", &at(1), "Acme 2", &person("bob@acme.test", "Bob"))
        .await;
    assert!(matches!(again, Err(StoreError::TokenInvalid)), "{again:?}");

    // An expired token (and one expiring exactly now) is refused.
    store.create_setup_token("setup-2", &at(10)).await.unwrap();
    for now in [at(11), at(10)] {
        let late = store
            .setup_organisation("setup-2", &now, "Late", &person("late@acme.test", "Late"))
            .await;
        assert!(matches!(late, Err(StoreError::TokenInvalid)), "{late:?}");
    }

    // A taken email fails the whole setup: no organisation, and the token stays usable.
    store.create_setup_token("setup-3", &at(60)).await.unwrap();
    let taken = store
        .setup_organisation("setup-3", &at(2), "Dup", &person("ADA@acme.test", "Ada 2"))
        .await;
    assert!(matches!(taken, Err(StoreError::EmailTaken)), "{taken:?}");
    assert_eq!(store.organisation_count().await.unwrap(), 1);
    store
        .setup_organisation(
            "setup-3",
            &at(3),
            "Second",
            &person("eve@second.test", "Eve"),
        )
        .await
        .unwrap();
    assert_eq!(store.organisation_count().await.unwrap(), 2);
}

async fn credentials_and_passwords(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "Ada.Lovelace@Example.COM").await;

    for email in [
        "ada.lovelace@example.com",
        "ADA.LOVELACE@EXAMPLE.COM",
        "Ada.Lovelace@Example.COM",
    ] {
        let c = store
            .credentials(email)
            .await
            .unwrap()
            .expect("credentials");
        assert_eq!((c.user, c.org), (admin, org));
        assert!(c.password_hash.ends_with("hash-of-Admin"));
    }
    assert!(store
        .credentials("nobody@example.com")
        .await
        .unwrap()
        .is_none());

    let me = store.member_by_user(admin).await.unwrap();
    assert_eq!(me.email, "ada.lovelace@example.com");
    assert_eq!(me.org, org);

    assert!(store
        .password_hash(admin)
        .await
        .unwrap()
        .ends_with("hash-of-Admin"));
    store
        .set_password(admin, "$argon2id$new", &at(5))
        .await
        .unwrap();
    assert_eq!(store.password_hash(admin).await.unwrap(), "$argon2id$new");
    let c = store
        .credentials("ada.lovelace@example.com")
        .await
        .unwrap()
        .expect("credentials");
    assert_eq!(c.password_hash, "$argon2id$new");

    let ghost = UserId(admin.0 + 1000);
    assert!(matches!(
        store.password_hash(ghost).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.set_password(ghost, "x", &at(5)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.member_by_user(ghost).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.organisation(OrgId(org.0 + 1000)).await,
        Err(StoreError::NotFound)
    ));
}

async fn sessions(store: &dyn Store) {
    let (org, ada) = new_org(store, "Acme", "ada@acme.test").await;
    let bob = join(
        store,
        org,
        ada,
        MemberRole::Learner,
        None,
        "bob@acme.test",
        "Bob",
    )
    .await;

    // Created at 0, seen at 0, expires at 120.
    store
        .create_session(&session("s1", ada, 0, 0, 120))
        .await
        .unwrap();
    store
        .create_session(&session("s2", ada, 0, 0, 120))
        .await
        .unwrap();
    store
        .create_session(&session("s3", ada, 0, 0, 120))
        .await
        .unwrap();
    store
        .create_session(&session("b1", bob, 0, 0, 30))
        .await
        .unwrap();

    let live = store
        .session("s1", &at(10), &at(-30))
        .await
        .unwrap()
        .expect("live");
    assert_eq!(
        live,
        SessionRecord {
            id_hash: "s1".into(),
            user: ada,
            created_at: stored(0),
            last_seen_at: stored(0),
            expires_at: stored(120),
        }
    );
    assert!(store
        .session("nope", &at(10), &at(-30))
        .await
        .unwrap()
        .is_none());
    // Idle: not seen since the cutoff.
    assert!(store
        .session("s1", &at(50), &at(1))
        .await
        .unwrap()
        .is_none());
    // Seen exactly at the cutoff still counts.
    assert!(store
        .session("s1", &at(50), &at(0))
        .await
        .unwrap()
        .is_some());
    // Absolute expiry, whatever the activity.
    assert!(store
        .session("s1", &at(120), &at(-30))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session("s1", &at(121), &at(-30))
        .await
        .unwrap()
        .is_none());

    // Touching moves last_seen forwards, never backwards.
    store.touch_session("s1", &at(40)).await.unwrap();
    store.touch_session("s1", &at(20)).await.unwrap();
    let touched = store
        .session("s1", &at(50), &at(30))
        .await
        .unwrap()
        .expect("live");
    assert_eq!(touched.last_seen_at, stored(40));
    store.touch_session("nope", &at(40)).await.unwrap();

    store.delete_session("s2").await.unwrap();
    assert!(store
        .session("s2", &at(1), &at(-30))
        .await
        .unwrap()
        .is_none());
    store.delete_session("s2").await.unwrap();

    // After a password change: every other session of ada ends, bob's stay.
    store
        .create_session(&session("s4", ada, 0, 0, 120))
        .await
        .unwrap();
    assert_eq!(store.delete_other_sessions(ada, "s1").await.unwrap(), 2);
    assert!(store
        .session("s1", &at(41), &at(0))
        .await
        .unwrap()
        .is_some());
    assert!(store
        .session("s3", &at(1), &at(-30))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session("b1", &at(1), &at(-30))
        .await
        .unwrap()
        .is_some());

    // Purge: b1 expired (30), s5 idle (seen 5 < cutoff 10), s1 live (seen 40).
    store
        .create_session(&session("s5", ada, 0, 5, 120))
        .await
        .unwrap();
    assert_eq!(store.purge_sessions(&at(30), &at(10)).await.unwrap(), 2);
    assert!(store
        .session("s1", &at(41), &at(10))
        .await
        .unwrap()
        .is_some());
    assert_eq!(store.purge_sessions(&at(30), &at(10)).await.unwrap(), 0);

    let orphan = store
        .create_session(&session("x", UserId(ada.0 + 1000), 0, 0, 10))
        .await;
    assert!(matches!(orphan, Err(StoreError::NotFound)), "{orphan:?}");
}

async fn login_failures(store: &dyn Store) {
    for m in [0, 5, 10] {
        store
            .record_login_failure("10.0.0.1", &at(m))
            .await
            .unwrap();
    }
    store
        .record_login_failure("10.0.0.2", &at(7))
        .await
        .unwrap();
    assert_eq!(
        store
            .login_failures_since("10.0.0.1", &at(-1))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .login_failures_since("10.0.0.1", &at(5))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .login_failures_since("10.0.0.1", &at(11))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .login_failures_since("10.0.0.2", &at(0))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .login_failures_since("10.0.0.3", &at(0))
            .await
            .unwrap(),
        0
    );
}

async fn teams(store: &dyn Store) {
    let (a, _) = new_org(store, "A", "a@a.test").await;
    let (b, _) = new_org(store, "B", "b@b.test").await;
    assert!(store.teams(a).await.unwrap().is_empty());
    let zeta = store.create_team(a, "Zeta").await.unwrap();
    let alpha = store.create_team(a, "Alpha").await.unwrap();
    let beta = store.create_team(a, "beta").await.unwrap();
    let dup = store.create_team(a, "Zeta").await;
    assert!(matches!(dup, Err(StoreError::NameTaken)), "{dup:?}");
    // The same name in another organisation is fine.
    let b_zeta = store.create_team(b, "Zeta").await.unwrap();

    let names: Vec<(TeamId, OrgId, String)> = store
        .teams(a)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t.org, t.name))
        .collect();
    assert_eq!(
        names,
        vec![
            (alpha, a, "Alpha".to_string()),
            (beta, a, "beta".to_string()),
            (zeta, a, "Zeta".to_string())
        ]
    );
    let b_teams = store.teams(b).await.unwrap();
    assert_eq!(b_teams.len(), 1);
    assert_eq!(b_teams[0].id, b_zeta);

    let missing = store.create_team(OrgId(b.0 + 1000), "Ghosts").await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

async fn members_assign_and_remove(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "zed@acme.test").await;
    let red = store.create_team(org, "Red").await.unwrap();
    let blue = store.create_team(org, "Blue").await.unwrap();
    let cy = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        Some(red),
        "cy@acme.test",
        "Cy",
    )
    .await;
    let bo = join(
        store,
        org,
        admin,
        MemberRole::Author,
        None,
        "bo@acme.test",
        "Bo",
    )
    .await;
    join(
        store,
        org,
        admin,
        MemberRole::Learner,
        None,
        "al@acme.test",
        "al",
    )
    .await;

    // Ordered by name whatever the case, the same on every backend and collation.
    let members = store.members(org).await.unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Admin", "al", "Bo", "Cy"]);
    assert_eq!(members[0].roles, MemberRole::ALL.to_vec());
    assert_eq!(members[2].roles, [MemberRole::Learner, MemberRole::Author]);
    assert_eq!(
        (members[3].teams.clone(), members[3].manages.clone()),
        (vec![red], vec![])
    );

    let assignment = Assignment {
        roles: vec![
            MemberRole::Manager,
            MemberRole::Learner,
            MemberRole::Manager,
        ],
        teams: vec![blue, red],
        manages: vec![blue],
    };
    store.assign(org, cy, &assignment).await.unwrap();
    let cy_now = store.member(org, cy).await.unwrap();
    assert_eq!(cy_now.roles, [MemberRole::Learner, MemberRole::Manager]);
    let mut both = vec![red, blue];
    both.sort();
    assert_eq!(cy_now.teams, both);
    assert_eq!(cy_now.manages, [blue]);
    assert_eq!(store.members(org).await.unwrap()[3], cy_now);

    // A team that is not the organisation's: refused, and nothing changes.
    let bad = Assignment {
        roles: vec![MemberRole::Learner],
        teams: vec![TeamId(blue.0 + 1000)],
        manages: vec![],
    };
    assert!(matches!(
        store.assign(org, cy, &bad).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.member(org, cy).await.unwrap(), cy_now);
    // Replaced as a whole.
    store.assign(org, cy, &Assignment::default()).await.unwrap();
    let bare = store.member(org, cy).await.unwrap();
    assert!(bare.roles.is_empty() && bare.teams.is_empty() && bare.manages.is_empty());

    // Removing a member removes everything of theirs.
    store
        .create_session(&session("cy-1", cy, 0, 0, 120))
        .await
        .unwrap();
    store
        .record_progress(cy, "m1", 1, 3, None, false, &at(2))
        .await
        .unwrap();
    store
        .record_attempt(&attempt(
            cy,
            "m1",
            1,
            vec![answer("q1", "s", 1, &[0], true)],
            3,
        ))
        .await
        .unwrap();
    store
        .record_attempt(&attempt(
            bo,
            "m1",
            0,
            vec![answer("q1", "s", 1, &[1], false)],
            3,
        ))
        .await
        .unwrap();
    assert_eq!(store.attempt_count().await.unwrap(), 2);

    store.remove_member(org, cy).await.unwrap();
    assert!(matches!(
        store.member(org, cy).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.credentials("cy@acme.test").await.unwrap().is_none());
    assert!(store
        .session("cy-1", &at(5), &at(0))
        .await
        .unwrap()
        .is_none());
    assert!(store.progress(cy).await.unwrap().is_empty());
    assert!(store.attempts(cy).await.unwrap().is_empty());
    assert_eq!(store.attempt_count().await.unwrap(), 1);
    assert_eq!(store.attempts(bo).await.unwrap().len(), 1);
    assert_eq!(store.members(org).await.unwrap().len(), 3);
    assert!(matches!(
        store.remove_member(org, cy).await,
        Err(StoreError::NotFound)
    ));
    // The email is free again.
    join(
        store,
        org,
        admin,
        MemberRole::Learner,
        None,
        "cy@acme.test",
        "Cy again",
    )
    .await;
}

async fn organisations_are_isolated(store: &dyn Store) {
    let (a, a_admin) = new_org(store, "A", "admin@a.test").await;
    let (b, b_admin) = new_org(store, "B", "admin@b.test").await;
    let a_team = store.create_team(a, "A team").await.unwrap();
    let b_team = store.create_team(b, "B team").await.unwrap();
    let a_member = join(
        store,
        a,
        a_admin,
        MemberRole::Learner,
        Some(a_team),
        "m@a.test",
        "M",
    )
    .await;

    // Org B cannot read org A's member...
    assert!(matches!(
        store.member(b, a_member).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .members(b)
        .await
        .unwrap()
        .iter()
        .all(|m| m.org == b && m.user != a_member));
    assert_eq!(store.members(b).await.unwrap().len(), 1);
    assert!(store.teams(b).await.unwrap().iter().all(|t| t.id != a_team));
    // ...nor assign or remove them...
    let assignment = Assignment {
        roles: vec![MemberRole::Admin],
        teams: vec![b_team],
        manages: vec![],
    };
    assert!(matches!(
        store.assign(b, a_member, &assignment).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.remove_member(b, a_member).await,
        Err(StoreError::NotFound)
    ));
    let untouched = store.member(a, a_member).await.unwrap();
    assert_eq!(untouched.roles, [MemberRole::Learner]);
    assert_eq!(untouched.teams, [a_team]);
    // ...nor put its own member into org A's team, nor invite into it.
    let into_a = Assignment {
        roles: vec![MemberRole::Learner],
        teams: vec![a_team],
        manages: vec![],
    };
    assert!(matches!(
        store.assign(b, b_admin, &into_a).await,
        Err(StoreError::NotFound)
    ));
    let into_a_manages = Assignment {
        roles: vec![MemberRole::Manager],
        teams: vec![],
        manages: vec![a_team],
    };
    assert!(matches!(
        store.assign(b, b_admin, &into_a_manages).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.member(b, b_admin).await.unwrap().roles,
        MemberRole::ALL.to_vec()
    );
    let cross_team = store
        .create_invitation(&invitation(
            b,
            b_admin,
            "x-1",
            MemberRole::Learner,
            Some(a_team),
            60,
        ))
        .await;
    assert!(
        matches!(cross_team, Err(StoreError::NotFound)),
        "{cross_team:?}"
    );
    let cross_inviter = store
        .create_invitation(&invitation(
            b,
            a_admin,
            "x-2",
            MemberRole::Learner,
            None,
            60,
        ))
        .await;
    assert!(
        matches!(cross_inviter, Err(StoreError::NotFound)),
        "{cross_inviter:?}"
    );
    assert!(store.invitation("x-1").await.unwrap().is_none());

    // Invitations are listed per organisation.
    store
        .create_invitation(&invitation(
            a,
            a_admin,
            "a-inv",
            MemberRole::Learner,
            None,
            60,
        ))
        .await
        .unwrap();
    assert!(store.invitations(b, &at(0)).await.unwrap().is_empty());
    assert_eq!(store.invitations(a, &at(0)).await.unwrap().len(), 1);
}

async fn invitations(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "admin@acme.test").await;
    let red = store.create_team(org, "Red").await.unwrap();

    let mut manager = invitation(
        org,
        admin,
        "inv-manager",
        MemberRole::Manager,
        Some(red),
        60,
    );
    manager.email = Some("Mia@Acme.test".into());
    let manager_id = store.create_invitation(&manager).await.unwrap();
    let author_id = store
        .create_invitation(&invitation(
            org,
            admin,
            "inv-author",
            MemberRole::Author,
            None,
            90,
        ))
        .await
        .unwrap();
    store
        .create_invitation(&invitation(
            org,
            admin,
            "inv-expired",
            MemberRole::Learner,
            None,
            5,
        ))
        .await
        .unwrap();

    // Pending at minute 10: the expired one is not listed.
    let pending = store.invitations(org, &at(10)).await.unwrap();
    let ids: Vec<i64> = pending.iter().map(|i| i.id).collect();
    assert_eq!(ids, [manager_id, author_id]);
    assert_eq!(
        pending[0],
        Invitation {
            id: manager_id,
            org,
            token_hash: "inv-manager".into(),
            email: Some("mia@acme.test".into()),
            role: MemberRole::Manager,
            team: Some(red),
            created_by: admin,
            created_at: stored(0),
            expires_at: stored(60),
            used_at: None,
        }
    );
    assert_eq!(
        store.invitation("inv-manager").await.unwrap().as_ref(),
        Some(&pending[0])
    );
    assert!(store.invitation("inv-none").await.unwrap().is_none());

    // Accepting: the role plus learner, the team, and managing it.
    let (joined, mia) = store
        .accept_invitation("inv-manager", &at(10), &person("mia@acme.test", "Mia"))
        .await
        .unwrap();
    assert_eq!(joined, org);
    let m = store.member(org, mia).await.unwrap();
    assert_eq!(m.roles, [MemberRole::Learner, MemberRole::Manager]);
    assert_eq!((m.teams.clone(), m.manages.clone()), (vec![red], vec![red]));
    let used = store
        .invitation("inv-manager")
        .await
        .unwrap()
        .expect("kept");
    assert_eq!(used.used_at, Some(stored(10)));
    assert_eq!(store.invitations(org, &at(10)).await.unwrap().len(), 1);

    // Twice: refused.
    let twice = store
        .accept_invitation("inv-manager", &at(11), &person("other@acme.test", "Other"))
        .await;
    assert!(matches!(twice, Err(StoreError::TokenInvalid)), "{twice:?}");
    // Expired (also exactly at expiry): refused.
    for now in [at(6), at(5)] {
        let late = store
            .accept_invitation("inv-expired", &now, &person("late@acme.test", "Late"))
            .await;
        assert!(matches!(late, Err(StoreError::TokenInvalid)), "{late:?}");
    }
    let unknown = store
        .accept_invitation("inv-none", &at(1), &person("who@acme.test", "Who"))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::TokenInvalid)),
        "{unknown:?}"
    );

    // A taken email: refused, the invitation stays unused and nothing else is created.
    let before = store.members(org).await.unwrap().len();
    let taken = store
        .accept_invitation("inv-author", &at(12), &person("MIA@acme.test", "Mia 2"))
        .await;
    assert!(matches!(taken, Err(StoreError::EmailTaken)), "{taken:?}");
    assert_eq!(
        store
            .invitation("inv-author")
            .await
            .unwrap()
            .expect("kept")
            .used_at,
        None
    );
    assert_eq!(store.members(org).await.unwrap().len(), before);
    let (_, al) = store
        .accept_invitation("inv-author", &at(13), &person("al@acme.test", "Al"))
        .await
        .unwrap();
    let al = store.member(org, al).await.unwrap();
    assert_eq!(al.roles, [MemberRole::Learner, MemberRole::Author]);
    assert!(al.teams.is_empty() && al.manages.is_empty());
    assert!(store.invitations(org, &at(13)).await.unwrap().is_empty());

    // A learner invited into a team joins it without managing it.
    store
        .create_invitation(&invitation(
            org,
            admin,
            "inv-red",
            MemberRole::Learner,
            Some(red),
            60,
        ))
        .await
        .unwrap();
    let (_, lu) = store
        .accept_invitation("inv-red", &at(14), &person("lu@acme.test", "Lu"))
        .await
        .unwrap();
    let lu = store.member(org, lu).await.unwrap();
    assert_eq!(lu.roles, [MemberRole::Learner]);
    assert_eq!((lu.teams.clone(), lu.manages.clone()), (vec![red], vec![]));
}

async fn progress_never_moves_backwards(store: &dyn Store) {
    let (_, user) = new_org(store, "Acme", "p@acme.test").await;
    assert!(store.progress(user).await.unwrap().is_empty());

    store
        .record_progress(user, "intro", 2, 5, Some("two"), false, &at(1))
        .await
        .unwrap();
    store
        .record_progress(user, "intro", 1, 5, Some("one"), false, &at(2))
        .await
        .unwrap();
    let p = &store.progress(user).await.unwrap()[0];
    assert_eq!(
        (p.sections_reached, p.resume_anchor.as_deref()),
        (2, Some("two"))
    );
    assert_eq!(
        (p.started_at.clone(), p.updated_at.clone()),
        (stored(1), stored(2))
    );
    assert_eq!(p.completed_at, None);
    assert_eq!(p.percent(), 40);

    store
        .record_progress(user, "intro", 4, 6, Some("four"), false, &at(3))
        .await
        .unwrap();
    store
        .record_progress(user, "intro", 5, 6, Some("five"), true, &at(4))
        .await
        .unwrap();
    // Completion is kept once set, and a later, lesser visit moves nothing back.
    store
        .record_progress(user, "intro", 1, 6, None, false, &at(5))
        .await
        .unwrap();
    store
        .record_progress(user, "intro", 6, 6, Some("six"), true, &at(6))
        .await
        .unwrap();
    let p = &store.progress(user).await.unwrap()[0];
    assert_eq!(p.user, user);
    assert_eq!(p.module, "intro");
    assert_eq!((p.sections_reached, p.sections_total), (6, 6));
    assert_eq!(p.resume_anchor.as_deref(), Some("six"));
    assert_eq!(p.completed_at, Some(stored(4)));
    assert_eq!(p.started_at, stored(1));
    assert_eq!(p.updated_at, stored(6));
    assert_eq!(p.percent(), 100);

    // Most recently updated first.
    store
        .record_progress(user, "advanced", 1, 4, None, false, &at(7))
        .await
        .unwrap();
    let modules: Vec<String> = store
        .progress(user)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.module)
        .collect();
    assert_eq!(modules, ["advanced", "intro"]);
    store
        .record_progress(user, "intro", 6, 6, None, true, &at(8))
        .await
        .unwrap();
    let p = store.progress(user).await.unwrap();
    assert_eq!(p[0].module, "intro");
    assert_eq!(p[0].resume_anchor.as_deref(), Some("six"));

    let ghost = store
        .record_progress(UserId(user.0 + 1000), "intro", 1, 2, None, false, &at(1))
        .await;
    assert!(matches!(ghost, Err(StoreError::NotFound)), "{ghost:?}");
}

async fn attempts_round_trip(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "q@acme.test").await;
    let other = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        None,
        "o@acme.test",
        "O",
    )
    .await;
    assert_eq!(store.attempt_count().await.unwrap(), 0);
    assert!(store.attempts(admin).await.unwrap().is_empty());

    let first = attempt(
        admin,
        "intro",
        1,
        vec![
            answer("q1", "prompting", 1, &[0, 2], true),
            answer("q2", "evaluation", 3, &[], false),
        ],
        1,
    );
    let second = attempt(
        admin,
        "intro",
        3,
        vec![
            answer("q3", "prompting", 2, &[1], true),
            answer("q1", "prompting", 1, &[0, 2], true),
            answer("q2", "evaluation", 255, &[3, 0], true),
        ],
        2,
    );
    let empty = attempt(admin, "advanced", 0, vec![], 3);
    let first_id = store.record_attempt(&first).await.unwrap();
    let second_id = store.record_attempt(&second).await.unwrap();
    let empty_id = store.record_attempt(&empty).await.unwrap();
    store
        .record_attempt(&attempt(
            other,
            "intro",
            0,
            vec![answer("q1", "p", 1, &[1], false)],
            4,
        ))
        .await
        .unwrap();
    assert_eq!(store.attempt_count().await.unwrap(), 4);

    // Newest first, answers in order.
    let got = store.attempts(admin).await.unwrap();
    let ids: Vec<_> = got.iter().map(|a| a.id).collect();
    assert_eq!(ids, [empty_id, second_id, first_id]);
    for (got, sent) in got.iter().zip([&empty, &second, &first]) {
        assert_eq!(got.user, sent.user);
        assert_eq!(got.module, sent.module);
        assert_eq!((got.score, got.total), (sent.score, sent.total));
        assert_eq!(got.answers, sent.answers);
        assert_eq!(got.submitted_at, normalised(&sent.submitted_at));
    }
    assert_eq!(store.attempts(other).await.unwrap().len(), 1);

    let ghost = store
        .record_attempt(&attempt(
            UserId(other.0 + 1000),
            "intro",
            0,
            vec![answer("q", "s", 1, &[], false)],
            1,
        ))
        .await;
    assert!(matches!(ghost, Err(StoreError::NotFound)), "{ghost:?}");
    assert_eq!(store.attempt_count().await.unwrap(), 4);

    // A long quiz: more answers than one SQLite statement takes, still in order.
    let long: Vec<AnswerRecord> = (0..5000_u32)
        .map(|i| {
            answer(
                &format!("q{i}"),
                "s",
                (i % 256) as u8,
                &[(i % 7) as u8],
                i.is_multiple_of(3),
            )
        })
        .collect();
    store
        .record_attempt(&attempt(other, "long", 1667, long.clone(), 5))
        .await
        .unwrap();
    let got = store.attempts(other).await.unwrap();
    assert_eq!(got[0].module, "long");
    assert_eq!(got[0].answers, long);
}

fn normalised(t: &str) -> String {
    DateTime::parse_from_rfc3339(t)
        .expect("time")
        .with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

async fn times_are_normalised_and_checked(store: &dyn Store) {
    let (_, user) = new_org(store, "Acme", "t@acme.test").await;
    // Offsets and precision vary on the way in; one form comes out, and comparisons are by
    // time, not by text.
    let s = SessionRecord {
        id_hash: "t1".into(),
        user,
        created_at: "2030-06-01T11:00:00+02:00".into(),
        last_seen_at: "2030-06-01T09:00:00.123456789Z".into(),
        expires_at: "2030-06-01T05:30:00-04:00".into(),
    };
    store.create_session(&s).await.unwrap();
    let got = store
        .session("t1", "2030-06-01T10:00:00+01:00", "2030-06-01T09:00:00.1Z")
        .await
        .unwrap()
        .expect("live");
    assert_eq!(got.created_at, "2030-06-01T09:00:00.000000Z");
    assert_eq!(got.last_seen_at, "2030-06-01T09:00:00.123456Z");
    assert_eq!(got.expires_at, "2030-06-01T09:30:00.000000Z");
    // 09:31 UTC, written with an offset that sorts before it as text.
    assert!(store
        .session("t1", "2030-06-01T05:31:00-04:00", "2030-06-01T08:00:00Z")
        .await
        .unwrap()
        .is_none());

    for bad in ["", "tomorrow", "2030-06-01", "2030-06-01 09:00"] {
        let err = store.session("t1", bad, &at(0)).await;
        assert!(
            matches!(&err, Err(StoreError::BadTime(t)) if t == bad),
            "{bad}: {err:?}"
        );
    }
    let err = store.create_setup_token("t", "soon").await;
    assert!(
        matches!(&err, Err(StoreError::BadTime(t)) if t == "soon"),
        "{err:?}"
    );
    assert!(err.unwrap_err().to_string().contains("soon"));
}

async fn module_registry_keeps_ids_of_removed_modules(db: &TestDb) {
    let store = &db.store;
    store.ping().await.unwrap();
    assert!(store.module_registry().await.unwrap().is_empty());
    store
        .sync_modules(&[rec("a", "A"), rec("b", "B")])
        .await
        .unwrap();
    store.sync_modules(&[rec("b", "B two")]).await.unwrap();
    let all = store.module_registry().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].id.as_str(), all[0].present), ("a", false));
    assert_eq!((all[1].title.as_str(), all[1].present), ("B two", true));

    // Durable: a new connection (a restart) sees the same registry; migrations are idempotent.
    let again = db.reconnect().await;
    assert_eq!(again.module_registry().await.unwrap(), all);
    again.sync_modules(&[rec("a", "A back")]).await.unwrap();
    let back = again.module_registry().await.unwrap();
    assert_eq!((back[0].title.as_str(), back[0].present), ("A back", true));
    assert!(!back[1].present);
}

/// 50 learners submit a quiz at the same moment: every attempt is stored.
async fn concurrent_attempts(db: &TestDb) {
    const LEARNERS: usize = 50;
    let store = db.store.clone();
    let (org, admin) = new_org(&*store, "Acme", "admin@acme.test").await;
    let mut learners = Vec::with_capacity(LEARNERS);
    for i in 0..LEARNERS {
        let email = format!("learner{i}@acme.test");
        let name = format!("Learner {i:02}");
        learners.push(
            join(
                &*store,
                org,
                admin,
                MemberRole::Learner,
                None,
                &email,
                &name,
            )
            .await,
        );
    }
    assert_eq!(store.members(org).await.unwrap().len(), LEARNERS + 1);

    let start = Arc::new(tokio::sync::Barrier::new(LEARNERS));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, user) in learners.iter().copied().enumerate() {
        let store = store.clone();
        let start = start.clone();
        tasks.spawn(async move {
            let answers = vec![
                answer("q1", "prompting", 1, &[(i % 4) as u8], i.is_multiple_of(2)),
                answer("q2", "evaluation", 2, &[0, 1], true),
            ];
            start.wait().await;
            store
                .record_attempt(&attempt(
                    user,
                    "intro",
                    1 + (i.is_multiple_of(2)) as u32,
                    answers,
                    30,
                ))
                .await
        });
    }
    let mut stored_ok = 0;
    while let Some(outcome) = tasks.join_next().await {
        outcome.expect("task").expect("attempt recorded");
        stored_ok += 1;
    }
    assert_eq!(stored_ok, LEARNERS);
    assert_eq!(store.attempt_count().await.unwrap(), LEARNERS as i64);
    for user in [learners[0], learners[LEARNERS - 1]] {
        let a = store.attempts(user).await.unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].answers.len(), 2);
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
    let db = PgDatabase::named();
    let url = match db.url.split_once("://") {
        Some((_, rest)) => format!("postgresql://{rest}"),
        None => panic!("bad URL {}", db.url),
    };
    let store = connect(&url).await.expect("PostgreSQL store");
    store.ping().await.unwrap();
    assert_eq!(store.organisation_count().await.unwrap(), 0);
}

/// A team's records in one go: its members' progress and attempts, nobody else's, and nothing
/// for a team of another organisation.
async fn team_records(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "t@acme.test").await;
    let team = store.create_team(org, "Alpha").await.unwrap();
    let other_team = store.create_team(org, "Beta").await.unwrap();
    let inside = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        Some(team),
        "in@acme.test",
        "In",
    )
    .await;
    let outside = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        Some(other_team),
        "out@acme.test",
        "Out",
    )
    .await;
    for user in [inside, outside] {
        store
            .record_progress(user, "intro", 1, 2, Some("a"), false, &at(2))
            .await
            .unwrap();
        store
            .record_attempt(&attempt(
                user,
                "intro",
                1,
                vec![answer("q1", "prompting", 2, &[1], true)],
                3,
            ))
            .await
            .unwrap();
    }
    let progress = store.team_progress(org, team).await.unwrap();
    assert_eq!(
        progress.iter().map(|p| p.user).collect::<Vec<_>>(),
        [inside]
    );
    let attempts = store.team_attempts(org, team).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].user, inside);
    assert_eq!(attempts[0].answers[0].question, "q1");

    let everyone = store.org_progress(org).await.unwrap();
    assert_eq!(everyone.len(), 2, "the organisation's records: both teams");
    assert_eq!(store.org_attempts(org).await.unwrap().len(), 2);

    let (org_b, _) = new_org(store, "Other", "t@other.test").await;
    assert!(
        store.org_progress(org_b).await.unwrap().is_empty(),
        "another organisation's records are not included"
    );
    assert!(store.org_attempts(org_b).await.unwrap().is_empty());
    assert!(
        store.team_progress(org_b, team).await.unwrap().is_empty(),
        "another org's team id finds nothing"
    );
    assert!(store.team_attempts(org_b, team).await.unwrap().is_empty());
}

fn est(level: f64) -> Estimate {
    Estimate {
        level,
        se: 0.5,
        low: level - 1.0,
        high: level + 1.0,
        evidence: 3,
        weight: 2.5,
        tested_up_to: None,
    }
}

/// Every evidence write bumps a version; estimates computed from an older version are not
/// stored as current, so a refresh racing a new attempt never hides it.
async fn estimate_cache_follows_evidence_versions(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "e@acme.test").await;
    let learner = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        None,
        "l@acme.test",
        "L",
    )
    .await;
    let (other_org, _) = new_org(store, "Other", "e@other.test").await;
    let today = 20_000;
    // Never computed: everyone is stale.
    let stale = store.stale_estimates(org, today).await.unwrap();
    assert_eq!(stale.len(), 2);
    assert!(stale.iter().all(|s| s.version == 0));
    let computed = |user, version, level| ComputedEstimates {
        user,
        version,
        skills: vec![("evaluation".to_string(), est(level))],
    };
    store
        .store_estimates(
            org,
            &[computed(learner, 0, 1.5), computed(admin, 0, 2.0)],
            today,
        )
        .await
        .unwrap();
    assert!(store.stale_estimates(org, today).await.unwrap().is_empty());
    assert_eq!(store.org_estimates(org).await.unwrap().len(), 2);
    // A day later, everything is stale again (estimates age with their evidence).
    assert_eq!(
        store.stale_estimates(org, today + 1).await.unwrap().len(),
        2
    );

    // New evidence: only the learner is stale, at version 1, and their records load.
    store
        .record_attempt(&attempt(
            learner,
            "intro",
            1,
            vec![answer("q1", "evaluation", 1, &[0], true)],
            1,
        ))
        .await
        .unwrap();
    let stale = store.stale_estimates(org, today).await.unwrap();
    assert_eq!(
        stale
            .iter()
            .map(|s| (s.user, s.version))
            .collect::<Vec<_>>(),
        [(learner, 1)]
    );
    assert_eq!(store.stale_attempts(org, today).await.unwrap().len(), 1);
    assert!(store.stale_progress(org, today).await.unwrap().is_empty());
    store
        .record_progress(learner, "intro", 3, 3, None, true, &at(2))
        .await
        .unwrap();
    assert_eq!(store.stale_progress(org, today).await.unwrap().len(), 1);
    // Computed from version 1, but a completion made it 2: nothing stored, still stale.
    store
        .store_estimates(org, &[computed(learner, 1, 3.0)], today)
        .await
        .unwrap();
    let stale = store.stale_estimates(org, today).await.unwrap();
    assert_eq!(
        stale
            .iter()
            .map(|s| (s.user, s.version))
            .collect::<Vec<_>>(),
        [(learner, 2)]
    );
    let mine: Vec<_> = store
        .org_estimates(org)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.0 == learner)
        .collect();
    assert_eq!(
        mine[0].2.level, 1.5,
        "the old estimate stays until a current one replaces it"
    );
    store
        .store_estimates(org, &[computed(learner, 2, 3.0)], today)
        .await
        .unwrap();
    assert!(store.stale_estimates(org, today).await.unwrap().is_empty());
    let mine: Vec<_> = store
        .org_estimates(org)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.0 == learner)
        .collect();
    assert_eq!(mine, [(learner, "evaluation".to_string(), est(3.0))]);

    // Another organisation's id finds and changes nothing.
    store
        .store_estimates(other_org, &[computed(learner, 2, 0.5)], today)
        .await
        .unwrap();
    assert!(store.org_estimates(other_org).await.unwrap().is_empty());
    assert!(store
        .stale_estimates(other_org, today)
        .await
        .unwrap()
        .iter()
        .all(|s| s.user != learner));
    assert_eq!(
        store
            .org_estimates(org)
            .await
            .unwrap()
            .iter()
            .find(|e| e.0 == learner)
            .unwrap()
            .2
            .level,
        3.0
    );
}

async fn ratings_overrides_and_snapshots(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "r@acme.test").await;
    let (other_org, other_admin) = new_org(store, "Other", "r@other.test").await;
    let team = store.create_team(org, "T").await.unwrap();

    // Target roles: a person's and a team's, within the organisation only.
    store
        .set_target_role(org, admin, Some("analyst"))
        .await
        .unwrap();
    store
        .set_team_target_role(org, team, Some("lead"))
        .await
        .unwrap();
    assert_eq!(
        store.members(org).await.unwrap()[0].target_role.as_deref(),
        Some("analyst")
    );
    assert_eq!(
        store.teams(org).await.unwrap()[0].target_role.as_deref(),
        Some("lead")
    );
    assert!(matches!(
        store.set_target_role(other_org, admin, None).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.set_team_target_role(other_org, team, None).await,
        Err(StoreError::NotFound)
    ));
    store.set_target_role(org, admin, None).await.unwrap();
    assert_eq!(store.members(org).await.unwrap()[0].target_role, None);

    // Self-ratings: set, changed, removed; never readable through another organisation.
    let ratings = [
        ("evaluation".to_string(), Some(3)),
        ("prompting".to_string(), Some(1)),
    ];
    store
        .set_self_ratings(org, admin, &ratings, &at(1))
        .await
        .unwrap();
    store
        .set_self_ratings(
            org,
            admin,
            &[("prompting".into(), None), ("evaluation".into(), Some(4))],
            &at(2),
        )
        .await
        .unwrap();
    let mine = store.self_ratings(org, admin).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].skill.as_str(), mine[0].level), ("evaluation", 4));
    assert!(store
        .self_ratings(other_org, admin)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store
            .set_self_ratings(other_org, admin, &ratings, &at(3))
            .await,
        Err(StoreError::NotFound)
    ));

    // Scarcity overrides per organisation.
    store
        .set_scarcity_override(
            org,
            "evaluation",
            Some((0.25, "hiring data")),
            admin,
            &at(1),
        )
        .await
        .unwrap();
    store
        .set_scarcity_override(org, "evaluation", Some((0.3, "newer data")), admin, &at(2))
        .await
        .unwrap();
    let o = store.scarcity_overrides(org).await.unwrap();
    assert_eq!(
        (o.len(), o[0].weight, o[0].note.as_str(), o[0].set_by),
        (1, 0.3, "newer data", Some(admin))
    );
    assert!(store
        .scarcity_overrides(other_org)
        .await
        .unwrap()
        .is_empty());
    store
        .set_scarcity_override(org, "evaluation", None, admin, &at(3))
        .await
        .unwrap();
    assert!(store.scarcity_overrides(org).await.unwrap().is_empty());
    let _ = other_admin;

    // Snapshots: a day's rows replace that day's, and read back per group from a day on.
    let snap = |team: Option<TeamId>, day: &str, gap: f64| Snapshot {
        team,
        skill: "evaluation".into(),
        day: day.into(),
        people: 5,
        below_target: 2,
        unmeasured: 1,
        mean_gap: gap,
        exposure: gap * 2.0,
    };
    store
        .record_snapshots(
            org,
            "2026-11-01",
            &[
                snap(None, "2026-11-01", 1.0),
                snap(Some(team), "2026-11-01", 2.0),
            ],
        )
        .await
        .unwrap();
    store
        .record_snapshots(org, "2026-11-08", &[snap(None, "2026-11-08", 0.5)])
        .await
        .unwrap();
    store
        .record_snapshots(org, "2026-11-08", &[snap(None, "2026-11-08", 0.75)])
        .await
        .unwrap();
    let whole = store.snapshots(org, None, "2026-10-01").await.unwrap();
    assert_eq!(
        whole,
        [
            snap(None, "2026-11-01", 1.0),
            snap(None, "2026-11-08", 0.75)
        ]
    );
    assert_eq!(
        store
            .snapshots(org, None, "2026-11-02")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .snapshots(org, Some(team), "2026-10-01")
            .await
            .unwrap(),
        [snap(Some(team), "2026-11-01", 2.0)]
    );
    // Two servers recording the same day at the same moment both succeed.
    let rows = [
        snap(None, "2026-11-15", 0.5),
        snap(Some(team), "2026-11-15", 1.5),
    ];
    let (a, b) = tokio::join!(
        store.record_snapshots(org, "2026-11-15", &rows),
        store.record_snapshots(org, "2026-11-15", &rows)
    );
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    assert_eq!(
        store.snapshots(org, None, "2026-11-15").await.unwrap(),
        [rows[0].clone()]
    );
    assert!(store
        .snapshots(other_org, None, "2026-10-01")
        .await
        .unwrap()
        .is_empty());
}
