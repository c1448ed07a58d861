//! Store parity: target roles, self-ratings, scarcity overrides (and the snapshots they feed).

use super::*;

parity!(ratings_overrides_and_snapshots,);

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
        .set_self_ratings(org, admin, &ratings, at(1))
        .await
        .unwrap();
    store
        .set_self_ratings(
            org,
            admin,
            &[("prompting".into(), None), ("evaluation".into(), Some(4))],
            at(2),
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
            .set_self_ratings(other_org, admin, &ratings, at(3))
            .await,
        Err(StoreError::NotFound)
    ));

    // Scarcity overrides per organisation.
    store
        .set_scarcity_override(org, "evaluation", Some((0.25, "hiring data")), admin, at(1))
        .await
        .unwrap();
    store
        .set_scarcity_override(org, "evaluation", Some((0.3, "newer data")), admin, at(2))
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
        .set_scarcity_override(org, "evaluation", None, admin, at(3))
        .await
        .unwrap();
    assert!(store.scarcity_overrides(org).await.unwrap().is_empty());
    let _ = other_admin;

    // Snapshots: a day's rows replace that day's, and read back per group from a day on.
    let snap = |team: Option<TeamId>, day: &str, gap: f64| Snapshot {
        team,
        skill: "evaluation".into(),
        day: date(day),
        people: 5,
        below_target: 2,
        unmeasured: 1,
        mean_gap: gap,
        exposure: gap * 2.0,
    };
    store
        .record_snapshots(
            org,
            date("2026-11-01"),
            &[
                snap(None, "2026-11-01", 1.0),
                snap(Some(team), "2026-11-01", 2.0),
            ],
        )
        .await
        .unwrap();
    store
        .record_snapshots(org, date("2026-11-08"), &[snap(None, "2026-11-08", 0.5)])
        .await
        .unwrap();
    store
        .record_snapshots(org, date("2026-11-08"), &[snap(None, "2026-11-08", 0.75)])
        .await
        .unwrap();
    let whole = store
        .snapshots(org, None, date("2026-10-01"))
        .await
        .unwrap();
    assert_eq!(
        whole,
        [
            snap(None, "2026-11-01", 1.0),
            snap(None, "2026-11-08", 0.75)
        ]
    );
    assert_eq!(
        store
            .snapshots(org, None, date("2026-11-02"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .snapshots(org, Some(team), date("2026-10-01"))
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
        store.record_snapshots(org, date("2026-11-15"), &rows),
        store.record_snapshots(org, date("2026-11-15"), &rows)
    );
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    assert_eq!(
        store
            .snapshots(org, None, date("2026-11-15"))
            .await
            .unwrap(),
        [rows[0].clone()]
    );
    assert!(store
        .snapshots(other_org, None, date("2026-10-01"))
        .await
        .unwrap()
        .is_empty());
}
