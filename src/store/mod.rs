//! Durable storage behind one trait, [`Store`], with an implementation per database.
//!
//! The backend is chosen at start-up from `DATABASE_URL`'s scheme and held as `Arc<dyn Store>`.
//! `Store` is the sum of one trait per concern ([`Accounts`], [`Orgs`], [`Progress`],
//! [`Skills`], [`Estimates`], [`Tasks`], [`Audit`]); each backend has one file per concern with the same name
//! (`sqlite/orgs.rs` ↔ `postgres/orgs.rs`), and both read the SQL they share from `sql/` and
//! decode rows with the structs in `rows.rs`. SQL written per backend says why, inline.
//! Migrations live in `migrations/<backend>/` with the same file names for every backend.
//! Server only: uses sqlx and the domain types, never `server`, `features` or `ui`.

mod ops;
mod postgres;
mod records;
mod rows;
mod shared;
mod sql;
mod sqlite;
mod time;

pub use ops::{
    backup_sqlite, outage_of, BackupError, BackupReport, MigrationState, Outage, PoolSettings,
};
pub use postgres::PostgresStore;
pub use records::{
    AccountRecord, Assignment, AttemptCount, AuditEvent, ComputedEstimates, Credentials,
    ErasureRequest, Invitation, ModuleRecord, NewAuditEvent, NewUser, OrgOrigin, PasswordReset,
    ScimGroup, ScimToken, ScimUser, ScimUserFields, SessionInfo, SessionRecord, SsoConfig,
    SsoIdentity, SsoLogin, SsoPendingLink, StaleEstimates,
};
pub use sqlite::SqliteStore;

use crate::domain::items::ItemAnswer;
use crate::domain::matrix::Snapshot;
use crate::domain::people::{
    AttemptId, Member, MemberRole, OrgId, Organisation, Team, TeamId, UserId,
};
use crate::domain::proficiency::Estimate;
use crate::domain::progress::{Attempt, ModuleProgress, NewAttempt};
use crate::domain::skills::{ScarcityOverride, SelfRating};
use crate::domain::task::{NewScore, NewSubmission, Submission};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

/// The store traits, for code that calls the store through a generic `S: Store` rather than
/// `dyn Store` (trait objects need no import).
pub mod prelude {
    pub use super::{
        Accounts, Audit, Estimates, Orgs, Progress, Scim, SelfService, Skills, Sso, Store, Tasks,
    };
}

/// A store call's result.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A storage failure, by kind. Callers map kinds, never message text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("that link has expired or has already been used")]
    TokenInvalid,
    #[error("an account with that email already exists")]
    EmailTaken,
    #[error("a team with that name already exists")]
    NameTaken,
    /// The same thing was recorded already (a quiz attempt submitted twice).
    #[error("already recorded")]
    Duplicate,
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

/// Why the store could not be opened at start-up.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "unsupported database URL `{0}`: use sqlite://path/to/file.db or postgres://user@host/db"
    )]
    UnsupportedUrl(String),
    #[error("cannot create the database folder `{path}`")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the database")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Everything the application stores. Every method that reads or changes an organisation's
/// data takes the `OrgId` and filters by it, so a guessed id from another organisation finds
/// nothing (`NotFound`), never another organisation's row.
#[async_trait]
pub trait Store:
    Accounts
    + Orgs
    + Progress
    + Skills
    + Estimates
    + Tasks
    + Audit
    + SelfService
    + Scim
    + Sso
    + Send
    + Sync
    + 'static
{
    /// Cheap liveness check.
    async fn ping(&self) -> Result<()>;

    /// The applied migrations against the ones this binary embeds (for `/readyz`).
    async fn migration_state(&self) -> Result<MigrationState>;

    /// Closes the pool: waits for connections in use to come back, then closes them all
    /// (SQLite checkpoints its write-ahead log). Calls after it fail.
    async fn close(&self);
}

/// Accounts, sessions and login throttling.
#[async_trait]
pub trait Accounts {
    /// Login data for an email (compared case-insensitively).
    async fn credentials(&self, email: &str) -> Result<Option<Credentials>>;

    /// A member by user id, within `org` (`NotFound` if not in that organisation).
    async fn member(&self, org: OrgId, user: UserId) -> Result<Member>;

