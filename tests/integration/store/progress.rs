//! Store parity: the module registry, reading progress and quiz attempts.

use super::*;

parity!(
    progress_never_moves_backwards,
    attempts_round_trip,
    attempt_seeds_round_trip_and_each_is_recorded_once,
    team_records,
    registry_is_in_byte_order_of_ids,
    check_answers_are_evidence_not_quiz_attempts,
    first_answers_per_organisation_and_module,
);

parity_db!(
    module_registry_keeps_ids_of_removed_modules,
    concurrent_attempts,
);

async fn progress_never_moves_backwards(store: &dyn Store) {
    let (_, user) = new_org(store, "Acme", "p@acme.test").await;
    assert!(store.progress(user).await.unwrap().is_empty());

    store
        .record_progress(user, "intro", 2, 5, Some("two"), false, at(1))
        .await
        .unwrap();
    store
        .record_progress(user, "intro", 1, 5, Some("one"), false, at(2))
        .await
        .unwrap();
    let p = &store.progress(user).await.unwrap()[0];
    assert_eq!(
        (p.sections_reached, p.resume_anchor.as_deref()),
        (2, Some("two"))
    );
    assert_eq!((p.started_at, p.updated_at), (stored(1), stored(2)));
    assert_eq!(p.completed_at, None);
    assert_eq!(p.percent(), 40);

    store
        .record_progress(user, "intro", 4, 6, Some("four"), false, at(3))
        .await
        .unwrap();
    store
        .record_progress(user, "intro", 5, 6, Some("five"), true, at(4))
        .await
        .unwrap();
    // Completion is kept once set, and a later, lesser visit moves nothing back.
    store
        .record_progress(user, "intro", 1, 6, None, false, at(5))
        .await
        .unwrap();
    store
        .record_progress(user, "intro", 6, 6, Some("six"), true, at(6))
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
        .record_progress(user, "advanced", 1, 4, None, false, at(7))
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
        .record_progress(user, "intro", 6, 6, None, true, at(8))
        .await
        .unwrap();
    let p = store.progress(user).await.unwrap();
    assert_eq!(p[0].module, "intro");
    assert_eq!(p[0].resume_anchor.as_deref(), Some("six"));

    let ghost = store
        .record_progress(UserId(user.0 + 1000), "intro", 1, 2, None, false, at(1))
        .await;
    assert!(matches!(ghost, Err(StoreError::NotFound)), "{ghost:?}");
}

/// An attempt's seed (all 64 bits) comes back as stored; a learner's second attempt at a module
/// with the same seed is refused as `Duplicate` and stores nothing, while the same seed for
/// another module or learner, and attempts without a seed, are stored.
async fn attempt_seeds_round_trip_and_each_is_recorded_once(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "seed@acme.test").await;
    let other = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        None,
        "seed-o@acme.test",
        "O",
    )
    .await;
    let seeded = |user, module: &str, seed: Option<u64>, minutes| NewAttempt {
        seed,
        ..attempt(
            user,
            module,
            1,
            vec![answer("q1", "prompting", 1, &[2], true)],
            minutes,
        )
    };
    let big = u64::MAX - 6;
    store
        .record_attempt(&seeded(admin, "intro", Some(big), 1))
        .await
        .unwrap();
    store
        .record_attempt(&seeded(admin, "intro", Some(7), 2))
        .await
        .unwrap();
    let again = store
        .record_attempt(&seeded(admin, "intro", Some(big), 3))
        .await;
    assert!(matches!(again, Err(StoreError::Duplicate)), "{again:?}");
    assert_eq!(
        store.attempt_count().await.unwrap(),
        2,
        "nothing of it stored"
    );
    for a in [
        seeded(admin, "other-module", Some(big), 4),
        seeded(other, "intro", Some(big), 5),
        seeded(admin, "intro", None, 6),
        seeded(admin, "intro", None, 7),
    ] {
        store.record_attempt(&a).await.unwrap();
    }
    assert_eq!(store.attempt_count().await.unwrap(), 6);
    let mut seeds: Vec<Option<u64>> = store
        .attempts(admin)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.module == "intro")
        .map(|a| a.seed)
        .collect();
    seeds.sort();
    assert_eq!(seeds, [None, None, Some(7), Some(big)]);
    assert_eq!(store.attempts(other).await.unwrap()[0].seed, Some(big));
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
        assert_eq!(got.submitted_at, sent.submitted_at.trunc_subsecs(6));
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
            .record_progress(user, "intro", 1, 2, Some("a"), false, at(2))
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

