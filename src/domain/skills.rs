//! What people say about skills: a learner's own rating of their level, and an
//! organisation's own scarcity weight for a skill. Plain records; pure.

use super::people::UserId;
use chrono::{DateTime, Utc};

/// A learner's rating of their own level in a skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfRating {
    pub skill: String,
    pub level: u8,
    pub rated_at: DateTime<Utc>,
}

/// An organisation's own scarcity weight for a skill, with the admin's note on where it comes
/// from.
#[derive(Debug, Clone, PartialEq)]
pub struct ScarcityOverride {
    pub skill: String,
    pub weight: f64,
    pub note: String,
    pub set_by: Option<UserId>,
    pub set_at: DateTime<Utc>,
}
