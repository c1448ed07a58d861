//! Proficiency from evidence, with its uncertainty.
//!
//! The model (documented for users in `docs/proficiency.md`): a learner's level in a skill is a
//! number θ on the 0–4 scale. Each piece of evidence is a pass/fail observation at a difficulty
//! `b` on the same scale, with a logistic chance of passing, `σ(a·(θ − b))`:
//!
//! - a quiz answer of difficulty 1, 2 or 3 is an observation at `b` = 1, 2 or 3;
//! - completing a module that teaches level `L` is a pass at `b = L − 0.5`, counted twice.
//!
//! Older evidence counts less: its weight halves every `half_life_days` (set per skill in the
//! taxonomy). The estimate is the most probable θ given the weighted observations and a weak
//! prior (N(1, 1.5²)), found by bisection on the (strictly decreasing) derivative of the log
//! posterior. Because every correct answer pushes that derivative up, and more so the harder the
//! question, more correct answers and harder correct answers never lower the estimate.
//!
//! The uncertainty is a standard error that shrinks with the total evidence weight `n`:
//! `se = 1.5 / sqrt(1 + n / 2)`. No evidence at all gives no estimate ("unknown"), never zero.

use serde::{Deserialize, Serialize};

/// Discrimination of the logistic curve: how sharply a level separates pass from fail.
const SLOPE: f64 = 1.7;
const PRIOR_MEAN: f64 = 1.0;
const PRIOR_SD: f64 = 1.5;
/// A completed module counts as this many observations.
const COMPLETION_WEIGHT: f64 = 2.0;

/// What was observed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum EvidenceKind {
    /// An answer to a quiz question of difficulty 1–3.
    Answer { difficulty: u8, correct: bool },
    /// A completed module that teaches the skill to `level` (1–4).
    Completion { level: u8 },
}

/// One piece of evidence about one skill, `age_days` old.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub age_days: f64,
}

impl Evidence {
    /// The difficulty observed, whether it was passed, and how much it counts when fresh.
    fn observation(&self) -> (f64, bool, f64) {
        match self.kind {
            EvidenceKind::Answer {
                difficulty,
                correct,
            } => (f64::from(difficulty.clamp(1, 3)), correct, 1.0),
            EvidenceKind::Completion { level } => {
                (f64::from(level.clamp(1, 4)) - 0.5, true, COMPLETION_WEIGHT)
            }
        }
    }

    /// The weight of this evidence today: halves every `half_life_days`.
    pub fn weight(&self, half_life_days: f64) -> f64 {
        let (_, _, base) = self.observation();
        base * 0.5f64.powf(self.age_days.max(0.0) / half_life_days.max(1.0))
    }
}

/// An estimate of a level, with its uncertainty.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The most probable level, 0.0 to 4.0.
    pub level: f64,
    /// Standard error, in levels.
    pub se: f64,
    /// A 95% interval, clamped to the scale.
    pub low: f64,
    pub high: f64,
    /// Evidence items behind it, and their total weight today.
    pub evidence: usize,
    pub weight: f64,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Estimates a level from evidence about one skill; `None` when there is none.
