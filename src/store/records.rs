//! What the store takes and gives that is not a domain type: registry entries, new accounts,
//! login data, sessions, invitations, member assignments, the estimate cache's bookkeeping,
//! organisations' origins and audit events. Plain data; no sqlx here (decoding is in `rows.rs`).

use crate::domain::people::{MemberRole, OrgId, TeamId, UserId};
use crate::domain::proficiency::Estimate;
use chrono::{DateTime, Utc};

/// A module as the registry remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleRecord {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub content_hash: String,
    /// Whether the module is in the content tree now.
    pub present: bool,
}

/// A new account's details. `password_hash` is a PHC string (Argon2id); never a password.
#[derive(Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// What login needs to know about an account. Never serialized, never sent to a browser.
#[derive(Clone)]
pub struct Credentials {
    pub user: UserId,
    pub org: OrgId,
    pub password_hash: String,
    /// The member is suspended (SCIM `active=false`): sign-in is refused.
    pub suspended: bool,
}

/// Throttled tries under one key in a window (`store::Accounts::record_try`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptCount {
    /// Every try in the window, the asking one included.
    pub count: i64,
    /// The newest time among the others.
    pub latest_other: Option<DateTime<Utc>>,
}

/// A server-side session. `id_hash` is the SHA-256 of the cookie value: the database never
/// holds a usable session id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub user: UserId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Absolute expiry.
    pub expires_at: DateTime<Utc>,
}

/// An invitation to join an organisation with a role (and optionally a team).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: i64,
    pub org: OrgId,
    pub token_hash: String,
    pub email: Option<String>,
    pub role: MemberRole,
    pub team: Option<TeamId>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// A person whose cached estimates are missing or out of date, with the evidence version to
/// compute them from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleEstimates {
    pub user: UserId,
    pub version: i64,
}

/// A person's freshly computed estimates, per skill with evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputedEstimates {
    pub user: UserId,
    /// The evidence version they were computed from: stored only if it is still current.
    pub version: i64,
    pub skills: Vec<(String, Estimate)>,
}

/// Roles and teams of a member, replaced as a whole by an admin.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignment {
    pub roles: Vec<MemberRole>,
    pub teams: Vec<TeamId>,
    pub manages: Vec<TeamId>,
}

/// A live session as its owner's session list shows it: when it started, when and from where
/// it was last seen. `id_hash` identifies it to the store; never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The browser's User-Agent, as sent (capped), if a request has been seen.
    pub user_agent: Option<String>,
    /// The client address of the latest recorded request.
    pub client_addr: Option<String>,
}

/// An account's own details (for the data export). Never the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub user: UserId,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

/// A member's pending request that their records be erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErasureRequest {
    pub user: UserId,
    pub requested_at: DateTime<Utc>,
}

/// A single-use password-reset link an admin issued for a member. `token_hash` is the SHA-256
/// of the link's token; the token is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    pub token_hash: String,
    pub user: UserId,
    pub org: OrgId,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Where an organisation came from. `demo` and `seed` refuse to run against a database that
/// holds a [`OrgOrigin::Real`] one unless forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgOrigin {
    /// First-run setup, or an operator's.
    Real,
    /// `levelfield demo`.
    Demo,
    /// `levelfield seed`.
    Seed,
}

impl OrgOrigin {
    /// As stored.
    pub fn key(self) -> &'static str {
        match self {
            OrgOrigin::Real => "real",
            OrgOrigin::Demo => "demo",
            OrgOrigin::Seed => "seed",
        }
    }
}

/// A security event to record (see `server::audit`, which redacts tokens before it gets here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    /// `None` for an event outside any organisation (a refused sign-in for an unknown email).
    pub org: Option<OrgId>,
    /// Who did it, if anyone signed in or named an account did.
    pub actor_id: Option<UserId>,
    /// The actor as shown: their email then, or a pseudonym; `-` for nobody.
    pub actor: String,
    /// What happened, as a stable key (`login.succeeded`, `invitation.revoked`, …).
    pub action: String,
    /// What it was done to (`user 12 ada@example.org`, `invitation 3`, `skill evaluation`).
    pub target: Option<String>,
    /// More about it (the roles given, the weight set).
    pub detail: Option<String>,
    /// The client's address.
    pub address: Option<String>,
    pub at: DateTime<Utc>,
}

/// A recorded security event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: i64,
    pub org: Option<OrgId>,
    pub actor_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    pub address: Option<String>,
    pub at: DateTime<Utc>,
}

/// An organisation's single sign-on settings (OpenID Connect, Levelfield as the relying party).
/// `client_secret` is never shown on a page. Plain data; the server checks it on save.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoConfig {
    pub org: OrgId,
    /// The provider's issuer URL, exactly as its ID tokens name it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Lowercase email domains whose people this organisation's sign-in is offered to.
    pub email_domains: Vec<String>,
    /// The claim compared with a provisioned member's external id (`sub`, or `oid` for Entra).
    pub match_claim: String,
    /// The role a person created at their first sign-in gets (learner too).
    pub default_role: MemberRole,
    /// The claim listing the person's groups, if teams are mapped from it.
    pub groups_claim: Option<String>,
    /// Group value → team, for people created at their first sign-in.
    pub group_teams: Vec<(String, TeamId)>,
    pub enabled: bool,
    /// Local passwords are refused for the organisation's members, admins excepted.
    pub mandatory: bool,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for SsoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoConfig")
            .field("org", &self.org)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("email_domains", &self.email_domains)
            .field("enabled", &self.enabled)
            .field("mandatory", &self.mandatory)
            .finish_non_exhaustive()
    }
}

/// A single sign-on started and not finished yet (see migration 0015). Never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoLogin {
    pub state_hash: String,
    pub org: OrgId,
    pub issuer: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub browser_hash: String,
    pub next: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A provider identity waiting for the owner of an existing local account to prove its
/// password before the two are linked.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoPendingLink {
    pub token_hash: String,
    pub org: OrgId,
    pub user: UserId,
    pub issuer: String,
    pub subject: String,
    pub name: String,
    pub email: String,
    pub id_token: String,
    pub next: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A provider identity linked to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoIdentity {
    pub issuer: String,
    pub subject: String,
    pub user: UserId,
    pub org: OrgId,
    pub linked_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// A SCIM bearer token as the admin page lists it (never the token or its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimToken {
    pub id: i64,
    pub label: String,
    /// The email of the admin who created it, while their account exists.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A member as SCIM reads them: the account, the SCIM attributes kept as the identity provider
/// sent them (`None` for a member who was not provisioned), suspension and teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimUser {
    pub user: UserId,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub user_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub external_id: Option<String>,
    pub suspended_at: Option<DateTime<Utc>>,
    /// The teams the member belongs to: (id, name), by id.
    pub groups: Vec<(TeamId, String)>,
}

/// What a SCIM create or replace writes of a member: the account's email and name, the SCIM
/// attributes, and whether the member is active (`false` suspends them and ends their sessions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimUserFields {
    pub email: String,
    pub name: String,
    pub user_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub external_id: Option<String>,
    pub active: bool,
}

/// A team as SCIM reads it (a Group): its members (id, name), by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimGroup {
    pub team: TeamId,
    pub name: String,
    pub external_id: Option<String>,
    pub members: Vec<(UserId, String)>,
}
