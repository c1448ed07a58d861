//! Synthetic organisations at Moodle's test-site sizes (for measuring), and the building blocks
//! the demo shares: organisations, members and simulated evidence, written through the store.
//!
//! Evidence is simulated from a hidden ability per person and skill: each quiz answer is right
//! with the probability the proficiency model itself assumes, so estimates land near the truth.
//! A wrong answer picks a distractor by how tempting it is ([`wrong_choice`]), so choice
//! statistics look like real ones; [`respond`] is a fuller response model (item discrimination,
//! difficulty off its label, guessing) for the demo's cohort.

use crate::domain::catalogue::{Library, Module};
use crate::domain::people::{MemberRole, OrgId, TeamId, UserId};
use crate::domain::progress::{AnswerRecord, NewAttempt};
use crate::domain::quiz::{passes, Question, QuestionKind};
use crate::server::auth::{hash_password, hash_token, new_token, AuthError};
use crate::server::estimates;
use crate::server::state::AppState;
use crate::store::{Invitation, NewUser, OrgOrigin, StoreError};
use chrono::{Duration, Utc};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("the content library has no modules with quizzes to draw evidence from")]
    NoContent,
    #[error(
        "this database holds {0} real organisation(s); demo and seeded accounts share a known \
         password, so nothing was added (use another DATABASE_URL, or add --force to go ahead)"
    )]
    RealOrganisation(i64),
}

/// Refuses (unless `force`) to add demo or synthetic people to a database that holds a real
/// organisation: one set up on first run or by an operator, not made by `demo` or `seed`.
pub async fn check_database(state: &AppState, force: bool) -> Result<(), SeedError> {
    if force {
        return Ok(());
    }
    match state.store.real_organisation_count().await? {
        0 => Ok(()),
        n => Err(SeedError::RealOrganisation(n)),
    }
}

/// Sizes of the synthetic organisations (learners), as Moodle's test-site generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    S,
    M,
    L,
    Xl,
}

impl Size {
    pub fn parse(s: &str) -> Option<Size> {
        match s.to_ascii_uppercase().as_str() {
            "S" => Some(Size::S),
            "M" => Some(Size::M),
            "L" => Some(Size::L),
            "XL" => Some(Size::Xl),
            _ => None,
        }
    }
    pub fn learners(self) -> usize {
        match self {
            Size::S => 100,
            Size::M => 1_000,
            Size::L => 10_000,
            Size::Xl => 50_000,
        }
    }
}

/// A deterministic generator (seeded), so a seeded organisation is reproducible.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 11
    }
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The password of every seeded account.
pub const PASSWORD: &str = "levelfield demo";

#[allow(clippy::too_many_arguments)] // one call site per kind of member; a struct would only rename the list
pub(super) async fn add_member(
    state: &AppState,
    org: OrgId,
    admin: UserId,
    role: MemberRole,
    team: Option<TeamId>,
    email: String,
    name: String,
    password_hash: &str,
) -> Result<UserId, SeedError> {
    let token = new_token();
    let now = Utc::now();
    state
        .store
        .create_invitation(&Invitation {
            id: 0,
            org,
            token_hash: hash_token(&token),
            email: Some(email.clone()),
            role,
            team,
            created_by: admin,
            created_at: now,
            expires_at: now + Duration::days(1),
            used_at: None,
        })
        .await?;
    let (_, user) = state
        .store
        .accept_invitation(
            &hash_token(&token),
            now,
            &NewUser {
                email,
                name,
                password_hash: password_hash.to_string(),
            },
        )
        .await?;
    Ok(user)
}

