//! What a module promises and where it stands: its learning objectives, its further reading,
//! and when it was last reviewed (and must be reviewed again).
//!
//! Read from the module file by `courseware`; shown on the module page and counted by
//! `levelfield content stats`. Dates are ISO `YYYY-MM-DD` text so this room stays free of
//! server-only crates.

use serde::{Deserialize, Serialize};

/// How quickly a module's content goes stale, which bounds its review interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ReviewCycle {
    /// Ordinary content: review at least every 12 months.
    #[default]
    General,
    /// Law and regulation: at least every 6 months.
    Legal,
    /// Hardware figures and prices: at least every 6 months.
    Hardware,
    /// Library versions and hosted services: at least every 6 months.
    Versions,
}

impl ReviewCycle {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "general" => Some(Self::General),
            "legal" => Some(Self::Legal),
            "hardware" => Some(Self::Hardware),
            "versions" => Some(Self::Versions),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Legal => "legal",
            Self::Hardware => "hardware",
            Self::Versions => "versions",
        }
    }

    /// The longest allowed time between two reviews, in months.
    pub fn max_months(self) -> u32 {
        match self {
            Self::General => 12,
            Self::Legal | Self::Hardware | Self::Versions => 6,
        }
    }
}

/// One further-reading entry: a primary source with a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

/// A module's objectives, further reading and review dates.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Curation {
    /// What a learner can do after the module (3–5 verb phrases).
    pub objectives: Vec<String>,
    /// The `## Further reading` links (3–5).
    pub references: Vec<Reference>,
    /// `YYYY-MM-DD`.
    pub last_reviewed: String,
    /// `YYYY-MM-DD`: after this day the module is overdue for review.
    pub review_by: String,
    pub review_cycle: ReviewCycle,
}

impl Curation {
    /// Whether the review date has passed on `today` (`YYYY-MM-DD`; ISO dates compare as text).
    pub fn is_overdue(&self, today: &str) -> bool {
        !self.review_by.is_empty() && self.review_by.as_str() < today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_content_has_the_shorter_cycle() {
        assert_eq!(ReviewCycle::General.max_months(), 12);
        for c in ["legal", "hardware", "versions"] {
            assert_eq!(ReviewCycle::parse(c).map(ReviewCycle::max_months), Some(6));
        }
        assert_eq!(ReviewCycle::parse("yearly"), None);
    }

    #[test]
    fn overdue_compares_iso_dates() {
        let c = Curation {
            review_by: "2027-05-30".into(),
            ..Curation::default()
        };
        assert!(!c.is_overdue("2027-05-30"));
        assert!(c.is_overdue("2027-05-31"));
        assert!(!Curation::default().is_overdue("2030-01-01"));
    }
}
