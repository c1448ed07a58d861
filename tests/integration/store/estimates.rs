//! Store parity: the estimate cache and the daily snapshots.

use super::*;

parity!(
    estimate_cache_follows_evidence_versions,
    estimate_cache_keeps_the_cap_and_the_hardest_tested,
    snapshots_replace_a_day_in_chunks,
);

fn est(level: f64) -> Estimate {
    Estimate {
        level,
        se: 0.5,
        low: level - 1.0,
        high: level + 1.0,
        evidence: 3,
        weight: 2.5,
        tested_up_to: None,
        capped: false,
    }
}

/// The cache keeps what pages say beside a level (migration 0009): the hardest difficulty
/// tested (or none known) and whether the range was capped at 2, read back as written.
async fn estimate_cache_keeps_the_cap_and_the_hardest_tested(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "e@acme.test").await;
    let capped = Estimate {
        level: 2.0,
        low: 2.0,
        high: 2.0,
        tested_up_to: Some(3),
        capped: true,
        ..est(2.0)
    };
    let above = Estimate {
        level: 3.99,
        low: 3.1,
        high: 4.0,
        tested_up_to: Some(3),
        ..est(3.99)
    };
    let unknown_depth = est(1.0);
    store
        .store_estimates(
            org,
            &[ComputedEstimates {
                user: admin,
                version: 0,
                skills: vec![
                    ("a".to_string(), capped),
                    ("b".to_string(), above),
                    ("c".to_string(), unknown_depth),
                ],
            }],
            20_000,
        )
        .await
        .unwrap();
    let mut back = store.org_estimates(org).await.unwrap();
    back.sort_by(|x, y| x.1.cmp(&y.1));
    let got: Vec<(&str, Estimate)> = back.iter().map(|(_, s, e)| (s.as_str(), *e)).collect();
    assert_eq!(got, [("a", capped), ("b", above), ("c", unknown_depth)]);
    assert!(got[0].1.capped && got[0].1.caveats() == ["capped at 2"]);
    assert!(got[1].1.above_tested());
    assert_eq!(got[2].1.tested_up_to, None);
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
        .record_progress(learner, "intro", 3, 3, None, true, at(2))
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

/// The snapshot insert (a chunked multi-row insert on SQLite and arrays on PostgreSQL until
/// converged): more rows than one statement takes, a day replaced as a whole, read back by
/// day then skill in byte order.
async fn snapshots_replace_a_day_in_chunks(store: &dyn Store) {
    let (org, _) = new_org(store, "Acme", "admin@acme.test").await;
    let snap = |team: Option<TeamId>, skill: String, day: &str| Snapshot {
        team,
        skill,
        day: date(day),
        people: 3,
        below_target: 1,
        unmeasured: 0,
        mean_gap: 0.5,
        exposure: 0.25,
    };
    let many: Vec<Snapshot> = (0..2500)
        .map(|i| snap(None, format!("skill-{i:04}"), "2026-11-02"))
        .collect();
    store
        .record_snapshots(org, date("2026-11-02"), &many)
        .await
        .unwrap();
    assert_eq!(
        store
            .snapshots(org, None, date("2026-11-01"))
            .await
            .unwrap()
            .len(),
        2500
    );
    let day = |d: &str| -> Vec<Snapshot> {
        ["b", "B", "_b", "a"]
            .into_iter()
            .map(|s| snap(None, s.to_string(), d))
            .collect()
    };
    store
        .record_snapshots(org, date("2026-11-02"), &day("2026-11-02"))
        .await
        .unwrap();
    store
        .record_snapshots(org, date("2026-11-01"), &day("2026-11-01"))
        .await
        .unwrap();
    let got = store
        .snapshots(org, None, date("2026-11-01"))
        .await
        .unwrap();
    let order: Vec<(NaiveDate, &str)> = got.iter().map(|s| (s.day, s.skill.as_str())).collect();
    let expected: Vec<(NaiveDate, &str)> = ["2026-11-01", "2026-11-02"]
        .into_iter()
        .flat_map(|d| ["B", "_b", "a", "b"].map(|s| (date(d), s)))
        .collect();
    assert_eq!(order, expected);
}