    /// The organisation a user belongs to, and their membership.
    async fn member_by_user(&self, user: UserId) -> Result<Member>;

    async fn password_hash(&self, user: UserId) -> Result<String>;

    /// Replaces a user's password hash.
    async fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;

    async fn create_session(&self, session: &SessionRecord) -> Result<()>;

    /// A live session: not past its absolute expiry, and seen since `idle_cutoff`.
    async fn session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        idle_cutoff: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>>;

    async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<()>;

    async fn delete_session(&self, id_hash: &str) -> Result<()>;

    /// Ends every session of `user` except `keep` (after a password change).
    async fn delete_other_sessions(&self, user: UserId, keep: &str) -> Result<u64>;

    /// Removes sessions past expiry or idle since `idle_cutoff`.
    async fn purge_sessions(&self, now: DateTime<Utc>, idle_cutoff: DateTime<Utc>) -> Result<u64>;

    /// Records a throttled try under `key` (an address or an account, as `server::throttle`
    /// makes them) at `now` and, atomically with it (tries under one key are serialized), counts
    /// the tries under `key` since `since`, this one included, with the newest time among the
    /// others. Returns this try's id; it counts as a failure until forgotten.
    async fn record_try(
        &self,
        key: &str,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<(i64, AttemptCount)>;

    /// Removes tries by id (one that succeeded, or was refused before it was judged).
    async fn forget_tries(&self, ids: &[i64]) -> Result<()>;

    /// Removes throttled tries recorded before `before` (they hold client addresses and account
    /// keys, and count for nothing once outside the throttle windows).
    async fn purge_login_failures(&self, before: DateTime<Utc>) -> Result<u64>;
}

/// Account self-service: a person's own session list, their data (export), erasure requests
/// that an admin confirms, and single-use password-reset links an admin issues.
#[async_trait]
pub trait SelfService {
    /// Marks a session seen at `now` from `user_agent` at `client_addr` (the caller writes at
    /// most once a minute per session).
    async fn record_session_client(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        user_agent: Option<&str>,
        client_addr: Option<&str>,
    ) -> Result<()>;

    /// `user`'s live sessions (not expired at `now`, seen since `idle_cutoff`), most recently
    /// seen first.
    async fn user_sessions(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        idle_cutoff: DateTime<Utc>,
    ) -> Result<Vec<SessionInfo>>;

    /// Ends one of `user`'s sessions; `NotFound` if it is not theirs (or already ended).
    async fn end_user_session(&self, user: UserId, id_hash: &str) -> Result<()>;

    /// The account of `user` in `org` (`NotFound` outside it).
    async fn account(&self, org: OrgId, user: UserId) -> Result<AccountRecord>;

    /// Records `user`'s request for erasure (keeping the first one's time if asked again).
    async fn request_erasure(&self, org: OrgId, user: UserId, now: DateTime<Utc>) -> Result<()>;

    /// Withdraws `user`'s erasure request, if any.
    async fn withdraw_erasure(&self, org: OrgId, user: UserId) -> Result<()>;

    /// Pending erasure requests in `org`, oldest first.
    async fn erasure_requests(&self, org: OrgId) -> Result<Vec<ErasureRequest>>;

    /// Atomically, if `user` of `org` has a pending erasure request (else `NotFound`): deletes
    /// their progress, attempts (with answers), self-ratings, task submissions, cached estimates,
    /// sessions and reset links, then the account itself (membership, roles, teams and the
    /// request go with it).
    async fn erase_member(&self, org: OrgId, user: UserId) -> Result<()>;

    /// Stores a password-reset link (its hash) for a member of `reset.org` (`NotFound`
    /// otherwise); the member's earlier unused links stop working.
    async fn create_password_reset(&self, reset: &PasswordReset) -> Result<()>;

    /// The member a reset link is for, if it is unused and unexpired at `now`.
    async fn password_reset_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>>;

    /// Atomically: uses the link (unused and unexpired at `now`, else `TokenInvalid`), sets the
    /// member's password hash and ends every session of theirs. Returns the member.
    async fn use_password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        password_hash: &str,
    ) -> Result<UserId>;
}

