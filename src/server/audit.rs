//! The security audit log: who signed in (or was refused, or throttled), signed out, changed a
//! password, set up the organisation, invited, joined, revoked, gave or took roles, removed
//! someone, set a target role or a scarcity weight, signed in with single sign-on (or was
//! refused), linked an identity, joined at a first sign-on, changed the sign-on settings; to what, from which client address, when.
//!
//! Everything goes through one call, [`record`], with an [`Event`] built from an [`Action`]:
//!
//! ```ignore
//! audit::record(&state, Event::by(&viewer, Action::MemberRemoved).target(who).from(&client)).await;
//! ```
//!
//! Each event is stored (`audit_events`, shown to the organisation's admins on
//! `/admin/activity`) and logged on the `audit` tracing target. Tokens are never recorded: no
//! caller passes one, and [`redact`] blanks anything that looks like one (a long hex run, a
//! `token=` value) in every text field before it is stored or logged. Passwords never come
//! near this module. Recording never fails the action it records: a store error is logged.
//!
//! May use: auth (the viewer), state, store, domain. Nothing of `features` or `ui`.

use super::auth::Viewer;
use super::state::AppState;
use crate::domain::people::{OrgId, UserId};
use crate::store::NewAuditEvent;
use chrono::Utc;

/// What happened. The key is stored; the label is what the Activity page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    Logout,
    PasswordChanged,
    Setup,
    InvitationCreated,
    InvitationAccepted,
    InvitationRevoked,
    RolesAssigned,
    MemberRemoved,
    TargetRoleSet,
    TeamTargetRoleSet,
    ScarcitySet,
    ScarcityCleared,
    SessionEnded,
    OtherSessionsEnded,
    SessionsEndedByAdmin,
    ReauthFailed,
    DataExported,
    ErasureRequested,
    ErasureWithdrawn,
    ErasureConfirmed,
    ResetIssued,
    ResetUsed,
    LoginSuspended,
    MemberSuspended,
    MemberReactivated,
    ScimTokenCreated,
    ScimTokenRotated,
    ScimTokenRevoked,
    ScimUserCreated,
    ScimUserUpdated,
    ScimUserDeleted,
    ScimGroupCreated,
    ScimGroupUpdated,
    ScimGroupDeleted,
    SsoLogin,
    SsoRefused,
    SsoLinked,
    SsoLinkedByAdmin,
    SsoUnlinked,
    SsoMemberCreated,
    SsoConfigChanged,
}

impl Action {
    pub const ALL: [Action; 44] = [
        Action::LoginSucceeded,
        Action::LoginFailed,
        Action::LoginThrottled,
        Action::Logout,
        Action::PasswordChanged,
        Action::Setup,
        Action::InvitationCreated,
        Action::InvitationAccepted,
        Action::InvitationRevoked,
        Action::RolesAssigned,
        Action::MemberRemoved,
        Action::TargetRoleSet,
        Action::TeamTargetRoleSet,
        Action::ScarcitySet,
        Action::ScarcityCleared,
        Action::SessionEnded,
        Action::OtherSessionsEnded,
        Action::SessionsEndedByAdmin,
        Action::ReauthFailed,
        Action::DataExported,
        Action::ErasureRequested,
        Action::ErasureWithdrawn,
        Action::ErasureConfirmed,
        Action::ResetIssued,
        Action::ResetUsed,
        Action::LoginSuspended,
        Action::MemberSuspended,
        Action::MemberReactivated,
        Action::ScimTokenCreated,
        Action::ScimTokenRotated,
        Action::ScimTokenRevoked,
        Action::ScimUserCreated,
        Action::ScimUserUpdated,
        Action::ScimUserDeleted,
        Action::ScimGroupCreated,
        Action::ScimGroupUpdated,
        Action::ScimGroupDeleted,
        Action::SsoLogin,
        Action::SsoRefused,
        Action::SsoLinked,
        Action::SsoLinkedByAdmin,
        Action::SsoUnlinked,
        Action::SsoMemberCreated,
        Action::SsoConfigChanged,
    ];

