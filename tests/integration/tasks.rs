//! Practical tasks through the real router on both databases: a learner reads the brief and
//! rubric, submits their work (text or a link) and sees it waiting, then scored; who may score
//! it (a manager of the learner's team or an admin of the organisation, never the learner, a
//! manager of another team or another organisation).

use crate::common::{enc, parity_app, TestAppBuilder};
use axum::http::StatusCode;
use levelfield::domain::progress::{AnswerRecord, AttemptKind, NewAttempt};
use levelfield::domain::task::SubmissionStatus;

parity_app!(
    a_learner_submits_a_task_and_sees_it_waiting,
    only_the_teams_managers_and_admins_score_a_task,
    a_scored_task_lifts_the_cap_on_the_estimate,
);

const MODULE: &str = "/modules/evaluating-models";

async fn a_learner_submits_a_task_and_sees_it_waiting(init: TestAppBuilder) {
    let (app, w) = init
        .with_org(|o| o.team("Alpha").learner("Lea Learner"))
        .await;
    let mut lea = w.client("Lea Learner");

    // Everyone sees the brief and the rubric; a visitor is asked to sign in to submit.
    let anon = crate::common::Client::new(&app);
    let (status, html, _) = anon.get(MODULE).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Practical task: Write an evaluation plan"),
        "{html}"
    );
    assert!(html.contains("Leakage is checked feature by feature."));
    assert!(html.contains("to submit your work"));
    assert!(!html.contains("name=\"body\""));

    // A signed-in learner has the form.
    let (_, html, _) = lea.get(MODULE).await;
    assert!(
        html.contains("action=\"/modules/evaluating-models/task\""),
        "{html}"
    );
    assert!(html.contains("<label for=\"task-body\">"));

    // Empty work is refused with its sentence.
    let (status, location) = lea.post_form(&format!("{MODULE}/task"), "body=++").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/modules/evaluating-models?error=task-empty#task")
    );
    let (_, html, _) = lea.get("/modules/evaluating-models?error=task-empty").await;
    assert!(html.contains("before you submit"), "{html}");

    // A link is stored, waiting; the page says so and offers no second form meanwhile.
    let (status, location) = lea
        .post_form(
            &format!("{MODULE}/task"),
            &format!("body={}", enc("https://docs.example/eval-plan")),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/modules/evaluating-models?submitted=1#task")
    );
    let mine = app
        .state
        .store
        .user_submissions(w.org, w.user("Lea Learner"))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].body, "https://docs.example/eval-plan");
    assert_eq!((mine[0].task.as_str(), mine[0].level), ("eval-plan", 3));
    assert_eq!(mine[0].status, SubmissionStatus::Waiting);
    let (_, html, _) = lea.get(MODULE).await;
    assert!(html.contains("Waiting for a score"), "{html}");
    assert!(!html.contains("name=\"body\""));
    let (_, location) = lea.post_form(&format!("{MODULE}/task"), "body=again").await;
    assert_eq!(
        location.as_deref(),
        Some("/modules/evaluating-models?error=task-waiting#task")
    );

    // A module without a task has no task route.
    let (status, _) = lea.post_form("/modules/basics/task", "body=x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn only_the_teams_managers_and_admins_score_a_task(init: TestAppBuilder) {
    let (app, w) = init
        .with_org(|o| {
            o.team("Alpha")
                .learner("Lea Learner")
                .manager("Max Manager")
                .team("Beta")
                .manager("Mia Manager")
        })
        .await;
    let b = app
        .add_org(|o| o.name("Org B").domain("b.test").team("Gamma").manager("Bo"))
        .await;
    let (a1, a2) = (w.teams[0], w.teams[1]);
    let mut lea = w.client("Lea Learner");
    let mut max = w.client("Max Manager");
    let mut mia = w.client("Mia Manager");
    let mut admin_a = w.admin.clone();
    let mut admin_b = b.admin.clone();

    lea.post_form(
        &format!("{MODULE}/task"),
        "body=My+plan%3A+a+held-out+test+set.",
    )
    .await;
    max.post_form(&format!("{MODULE}/task"), "body=Max%27s+own+plan")
        .await;
    let store = &app.state.store;
    let id_of = |subs: Vec<levelfield::domain::task::Submission>| subs[0].id;
    let lea_sub = id_of(
        store
            .user_submissions(w.org, w.user("Lea Learner"))
            .await
            .unwrap(),
    );
    let max_sub = id_of(
        store
            .user_submissions(w.org, w.user("Max Manager"))
            .await
            .unwrap(),
    );
    let score = |team, sub| format!("/teams/{team}/tasks/{sub}");
    let good = "c0=2&c1=2&c2=1";

    // Who sees the list: the team's manager and the admin; not another team's manager, not the
    // learner (403); not another organisation (404).
    let (status, html, _) = max.get(&format!("/teams/{a1}/tasks")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("My plan: a held-out test set."), "{html}");
    assert!(html.contains(&format!("action=\"/teams/{a1}/tasks/{lea_sub}\"")));
    assert!(html.contains("Your own work: someone else scores it."));
    assert_eq!(
        admin_a.get(&format!("/teams/{a1}/tasks")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        mia.get(&format!("/teams/{a1}/tasks")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        lea.get(&format!("/teams/{a1}/tasks")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin_b.get(&format!("/teams/{a1}/tasks")).await.0,
        StatusCode::NOT_FOUND
    );

    // Who may score: not the learner, not another team's manager (through either team), not
    // another organisation's admin; nobody their own.
    assert_eq!(
        lea.post_form(&score(a1, lea_sub), good).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        mia.post_form(&score(a1, lea_sub), good).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        mia.post_form(&score(a2, lea_sub), good).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin_b.post_form(&score(a1, lea_sub), good).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin_b.post_form(&score(b.team(), lea_sub), good).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, location) = max.post_form(&score(a1, max_sub), good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        Some(format!(
            "/teams/{a1}/tasks?error=task-score#submission-{max_sub}"
        ))
    );
    // Every criterion, each 0-2.
    for bad in ["c0=2&c1=2", "c0=2&c1=3&c2=1", "c0=x&c1=1&c2=1"] {
        let (_, location) = max.post_form(&score(a1, lea_sub), bad).await;
        assert!(location.unwrap().contains("error=task-score"), "{bad}");
    }
    let waiting = |subs: &[levelfield::domain::task::Submission]| {
        subs.iter()
            .filter(|s| s.status == SubmissionStatus::Waiting)
            .count()
    };
    assert_eq!(waiting(&store.org_submissions(w.org).await.unwrap()), 2);

    // The team's manager scores Lea's; the admin scores Max's.
    let (status, location) = max.post_form(&score(a1, lea_sub), good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, Some(format!("/teams/{a1}/tasks?scored=1#scored")));
    assert_eq!(
        admin_a
            .post_form(&score(a1, max_sub), "c0=1&c1=0&c2=1")
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    let s = store.submission(w.org, lea_sub).await.unwrap();
    assert_eq!(
        (s.scores.as_slice(), s.passed),
        (&[2u8, 2, 1][..], Some(true))
    );
    assert_eq!(s.scored_by, Some(w.user("Max Manager")));
    // Scored once.
    let (_, location) = admin_a.post_form(&score(a1, lea_sub), good).await;
    assert!(location.unwrap().contains("error=not-found"));

    // The learner sees the score on the module page; the list shows both as scored.
    let (_, html, _) = lea.get(MODULE).await;
    assert!(html.contains("Scored: passed"), "{html}");
    assert!(html.contains("Total 5 of 6"));
    let (_, html, _) = max.get(MODULE).await;
    assert!(html.contains("Scored: not passed yet"), "{html}");
    let (_, html, _) = max.get(&format!("/teams/{a1}/tasks")).await;
    assert!(html.contains("Nothing is waiting for a score."), "{html}");
    assert!(html.contains("5 of 6, passed"));
}

/// The row of `skill` in a skills table.
fn row<'h>(html: &'h str, skill: &str) -> &'h str {
    let start = html
        .find(&format!("href=\"/skills/{skill}\""))
        .unwrap_or_else(|| panic!("no row for {skill}: {html}"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// The estimate shown in a skills row, "2.0 (working)" read as 2.0.
fn shown_level(row: &str) -> f64 {
    let cells: Vec<&str> = row.split("<td>").collect();
    let text = cells[1];
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no level in {text}"))
}

async fn a_scored_task_lifts_the_cap_on_the_estimate(init: TestAppBuilder) {
    let (app, w) = init
        .with_org(|o| {
            o.team("Alpha")
                .learner("Lea Learner")
                .manager_only("Max Manager")
        })
        .await;
    let a1 = w.team();
    let mut lea = w.client("Lea Learner");
    let mut max = w.client("Max Manager");
    // Eight right first answers at difficulty 3: the raw model reads well above 2.
    let answers: Vec<AnswerRecord> = (0..8)
        .map(|i| AnswerRecord {
            question: format!("q-hard-{i}"),
            skill: "evaluation".into(),
            difficulty: 3,
            selected: vec![0],
            correct: true,
        })
        .collect();
    app.state
        .store
        .record_attempt(&NewAttempt {
            user: w.user("Lea Learner"),
            kind: AttemptKind::Quiz,
            module: "evaluating".into(),
            score: 8,
            total: 8,
            answers,
            submitted_at: chrono::Utc::now(),
            seed: None,
        })
        .await
        .unwrap();
    let (_, html, _) = lea.get("/me/skills").await;
    let before = row(&html, "evaluation").to_string();
    assert!(
        before.contains("capped at 2 until a practical task is scored"),
        "{before}"
    );
    assert!(shown_level(&before) <= 2.0, "{before}");
    assert!(html.contains("Quizzes alone show a skill up to level 2"));

    // Lea submits the task; Max, who manages her team, scores it a pass.
    lea.post_form(&format!("{MODULE}/task"), "body=My+evaluation+plan")
        .await;
    let (_, html, _) = max.get(&format!("/teams/{a1}/tasks")).await;
    let at = html.find("action=\"/teams/").expect("a scoring form");
    let action: String = html[at + 8..].chars().take_while(|c| *c != '"').collect();
    let (status, _) = max.post_form(&action, "c0=2&c1=2&c2=2").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, html, _) = lea.get("/me/skills").await;
    let after = row(&html, "evaluation").to_string();
    assert!(!after.contains("capped at 2"), "{after}");
    assert!(shown_level(&after) > 2.0, "{after}");
    assert!(
        after.contains("Practical task in Evaluating models, level 3, passed"),
        "{after}"
    );
    // The manager's drill-down shows the same evidence.
    let lea_id = w.user("Lea Learner");
    let (_, html, _) = max.get(&format!("/teams/{a1}/people/{lea_id}")).await;
    assert!(
        row(&html, "evaluation").contains("Practical task in Evaluating models"),
        "{html}"
    );
}