/// Organisations: first run, teams, members and invitations.
#[async_trait]
pub trait Orgs {
    /// How many organisations exist.
    async fn organisation_count(&self) -> Result<i64>;

    /// Every organisation's id (for background work).
    async fn organisation_ids(&self) -> Result<Vec<OrgId>>;

    /// How many organisations not made by `demo` or `seed` exist.
    async fn real_organisation_count(&self) -> Result<i64>;

    /// Stores a one-time setup token (its hash) valid until `expires_at`, revoking every
    /// earlier one: only the newest first-run link works.
    async fn create_setup_token(&self, token_hash: &str, expires_at: DateTime<Utc>) -> Result<()>;

    /// Whether a setup token is unused and unexpired at `now` (a cheap read, checked before a
    /// password is hashed; `setup_organisation` checks again as it uses it).
    async fn setup_token_usable(&self, token_hash: &str, now: DateTime<Utc>) -> Result<bool>;

    /// Atomically, for first run only: uses the setup token (unused and unexpired at `now`,
    /// else `TokenInvalid`), requires that no organisation exists yet (else `TokenInvalid`, and
    /// every setup token is deleted), creates the organisation and its first member with every
    /// role, and deletes every setup token.
    async fn setup_organisation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        org_name: &str,
        admin: &NewUser,
    ) -> Result<(OrgId, UserId)>;

    /// An operator's organisation beside others (the command-line tools, tests): no token,
    /// and no first-run rule. Creates it and its first member with every role.
    async fn create_organisation(
        &self,
        name: &str,
        admin: &NewUser,
        origin: OrgOrigin,
        now: DateTime<Utc>,
    ) -> Result<(OrgId, UserId)>;

    async fn organisation(&self, org: OrgId) -> Result<Organisation>;

    async fn teams(&self, org: OrgId) -> Result<Vec<Team>>;

    async fn create_team(&self, org: OrgId, name: &str) -> Result<TeamId>;

    /// Every member of `org`, ordered by name (three queries, not one per member).
    async fn members(&self, org: OrgId) -> Result<Vec<Member>>;

    /// Replaces a member's roles and teams. Teams must belong to `org` (else `NotFound`).
    async fn assign(&self, org: OrgId, user: UserId, assignment: &Assignment) -> Result<()>;

    /// Removes a member and everything of theirs (sessions, progress, attempts).
    async fn remove_member(&self, org: OrgId, user: UserId) -> Result<()>;

    async fn create_invitation(&self, invitation: &Invitation) -> Result<i64>;

    /// Pending (unused, unexpired at `now`) invitations of `org`.
    async fn invitations(&self, org: OrgId, now: DateTime<Utc>) -> Result<Vec<Invitation>>;

    /// An invitation by token hash, whatever its state.
    async fn invitation(&self, token_hash: &str) -> Result<Option<Invitation>>;

    /// Atomically: uses the invitation (unused and unexpired at `now`, and made out to
    /// `user`'s email if it names one, else `TokenInvalid`), creates the account and its
    /// membership with the invitation's role and team.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        user: &NewUser,
    ) -> Result<(OrgId, UserId)>;

    /// Revokes (deletes) a pending invitation of `org`; `NotFound` if `org` has no unused
    /// invitation `id`.
    async fn revoke_invitation(&self, org: OrgId, id: i64) -> Result<()>;
}

/// The module registry, reading progress and quiz attempts.
#[async_trait]
pub trait Progress {
    /// Records the modules now in the content tree; modules missing from `modules` are kept but
    /// marked absent, so their ids stay taken.
    async fn sync_modules(&self, modules: &[ModuleRecord]) -> Result<()>;

    /// Every module ever registered, ordered by id.
    async fn module_registry(&self) -> Result<Vec<ModuleRecord>>;

