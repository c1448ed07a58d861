//! Store parity: single sign-on settings, identities, and the sign-in flows' single-use rows.

use super::*;
use levelfield::store::{SsoConfig, SsoLogin, SsoPendingLink};

parity!(
    sso_settings_round_trip_per_organisation,
    sso_sign_ins_and_pending_links_are_taken_once,
    sso_identities_link_once_and_members_are_created_with_them,
);

fn config(org: OrgId, team: TeamId) -> SsoConfig {
    SsoConfig {
        org,
        issuer: "https://idp.acme.test/tenant/v2.0".into(),
        client_id: "levelfield".into(),
        client_secret: "s3cret".into(),
        email_domains: vec!["acme.test".into(), "acme.example".into()],
        match_claim: "oid".into(),
        default_role: MemberRole::Manager,
        groups_claim: Some("groups".into()),
        group_teams: vec![("eng".into(), team)],
        enabled: true,
        mandatory: false,
        updated_at: at(3),
    }
}

async fn sso_settings_round_trip_per_organisation(store: &dyn Store) {
    let (org, _) = new_org(store, "Acme", "admin@acme.test").await;
    let (other, _) = new_org(store, "Other", "admin@other.test").await;
    let team = store.create_team(org, "Engineering").await.unwrap();
    assert!(store.sso_config(org).await.unwrap().is_none());
    let c = config(org, team);
    store.save_sso_config(&c).await.unwrap();
    assert!(store.sso_config(org).await.unwrap() == Some(c.clone()));
    assert!(store.sso_config(other).await.unwrap().is_none());
    let off = SsoConfig {
        enabled: false,
        mandatory: true,
        groups_claim: None,
        group_teams: vec![],
        ..c.clone()
    };
    store.save_sso_config(&off).await.unwrap();
    assert!(store.sso_config(org).await.unwrap() == Some(off));
    assert!(store.enabled_sso_configs().await.unwrap().is_empty());
    store
        .save_sso_config(&SsoConfig { org: other, ..c })
        .await
        .unwrap();
    let enabled = store.enabled_sso_configs().await.unwrap();
    assert_eq!(enabled.iter().map(|c| c.org).collect::<Vec<_>>(), [other]);
}

async fn sso_sign_ins_and_pending_links_are_taken_once(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "admin@acme.test").await;
    let login = SsoLogin {
        state_hash: "state-hash".into(),
        org,
        issuer: "https://idp".into(),
        nonce: "n".into(),
        pkce_verifier: "v".into(),
        browser_hash: "b".into(),
        next: "/me".into(),
        created_at: at(0),
        expires_at: at(10),
    };
    store.create_sso_login(&login).await.unwrap();
    assert!(store.take_sso_login("state-hash").await.unwrap() == Some(login.clone()));
    assert!(store.take_sso_login("state-hash").await.unwrap().is_none());
    let link = SsoPendingLink {
        token_hash: "link-hash".into(),
        org,
        user: admin,
        issuer: "https://idp".into(),
        subject: "sub-1".into(),
        name: "Ada".into(),
        email: "admin@acme.test".into(),
        id_token: "a.b.c".into(),
        next: "/me".into(),
        created_at: at(0),
        expires_at: at(10),
    };
    store.create_sso_pending_link(&link).await.unwrap();
    assert!(store.sso_pending_link("link-hash").await.unwrap() == Some(link.clone()));
    assert!(store.take_sso_pending_link("link-hash").await.unwrap() == Some(link));
    assert!(store
        .take_sso_pending_link("link-hash")
        .await
        .unwrap()
        .is_none());
    // Expired ones are purged.
    store
        .create_sso_login(&SsoLogin {
            state_hash: "old".into(),
            ..login
        })
        .await
        .unwrap();
    assert_eq!(store.purge_sso_flows(at(11)).await.unwrap(), 1);
    assert!(store.take_sso_login("old").await.unwrap().is_none());
}

async fn sso_identities_link_once_and_members_are_created_with_them(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "admin@acme.test").await;
    let (other, _) = new_org(store, "Other", "admin@other.test").await;
    let team = store.create_team(org, "Engineering").await.unwrap();
    let lea = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        None,
        "lea@acme.test",
        "Lea",
    )
    .await;
    store
        .link_sso_identity(org, lea, "https://idp", "sub-lea", at(1))
        .await
        .unwrap();
    assert!(matches!(
        store
            .link_sso_identity(org, admin, "https://idp", "sub-lea", at(1))
            .await,
        Err(StoreError::Duplicate)
    ));
    // Another organisation cannot link its admin... to a member it does not have.
    assert!(matches!(
        store
            .link_sso_identity(other, lea, "https://idp", "sub-x", at(1))
            .await,
        Err(StoreError::NotFound)
    ));
    let found = store
        .sso_identity("https://idp", "sub-lea")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.user, found.org, found.last_login_at),
        (lea, org, None)
    );
    store
        .touch_sso_identity("https://idp", "sub-lea", at(5))
        .await
        .unwrap();
    let listed = store.sso_identities(org, lea).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_login_at, Some(stored(5)));
    assert!(store.sso_identities(other, lea).await.unwrap().is_empty());
    // A member created at their first sign-in: roles, team, identity, no usable password.
    let new = NewUser {
        email: "New@Acme.test".into(),
        name: "Nia".into(),
        password_hash: "!sso-only".into(),
    };
    let nia = store
        .create_sso_member(
            org,
            &new,
            &[MemberRole::Learner],
            &[team],
            "https://idp",
            "sub-nia",
            at(6),
        )
        .await
        .unwrap();
    let m = store.member(org, nia).await.unwrap();
    assert_eq!(
        (m.email.as_str(), m.teams.clone()),
        ("new@acme.test", vec![team])
    );
    assert!(!store.member_suspended(org, nia).await.unwrap());
    assert!(matches!(
        store.member_suspended(other, nia).await,
        Err(StoreError::NotFound)
    ));
    // A team of another organisation is refused, and nothing is created.
    let other_team = store.create_team(other, "Theirs").await.unwrap();
    let again = NewUser {
        email: "x@acme.test".into(),
        ..new.clone()
    };
    assert!(store
        .create_sso_member(
            org,
            &again,
            &[MemberRole::Learner],
            &[other_team],
            "https://idp",
            "sub-x",
            at(6)
        )
        .await
        .is_err());
    assert!(store
        .sso_identity("https://idp", "sub-x")
        .await
        .unwrap()
        .is_none());
    // Profiles are refreshed; an email another account has is refused.
    store
        .refresh_profile(org, nia, "Nia Renamed", Some("nia@acme.test"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .refresh_profile(org, nia, "Nia", Some("lea@acme.test"))
            .await,
        Err(StoreError::EmailTaken)
    ));
    assert!(matches!(
        store.refresh_profile(other, nia, "X", None).await,
        Err(StoreError::NotFound)
    ));
    let m = store.member(org, nia).await.unwrap();
    assert_eq!(
        (m.name.as_str(), m.email.as_str()),
        ("Nia Renamed", "nia@acme.test")
    );
    assert_eq!(
        store.member_by_external_id(org, "nobody").await.unwrap(),
        None
    );
    store
        .unlink_sso_identity(org, lea, "https://idp", "sub-lea")
        .await
        .unwrap();
    assert!(matches!(
        store
            .unlink_sso_identity(org, lea, "https://idp", "sub-lea")
            .await,
        Err(StoreError::NotFound)
    ));
}
