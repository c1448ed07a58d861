//! Item statistics through the real router on both databases: `/author/items` for admins and
//! authors (a role an admin gives on the organisation page), 403 for learners and managers, the
//! figures against a hand-computed seed, and another organisation's answers never counted.
//!
//! The seed (module `evaluating` of the fixture tree; 32 learners of org A, through the store):
//!
//! - `q-choose` (single answer, key B): first answers B by learners 0–23, A by 24–31. Facility
//!   24/32 = 75%; picks A 8/32 = 25%, B 75%, C 0% (a distractor nobody picked: flagged).
//! - `q-leak` (select all, keys A and B): A+B by 0–15 (right), A alone by 16–23, B+C by 24–31.
//!   Facility 16/32 = 50%; picks A 24/32 = 75%, B 24/32 = 75%, C 8/32 = 25%.
//! - Discrimination: each learner's rest score is their result on the module's other question,
//!   so both are the phi coefficient of the 2×2 table right/right 16, right/wrong 8,
//!   wrong/right 0, wrong/wrong 8: (16·8 − 8·0) / √(24·8·16·16) = 128 / √49152 = 0.5774 → 0.58.
//! - Learners 24–31 retake the quiz later and get everything right: not first answers, so the
//!   figures above do not move. 40 learners of org B answer `q-choose` with C: never counted
//!   (C stays at 0%).
//! - `q-limit` (module `basics`) has 5 first answers: "not enough answers yet".
//!
//! The command line's report (`levelfield content items`) prints the same figures.

use crate::common::{parity_app, Client, TestApp, TestAppBuilder};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use levelfield::cli::items::{report, ItemsError};
use levelfield::domain::people::{MemberRole, OrgId, UserId};
use levelfield::domain::progress::{AnswerRecord, NewAttempt};
use levelfield::store::Store;

parity_app!(item_statistics_for_admins_and_authors);

fn ans(question: &str, skill: &str, selected: &[u8], correct: bool) -> AnswerRecord {
    AnswerRecord {
        question: question.into(),
        skill: skill.into(),
        difficulty: 2,
        selected: selected.to_vec(),
        correct,
    }
}

async fn attempt(
    store: &dyn Store,
    user: UserId,
    module: &str,
    answers: Vec<AnswerRecord>,
    days_ago: i64,
) {
    store
        .record_attempt(&NewAttempt {
            user,
            kind: levelfield::domain::progress::AttemptKind::Quiz,
            module: module.into(),
            score: answers.iter().filter(|a| a.correct).count() as u32,
            total: answers.len() as u32,
            answers,
            submitted_at: Utc::now() - Duration::days(days_ago),
            seed: None,
        })
        .await
        .unwrap();
}

/// The HTML of the table row of `question`, without hydration markers.
fn row<'h>(html: &'h str, question: &str) -> &'h str {
    let start = html
        .find(&format!("id=\"item-{question}\""))
        .unwrap_or_else(|| panic!("no row for {question}"));
    let end = html[start..].find("</tr>").unwrap() + start;
    &html[start..end]
}

