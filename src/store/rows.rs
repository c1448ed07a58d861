//! Row structs: one `#[derive(sqlx::FromRow)]` struct per result shape, shared by both
//! backends (the derive is generic over the row type), and their conversion into the records
//! callers see. Orders that must not depend on a database's collation (text ids, names) are
//! applied here, in Rust, so both backends return the same order.

use super::records::{
    AccountRecord, AttemptCount, AuditEvent, Credentials, ErasureRequest, Invitation, ModuleRecord,
    ScimGroup, ScimToken, ScimUser, SessionInfo, SessionRecord, SsoConfig, SsoIdentity, SsoLogin,
    SsoPendingLink, StaleEstimates,
};
use super::time::DbTime;
use super::{canonical_roles, canonical_teams, StoreError};
use crate::domain::ids::SkillId;
use crate::domain::items::ItemAnswer;
use crate::domain::matrix::Snapshot;
use crate::domain::people::{
    AttemptId, Member, MemberRole, OrgId, Organisation, Team, TeamId, UserId,
};
use crate::domain::proficiency::Estimate;
use crate::domain::progress::{AnswerRecord, Attempt, AttemptKind, ModuleProgress};
use crate::domain::skills::{ScarcityOverride, SelfRating};
use crate::domain::task::{Submission, SubmissionStatus};
use chrono::NaiveDate;
use std::collections::HashMap;

/// A value read from the database that does not fit its Rust type.
fn decode_error(what: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(what.into()))
}

pub(super) fn parse_role(key: &str) -> Result<MemberRole, StoreError> {
    MemberRole::parse(key).ok_or_else(|| decode_error(format!("unknown role `{key}`")))
}

#[derive(sqlx::FromRow)]
pub(super) struct ModuleRow {
    id: String,
    slug: String,
    title: String,
    content_hash: String,
    present: bool,
}