    /// As stored (stable: the log outlives versions).
    pub fn key(self) -> &'static str {
        match self {
            Action::LoginSucceeded => "login.succeeded",
            Action::LoginFailed => "login.failed",
            Action::LoginThrottled => "login.throttled",
            Action::Logout => "logout",
            Action::PasswordChanged => "password.changed",
            Action::Setup => "organisation.setup",
            Action::InvitationCreated => "invitation.created",
            Action::InvitationAccepted => "invitation.accepted",
            Action::InvitationRevoked => "invitation.revoked",
            Action::RolesAssigned => "member.roles",
            Action::MemberRemoved => "member.removed",
            Action::TargetRoleSet => "member.target_role",
            Action::TeamTargetRoleSet => "team.target_role",
            Action::ScarcitySet => "scarcity.set",
            Action::ScarcityCleared => "scarcity.cleared",
            Action::SessionEnded => "session.ended",
            Action::OtherSessionsEnded => "session.ended_others",
            Action::SessionsEndedByAdmin => "session.ended_by_admin",
            Action::ReauthFailed => "session.reauth_failed",
            Action::DataExported => "data.exported",
            Action::ErasureRequested => "erasure.requested",
            Action::ErasureWithdrawn => "erasure.withdrawn",
            Action::ErasureConfirmed => "erasure.confirmed",
            Action::ResetIssued => "password.reset_issued",
            Action::ResetUsed => "password.reset_used",
            Action::LoginSuspended => "login.suspended",
            Action::MemberSuspended => "member.suspended",
            Action::MemberReactivated => "member.reactivated",
            Action::ScimTokenCreated => "scim.token_created",
            Action::ScimTokenRotated => "scim.token_rotated",
            Action::ScimTokenRevoked => "scim.token_revoked",
            Action::ScimUserCreated => "scim.user_created",
            Action::ScimUserUpdated => "scim.user_updated",
            Action::ScimUserDeleted => "scim.user_deleted",
            Action::ScimGroupCreated => "scim.group_created",
            Action::ScimGroupUpdated => "scim.group_updated",
            Action::ScimGroupDeleted => "scim.group_deleted",
            Action::SsoLogin => "sso.login",
            Action::SsoRefused => "sso.refused",
            Action::SsoLinked => "sso.linked",
            Action::SsoLinkedByAdmin => "sso.linked_by_admin",
            Action::SsoUnlinked => "sso.unlinked",
            Action::SsoMemberCreated => "sso.member_created",
            Action::SsoConfigChanged => "sso.config_changed",
        }
    }

    /// As a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Action::LoginSucceeded => "Signed in",
            Action::LoginFailed => "Sign-in refused",
            Action::LoginThrottled => "Sign-in throttled",
            Action::Logout => "Signed out",
            Action::PasswordChanged => "Changed their password",
            Action::Setup => "Set up the organisation",
            Action::InvitationCreated => "Created an invitation",
            Action::InvitationAccepted => "Joined by invitation",
            Action::InvitationRevoked => "Revoked an invitation",
            Action::RolesAssigned => "Changed roles and teams",
            Action::MemberRemoved => "Removed a member",
            Action::TargetRoleSet => "Set a person's role profile",
            Action::TeamTargetRoleSet => "Set a team's target role",
            Action::ScarcitySet => "Set a scarcity weight",
            Action::ScarcityCleared => "Cleared a scarcity weight",
            Action::SessionEnded => "Ended one of their sessions",
            Action::OtherSessionsEnded => "Signed out everywhere else",
            Action::SessionsEndedByAdmin => "Signed a member out everywhere",
            Action::ReauthFailed => "Re-authentication refused",
            Action::DataExported => "Downloaded their data",
            Action::ErasureRequested => "Asked for erasure",
            Action::ErasureWithdrawn => "Withdrew an erasure request",
            Action::ErasureConfirmed => "Confirmed an erasure",
            Action::ResetIssued => "Issued a password-reset link",
            Action::ResetUsed => "Set a password with a reset link",
            Action::LoginSuspended => "Sign-in refused: account suspended",
            Action::MemberSuspended => "Suspended a member",
            Action::MemberReactivated => "Reactivated a member",
            Action::ScimTokenCreated => "Created a SCIM token",
            Action::ScimTokenRotated => "Rotated a SCIM token",
            Action::ScimTokenRevoked => "Revoked a SCIM token",
            Action::ScimUserCreated => "Provisioned a member (SCIM)",
            Action::ScimUserUpdated => "Updated a member (SCIM)",
            Action::ScimUserDeleted => "Deprovisioned a member (SCIM)",
            Action::ScimGroupCreated => "Created a team (SCIM)",
            Action::ScimGroupUpdated => "Updated a team (SCIM)",
            Action::ScimGroupDeleted => "Deleted a team (SCIM)",
            Action::SsoLogin => "Signed in with single sign-on",
            Action::SsoRefused => "Single sign-on refused",
            Action::SsoLinked => "Linked their account to single sign-on",
            Action::SsoLinkedByAdmin => "Linked a member to single sign-on",
            Action::SsoUnlinked => "Unlinked a member from single sign-on",
            Action::SsoMemberCreated => "Joined at their first single sign-on",
            Action::SsoConfigChanged => "Changed the single sign-on settings",
        }
    }

    pub fn parse(key: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.key() == key)
    }
}

/// The client, as throttling finds it (the socket peer, or the forwarded client behind a
/// trusted proxy): one extractor for both, see [`crate::server::throttle::ClientAddr`].
pub use crate::server::throttle::ClientAddr;

/// One event to record: build it with [`Event::by`], [`Event::account`] or
/// [`Event::anonymous`], then add what it was done to, details and the address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Event {
    action: Action,
    org: Option<OrgId>,
    actor_id: Option<UserId>,
    actor: String,
    target: Option<String>,
    detail: Option<String>,
    address: Option<String>,
}

