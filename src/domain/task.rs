//! Practical tasks: a piece of work a module asks for (a framing one-pager, an evaluation
//! write-up, a runbook), its rubric, and how a scored rubric becomes a result.
//!
//! Each rubric criterion is scored 0 (not met), 1 (partly met) or 2 (met). A task is passed
//! when no criterion scores 0 and the total is at least two thirds of the maximum
//! ([`passed`]). A scored task is evidence at the task's level (`domain::proficiency`).
//!
//! Pure: std, serde and chrono only (and the domain's own types).

use super::ids::SkillId;
use super::level::Level;
use super::people::UserId;

/// The highest score of one criterion.
pub const MAX_POINTS: u8 = 2;

/// One criterion of a rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// The criterion, rendered once at load (inline HTML, sanitized).
    pub html: String,
}

/// A module's practical task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Unique within its module.
    pub id: String,
    pub title: String,
    /// The skill it evidences (one the module teaches).
    pub skill: SkillId,
    /// The level a pass shows (3 or 4).
    pub level: Level,
    /// How strongly a scored task counts, relative to 1.0 (the default).
    pub weight: f64,
    /// The brief, rendered once at load and sanitized.
    pub brief_html: String,
    /// At least two.
    pub criteria: Vec<Criterion>,
}

impl Task {
    /// The maximum total score.
    pub fn max_total(&self) -> u32 {
        self.criteria.len() as u32 * u32::from(MAX_POINTS)
    }
}

/// Whether a rubric scored `scores` (one per criterion, each 0–2) is a pass: no criterion
/// at 0 and a total of at least two thirds of the maximum. An empty rubric never passes.
pub fn passed(scores: &[u8]) -> bool {
    if scores.is_empty() {
        return false;
    }
    let total: u32 = scores.iter().map(|s| u32::from((*s).min(MAX_POINTS))).sum();
    let max = scores.len() as u32 * u32::from(MAX_POINTS);
    scores.iter().all(|s| *s > 0) && total * 3 >= max * 2
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionStatus {
    /// Submitted, waiting for a manager or an admin to score it.
    Waiting,
    /// Scored.
    Scored,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Waiting => "waiting",
            SubmissionStatus::Scored => "scored",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "waiting" => Some(SubmissionStatus::Waiting),
            "scored" => Some(SubmissionStatus::Scored),
            _ => None,
        }
    }
}

/// A scored task, as evidence: which task, at what level, how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredTask {
    pub module: String,
    pub task: String,
    pub skill: SkillId,
    pub level: u8,
    pub weight: f64,
    pub passed: bool,
    pub scored_at: chrono::DateTime<chrono::Utc>,
}

/// A learner's submission of a practical task, with its score once scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub id: i64,
    pub user: UserId,
    pub module: String,
    pub task: String,
    /// The task's skill, level and weight when it was submitted.
    pub skill: SkillId,
    pub level: u8,
    pub weight: f64,
    /// The work: text, or a link to it.
    pub body: String,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub status: SubmissionStatus,
    /// Who scored it and when, the score of each criterion, and whether that is a pass.
    pub scored_by: Option<UserId>,
    pub scored_at: Option<chrono::DateTime<chrono::Utc>>,
    pub scores: Vec<u8>,
    pub passed: Option<bool>,
}

impl Submission {
    /// The submission as evidence, once scored.
    pub fn scored(&self) -> Option<ScoredTask> {
        Some(ScoredTask {
            module: self.module.clone(),
            task: self.task.clone(),
            skill: self.skill.clone(),
            level: self.level,
            weight: self.weight,
            passed: self.passed?,
            scored_at: self.scored_at?,
        })
    }
}

/// A submission to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubmission {
    pub user: UserId,
    pub module: String,
    pub task: String,
    pub skill: SkillId,
    pub level: u8,
    pub weight: f64,
    pub body: String,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
}

/// A rubric's scores, to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewScore {
    pub scored_by: UserId,
    pub scored_at: chrono::DateTime<chrono::Utc>,
    /// One per criterion, each 0–2.
    pub scores: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_needs_every_criterion_and_two_thirds() {
        assert!(passed(&[2, 2]));
        assert!(passed(&[2, 1, 1]));
        assert!(!passed(&[2, 2, 0]), "a criterion at 0 fails");
        assert!(!passed(&[1, 1, 1]), "half the maximum fails");
        assert!(!passed(&[]));
    }

    #[test]
    fn statuses_round_trip() {
        for s in [SubmissionStatus::Waiting, SubmissionStatus::Scored] {
            assert_eq!(SubmissionStatus::parse(s.as_str()), Some(s));
        }
    }
}