/// The registry ordered by id.
pub(super) fn modules(rows: Vec<ModuleRow>) -> Vec<ModuleRecord> {
    let mut out: Vec<ModuleRecord> = rows
        .into_iter()
        .map(|r| ModuleRecord {
            id: r.id,
            slug: r.slug,
            title: r.title,
            content_hash: r.content_hash,
            present: r.present,
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[derive(sqlx::FromRow)]
pub(super) struct CredentialsRow {
    user_id: i64,
    org_id: i64,
    password_hash: String,
    suspended: bool,
}

impl From<CredentialsRow> for Credentials {
    fn from(r: CredentialsRow) -> Credentials {
        Credentials {
            user: UserId(r.user_id),
            org: OrgId(r.org_id),
            password_hash: r.password_hash,
            suspended: r.suspended,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AttemptCountRow {
    count: i64,
    latest_other: Option<DbTime>,
}

impl From<AttemptCountRow> for AttemptCount {
    fn from(r: AttemptCountRow) -> AttemptCount {
        AttemptCount {
            count: r.count,
            latest_other: r.latest_other.map(|t| t.utc()),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct OrgRow {
    id: i64,
    name: String,
}

impl From<OrgRow> for Organisation {
    fn from(r: OrgRow) -> Organisation {
        Organisation {
            id: OrgId(r.id),
            name: r.name,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    id_hash: String,
    user_id: i64,
    created_at: DbTime,
    last_seen_at: DbTime,
    expires_at: DbTime,
}

impl From<SessionRow> for SessionRecord {
    fn from(r: SessionRow) -> SessionRecord {
        SessionRecord {
            id_hash: r.id_hash,
            user: UserId(r.user_id),
            created_at: r.created_at.utc(),
            last_seen_at: r.last_seen_at.utc(),
            expires_at: r.expires_at.utc(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SessionInfoRow {
    id_hash: String,
    created_at: DbTime,
    last_seen_at: DbTime,
    expires_at: DbTime,
    user_agent: Option<String>,
    client_addr: Option<String>,
}

impl From<SessionInfoRow> for SessionInfo {
    fn from(r: SessionInfoRow) -> SessionInfo {
        SessionInfo {
            id_hash: r.id_hash,
            created_at: r.created_at.utc(),
            last_seen_at: r.last_seen_at.utc(),
            expires_at: r.expires_at.utc(),
            user_agent: r.user_agent,
            client_addr: r.client_addr,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AccountRow {
    id: i64,
    email: String,
    name: String,
    created_at: DbTime,
    password_changed_at: DbTime,
}

impl From<AccountRow> for AccountRecord {
    fn from(r: AccountRow) -> AccountRecord {
        AccountRecord {
            user: UserId(r.id),
            email: r.email,
            name: r.name,
            created_at: r.created_at.utc(),
            password_changed_at: r.password_changed_at.utc(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ErasureRow {
    user_id: i64,
    requested_at: DbTime,
}

impl From<ErasureRow> for ErasureRequest {
    fn from(r: ErasureRow) -> ErasureRequest {
        ErasureRequest {
            user: UserId(r.user_id),
            requested_at: r.requested_at.utc(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct InvitationRow {
    id: i64,
    org_id: i64,
    token_hash: String,
    email: Option<String>,
    role: String,
    team_id: Option<i64>,
    created_by: i64,
    created_at: DbTime,
    expires_at: DbTime,
    used_at: Option<DbTime>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;
    fn try_from(r: InvitationRow) -> Result<Invitation, StoreError> {
        Ok(Invitation {
            id: r.id,
            org: OrgId(r.org_id),
            token_hash: r.token_hash,
            email: r.email,
            role: parse_role(&r.role)?,
            team: r.team_id.map(TeamId),
            created_by: UserId(r.created_by),
            created_at: r.created_at.utc(),
            expires_at: r.expires_at.utc(),
            used_at: r.used_at.map(DbTime::utc),
        })
    }
}

/// An invitation just used: what the new member gets.
#[derive(sqlx::FromRow)]
pub(super) struct UsedInvitationRow {
    pub(super) id: i64,
    pub(super) org_id: i64,
    pub(super) role: String,
    pub(super) team_id: Option<i64>,
    pub(super) email: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    id: i64,
    org_id: Option<i64>,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    target: Option<String>,
    detail: Option<String>,
    address: Option<String>,
    at: DbTime,
}

impl From<AuditRow> for AuditEvent {
    fn from(r: AuditRow) -> AuditEvent {
        AuditEvent {
            id: r.id,
            org: r.org_id.map(OrgId),
            actor_id: r.actor_id.map(UserId),
            actor: r.actor,
            action: r.action,
            target: r.target,
            detail: r.detail,
            address: r.address,
            at: r.at.utc(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct TeamRow {
    id: i64,
    org_id: i64,
    name: String,
    target_role: Option<String>,
}

/// Teams ordered by name (see [`name_key`]).
pub(super) fn teams(rows: Vec<TeamRow>) -> Vec<Team> {
    let mut teams: Vec<Team> = rows
        .into_iter()
        .map(|r| Team {
            id: TeamId(r.id),
            org: OrgId(r.org_id),
            name: r.name,
            target_role: r.target_role,
        })
        .collect();
    teams.sort_by_cached_key(|t| (name_key(&t.name), t.id));
    teams
}

/// Order by name, the same whatever the database's collation: case-insensitively, then
/// exactly.
fn name_key(name: &str) -> (String, String) {
    (name.to_lowercase(), name.to_string())
}

/// A member's account and membership.
#[derive(sqlx::FromRow)]
pub(super) struct PersonRow {
    user_id: i64,
    org_id: i64,
    email: String,
    name: String,
    target_role: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct RoleRow {
    user_id: i64,
    role: String,
}

/// A member's place in a team: as a member, or as its manager.
#[derive(sqlx::FromRow)]
pub(super) struct TeamLinkRow {
    user_id: i64,
    team_id: i64,
    manages: bool,
}

/// Assembles members, ordered by name, from the three member queries' rows.
pub(super) fn members(
    people: Vec<PersonRow>,
    roles: Vec<RoleRow>,
    links: Vec<TeamLinkRow>,
) -> Result<Vec<Member>, StoreError> {
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(people.len());
    let mut members: Vec<Member> = Vec::with_capacity(people.len());
    for p in people {
        index.insert(p.user_id, members.len());
        members.push(Member {
            user: UserId(p.user_id),
            org: OrgId(p.org_id),
            email: p.email,
            name: p.name,
            roles: Vec::new(),
            teams: Vec::new(),
            manages: Vec::new(),
            target_role: p.target_role,
        });
    }
    for r in roles {
        if let Some(&i) = index.get(&r.user_id) {
            members[i].roles.push(parse_role(&r.role)?);
        }
    }
    for l in links {
        if let Some(&i) = index.get(&l.user_id) {
            let member = &mut members[i];
            let list = if l.manages {
                &mut member.manages
            } else {
                &mut member.teams
            };
            list.push(TeamId(l.team_id));
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

#[derive(sqlx::FromRow)]
pub(super) struct ProgressRow {
    user_id: i64,
    module_id: String,
    #[sqlx(try_from = "i64")]
    sections_reached: u32,
    #[sqlx(try_from = "i64")]
    sections_total: u32,
    resume_anchor: Option<String>,
    started_at: DbTime,
    updated_at: DbTime,
    completed_at: Option<DbTime>,
}

/// Progress, most recently updated first, then by module id.
pub(super) fn progress(mut rows: Vec<ProgressRow>) -> Vec<ModuleProgress> {
    rows.sort_by(|a, b| {
        (b.updated_at.cmp(&a.updated_at)).then_with(|| a.module_id.cmp(&b.module_id))
    });
    rows.into_iter()
        .map(|r| ModuleProgress {
            user: UserId(r.user_id),
            module: r.module_id,
            sections_reached: r.sections_reached,
            sections_total: r.sections_total,
            resume_anchor: r.resume_anchor,
            started_at: r.started_at.utc(),
            updated_at: r.updated_at.utc(),
            completed_at: r.completed_at.map(DbTime::utc),
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub(super) struct AttemptRow {
    id: i64,
    user_id: i64,
    kind: String,
    module_id: String,
    #[sqlx(try_from = "i64")]
    score: u32,
    #[sqlx(try_from = "i64")]
    total: u32,
    submitted_at: DbTime,
    /// A u64 stored with the same bits as an i64.
    seed: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(super) struct AnswerRow {
    attempt_id: i64,
    question_id: String,
    skill_id: String,
    #[sqlx(try_from = "i64")]
    difficulty: u8,
    selected: String,
    correct: bool,
}

/// Attempts in the order read, each with its answers (read in position order).
pub(super) fn attempts(
    rows: Vec<AttemptRow>,
    answers: Vec<AnswerRow>,
) -> Result<Vec<Attempt>, StoreError> {
    let mut by_attempt: HashMap<i64, Vec<AnswerRecord>> = HashMap::new();
    for a in answers {
        by_attempt
            .entry(a.attempt_id)
            .or_default()
            .push(AnswerRecord {
                question: a.question_id,
                skill: a.skill_id,
                difficulty: a.difficulty,
                selected: decode_selected(&a.selected)?,
                correct: a.correct,
            });
    }
    rows.into_iter()
        .map(|r| {
            Ok(Attempt {
                id: AttemptId(r.id),
                user: UserId(r.user_id),
                kind: AttemptKind::parse(&r.kind)
                    .ok_or_else(|| decode_error(format!("unknown attempt kind `{}`", r.kind)))?,
                module: r.module_id,
                score: r.score,
                total: r.total,
                answers: by_attempt.remove(&r.id).unwrap_or_default(),
                submitted_at: r.submitted_at.utc(),
                seed: r.seed.map(|s| s as u64),
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub(super) struct FirstAnswerRow {
    user_id: i64,
    attempt_id: i64,
    module_id: String,
    question_id: String,
    submitted_at: DbTime,
    selected: String,
    correct: bool,
}

/// First answers ordered by module, question and learner (whatever order the database gave).
pub(super) fn first_answers(rows: Vec<FirstAnswerRow>) -> Result<Vec<ItemAnswer>, StoreError> {
    let mut out = rows
        .into_iter()
        .map(|r| {
            Ok(ItemAnswer {
                user: UserId(r.user_id),
                attempt: AttemptId(r.attempt_id),
                module: r.module_id,
                question: r.question_id,
                at: r.submitted_at.utc(),
                selected: decode_selected(&r.selected)?,
                correct: r.correct,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    out.sort_by(|a, b| (&a.module, &a.question, a.user).cmp(&(&b.module, &b.question, b.user)));
    Ok(out)
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

#[derive(sqlx::FromRow)]
pub(super) struct RatingRow {
    skill_id: String,
    /// `SMALLINT` on PostgreSQL; `i16` decodes SQLite's `INTEGER` as well.
    #[sqlx(try_from = "i16")]
    level: u8,
    rated_at: DbTime,
}

/// Self-ratings by skill id.
pub(super) fn ratings(rows: Vec<RatingRow>) -> Vec<SelfRating> {
    let mut out: Vec<SelfRating> = rows
        .into_iter()
        .map(|r| SelfRating {
            skill: r.skill_id,
            level: r.level,
            rated_at: r.rated_at.utc(),
        })
        .collect();
    out.sort_by(|a, b| a.skill.cmp(&b.skill));
    out
}

#[derive(sqlx::FromRow)]
pub(super) struct OverrideRow {
    skill_id: String,
    weight: f64,
    note: String,
    set_by: Option<i64>,
    set_at: DbTime,
}

/// Scarcity overrides by skill id.
pub(super) fn overrides(rows: Vec<OverrideRow>) -> Vec<ScarcityOverride> {
    let mut out: Vec<ScarcityOverride> = rows
        .into_iter()
        .map(|r| ScarcityOverride {
            skill: r.skill_id,
            weight: r.weight,
            note: r.note,
            set_by: r.set_by.map(UserId),
            set_at: r.set_at.utc(),
        })
        .collect();
    out.sort_by(|a, b| a.skill.cmp(&b.skill));
    out
}

#[derive(sqlx::FromRow)]
pub(super) struct StaleRow {
    user_id: i64,
    evidence_version: i64,
}

impl From<StaleRow> for StaleEstimates {
    fn from(r: StaleRow) -> StaleEstimates {
        StaleEstimates {
            user: UserId(r.user_id),
            version: r.evidence_version,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SnapshotRow {
    skill_id: String,
    day: NaiveDate,
    #[sqlx(try_from = "i64")]
    people: u32,
    #[sqlx(try_from = "i64")]
    below_target: u32,
    #[sqlx(try_from = "i64")]
    unmeasured: u32,
    mean_gap: f64,
    exposure: f64,
}

/// One group's snapshots, oldest first, then by skill id.
pub(super) fn snapshots(team: Option<TeamId>, rows: Vec<SnapshotRow>) -> Vec<Snapshot> {
    let mut rows = rows;
    rows.sort_by(|a, b| (a.day, &a.skill_id).cmp(&(b.day, &b.skill_id)));
    rows.into_iter()
        .map(|r| Snapshot {
            team,
            skill: r.skill_id,
            day: r.day,
            people: r.people,
            below_target: r.below_target,
            unmeasured: r.unmeasured,
            mean_gap: r.mean_gap,
            exposure: r.exposure,
        })
        .collect()
}

/// A person's cached estimates packed into one text (see `sql::estimates::PACKED`).
#[derive(sqlx::FromRow)]
pub(super) struct PackedRow {
    user_id: i64,
    packed: String,
}

/// Unpacks every person's cached estimates: (person, skill, estimate).
pub(super) fn estimates(
    rows: Vec<PackedRow>,
) -> Result<Vec<(UserId, String, Estimate)>, StoreError> {
    let mut out = Vec::with_capacity(rows.len() * 16);
    for row in rows {
        for item in row.packed.split(';').filter(|i| !i.is_empty()) {
            let bad = || decode_error(format!("packed estimate `{item}`"));
            let (skill, values) = item.split_once('=').ok_or_else(bad)?;
            let v: Vec<f64> = values
                .split(',')
                .map(|x| x.parse::<f64>().map_err(|_| bad()))
                .collect::<Result<_, _>>()?;
            // Since migration 0009 the cache holds the hardest difficulty tested (-1: none) and
            // whether the range was capped; an older row (six fields) has neither.
            let (level, se, low, high, evidence, weight, tested, capped) = match v[..] {
                [l, s, lo, hi, e, w, t, c] => (l, s, lo, hi, e, w, t, c),
                [l, s, lo, hi, e, w] => (l, s, lo, hi, e, w, -1.0, 0.0),
                _ => return Err(bad()),
            };
            out.push((
                UserId(row.user_id),
                skill.to_string(),
                Estimate {
                    level,
                    se,
                    low,
                    high,
                    evidence: evidence.max(0.0) as usize,
                    weight,
                    tested_up_to: (0.0..=255.0).contains(&tested).then_some(tested as u8),
                    capped: capped != 0.0,
                },
            ));
        }
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
pub(super) struct SubmissionRow {
    id: i64,
    user_id: i64,
    module_id: String,
    task_id: String,
    skill_id: String,
    #[sqlx(try_from = "i64")]
    level: u8,
    weight: f64,
    body: String,
    submitted_at: DbTime,
    status: String,
    scored_by: Option<i64>,
    scored_at: Option<DbTime>,
    scores: Option<String>,
    passed: Option<bool>,
}

/// Submissions as read (the query orders them).
pub(super) fn submissions(rows: Vec<SubmissionRow>) -> Result<Vec<Submission>, StoreError> {
    rows.into_iter()
        .map(|r| {
            let status = SubmissionStatus::parse(&r.status)
                .ok_or_else(|| decode_error(format!("unknown task status `{}`", r.status)))?;
            let scores = match r.scores.as_deref() {
                None | Some("") => Vec::new(),
                Some(text) => text
                    .split(',')
                    .map(|n| {
                        n.parse::<u8>()
                            .map_err(|_| decode_error(format!("bad task score `{n}`")))
                    })
                    .collect::<Result<Vec<u8>, StoreError>>()?,
            };
            Ok(Submission {
                id: r.id,
                user: UserId(r.user_id),
                module: r.module_id,
                task: r.task_id,
                skill: SkillId::new(r.skill_id),
                level: r.level,
                weight: r.weight,
                body: r.body,
                submitted_at: r.submitted_at.utc(),
                status,
                scored_by: r.scored_by.map(UserId),
                scored_at: r.scored_at.map(DbTime::utc),
                scores,
                passed: r.passed,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub(super) struct SsoConfigRow {
    org_id: i64,
    issuer: String,
    client_id: String,
    client_secret: String,
    email_domains: String,
    match_claim: String,
    default_role: String,
    groups_claim: Option<String>,
    group_teams: String,
    enabled: bool,
    mandatory: bool,
    updated_at: DbTime,
}

/// `email_domains` as stored: comma-separated, lowercase.
pub(super) fn encode_domains(domains: &[String]) -> String {
    domains.join(",")
}

/// `group_teams` as stored: one `group=team id` per line.
pub(super) fn encode_group_teams(map: &[(String, TeamId)]) -> String {
    map.iter()
        .map(|(g, t)| format!("{g}={}", t.0))
        .collect::<Vec<_>>()
        .join("\n")
}

impl TryFrom<SsoConfigRow> for SsoConfig {
    type Error = StoreError;
    fn try_from(r: SsoConfigRow) -> Result<SsoConfig, StoreError> {
        let group_teams = r
            .group_teams
            .lines()
            .filter_map(|l| l.rsplit_once('='))
            .filter_map(|(g, t)| Some((g.trim().to_string(), TeamId(t.trim().parse().ok()?))))
            .collect();
        Ok(SsoConfig {
            org: OrgId(r.org_id),
            issuer: r.issuer,
            client_id: r.client_id,
            client_secret: r.client_secret,
            email_domains: r
                .email_domains
                .split(',')
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect(),
            match_claim: r.match_claim,
            default_role: parse_role(&r.default_role)?,
            groups_claim: r.groups_claim.filter(|c| !c.is_empty()),
            group_teams,
            enabled: r.enabled,
            mandatory: r.mandatory,
            updated_at: r.updated_at.utc(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SsoLoginRow {
    state_hash: String,
    org_id: i64,
    issuer: String,
    nonce: String,
    pkce_verifier: String,
    browser_hash: String,
    next: String,
    created_at: DbTime,
    expires_at: DbTime,
}

impl From<SsoLoginRow> for SsoLogin {
    fn from(r: SsoLoginRow) -> SsoLogin {
        SsoLogin {
            state_hash: r.state_hash,
            org: OrgId(r.org_id),
            issuer: r.issuer,
            nonce: r.nonce,
            pkce_verifier: r.pkce_verifier,
            browser_hash: r.browser_hash,
            next: r.next,
            created_at: r.created_at.utc(),
            expires_at: r.expires_at.utc(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SsoPendingLinkRow {
    token_hash: String,
    org_id: i64,
    user_id: i64,
    issuer: String,
    subject: String,
    name: String,
    email: String,
    id_token: String,
    next: String,
    created_at: DbTime,
    expires_at: DbTime,
}

impl From<SsoPendingLinkRow> for SsoPendingLink {
    fn from(r: SsoPendingLinkRow) -> SsoPendingLink {
        SsoPendingLink {
            token_hash: r.token_hash,
            org: OrgId(r.org_id),
            user: UserId(r.user_id),
            issuer: r.issuer,
            subject: r.subject,
            name: r.name,
            email: r.email,
            id_token: r.id_token,
            next: r.next,
            created_at: r.created_at.utc(),
            expires_at: r.expires_at.utc(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SsoIdentityRow {
    issuer: String,
    subject: String,
    user_id: i64,
    org_id: i64,
    linked_at: DbTime,
    last_login_at: Option<DbTime>,
}

impl From<SsoIdentityRow> for SsoIdentity {
    fn from(r: SsoIdentityRow) -> SsoIdentity {
        SsoIdentity {
            issuer: r.issuer,
            subject: r.subject,
            user: UserId(r.user_id),
            org: OrgId(r.org_id),
            linked_at: r.linked_at.utc(),
            last_login_at: r.last_login_at.map(DbTime::utc),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ScimTokenRow {
    id: i64,
    label: String,
    created_by: Option<String>,
    created_at: DbTime,
    last_used_at: Option<DbTime>,
    revoked_at: Option<DbTime>,
}

impl From<ScimTokenRow> for ScimToken {
    fn from(r: ScimTokenRow) -> ScimToken {
        ScimToken {
            id: r.id,
            label: r.label,
            created_by: r.created_by,
            created_at: r.created_at.utc(),
            last_used_at: r.last_used_at.map(DbTime::utc),
            revoked_at: r.revoked_at.map(DbTime::utc),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ScimUserRow {
    user_id: i64,
    email: String,
    name: String,
    created_at: DbTime,
    user_name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    display_name: Option<String>,
    external_id: Option<String>,
    suspended_at: Option<DbTime>,
}

/// A member's team as SCIM lists it (`sql::scim::USER_GROUPS`).
#[derive(sqlx::FromRow)]
pub(super) struct ScimUserGroupRow {
    user_id: i64,
    team_id: i64,
    name: String,
}

/// SCIM users with their teams (`groups` ordered by user).
pub(super) fn scim_users(users: Vec<ScimUserRow>, groups: Vec<ScimUserGroupRow>) -> Vec<ScimUser> {
    // One pass over the memberships, not one per member.
    let mut by_user: std::collections::HashMap<i64, Vec<(TeamId, String)>> =
        std::collections::HashMap::new();
    for g in groups {
        by_user
            .entry(g.user_id)
            .or_default()
            .push((TeamId(g.team_id), g.name));
    }
    users
        .into_iter()
        .map(|r| ScimUser {
            user: UserId(r.user_id),
            email: r.email,
            name: r.name,
            created_at: r.created_at.utc(),
            user_name: r.user_name,
            given_name: r.given_name,
            family_name: r.family_name,
            display_name: r.display_name,
            external_id: r.external_id,
            suspended_at: r.suspended_at.map(DbTime::utc),
            groups: by_user.remove(&r.user_id).unwrap_or_default(),
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub(super) struct ScimGroupRow {
    id: i64,
    name: String,
    external_id: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct ScimMemberRow {
    team_id: i64,
    user_id: i64,
    name: String,
}

/// SCIM groups with their members.
pub(super) fn scim_groups(
    groups: Vec<ScimGroupRow>,
    members: Vec<ScimMemberRow>,
) -> Vec<ScimGroup> {
    // One pass over the members, not one per team.
    let mut by_team: std::collections::HashMap<i64, Vec<(UserId, String)>> =
        std::collections::HashMap::new();
    for m in members {
        by_team
            .entry(m.team_id)
            .or_default()
            .push((UserId(m.user_id), m.name));
    }
    groups
        .into_iter()
        .map(|g| ScimGroup {
            team: TeamId(g.id),
            name: g.name,
            external_id: g.external_id,
            members: by_team.remove(&g.id).unwrap_or_default(),
        })
        .collect()
}
