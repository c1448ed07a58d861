//! Gaps against role targets, the talent-shortage exposure they carry, recommended modules for a
//! learner, and a team training plan. Pure functions over plain data.

use super::catalogue::{Library, Module};
use super::ids::{ModuleId, SkillId};
use super::proficiency::Estimate;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The scarcity weight used when the taxonomy gives none (an estimate, labelled as such).
pub const DEFAULT_SCARCITY: f64 = 0.5;

/// One person's gap in one skill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gap {
    /// Target minus estimate (0 when the target is met).
    Measured { target: u8, estimate: f64, gap: f64 },
    /// No evidence yet, or too little (or too old) to say ([`Estimate::is_unknown`]): the
    /// whole target counts as a gap, flagged as unmeasured.
    Unmeasured { target: u8 },
}

impl Gap {
    pub fn of(target: u8, estimate: Option<&Estimate>) -> Gap {
        match estimate.filter(|e| !e.is_unknown()) {
            Some(e) => Gap::Measured {
                target,
                estimate: e.level,
                gap: (f64::from(target) - e.level).max(0.0),
            },
            None => Gap::Unmeasured { target },
        }
    }
    /// The size of the gap in levels.
    pub fn size(&self) -> f64 {
        match *self {
            Gap::Measured { gap, .. } => gap,
            Gap::Unmeasured { target } => f64::from(target),
        }
    }
    /// The level to start from when closing it.
    pub fn from_level(&self) -> f64 {
        match *self {
            Gap::Measured { estimate, .. } => estimate,
            Gap::Unmeasured { .. } => 0.0,
        }
    }
    pub fn target(&self) -> u8 {
        match *self {
            Gap::Measured { target, .. } | Gap::Unmeasured { target } => target,
        }
    }
}

/// A skill's scarcity weight from the library (or the default estimate).
pub fn scarcity(lib: &Library, skill: &SkillId) -> f64 {
    lib.skill(skill.as_str())
        .and_then(|s| s.scarcity.as_ref())
        .map(|s| s.weight)
        .unwrap_or(DEFAULT_SCARCITY)
}

/// The scarcity weights an organisation's views use: the taxonomy's, replaced by the
/// organisation's own where an admin set one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Weights {
    overrides: HashMap<SkillId, f64>,
}

impl Weights {
    /// The organisation's overrides, by skill.
    pub fn with_overrides(overrides: impl IntoIterator<Item = (SkillId, f64)>) -> Self {
        Weights {
            overrides: overrides.into_iter().collect(),
        }
    }
    /// The weight of `skill`: the override, else the taxonomy's, else [`DEFAULT_SCARCITY`].
    pub fn of(&self, lib: &Library, skill: &SkillId) -> f64 {
        self.overrides
            .get(skill)
            .copied()
            .unwrap_or_else(|| scarcity(lib, skill))
    }
    /// Whether the organisation overrode the taxonomy's weight for `skill`.
    pub fn is_override(&self, skill: &SkillId) -> bool {
        self.overrides.contains_key(skill)
    }
}

/// Talent-shortage exposure: each gap weighted by the skill's scarcity, summed over people.
/// `gaps` holds, per person, their gaps by skill.
pub fn exposure_by_skill(
    lib: &Library,
    w: &Weights,
    gaps: &[BTreeMap<SkillId, Gap>],
) -> BTreeMap<SkillId, f64> {
    let mut out: BTreeMap<SkillId, f64> = BTreeMap::new();
    for person in gaps {
        for (skill, gap) in person {
            *out.entry(skill.clone()).or_default() += gap.size() * w.of(lib, skill);
        }
    }
    out
}

/// A module recommended to a learner, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub module: ModuleId,
    /// Weighted gap closed: Σ over skills of scarcity × levels closed.
    pub score: f64,
    /// One line per skill, e.g. "closes Deployment: 1 → 3".
    pub reasons: Vec<String>,
    /// Modules to take first (not yet completed), in learning order.
    pub first: Vec<ModuleId>,
}

