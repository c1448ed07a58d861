//! Store parity: the security audit log.

use super::*;

parity!(
    audit_events_are_kept_per_organisation_newest_first,
    erasure_leaves_only_a_pseudonym_in_the_audit_log,
);

fn event(org: Option<OrgId>, actor: Option<UserId>, action: &str, minute: i64) -> NewAuditEvent {
    NewAuditEvent {
        org,
        actor_id: actor,
        actor: actor.map_or("-".to_string(), |a| format!("user{a}@acme.test")),
        action: action.into(),
        target: Some(format!("target {minute}")),
        detail: (minute % 2 == 0).then(|| "even".to_string()),
        address: Some("2001:db8::1".into()),
        at: at(minute),
    }
}

async fn audit_events_are_kept_per_organisation_newest_first(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "admin@acme.test").await;
    let (other, other_admin) = new_org(store, "Other", "admin@other.test").await;
    assert!(store.audit_events(org, 0, 10).await.unwrap().is_empty());
    for m in 0..5 {
        store
            .record_audit(&event(Some(org), Some(admin), "login.succeeded", m))
            .await
            .unwrap();
    }
    store
        .record_audit(&event(Some(other), Some(other_admin), "logout", 9))
        .await
        .unwrap();
    store
        .record_audit(&event(None, None, "login.failed", 10))
        .await
        .unwrap();

    let all = store.audit_events(org, 0, 10).await.unwrap();
    let targets: Vec<&str> = all.iter().filter_map(|e| e.target.as_deref()).collect();
    assert_eq!(
        targets,
        ["target 4", "target 3", "target 2", "target 1", "target 0"],
        "newest first, this organisation's only"
    );
    let newest = &all[0];
    assert_eq!(
        (
            newest.org,
            newest.actor_id,
            newest.actor.as_str(),
            newest.action.as_str(),
            newest.detail.as_deref(),
            newest.address.as_deref(),
            newest.at,
        ),
        (
            Some(org),
            Some(admin),
            format!("user{admin}@acme.test").as_str(),
            "login.succeeded",
            Some("even"),
            Some("2001:db8::1"),
            stored(4),
        )
    );
    // Pages: a limit and an offset.
    let page: Vec<String> = store
        .audit_events(org, 2, 2)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| e.target)
        .collect();
    assert_eq!(page, ["target 2", "target 1"]);
    assert!(store.audit_events(org, 5, 2).await.unwrap().is_empty());
    let theirs = store.audit_events(other, 0, 10).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].action, "logout");

    // An entry outlives the account it names.
    let member = new_member(store, org, admin).await;
    store.remove_member(org, member).await.unwrap();
    let kept = store.audit_events(org, 0, 10).await.unwrap();
    assert_eq!(kept.len(), 6);
    assert_eq!(kept[0].actor_id, Some(member));
}

async fn new_member(store: &dyn Store, org: OrgId, admin: UserId) -> UserId {
    let user = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        None,
        "gone@acme.test",
        "Gone",
    )
    .await;
    store
        .record_audit(&event(Some(org), Some(user), "login.succeeded", 20))
        .await
        .unwrap();
    user
}

/// On erasure, the person's entries (as actor, or as `user:<id>` target) name a pseudonym only;
/// other people's entries and other organisations' stay as they were.
async fn erasure_leaves_only_a_pseudonym_in_the_audit_log(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "admin@acme.test").await;
    let (other, other_admin) = new_org(store, "Other", "admin@other.test").await;
    let ann = UserId(admin.0 + 1000);
    store
        .record_audit(&event(Some(org), Some(ann), "login.succeeded", 1))
        .await
        .unwrap();
    let mut about_ann = event(Some(org), Some(admin), "erasure.confirmed", 2);
    about_ann.target = Some(format!("user:{}", ann.0));
    store.record_audit(&about_ann).await.unwrap();
    store
        .record_audit(&event(Some(org), Some(admin), "logout", 3))
        .await
        .unwrap();
    store
        .record_audit(&event(Some(other), Some(other_admin), "logout", 4))
        .await
        .unwrap();
    let changed = store
        .pseudonymise_audit(org, ann, "erased-abc")
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let all = store.audit_events(org, 0, 10).await.unwrap();
    let ann_text = format!("user{ann}@acme.test");
    for e in &all {
        assert_ne!(e.actor_id, Some(ann));
        assert_ne!(e.actor, ann_text);
        assert_ne!(
            e.target.as_deref(),
            Some(format!("user:{}", ann.0).as_str())
        );
    }
    assert_eq!(all.iter().filter(|e| e.actor == "erased-abc").count(), 1);
    let confirmed = all
        .iter()
        .find(|e| e.action == "erasure.confirmed")
        .unwrap();
    assert_eq!(confirmed.target.as_deref(), Some("erased-abc"));
    assert_eq!(
        (confirmed.actor_id, confirmed.actor.as_str()),
        (Some(admin), format!("user{admin}@acme.test").as_str()),
        "the admin who confirmed stays named"
    );
    assert_eq!(
        all[0].actor,
        format!("user{admin}@acme.test"),
        "the admin's own stay"
    );
    assert_eq!(store.audit_events(other, 0, 10).await.unwrap().len(), 1);
}
