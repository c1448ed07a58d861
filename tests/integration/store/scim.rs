//! Store parity: SCIM tokens, provisioned members and teams, and suspension.

use super::*;
use levelfield::store::ScimUserFields;

parity!(
    tokens_are_hashed_scoped_and_revocable,
    suspension_ends_sessions_and_keeps_records,
    provisioned_members_and_teams,
);

async fn tokens_are_hashed_scoped_and_revocable(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "ada@acme.test").await;
    let (other, other_admin) = new_org(store, "Other", "bo@other.test").await;
    let id = store
        .create_scim_token(org, "hash-1", "Entra", admin, at(1))
        .await
        .unwrap();
    assert_eq!(
        store.use_scim_token("hash-1", at(2)).await.unwrap(),
        Some((id, org))
    );
    assert_eq!(store.use_scim_token("hash-x", at(2)).await.unwrap(), None);
    let listed = store.scim_tokens(org).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_used_at, Some(stored(2)));
    assert_eq!(listed[0].created_by.as_deref(), Some("ada@acme.test"));
    assert!(store.scim_tokens(other).await.unwrap().is_empty());
    // Another organisation cannot rotate or revoke it.
    assert!(matches!(
        store
            .rotate_scim_token(other, id, "hash-2", other_admin, at(3))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.revoke_scim_token(other, id, at(3)).await,
        Err(StoreError::NotFound)
    ));
    let new = store
        .rotate_scim_token(org, id, "hash-2", admin, at(3))
        .await
        .unwrap();
    assert_eq!(store.use_scim_token("hash-1", at(4)).await.unwrap(), None);
    assert_eq!(
        store.use_scim_token("hash-2", at(4)).await.unwrap(),
        Some((new, org))
    );
    let listed = store.scim_tokens(org).await.unwrap();
    assert_eq!(
        listed[0].label, "Entra",
        "the rotated token keeps its label"
    );
    assert_eq!(listed[1].revoked_at, Some(stored(3)));
    assert_eq!(
        store.revoke_scim_token(org, new, at(5)).await.unwrap(),
        "Entra"
    );
    assert_eq!(store.use_scim_token("hash-2", at(6)).await.unwrap(), None);
    assert!(matches!(
        store.revoke_scim_token(org, new, at(6)).await,
        Err(StoreError::NotFound)
    ));
}

