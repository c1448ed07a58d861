//! Test helpers: an app over a fixture content tree and a fresh SQLite database.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use levelfield::server::config::Config;
use levelfield::server::router::{build_state, router};
use tempfile::TempDir;
use tower::ServiceExt;

/// A running app (in-process) and the temp folder its database lives in.
pub struct TestApp {
    pub router: Router,
    _dir: TempDir,
}

impl TestApp {
    /// An app serving the content tree at `content` (relative to the crate root).
    pub async fn new(content: &str) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            database_url: format!("sqlite://{}/test.db", dir.path().display()),
            content_dir: content.into(),
            watch_content: false,
            max_body_bytes: 64 * 1024,
        };
        let conf = leptos::prelude::get_configuration(Some("Cargo.toml")).expect("leptos config");
        let state = build_state(config, conf.leptos_options)
            .await
            .expect("state");
        TestApp {
            router: router(state),
            _dir: dir,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Response<Body>) {
        let res = self.router.clone().oneshot(req).await.expect("response");
        (res.status(), res)
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, String) {
        let (status, res) = self
            .send(
                Request::get(uri)
                    .header("host", "localhost")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        (status, body_text(res).await)
    }

    /// A same-origin POST, as a browser would send it.
    pub async fn post(
        &self,
        uri: &str,
        content_type: &str,
        body: impl Into<Body>,
    ) -> Response<Body> {
        let req = Request::post(uri)
            .header("host", "localhost")
            .header("origin", "http://localhost")
            .header("content-type", content_type)
            .body(body.into())
            .unwrap();
        self.send(req).await.1
    }
}

pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}
