//! Store parity: first run, teams, members, isolation between organisations, invitations.

use super::*;

parity!(
    first_run,
    teams,
    members_assign_and_remove,
    organisations_are_isolated,
    invitations,
    invitations_are_bound_to_their_email_and_revocable,
    members_and_team_checks_have_one_form,
);

async fn first_run(store: &dyn Store) {
    store.ping().await.unwrap();
    assert_eq!(store.organisation_count().await.unwrap(), 0);

    store.create_setup_token("setup-1", at(60)).await.unwrap();
    let unknown = store
        .setup_organisation("nope", at(0), "Acme", &person("ada@acme.test", "Ada"))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::TokenInvalid)),
        "{unknown:?}"
    );

    // A new token revokes the earlier ones (each start-up before setup mints one).
    store.create_setup_token("setup-2", at(10)).await.unwrap();
    let revoked = store
        .setup_organisation("setup-1", at(0), "Acme", &person("ada@acme.test", "Ada"))
        .await;
    assert!(
        matches!(revoked, Err(StoreError::TokenInvalid)),
        "{revoked:?}"
    );
    // An expired token (and one expiring exactly now) is refused.
    for now in [at(11), at(10)] {
        let late = store
            .setup_organisation("setup-2", now, "Late", &person("late@acme.test", "Late"))
            .await;
        assert!(matches!(late, Err(StoreError::TokenInvalid)), "{late:?}");
    }

    store.create_setup_token("setup-3", at(60)).await.unwrap();
    let (org, admin) = store
        .setup_organisation("setup-3", at(0), "Acme", &person("ada@acme.test", "Ada"))
        .await
        .unwrap();
    assert_eq!(store.organisation_count().await.unwrap(), 1);
    assert_eq!(store.real_organisation_count().await.unwrap(), 1);
    assert_eq!(store.organisation(org).await.unwrap().name, "Acme");
    let member = store.member(org, admin).await.unwrap();
    assert_eq!(member.roles, MemberRole::ALL.to_vec());
    assert_eq!((member.org, member.name.as_str()), (org, "Ada"));

    // The token is used up.
    let again = store
        .setup_organisation("setup-3", at(1), "Acme 2", &person("bob@acme.test", "Bob"))
        .await;
    assert!(matches!(again, Err(StoreError::TokenInvalid)), "{again:?}");

    // First run is over: even a valid token left over creates no second organisation.
    store.create_setup_token("setup-4", at(60)).await.unwrap();
    let second = store
        .setup_organisation(
            "setup-4",
            at(2),
            "Second",
            &person("eve@second.test", "Eve"),
        )
        .await;
    assert!(
        matches!(second, Err(StoreError::TokenInvalid)),
        "{second:?}"
    );
    assert_eq!(store.organisation_count().await.unwrap(), 1);
    assert!(store
        .credentials("eve@second.test")
        .await
        .unwrap()
        .is_none());

    // An operator's organisations, beside it: demo and seed ones are not real.
    for (name, email, origin) in [
        ("Demo", "admin@demo-x.levelfield.test", OrgOrigin::Demo),
        ("Seeded", "admin@synthetic-x.test", OrgOrigin::Seed),
    ] {
        let (o, a) = store
            .create_organisation(name, &person(email, "Alex"), origin, at(3))
            .await
            .unwrap();
        assert_eq!(store.member(o, a).await.unwrap().roles, MemberRole::ALL);
    }
    assert_eq!(store.organisation_count().await.unwrap(), 3);
    assert_eq!(store.real_organisation_count().await.unwrap(), 1);
    let taken = store
        .create_organisation(
            "Dup",
            &person("ADA@acme.test", "Ada 2"),
            OrgOrigin::Real,
            at(4),
        )
        .await;
    assert!(matches!(taken, Err(StoreError::EmailTaken)), "{taken:?}");
    assert_eq!(
        store.organisation_count().await.unwrap(),
        3,
        "nothing half made"
    );
    store
        .create_organisation(
            "Second",
            &person("eve@second.test", "Eve"),
            OrgOrigin::Real,
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(store.real_organisation_count().await.unwrap(), 2);
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
        .record_progress(cy, "m1", 1, 3, None, false, at(2))
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
    assert!(store.session("cy-1", at(5), at(0)).await.unwrap().is_none());
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
    assert!(store.invitations(b, at(0)).await.unwrap().is_empty());
    assert_eq!(store.invitations(a, at(0)).await.unwrap().len(), 1);
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
    let pending = store.invitations(org, at(10)).await.unwrap();
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
        .accept_invitation("inv-manager", at(10), &person("mia@acme.test", "Mia"))
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
    assert_eq!(store.invitations(org, at(10)).await.unwrap().len(), 1);

    // Twice: refused.
    let twice = store
        .accept_invitation("inv-manager", at(11), &person("other@acme.test", "Other"))
        .await;
    assert!(matches!(twice, Err(StoreError::TokenInvalid)), "{twice:?}");
    // Expired (also exactly at expiry): refused.
    for now in [at(6), at(5)] {
        let late = store
            .accept_invitation("inv-expired", now, &person("late@acme.test", "Late"))
            .await;
        assert!(matches!(late, Err(StoreError::TokenInvalid)), "{late:?}");
    }
    let unknown = store
        .accept_invitation("inv-none", at(1), &person("who@acme.test", "Who"))
        .await;
    assert!(
        matches!(unknown, Err(StoreError::TokenInvalid)),
        "{unknown:?}"
    );

    // A taken email: refused, the invitation stays unused and nothing else is created.
    let before = store.members(org).await.unwrap().len();
    let taken = store
        .accept_invitation("inv-author", at(12), &person("MIA@acme.test", "Mia 2"))
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
        .accept_invitation("inv-author", at(13), &person("al@acme.test", "Al"))
        .await
        .unwrap();
    let al = store.member(org, al).await.unwrap();
    assert_eq!(al.roles, [MemberRole::Learner, MemberRole::Author]);
    assert!(al.teams.is_empty() && al.manages.is_empty());
    assert!(store.invitations(org, at(13)).await.unwrap().is_empty());

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
        .accept_invitation("inv-red", at(14), &person("lu@acme.test", "Lu"))
        .await
        .unwrap();
    let lu = store.member(org, lu).await.unwrap();
    assert_eq!(lu.roles, [MemberRole::Learner]);
    assert_eq!((lu.teams.clone(), lu.manages.clone()), (vec![red], vec![]));
}