async fn suspension_ends_sessions_and_keeps_records(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "ada@acme.test").await;
    let (other, _) = new_org(store, "Other", "bo@other.test").await;
    let ann = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        None,
        "ann@acme.test",
        "Ann",
    )
    .await;
    for id in ["s-1", "s-2"] {
        store
            .create_session(&session(id, ann, 0, 0, 600))
            .await
            .unwrap();
    }
    assert!(store
        .session("s-1", at(1), at(-60))
        .await
        .unwrap()
        .is_some());
    assert!(matches!(
        store.suspend_member(other, ann, at(1)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.suspend_member(org, ann, at(1)).await.unwrap(), 2);
    assert!(store
        .session("s-1", at(1), at(-60))
        .await
        .unwrap()
        .is_none());
    // A session made since counts for nothing while the suspension lasts.
    store
        .create_session(&session("s-3", ann, 1, 1, 600))
        .await
        .unwrap();
    assert!(store
        .session("s-3", at(2), at(-60))
        .await
        .unwrap()
        .is_none());
    assert!(
        store
            .credentials("ann@acme.test")
            .await
            .unwrap()
            .unwrap()
            .suspended
    );
    assert_eq!(store.suspended_members(org).await.unwrap(), vec![ann]);
    assert!(store.suspended_members(other).await.unwrap().is_empty());
    assert!(
        store
            .members(org)
            .await
            .unwrap()
            .iter()
            .any(|m| m.user == ann),
        "records stay"
    );
    // Suspending again keeps the first time.
    store.suspend_member(org, ann, at(5)).await.unwrap();
    assert_eq!(
        store.scim_user(org, ann).await.unwrap().suspended_at,
        Some(stored(1))
    );
    assert!(matches!(
        store.reactivate_member(other, ann).await,
        Err(StoreError::NotFound)
    ));
    store.reactivate_member(org, ann).await.unwrap();
    assert!(
        !store
            .credentials("ann@acme.test")
            .await
            .unwrap()
            .unwrap()
            .suspended
    );
    store
        .create_session(&session("s-4", ann, 6, 6, 600))
        .await
        .unwrap();
    assert!(store
        .session("s-4", at(7), at(-60))
        .await
        .unwrap()
        .is_some());
}

fn fields(user_name: &str, email: &str, external_id: Option<&str>, active: bool) -> ScimUserFields {
    ScimUserFields {
        email: email.into(),
        name: user_name.into(),
        user_name: user_name.into(),
        given_name: Some("Given".into()),
        family_name: None,
        display_name: None,
        external_id: external_id.map(str::to_string),
        active,
    }
}

async fn provisioned_members_and_teams(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "ada@acme.test").await;
    let (other, other_admin) = new_org(store, "Other", "bo@other.test").await;
    let roles = [MemberRole::Learner];
    let zoe = store
        .create_scim_user(
            org,
            &fields("Zoe", "Zoe@Acme.test", Some("x-1"), true),
            "!",
            &roles,
            at(1),
        )
        .await
        .unwrap();
    let u = store.scim_user(org, zoe).await.unwrap();
    assert_eq!(
        (u.email.as_str(), u.user_name.as_deref()),
        ("zoe@acme.test", Some("Zoe"))
    );
    assert_eq!(u.external_id.as_deref(), Some("x-1"));
    assert!(matches!(
        store.scim_user(other, zoe).await,
        Err(StoreError::NotFound)
    ));
    // Uniqueness: userName (any case, and a local member's email), externalId in the
    // organisation; the email everywhere.
    for (f, taken) in [
        (fields("zoe", "z2@acme.test", None, true), "userName"),
        (
            fields("ada@acme.test", "z3@acme.test", None, true),
            "an email as userName",
        ),
        (
            fields("Zed", "z4@acme.test", Some("x-1"), true),
            "externalId",
        ),
    ] {
        let r = store.create_scim_user(org, &f, "!", &roles, at(1)).await;
        assert!(matches!(r, Err(StoreError::NameTaken)), "{taken}: {r:?}");
    }
    let r = store
        .create_scim_user(
            other,
            &fields("bo", "zoe@acme.test", None, true),
            "!",
            &roles,
            at(1),
        )
        .await;
    assert!(matches!(r, Err(StoreError::EmailTaken)), "{r:?}");
    // The same userName and externalId in another organisation are fine.
    store
        .create_scim_user(
            other,
            &fields("Zoe", "zoe@other.test", Some("x-1"), true),
            "!",
            &roles,
            at(1),
        )
        .await
        .unwrap();
    // Created inactive: suspended from the start. Updating to active reactivates.
    let yan = store
        .create_scim_user(
            org,
            &fields("Yan", "yan@acme.test", None, false),
            "!",
            &roles,
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(store.suspended_members(org).await.unwrap(), vec![yan]);
    store
        .update_scim_user(
            org,
            yan,
            &fields("Yan2", "yan2@acme.test", None, true),
            at(3),
        )
        .await
        .unwrap();
    let y = store.scim_user(org, yan).await.unwrap();
    assert_eq!(
        (y.user_name.as_deref(), y.email.as_str(), y.suspended_at),
        (Some("Yan2"), "yan2@acme.test", None)
    );
    assert!(matches!(
        store
            .update_scim_user(
                other,
                yan,
                &fields("Yan3", "yan3@acme.test", None, true),
                at(3)
            )
            .await,
        Err(StoreError::NotFound)
    ));
    // Teams as groups: members of the organisation only; replace keeps managers.
    let team = store
        .create_scim_group(org, "Alpha", Some("g-1"), &[zoe])
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_scim_group(org, "alpha2", Some("g-1"), &[])
            .await,
        Err(StoreError::NameTaken)
    ));
    assert!(matches!(
        store
            .create_scim_group(org, "Beta", None, &[other_admin])
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .assign(
            org,
            admin,
            &Assignment {
                roles: MemberRole::ALL.to_vec(),
                teams: vec![],
                manages: vec![team],
            },
        )
        .await
        .unwrap();
    store
        .update_scim_group(org, team, "Alpha!", None, &[yan, zoe])
        .await
        .unwrap();
    let g = store.scim_group(org, team).await.unwrap();
    assert_eq!(
        (g.name.as_str(), g.external_id.as_deref()),
        ("Alpha!", None)
    );
    let mut ids: Vec<UserId> = g.members.iter().map(|(u, _)| *u).collect();
    ids.sort();
    let mut want = vec![zoe, yan];
    want.sort();
    assert_eq!(ids, want);
    assert!(
        store
            .member(org, admin)
            .await
            .unwrap()
            .manages
            .contains(&team),
        "managers stay"
    );
    assert_eq!(
        store.scim_user(org, zoe).await.unwrap().groups,
        vec![(team, "Alpha!".to_string())]
    );
    assert!(matches!(
        store.scim_group(other, team).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_scim_group(other, team).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.scim_groups(org).await.unwrap().len(), 1);
    store.delete_scim_group(org, team).await.unwrap();
    assert!(store.scim_groups(org).await.unwrap().is_empty());
    assert_eq!(
        store.scim_users(org).await.unwrap().len(),
        3,
        "the admin, Zoe and Yan"
    );
}
