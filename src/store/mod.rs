//! Durable storage behind one trait, [`Store`], with an implementation per database.
//!
//! The backend is chosen at start-up from `DATABASE_URL`'s scheme and held as `Arc<dyn Store>`.
//! Migrations live in `migrations/<backend>/` with the same file names for every backend.
//! Server only.

mod postgres;
mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use crate::domain::people::{
    AttemptId, Member, MemberRole, OrgId, Organisation, Team, TeamId, UserId,
};
use crate::domain::proficiency::Estimate;
use crate::domain::progress::{Attempt, ModuleProgress, NewAttempt};

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use std::sync::Arc;

/// A storage failure, by kind. Callers map kinds, never message text.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL `{0}`: use sqlite://path/to/file.db or postgres://user@host/db"
    )]
    UnsupportedUrl(String),
    #[error("not found")]
    NotFound,
    #[error("that link has expired or has already been used")]
    TokenInvalid,
    #[error("an account with that email already exists")]
    EmailTaken,
    #[error("a team with that name already exists")]
    NameTaken,
    #[error("not implemented for this backend yet")]
    NotImplemented,
    #[error("not an RFC 3339 time: `{0}`")]
    BadTime(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder `{path}`")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

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
}

/// A server-side session. `id_hash` is the SHA-256 of the cookie value: the database never
/// holds a usable session id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub user: UserId,
    /// RFC 3339 times.
    pub created_at: String,
    pub last_seen_at: String,
    /// Absolute expiry.
    pub expires_at: String,
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
    pub created_at: String,
    pub expires_at: String,
    pub used_at: Option<String>,
}

/// A learner's rating of their own level in a skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfRating {
    pub skill: String,
    pub level: u8,
    pub rated_at: String,
}

/// An organisation's own scarcity weight for a skill, with the admin's note on where it comes
/// from.
#[derive(Debug, Clone, PartialEq)]
pub struct ScarcityOverride {
    pub skill: String,
    pub weight: f64,
    pub note: String,
    pub set_by: Option<UserId>,
    pub set_at: String,
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

/// One day's roll-up of one skill for a group: a team, or the whole organisation (`team` None),
/// against each person's assigned target role.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub team: Option<TeamId>,
    pub skill: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub people: u32,
    pub below_target: u32,
    pub unmeasured: u32,
    pub mean_gap: f64,
    pub exposure: f64,
}

/// Roles and teams of a member, replaced as a whole by an admin.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignment {
    pub roles: Vec<MemberRole>,
    pub teams: Vec<TeamId>,
    pub manages: Vec<TeamId>,
}