impl Event {
    /// `action`, done by the signed-in `viewer` in their organisation.
    pub fn by(viewer: &Viewer, action: Action) -> Event {
        Event::account(Some(viewer.org), Some(viewer.user), &viewer.email, action)
    }

    /// `action`, done by (or to) an account that is not signed in yet: a sign-in, a join, a
    /// setup. `actor` is the account's email.
    pub fn account(org: Option<OrgId>, user: Option<UserId>, actor: &str, action: Action) -> Event {
        Event {
            action,
            org,
            actor_id: user,
            actor: actor.to_string(),
            target: None,
            detail: None,
            address: None,
        }
    }

    /// `action` by nobody known (a refused sign-in for an email with no account, which names
    /// no organisation).
    pub fn anonymous(action: Action) -> Event {
        Event::account(None, None, "-", action)
    }

    /// What it was done to: `user 12 ada@example.org`, `invitation 3`, `skill evaluation`.
    pub fn target(mut self, target: impl Into<String>) -> Event {
        self.target = Some(target.into());
        self
    }

    /// More about it: the roles given, the weight set.
    pub fn detail(mut self, detail: impl Into<String>) -> Event {
        self.detail = Some(detail.into());
        self
    }

    /// The client's address.
    pub fn from(mut self, client: &ClientAddr) -> Event {
        self.address = client.0.map(|ip| ip.to_string());
        self
    }

    /// The client's address, as text (`None` when unknown).
    pub fn address(mut self, address: Option<String>) -> Event {
        self.address = address;
        self
    }

    /// The event as stored: every text field through [`redact`].
    fn into_new(self) -> NewAuditEvent {
        NewAuditEvent {
            org: self.org,
            actor_id: self.actor_id,
            actor: redact(&self.actor),
            action: self.action.key().to_string(),
            target: self.target.as_deref().map(redact),
            detail: self.detail.as_deref().map(redact),
            address: self.address.as_deref().map(redact),
            at: Utc::now(),
        }
    }
}

/// Records `event`: stored for the organisation's admins and logged on the `audit` target.
/// A failure to store it is logged, never passed on: the action it records has happened.
pub async fn record(state: &AppState, event: Event) {
    let e = event.into_new();
    tracing::info!(
        target: "audit",
        org = e.org.map(|o| o.0),
        actor_id = e.actor_id.map(|u| u.0),
        // Free text is quoted and escaped (`?`): a line break in a note cannot forge a line.
        actor = ?e.actor,
        action = %e.action,
        target = ?e.target.as_deref().unwrap_or(""),
        detail = ?e.detail.as_deref().unwrap_or(""),
        address = ?e.address.as_deref().unwrap_or(""),
        "audit event"
    );
    if let Err(err) = state.store.record_audit(&e).await {
        tracing::error!(target: "audit", action = %e.action, error = %crate::error::chain(&err), "could not store an audit event");
    }
}

/// `text` with anything that looks like a token blanked: a run of 32 or more hex digits (every
/// token and token hash is 64), and the value of any `token=`.
pub fn redact(text: &str) -> String {
    const BLANK: &str = "[redacted]";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = strip_prefix_ignore_case(rest, "token=") {
            out.push_str(&rest[..rest.len() - after.len()]);
            out.push_str(BLANK);
            let end = after
                .find(|c: char| c == '&' || c == '#' || c.is_whitespace())
                .unwrap_or(after.len());
            rest = &after[end..];
            continue;
        }
        let hex = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex >= 32 {
            out.push_str(BLANK);
            rest = &rest[hex..];
            continue;
        }
        // Copy up to the end of this hex run (or one character), then look again.
        let step = if hex > 0 {
            hex
        } else {
            rest.chars().next().map_or(1, char::len_utf8)
        };
        out.push_str(&rest[..step]);
        rest = &rest[step..];
    }
    out
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_redacted_and_nothing_else() {
        let token = "a".repeat(64);
        assert_eq!(
            redact(&format!("/join?token={token}&x=1")),
            "/join?token=[redacted]&x=1"
        );
        assert_eq!(redact(&format!("hash {token} end")), "hash [redacted] end");
        assert_eq!(redact("TOKEN=abc"), "TOKEN=[redacted]");
        // Short hex (ids, dates, addresses) stays.
        for kept in [
            "user 12 ada@example.org",
            "2026-11-30",
            "fe80::1ff:fe23:4567:890a",
            "roles admin, learner; teams 3",
            "Zoë über 0.40",
        ] {
            assert_eq!(redact(kept), kept);
        }
    }

    #[test]
    fn every_action_has_a_distinct_key_that_parses_back() {
        let mut keys: Vec<&str> = Action::ALL.iter().map(|a| a.key()).collect();
        for a in Action::ALL {
            assert_eq!(Action::parse(a.key()), Some(a));
            assert!(!a.label().is_empty());
        }
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Action::ALL.len());
    }
}
