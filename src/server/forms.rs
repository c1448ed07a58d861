//! Plain HTML form handling: reading `application/x-www-form-urlencoded` bodies (repeated keys
//! included) as the [`Form`] extractor, and the checks of common fields (emails, the `next`
//! path after login). Redirects and error codes are in `server::refusal` and `crate::error`.
//!
//! May use: axum. Nothing of `features` or `ui`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};

/// A parsed form: every field in order, repeated keys kept. As an extractor it reads the
/// request body (within the router's size limit).
pub struct Form(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Form::parse(&body))
    }
}

impl Form {
    pub fn parse(body: &Bytes) -> Self {
        Form(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }
    /// The first value of `key`, trimmed; empty counts as missing.
    pub fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
    /// The first value of `key` exactly as sent (for passwords, which are never trimmed).
    pub fn raw(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
    /// Every field, in order.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.0
    }
    /// Every value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A plausible email: something@something.something, no spaces, at most 254 characters.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

/// A same-site path to return to after login (never another host).
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/me".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_next_paths() {
        assert!(valid_email("ada@example.org"));
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.org",
            "ada@x",
            "a da@x.org",
            "a@b@c.org",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
        assert_eq!(safe_next(Some("/modules/x".into())), "/modules/x");
        assert_eq!(safe_next(Some("//evil.example".into())), "/me");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/me");
        assert_eq!(safe_next(None), "/me");
    }

    #[test]
    fn forms_keep_repeated_keys() {
        let f = Form::parse(&Bytes::from_static(
            b"role=learner&role=admin&name=+Ada+&pw=+x+",
        ));
        assert_eq!(f.all("role"), ["learner", "admin"]);
        assert_eq!(f.get("name").as_deref(), Some("Ada"));
        assert_eq!(f.raw("pw").as_deref(), Some(" x "));
        assert_eq!(f.get("missing"), None);
    }
}
