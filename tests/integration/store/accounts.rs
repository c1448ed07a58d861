//! Store parity: accounts, sessions, login throttling and the time type at the edge.

use super::*;
use levelfield::store::AttemptCount;

parity!(
    credentials_and_passwords,
    sessions,
    login_failures_are_purged,
    throttled_tries,
    setup_tokens_are_checked_without_being_used,
    times_are_normalised_and_checked,
);

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
        .set_password(admin, "$argon2id$new", at(5))
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
        store.set_password(ghost, "x", at(5)).await,
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
        .session("s1", at(10), at(-30))
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
        .session("nope", at(10), at(-30))
        .await
        .unwrap()
        .is_none());
    // Idle: not seen since the cutoff.
    assert!(store.session("s1", at(50), at(1)).await.unwrap().is_none());
    // Seen exactly at the cutoff still counts.
    assert!(store.session("s1", at(50), at(0)).await.unwrap().is_some());
    // Absolute expiry, whatever the activity.
    assert!(store
        .session("s1", at(120), at(-30))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session("s1", at(121), at(-30))
        .await
        .unwrap()
        .is_none());

    // Touching moves last_seen forwards, never backwards.
    store.touch_session("s1", at(40)).await.unwrap();
    store.touch_session("s1", at(20)).await.unwrap();
    let touched = store
        .session("s1", at(50), at(30))
        .await
        .unwrap()
        .expect("live");
    assert_eq!(touched.last_seen_at, stored(40));
    store.touch_session("nope", at(40)).await.unwrap();

    store.delete_session("s2").await.unwrap();
    assert!(store.session("s2", at(1), at(-30)).await.unwrap().is_none());
    store.delete_session("s2").await.unwrap();

    // After a password change: every other session of ada ends, bob's stay.
    store
        .create_session(&session("s4", ada, 0, 0, 120))
        .await
        .unwrap();
    assert_eq!(store.delete_other_sessions(ada, "s1").await.unwrap(), 2);
    assert!(store.session("s1", at(41), at(0)).await.unwrap().is_some());
    assert!(store.session("s3", at(1), at(-30)).await.unwrap().is_none());
    assert!(store.session("b1", at(1), at(-30)).await.unwrap().is_some());

    // Purge: b1 expired (30), s5 idle (seen 5 < cutoff 10), s1 live (seen 40).
    store
        .create_session(&session("s5", ada, 0, 5, 120))
        .await
        .unwrap();
    assert_eq!(store.purge_sessions(at(30), at(10)).await.unwrap(), 2);
    assert!(store.session("s1", at(41), at(10)).await.unwrap().is_some());
    assert_eq!(store.purge_sessions(at(30), at(10)).await.unwrap(), 0);

    let orphan = store
        .create_session(&session("x", UserId(ada.0 + 1000), 0, 0, 10))
        .await;
    assert!(matches!(orphan, Err(StoreError::NotFound)), "{orphan:?}");
}