/// The registry read (a manual decode on SQLite and a tuple on PostgreSQL until converged)
/// gives ids in byte order, whatever the database's collation.
async fn registry_is_in_byte_order_of_ids(store: &dyn Store) {
    // The registry comes back in byte order of ids, whatever the database's collation.
    let ids = ["a_b", "B", "a", "_x", "a-b", "Z"];
    let recs: Vec<ModuleRecord> = ids.iter().map(|id| rec(id, id)).collect();
    store.sync_modules(&recs).await.unwrap();
    store.sync_modules(&recs[..3]).await.unwrap();
    let all = store.module_registry().await.unwrap();
    let got: Vec<(&str, bool)> = all.iter().map(|m| (m.id.as_str(), m.present)).collect();
    assert_eq!(
        got,
        [
            ("B", true),
            ("Z", false),
            ("_x", false),
            ("a", true),
            ("a-b", false),
            ("a_b", true)
        ]
    );
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

/// A skill check's answer is stored as an attempt of kind `check`: read back with its kind among
/// the learner's (and their team's and organisation's) evidence, bumping the evidence version
/// like a quiz attempt, but not counted as a quiz attempt; nothing of it reaches another
/// organisation.
async fn check_answers_are_evidence_not_quiz_attempts(store: &dyn Store) {
    use levelfield::domain::progress::AttemptKind;
    let (org, admin) = new_org(store, "Acme", "c@acme.test").await;
    let team = store.create_team(org, "Alpha").await.unwrap();
    let learner = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        Some(team),
        "l@acme.test",
        "L",
    )
    .await;
    let (other_org, _) = new_org(store, "Other", "c@other.test").await;
    let today = 20_000;
    let current = |user| ComputedEstimates {
        user,
        version: 0,
        skills: vec![],
    };
    store
        .store_estimates(org, &[current(learner), current(admin)], today)
        .await
        .unwrap();
    assert!(store.stale_estimates(org, today).await.unwrap().is_empty());

    let quiz = attempt(
        learner,
        "intro",
        1,
        vec![answer("q1", "evaluation", 1, &[0], true)],
        1,
    );
    let check = NewAttempt {
        kind: AttemptKind::Check,
        ..attempt(
            learner,
            "intro",
            0,
            vec![answer("q2", "evaluation", 3, &[2], false)],
            2,
        )
    };
    let quiz_id = store.record_attempt(&quiz).await.unwrap();
    let check_id = store.record_attempt(&check).await.unwrap();
    // Evidence: both, newest first, each with its kind.
    let got = store.attempts(learner).await.unwrap();
    let kinds: Vec<_> = got.iter().map(|a| (a.id, a.kind)).collect();
    assert_eq!(
        kinds,
        [(check_id, AttemptKind::Check), (quiz_id, AttemptKind::Quiz)]
    );
    assert_eq!(got[0].answers, check.answers);
    for all in [
        store.team_attempts(org, team).await.unwrap(),
        store.org_attempts(org).await.unwrap(),
    ] {
        assert!(all
            .iter()
            .any(|a| a.id == check_id && a.kind == AttemptKind::Check));
    }
    // Not a quiz attempt.
    assert_eq!(store.attempt_count().await.unwrap(), 1);
    // The learner's estimates are stale (the check bumped their evidence version), and the
    // stale records include the check answer.
    let stale = store.stale_estimates(org, today).await.unwrap();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0].user, learner);
    assert!(store
        .stale_attempts(org, today)
        .await
        .unwrap()
        .iter()
        .any(|a| a.id == check_id && a.kind == AttemptKind::Check));
    // Another organisation sees none of it.
    assert!(store.org_attempts(other_org).await.unwrap().is_empty());
}

