//! A learner's progress: how far they read, what they completed, and their quiz attempts, and
//! the records as they stood on an earlier day (to replay history).

use super::people::{AttemptId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Reading progress through one module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleProgress {
    pub user: UserId,
    pub module: String,
    /// Sections reached so far (the furthest, counted from 1).
    pub sections_reached: u32,
    /// Sections the module had when last recorded.
    pub sections_total: u32,
    /// The anchor of the furthest section reached, to resume at.
    pub resume_anchor: Option<String>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl ModuleProgress {
    /// Percentage read, 0 to 100 (100 once completed).
    pub fn percent(&self) -> u32 {
        if self.completed_at.is_some() {
            return 100;
        }
        (self.sections_reached * 100)
            .checked_div(self.sections_total)
            .unwrap_or(0)
            .min(100)
    }
}

/// One graded answer, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub question: String,
    pub skill: String,
    pub difficulty: u8,
    pub selected: Vec<u8>,
    pub correct: bool,
}

/// What an attempt was: a module's quiz, or one answer of an adaptive skill check. Both are
/// evidence for the learner model; only a quiz attempt is a try at the module's quiz (listed as
/// such, and passing it completes the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AttemptKind {
    #[default]
    Quiz,
    Check,
}

impl AttemptKind {
    /// The stored name (`quiz_attempts.kind`).
    pub fn key(self) -> &'static str {
        match self {
            AttemptKind::Quiz => "quiz",
            AttemptKind::Check => "check",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "quiz" => Some(AttemptKind::Quiz),
            "check" => Some(AttemptKind::Check),
            _ => None,
        }
    }
}

/// A quiz attempt (or a skill check's answer) to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAttempt {
    pub user: UserId,
    pub kind: AttemptKind,
    pub module: String,
    pub score: u32,
    pub total: u32,
    pub answers: Vec<AnswerRecord>,
    pub submitted_at: DateTime<Utc>,
    /// The seed the attempt's questions and choice order were drawn with (`None` for attempts
    /// recorded before draws, or not through the quiz). At most one attempt per learner, module
    /// and seed is stored.
    pub seed: Option<u64>,
}

/// A recorded quiz attempt (or skill check answer: see [`AttemptKind`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: AttemptId,
    pub user: UserId,
    #[serde(default)]
    pub kind: AttemptKind,
    pub module: String,
    pub score: u32,
    pub total: u32,
    pub answers: Vec<AnswerRecord>,
    pub submitted_at: DateTime<Utc>,
    /// See [`NewAttempt::seed`].
    pub seed: Option<u64>,
}

/// Days since 1970-01-01 (UTC) of `t`: the day number estimate caches are dated with.
pub fn epoch_day(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(86_400)
}

/// The records as they stood at `as_of`: attempts submitted by then, completions made by then.
pub fn as_of_records(
    progress: &[ModuleProgress],
    attempts: &[Attempt],
    as_of: DateTime<Utc>,
) -> (Vec<ModuleProgress>, Vec<Attempt>) {
    let by = |t: DateTime<Utc>| t <= as_of;
    let p = progress
        .iter()
        .filter(|p| by(p.started_at))
        .map(|p| {
            let mut p = p.clone();
            if p.completed_at.is_some_and(|c| !by(c)) {
                p.completed_at = None;
            }
            p
        })
        .collect();
    let a = attempts
        .iter()
        .filter(|a| by(a.submitted_at))
        .cloned()
        .collect();
    (p, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_epoch_in_utc() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(epoch_day(t("1970-01-01T23:59:59Z")), 0);
        assert_eq!(epoch_day(t("1970-01-02T00:00:00Z")), 1);
        assert_eq!(epoch_day(t("1969-12-31T12:00:00Z")), -1);
    }

    #[test]
    fn records_as_of_a_day_drop_later_attempts_and_completions() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let progress = ModuleProgress {
            user: UserId(1),
            module: "m".into(),
            sections_reached: 1,
            sections_total: 1,
            resume_anchor: None,
            started_at: at("2026-01-01T00:00:00Z"),
            updated_at: at("2026-03-01T00:00:00Z"),
            completed_at: Some(at("2026-03-01T00:00:00Z")),
        };
        let attempt = Attempt {
            id: AttemptId(1),
            user: UserId(1),
            kind: crate::domain::progress::AttemptKind::Quiz,
            module: "m".into(),
            score: 1,
            total: 1,
            answers: Vec::new(),
            submitted_at: at("2026-03-01T00:00:00Z"),
            seed: None,
        };
        let (p, a) = as_of_records(
            std::slice::from_ref(&progress),
            std::slice::from_ref(&attempt),
            at("2026-02-01T00:00:00Z"),
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].completed_at, None, "completed later");
        assert!(a.is_empty(), "submitted later");
        let (p, a) = as_of_records(&[progress], &[attempt], at("2025-12-01T00:00:00Z"));
        assert!(p.is_empty() && a.is_empty(), "not started yet");
    }

    #[test]
    fn percent_is_bounded_and_complete_is_full() {
        let mut p = ModuleProgress {
            user: UserId(1),
            module: "m".into(),
            sections_reached: 2,
            sections_total: 4,
            resume_anchor: None,
            started_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
            completed_at: None,
        };
        assert_eq!(p.percent(), 50);
        p.sections_total = 0;
        assert_eq!(p.percent(), 0);
        p.completed_at = Some(DateTime::UNIX_EPOCH);
        assert_eq!(p.percent(), 100);
    }
}
