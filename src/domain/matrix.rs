//! Skill matrices: each person's estimate against their target role, per skill, with the
//! roll-up per skill, the per-group roll-ups behind the daily snapshots and trend charts, and
//! the exposure breakdown by factor and challenge. Built from records or cached estimates
//! already loaded; pure.

use super::catalogue::{Library, Role};
use super::gaps::{Gap, Weights};
use super::ids::SkillId;
use super::people::{Member, MemberRole, Team, TeamId, UserId};
use super::proficiency::{evidence_with_tasks, skill_estimate, Estimate};
use super::progress::{Attempt, ModuleProgress};
use super::task::{ScoredTask, Submission};
use std::collections::{BTreeMap, HashMap};

/// Each person's estimates, by skill (skills without evidence are absent: unknown).
pub type Estimates = HashMap<UserId, BTreeMap<SkillId, Estimate>>;

/// Everyone's estimates from their quiz answers, as of `now`. Answers are grouped by person
/// once, not scanned per person. `_progress` (reading and completions) is not evidence under
/// the learner model v2 (`docs/proficiency.md`) and is ignored; the parameter stays until the
/// callers drop it.
pub fn estimates_of(
    lib: &Library,
    _progress: &[ModuleProgress],
    attempts: &[Attempt],
    submissions: &[Submission],
    now: chrono::DateTime<chrono::Utc>,
) -> Estimates {
    let mut attempts_of: HashMap<UserId, Vec<Attempt>> = HashMap::new();
    for a in attempts {
        attempts_of.entry(a.user).or_default().push(a.clone());
    }
    // Practical tasks scored by `now` (a snapshot as of a past day sees only those).
    let mut tasks_of: HashMap<UserId, Vec<ScoredTask>> = HashMap::new();
    for s in submissions {
        if let Some(t) = s.scored().filter(|t| t.scored_at <= now) {
            tasks_of.entry(s.user).or_default().push(t);
        }
    }
    let mut users: Vec<UserId> = attempts_of.keys().chain(tasks_of.keys()).copied().collect();
    users.sort_by_key(|u| u.0);
    users.dedup();
    users
        .into_iter()
        .map(|user| {
            let a = attempts_of
                .get(&user)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let t = tasks_of.get(&user).map(Vec::as_slice).unwrap_or_default();
            let by_skill = evidence_with_tasks(lib, a, t, now)
                .into_iter()
                .filter_map(|(skill, ev)| {
                    let half_life = lib
                        .skill(skill.as_str())
                        .map(|s| f64::from(s.decay_half_life_days))
                        .unwrap_or(365.0);
                    let plain: Vec<_> = ev.iter().map(|(e, _)| *e).collect();
                    // The same estimate /me/skills shows: capped at 2 until a task is scored.
                    skill_estimate(&plain, half_life).map(|e| (skill, e))
                })
                .collect();
            (user, by_skill)
        })
        .collect()
}

/// One cell: a person's estimate in one skill and, where their role sets a target, the gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub estimate: Option<Estimate>,
    /// `None` when the person's role sets no target in this skill (or they have no role).
    pub gap: Option<Gap>,
}

impl Cell {
    /// The cell as text, readable without colour: "2.1 / 3 ▲0.9", "3.4 / 3 ✓",
    /// "? / 3 unmeasured", "2.1, no target", "?, no target" (evidence too thin or too old to
    /// say: the estimate is unknown).
    pub fn text(&self) -> String {
        match (&self.estimate, self.gap) {
            (Some(e), None) if e.is_unknown() => "?, no target".to_string(),
            (Some(e), None) => format!("{:.1}, no target", e.level),
            (None, None) => "—, no target".to_string(),
            (_, Some(g @ Gap::Unmeasured { .. })) => format!("? / {} unmeasured", g.target()),
            (None, Some(g)) => format!("? / {} unmeasured", g.target()),
            (Some(e), Some(g)) if g.size() <= 0.0 => format!("{:.1} / {} ✓", e.level, g.target()),
            // A gap that rounds to 0.0 is still a gap: "▲<0.1", never "▲0.0".
            (Some(e), Some(g)) if g.size() < 0.05 => {
                format!("{:.1} / {} ▲<0.1", e.level, g.target())
            }
            (Some(e), Some(g)) => format!("{:.1} / {} ▲{:.1}", e.level, g.target(), g.size()),
        }
    }
}

/// A person's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub user: UserId,
    pub name: String,
    /// The role the person is measured against (id), if any.
    pub role: Option<String>,
    pub cells: Vec<Cell>,
    pub total_gap: f64,
}