/// Item statistics read each learner's first answer per question: the earliest attempt (ties:
/// the lower attempt id), per module, one organisation's members only.
async fn first_answers_per_organisation_and_module(store: &dyn Store) {
    let (a, admin) = new_org(store, "Acme", "admin@acme.test").await;
    let ann = join(
        store,
        a,
        admin,
        MemberRole::Learner,
        None,
        "ann@acme.test",
        "Ann",
    )
    .await;
    let ben = join(
        store,
        a,
        admin,
        MemberRole::Learner,
        None,
        "ben@acme.test",
        "Ben",
    )
    .await;
    let (b, cat) = new_org(store, "Other", "cat@other.test").await;
    let record = |n: NewAttempt| async move { store.record_attempt(&n).await.unwrap() };

    let ann_first = record(attempt(
        ann,
        "m",
        2,
        vec![
            answer("q1", "s", 1, &[1], true),
            answer("q2", "s", 2, &[0, 2], true),
        ],
        10,
    ))
    .await;
    // A retake (later) and another module's quiz (earlier) of Ann's.
    record(attempt(
        ann,
        "m",
        0,
        vec![answer("q1", "s", 1, &[0], false)],
        20,
    ))
    .await;
    let ann_n = record(attempt(
        ann,
        "n",
        0,
        vec![answer("q1", "s", 1, &[2], false)],
        5,
    ))
    .await;
    // Two attempts of Ben's at the same instant: the first recorded (lower id) is first.
    let ben_first = record(attempt(
        ben,
        "m",
        0,
        vec![answer("q1", "s", 1, &[3], false)],
        30,
    ))
    .await;
    record(attempt(
        ben,
        "m",
        1,
        vec![answer("q1", "s", 1, &[1], true)],
        30,
    ))
    .await;
    // Another organisation's answer to the same question.
    let cat_first = record(attempt(
        cat,
        "m",
        1,
        vec![answer("q1", "s", 1, &[1], true)],
        1,
    ))
    .await;

    let seen = |rows: Vec<ItemAnswer>| {
        rows.into_iter()
            .map(|r| {
                (
                    r.module, r.question, r.user, r.attempt, r.at, r.selected, r.correct,
                )
            })
            .collect::<Vec<_>>()
    };
    let m = |s: &str| s.to_string();
    assert_eq!(
        seen(store.first_answers(a, None).await.unwrap()),
        vec![
            (m("m"), m("q1"), ann, ann_first, stored(10), vec![1], true),
            (m("m"), m("q1"), ben, ben_first, stored(30), vec![3], false),
            (
                m("m"),
                m("q2"),
                ann,
                ann_first,
                stored(10),
                vec![0, 2],
                true
            ),
            (m("n"), m("q1"), ann, ann_n, stored(5), vec![2], false),
        ]
    );
    assert_eq!(
        seen(store.first_answers(a, Some("m")).await.unwrap()).len(),
        3,
        "one module's only"
    );
    assert!(store.first_answers(a, Some("zz")).await.unwrap().is_empty());
    assert_eq!(
        seen(store.first_answers(b, None).await.unwrap()),
        vec![(m("m"), m("q1"), cat, cat_first, stored(1), vec![1], true)],
        "another organisation sees only its own"
    );
    // An organisation that does not exist sees nothing.
    assert!(store
        .first_answers(OrgId(b.0 + 100), None)
        .await
        .unwrap()
        .is_empty());
}
