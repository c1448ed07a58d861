//! Tracing of requests: every request gets an id (`x-request-id`, kept when a proxy already set
//! one, and returned in the response), runs inside one `request` span (method, path, id; the
//! signed-in user and organisation are recorded into it by `auth::load_viewer`), and logs one
//! line when it is answered, with its status and latency. Handlers' own spans nest inside.
//!
//! Only the path is logged, never the query: invitation and setup links carry their token there.
//!
//! May use: tower-http, tracing. Nothing of `features` or `ui`.

use axum::body::Body;
use axum::http::{Request, Response};
use axum::Router;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// Wraps the whole application: set the request id, trace, copy the id into the response.
pub fn wrap(app: Router) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span)
        .on_request(())
        .on_response(log_response)
        .on_body_chunk(())
        .on_eos(())
        .on_failure(());
    app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(trace)
            .layer(PropagateRequestIdLayer::x_request_id()),
    )
}

/// The span of one request. `user` and `org` are filled in once the session is known.
fn request_span(req: &Request<Body>) -> Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        id = %id,
        user = tracing::field::Empty,
        org = tracing::field::Empty,
    )
}

/// The one log line of a request, when its response starts.
fn log_response(res: &Response<Body>, latency: Duration, _span: &Span) {
    let status = res.status().as_u16();
    let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
    if res.status().is_server_error() {
        tracing::error!(status, latency_ms, "answered");
    } else {
        tracing::info!(status, latency_ms, "answered");
    }
}
