//! Practical tasks through the real router on both databases: a learner reads the brief and
//! rubric, submits their work (text or a link) and sees it waiting, then scored.

use crate::common::{enc, parity_app, TestAppBuilder};
use axum::http::StatusCode;
use levelfield::domain::task::SubmissionStatus;

parity_app!(a_learner_submits_a_task_and_sees_it_waiting);

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
