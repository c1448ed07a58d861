//! The errors a person may see, shared by the server and the browser: [`AppError`] (the one
//! error type that crosses the wire, from the quiz's server function) and [`ErrorCode`] (the
//! short codes form handlers put in `?error=`, and the sentence each stands for).
//!
//! Policy: every layer has its own `thiserror` enum (`courseware::ContentError`,
//! `store::StoreError`, `domain::quiz::GradeError`, …). At the edge, handlers map them into a
//! `server::refusal::Refusal` (forms and pages) or an [`AppError`] (the server function), each
//! carrying an HTTP status and a sentence a person can act on. Internals (SQL, file paths of the
//! server) are logged once with [`log_internal`], never shown.
//!
//! May use: serde, thiserror, leptos' server-function error traits. Nothing of the server's
//! (this module is compiled for the browser too).

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use leptos::server_fn::error::ServerFnErrorErr;
use leptos::server_fn::{codec::JsonEncoding, error::FromServerFnError};

/// An error a user may see. `Display` is the sentence shown to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or is not visible to the asker).
    #[error("{0}")]
    NotFound(String),
    /// Nobody is signed in, and this needs someone.
    #[error("Please sign in first.")]
    Unauthorized,
    /// The signed-in person may not do or see this.
    #[error("You do not have access to this.")]
    Forbidden,
    /// The request itself is malformed; the message names the field.
    #[error("{0}")]
    BadRequest(String),
    /// The request was made from a page that is out of date (a quiz attempt already submitted).
    #[error("{0}")]
    Conflict(String),
    /// Too many tries in a while (throttled); the message says what and how long.
    #[error("{0}")]
    TooMany(String),
    /// The server is too busy right now (no password-hashing slot); try again shortly.
    #[error("The server is busy. Please try again in a few seconds.")]
    Busy,
    /// Something failed on the server; details are in the server log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the function (network, encoding).
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::BadRequest(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::TooMany(_) => 429,
            AppError::Busy => 503,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// Sets the HTTP status of the current server-function response to match this error.
    #[cfg(feature = "ssr")]
    pub fn with_status(self) -> Self {
        if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(code) = axum::http::StatusCode::from_u16(self.status()) {
                opts.set_status(code);
            }
        }
        self
    }
}

/// An error's message followed by those of its causes: `outer: inner: innermost`.
pub fn chain(cause: &dyn std::error::Error) -> String {
    let mut chain = cause.to_string();
    let mut source = cause.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    chain
}

/// Logs a failure the person cannot act on (the database, hashing, a background task), once,
/// with its whole cause chain. What they see instead is decided by the caller.
#[cfg(feature = "ssr")]
pub fn log_internal(cause: &dyn std::error::Error) {
    tracing::error!(error = %chain(cause), "internal error");
}