/// Per skill, across the people who have a target in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    pub skill: SkillId,
    /// People with a target in the skill.
    pub people: usize,
    pub below_target: usize,
    pub unmeasured: usize,
    /// Mean gap in levels over `people` (unmeasured counting their whole target).
    pub mean_gap: f64,
    /// Σ gap × scarcity weight.
    pub exposure: f64,
}

/// The matrix: skills (every target above 0 of the people's roles, largest exposure first) ×
/// people.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub skills: Vec<SkillId>,
    pub rows: Vec<Row>,
    pub rollup: Vec<Rollup>,
}

impl Matrix {
    /// Each person's gaps by skill, where they have a target (for exposure and plans).
    pub fn gaps(&self) -> Vec<BTreeMap<SkillId, Gap>> {
        self.rows
            .iter()
            .map(|r| {
                self.skills
                    .iter()
                    .zip(&r.cells)
                    .filter_map(|(s, c)| c.gap.map(|g| (s.clone(), g)))
                    .collect()
            })
            .collect()
    }
}

/// A person and the role they are measured against.
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    pub member: &'a Member,
    pub role: Option<&'a Role>,
}

/// Builds the matrix of `people` from their estimates.
pub fn build(
    lib: &Library,
    w: &Weights,
    people: &[Person<'_>],
    estimates: &Estimates,
    sort_by_gap: bool,
) -> Matrix {
    // Columns: every skill some person's role targets above 0, in taxonomy order.
    let targeted: std::collections::HashSet<&SkillId> = people
        .iter()
        .filter_map(|p| p.role)
        .flat_map(|r| {
            r.targets
                .iter()
                .filter(|(_, l)| l.value() > 0)
                .map(|(s, _)| s)
        })
        .collect();
    let mut columns: Vec<SkillId> = lib
        .skills()
        .iter()
        .filter(|s| targeted.contains(&s.id))
        .map(|s| s.id.clone())
        .collect();
    // Targets naming skills the taxonomy lacks (content errors) still show, after the rest.
    let mut extra: Vec<SkillId> = targeted
        .into_iter()
        .filter(|s| !columns.contains(s))
        .cloned()
        .collect();
    extra.sort();
    columns.extend(extra);
    let empty = BTreeMap::new();
    let mut rows: Vec<Row> = people
        .iter()
        .map(|p| {
            let mine = estimates.get(&p.member.user).unwrap_or(&empty);
            let cells: Vec<Cell> = columns
                .iter()
                .map(|skill| {
                    let target = p.role.and_then(|r| {
                        r.targets
                            .iter()
                            .find(|(s, l)| s == skill && l.value() > 0)
                            .map(|(_, l)| l.value())
                    });
                    let est = mine.get(skill).copied();
                    Cell {
                        gap: target.map(|t| Gap::of(t, est.as_ref())),
                        estimate: est,
                    }
                })
                .collect();
            // A fold from +0.0: an empty float sum is -0.0, which would print as "-0.0".
            let total_gap = cells
                .iter()
                .fold(0.0, |acc, c| acc + c.gap.map_or(0.0, |g| g.size()));
            Row {
                user: p.member.user,
                name: p.member.name.clone(),
                role: p.role.map(|r| r.id.0.clone()),
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
    let mut rollup = rollup_of(lib, w, &columns, &all);
    // Columns in order of the group's exposure, largest first.
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by(|&a, &b| rollup[b].exposure.total_cmp(&rollup[a].exposure));
    let skills = order.iter().map(|&i| columns[i].clone()).collect();
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
pub fn rollup_of(lib: &Library, w: &Weights, skills: &[SkillId], rows: &[&Row]) -> Vec<Rollup> {
    skills
        .iter()
        .enumerate()
        .map(|(i, skill)| {
            let gaps: Vec<Gap> = rows.iter().filter_map(|r| r.cells[i].gap).collect();
            let sum: f64 = gaps.iter().fold(0.0, |acc, g| acc + g.size());
            Rollup {
                skill: skill.clone(),
                people: gaps.len(),
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
                exposure: sum * w.of(lib, skill),
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

/// One day's roll-up of one skill for a group: a team, or the whole organisation (`team` None),
/// against each person's assigned target role. Stored daily for the trend charts.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub team: Option<TeamId>,
    pub skill: String,
    pub day: chrono::NaiveDate,
    pub people: u32,
    pub below_target: u32,
    pub unmeasured: u32,
    pub mean_gap: f64,
    pub exposure: f64,
}

/// Each of `members` with the role they are measured against (their own, else that of the
/// first of `teams` they belong to that has one).
pub fn people<'a>(lib: &'a Library, members: &'a [Member], teams: &'a [Team]) -> Vec<Person<'a>> {
    members
        .iter()
        .map(|m| Person {
            member: m,
            role: m
                .effective_role(teams)
                .and_then(|r| lib.roles().iter().find(|x| x.id.as_str() == r)),
        })
        .collect()
}

/// One group's roll-up in one skill: the whole organisation's learners (`team: None`) or one
/// team's. What a day's snapshot records.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRollup {
    pub team: Option<TeamId>,
    pub rollup: Rollup,
}

/// The roll-ups of every group, per skill: the organisation's learners as a whole and each
/// team's, every person against their assigned role.
pub fn group_rollups(
    lib: &Library,
    w: &Weights,
    members: &[Member],
    teams: &[Team],
    estimates: &Estimates,
) -> Vec<GroupRollup> {
    let learners: Vec<Member> = members
        .iter()
        .filter(|m| m.has(MemberRole::Learner))
        .cloned()
        .collect();
    let everyone = people(lib, &learners, teams);
    let mut out = Vec::new();
    // People grouped by team in one pass (a person may be in several teams).
    let mut by_team: HashMap<TeamId, Vec<Person<'_>>> = HashMap::new();
    for p in &everyone {
        for t in &p.member.teams {
            by_team.entry(*t).or_default().push(*p);
        }
    }
    let mut groups: Vec<(Option<TeamId>, Vec<Person<'_>>)> = vec![(None, everyone.clone())];
    groups.extend(
        teams
            .iter()
            .map(|t| (Some(t.id), by_team.remove(&t.id).unwrap_or_default())),
    );
    for (team, group) in groups {
        let m = build(lib, w, &group, estimates, false);
        out.extend(
            m.rollup
                .into_iter()
                .map(|rollup| GroupRollup { team, rollup }),
        );
    }
    out
}

/// Exposure summed over the skills of one seed factor or challenge.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureGroup {
    /// "Factor: …" or "Challenge: …".
    pub label: String,
    pub exposure: f64,
    /// The (up to two) skills that drive it most, by name; "—" when none does.
    pub drivers: String,
}

/// Exposure summed by seed factor, then by seed challenge, each with the (up to two) skills that
/// drive it most.
pub fn exposure_breakdown(lib: &Library, rollup: &[Rollup]) -> Vec<ExposureGroup> {
    use super::catalogue::{Challenge, Factor, Mitigation, Skill};
    let group = |label: String, keep: &dyn Fn(&Skill) -> bool| {
        let mut parts: Vec<(f64, String)> = rollup
            .iter()
            .filter_map(|r| {
                lib.skill(r.skill.as_str())
                    .filter(|s| keep(s))
                    .map(|s| (r.exposure, s.name.clone()))
            })
            .collect();
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        let exposure = parts.iter().fold(0.0, |acc, p| acc + p.0);
        let drivers = parts
            .iter()
            .filter(|p| p.0 > 0.0)
            .take(2)
            .map(|p| p.1.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let drivers = if drivers.is_empty() {
            "—".to_string()
        } else {
            drivers
        };
        ExposureGroup {
            label,
            exposure,
            drivers,
        }
    };
    let mut out: Vec<_> = Factor::ALL
        .iter()
        .map(|f| group(format!("Factor: {}", f.label()), &|s| s.factor == *f))
        .collect();
    out.extend(Challenge::ALL.iter().map(|c| {
        group(format!("Challenge: {}", c.label()), &|s| {
            s.challenges.contains(c)
        })
    }));
    out.extend(Mitigation::ALL.iter().map(|m| {
        group(format!("Mitigation: {}", m.label()), &|s| {
            s.mitigations.contains(m)
        })
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{est, skill};
    use crate::domain::ids::RoleId;
    use crate::domain::level::Level;
    use crate::domain::people::OrgId;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("@cmd"), "'@cmd");
        assert_eq!(csv_safe("Ada"), "Ada");
    }

    fn member(id: i64, name: &str) -> Member {
        Member {
            user: UserId(id),
            org: OrgId(1),
            email: format!("{name}@example.org"),
            name: name.into(),
            roles: vec![],
            teams: vec![],
            manages: vec![],
            target_role: None,
        }
    }

    #[test]
    fn unknown_estimates_count_as_unmeasured() {
        // A 95% range three levels wide or more: too little (or too old) evidence to say.
        let wide = Estimate {
            low: 0.6,
            high: 4.0,
            ..est(3.2)
        };
        assert!(wide.is_unknown());
        let cell = Cell {
            estimate: Some(wide),
            gap: Some(Gap::of(2, Some(&wide))),
        };
        assert_eq!(cell.gap, Some(Gap::Unmeasured { target: 2 }));
        assert_eq!(cell.text(), "? / 2 unmeasured");
        let untargeted = Cell {
            estimate: Some(wide),
            gap: None,
        };
        assert_eq!(untargeted.text(), "?, no target");
        let narrow = Estimate {
            low: 1.5,
            high: 4.0,
            ..est(3.2)
        };
        assert!(!narrow.is_unknown());
        assert_eq!(
            Cell {
                estimate: Some(narrow),
                gap: Some(Gap::of(2, Some(&narrow))),
            }
            .text(),
            "3.2 / 2 ✓"
        );
    }

    #[test]
    fn people_are_measured_against_their_own_roles_and_the_rollup_counts_only_targets() {
        let lib = Library::new(
            vec![skill("a", 1.0), skill("b", 0.5)],
            vec![],
            vec![],
            Default::default(),
        );
        let role = |id: &str, t: &[(&str, u8)]| Role {
            id: RoleId(id.into()),
            name: id.into(),
            description: String::new(),
            targets: t
                .iter()
                .map(|(s, l)| (SkillId::new(*s), Level::new(*l).unwrap()))
                .collect(),
        };
        let eng = role("eng", &[("a", 3), ("b", 2)]);
        let lead = role("lead", &[("a", 2)]);
        let (ann, bob, cy) = (member(1, "Ann"), member(2, "Bob"), member(3, "Cy"));
        let people = [
            Person {
                member: &ann,
                role: Some(&eng),
            },
            Person {
                member: &bob,
                role: Some(&lead),
            },
            Person {
                member: &cy,
                role: None,
            },
        ];
        let estimates: Estimates = [
            (UserId(1), [(SkillId::new("a"), est(1.0))].into()),
            (
                UserId(2),
                [(SkillId::new("a"), est(2.5)), (SkillId::new("b"), est(1.0))].into(),
            ),
            (UserId(3), [(SkillId::new("a"), est(4.0))].into()),
        ]
        .into();
        let m = build(&lib, &Weights::default(), &people, &estimates, true);
        // a: Ann 3 − 1 = 2, Bob met (2.5 ≥ 2): exposure 2 × 1.0. b: Ann unmeasured 2 × 0.5 = 1.
        assert_eq!(m.skills, [SkillId::new("a"), SkillId::new("b")]);
        assert_eq!(m.rows[0].name, "Ann", "largest total gap first");
        assert_eq!(m.rows[0].total_gap, 4.0);
        assert_eq!(m.rows[0].cells[0].text(), "1.0 / 3 ▲2.0");
        assert_eq!(m.rows[0].cells[1].text(), "? / 2 unmeasured");
        let bob_row = m.rows.iter().find(|r| r.name == "Bob").unwrap();
        assert_eq!(bob_row.cells[0].text(), "2.5 / 2 ✓");
        let tiny = Cell {
            estimate: Some(est(1.97)),
            gap: Some(Gap::of(2, Some(&est(1.97)))),
        };
        assert_eq!(tiny.text(), "2.0 / 2 ▲<0.1");
        assert_eq!(bob_row.cells[1].text(), "1.0, no target");
        let cy_row = m.rows.iter().find(|r| r.name == "Cy").unwrap();
        assert_eq!(cy_row.cells[0].text(), "4.0, no target");
        let a = &m.rollup[0];
        assert_eq!((a.people, a.below_target, a.unmeasured), (2, 1, 0));
        assert_eq!((a.mean_gap, a.exposure), (1.0, 2.0));
        let b = &m.rollup[1];
        assert_eq!((b.people, b.below_target, b.unmeasured), (1, 1, 1));
        assert_eq!((b.mean_gap, b.exposure), (2.0, 1.0));
        // An organisation's override changes the exposure, not the gaps.
        let w = Weights::with_overrides([(SkillId::new("a"), 0.1)]);
        let m = build(&lib, &w, &people, &estimates, true);
        assert_eq!(
            m.skills[0],
            SkillId::new("b"),
            "b now carries more exposure"
        );
        assert!((m.rollup[1].exposure - 0.2).abs() < 1e-12);
    }
}