/// Simulated quiz attempts for one learner: about `events` answers over the last 300 days.
pub(super) async fn simulate(
    state: &AppState,
    lib: &Library,
    user: UserId,
    events: usize,
    rng: &mut Rng,
) -> Result<(), SeedError> {
    let modules: Vec<_> = lib
        .modules()
        .iter()
        .filter(|m| !m.quiz.is_empty())
        .collect();
    if modules.is_empty() {
        return Err(SeedError::NoContent);
    }
    // A hidden ability per skill, around a personal base level.
    let base = 0.5 + rng.unit() * 2.5;
    let mut ability = std::collections::HashMap::new();
    let mut answered = 0;
    let mut step = 0usize;
    let start = rng.below(modules.len());
    while answered < events {
        let m = modules[(start + step) % modules.len()];
        step += 1;
        let days_ago = 300 - (300 * answered / events.max(1)) as i64 + rng.below(5) as i64;
        let at = Utc::now() - Duration::days(days_ago.max(0));
        let answers: Vec<AnswerRecord> = m
            .quiz
            .iter()
            .map(|q| {
                let theta = *ability
                    .entry(q.skill.clone())
                    .or_insert_with(|| (base + rng.unit() - 0.5).clamp(0.0, 4.0));
                let p = 1.0 / (1.0 + (-1.7 * (theta - f64::from(q.difficulty))).exp());
                let correct = rng.unit() < p;
                let selected = if correct {
                    keyed(q)
                } else {
                    wrong_choice(q, rng)
                };
                AnswerRecord {
                    question: q.id.0.clone(),
                    skill: q.skill.0.clone(),
                    difficulty: q.difficulty,
                    selected,
                    correct,
                }
            })
            .collect();
        answered += answers.len();
        record(state, user, m, answers, at).await?;
    }
    Ok(())
}

/// Stores an attempt, and the module as read (completed when passed).
pub(super) async fn record(
    state: &AppState,
    user: UserId,
    m: &Module,
    answers: Vec<AnswerRecord>,
    at: chrono::DateTime<Utc>,
) -> Result<(), SeedError> {
    let score = answers.iter().filter(|a| a.correct).count() as u32;
    let total = answers.len() as u32;
    state
        .store
        .record_attempt(&NewAttempt {
            user,
            kind: crate::domain::progress::AttemptKind::Quiz,
            module: m.id.0.clone(),
            score,
            total,
            answers,
            submitted_at: at,
            // Simulated: every question of the bank, as attempts before draws.
            seed: None,
        })
        .await?;
    let sections = m.sections();
    state
        .store
        .record_progress(
            user,
            m.id.as_str(),
            sections,
            sections,
            None,
            passes(score, total),
            at,
        )
        .await?;
    Ok(())
}

/// The authored indexes of a question's keyed choices.
fn keyed(q: &Question) -> Vec<u8> {
    q.choices
        .iter()
        .enumerate()
        .filter(|(_, c)| c.correct)
        .map(|(i, _)| i as u8)
        .collect()
}

/// A number in [0, 1) fixed by `text` and `salt` (FNV-1a, then a SplitMix finaliser): the same
/// question behaves the same way in every simulation.
fn unit_hash(text: &str, salt: u64) -> f64 {
    let mut h = text.bytes().fold(0xcbf2_9ce4_8422_2325u64 ^ salt, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// How tempting each choice of `q` is to someone who does not know the answer, fixed by the
/// question: keyed choices 0, distractors between 0.2 and 1.2, and about one distractor in five
/// implausible (0: nobody picks it, which item statistics flag).
fn lures(q: &Question) -> Vec<f64> {
    let mut lure: Vec<f64> = q
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let u = unit_hash(q.id.as_str(), 10 + i as u64);
            match c.correct {
                true => 0.0,
                false if u < 0.2 => 0.0,
                false => 0.2 + u,
            }
        })
        .collect();
    if lure.iter().all(|l| *l == 0.0) {
        if let Some(i) = q.choices.iter().position(|c| !c.correct) {
            lure[i] = 1.0;
        }
    }
    lure
}

/// An index drawn with probability proportional to `weights` (none if they are all 0).
fn weighted(weights: &[f64], rng: &mut Rng) -> Option<usize> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut x = rng.unit() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return Some(i);
        }
        x -= w;
    }
    weights.iter().rposition(|w| *w > 0.0)
}

/// A plausible wrong answer to `q`: a distractor drawn by how tempting it is; for "select all"
/// questions the keyed set with one or two choices toggled.
pub(super) fn wrong_choice(q: &Question, rng: &mut Rng) -> Vec<u8> {
    let lure = lures(q);
    let right = keyed(q);
    if q.kind == QuestionKind::Single {
        return weighted(&lure, rng).map_or_else(Vec::new, |i| vec![i as u8]);
    }
    let mut set = right.clone();
    let toggles = if rng.unit() < 0.3 { 2 } else { 1 };
    for _ in 0..toggles {
        let i = rng.below(q.choices.len()) as u8;
        match set.iter().position(|s| *s == i) {
            Some(at) => {
                set.remove(at);
            }
            None => set.push(i),
        }
    }
    set.sort_unstable();
    if set == right || set.is_empty() {
        // Toggled back, or nothing left: the keyed set and a tempting distractor.
        set = right;
        if let Some(i) = weighted(&lure, rng) {
            set.push(i as u8);
            set.sort_unstable();
        }
    }
    set
}