    /// Records that `user` reached section `reached` of `total` in `module` (never moves
    /// backwards), and completion when `completed`.
    #[allow(clippy::too_many_arguments)]
    async fn record_progress(
        &self,
        user: UserId,
        module: &str,
        reached: u32,
        total: u32,
        anchor: Option<&str>,
        completed: bool,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Every module `user` has started, most recently updated first.
    async fn progress(&self, user: UserId) -> Result<Vec<ModuleProgress>>;

    /// Stores a graded attempt with all its answers, in one transaction: a quiz attempt or a
    /// skill check's answer (its `kind`); either is evidence, so either bumps the evidence
    /// version of `user`'s estimates. `Duplicate` if the learner has an attempt at the module
    /// with the same seed already.
    async fn record_attempt(&self, attempt: &NewAttempt) -> Result<AttemptId>;

    /// `user`'s attempts of both kinds, newest first (answers included; two queries in all).
    async fn attempts(&self, user: UserId) -> Result<Vec<Attempt>>;

    /// Reading progress of every member of `team` in `org` (one query, not one per member).
    async fn team_progress(&self, org: OrgId, team: TeamId) -> Result<Vec<ModuleProgress>>;

    /// Quiz attempts, answers included, of every member of `team` in `org` (two queries).
    async fn team_attempts(&self, org: OrgId, team: TeamId) -> Result<Vec<Attempt>>;

    /// Reading progress of everyone in `org` (one query).
    async fn org_progress(&self, org: OrgId) -> Result<Vec<ModuleProgress>>;

    /// Quiz attempts, answers included, of everyone in `org` (two queries).
    async fn org_attempts(&self, org: OrgId) -> Result<Vec<Attempt>>;

    /// How many quiz attempts are stored in all, skill check answers aside (for tests and
    /// figures).
    async fn attempt_count(&self) -> Result<i64>;

    /// Each member of `org`'s first answer to each question of `module` (of every module with
    /// `None`), for item statistics; ordered by module, question and member. One query.
    async fn first_answers(&self, org: OrgId, module: Option<&str>) -> Result<Vec<ItemAnswer>>;
}

/// Practical tasks: learners' submissions and their rubric scores.
#[async_trait]
pub trait Tasks {
    /// Stores a submission, waiting for a score; `NotFound` unless its learner is in `org`.
    async fn submit_task(&self, org: OrgId, submission: &NewSubmission) -> Result<i64>;

    /// Scores a waiting submission of `org` and bumps its learner's evidence version, in one
    /// transaction. `NotFound` when it is not in `org`, is already scored, or is the scorer's
    /// own.
    async fn score_task(&self, org: OrgId, submission: i64, score: &NewScore) -> Result<()>;

    /// One submission of `org`; `NotFound` outside it.
    async fn submission(&self, org: OrgId, submission: i64) -> Result<Submission>;

    /// `user`'s submissions in `org`, newest first.
    async fn user_submissions(&self, org: OrgId, user: UserId) -> Result<Vec<Submission>>;

    /// The submissions of the members of `team` in `org`, newest first.
    async fn team_submissions(&self, org: OrgId, team: TeamId) -> Result<Vec<Submission>>;

    /// Everyone's submissions in `org`, newest first.
    async fn org_submissions(&self, org: OrgId) -> Result<Vec<Submission>>;
}

/// Skills set by people: target roles, self-ratings and scarcity overrides.
#[async_trait]
pub trait Skills {
    /// Sets (or clears) the role profile `user` is measured against; `NotFound` outside `org`.
    async fn set_target_role(&self, org: OrgId, user: UserId, role: Option<&str>) -> Result<()>;

    /// Sets (or clears) a team's target role; `NotFound` outside `org`.
    async fn set_team_target_role(
        &self,
        org: OrgId,
        team: TeamId,
        role: Option<&str>,
    ) -> Result<()>;

    /// `user`'s self-ratings, by skill id.
    async fn self_ratings(&self, org: OrgId, user: UserId) -> Result<Vec<SelfRating>>;