/// Member and team inserts and the team check (per-row on SQLite and arrays on PostgreSQL until
/// converged): roles and teams stored once each, in canonical order; another organisation's
/// team refused wherever it is named.
async fn members_and_team_checks_have_one_form(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "admin@acme.test").await;
    let (other, other_admin) = new_org(store, "Other", "admin@other.test").await;
    let red = store.create_team(org, "Red").await.unwrap();
    let blue = store.create_team(org, "Blue").await.unwrap();
    let theirs = store.create_team(other, "Theirs").await.unwrap();
    assert_eq!(
        store.member(org, admin).await.unwrap().roles,
        MemberRole::ALL.to_vec()
    );
    let manager = join(
        store,
        org,
        admin,
        MemberRole::Manager,
        Some(red),
        "m@acme.test",
        "Manager",
    )
    .await;
    let m = store.member(org, manager).await.unwrap();
    assert_eq!(m.roles, [MemberRole::Learner, MemberRole::Manager]);
    assert_eq!((m.teams, m.manages), (vec![red], vec![red]));

    let assignment = Assignment {
        roles: vec![MemberRole::Author, MemberRole::Learner, MemberRole::Author],
        teams: vec![red, blue, red, blue],
        manages: vec![blue, blue],
    };
    store.assign(org, manager, &assignment).await.unwrap();
    let m = store.member(org, manager).await.unwrap();
    let mut both = vec![red, blue];
    both.sort();
    assert_eq!(m.roles, [MemberRole::Learner, MemberRole::Author]);
    assert_eq!((m.teams.clone(), m.manages.clone()), (both, vec![blue]));

    // Another organisation's team, existing or not, as a member's or a manager's team, or on
    // an invitation: NotFound, and nothing changes.
    for (teams, manages) in [
        (vec![red, theirs], vec![]),
        (vec![red], vec![blue, theirs]),
        (vec![TeamId(theirs.0 + 1000)], vec![]),
    ] {
        let bad = Assignment {
            roles: vec![MemberRole::Learner],
            teams,
            manages,
        };
        assert!(matches!(
            store.assign(org, manager, &bad).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.member(org, manager).await.unwrap(), m);
    }
    let t = token("invite");
    let foreign = invitation(org, admin, &t, MemberRole::Learner, Some(theirs), 60);
    assert!(matches!(
        store.create_invitation(&foreign).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.invitation(&t).await.unwrap().is_none());
    let _ = other_admin;
}

/// An invitation made out to an email is accepted by that email only (compared as stored,
/// lowercased), and a refusal leaves it usable; a pending invitation can be revoked, by its own
/// organisation only, and a used one cannot.
async fn invitations_are_bound_to_their_email_and_revocable(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "admin@acme.test").await;
    let (other, _) = new_org(store, "Other", "admin@other.test").await;
    let mut bound = invitation(org, admin, "inv-bound", MemberRole::Admin, None, 60);
    bound.email = Some("Zoe@Acme.test".into());
    let bound_id = store.create_invitation(&bound).await.unwrap();

    let stranger = store
        .accept_invitation("inv-bound", at(1), &person("mallory@evil.test", "Mallory"))
        .await;
    assert!(
        matches!(stranger, Err(StoreError::TokenInvalid)),
        "{stranger:?}"
    );
    assert!(store
        .credentials("mallory@evil.test")
        .await
        .unwrap()
        .is_none());
    let kept = store.invitation("inv-bound").await.unwrap().expect("kept");
    assert_eq!(kept.used_at, None, "a refusal leaves it usable");
    let (joined, zoe) = store
        .accept_invitation("inv-bound", at(2), &person(" ZOE@acme.TEST", "Zoe"))
        .await
        .unwrap();
    assert_eq!(joined, org);
    assert!(store.member(org, zoe).await.unwrap().has(MemberRole::Admin));
    // Used: it cannot be revoked (it records who joined through it).
    assert!(matches!(
        store.revoke_invitation(org, bound_id).await,
        Err(StoreError::NotFound)
    ));

    let open = store
        .create_invitation(&invitation(
            org,
            admin,
            "inv-open",
            MemberRole::Learner,
            None,
            60,
        ))
        .await
        .unwrap();
    // Another organisation's admin cannot revoke it, nor can an unknown id.
    for (o, id) in [(other, open), (org, open + 1000)] {
        assert!(matches!(
            store.revoke_invitation(o, id).await,
            Err(StoreError::NotFound)
        ));
    }
    assert_eq!(store.invitations(org, at(3)).await.unwrap().len(), 1);
    store.revoke_invitation(org, open).await.unwrap();
    assert!(store.invitations(org, at(3)).await.unwrap().is_empty());
    let revoked = store
        .accept_invitation("inv-open", at(4), &person("late@acme.test", "Late"))
        .await;
    assert!(
        matches!(revoked, Err(StoreError::TokenInvalid)),
        "{revoked:?}"
    );
}