/// `/author/items` and `levelfield content items` against the hand-computed seed above.
async fn item_statistics_for_admins_and_authors(init: TestAppBuilder) {
    let learners: Vec<String> = (0..32).map(|i| format!("L{i}")).collect();
    let (app, a) = init
        .with_org(|o| {
            o.learners(["Lee Learner", "Ada Author"])
                .learners(learners.clone())
                .team("Alpha")
                .manager("Mo Manager")
        })
        .await;
    let org = a.org;
    let store = &*app.state.store;
    let mut admin = a.admin.clone();
    let (learner, manager, ada) = (
        a.client("Lee Learner"),
        a.client("Mo Manager"),
        a.client("Ada Author"),
    );
    let ada_id = a.user("Ada Author");

    // Org A's learners and their answers (see the module doc).
    for (i, name) in learners.iter().enumerate() {
        let u = a.user(name);
        let choose = if i < 24 {
            ans("q-choose", "evaluation", &[1], true)
        } else {
            ans("q-choose", "evaluation", &[0], false)
        };
        let leak = match i {
            0..16 => ans("q-leak", "evaluation", &[0, 1], true),
            16..24 => ans("q-leak", "evaluation", &[0], false),
            _ => ans("q-leak", "evaluation", &[1, 2], false),
        };
        attempt(store, u, "evaluating", vec![choose, leak], 3).await;
        if i >= 24 {
            let retake = vec![
                ans("q-choose", "evaluation", &[1], true),
                ans("q-leak", "evaluation", &[0, 1], true),
            ];
            attempt(store, u, "evaluating", retake, 1).await;
        }
        if i < 5 {
            let limit = vec![ans("q-limit", "data-quality", &[0], true)];
            attempt(store, u, "basics", limit, 2).await;
        }
    }
    // Org B answers q-choose with C, forty times.
    let b_learners: Vec<String> = (0..40).map(|i| format!("B{i}")).collect();
    let b = app
        .add_org(|o| {
            o.name("Org B")
                .domain("b.test")
                .learners(b_learners.clone())
        })
        .await;
    let org_b = b.org;
    assert_ne!(org_b, org);
    for name in &b_learners {
        let wrong = vec![ans("q-choose", "evaluation", &[2], false)];
        attempt(store, b.user(name), "evaluating", wrong, 4).await;
    }
    let admin_b = b.admin.clone();

    // Nobody signed in: the login, coming back here.
    let (status, _, location) = Client::new(&app).get("/author/items").await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.unwrap().starts_with("/login?next="));
    // A learner and a manager without the author role: 403, and no link in their header.
    for who in [&learner, &manager] {
        let (status, html, _) = who.get("/author/items").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("No access"));
        let (_, home, _) = who.get("/me").await;
        assert!(!home.contains("href=\"/author/items\""), "no link for them");
    }
    let (status, _, _) = ada.get("/author/items").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not an author yet");

    // The admin page offers the author role, and the admin gives it to Ada.
    let (_, page, _) = admin.get("/admin").await;
    assert!(
        page.contains(&format!("id=\"m{ada_id}-role-author\"")),
        "author checkbox"
    );
    let (status, _) = admin
        .post_form(
            &format!("/admin/members/{ada_id}"),
            "role=learner&role=author",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let roles = store.member(org, ada_id).await.unwrap().roles;
    assert_eq!(roles, vec![MemberRole::Learner, MemberRole::Author]);

    for who in [&admin, &ada] {
        let (status, html, _) = who.get("/author/items").await;
        assert_eq!(status, StatusCode::OK);
        let html = html.replace("<!>", "");
        assert!(html.contains("href=\"/author/items\""), "header link");

        let choose = row(&html, "q-choose");
        assert!(
            choose.contains("Which data do you choose between models on?"),
            "{choose}"
        );
        assert!(
            choose.contains("<td data-figure=\"attempts\">32</td>"),
            "{choose}"
        );
        assert!(
            choose.contains("<td data-figure=\"facility\">75%</td>"),
            "{choose}"
        );
        assert!(
            choose.contains("<td data-figure=\"discrimination\">0.58</td>"),
            "{choose}"
        );
        assert!(choose.contains("A 25% · B✓ 75% · C 0%"), "{choose}");
        assert!(choose.contains("choice C never picked"), "{choose}");

        let leak = row(&html, "q-leak");
        assert!(
            leak.contains("<td data-figure=\"attempts\">32</td>"),
            "{leak}"
        );
        assert!(
            leak.contains("<td data-figure=\"facility\">50%</td>"),
            "{leak}"
        );
        assert!(
            leak.contains("<td data-figure=\"discrimination\">0.58</td>"),
            "{leak}"
        );
        assert!(leak.contains("A✓ 75% · B✓ 75% · C 25%"), "{leak}");
        assert!(
            leak.contains("<span class=\"muted\">none</span>"),
            "no flags: {leak}"
        );

        let limit = row(&html, "q-limit");
        assert!(
            limit.contains("<td data-figure=\"attempts\">5</td>"),
            "{limit}"
        );
        assert!(limit.contains("Not enough answers yet"), "{limit}");
        assert!(!limit.contains("data-figure=\"facility\""), "{limit}");

        assert!(html.contains(
            "3 questions in 2 modules; 2 with at least 30 first answers, 1 of them flagged."
        ));
    }

    // Ordered by the server: hardest first puts q-leak (50%) before q-choose (75%).
    let (_, html, _) = ada.get("/author/items?sort=facility").await;
    let (leak, choose) = (
        html.find("id=\"item-q-leak\""),
        html.find("id=\"item-q-choose\""),
    );
    assert!(leak.unwrap() < choose.unwrap());
    assert!(html.contains("aria-sort=\"ascending\""));
    let (_, html, _) = ada.get("/author/items").await;
    let (leak, choose) = (
        html.find("id=\"item-q-leak\""),
        html.find("id=\"item-q-choose\""),
    );
    assert!(choose.unwrap() < leak.unwrap(), "authored order by default");

    // Org B's admin sees only org B's forty answers, and org A's none.
    let (status, html, _) = admin_b.get("/author/items").await;
    assert_eq!(status, StatusCode::OK);
    let html = html.replace("<!>", "");
    let choose = row(&html, "q-choose");
    assert!(
        choose.contains("<td data-figure=\"attempts\">40</td>"),
        "{choose}"
    );
    assert!(
        choose.contains("<td data-figure=\"facility\">0%</td>"),
        "{choose}"
    );
    assert!(choose.contains("A 0% · B✓ 0% · C 100%"), "{choose}");
    assert!(row(&html, "q-leak").contains("<td data-figure=\"attempts\">0</td>"));

    // The same figures on the command line (`levelfield content items`).
    let text = report(&app.state, Some(org)).await.unwrap();
    assert!(
        text.starts_with(&format!("Organisation {org}: Org A\n")),
        "{text}"
    );
    assert!(!text.contains("Org B"));
    let line = |text: &str, q: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(q))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line(&text, "q-choose"),
        "q-choose Which data do you choose between models… evaluation 2 32 75% 0.58 A 25% · B* 75% · C 0% choice C never picked"
    );
    assert_eq!(
        line(&text, "q-limit"),
        "q-limit What limits every model trained on it? data-quality 1 5 not enough answers yet (figures from 30)"
    );
    let all = report(&app.state, None).await.unwrap();
    assert!(all.contains("Org A") && all.contains(&format!("Organisation {org_b}: Org B")));
    let missing = report(&app.state, Some(OrgId(org_b.0 + 100))).await;
    assert!(matches!(missing, Err(ItemsError::NoSuchOrganisation(_))));
}

