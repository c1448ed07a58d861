//! The app through its real router: pages in the server-rendered HTML, quiz grading, guards.

use crate::common::{body_text, module_of, QuizPage, TestApp, VALID};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn catalogue_lists_published_modules_and_filters() {
    let app = TestApp::init().empty().await;
    let (status, html) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Data basics"), "{html}");
    assert!(html.contains("Evaluating models"));
    assert!(!html.contains("Coming soon"), "drafts are not listed");

    let (_, html) = app.get("/?skill=evaluation").await;
    assert!(
        html.contains("Evaluating models") && !html.contains(">Data basics<"),
        "{html}"
    );
    let (_, html) = app.get("/?level=beginner").await;
    assert!(html.contains(">Data basics<") && !html.contains(">Evaluating models<"));
    let (_, html) = app.get("/?q=leakage+metrics").await;
    assert!(html.contains(">Evaluating models<") && !html.contains(">Data basics<"));
    let (_, html) = app.get("/?q=nothing-matches-this").await;
    assert!(html.contains("No module matches"));
}

#[tokio::test]
async fn module_page_is_rendered_on_the_server_without_answers() {
    let app = TestApp::init().empty().await;
    let (status, html) = app.get("/modules/evaluating-models").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<title>Evaluating models · Levelfield</title>"),
        "{html}"
    );
    assert!(html.contains(r#"<h2 id="c-splits">"#));
    assert!(
        html.contains(r#"href="/modules/basics""#),
        "prerequisite and links resolve"
    );
    assert!(html.contains("Which data do you choose between models on?"));
    assert!(html.contains(r#"action="/modules/evaluating-models/quiz""#));
    // No correct answers and no explanations before submitting.
    assert!(!html.contains("stays untouched"), "explanation leaked");
    assert!(!html.contains("correct_choices") && !html.contains("\"correct\""));
    assert!(
        html.contains("<island") || html.contains("leptos-island"),
        "the quiz is an island"
    );

    let (status, _) = app.get("/modules/no-such-module").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, html) = app.get("/skills/evaluation").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Designs evaluations and spots leakage."));
    assert!(html.contains("Evaluating models"));
}

#[tokio::test]
async fn quiz_server_function_grades_and_rejects_malformed_answers() {
    let app = TestApp::init().empty().await;
    let (_, html) = app.get("/modules/evaluating-models").await;
    let page = QuizPage::parse(&html);
    let module = module_of(&app, "evaluating-models");
    // q-choose right, q-leak wrong (by authored choice): 1 of 2, not passed.
    let ok = page.json(&module, &[("q-choose", vec![1]), ("q-leak", vec![0])]);
    let res = app.post("/api/grade_quiz", "application/json", ok).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = body_text(res).await;
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["score"], 1);
    assert_eq!(body["total"], 2);
    // Changed on purpose (issue 10): the key of a wrong answer is withheld until a pass.
    assert!(
        body["questions"][1].get("correct_choices").is_none(),
        "{text}"
    );
    assert_eq!(
        body["questions"][1]["key_note"],
        "The right answer is shown once you pass this quiz."
    );
    assert!(body["questions"][0]["explanation_html"]
        .as_str()
        .unwrap()
        .contains("untouched"));

    let seed = &page.seed;
    for (bad, needle) in [
        (
            format!(
                r#"{{"module":"evaluating","seed":"{seed}","answers":[{{"question":"q-nope","selected":[0]}}]}}"#
            ),
            "q-nope",
        ),
        (
            format!(
                r#"{{"module":"evaluating","seed":"{seed}","answers":[{{"question":"q-choose","selected":[9]}}]}}"#
            ),
            "no choice 9",
        ),
        (
            format!(
                r#"{{"module":"evaluating","seed":"{seed}","answers":[{{"question":"q-choose","selected":[0,1]}}]}}"#
            ),
            "exactly one",
        ),
        (
            format!(r#"{{"module":"evaluating","seed":"{seed}","answers":"lots"}}"#),
            "could not be read",
        ),
        (
            r#"{"module":"evaluating","seed":"x","answers":[]}"#.to_string(),
            "not a number",
        ),
    ] {
        let res = app
            .post("/api/grade_quiz", "application/json", bad.clone())
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        let text = body_text(res).await;
        assert!(text.contains(needle), "{bad}: {text}");
    }
    let res = app
        .post(
            "/api/grade_quiz",
            "application/json",
            r#"{"module":"ghost","answers":[]}"#,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Without the seed its page carries, an anonymous attempt cannot be drawn again: stale.
    let res = app
        .post(
            "/api/grade_quiz",
            "application/json",
            r#"{"module":"evaluating","answers":[]}"#,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn quiz_works_as_a_plain_form() {
    let app = TestApp::init().empty().await;
    let (_, html) = app.get("/modules/evaluating-models").await;
    let page = QuizPage::parse(&html);
    let body = page.form(
        &module_of(&app, "evaluating-models"),
        &[("q-choose", vec![1]), ("q-leak", vec![0, 1])],
    );
    let res = app
        .post(
            "/modules/evaluating-models/quiz",
            "application/x-www-form-urlencoded",
            body,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    // Changed on purpose (issue 10): an anonymous result names its seed (the draw and order).
    assert!(
        location.starts_with(&format!(
            "/modules/evaluating-models?seed={}&answers=",
            page.seed
        )),
        "{location}"
    );
    let (status, html) = app.get(location.split('#').next().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("You answered 2 of 2 questions correctly."),
        "{html}"
    );
    assert!(
        html.contains("stays untouched"),
        "explanations show after submitting"
    );
    assert_eq!(
        QuizPage::parse(&html).questions,
        page.questions,
        "the result shows the choices in the order they were answered in"
    );

    let res = app
        .post(
            "/modules/evaluating-models/quiz",
            "application/x-www-form-urlencoded",
            "answer.q-choose=abc",
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(res).await.contains("answer.q-choose"));
}

#[tokio::test]
async fn cross_site_posts_and_oversized_bodies_are_refused() {
    let app = TestApp::init().empty().await;
    let req = Request::post("/modules/evaluating-models/quiz")
        .header("host", "localhost")
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("answer.q-choose=1"))
        .unwrap();
    assert_eq!(app.send(req).await.0, StatusCode::FORBIDDEN);

    let req = Request::post("/api/grade_quiz")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(app.send(req).await.0, StatusCode::FORBIDDEN);

    let huge = "answer.q-choose=1&".repeat(10_000);
    let res = app
        .post(
            "/modules/evaluating-models/quiz",
            "application/x-www-form-urlencoded",
            huge,
        )
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn serves_only_referenced_content_images() {
    let app = TestApp::init().empty().await;
    let (status, res) = app
        .send(
            Request::get("/content/modules/images/noise.svg")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/svg+xml");
    let (status, _) = app.get("/content/modules/evaluating.md").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "module sources (with answers) are never served"
    );
    let (status, _) = app.get("/content/../Cargo.toml").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// In development a changed file under `content/` is picked up without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_changes_are_picked_up_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(std::path::Path::new(VALID), &content);
    let app = TestApp::init()
        .content(content.to_str().unwrap())
        .empty()
        .await;
    let _watcher = levelfield::router::watch_content(&app.state).expect("watching");
    let (_, html) = app.get("/modules/basics").await;
    assert!(html.contains("Data basics") && !html.contains("Data fundamentals"));

    let file = content.join("modules/basics.md");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("title: Data basics", "title: Data fundamentals");
    std::fs::write(&file, text).unwrap();
    let mut seen = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (_, html) = app.get("/modules/basics").await;
        if html.contains("Data fundamentals") {
            seen = true;
            break;
        }
    }
    assert!(seen, "the edited title is served within 5 s");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