/// Everything the application stores. Every method that reads or changes an organisation's
/// data takes the `OrgId` and filters by it, so a guessed id from another organisation finds
/// nothing (`NotFound`), never another organisation's row.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Cheap liveness check.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Records the modules now in the content tree; modules missing from `modules` are kept but
    /// marked absent, so their ids stay taken.
    async fn sync_modules(&self, modules: &[ModuleRecord]) -> Result<(), StoreError>;

    /// Every module ever registered, ordered by id.
    async fn module_registry(&self) -> Result<Vec<ModuleRecord>, StoreError>;

    // --- First run -------------------------------------------------------------------------

    /// How many organisations exist.
    async fn organisation_count(&self) -> Result<i64, StoreError>;

    /// Stores a one-time setup token (its hash) valid until `expires_at`.
    async fn create_setup_token(
        &self,
        token_hash: &str,
        expires_at: &str,
    ) -> Result<(), StoreError>;

    /// Atomically: uses the setup token (unused and unexpired at `now`, else `TokenInvalid`),
    /// creates the organisation and its first member with every role.
    async fn setup_organisation(
        &self,
        token_hash: &str,
        now: &str,
        org_name: &str,
        admin: &NewUser,
    ) -> Result<(OrgId, UserId), StoreError>;

    // --- Accounts and sessions -------------------------------------------------------------

    /// Login data for an email (compared case-insensitively).
    async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError>;

    /// A member by user id, within `org` (`NotFound` if not in that organisation).
    async fn member(&self, org: OrgId, user: UserId) -> Result<Member, StoreError>;

    /// The organisation a user belongs to, and their membership.
    async fn member_by_user(&self, user: UserId) -> Result<Member, StoreError>;

    async fn organisation(&self, org: OrgId) -> Result<Organisation, StoreError>;

    async fn password_hash(&self, user: UserId) -> Result<String, StoreError>;

    /// Replaces a user's password hash.
    async fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        now: &str,
    ) -> Result<(), StoreError>;

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// A live session: not past its absolute expiry, and seen since `idle_cutoff`.
    async fn session(
        &self,
        id_hash: &str,
        now: &str,
        idle_cutoff: &str,
    ) -> Result<Option<SessionRecord>, StoreError>;

    async fn touch_session(&self, id_hash: &str, now: &str) -> Result<(), StoreError>;

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;

    /// Ends every session of `user` except `keep` (after a password change).
    async fn delete_other_sessions(&self, user: UserId, keep: &str) -> Result<u64, StoreError>;

    /// Removes sessions past expiry or idle since `idle_cutoff`.
    async fn purge_sessions(&self, now: &str, idle_cutoff: &str) -> Result<u64, StoreError>;

    /// Records a failed login from `key` (a client address) at `now`.
    async fn record_login_failure(&self, key: &str, now: &str) -> Result<(), StoreError>;

    /// Failed logins from `key` since `since`.
    async fn login_failures_since(&self, key: &str, since: &str) -> Result<i64, StoreError>;

    // --- Organisation administration -------------------------------------------------------

    async fn teams(&self, org: OrgId) -> Result<Vec<Team>, StoreError>;

    async fn create_team(&self, org: OrgId, name: &str) -> Result<TeamId, StoreError>;

    /// Every member of `org`, ordered by name (three queries, not one per member).
    async fn members(&self, org: OrgId) -> Result<Vec<Member>, StoreError>;

    /// Replaces a member's roles and teams. Teams must belong to `org` (else `NotFound`).
    async fn assign(
        &self,
        org: OrgId,
        user: UserId,
        assignment: &Assignment,
    ) -> Result<(), StoreError>;

    /// Removes a member and everything of theirs (sessions, progress, attempts).
    async fn remove_member(&self, org: OrgId, user: UserId) -> Result<(), StoreError>;

    async fn create_invitation(&self, invitation: &Invitation) -> Result<i64, StoreError>;

    /// Pending (unused, unexpired at `now`) invitations of `org`.
    async fn invitations(&self, org: OrgId, now: &str) -> Result<Vec<Invitation>, StoreError>;

    /// An invitation by token hash, whatever its state.
    async fn invitation(&self, token_hash: &str) -> Result<Option<Invitation>, StoreError>;

    /// Atomically: uses the invitation (unused and unexpired at `now`, else `TokenInvalid`),
    /// creates the account and its membership with the invitation's role and team.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        now: &str,
        user: &NewUser,
    ) -> Result<(OrgId, UserId), StoreError>;

    // --- Progress ---------------------------------------------------------------------------

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
        now: &str,
    ) -> Result<(), StoreError>;

    /// Every module `user` has started, most recently updated first.
    async fn progress(&self, user: UserId) -> Result<Vec<ModuleProgress>, StoreError>;

    /// Stores a graded attempt with all its answers, in one transaction.
    async fn record_attempt(&self, attempt: &NewAttempt) -> Result<AttemptId, StoreError>;

    /// `user`'s attempts, newest first (answers included; two queries in all).
    async fn attempts(&self, user: UserId) -> Result<Vec<Attempt>, StoreError>;

    /// Reading progress of every member of `team` in `org` (one query, not one per member).
    async fn team_progress(
        &self,
        org: OrgId,
        team: TeamId,
    ) -> Result<Vec<ModuleProgress>, StoreError>;

    /// Quiz attempts, answers included, of every member of `team` in `org` (two queries).
    async fn team_attempts(&self, org: OrgId, team: TeamId) -> Result<Vec<Attempt>, StoreError>;

    /// Reading progress of everyone in `org` (one query).
    async fn org_progress(&self, org: OrgId) -> Result<Vec<ModuleProgress>, StoreError>;

    /// Quiz attempts, answers included, of everyone in `org` (two queries).
    async fn org_attempts(&self, org: OrgId) -> Result<Vec<Attempt>, StoreError>;

    /// How many attempts are stored in all (for tests and figures).
    async fn attempt_count(&self) -> Result<i64, StoreError>;

    // --- Skills: targets, self-ratings, scarcity, cached estimates, history ------------------

    /// Every organisation's id (for background work).
    async fn organisation_ids(&self) -> Result<Vec<OrgId>, StoreError>;

    /// Sets (or clears) the role profile `user` is measured against; `NotFound` outside `org`.
    async fn set_target_role(
        &self,
        org: OrgId,
        user: UserId,
        role: Option<&str>,
    ) -> Result<(), StoreError>;

    /// Sets (or clears) a team's target role; `NotFound` outside `org`.
    async fn set_team_target_role(
        &self,
        org: OrgId,
        team: TeamId,
        role: Option<&str>,
    ) -> Result<(), StoreError>;

    /// `user`'s self-ratings, by skill id.
    async fn self_ratings(&self, org: OrgId, user: UserId) -> Result<Vec<SelfRating>, StoreError>;

    /// Sets `user`'s self-ratings in one transaction: `None` removes a rating.
    async fn set_self_ratings(
        &self,
        org: OrgId,
        user: UserId,
        ratings: &[(String, Option<u8>)],
        now: &str,
    ) -> Result<(), StoreError>;

    /// The organisation's scarcity overrides, by skill id.
    async fn scarcity_overrides(&self, org: OrgId) -> Result<Vec<ScarcityOverride>, StoreError>;

    /// Sets (`Some((weight, note))`) or removes an override.
    async fn set_scarcity_override(
        &self,
        org: OrgId,
        skill: &str,
        value: Option<(f64, &str)>,
        by: UserId,
        now: &str,
    ) -> Result<(), StoreError>;

    /// Members of `org` whose cached estimates are missing, older than `day` (days since the
    /// epoch) or behind their evidence.
    async fn stale_estimates(
        &self,
        org: OrgId,
        day: i64,
    ) -> Result<Vec<StaleEstimates>, StoreError>;

    /// Reading progress of the members `stale_estimates` would name (one query).
    async fn stale_progress(&self, org: OrgId, day: i64)
        -> Result<Vec<ModuleProgress>, StoreError>;

    /// Quiz attempts of the members `stale_estimates` would name (two queries).
    async fn stale_attempts(&self, org: OrgId, day: i64) -> Result<Vec<Attempt>, StoreError>;

    /// Replaces the cached estimates of each person whose evidence version is still the one
    /// they were computed from (others stay stale), marking them computed on `day`.
    async fn store_estimates(
        &self,
        org: OrgId,
        computed: &[ComputedEstimates],
        day: i64,
    ) -> Result<(), StoreError>;

    /// Every cached estimate in `org`: (person, skill, estimate).
    async fn org_estimates(
        &self,
        org: OrgId,
    ) -> Result<Vec<(UserId, String, Estimate)>, StoreError>;

    /// Stores (replacing) the snapshots of `day`.
    async fn record_snapshots(
        &self,
        org: OrgId,
        day: &str,
        rows: &[Snapshot],
    ) -> Result<(), StoreError>;

    /// Snapshots of a team (or the whole organisation) from `since` (`YYYY-MM-DD`) on, oldest
    /// first.
    async fn snapshots(
        &self,
        org: OrgId,
        team: Option<TeamId>,
        since: &str,
    ) -> Result<Vec<Snapshot>, StoreError>;
}

