//! A team's skill matrix: each person's estimate against a role's targets, per skill, with the
//! roll-up per skill. Built from records already loaded; pure.

use super::catalogue::{Library, Role};
use super::gaps::{scarcity, Gap};
use super::ids::SkillId;
use super::people::{Member, UserId};
use super::proficiency::{estimate, evidence_by_skill, Estimate};
use super::progress::{Attempt, ModuleProgress};
use std::collections::BTreeMap;

/// One cell: a person's estimate and gap in one skill.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub estimate: Option<Estimate>,
    pub gap: Gap,
}

impl Cell {
    /// The cell as text, readable without colour: "2.1 / 3 ▲0.9", "3.4 / 3 ✓", "? / 3".
    pub fn text(&self) -> String {
        let target = self.gap.target();
        match (&self.estimate, self.gap) {
            (None, _) => format!("? / {target} unmeasured"),
            (Some(e), g) if g.size() <= 0.0 => format!("{:.1} / {target} ✓", e.level),
            (Some(e), g) => format!("{:.1} / {target} ▲{:.1}", e.level, g.size()),
        }
    }
}

/// A person's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub user: UserId,
    pub name: String,
    pub cells: Vec<Cell>,
    pub total_gap: f64,
}

/// Per skill, across the team.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    pub skill: SkillId,
    pub below_target: usize,
    pub unmeasured: usize,
    pub mean_gap: f64,
    pub exposure: f64,
}

/// The matrix: skills (the role's targets above 0, largest team gap first) × people.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub skills: Vec<(SkillId, u8)>,
    pub rows: Vec<Row>,
    pub rollup: Vec<Rollup>,
}

impl Matrix {
    /// Each person's gaps by skill (for exposure and plans).
    pub fn gaps(&self) -> Vec<BTreeMap<SkillId, Gap>> {
        self.rows
            .iter()
            .map(|r| {
                self.skills
                    .iter()
                    .zip(&r.cells)
                    .map(|((s, _), c)| (s.clone(), c.gap))
                    .collect()
            })
            .collect()
    }
}

/// Builds the matrix for `members` against `role` from their progress and attempts.
pub fn build(
    lib: &Library,
    role: &Role,
    members: &[Member],
    progress: &[ModuleProgress],
    attempts: &[Attempt],
    now: chrono::DateTime<chrono::Utc>,
    sort_by_gap: bool,
) -> Matrix {
    let targets: Vec<(SkillId, u8)> = role
        .targets
        .iter()
        .filter(|(_, l)| l.value() > 0)
        .map(|(s, l)| (s.clone(), l.value()))
        .collect();
    // Group records by person once (not a scan per person).
    let mut progress_of: std::collections::HashMap<UserId, Vec<ModuleProgress>> =
        Default::default();
    for p in progress {
        progress_of.entry(p.user).or_default().push(p.clone());
    }
    let mut attempts_of: std::collections::HashMap<UserId, Vec<Attempt>> = Default::default();
    for a in attempts {
        attempts_of.entry(a.user).or_default().push(a.clone());
    }
    let mut rows: Vec<Row> = members
        .iter()
        .map(|m| {
            let p = progress_of.remove(&m.user).unwrap_or_default();
            let a = attempts_of.remove(&m.user).unwrap_or_default();
            let evidence = evidence_by_skill(lib, &a, &p, now);
            let cells: Vec<Cell> = targets
                .iter()
                .map(|(skill, target)| {
                    let half_life = lib
                        .skill(skill.as_str())
                        .map(|s| f64::from(s.decay_half_life_days))
                        .unwrap_or(365.0);
                    let ev: Vec<_> = evidence
                        .get(skill)
                        .map(|v| v.iter().map(|(e, _)| *e).collect())
                        .unwrap_or_default();
                    let est = estimate(&ev, half_life);
                    Cell {
                        gap: Gap::of(*target, est.as_ref()),
                        estimate: est,
                    }
                })
                .collect();
            // A fold from +0.0: an empty float sum is -0.0, which would print as "-0.0".
            let total_gap = cells.iter().fold(0.0, |acc, c| acc + c.gap.size());
            Row {
                user: m.user,
                name: m.name.clone(),
                cells,
                total_gap,
            }
        })
        .collect();
    if sort_by_gap {
        rows.sort_by(|a, b| {
            b.total_gap
                .total_cmp(&a.total_gap)
                .then_with(|| a.name.cmp(&b.name))
        });
    }
    let all: Vec<&Row> = rows.iter().collect();
    let mut rollup = rollup_of(lib, &targets, &all);
    // Columns in order of the team's exposure, largest first.
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by(|&a, &b| rollup[b].exposure.total_cmp(&rollup[a].exposure));
    let skills = order.iter().map(|&i| targets[i].clone()).collect();
    for row in &mut rows {
        row.cells = order.iter().map(|&i| row.cells[i].clone()).collect();
    }
    rollup = order.iter().map(|&i| rollup[i].clone()).collect();
    Matrix {
        skills,
        rows,
        rollup,
    }
}

/// The roll-up per skill of some rows (the whole matrix, or one team's people within it).
/// `skills` are the matrix's columns, in the rows' cell order.
pub fn rollup_of(lib: &Library, skills: &[(SkillId, u8)], rows: &[&Row]) -> Vec<Rollup> {
    skills
        .iter()
        .enumerate()
        .map(|(i, (skill, _))| {
            let gaps: Vec<Gap> = rows.iter().map(|r| r.cells[i].gap).collect();
            let sum: f64 = gaps.iter().fold(0.0, |acc, g| acc + g.size());
            Rollup {
                skill: skill.clone(),
                below_target: gaps.iter().filter(|g| g.size() > 0.0).count(),
                unmeasured: gaps
                    .iter()
                    .filter(|g| matches!(g, Gap::Unmeasured { .. }))
                    .count(),
                mean_gap: if gaps.is_empty() {
                    0.0
                } else {
                    sum / gaps.len() as f64
                },
                exposure: sum * scarcity(lib, skill),
            }
        })
        .collect()
}

/// A spreadsheet-safe CSV field: cells that a spreadsheet would run as a formula get a leading
/// apostrophe.
pub fn csv_safe(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("@cmd"), "'@cmd");
        assert_eq!(csv_safe("Ada"), "Ada");
    }
}