async fn throttled_tries(store: &dyn Store) {
    let a = "login:10.0.0.1";
    let mut ids = Vec::new();
    // Each try is counted with those before it, since `since` (inclusive); the newest other
    // one's time comes with the count.
    let expected = [
        (0, 1, None),
        (5, 2, Some(stored(0))),
        (10, 3, Some(stored(5))),
    ];
    for (m, count, latest_other) in expected {
        let (id, seen) = store.record_try(a, at(m), at(-1)).await.unwrap();
        assert_eq!(
            seen,
            AttemptCount {
                count,
                latest_other
            }
        );
        ids.push(id);
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    // Another key counts apart; a later `since` leaves older tries out.
    let (other, seen) = store
        .record_try("login:10.0.0.2", at(7), at(0))
        .await
        .unwrap();
    assert_eq!((seen.count, seen.latest_other), (1, None));
    assert!(!ids.contains(&other));
    let (late, seen) = store.record_try(a, at(12), at(5)).await.unwrap();
    assert_eq!((seen.count, seen.latest_other), (3, Some(stored(10))));
    // Forgotten tries no longer count; other keys keep theirs.
    store.forget_tries(&ids[1..]).await.unwrap();
    store.forget_tries(&[late]).await.unwrap();
    store.forget_tries(&[]).await.unwrap();
    let (_, seen) = store.record_try(a, at(13), at(-1)).await.unwrap();
    assert_eq!((seen.count, seen.latest_other), (2, Some(stored(0))));
    let (_, seen) = store
        .record_try("login:10.0.0.2", at(13), at(-1))
        .await
        .unwrap();
    assert_eq!(seen.count, 2);
}

async fn setup_tokens_are_checked_without_being_used(store: &dyn Store) {
    store.create_setup_token("usable", at(60)).await.unwrap();
    store.create_setup_token("expired", at(10)).await.unwrap();
    assert!(store.setup_token_usable("usable", at(0)).await.unwrap());
    assert!(
        store.setup_token_usable("usable", at(0)).await.unwrap(),
        "checking does not use it"
    );
    for (token, now) in [("expired", at(10)), ("expired", at(11)), ("nope", at(0))] {
        assert!(
            !store.setup_token_usable(token, now).await.unwrap(),
            "{token} at {now}"
        );
    }
    store
        .setup_organisation("usable", at(1), "Acme", &person("ada@acme.test", "Ada"))
        .await
        .unwrap();
    assert!(!store.setup_token_usable("usable", at(2)).await.unwrap());
}

/// An RFC 3339 text as a UTC time (offset and precision as written).
fn utc(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t)
        .expect("time")
        .with_timezone(&Utc)
}

async fn times_are_normalised_and_checked(store: &dyn Store) {
    let (_, user) = new_org(store, "Acme", "t@acme.test").await;
    // Offsets and precision vary on the way in; the same instants come out, truncated to
    // microseconds, and comparisons are by time, not by text.
    let s = SessionRecord {
        id_hash: "t1".into(),
        user,
        created_at: utc("2030-06-01T11:00:00+02:00"),
        last_seen_at: utc("2030-06-01T09:00:00.123456789Z"),
        expires_at: utc("2030-06-01T05:30:00-04:00"),
    };
    store.create_session(&s).await.unwrap();
    let got = store
        .session(
            "t1",
            utc("2030-06-01T10:00:00+01:00"),
            utc("2030-06-01T09:00:00.1Z"),
        )
        .await
        .unwrap()
        .expect("live");
    assert_eq!(got.created_at, utc("2030-06-01T09:00:00.000000Z"));
    assert_eq!(got.last_seen_at, utc("2030-06-01T09:00:00.123456Z"));
    assert_eq!(got.expires_at, utc("2030-06-01T09:30:00.000000Z"));
    // 09:31 UTC, written with an offset that sorts before it as text.
    assert!(store
        .session(
            "t1",
            utc("2030-06-01T05:31:00-04:00"),
            utc("2030-06-01T08:00:00Z")
        )
        .await
        .unwrap()
        .is_none());
    // The idle cutoff compares to the microsecond, whatever finer digits it carries.
    let now = utc("2030-06-01T09:10:00Z");
    for (cutoff, live) in [
        ("2030-06-01T09:00:00.123456999Z", true),
        ("2030-06-01T09:00:00.123457Z", false),
    ] {
        let found = store.session("t1", now, utc(cutoff)).await.unwrap();
        assert_eq!(found.is_some(), live, "{cutoff}");
    }
}

/// Throttled tries before the cut-off go (they hold client addresses); later ones stay.
async fn login_failures_are_purged(store: &dyn Store) {
    for (key, m) in [
        ("10.0.0.1", 0),
        ("10.0.0.1", 10),
        ("10.0.0.2", 4),
        ("10.0.0.2", 5),
    ] {
        store.record_try(key, at(m), at(-60)).await.unwrap();
    }
    assert_eq!(store.purge_login_failures(at(5)).await.unwrap(), 2);
    let (_, one) = store.record_try("10.0.0.1", at(11), at(-60)).await.unwrap();
    assert_eq!(one.count, 2, "the try at 10 stays, with this one");
    let (_, two) = store.record_try("10.0.0.2", at(11), at(-60)).await.unwrap();
    assert_eq!(two.count, 2, "one exactly at the cut-off stays");
    assert_eq!(store.purge_login_failures(at(5)).await.unwrap(), 0);
}
