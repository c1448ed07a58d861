//! What an adaptive skill check works from: the skill's question bank (every published module's
//! questions that evidence the skill), the learner's own evidence for it, the answers this check
//! has used so far, and the next question or the result. Server only; no markup.
//!
//! A check is identified by its start time, carried in the page's URL (`?started=`) and its
//! form, so it can be resumed; its answers are the learner's skill check answers for this skill
//! recorded since then.

use crate::domain::catalogue::{Library, Module};
use crate::domain::draw::Shuffle;
use crate::domain::people::UserId;
use crate::domain::proficiency::{
    cap_without_task, check_complete, estimate, evidence_with_tasks, next_item, BankItem, Estimate,
    Evidence, Item, Source,
};
use crate::domain::progress::{Attempt, AttemptKind};
use crate::domain::quiz::Question;
use crate::domain::task::{ScoredTask, Submission};
use crate::server::auth::Viewer;
use crate::server::state::AppState;
use crate::store::StoreError;
use chrono::{DateTime, Utc};

/// One question of the bank: where it lives.
#[derive(Clone, Copy)]
pub struct BankEntry<'a> {
    pub module: &'a Module,
    pub question: &'a Question,
}

/// The bank of `skill`: every question of every (published) module in the library that
/// evidences it, in library order.
pub fn bank<'a>(lib: &'a Library, skill: &str) -> Vec<BankEntry<'a>> {
    lib.modules()
        .iter()
        .flat_map(|m| {
            m.quiz
                .iter()
                .filter(move |q| q.skill.0 == skill)
                .map(move |q| BankEntry {
                    module: m,
                    question: q,
                })
        })
        .collect()
}

/// The model's view of a bank question.
pub fn bank_item(e: &BankEntry<'_>) -> BankItem {
    BankItem {
        item: Item::new(
            e.module.id.as_str(),
            &e.question.id.0,
            e.question.kind,
            u8::try_from(e.question.choices.len()).unwrap_or(u8::MAX),
        ),
        difficulty: e.question.difficulty,
    }
}

/// The order a learner sees a check question's choices in: fixed per learner and question, so
/// the page and the grading of its answer agree without storing anything.
pub fn shuffle(user: UserId, module: &str, question: &Question) -> Shuffle {
    // A per-learner seed (user ids are small integers; spread them), mixed with the question.
    let seed = (user.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5ca1_ab1e_c0ff_ee00;
    Shuffle::new(
        seed,
        &format!("check\u{1f}{module}\u{1f}{}", question.id.0),
        question.choices.len(),
    )
}

/// Where a check stands.
pub struct CheckState<'a> {
    /// All of the learner's evidence for the skill, oldest first, with its sources.
    pub evidence: Vec<(Evidence, Source)>,
    pub estimate: Option<Estimate>,
    /// The estimate as My skills shows it: [`CheckState::estimate`] capped at level 2 until a
    /// practical task is scored (the check itself stops on the uncapped one, whose range is
    /// measured rather than cut).
    pub shown: Option<Estimate>,
    /// Answers recorded in this check (since it started).
    pub answered: usize,
    /// The next question, or `None` when the check is done.
    pub next: Option<BankEntry<'a>>,
    /// The bank's size (0: nothing tests this skill yet).
    pub bank_size: usize,
    /// Whether the check ended because the learner has answered every question of the bank.
    pub exhausted: bool,
}

/// The learner's attempts (both kinds; only their own).
pub async fn attempts(state: &AppState, v: &Viewer) -> Result<Vec<Attempt>, StoreError> {
    state.store.attempts(v.user).await
}

/// The learner's scored practical tasks (only their own).
pub async fn scored_tasks(state: &AppState, v: &Viewer) -> Result<Vec<ScoredTask>, StoreError> {
    Ok(state
        .store
        .user_submissions(v.org, v.user)
        .await?
        .iter()
        .filter_map(Submission::scored)
        .collect())
}

/// The learner's attempts and scored tasks: what [`check_state`] works from.
pub async fn evidence(
    state: &AppState,
    v: &Viewer,
) -> Result<(Vec<Attempt>, Vec<ScoredTask>), StoreError> {
    Ok((attempts(state, v).await?, scored_tasks(state, v).await?))
}

/// Where the check of `skill` started at `started` stands for the learner whose `attempts`
/// and scored `tasks` these are, at `now`.
pub fn check_state<'a>(
    lib: &'a Library,
    skill: &str,
    half_life_days: f64,
    attempts: &[Attempt],
    tasks: &[ScoredTask],
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> CheckState<'a> {
    let mut evidence = evidence_with_tasks(lib, attempts, tasks, now)
        .remove(&crate::domain::ids::SkillId::new(skill.to_string()))
        .unwrap_or_default();
    // Oldest first, as the model and the list read best.
    evidence.sort_by_key(|(_, s)| s.at);
    let plain: Vec<Evidence> = evidence.iter().map(|(e, _)| *e).collect();
    let est = estimate(&plain, half_life_days);
    let shown = est.map(|e| cap_without_task(e, &plain));
    let answered = attempts
        .iter()
        .filter(|a| a.kind == AttemptKind::Check && a.submitted_at >= started)
        .flat_map(|a| &a.answers)
        .filter(|ans| ans.skill == skill)
        .count();
    let entries = bank(lib, skill);
    let items: Vec<BankItem> = entries.iter().map(bank_item).collect();
    let (next, exhausted) = if check_complete(est.as_ref(), answered) {
        (None, false)
    } else {
        let next = next_item(&items, &plain, half_life_days).and_then(|i| entries.get(i).copied());
        (next, next.is_none())
    };
    CheckState {
        evidence,
        estimate: est,
        shown,
        answered,
        next,
        bank_size: entries.len(),
        exhausted,
    }
}

/// A check's start time as carried in URLs and forms: microseconds since 1970 (UTC).
pub fn encode_started(t: DateTime<Utc>) -> String {
    t.timestamp_micros().to_string()
}

/// Reads [`encode_started`]; `None` for anything else.
pub fn decode_started(s: &str) -> Option<DateTime<Utc>> {
    s.trim()
        .parse::<i64>()
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_micros)
}
