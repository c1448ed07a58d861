//! The AI-literacy record (`/org/literacy` and its CSV) through the real router, on both
//! databases: a small organisation whose statuses are worked out by hand, what a manager, a
//! learner, a visitor and another organisation's admin get.
//!
//! The fixture (`tests/fixtures/literacy`): the role "AI worker" needs `ai-literacy` at level 1,
//! "Analyst" sets no AI-literacy level. Org A:
//!
//! | person | team | role | evidence | status |
//! |---|---|---|---|---|
//! | Ann | Ops | AI worker (team's) | module, quiz 6/6, a check, 10 days ago | meets |
//! | Ben | Ops | AI worker (team's) | the same, 14 months ago | lapsed |
//! | Cy | Ops | AI worker (team's) | quiz 0/4 and a failed task, recent | below |
//! | Dee | Ops | AI worker (team's) | none | no evidence |
//! | Eve | Lab | Analyst (own) | none | no level set |
//! | Gus | Lab | none | none | no role |
//! | Max | Lab, its manager | none | none | no role |
//! | Admin | no team | none | none | no role |
//!
//! Six right answers at difficulty 2 put the estimate at the quiz cap of 2 (at or above the
//! need of 1, even 14 months on); four wrong answers at difficulty 1 put it near 0. So Ops is
//! covered 1 of 4, Lab has no one with a level to reach, and the organisation 1 of 4.

use crate::common::{parity_app, redact_dates, Client, TestApp, TestAppBuilder, World};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use levelfield::domain::people::UserId;
use levelfield::domain::progress::{AnswerRecord, AttemptKind, NewAttempt};
use levelfield::domain::task::{NewScore, NewSubmission};

parity_app!(
    an_admin_sees_everyones_need_evidence_and_status,
    the_csv_has_a_row_per_person_with_the_same_statuses,
    the_csv_matches_its_snapshot,
    a_manager_sees_only_the_teams_they_manage,
    learners_are_refused_and_visitors_sent_to_sign_in,
    another_organisations_admin_sees_none_of_it,
);

const LITERACY: &str = "tests/fixtures/literacy";

/// The date `days` ago, as the record prints it.
fn day_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

async fn quiz(app: &TestApp, user: UserId, kind: AttemptKind, at: DateTime<Utc>, right: &[bool]) {
    let difficulty = if right.iter().all(|r| *r) { 2 } else { 1 };
    app.state
        .store
        .record_attempt(&NewAttempt {
            user,
            kind,
            module: "safe-use".into(),
            score: right.iter().filter(|r| **r).count() as u32,
            total: right.len() as u32,
            answers: right
                .iter()
                .enumerate()
                .map(|(i, r)| AnswerRecord {
                    question: format!("q-{}-{i}", kind.key()),
                    skill: "ai-literacy".into(),
                    difficulty,
                    selected: vec![0],
                    correct: *r,
                })
                .collect(),
            submitted_at: at,
            seed: None,
        })
        .await
        .unwrap();
}

/// Ann's or Ben's evidence, `days` ago: the module completed, its quiz 6 of 6, a check answer.
async fn good_evidence(app: &TestApp, user: UserId, days: i64) {
    let at = Utc::now() - Duration::days(days);
    quiz(app, user, AttemptKind::Quiz, at, &[true; 6]).await;
    app.state
        .store
        .record_progress(user, "safe-use", 2, 2, None, true, at)
        .await
        .unwrap();
    quiz(
        app,
        user,
        AttemptKind::Check,
        at + Duration::minutes(5),
        &[true],
    )
    .await;
}

/// Org A as in the table above, and Org B with one learner, Zed, who has evidence.
async fn fixture(init: TestAppBuilder) -> (TestApp, World, World) {
    let (app, w) = init
        .content(LITERACY)
        .with_org(|o| {
            o.team("Ops")
                .target_role("worker")
                .learners(["Ann", "Ben", "Cy", "Dee"])
                .team("Lab")
                .learners(["Eve", "Gus"])
                .manager("Max")
        })
        .await;
    let b = app
        .add_org(|o| {
            o.name("Org B")
                .domain("b.test")
                .team("Zeta")
                .target_role("worker")
                .learner("Zed")
        })
        .await;
    let store = &app.state.store;
    store
        .set_target_role(w.org, w.user("Eve"), Some("analyst"))
        .await
        .unwrap();
    good_evidence(&app, w.user("Ann"), 10).await;
    good_evidence(&app, w.user("Ben"), 425).await;
    good_evidence(&app, b.user("Zed"), 3).await;
    let cy = w.user("Cy");
    quiz(
        &app,
        cy,
        AttemptKind::Quiz,
        Utc::now() - Duration::days(3),
        &[false; 4],
    )
    .await;
    let sub = store
        .submit_task(
            w.org,
            &NewSubmission {
                user: cy,
                module: "safe-use".into(),
                task: "use-note".into(),
                skill: levelfield::domain::ids::SkillId::new("ai-literacy"),
                level: 3,
                weight: 1.0,
                body: "Use anything.".into(),
                submitted_at: Utc::now() - Duration::days(2),
            },
        )
        .await
        .unwrap();
    store
        .score_task(
            w.org,
            sub,
            &NewScore {
                scored_by: w.admin_user,
                scored_at: Utc::now() - Duration::days(1),
                scores: vec![0, 1],
            },
        )
        .await
        .unwrap();
    (app, w, b)
}