/// Modules that close a learner's largest weighted gaps and whose prerequisites they meet or can
/// meet, best first.
pub fn recommend(
    lib: &Library,
    w: &Weights,
    gaps: &BTreeMap<SkillId, Gap>,
    completed: &HashSet<ModuleId>,
) -> Vec<Recommendation> {
    let mut out: Vec<Recommendation> = lib
        .modules()
        .iter()
        .filter(|m| !completed.contains(&m.id))
        .filter_map(|m| {
            let mut score = 0.0;
            let mut reasons = Vec::new();
            for (skill, level) in &m.skills {
                let Some(gap) = gaps.get(skill) else { continue };
                let to = f64::from(level.value().min(gap.target()));
                let closed = to - gap.from_level();
                if closed > 0.0 && gap.size() > 0.0 {
                    score += closed * w.of(lib, skill);
                    let name = lib
                        .skill(skill.as_str())
                        .map(|s| s.name.as_str())
                        .unwrap_or(skill.as_str());
                    reasons.push(format!("closes {name}: {} → {to}", from_text(gap, to)));
                }
            }
            (score > 0.0).then(|| Recommendation {
                module: m.id.clone(),
                score,
                reasons,
                first: missing_prerequisites(lib, m, completed),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.first.len().cmp(&b.first.len()))
            .then_with(|| minutes(lib, &a.module).cmp(&minutes(lib, &b.module)))
    });
    out
}

/// The level a gap starts from, as a whole level ("1 → 3"), or with a decimal where rounding
/// would make it look closed already ("1.8 → 2", not "2 → 2").
fn from_text(gap: &Gap, to: f64) -> String {
    let from = gap.from_level();
    if from.round() >= to {
        format!("{from:.1}")
    } else {
        format!("{}", from.round())
    }
}

fn minutes(lib: &Library, id: &ModuleId) -> u32 {
    lib.module(id.as_str())
        .map(|m| m.estimated_minutes)
        .unwrap_or(u32::MAX)
}

/// Every prerequisite (transitively) of `m` not yet completed, prerequisites first.
pub fn missing_prerequisites(
    lib: &Library,
    m: &Module,
    completed: &HashSet<ModuleId>,
) -> Vec<ModuleId> {
    let mut order = Vec::new();
    let mut seen = HashSet::new();
    fn visit(
        lib: &Library,
        id: &ModuleId,
        completed: &HashSet<ModuleId>,
        seen: &mut HashSet<ModuleId>,
        order: &mut Vec<ModuleId>,
    ) {
        if !seen.insert(id.clone()) || completed.contains(id) {
            return;
        }
        if let Some(m) = lib.module(id.as_str()) {
            for p in &m.prerequisites {
                visit(lib, p, completed, seen, order);
            }
        }
        order.push(id.clone());
    }
    for p in &m.prerequisites {
        visit(lib, p, completed, &mut seen, &mut order);
    }
    order
}

/// One step of a team plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
    pub module: ModuleId,
    /// Who takes it (indices into the team).
    pub people: Vec<usize>,
    pub hours: f64,
    pub exposure_removed: f64,
}