/// The demo organisation's item statistics are not empty: its onboarding cohort gives the entry
/// modules' questions at least 30 first answers, with facilities that vary.
#[tokio::test]
async fn demo_organisation_has_item_statistics() {
    let app = TestApp::init().content("content").empty().await;
    let logins = levelfield::cli::demo::demo(&app.state, false)
        .await
        .unwrap();
    let admin = &logins[0];
    let store = &*app.state.store;
    let org = store.credentials(&admin.email).await.unwrap().unwrap().org;

    let answers = store.first_answers(org, None).await.unwrap();
    let lib = app.state.library.current();
    let modules = levelfield::domain::items::library_items(&lib, &answers, 30);
    let measured: Vec<_> = modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|(_, s)| s.figures.as_ref())
        .collect();
    let cohort = levelfield::cli::demo::cohort_modules(&lib);
    let cohort_questions: usize = cohort.iter().map(|m| m.quiz.len()).sum();
    assert!(cohort_questions >= 10);
    assert!(
        measured.len() >= cohort_questions,
        "every entry question is measured: {} of {cohort_questions}",
        measured.len()
    );
    let facilities: Vec<f64> = measured.iter().map(|f| f.facility).collect();
    let (low, high) = facilities
        .iter()
        .fold((1.0f64, 0.0f64), |(l, h), f| (l.min(*f), h.max(*f)));
    assert!(high - low > 0.3, "facilities vary: {facilities:?}");
    assert!(measured.iter().any(|f| !f.flags.is_empty()), "some flags");

    let mut c = Client::new(&app);
    c.login(&admin.email, admin.password).await;
    let (status, html, _) = c.get("/author/items").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-figure=\"facility\""), "{html}");
}