pub fn estimate(evidence: &[Evidence], half_life_days: f64) -> Option<Estimate> {
    if evidence.is_empty() {
        return None;
    }
    let obs: Vec<(f64, bool, f64)> = evidence
        .iter()
        .map(|e| {
            let (b, pass, _) = e.observation();
            (b, pass, e.weight(half_life_days))
        })
        .collect();
    // d/dθ log posterior: strictly decreasing, so its root is found by bisection.
    let gradient = |theta: f64| -> f64 {
        let prior = -(theta - PRIOR_MEAN) / (PRIOR_SD * PRIOR_SD);
        obs.iter().fold(prior, |acc, &(b, pass, w)| {
            let p = sigmoid(SLOPE * (theta - b));
            acc + w * SLOPE * if pass { 1.0 - p } else { -p }
        })
    };
    let (mut lo, mut hi) = (-6.0f64, 10.0f64);
    for _ in 0..80 {
        let mid = (lo + hi) / 2.0;
        if gradient(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let level = ((lo + hi) / 2.0).clamp(0.0, 4.0);
    let weight: f64 = obs.iter().map(|o| o.2).sum();
    let se = PRIOR_SD / (1.0 + weight / 2.0).sqrt();
    Some(Estimate {
        level,
        se,
        low: (level - 1.96 * se).clamp(0.0, 4.0),
        high: (level + 1.96 * se).clamp(0.0, 4.0),
        evidence: evidence.len(),
        weight,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(difficulty: u8, correct: bool) -> Evidence {
        Evidence {
            kind: EvidenceKind::Answer {
                difficulty,
                correct,
            },
            age_days: 0.0,
        }
    }

    /// A tiny deterministic generator, so property tests need no extra crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn evidence(&mut self) -> Vec<Evidence> {
            let n = (self.next() % 12) as usize;
            (0..n)
                .map(|_| {
                    let kind = if self.next().is_multiple_of(5) {
                        EvidenceKind::Completion {
                            level: 1 + (self.next() % 4) as u8,
                        }
                    } else {
                        EvidenceKind::Answer {
                            difficulty: 1 + (self.next() % 3) as u8,
                            correct: self.next().is_multiple_of(2),
                        }
                    };
                    Evidence {
                        kind,
                        age_days: (self.next() % 800) as f64,
                    }
                })
                .collect()
        }
    }

    #[test]
    fn no_evidence_is_unknown_not_zero() {
        assert_eq!(estimate(&[], 365.0), None);
    }

    #[test]
    fn levels_follow_what_was_shown() {
        let strong = vec![answer(3, true); 8];
        let weak = vec![answer(1, false); 8];
        let s = estimate(&strong, 365.0).unwrap();
        let w = estimate(&weak, 365.0).unwrap();
        assert!(s.level > 3.0, "{s:?}");
        assert!(w.level < 0.5, "{w:?}");
        assert!(s.low <= s.level && s.level <= s.high);
    }

    #[test]
    fn property_correct_answers_never_lower_the_estimate() {
        let mut rng = Lcg(7);
        for _ in 0..500 {
            let ev = rng.evidence();
            let base = estimate(&ev, 365.0).map(|e| e.level);
            for d in 1..=3 {
                let mut more = ev.clone();
                more.push(answer(d, true));
                let after = estimate(&more, 365.0).unwrap().level;
                assert!(
                    after + 1e-9 >= base.unwrap_or(0.0).min(after),
                    "adding a correct answer"
                );
                if let Some(b) = base {
                    assert!(
                        after + 1e-9 >= b,
                        "adding correct d={d}: {b} -> {after} for {ev:?}"
                    );
                }
            }
            // Harder correct answers never lower it either, and a wrong answer turned right raises it.
            let mut easy = ev.clone();
            easy.push(answer(1, true));
            let mut hard = ev.clone();
            hard.push(answer(3, true));
            assert!(
                estimate(&hard, 365.0).unwrap().level + 1e-9
                    >= estimate(&easy, 365.0).unwrap().level
            );
            let mut wrong = ev.clone();
            wrong.push(answer(2, false));
            let mut right = ev.clone();
            right.push(answer(2, true));
            assert!(
                estimate(&right, 365.0).unwrap().level + 1e-9
                    >= estimate(&wrong, 365.0).unwrap().level
            );
        }
    }

    #[test]
    fn property_uncertainty_shrinks_as_evidence_grows() {
        let mut rng = Lcg(11);
        for _ in 0..500 {
            let mut ev = rng.evidence();
            ev.push(answer(2, true));
            let before = estimate(&ev, 365.0).unwrap().se;
            ev.push(Evidence {
                kind: EvidenceKind::Answer {
                    difficulty: 2,
                    correct: rng.next().is_multiple_of(2),
                },
                age_days: (rng.next() % 900) as f64,
            });
            assert!(estimate(&ev, 365.0).unwrap().se < before);
        }
    }

    #[test]
    fn old_evidence_counts_less() {
        let fresh = Evidence {
            kind: EvidenceKind::Answer {
                difficulty: 3,
                correct: true,
            },
            age_days: 0.0,
        };
        let old = Evidence {
            age_days: 365.0,
            ..fresh
        };
        assert!((old.weight(365.0) - 0.5).abs() < 1e-12);
        let mut base = vec![answer(1, false); 3];
        base.push(fresh);
        let with_fresh = estimate(&base, 365.0).unwrap().level;
        base.pop();
        base.push(old);
        let with_old = estimate(&base, 365.0).unwrap().level;
        assert!(with_fresh > with_old, "{with_fresh} vs {with_old}");
    }
}

/// Where a piece of evidence came from, to explain an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub module: String,
    /// The question, for an answer; `None` for a module completion.
    pub question: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Gathers a learner's evidence per skill from their quiz answers and module completions.
pub fn evidence_by_skill(
    lib: &super::catalogue::Library,
    attempts: &[super::progress::Attempt],
    progress: &[super::progress::ModuleProgress],
    now: chrono::DateTime<chrono::Utc>,
) -> std::collections::BTreeMap<super::ids::SkillId, Vec<(Evidence, Source)>> {
    let age = |at: chrono::DateTime<chrono::Utc>| (now - at).num_seconds().max(0) as f64 / 86_400.0;
    let mut out: std::collections::BTreeMap<super::ids::SkillId, Vec<(Evidence, Source)>> =
        Default::default();
    for a in attempts {
        for ans in &a.answers {
            out.entry(super::ids::SkillId::new(ans.skill.clone()))
                .or_default()
                .push((
                    Evidence {
                        kind: EvidenceKind::Answer {
                            difficulty: ans.difficulty,
                            correct: ans.correct,
                        },
                        age_days: age(a.submitted_at),
                    },
                    Source {
                        module: a.module.clone(),
                        question: Some(ans.question.clone()),
                        at: a.submitted_at,
                    },
                ));
        }
    }
    for p in progress {
        let (Some(done), Some(m)) = (&p.completed_at, lib.module(&p.module)) else {
            continue;
        };
        for (skill, level) in &m.skills {
            out.entry(skill.clone()).or_default().push((
                Evidence {
                    kind: EvidenceKind::Completion {
                        level: level.value(),
                    },
                    age_days: age(*done),
                },
                Source {
                    module: p.module.clone(),
                    question: None,
                    at: *done,
                },
            ));
        }
    }
    out
}
