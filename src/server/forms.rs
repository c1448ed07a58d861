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

/// Why a name (of a person, a team, an organisation) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// Empty, or only spaces.
    Missing,
    /// Too long, or holding a character that has no place in a name.
    Invalid,
}

/// Characters that have no place in a name: controls (tabs, newlines, NUL, …), the bidirectional
/// formatting characters that reorder text on screen (names shown to managers could be
/// spoofed), line and paragraph separators, and invisible zero-width ones. Zero-width
/// (non-)joiners stay allowed: several scripts and emoji need them.
pub fn forbidden_in_name(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// A name as given (already trimmed by [`Form::get`]): at most `max` characters, none of them
/// [`forbidden_in_name`].
pub fn check_name(name: Option<String>, max: usize) -> Result<String, NameProblem> {
    let name = name
        .filter(|n| !n.trim().is_empty())
        .ok_or(NameProblem::Missing)?;
    if name.chars().count() > max || name.chars().any(forbidden_in_name) {
        return Err(NameProblem::Invalid);
    }
    Ok(name)
}

/// Where a login goes when `next` is missing or refused.
pub const DEFAULT_NEXT: &str = "/me";

/// A same-origin path to return to after login (never another host).
///
/// `next` must start with `/` and hold no control or whitespace character (browsers drop tabs
/// and newlines while parsing, so `/\t/evil.example` would become `//evil.example`). It is then
/// resolved as a URL against a fixed base, the way a browser resolves a `Location`, and kept only
/// if it stays on that base's origin; what is returned is the re-serialised path, query and
/// fragment, so the `Location` header says exactly what the browser will follow.
pub fn safe_next(next: Option<String>) -> String {
    next.as_deref()
        .and_then(same_origin_path)
        .unwrap_or_else(|| DEFAULT_NEXT.to_string())
}

fn same_origin_path(next: &str) -> Option<String> {
    if !next.starts_with('/') || next.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let base = url::Url::parse("http://levelfield.invalid/").ok()?;
    let url = base.join(next).ok()?;
    if url.origin() != base.origin() || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let mut out = url.path().to_string();
    if let Some(q) = url.query() {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = url.fragment() {
        out.push('#');
        out.push_str(f);
    }
    // A path that itself starts with `//` would be read as a host by the browser.
    (!out.starts_with("//")).then_some(out)
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

    /// Whether `location`, followed by a browser from a page of this site, stays on it.
    fn stays_on_site(location: &str) -> bool {
        let base = url::Url::parse("https://app.example/login").unwrap();
        // A browser strips ASCII tab and newline while parsing; `Url::join` does the same.
        base.join(location)
            .is_ok_and(|u| u.origin() == base.origin())
    }

    #[test]
    fn next_paths_that_browsers_would_send_elsewhere_stay_on_site() {
        for evil in [
            "/\t/evil.example",
            "/\n/evil",
            "/\r\n/evil",
            "/\\evil",
            "/\\/evil",
            "/%2F/evil",
            "//evil",
            "///evil",
            "/\u{b}/evil",
            "/\u{a0}/evil",
            "/\u{2028}/evil",
            "https://evil.example",
            "javascript:alert(1)",
            "evil",
            "",
            "/@evil.example",
            "/../..//evil",
        ] {
            let got = safe_next(Some(evil.to_string()));
            assert!(
                got.starts_with('/') && !got.starts_with("//"),
                "{evil:?} -> {got:?}"
            );
            assert!(stays_on_site(&got), "{evil:?} -> {got:?}");
            assert!(
                axum::http::HeaderValue::from_str(&got).is_ok(),
                "{evil:?} -> {got:?} is a valid Location"
            );
        }
        // Control characters and backslashes are refused outright.
        assert_eq!(safe_next(Some("/\t/evil.example".into())), "/me");
        assert_eq!(safe_next(Some("/\n/evil".into())), "/me");
        assert_eq!(safe_next(Some("/\\evil".into())), "/me");
        assert_eq!(safe_next(Some("//evil".into())), "/me");
        // An encoded slash is a path segment on this site, not a host.
        assert_eq!(safe_next(Some("/%2F/evil".into())), "/%2F/evil");
        // Ordinary targets keep their query and fragment.
        assert_eq!(
            safe_next(Some("/modules/x?tab=quiz#c-splits".into())),
            "/modules/x?tab=quiz#c-splits"
        );
        assert_eq!(safe_next(Some("/teams/3/skills".into())), "/teams/3/skills");
    }

    #[test]
    fn names_are_capped_and_free_of_controls_and_direction_marks() {
        let ok = |n: &str| check_name(Some(n.to_string()), 120);
        assert_eq!(ok("Ada Lovelace").as_deref(), Ok("Ada Lovelace"));
        assert_eq!(ok("Zoë Ørsted-Łukasz 李小龍").map(|_| ()), Ok(()));
        assert_eq!(ok("👩\u{200D}💻 Dev").map(|_| ()), Ok(()), "ZWJ emoji");
        assert_eq!(ok(&"x".repeat(120)).map(|_| ()), Ok(()));
        assert_eq!(ok(&"x".repeat(121)), Err(NameProblem::Invalid));
        assert_eq!(
            ok(&"é".repeat(120)).map(|_| ()),
            Ok(()),
            "characters, not bytes"
        );
        for bad in [
            "Ada\tLovelace",
            "Ada\nAdmin",
            "Ada\0",
            "Ada\u{202E}ecalevol",
            "\u{2066}Admin\u{2069}",
            "Ad\u{200B}min",
            "Ada\u{2028}x",
            "\u{061C}Ada",
            "Ada\u{7F}",
        ] {
            assert_eq!(ok(bad), Err(NameProblem::Invalid), "{bad:?}");
        }
        assert_eq!(check_name(None, 120), Err(NameProblem::Missing));
        assert_eq!(
            check_name(Some("   ".into()), 120),
            Err(NameProblem::Missing)
        );
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