/// An answer to `q` by someone at level `theta` under a three-parameter response model whose
/// item parameters are fixed by the question: discrimination between 0.6 and 2 (about one
/// question in seven barely discriminates, 0.15), true difficulty the authored one give or
/// take 0.7, and guessing at chance (1/k; for "select all", one of the 2^k − 1 non-empty sets).
/// Wrong answers are drawn by [`wrong_choice`].
pub(super) fn respond(q: &Question, theta: f64, rng: &mut Rng) -> AnswerRecord {
    let id = q.id.as_str();
    let u = unit_hash(id, 1);
    let a = if u < 0.15 { 0.15 } else { 0.6 + 1.4 * u };
    let b = f64::from(q.difficulty) + (unit_hash(id, 2) - 0.5) * 1.4;
    let k = q.choices.len().max(1) as i32;
    let guess = match q.kind {
        QuestionKind::Single => 1.0 / f64::from(k),
        QuestionKind::Multiple => 1.0 / (2f64.powi(k) - 1.0),
    };
    let p = guess + (1.0 - guess) / (1.0 + (-1.7 * a * (theta - b)).exp());
    let correct = rng.unit() < p;
    AnswerRecord {
        question: q.id.0.clone(),
        skill: q.skill.0.clone(),
        difficulty: q.difficulty,
        selected: if correct {
            keyed(q)
        } else {
            wrong_choice(q, rng)
        },
        correct,
    }
}

/// A new organisation of `origin` (marked so: `demo` and `seed` tell theirs from real ones).
pub(super) async fn organisation(
    state: &AppState,
    name: &str,
    admin_email: &str,
    password_hash: &str,
    origin: OrgOrigin,
) -> Result<(OrgId, UserId), SeedError> {
    let admin = NewUser {
        email: admin_email.to_string(),
        name: "Alex Admin".into(),
        password_hash: password_hash.to_string(),
    };
    Ok(state
        .store
        .create_organisation(name, &admin, origin, Utc::now())
        .await?)
}

/// Generates a synthetic organisation of `size` learners in teams of 20, with about 100
/// evidence events each, then weeks of roll-up history. `progress` is called with what is being
/// made ("learners", "weeks of history"), done and total. Refuses a database holding a real
/// organisation unless `force` ([`check_database`]).
pub async fn synthetic(
    state: &AppState,
    size: Size,
    force: bool,
    progress: impl Fn(&str, usize, usize),
) -> Result<OrgId, SeedError> {
    check_database(state, force).await?;
    let lib = state.library.current();
    let hash = hash_password(PASSWORD.to_string()).await?;
    let suffix = &new_token()[..6];
    let (org, admin) = organisation(
        state,
        &format!("Synthetic {size:?} {suffix}"),
        &format!("admin@synthetic-{suffix}.test"),
        &hash,
        OrgOrigin::Seed,
    )
    .await?;
    let mut rng = Rng(7);
    let total = size.learners();
    let mut team = None;
    for i in 0..total {
        if i.is_multiple_of(20) {
            let t = state
                .store
                .create_team(org, &format!("Team {:04}", i / 20 + 1))
                .await?;
            add_member(
                state,
                org,
                admin,
                MemberRole::Manager,
                Some(t),
                format!("manager{}@synthetic-{suffix}.test", i / 20 + 1),
                format!("Manager {}", i / 20 + 1),
                &hash,
            )
            .await?;
            let roles = lib.roles();
            if !roles.is_empty() {
                let role = &roles[(i / 20) % roles.len()];
                state
                    .store
                    .set_team_target_role(org, t, Some(role.id.as_str()))
                    .await?;
            }
            team = Some(t);
        }
        let user = add_member(
            state,
            org,
            admin,
            MemberRole::Learner,
            team,
            format!("learner{}@synthetic-{suffix}.test", i + 1),
            format!("Learner {:05}", i + 1),
            &hash,
        )
        .await?;
        simulate(state, &lib, user, 100, &mut rng).await?;
        progress("learners", i + 1, total);
    }
    // Weekly history for the trend charts: replaying evidence costs a full pass per week, so
    // the largest sizes get fewer weeks.
    let weeks = if total > 5_000 { 4 } else { 12 };
    estimates::backfill(state, org, weeks, |done, all| {
        progress("weeks of history", done, all)
    })
    .await?;
    Ok(org)
}