/// Connects to the database named by `url`, creating and migrating it as needed.
///
/// `sqlite:` URLs open the embedded store; `postgres://` and `postgresql://` URLs PostgreSQL.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

// --- Helpers shared by the backends -----------------------------------------------------------

/// Parses an RFC 3339 time into UTC, truncated to microseconds (what both backends keep).
fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(6))
        .map_err(|_| StoreError::BadTime(s.to_string()))
}

/// The one text form of a time: UTC, microseconds, `Z` (fixed width, so text order is time
/// order).
fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `s` in the one text form.
fn normalise_time(s: &str) -> Result<String, StoreError> {
    parse_time(s).map(format_time)
}

/// Now, as stored.
fn now_time() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Emails are stored and compared lowercased.
fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A value read from the database that does not fit its Rust type.
fn decode_error(what: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(what.into()))
}

fn parse_role(key: &str) -> Result<MemberRole, StoreError> {
    MemberRole::parse(key).ok_or_else(|| decode_error(format!("unknown role `{key}`")))
}

/// Selected options as stored: `[0, 2]` is `"0,2"`.
fn encode_selected(selected: &[u8]) -> String {
    selected
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn decode_selected(text: &str) -> Result<Vec<u8>, StoreError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|part| {
            part.parse::<u8>()
                .map_err(|_| decode_error(format!("bad selected options `{text}`")))
        })
        .collect()
}

