//! Plain HTML form handling: reading `application/x-www-form-urlencoded` bodies (repeated keys
//! included), redirects after POST, and the short error codes pages turn into sentences.

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A parsed form: every field in order, repeated keys kept.
pub struct Form(Vec<(String, String)>);

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
    /// Every value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// 303 See Other to `to`, optionally setting a cookie.
pub fn see_other(to: &str, cookie: Option<HeaderValue>) -> Response {
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response();
    if let Some(c) = cookie {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res
}

/// Adds `error=<code>` to a path's query.
pub fn with_error(path: &str, code: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}error={code}")
}

/// The sentence for a form error code (codes travel in URLs; text never does).
pub fn error_message(code: &str) -> &'static str {
    match code {
        "invalid-login" => "That email and password do not match an account.",
        "throttled" => {
            "Too many failed attempts from your address. Wait a few minutes and try again."
        }
        "missing" => "Please fill in every field.",
        "mismatch" => "The two passwords are not the same.",
        "short" => "Use at least 8 characters for your password.",
        "long" => "Use at most 128 characters for your password.",
        "common" => "That password is one of the most common ones; choose another.",
        "email" => "Enter a valid email address.",
        "email-taken" => "An account with that email already exists. Sign in instead.",
        "token" => "That link has expired or has already been used. Ask for a new one.",
        "wrong-password" => "Your current password is not right.",
        "name-taken" => "A team with that name already exists.",
        "not-found" => "That no longer exists.",
        "self" => "You cannot remove yourself or your own admin role.",
        "role" => "That role profile does not exist in the content.",
        "rating" => "A self-rating is a level from 0 to 4, or blank for no rating.",
        "weight" => {
            "A scarcity weight is a number from 0 to 1, with a note (up to 200 characters) on where it comes from."
        }

        _ => "Something went wrong. Please try again.",
    }
}

/// The code for a password-policy failure.
pub fn password_code(e: &super::auth::PasswordError) -> &'static str {
    match e {
        super::auth::PasswordError::TooShort => "short",
        super::auth::PasswordError::TooLong => "long",
        super::auth::PasswordError::TooCommon => "common",
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