/// Why a form was refused, as it travels in a redirect's `?error=<code>`: codes travel in URLs,
/// sentences never do (so no text from a URL reaches a page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidLogin,
    Throttled,
    Missing,
    Mismatch,
    PasswordShort,
    PasswordLong,
    PasswordCommon,
    Email,
    EmailTaken,
    Token,
    WrongPassword,
    NameTaken,
    NotFound,
    OwnAdmin,
    Role,
    Rating,
    Weight,
    TaskEmpty,
    TaskWaiting,
    TaskScore,
    NoAnswer,
    QuizStale,
    OwnAccount,
    PersonName,
    TeamName,
    OrgName,
    JoinRefused,
    QuizLimit,
    Suspended,
    SsoRequired,
    SsoIssuer,
    SsoClientId,
    SsoSecret,
    SsoDomains,
    SsoClaim,
    SsoGroups,
    SsoLink,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 38] = [
        ErrorCode::InvalidLogin,
        ErrorCode::Throttled,
        ErrorCode::Missing,
        ErrorCode::Mismatch,
        ErrorCode::PasswordShort,
        ErrorCode::PasswordLong,
        ErrorCode::PasswordCommon,
        ErrorCode::Email,
        ErrorCode::EmailTaken,
        ErrorCode::Token,
        ErrorCode::WrongPassword,
        ErrorCode::NameTaken,
        ErrorCode::NotFound,
        ErrorCode::OwnAdmin,
        ErrorCode::Role,
        ErrorCode::Rating,
        ErrorCode::Weight,
        ErrorCode::TaskEmpty,
        ErrorCode::TaskWaiting,
        ErrorCode::TaskScore,
        ErrorCode::NoAnswer,
        ErrorCode::QuizStale,
        ErrorCode::OwnAccount,
        ErrorCode::PersonName,
        ErrorCode::TeamName,
        ErrorCode::OrgName,
        ErrorCode::JoinRefused,
        ErrorCode::QuizLimit,
        ErrorCode::Suspended,
        ErrorCode::SsoRequired,
        ErrorCode::SsoIssuer,
        ErrorCode::SsoClientId,
        ErrorCode::SsoSecret,
        ErrorCode::SsoDomains,
        ErrorCode::SsoClaim,
        ErrorCode::SsoGroups,
        ErrorCode::SsoLink,
        ErrorCode::Internal,
    ];

    /// The code as it appears in `?error=`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidLogin => "invalid-login",
            ErrorCode::Throttled => "throttled",
            ErrorCode::Missing => "missing",
            ErrorCode::Mismatch => "mismatch",
            ErrorCode::PasswordShort => "short",
            ErrorCode::PasswordLong => "long",
            ErrorCode::PasswordCommon => "common",
            ErrorCode::Email => "email",
            ErrorCode::EmailTaken => "email-taken",
            ErrorCode::Token => "token",
            ErrorCode::WrongPassword => "wrong-password",
            ErrorCode::NameTaken => "name-taken",
            ErrorCode::NotFound => "not-found",
            ErrorCode::OwnAdmin => "self",
            ErrorCode::Role => "role",
            ErrorCode::Rating => "rating",
            ErrorCode::Weight => "weight",
            ErrorCode::TaskEmpty => "task-empty",
            ErrorCode::TaskWaiting => "task-waiting",
            ErrorCode::TaskScore => "task-score",
            ErrorCode::NoAnswer => "no-answer",
            ErrorCode::QuizStale => "quiz-stale",
            ErrorCode::OwnAccount => "own-account",
            ErrorCode::PersonName => "name",
            ErrorCode::TeamName => "team-name",
            ErrorCode::OrgName => "org-name",
            ErrorCode::JoinRefused => "join-refused",
            ErrorCode::QuizLimit => "quiz-limit",
            ErrorCode::Suspended => "suspended",
            ErrorCode::SsoRequired => "sso-required",
            ErrorCode::SsoIssuer => "sso-issuer",
            ErrorCode::SsoClientId => "sso-client-id",
            ErrorCode::SsoSecret => "sso-secret",
            ErrorCode::SsoDomains => "sso-domains",
            ErrorCode::SsoClaim => "sso-claim",
            ErrorCode::SsoGroups => "sso-groups",
            ErrorCode::SsoLink => "sso-link",
            ErrorCode::Internal => "internal",
        }
    }

    /// The code of `?error=<code>`; `None` for a code this version does not know.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The sentence shown for this code.
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::InvalidLogin => "That email and password do not match an account.",
            ErrorCode::Throttled => {
                "Too many failed attempts. Wait a little (the page says how long) and try again."
            }
            ErrorCode::Missing => "Please fill in every field.",
            ErrorCode::Mismatch => "The two passwords are not the same.",
            ErrorCode::PasswordShort => "Use at least 8 characters for your password.",
            ErrorCode::PasswordLong => "Use at most 128 characters for your password.",
            ErrorCode::PasswordCommon => {
                "That password is one of the most common ones; choose another."
            }
            ErrorCode::Email => "Enter a valid email address.",
            ErrorCode::EmailTaken => "An account with that email already exists. Sign in instead.",
            ErrorCode::Token => {
                "That link has expired or has already been used. Ask for a new one."
            }
            ErrorCode::WrongPassword => "Your current password is not right.",
            ErrorCode::NameTaken => "A team with that name already exists.",
            ErrorCode::NotFound => "That no longer exists.",
            ErrorCode::OwnAdmin => "You cannot remove yourself or your own admin role.",
            ErrorCode::Role => "That role profile does not exist in the content.",
            ErrorCode::Rating => "A self-rating is a level from 0 to 4, or blank for no rating.",
            ErrorCode::Weight => {
                "A scarcity weight is a number from 0 to 1, with a note (up to 200 characters) on where it comes from."
            }
            ErrorCode::TaskEmpty => {
                "Write your work, or paste a link to it, before you submit (at most 20,000 characters)."
            }
            ErrorCode::TaskWaiting => {
                "Your last submission is still waiting for a score; you can submit again once it is scored."
            }
            ErrorCode::TaskScore => {
                "Score every criterion 0 (not met), 1 (partly met) or 2 (met), and not your own work."
            }
            ErrorCode::NoAnswer => "Choose an answer before going on.",
            ErrorCode::QuizStale => {
                "Those answers were for a quiz page that is out of date: that attempt was already submitted (perhaps in another tab) or the quiz has changed. Here is a fresh set of questions."
            }
            ErrorCode::OwnAccount => {
                "Not for your own account: change your password on your account page, and another admin confirms your own erasure."
            }
            ErrorCode::PersonName => {
                "Your name: use at most 120 characters, with no control or text-direction characters."
            }
            ErrorCode::TeamName => {
                "Team name: use at most 80 characters, with no control or text-direction characters."
            }
            ErrorCode::OrgName => {
                "Organisation name: use at most 120 characters, with no control or text-direction characters."
            }
            ErrorCode::JoinRefused => {
                "This invitation cannot be used with that email address. If you already have an account, sign in instead; otherwise check the address or ask for a new invitation."
            }
            ErrorCode::QuizLimit => {
                "You have sent a lot of quiz attempts in the last hour. Take a break, re-read the module, and try again later: the limit counts the last hour only."
            }
            ErrorCode::Suspended => {
                "Your account is suspended, so you cannot sign in. Ask your organisation's admin if you think this is a mistake."
            }
            ErrorCode::SsoRequired => {
                "Your organisation signs in with single sign-on: type your email under \"Single sign-on\" and continue with your organisation's sign-in. (Admins keep their password for emergencies.)"
            }
            ErrorCode::SsoIssuer => {
                "Issuer: the provider's discovery document could not be fetched from this address, or it names a different issuer. Use the exact issuer URL (https; for Entra ID the tenant-specific one, https://login.microsoftonline.com/<tenant id>/v2.0)."
            }
            ErrorCode::SsoClientId => {
                "Client ID: fill it in, as your identity provider shows it (at most 200 characters)."
            }
            ErrorCode::SsoSecret => {
                "Client secret: fill it in the first time (afterwards leave it blank to keep the saved one)."
            }
            ErrorCode::SsoDomains => {
                "Allowed email domains: list domains such as example.org, separated by commas or spaces."
            }
            ErrorCode::SsoClaim => {
                "Match claim and groups claim: use a claim name such as sub, oid or groups (letters, digits, _ . : -)."
            }
            ErrorCode::SsoGroups => {
                "Group to team mapping: one group=team name per line, naming a team of this organisation."
            }
            ErrorCode::SsoLink => {
                "That sign-in link has expired or was already used. Sign in with your organisation again."
            }
            ErrorCode::Internal => "Something went wrong. Please try again.",
        }
    }

    /// The sentence for a code read from a URL: an unknown code reads as [`ErrorCode::Internal`].
    pub fn message_for(code: &str) -> &'static str {
        ErrorCode::parse(code)
            .unwrap_or(ErrorCode::Internal)
            .message()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        if let ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) = &value {
            return AppError::BadRequest(format!("The request could not be read: {msg}"))
                .with_status();
        }
        AppError::Transport(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_read_as_internal() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c), "{c}");
            assert!(!c.message().is_empty());
        }
        assert_eq!(ErrorCode::parse("nonsense"), None);
        assert_eq!(
            ErrorCode::message_for("nonsense"),
            ErrorCode::Internal.message()
        );
        assert_eq!(ErrorCode::OwnAdmin.as_str(), "self");
    }

    #[test]
    fn chains_name_every_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] std::io::Error);
        let e = Outer(std::io::Error::other("inner"));
        assert_eq!(chain(&e), "outer: inner");
    }
}