fn to_u32(value: i64, column: &str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| decode_error(format!("{column} out of range: {value}")))
}

fn to_u8(value: i64, column: &str) -> Result<u8, StoreError> {
    u8::try_from(value).map_err(|_| decode_error(format!("{column} out of range: {value}")))
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

/// Roles in their canonical order, without repeats.
fn canonical_roles(roles: impl IntoIterator<Item = MemberRole>) -> Vec<MemberRole> {
    let mut roles: Vec<MemberRole> = roles.into_iter().collect();
    roles.sort();
    roles.dedup();
    roles
}

/// The SQL expression that packs one cached estimate as `skill=level,se,low,high,evidence,weight`
/// (aggregated per person with `;` between skills): reading one row per person instead of one per
/// skill is about six times faster at 10,000 learners (`examples/bench_rollup.rs`).
const PACKED_ESTIMATE: &str = "e.skill_id || '=' || e.level || ',' || e.se || ',' || e.low || ',' \
    || e.high || ',' || e.evidence || ',' || e.weight";

/// Unpacks a person's cached estimates packed with [`PACKED_ESTIMATE`].
fn unpack_estimates(
    user: i64,
    packed: &str,
    out: &mut Vec<(UserId, String, Estimate)>,
) -> Result<(), StoreError> {
    for item in packed.split(';').filter(|i| !i.is_empty()) {
        let bad = || decode_error(format!("packed estimate `{item}`"));
        let (skill, values) = item.split_once('=').ok_or_else(bad)?;
        let v: Vec<f64> = values
            .split(',')
            .map(|x| x.parse::<f64>().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        let [level, se, low, high, evidence, weight] = v[..] else {
            return Err(bad());
        };
        out.push((
            UserId(user),
            skill.to_string(),
            Estimate {
                level,
                se,
                low,
                high,
                evidence: evidence.max(0.0) as usize,
                weight,
                // Not cached yet: the cache has no column for it.
                tested_up_to: None,
            },
        ));
    }
    Ok(())
}

/// `NotFound` unless an update changed a row (the id was not in the organisation).
fn changed_one(done: u64) -> Result<(), StoreError> {
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

/// Which members a member query loads.
#[derive(Clone, Copy)]
enum MemberScope {
    Org(OrgId),
    OrgUser(OrgId, UserId),
    User(UserId),
}

/// Assembles members, ordered by name, from the three member queries' rows:
/// `(user, org, email, name, target role)`, `(user, role)`, and `(user, team, manages)`.
fn assemble_members(
    people: Vec<(i64, i64, String, String, Option<String>)>,
    roles: Vec<(i64, String)>,
    teams: Vec<(i64, i64, bool)>,
) -> Result<Vec<Member>, StoreError> {
    use std::collections::HashMap;
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(people.len());
    let mut members: Vec<Member> = Vec::with_capacity(people.len());
    for (user, org, email, name, target_role) in people {
        index.insert(user, members.len());
        members.push(Member {
            user: UserId(user),
            org: OrgId(org),
            email,
            name,
            roles: Vec::new(),
            teams: Vec::new(),
            manages: Vec::new(),
            target_role,
        });
    }
    for (user, role) in roles {
        if let Some(&i) = index.get(&user) {
            members[i].roles.push(parse_role(&role)?);
        }
    }
    for (user, team, manages) in teams {
        if let Some(&i) = index.get(&user) {
            let member = &mut members[i];
            if manages {
                member.manages.push(TeamId(team));
            } else {
                member.teams.push(TeamId(team));
            }
        }
    }
    for member in &mut members {
        member.roles = canonical_roles(member.roles.drain(..));
        member.teams = canonical_teams(&member.teams);
        member.manages = canonical_teams(&member.manages);
    }
    members.sort_by_cached_key(|m| (name_key(&m.name), m.user));
    Ok(members)
}

/// Order by name, the same whatever the database's collation: case-insensitively, then
/// exactly.
fn name_key(name: &str) -> (String, String) {
    (name.to_lowercase(), name.to_string())
}

/// Teams ordered by name (see [`name_key`]).
fn sort_teams(teams: &mut [Team]) {
    teams.sort_by_cached_key(|t| (name_key(&t.name), t.id));
}
