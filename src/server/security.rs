//! Request guards: cross-site state changes are refused.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses a state-changing request (anything but GET, HEAD, OPTIONS) that a browser marks as
/// cross-site (`Sec-Fetch-Site`), or whose `Origin` is not this host.
pub async fn same_origin_only(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if !is_same_origin(req.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests cannot change anything here.",
        )
            .into_response();
    }
    next.run(req).await
}

fn is_same_origin(headers: &axum::http::HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true, // not a browser form or fetch: nothing to forge
        Some("null") => false,
        Some(origin) => {
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
            headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|host| host.eq_ignore_ascii_case(origin_host))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn judges_origin() {
        assert!(is_same_origin(&h(&[
            ("host", "a.test:3000"),
            ("origin", "http://a.test:3000")
        ])));
        assert!(!is_same_origin(&h(&[
            ("host", "a.test:3000"),
            ("origin", "https://evil.test")
        ])));
        assert!(!is_same_origin(&h(&[("origin", "null")])));
        assert!(!is_same_origin(&h(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://a.test")
        ])));
        assert!(is_same_origin(&h(&[("sec-fetch-site", "same-origin")])));
        assert!(is_same_origin(&h(&[])));
    }
}