/// A page as text to search: its HTML without Leptos' `<!>` markers.
async fn page(client: &Client, uri: &str) -> (StatusCode, String) {
    let (status, html, _) = client.get(uri).await;
    (status, html.replace("<!>", ""))
}

/// The people table's row of `user`.
fn row(html: &str, user: UserId) -> &str {
    let at = html
        .find(&format!(r#"<tr id="person-{user}""#))
        .unwrap_or_else(|| panic!("no row for {user}:\n{html}"));
    let rest = &html[at..];
    &rest[..rest.find("</tr>").unwrap()]
}

fn status_of(html: &str, user: UserId) -> String {
    let r = row(html, user);
    let at = r.find("data-status=\"").unwrap() + 13;
    r[at..at + r[at..].find('"').unwrap()].to_string()
}

/// The coverage table's row `id`.
fn coverage<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!(r#"<tr id="{id}""#))
        .unwrap_or_else(|| panic!("no coverage row {id}:\n{html}"));
    let rest = &html[at..];
    &rest[..rest.find("</tr>").unwrap()]
}

async fn an_admin_sees_everyones_need_evidence_and_status(init: TestAppBuilder) {
    let (_app, w, _b) = fixture(init).await;
    let (status, html) = page(&w.admin, "/org/literacy").await;
    assert_eq!(status, StatusCode::OK, "{html}");

    // The organisation, when it was generated, and the disclaimer.
    assert!(html.contains("AI-literacy record"));
    assert!(html.contains("<strong>Org A</strong>"), "{html}");
    let today = Utc::now().format("%Y-%m-%d").to_string();
    assert!(html.contains(&format!("Generated {today}")), "{html}");
    assert!(html.contains("It does not claim legal compliance."));
    assert!(html.contains("Article 4 of the EU AI Act"));
    assert!(html.contains(r#"href="/org/literacy.csv""#));

    // Statuses, worked out by hand (see the table at the top).
    let expect = [
        ("Ann", "meets"),
        ("Ben", "lapsed"),
        ("Cy", "below"),
        ("Dee", "no-evidence"),
        ("Eve", "no-level-set"),
        ("Gus", "no-role"),
        ("Max", "no-role"),
    ];
    for (name, status) in expect {
        assert_eq!(status_of(&html, w.user(name)), status, "{name}");
    }
    assert_eq!(
        status_of(&html, w.admin_user),
        "no-role",
        "the admin is staff too"
    );

    // Need, estimate and currency.
    let ann = row(&html, w.user("Ann"));
    assert!(
        ann.contains("<td>Ops</td><td>AI worker</td><td>1</td>"),
        "{ann}"
    );
    assert!(ann.contains("level 2.0 (95% range"), "{ann}");
    // Quiz evidence alone: the level is capped at 2, and the record says so instead of a
    // measured-looking "2.0–2.0".
    assert!(ann.contains("capped at 2"), "{ann}");
    assert!(!ann.contains("2.0–2.0"), "{ann}");
    assert!(
        ann.contains(&format!("<td>{}</td><td>yes</td>", day_ago(10))),
        "{ann}"
    );
    let ben = row(&html, w.user("Ben"));
    assert!(
        ben.contains(&format!("<td>{}</td><td>no</td>", day_ago(425))),
        "{ben}"
    );
    assert!(ben.contains("<strong>Lapsed</strong>"), "{ben}");
    let dee = row(&html, w.user("Dee"));
    assert!(
        dee.contains("no estimate</td><td>none</td><td>—</td>"),
        "{dee}"
    );
    let eve = row(&html, w.user("Eve"));
    assert!(
        eve.contains("<td>Analyst</td><td>none set by the role</td>"),
        "{eve}"
    );
    let gus = row(&html, w.user("Gus"));
    assert!(gus.contains("<td>No role assigned</td>"), "{gus}");

    // The evidence, with dates: modules, the check, quizzes and the failed task.
    let ev = &html[html
        .find(&format!(r#"id="evidence-{}""#, w.user("Ann")))
        .unwrap()..];
    let ev = &ev[..ev.find("</section>").unwrap()];
    let d = day_ago(10);
    assert!(
        ev.contains(&format!("{d} module completed: Using AI tools safely")),
        "{ev}"
    );
    assert!(
        ev.contains(&format!("{d} quiz: Using AI tools safely: 6 of 6")),
        "{ev}"
    );
    assert!(
        ev.contains(&format!("{d} skill check: 1 answer, 1 right, level")),
        "{ev}"
    );
    let ev = &html[html
        .find(&format!(r#"id="evidence-{}""#, w.user("Cy")))
        .unwrap()..];
    let task = format!(
        "{} practical task: Write your team's AI-use note (Using AI tools safely), level 3, not passed",
        day_ago(1)
    );
    assert!(ev.contains(&task), "{ev}");
    assert!(ev.contains(&format!(
        "{} quiz: Using AI tools safely: 0 of 4",
        day_ago(3)
    )));
    assert!(
        html.contains("No AI-literacy evidence yet: Admin, Dee, Eve, Gus, Max."),
        "{html}"
    );

    // Coverage: Ops 1 of 4; Lab has no one with a level; the organisation 1 of 4.
    let (ops, lab) = (w.teams[0], w.teams[1]);
    let c = coverage(&html, &format!("team-{ops}"));
    assert!(
        c.contains("<th scope=\"row\">Ops</th><td>4</td><td>1</td><td>25%</td>"),
        "{c}"
    );
    let c = coverage(&html, &format!("team-{lab}"));
    assert!(
        c.contains("<td>0</td><td>0</td><td>— (no one has a level to reach)</td>"),
        "{c}"
    );
    let c = coverage(&html, "no-team");
    assert!(c.contains("In no team</th><td>0</td><td>0</td>"), "{c}");
    let c = coverage(&html, "everyone");
    assert!(
        c.contains("Whole organisation</th><td>4</td><td>1</td><td>25%</td>"),
        "{c}"
    );

    // Never another organisation's people.
    assert!(!html.contains("Zed"), "{html}");

    // Reached from the admin page and from each team page.
    let (_, admin_page) = page(&w.admin, "/admin").await;
    assert!(admin_page.contains(r#"href="/org/literacy""#));
    let (_, team_page) = page(&w.admin, &format!("/teams/{ops}")).await;
    assert!(
        team_page.contains(&format!(r#"href="/org/literacy#team-{ops}""#)),
        "{team_page}"
    );
}

/// The CSV's rows, parsed.
fn csv_rows(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

async fn the_csv_has_a_row_per_person_with_the_same_statuses(init: TestAppBuilder) {
    let (app, w, _b) = fixture(init).await;
    // The export sends its name and type.
    let req = axum::http::Request::get("/org/literacy.csv")
        .header("host", "localhost")
        .header(
            "cookie",
            format!("levelfield_session={}", w.admin.cookie.clone().unwrap()),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, res) = app.send(req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    let today = Utc::now().format("%Y-%m-%d");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"ai-literacy-record-{today}.csv\"")
    );

    let (status, body, _) = w.admin.get("/org/literacy.csv").await;
    assert_eq!(status, StatusCode::OK);
    let (header, rows) = csv_rows(&body);
    assert_eq!(
        header,
        [
            "person",
            "email",
            "teams",
            "role",
            "level_needed",
            "estimate",
            "low",
            "high",
            "latest_evidence",
            "current",
            "status",
            "modules_completed",
            "skill_checks",
            "quiz_attempts",
            "practical_tasks",
            "note",
        ]
    );
    // One row per person, by name.
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        ["Admin", "Ann", "Ben", "Cy", "Dee", "Eve", "Gus", "Max"]
    );
    let by = |name: &str| rows.iter().find(|r| r[0] == name).unwrap();
    let ann = by("Ann");
    let d = day_ago(10);
    assert_eq!(
        (&ann[1], &ann[2], &ann[3], &ann[4], &ann[5]),
        (
            &"ann@a.test".to_string(),
            &"Ops".to_string(),
            &"AI worker".to_string(),
            &"1".to_string(),
            &"2.00".to_string()
        )
    );
    assert_eq!(
        (&ann[8], &ann[9], &ann[10]),
        (&d, &"yes".to_string(), &"meets".to_string())
    );
    assert_eq!(ann[11], format!("{d} Using AI tools safely"));
    assert!(
        ann[12].starts_with(&format!("{d} 1 answer, 1 right, level")),
        "{ann:?}"
    );
    assert_eq!(ann[13], format!("{d} Using AI tools safely: 6 of 6"));
    assert_eq!(ann[14], "");
    // Quiz evidence alone: the note says the 2.00 (2.00–2.00) is a cap, not a measurement.
    assert_eq!(ann[15], "capped at 2");
    let ben = by("Ben");
    assert_eq!(
        (&ben[8], ben[9].as_str(), ben[10].as_str()),
        (&day_ago(425), "no", "lapsed")
    );
    let cy = by("Cy");
    assert_eq!(cy[10], "below");
    assert_eq!(
        cy[14],
        format!(
            "{} Write your team's AI-use note (Using AI tools safely), level 3, not passed",
            day_ago(1)
        )
    );
    let dee = by("Dee");
    assert_eq!(
        dee[4..].to_vec(),
        ["1", "", "", "", "", "no", "no evidence", "", "", "", "", ""]
    );
    assert_eq!(
        (
            by("Eve")[3].as_str(),
            by("Eve")[4].as_str(),
            by("Eve")[10].as_str()
        ),
        ("Analyst", "", "no level set")
    );
    assert_eq!(
        (by("Gus")[3].as_str(), by("Gus")[10].as_str()),
        ("", "no role")
    );
    assert_eq!(
        (by("Admin")[2].as_str(), by("Admin")[10].as_str()),
        ("", "no role")
    );
    assert!(!body.contains("Zed"));
}

/// The admin's CSV of the fixture, whole (dates redacted): the same snapshot on both databases.
async fn the_csv_matches_its_snapshot(init: TestAppBuilder) {
    let (_app, w, _b) = fixture(init).await;
    let (status, csv, _) = w.admin.get("/org/literacy.csv").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_snapshot!("literacy_csv", redact_dates(&csv));
}

async fn a_manager_sees_only_the_teams_they_manage(init: TestAppBuilder) {
    let (_app, w, _b) = fixture(init).await;
    let max = w.client("Max");
    let (status, html) = page(&max, "/org/literacy").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("The teams you manage: Lab."), "{html}");
    for name in ["Eve", "Gus", "Max"] {
        assert!(
            html.contains(&format!(r#"<tr id="person-{}""#, w.user(name))),
            "{name}"
        );
    }
    for name in ["Ann", "Ben", "Cy", "Dee"] {
        assert!(
            !html.contains(&format!(r#"<tr id="person-{}""#, w.user(name))),
            "{name}"
        );
        assert!(
            !html.contains(&format!("<th scope=\"row\">{name}</th>")),
            "{name}"
        );
    }
    assert!(!html.contains(&format!(r#"<tr id="person-{}""#, w.admin_user)));
    assert!(
        !html.contains(&format!(r#"id="team-{}""#, w.teams[0])),
        "not Ops' coverage"
    );
    assert!(!html.contains(r#"id="no-team""#));
    let c = coverage(&html, "everyone");
    assert!(
        c.contains("All the teams you manage</th><td>0</td><td>0</td>"),
        "{c}"
    );

    let (status, body, _) = max.get("/org/literacy.csv").await;
    assert_eq!(status, StatusCode::OK);
    let (_, rows) = csv_rows(&body);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["Eve", "Gus", "Max"]);
    // The team page links here.
    let (_, team_page) = page(&max, &format!("/teams/{}", w.teams[1])).await;
    assert!(team_page.contains("/org/literacy#team-"), "{team_page}");
}

async fn learners_are_refused_and_visitors_sent_to_sign_in(init: TestAppBuilder) {
    let (app, w, _b) = fixture(init).await;
    let ann = w.client("Ann");
    let (status, html) = page(&ann, "/org/literacy").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!html.contains("Ben"), "{html}");
    let (status, body, _) = ann.get("/org/literacy.csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains("Ben"));

    let anon = Client::new(&app);
    let (status, _, location) = anon.get("/org/literacy").await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location.as_deref(), Some("/login?next=%2Forg%2Fliteracy"));
    let (status, _, location) = anon.get("/org/literacy.csv").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/login"));
}

async fn another_organisations_admin_sees_none_of_it(init: TestAppBuilder) {
    let (_app, w, b) = fixture(init).await;
    let (status, html) = page(&b.admin, "/org/literacy").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<strong>Org B</strong>"), "{html}");
    assert_eq!(status_of(&html, b.user("Zed")), "meets");
    for name in ["Ann", "Ben", "Cy", "Dee", "Eve", "Gus", "Max"] {
        assert!(
            !html.contains(&format!("<th scope=\"row\">{name}</th>")),
            "{name}"
        );
        assert!(
            !html.contains(&format!(r#"id="person-{}""#, w.user(name))),
            "{name}"
        );
    }
    for team in &w.teams {
        assert!(!html.contains(&format!(r#"id="team-{team}""#)), "{html}");
    }
    assert!(!html.contains("<th scope=\"row\">Ops</th>"), "{html}");
    let (_, body, _) = b.admin.get("/org/literacy.csv").await;
    let (_, rows) = csv_rows(&body);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["Admin", "Zed"]);
    assert!(!body.contains("a.test"));
}
