//! Small builders shared by the domain's unit tests.

use super::catalogue::{Challenge, Factor, Scarcity, Skill};
use super::ids::SkillId;
use super::proficiency::Estimate;

/// A talent skill named after its id, with an (estimated) scarcity `weight`.
pub fn skill(id: &str, weight: f64) -> Skill {
    Skill {
        id: SkillId::new(id),
        name: id.to_uppercase(),
        description: String::new(),
        factor: Factor::Talent,
        challenges: vec![Challenge::Deployment],
        mitigations: Vec::new(),
        levels: Default::default(),
        decay_half_life_days: 365,
        scarcity: Some(Scarcity {
            weight,
            estimate: true,
            source: "test".into(),
            date: "2026-11".into(),
        }),
        references: Default::default(),
    }
}

/// An estimate at `level` (interval collapsed onto it).
pub fn est(level: f64) -> Estimate {
    Estimate {
        level,
        se: 0.5,
        low: level,
        high: level,
        evidence: 1,
        weight: 1.0,
        tested_up_to: None,
        capped: false,
    }
}