/// A team training plan: greedily picks the module that removes the most exposure per learning
/// hour (hours = minutes × people who take it), until no module removes any. Skills with gaps
/// that no module teaches are returned separately (hire or partner).
pub fn team_plan(
    lib: &Library,
    w: &Weights,
    team: &[BTreeMap<SkillId, Gap>],
) -> (Vec<PlanStep>, Vec<SkillId>) {
    // Current level each person would reach, per skill, as the plan adds modules.
    let mut reach: Vec<HashMap<SkillId, f64>> = team
        .iter()
        .map(|g| {
            g.iter()
                .map(|(s, gap)| (s.clone(), gap.from_level()))
                .collect()
        })
        .collect();
    let mut steps = Vec::new();
    let mut used: HashSet<ModuleId> = HashSet::new();
    loop {
        let mut best: Option<(f64, PlanStep)> = None;
        for m in lib.modules().iter().filter(|m| !used.contains(&m.id)) {
            let mut people = Vec::new();
            let mut removed = 0.0;
            for (i, gaps) in team.iter().enumerate() {
                let mut gain = 0.0;
                for (skill, level) in &m.skills {
                    let Some(gap) = gaps.get(skill) else { continue };
                    let now = reach[i].get(skill).copied().unwrap_or(0.0);
                    let to = f64::from(level.value().min(gap.target()));
                    if to > now {
                        gain += (to - now) * w.of(lib, skill);
                    }
                }
                if gain > 0.0 {
                    people.push(i);
                    removed += gain;
                }
            }
            if people.is_empty() {
                continue;
            }
            let hours = f64::from(m.estimated_minutes) / 60.0 * people.len() as f64;
            let ratio = removed / hours.max(1e-9);
            if best.as_ref().is_none_or(|(r, _)| ratio > *r) {
                best = Some((
                    ratio,
                    PlanStep {
                        module: m.id.clone(),
                        people,
                        hours,
                        exposure_removed: removed,
                    },
                ));
            }
        }
        let Some((_, step)) = best else { break };
        if let Some(m) = lib.module(step.module.as_str()) {
            for &i in &step.people {
                for (skill, level) in &m.skills {
                    if let Some(gap) = team[i].get(skill) {
                        let to = f64::from(level.value().min(gap.target()));
                        let e = reach[i].entry(skill.clone()).or_insert(0.0);
                        *e = e.max(to);
                    }
                }
            }
        }
        used.insert(step.module.clone());
        steps.push(step);
    }
    let untaught: Vec<SkillId> = team
        .iter()
        .flat_map(|g| {
            g.iter()
                .filter(|(_, gap)| gap.size() > 0.0)
                .map(|(s, _)| s.clone())
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .filter(|s| lib.modules_teaching(s).is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    (steps, untaught)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::Difficulty;
    use crate::domain::fixtures::{est, skill};
    use crate::domain::level::Level;

    fn module(id: &str, minutes: u32, teaches: &[(&str, u8)], prereqs: &[&str]) -> Module {
        Module::new(
            ModuleId::new(id),
            id.into(),
            id.into(),
            String::new(),
            teaches
                .iter()
                .map(|(s, l)| (SkillId::new(*s), Level::new(*l).unwrap()))
                .collect(),
            minutes,
            prereqs.iter().map(|p| ModuleId::new(*p)).collect(),
            Difficulty::Beginner,
            vec![],
            String::new(),
            vec![],
            vec![],
            0,
            0,
        )
    }

    fn gaps(entries: &[(&str, Gap)]) -> BTreeMap<SkillId, Gap> {
        entries
            .iter()
            .map(|(s, g)| (SkillId::new(*s), *g))
            .collect()
    }

    #[test]
    fn gap_is_target_minus_estimate_and_unknown_is_unmeasured() {
        assert_eq!(Gap::of(3, Some(&est(1.0))).size(), 2.0);
        assert_eq!(Gap::of(2, Some(&est(3.5))).size(), 0.0);
        assert_eq!(Gap::of(3, None), Gap::Unmeasured { target: 3 });
        assert_eq!(Gap::of(3, None).size(), 3.0);
    }

    #[test]
    fn exposure_weights_gaps_by_people_and_scarcity() {
        let lib = Library::new(
            vec![skill("a", 1.0), skill("b", 0.25)],
            vec![],
            vec![],
            Default::default(),
        );
        let team = vec![
            gaps(&[("a", Gap::of(3, Some(&est(1.0)))), ("b", Gap::of(2, None))]),
            gaps(&[("a", Gap::of(3, Some(&est(2.0))))]),
        ];
        let e = exposure_by_skill(&lib, &Weights::default(), &team);
        assert_eq!(e[&SkillId::new("a")], 3.0); // (2 + 1) × 1.0
        assert_eq!(e[&SkillId::new("b")], 0.5); // 2 × 0.25
    }

    #[test]
    fn an_organisation_override_replaces_the_taxonomy_weight() {
        let lib = Library::new(vec![skill("a", 1.0)], vec![], vec![], Default::default());
        let team = vec![gaps(&[("a", Gap::of(3, Some(&est(1.0))))])];
        let w = Weights::with_overrides([(SkillId::new("a"), 0.25)]);
        assert!(w.is_override(&SkillId::new("a")));
        assert_eq!(exposure_by_skill(&lib, &w, &team)[&SkillId::new("a")], 0.5);
        assert_eq!(Weights::default().of(&lib, &SkillId::new("a")), 1.0);
        assert_eq!(
            Weights::default().of(&lib, &SkillId::new("unknown")),
            DEFAULT_SCARCITY
        );
    }

    #[test]
    fn recommendations_explain_themselves_and_respect_prerequisites() {
        let lib = Library::new(
            vec![skill("deploy", 1.0), skill("data", 0.5)],
            vec![],
            vec![
                module("intro", 20, &[("data", 1)], &[]),
                module("ship", 40, &[("deploy", 3)], &["intro"]),
            ],
            Default::default(),
        );
        let g = gaps(&[
            ("deploy", Gap::of(3, Some(&est(1.0)))),
            ("data", Gap::of(1, Some(&est(1.0)))),
        ]);
        let recs = recommend(&lib, &Weights::default(), &g, &HashSet::new());
        assert_eq!(recs.len(), 1, "intro closes nothing");
        assert_eq!(recs[0].module, ModuleId::new("ship"));
        assert_eq!(recs[0].reasons, ["closes DEPLOY: 1 → 3"]);
        let nearly = gaps(&[("deploy", Gap::of(3, Some(&est(2.8))))]);
        let recs = recommend(&lib, &Weights::default(), &nearly, &HashSet::new());
        assert_eq!(
            recs[0].reasons,
            ["closes DEPLOY: 2.8 → 3"],
            "never \"3 → 3\""
        );
        assert_eq!(recs[0].first, [ModuleId::new("intro")]);
        let done: HashSet<_> = [ModuleId::new("intro")].into();
        assert!(recommend(&lib, &Weights::default(), &g, &done)[0]
            .first
            .is_empty());
    }

    #[test]
    fn plan_prefers_one_long_module_over_three_short_ones_that_cover_less() {
        // The long module closes three levels of a scarce skill in 3 hours (1 per hour); each
        // short one closes one level of a plentiful skill in an hour (0.2 per hour).
        let lib = Library::new(
            vec![skill("scarce", 1.0), skill("common", 0.2)],
            vec![],
            vec![
                module("long", 180, &[("scarce", 3)], &[]),
                module("short-1", 60, &[("common", 1)], &[]),
                module("short-2", 60, &[("common", 2)], &[]),
                module("short-3", 60, &[("common", 3)], &[]),
            ],
            Default::default(),
        );
        let team = vec![gaps(&[
            ("scarce", Gap::of(3, Some(&est(0.0)))),
            ("common", Gap::of(3, Some(&est(0.0)))),
            ("ghost", Gap::of(2, None)),
        ])];
        let (plan, untaught) = team_plan(&lib, &Weights::default(), &team);
        assert_eq!(plan[0].module, ModuleId::new("long"));
        assert_eq!(plan[0].exposure_removed, 3.0);
        assert_eq!(
            untaught,
            [SkillId::new("ghost")],
            "no module teaches it: hire or partner"
        );
        let hours: f64 = plan.iter().map(|s| s.hours).sum();
        assert!(hours <= 3.0 + 3.0, "{plan:?}");
    }
}