    /// Sets `user`'s self-ratings in one transaction: `None` removes a rating.
    async fn set_self_ratings(
        &self,
        org: OrgId,
        user: UserId,
        ratings: &[(String, Option<u8>)],
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// The organisation's scarcity overrides, by skill id.
    async fn scarcity_overrides(&self, org: OrgId) -> Result<Vec<ScarcityOverride>>;

    /// Sets (`Some((weight, note))`) or removes an override.
    async fn set_scarcity_override(
        &self,
        org: OrgId,
        skill: &str,
        value: Option<(f64, &str)>,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<()>;
}

/// Cached estimates and the daily roll-up history.
#[async_trait]
pub trait Estimates {
    /// Members of `org` whose cached estimates are missing, older than `day` (days since the
    /// epoch) or behind their evidence.
    async fn stale_estimates(&self, org: OrgId, day: i64) -> Result<Vec<StaleEstimates>>;

    /// Reading progress of the members `stale_estimates` would name (one query).
    async fn stale_progress(&self, org: OrgId, day: i64) -> Result<Vec<ModuleProgress>>;

    /// Quiz attempts of the members `stale_estimates` would name (two queries).
    async fn stale_attempts(&self, org: OrgId, day: i64) -> Result<Vec<Attempt>>;

    /// Replaces the cached estimates of each person whose evidence version is still the one
    /// they were computed from (others stay stale), marking them computed on `day`.
    async fn store_estimates(
        &self,
        org: OrgId,
        computed: &[ComputedEstimates],
        day: i64,
    ) -> Result<()>;

    /// Every cached estimate in `org`: (person, skill, estimate).
    async fn org_estimates(&self, org: OrgId) -> Result<Vec<(UserId, String, Estimate)>>;

    /// Stores (replacing) the snapshots of `day`.
    async fn record_snapshots(&self, org: OrgId, day: NaiveDate, rows: &[Snapshot]) -> Result<()>;

    /// Snapshots of a team (or the whole organisation) from day `since` on, oldest first.
    async fn snapshots(
        &self,
        org: OrgId,
        team: Option<TeamId>,
        since: NaiveDate,
    ) -> Result<Vec<Snapshot>>;
}

/// The security audit log.
#[async_trait]
pub trait Audit {
    /// Appends an event.
    async fn record_audit(&self, event: &NewAuditEvent) -> Result<()>;

    /// `org`'s events, newest first: `limit` of them after skipping `offset`.
    async fn audit_events(&self, org: OrgId, offset: i64, limit: i64) -> Result<Vec<AuditEvent>>;

    /// On erasure: `org`'s entries by or about `user` name `pseudonym` instead (the email and
    /// the id go). Returns how many entries changed.
    async fn pseudonymise_audit(&self, org: OrgId, user: UserId, pseudonym: &str) -> Result<u64>;
}

/// Single sign-on: an organisation's OpenID provider settings, the identities linked to its
/// members (keyed on issuer and subject, never on email), and the short-lived rows of a sign-in
/// in progress.
#[async_trait]
pub trait Sso {
    /// `org`'s settings, if it has any.
    async fn sso_config(&self, org: OrgId) -> Result<Option<SsoConfig>>;

    /// Every organisation's settings that are switched on (to find one by email domain).
    async fn enabled_sso_configs(&self) -> Result<Vec<SsoConfig>>;

    /// Creates or replaces `config.org`'s settings.
    async fn save_sso_config(&self, config: &SsoConfig) -> Result<()>;

    /// Records a sign-in started at the provider.
    async fn create_sso_login(&self, login: &SsoLogin) -> Result<()>;

    /// Takes (deletes and returns) the sign-in whose state hashes to `state_hash`.
    async fn take_sso_login(&self, state_hash: &str) -> Result<Option<SsoLogin>>;

    /// The identity `(issuer, subject)`, in whichever organisation it is linked.
    async fn sso_identity(&self, issuer: &str, subject: &str) -> Result<Option<SsoIdentity>>;

    /// The identities linked to `user` in `org`.
    async fn sso_identities(&self, org: OrgId, user: UserId) -> Result<Vec<SsoIdentity>>;

    /// Links `(issuer, subject)` to member `user` of `org` (`Duplicate` if it is linked
    /// already, `NotFound` if `user` is not a member of `org`).
    async fn link_sso_identity(
        &self,
        org: OrgId,
        user: UserId,
        issuer: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Notes a sign-in with `(issuer, subject)`.
    async fn touch_sso_identity(
        &self,
        issuer: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Unlinks `(issuer, subject)` from member `user` of `org` (`NotFound` if it was not).
    async fn unlink_sso_identity(
        &self,
        org: OrgId,
        user: UserId,
        issuer: &str,
        subject: &str,
    ) -> Result<()>;

    /// The member of `org` whose external id (set by provisioning) is `external_id`.
    async fn member_by_external_id(&self, org: OrgId, external_id: &str) -> Result<Option<UserId>>;

    /// Whether member `user` of `org` is suspended (`NotFound` if not a member).
    async fn member_suspended(&self, org: OrgId, user: UserId) -> Result<bool>;

    /// Sets member `user`'s name and, when given, email, as the provider says them
    /// (`EmailTaken` if another account has that email; nothing changes then).
    async fn refresh_profile(
        &self,
        org: OrgId,
        user: UserId,
        name: &str,
        email: Option<&str>,
    ) -> Result<()>;

    /// Creates a member of `org` at their first sign-in (`user.password_hash` is an unusable
    /// marker), in `teams`, linked to `(issuer, subject)`, in one transaction.
    #[allow(clippy::too_many_arguments)]
    async fn create_sso_member(
        &self,
        org: OrgId,
        user: &NewUser,
        roles: &[MemberRole],
        teams: &[TeamId],
        issuer: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<UserId>;

    async fn create_sso_pending_link(&self, link: &SsoPendingLink) -> Result<()>;

    async fn sso_pending_link(&self, token_hash: &str) -> Result<Option<SsoPendingLink>>;

    /// Takes (deletes and returns) a pending link.
    async fn take_sso_pending_link(&self, token_hash: &str) -> Result<Option<SsoPendingLink>>;

    /// Notes that session `session_hash` began with single sign-on, keeping its ID token.
    async fn record_sso_session(
        &self,
        session_hash: &str,
        org: OrgId,
        id_token: &str,
    ) -> Result<()>;

    /// The ID token a session began with, if it began with single sign-on.
    async fn sso_session_id_token(&self, session_hash: &str) -> Result<Option<String>>;

    /// Forgets sign-ins and pending links that expired before `now`.
    async fn purge_sso_flows(&self, now: DateTime<Utc>) -> Result<u64>;
}

/// SCIM 2.0 provisioning (`features/scim`) and suspension: bearer tokens, members and teams as
/// the identity provider writes them. A suspended member keeps their records (they stay in the
/// organisation's reports) but has no sessions and cannot sign in.
#[async_trait]
pub trait Scim {
    /// The organisation of a live (unrevoked) token by its hash, marking it used at `now`:
    /// (token id, organisation).
    async fn use_scim_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, OrgId)>>;

    /// Stores a new token (its hash) for `org`, made by `by`.
    async fn create_scim_token(
        &self,
        org: OrgId,
        token_hash: &str,
        label: &str,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64>;

    /// Atomically: revokes live token `id` of `org` (`NotFound` otherwise) and stores a new one
    /// (its hash) with the same label. Returns the new token's id.
    async fn rotate_scim_token(
        &self,
        org: OrgId,
        id: i64,
        token_hash: &str,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64>;

    /// Revokes live token `id` of `org` (`NotFound` otherwise); returns its label.
    async fn revoke_scim_token(&self, org: OrgId, id: i64, now: DateTime<Utc>) -> Result<String>;

    /// Every token of `org`, revoked ones too, newest first.
    async fn scim_tokens(&self, org: OrgId) -> Result<Vec<ScimToken>>;

    /// Every member of `org` as SCIM reads them, by id (two queries).
    async fn scim_users(&self, org: OrgId) -> Result<Vec<ScimUser>>;

    /// Member `user` of `org` (`NotFound` outside it).
    async fn scim_user(&self, org: OrgId, user: UserId) -> Result<ScimUser>;

    /// Atomically creates an account and its membership of `org` with `roles`, its SCIM
    /// attributes and, unless active, its suspension. `EmailTaken` if the email is anyone's (in
    /// any organisation), `NameTaken` if the userName or externalId is taken in `org`.
    async fn create_scim_user(
        &self,
        org: OrgId,
        fields: &ScimUserFields,
        password_hash: &str,
        roles: &[MemberRole],
        now: DateTime<Utc>,
    ) -> Result<UserId>;

    /// Atomically replaces member `user`'s email, name and SCIM attributes, and suspends them
    /// (ending every session) or reactivates them as `fields.active` says. Errors as
    /// [`Scim::create_scim_user`]; `NotFound` outside `org`.
    async fn update_scim_user(
        &self,
        org: OrgId,
        user: UserId,
        fields: &ScimUserFields,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Atomically suspends member `user` of `org` (an earlier suspension keeps its time) and
    /// ends every session of theirs; returns how many sessions ended.
    async fn suspend_member(&self, org: OrgId, user: UserId, now: DateTime<Utc>) -> Result<u64>;

    /// Lifts member `user`'s suspension (`NotFound` outside `org`).
    async fn reactivate_member(&self, org: OrgId, user: UserId) -> Result<()>;

    /// The suspended members of `org`.
    async fn suspended_members(&self, org: OrgId) -> Result<Vec<UserId>>;

    /// Every team of `org` as a SCIM group, by id (two queries).
    async fn scim_groups(&self, org: OrgId) -> Result<Vec<ScimGroup>>;

    /// Team `team` of `org` (`NotFound` outside it).
    async fn scim_group(&self, org: OrgId, team: TeamId) -> Result<ScimGroup>;

    /// Atomically creates a team with `members` (each of `org`, else `NotFound`); `NameTaken`
    /// if the name or externalId is taken in `org`.
    async fn create_scim_group(
        &self,
        org: OrgId,
        name: &str,
        external_id: Option<&str>,
        members: &[UserId],
    ) -> Result<TeamId>;

    /// Atomically replaces a team's name, externalId and members (its managers stay).
    async fn update_scim_group(
        &self,
        org: OrgId,
        team: TeamId,
        name: &str,
        external_id: Option<&str>,
        members: &[UserId],
    ) -> Result<()>;

    /// Deletes team `team` of `org` (`NotFound` outside it); its people stay.
    async fn delete_scim_group(&self, org: OrgId, team: TeamId) -> Result<()>;
}

/// Connects to the database named by `url`, creating and migrating it as needed.
///
/// `sqlite:` URLs open the embedded store; `postgres://` and `postgresql://` URLs PostgreSQL.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, ConnectError> {
    connect_with(url, &PoolSettings::default()).await
}

/// [`connect`] with the pool's timeouts as given.
pub async fn connect_with(
    url: &str,
    settings: &PoolSettings,
) -> Result<Arc<dyn Store>, ConnectError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect_with(url, settings).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect_with(url, settings).await?))
    } else {
        Err(ConnectError::UnsupportedUrl(redact_url(url)))
    }
}

/// `url` without its password: `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
/// A database URL is shown (a mistyped one, the settings at start-up) only this way. Mistyped
/// URLs are the ones that reach an error message, so this assumes little: the user info is
/// everything before the last `@` (a password may hold `/` or `@`), with or without `://`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    match rest.rsplit_once('@') {
        Some((creds, host)) if creds.contains(':') => {
            let user = creds.split(':').next().unwrap_or("");
            format!("{scheme}{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

// --- Helpers shared by the backends' writes ------------------------------------------------

/// Emails are stored and compared lowercased.
fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_foreign_key_violation())
}

/// Maps a unique violation to `taken`, a missing referenced row to `NotFound`, and keeps any
/// other error as it is.
fn map_write_error(err: sqlx::Error, taken: Option<StoreError>) -> StoreError {
    if is_foreign_key_violation(&err) {
        return StoreError::NotFound;
    }
    match taken {
        Some(taken) if is_unique_violation(&err) => taken,
        _ => StoreError::Database(err),
    }
}

/// `NotFound` unless an update changed a row (the id was not in the organisation).
fn changed_one(done: u64) -> Result<()> {
    if done == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Team ids in order, without repeats.
fn canonical_teams(teams: &[TeamId]) -> Vec<TeamId> {
    let mut teams = teams.to_vec();
    teams.sort();
    teams.dedup();
    teams
}

/// Selected options as stored: `[0, 2]` is `"0,2"`.
fn encode_selected(selected: &[u8]) -> String {
    selected
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Roles in their canonical order, without repeats.
fn canonical_roles(roles: impl IntoIterator<Item = MemberRole>) -> Vec<MemberRole> {
    let mut roles: Vec<MemberRole> = roles.into_iter().collect();
    roles.sort();
    roles.dedup();
    roles
}
