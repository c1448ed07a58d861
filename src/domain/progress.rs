//! A learner's progress: how far they read, what they completed, and their quiz attempts.

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

/// A quiz attempt to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAttempt {
    pub user: UserId,
    pub module: String,
    pub score: u32,
    pub total: u32,
    pub answers: Vec<AnswerRecord>,
    pub submitted_at: DateTime<Utc>,
}

/// A recorded quiz attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: AttemptId,
    pub user: UserId,
    pub module: String,
    pub score: u32,
    pub total: u32,
    pub answers: Vec<AnswerRecord>,
    pub submitted_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
