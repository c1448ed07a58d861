//! The request pipeline through the real router: request ids, the login redirect's `next`, the
//! refusal pages, and the one quiz use case behind both entry points.

use crate::common::{body_text, Client, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const VALID: &str = "tests/fixtures/valid";

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_a_given_one() {
    let app = TestApp::init().content(VALID).empty().await;
    let (status, res) = app
        .send(
            Request::get("/")
                .header("host", "localhost")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let id = res.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let (_, res) = app
        .send(
            Request::get("/healthz")
                .header("host", "localhost")
                .header("x-request-id", "from-the-proxy")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.headers()["x-request-id"], "from-the-proxy");
}

#[tokio::test]
async fn anonymous_requests_go_to_login_and_come_back_where_they_were() {
    let app = TestApp::init().content(VALID).empty().await;
    // A page: back to the page itself.
    let (status, _, location) = Client::new(&app).get("/teams/1/skills?role=x").await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        location.as_deref(),
        Some("/login?next=%2Fteams%2F1%2Fskills%3Frole%3Dx")
    );
    // A form post: back to the page the form was on, never another site's.
    for (referer, want) in [
        ("http://localhost/admin#teams", "/login?next=%2Fadmin"),
        ("http://evil.example/admin", "/login"),
    ] {
        let req = Request::post("/admin/teams")
            .header("host", "localhost")
            .header("origin", "http://localhost")
            .header("referer", referer)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("name=X"))
            .unwrap();
        let (status, res) = app.send(req).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{referer}");
        assert_eq!(res.headers()[header::LOCATION], want, "{referer}");
    }
}

#[tokio::test]
async fn refused_handlers_answer_with_a_page_saying_why() {
    let (_app, w) = TestApp::init()
        .content(VALID)
        .with_org(|o| o.learner(("Lea", "lea@a.test")))
        .await;
    let admin = w.admin.clone();
    let mut learner = w.client("Lea");

    let (status, _) = learner.post_form("/admin/teams", "name=Mine").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html, _) = learner.get("/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("No access"), "{html}");

    // A team of no organisation: 404, as a page and as an export.
    let (status, html, _) = admin.get("/teams/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Team not found"), "{html}");
    let (status, html, _) = admin.get("/teams/999999/skills.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Team not found"), "{html}");

    // Progress on a module that does not exist.
    let (status, _) = learner.post_form("/modules/ghost/progress", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn both_quiz_entry_points_record_a_signed_in_attempt() {
    let (app, w) = TestApp::init()
        .content(VALID)
        .with_org(|o| o.learner(("Lea", "lea@a.test")))
        .await;
    let mut learner = w.client("Lea");
    let before = app.state.store.attempt_count().await.unwrap();

    let (status, _) = learner
        .post_form("/modules/evaluating-models/quiz", "answer.q-choose=1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.state.store.attempt_count().await.unwrap(), before + 1);

    let json = r#"{"module":"evaluating","answers":[{"question":"q-choose","selected":[1]},{"question":"q-leak","selected":[0,1]}]}"#;
    let req = Request::post("/api/grade_quiz")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("content-type", "application/json")
        .header(
            "cookie",
            format!("levelfield_session={}", learner.cookie.clone().unwrap()),
        )
        .body(Body::from(json))
        .unwrap();
    let (status, res) = app.send(req).await;
    assert_eq!(status, StatusCode::OK, "{}", body_text(res).await);
    assert_eq!(app.state.store.attempt_count().await.unwrap(), before + 2);
    // Two of two right: the module counts as completed on "My learning".
    let (_, html, _) = learner.get("/me").await;
    assert!(html.contains(r#"data-testid="completed""#), "{html}");
}
