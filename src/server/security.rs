//! Request guards and response hardening: cross-site state changes are refused; pages get a
//! nonce-based Content-Security-Policy (everything else a deny-all one); responses to a
//! signed-in viewer are never stored by caches.
//!
//! May use: server config and auth ([`Viewer`]), axum. Nothing of `features` or `ui`.

use super::auth::Viewer;
use super::config::Config;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The Content-Security-Policy of an HTML page rendered with `nonce`: scripts run only when
/// they carry the nonce (the Leptos hydration loader) or are loaded by one that does
/// (`'strict-dynamic'`: the island's JS module); the wasm may compile; styles, images, fonts
/// and requests come from this site only; no plugins, no `<base>`, forms post here only, and
/// no other site may frame a page. `live_reload` (under `cargo leptos watch` only) also lets
/// the reload script open its websocket to the watcher's port.
pub fn page_policy(nonce: &str, live_reload: bool) -> String {
    let connect = if live_reload {
        "; connect-src 'self' ws: wss:"
    } else {
        ""
    };
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'{connect}"
    )
}

/// The policy of every response that did not set its own (JSON, CSV, files, redirects): it
/// may load nothing and be framed by nobody.
pub const FALLBACK_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// `Strict-Transport-Security` when the public URL is https: one year.
pub const HSTS: &str = "max-age=31536000";

/// Middleware: `Cache-Control: no-store` on every response to a signed-in viewer (pages, CSV
/// exports, redirects), so neither the browser nor a proxy keeps personal data after logout.
/// The app's own static files (`/pkg/`) and responses that chose their caching (content
/// images, `public`) keep it: they hold nothing personal. Runs inside `auth::load_viewer`.
pub async fn no_store_for_viewers(req: Request, next: Next) -> Response {
    let signed_in = req.extensions().get::<Viewer>().is_some();
    let static_file = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if signed_in && !static_file && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Refuses a state-changing request (anything but GET, HEAD, OPTIONS) that a browser marks as
/// cross-site (`Sec-Fetch-Site`), or whose `Origin` is not this site: the public URL's origin
/// (scheme, host and port) when `LEVELFIELD_PUBLIC_URL` is set, else the request's `Host`.
pub async fn same_origin_only(
    State(config): State<Arc<Config>>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // The SCIM API is called by identity providers with a bearer token, never by a browser with
    // a cookie (`auth::load_viewer` does not even read the cookie there), so there is nothing
    // for a cross-site page to ride on.
    if is_scim_path(req.uri().path()) {
        return next.run(req).await;
    }
    let public = config.public_url.as_ref().map(|u| u.origin());
    if !is_same_origin(req.headers(), public) {
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests cannot change anything here.",
        )
            .into_response();
    }
    next.run(req).await
}

/// Where the SCIM 2.0 API is served.
pub const SCIM_BASE: &str = "/scim/v2";

/// Whether `path` is under the SCIM API, which authenticates by bearer token only.
pub fn is_scim_path(path: &str) -> bool {
    path.strip_prefix(SCIM_BASE)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn is_same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
        // Without a public URL, the browser's word is enough. With one, `Origin` is compared
        // too: a DNS-rebound page is "same-origin" to itself but sends its own origin.
        if public_origin.is_none() {
            return true;
        }
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true, // not a browser form or fetch: nothing to forge
        Some("null") => false,
        Some(origin) => match public_origin {
            Some(public) => origin.eq_ignore_ascii_case(public),
            None => {
                let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
                headers
                    .get(header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|host| host.eq_ignore_ascii_case(origin_host))
            }
        },
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
        let same = |p| is_same_origin(&h(p), None);
        assert!(same(&[
            ("host", "a.test:3000"),
            ("origin", "http://a.test:3000")
        ]));
        assert!(!same(&[
            ("host", "a.test:3000"),
            ("origin", "https://evil.test")
        ]));
        assert!(!same(&[("origin", "null")]));
        assert!(!same(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://a.test")
        ]));
        assert!(!same(&[("sec-fetch-site", "same-site")]));
        assert!(same(&[("sec-fetch-site", "same-origin")]));
        assert!(same(&[]));
    }

    #[test]
    fn a_public_url_fixes_scheme_host_and_port() {
        let public = Some("https://skills.example.org");
        let same = |p| is_same_origin(&h(p), public);
        assert!(same(&[
            ("host", "10.0.0.5:3000"),
            ("origin", "https://skills.example.org")
        ]));
        assert!(
            !same(&[
                ("host", "skills.example.org"),
                ("origin", "http://skills.example.org")
            ]),
            "the scheme counts"
        );
        assert!(
            !same(&[("host", "rebound.test"), ("origin", "http://rebound.test")]),
            "Host and Origin agreeing is not enough (DNS rebinding)"
        );
        assert!(
            !same(&[
                ("sec-fetch-site", "same-origin"),
                ("host", "rebound.test"),
                ("origin", "http://rebound.test")
            ]),
            "nor is Sec-Fetch-Site"
        );
        assert!(!same(&[("origin", "https://skills.example.org:8443")]));
        assert!(!same(&[("sec-fetch-site", "cross-site")]));
        assert!(same(&[]));
    }

    #[test]
    fn page_policy_carries_the_nonce_and_denies_the_rest() {
        let p = page_policy("abc123", false);
        assert!(p.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"));
        for d in [
            "default-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(p.contains(d), "{d} in {p}");
        }
        assert!(!p.contains("unsafe-inline"), "{p}");
        assert!(
            !p.contains("connect-src"),
            "requests fall back to 'self': {p}"
        );
        assert!(HeaderValue::from_str(&p).is_ok());
        assert!(page_policy("abc123", true).ends_with("; connect-src 'self' ws: wss:"));
    }
}
