//! Keeping no more than needed and showing no more than allowed: the hourly maintenance purges
//! dead sessions and failed logins outside the throttle window; `demo` and `seed` keep away
//! from a database with a real organisation unless forced; and the trend charts plot no group
//! smaller than the minimum group size.

use crate::common::{parity_app, TestApp, TestAppBuilder};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use levelfield::cli::seed::{check_database, synthetic, SeedError, Size};
use levelfield::domain::matrix::Snapshot;
use levelfield::domain::people::TeamId;
use levelfield::server::estimates::{maintain, purge_expired, Purged};
use levelfield::store::{NewUser, OrgOrigin, SessionRecord};

parity_app!(
    the_hourly_maintenance_purges_dead_sessions_and_old_login_failures,
    trend_charts_plot_no_group_below_the_minimum_size,
);

async fn the_hourly_maintenance_purges_dead_sessions_and_old_login_failures(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o.learner("Ann")).await;
    let store = &app.state.store;
    let (now, ann) = (Utc::now(), w.user("Ann"));
    let idle = Duration::minutes(app.state.config.session_idle_minutes);
    for (id, created, seen, expires) in [
        (
            "a".repeat(64),
            now - Duration::days(20),
            now,
            now - Duration::minutes(1),
        ),
        (
            "b".repeat(64),
            now - Duration::days(1),
            now - idle - Duration::minutes(1),
            now + Duration::days(5),
        ),
    ] {
        store
            .create_session(&SessionRecord {
                id_hash: id,
                user: ann,
                created_at: created,
                last_seen_at: seen,
                expires_at: expires,
            })
            .await
            .unwrap();
    }
    for ago in [61, 60 * 24 * 3, 1] {
        let at = now - Duration::minutes(ago);
        store
            .record_try("192.0.2.9", at, at - Duration::minutes(1))
            .await
            .unwrap();
    }
    assert_eq!(
        purge_expired(&app.state, now).await.unwrap(),
        Purged {
            sessions: 2,
            login_failures: 2
        }
    );
    // Counts the tries kept, through a probe try that is forgotten at once.
    let failures = |since| async move {
        let (id, seen) = store.record_try("192.0.2.9", now, since).await?;
        store.forget_tries(&[id]).await?;
        Ok::<i64, levelfield::store::StoreError>(seen.count - 1)
    };
    assert_eq!(failures(now - Duration::days(30)).await.unwrap(), 1);
    // Live sessions stay.
    assert_eq!(w.client("Ann").get("/me").await.0, StatusCode::OK);
    assert_eq!(w.admin.get("/admin").await.0, StatusCode::OK);

    // The hourly task purges first thing.
    let two_hours_ago = now - Duration::hours(2);
    store
        .record_try("192.0.2.9", two_hours_ago, two_hours_ago)
        .await
        .unwrap();
    assert_eq!(failures(now - Duration::days(30)).await.unwrap(), 2);
    let task = tokio::spawn(maintain(
        app.state.clone(),
        std::time::Duration::from_secs(3600),
    ));
    let mut left = 2;
    for _ in 0..100 {
        left = failures(now - Duration::days(30)).await.unwrap();
        if left == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    task.abort();
    assert_eq!(left, 1, "the maintenance task purged the old failure");
}

/// `demo` and `seed` refuse a database with a real organisation (set up on first run, or an
/// operator's), touching nothing; a database with only demo or seeded ones, or `--force`, is
/// fine.
#[tokio::test]
async fn demo_and_seed_refuse_a_database_with_a_real_organisation() {
    let app = TestApp::init().empty().await;
    let store = &app.state.store;
    let someone = |email: &str| NewUser {
        email: email.into(),
        name: "Alex".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    for (email, origin) in [
        ("admin@demo-x.levelfield.test", OrgOrigin::Demo),
        ("admin@synthetic-x.test", OrgOrigin::Seed),
    ] {
        store
            .create_organisation("Not real", &someone(email), origin, Utc::now())
            .await
            .unwrap();
    }
    check_database(&app.state, false).await.unwrap();

    store
        .create_organisation(
            "Real",
            &someone("admin@real.test"),
            OrgOrigin::Real,
            Utc::now(),
        )
        .await
        .unwrap();
    let refused = levelfield::cli::demo::demo(&app.state, false).await;
    assert!(
        matches!(refused, Err(SeedError::RealOrganisation(1))),
        "{refused:?}"
    );
    let message = refused.unwrap_err().to_string();
    assert!(message.contains("--force"), "{message}");
    let refused = synthetic(&app.state, Size::S, false, |_: &str, _: usize, _: usize| {}).await;
    assert!(
        matches!(refused, Err(SeedError::RealOrganisation(1))),
        "{refused:?}"
    );
    assert_eq!(
        store.organisation_count().await.unwrap(),
        3,
        "nothing added"
    );
    check_database(&app.state, true).await.unwrap();
}

/// The trend charts of the organisation and of a team plot a skill's snapshots only when at
/// least the minimum group size (5) of people were measured against it: one person whose own
/// role targets a skill nobody else's does is not singled out, in the chart or its figures.
async fn trend_charts_plot_no_group_below_the_minimum_size(init: TestAppBuilder) {
    let (app, w) = init
        .with_org(|o| {
            o.team("Alpha")
                .target_role("lead")
                .learners(["Ann", "Ben", "Cat", "Dan", "Eve", "Fay"])
        })
        .await;
    // `lead` targets evaluation only; Fay's own role, analyst, also targets data-quality.
    app.state
        .store
        .set_target_role(w.org, w.user("Fay"), Some("analyst"))
        .await
        .unwrap();
    let snap = |team: Option<TeamId>, skill: &str, people: u32, weeks: i64, gap: f64| {
        let day = (Utc::now() - Duration::weeks(weeks)).date_naive();
        Snapshot {
            team,
            skill: skill.into(),
            day,
            people,
            below_target: people,
            unmeasured: 0,
            mean_gap: gap,
            exposure: gap,
        }
    };
    for weeks in [2, 1] {
        let day = (Utc::now() - Duration::weeks(weeks)).date_naive();
        let rows: Vec<Snapshot> = [None, Some(w.team())]
            .into_iter()
            .flat_map(|team| {
                [
                    snap(team, "evaluation", 6, weeks, 1.25),
                    snap(team, "data-quality", 1, weeks, 2.75),
                ]
            })
            .collect();
        app.state
            .store
            .record_snapshots(w.org, day, &rows)
            .await
            .unwrap();
    }
    let chart = |html: &str| {
        let html = html.replace("<!>", "");
        let start = html
            .find(r#"<figure class="chart">"#)
            .unwrap_or_else(|| panic!("a trend chart: {html}"));
        let end = start + html[start..].find("</figure>").unwrap();
        html[start..end].to_string()
    };
    for page in [
        "/org/skills".to_string(),
        format!("/teams/{}/skills", w.team()),
    ] {
        let (status, html, _) = w.admin.get(&page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let figure = chart(&html);
        assert!(figure.contains("Model evaluation"), "{page}: {figure}");
        assert!(figure.contains("1.25"), "{page}: {figure}");
        assert!(!figure.contains("Data quality"), "{page}: {figure}");
        assert!(!figure.contains("2.75"), "{page}: {figure}");
    }
}
