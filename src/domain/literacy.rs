//! The AI-literacy record: per person, the level of the `ai-literacy` skill their role profile
//! needs, the evidence they have for it (completed modules that teach it, adaptive skill checks,
//! quiz attempts, scored practical tasks), their current estimate, whether that evidence is
//! current, and a status; per group, the share of the people with a need who meet it.
//!
//! The EU AI Act's Art. 4 has asked providers and deployers of AI systems to ensure a sufficient
//! level of AI literacy of their staff since 2 February 2025. This record shows evidence an
//! organisation can point to; it does not decide, and nothing here claims, legal compliance.
//!
//! Pure: std and chrono only (and the domain's own types).

use super::catalogue::{Library, Role};
use super::gaps::Gap;
use super::ids::SkillId;
use super::people::{Member, TeamId, UserId};
use super::proficiency::{evidence_with_tasks, skill_estimate, Estimate};
use super::progress::{Attempt, AttemptKind, ModuleProgress};
use super::task::ScoredTask;
use chrono::{DateTime, Months, Utc};

/// The skill the record is about (its id in `content/skills.yaml`).
pub const SKILL: &str = "ai-literacy";

/// How long evidence stays current, in months: someone who meets their role's level counts as
/// covered only while their latest piece of AI-literacy evidence is at most this old; after
/// that they show as lapsed until they add new evidence (a module, a check, a quiz or a task).
/// Twelve months matches an annual training cycle; it is Levelfield's choice, not a legal
/// threshold.
pub const CURRENT_MONTHS: u32 = 12;

/// Where a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// The estimate is at or above the level needed, and the evidence is current.
    Meets,
    /// The estimate is at or above the level needed, but the latest evidence is older than
    /// [`CURRENT_MONTHS`].
    Lapsed,
    /// The estimate is under the level needed, or the evidence is too thin or too old to place
    /// it (the estimate reads unknown).
    Below,
    /// A level is needed and there is no evidence at all.
    NoEvidence,
    /// The person's role profile sets no AI-literacy level.
    NoTarget,
    /// No role profile is assigned to the person, neither their own nor a team's.
    NoRole,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Meets,
        Status::Lapsed,
        Status::Below,
        Status::NoEvidence,
        Status::NoTarget,
        Status::NoRole,
    ];

    /// The name in exports.
    pub fn key(self) -> &'static str {
        match self {
            Status::Meets => "meets",
            Status::Lapsed => "lapsed",
            Status::Below => "below",
            Status::NoEvidence => "no evidence",
            Status::NoTarget => "no level set",
            Status::NoRole => "no role",
        }
    }

    /// The name on the page.
    pub fn label(self) -> &'static str {
        match self {
            Status::Meets => "Meets",
            Status::Lapsed => "Lapsed",
            Status::Below => "Below",
            Status::NoEvidence => "No evidence",
            Status::NoTarget => "No level set",
            Status::NoRole => "No role",
        }
    }

    /// What it means, in a sentence.
    pub fn meaning(self) -> String {
        match self {
            Status::Meets => {
                format!("the estimate is at or above the level the role needs, and the latest evidence is at most {CURRENT_MONTHS} months old")
            }
            Status::Lapsed => {
                format!("the estimate reaches the level, but the latest evidence is older than {CURRENT_MONTHS} months")
            }
            Status::Below => "the estimate is under the level the role needs, or the evidence is too thin or too old to place it".to_string(),
            Status::NoEvidence => "the role needs a level and there is no evidence yet".to_string(),
            Status::NoTarget => "the person's role profile sets no AI-literacy level".to_string(),
            Status::NoRole => "no role profile is assigned, neither the person's own nor their team's".to_string(),
        }
    }

    /// Whether the person has a level to reach (and so counts in the share covered).
    pub fn has_need(self) -> bool {
        !matches!(self, Status::NoTarget | Status::NoRole)
    }
}

/// One piece of AI-literacy evidence.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A completed module that teaches the skill.
    Module { title: String, at: DateTime<Utc> },
    /// An adaptive skill check: its answers on one day (UTC), and the person's estimate after
    /// the last of them (as the learner model gave it then: capped at level 2 unless a practical
    /// task had been scored).
    Check {
        at: DateTime<Utc>,
        answers: usize,
        correct: usize,
        level: Option<Estimate>,
    },
    /// A quiz attempt at a module that teaches the skill (or asks about it).
    Quiz {
        title: String,
        at: DateTime<Utc>,
        score: u32,
        total: u32,
    },
    /// A scored practical task for the skill.
    Task {
        title: String,
        at: DateTime<Utc>,
        level: u8,
        passed: bool,
    },
}

impl Item {
    /// When it happened (a check: its last answer; a task: when it was scored).
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Item::Module { at, .. }
            | Item::Check { at, .. }
            | Item::Quiz { at, .. }
            | Item::Task { at, .. } => *at,
        }
    }

    /// Its kind, as a short label.
    pub fn kind(&self) -> &'static str {
        match self {
            Item::Module { .. } => "module completed",
            Item::Check { .. } => "skill check",
            Item::Quiz { .. } => "quiz",
            Item::Task { .. } => "practical task",
        }
    }

    /// What it is, without its date: "Using AI tools safely", "3 answers, 2 right, level 1.4
    /// (95% range 0.9–1.9)", "Using AI tools safely: 4 of 5", "Team learning plan, level 3,
    /// passed".
    pub fn detail(&self) -> String {
        match self {
            Item::Module { title, .. } => title.clone(),
            Item::Check {
                answers,
                correct,
                level,
                ..
            } => {
                let plural = if *answers == 1 { "" } else { "s" };
                format!(
                    "{answers} answer{plural}, {correct} right, {}",
                    level_text(level.as_ref())
                )
            }
            Item::Quiz {
                title,
                score,
                total,
                ..
            } => format!("{title}: {score} of {total}"),
            Item::Task {
                title,
                level,
                passed,
                ..
            } => {
                let outcome = if *passed { "passed" } else { "not passed" };
                format!("{title}, level {level}, {outcome}")
            }
        }
    }

    /// The whole line: "2026-03-01 skill check: 3 answers, …".
    pub fn text(&self) -> String {
        format!("{} {}: {}", day(self.at()), self.kind(), self.detail())
    }
}

/// A date as the record shows it: `2026-03-01` (UTC).
pub fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// An estimate as the record shows it: "level 1.8 (95% range 1.2–2.5)", "level unknown (95%
/// range 0.4–3.8)", "no estimate"; a capped one as "level 2.0 (95% range at least 2.0, capped
/// at 2)" rather than a measured-looking "2.0–2.0", and one above the hardest question or task
/// tested says so ("…, above the hardest tested (difficulty 1)").
pub fn level_text(e: Option<&Estimate>) -> String {
    match e {
        None => "no estimate".to_string(),
        Some(e) if e.is_unknown() => {
            format!("level unknown (95% range {:.1}–{:.1})", e.low, e.high)
        }
        Some(e) => {
            let mut text = format!("level {:.1} (95% range {})", e.level, e.range_text());
            // "capped at 2" is in the range's text already.
            for c in e.caveats().iter().filter(|c| !c.starts_with("capped")) {
                text.push_str(", ");
                text.push_str(c);
            }
            text
        }
    }
}

/// The level `role` needs in [`SKILL`], if it sets one above 0.
pub fn need_of(role: &Role) -> Option<u8> {
    role.targets
        .iter()
        .find(|(s, l)| s.as_str() == SKILL && l.value() > 0)
        .map(|(_, l)| l.value())
}

/// Whether evidence last added at `latest` is current at `now` (at most [`CURRENT_MONTHS`]
/// old). No evidence is not current.
pub fn is_current(latest: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    let cutoff = now
        .checked_sub_months(Months::new(CURRENT_MONTHS))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    latest.is_some_and(|l| l >= cutoff)
}

/// The status of someone with a role (`has_role`) needing `need`, whose estimate is `estimate`
/// and whose latest evidence is from `latest`, at `now`. The estimate meets the need when it is
/// known ([`Estimate::is_unknown`] is not) and at or above it, as in the team heatmap.
pub fn status(
    has_role: bool,
    need: Option<u8>,
    estimate: Option<&Estimate>,
    latest: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Status {
    let Some(need) = need else {
        return if has_role {
            Status::NoTarget
        } else {
            Status::NoRole
        };
    };
    if latest.is_none() && estimate.is_none() {
        return Status::NoEvidence;
    }
    let meets = matches!(Gap::of(need, estimate), Gap::Measured { gap, .. } if gap <= 0.0);
    match (meets, is_current(latest, now)) {
        (true, true) => Status::Meets,
        (true, false) => Status::Lapsed,
        (false, _) => Status::Below,
    }
}

/// A person's AI-literacy evidence, newest first: completed modules that teach [`SKILL`], the
/// adaptive checks of it (answers grouped by UTC day), quiz attempts at modules that teach it
/// or ask about it, and its scored practical tasks. Modules no longer in `lib` are shown by id
/// where the record itself says what it was about (a quiz answer's skill, a task's skill).
pub fn evidence(
    lib: &Library,
    progress: &[ModuleProgress],
    attempts: &[Attempt],
    tasks: &[ScoredTask],
) -> Vec<Item> {
    let skill = SkillId::new(SKILL);
    let teaches = |module: &str| {
        lib.module(module)
            .is_some_and(|m| m.teaches(&skill).is_some())
    };
    let title = |module: &str| {
        lib.module(module)
            .map(|m| m.title.clone())
            .unwrap_or_else(|| module.to_string())
    };
    let mut out: Vec<Item> = progress
        .iter()
        .filter(|p| teaches(&p.module))
        .filter_map(|p| {
            p.completed_at.map(|at| Item::Module {
                title: title(&p.module),
                at,
            })
        })
        .collect();
    out.extend(
        attempts
            .iter()
            .filter(|a| a.kind == AttemptKind::Quiz)
            .filter(|a| teaches(&a.module) || a.answers.iter().any(|x| x.skill == SKILL))
            .map(|a| Item::Quiz {
                title: title(&a.module),
                at: a.submitted_at,
                score: a.score,
                total: a.total,
            }),
    );
    out.extend(checks(lib, attempts, tasks));
    out.extend(tasks.iter().filter(|t| t.skill == skill).map(|t| {
        let task = lib
            .module(&t.module)
            .and_then(|m| m.task.as_ref())
            .filter(|x| x.id == t.task)
            .map(|x| x.title.clone())
            .unwrap_or_else(|| t.task.clone());
        Item::Task {
            title: format!("{task} ({})", title(&t.module)),
            at: t.scored_at,
            level: t.level,
            passed: t.passed,
        }
    }));
    out.sort_by_key(|i| std::cmp::Reverse(i.at()));
    out
}

/// The adaptive checks of [`SKILL`] in `attempts` (one person's, with their scored `tasks`): the
/// check answers on the skill grouped by UTC day, each with the person's estimate as of its last
/// answer (from their answers and tasks up to then, as the learner model shows it), oldest
/// first.
pub fn checks(lib: &Library, attempts: &[Attempt], tasks: &[ScoredTask]) -> Vec<Item> {
    let mut answers: Vec<(DateTime<Utc>, bool)> = attempts
        .iter()
        .filter(|a| a.kind == AttemptKind::Check)
        .flat_map(|a| {
            a.answers
                .iter()
                .filter(|x| x.skill == SKILL)
                .map(|x| (a.submitted_at, x.correct))
        })
        .collect();
    answers.sort_by_key(|(at, _)| *at);
    let half_life = lib
        .skill(SKILL)
        .map(|s| f64::from(s.decay_half_life_days))
        .unwrap_or(365.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < answers.len() {
        let date = answers[i].0.date_naive();
        let same_day = answers[i..]
            .iter()
            .take_while(|(at, _)| at.date_naive() == date)
            .count();
        let group = &answers[i..i + same_day];
        let last = group[group.len() - 1].0;
        let before: Vec<Attempt> = attempts
            .iter()
            .filter(|a| a.submitted_at <= last)
            .cloned()
            .collect();
        let scored: Vec<ScoredTask> = tasks
            .iter()
            .filter(|t| t.scored_at <= last)
            .cloned()
            .collect();
        let plain: Vec<_> = evidence_with_tasks(lib, &before, &scored, last)
            .remove(&SkillId::new(SKILL))
            .unwrap_or_default()
            .into_iter()
            .map(|(e, _)| e)
            .collect();
        out.push(Item::Check {
            at: last,
            answers: group.len(),
            correct: group.iter().filter(|(_, c)| *c).count(),
            level: skill_estimate(&plain, half_life),
        });
        i += same_day;
    }
    out
}

/// One person's line of the record.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    pub user: UserId,
    pub name: String,
    pub email: String,
    pub teams: Vec<TeamId>,
    /// The role profile they are measured against (its id and name): their own, else their
    /// team's.
    pub role: Option<(String, String)>,
    /// The level of [`SKILL`] their role needs (`None`: no role, or it sets none).
    pub need: Option<u8>,
    /// Newest first.
    pub evidence: Vec<Item>,
    /// Their current estimate in [`SKILL`] (the learner model's, as the team heatmap shows it).
    pub estimate: Option<Estimate>,
    /// When they last added evidence.
    pub latest: Option<DateTime<Utc>>,
    pub current: bool,
    pub status: Status,
}

/// `member`'s line, measured against `role`, from their `evidence` and `estimate`, at `now`.
pub fn record(
    member: &Member,
    role: Option<&Role>,
    evidence: Vec<Item>,
    estimate: Option<Estimate>,
    now: DateTime<Utc>,
) -> PersonRecord {
    let need = role.and_then(need_of);
    let latest = evidence.iter().map(Item::at).max();
    PersonRecord {
        user: member.user,
        name: member.name.clone(),
        email: member.email.clone(),
        teams: member.teams.clone(),
        role: role.map(|r| (r.id.0.clone(), r.name.clone())),
        need,
        status: status(role.is_some(), need, estimate.as_ref(), latest, now),
        current: is_current(latest, now),
        evidence,
        estimate,
        latest,
    }
}

/// How much of a group is covered: of the people whose role needs a level, how many meet it
/// with current evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    /// People whose role needs an AI-literacy level.
    pub with_need: usize,
    /// Of them, those who meet it (status [`Status::Meets`]).
    pub meets: usize,
}

impl Coverage {
    pub fn of<'a>(records: impl IntoIterator<Item = &'a PersonRecord>) -> Coverage {
        records.into_iter().fold(Coverage::default(), |mut c, r| {
            if r.status.has_need() {
                c.with_need += 1;
            }
            if r.status == Status::Meets {
                c.meets += 1;
            }
            c
        })
    }

    /// Meets ÷ people with a need, 0 to 1; `None` when no one has a need.
    pub fn share(&self) -> Option<f64> {
        (self.with_need > 0).then(|| self.meets as f64 / self.with_need as f64)
    }

    /// "3 of 4 (75%)", or "no one here has a level to reach".
    pub fn text(&self) -> String {
        match self.share() {
            Some(s) => format!("{} of {} ({:.0}%)", self.meets, self.with_need, s * 100.0),
            None => "no one here has a level to reach".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::Difficulty;
    use crate::domain::fixtures::{est, skill};
    use crate::domain::ids::{ModuleId, RoleId};
    use crate::domain::level::Level;
    use crate::domain::people::{AttemptId, OrgId};
    use crate::domain::progress::AnswerRecord;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    fn role(id: &str, targets: &[(&str, u8)]) -> Role {
        Role {
            id: RoleId(id.into()),
            name: id.to_uppercase(),
            description: String::new(),
            targets: targets
                .iter()
                .map(|(s, l)| (SkillId::new(*s), Level::new(*l).unwrap()))
                .collect(),
        }
    }

    fn lib() -> Library {
        let module = |id: &str, skill: &str| {
            crate::domain::catalogue::Module::new(
                ModuleId::new(id),
                id.into(),
                format!("Module {id}"),
                String::new(),
                vec![(SkillId::new(skill), Level::new(2).unwrap())],
                10,
                vec![],
                Difficulty::Beginner,
                vec![],
                String::new(),
                vec![],
                vec![],
                0,
                0,
            )
        };
        Library::new(
            vec![skill(SKILL, 0.5), skill("evaluation", 0.5)],
            vec![],
            vec![module("lit", SKILL), module("eval", "evaluation")],
            Default::default(),
        )
    }

    fn attempt(
        kind: AttemptKind,
        module: &str,
        skill: &str,
        at: DateTime<Utc>,
        right: &[bool],
    ) -> Attempt {
        Attempt {
            id: AttemptId(0),
            user: UserId(1),
            kind,
            module: module.into(),
            score: right.iter().filter(|r| **r).count() as u32,
            total: right.len() as u32,
            answers: right
                .iter()
                .enumerate()
                .map(|(i, r)| AnswerRecord {
                    question: format!("{module}-{}-q{i}", at.timestamp()),
                    skill: skill.into(),
                    difficulty: 1,
                    selected: vec![0],
                    correct: *r,
                })
                .collect(),
            submitted_at: at,
            seed: None,
        }
    }

    #[test]
    fn statuses_follow_the_need_the_estimate_and_the_age_of_the_evidence() {
        let now = at(2026, 11, 30);
        let recent = Some(at(2026, 6, 1));
        let old = Some(at(2025, 11, 29));
        assert_eq!(status(false, None, None, None, now), Status::NoRole);
        assert_eq!(
            status(true, None, Some(&est(3.0)), recent, now),
            Status::NoTarget,
            "a role that sets no level"
        );
        assert_eq!(status(true, Some(2), None, None, now), Status::NoEvidence);
        assert_eq!(
            status(true, Some(2), Some(&est(2.0)), recent, now),
            Status::Meets,
            "at the need meets it"
        );
        assert_eq!(
            status(true, Some(2), Some(&est(3.1)), recent, now),
            Status::Meets
        );
        assert_eq!(
            status(true, Some(2), Some(&est(1.9)), recent, now),
            Status::Below
        );
        assert_eq!(
            status(true, Some(2), Some(&est(2.4)), old, now),
            Status::Lapsed
        );
        assert_eq!(
            status(true, Some(2), Some(&est(1.0)), old, now),
            Status::Below,
            "below stays below"
        );
        // Evidence too thin or too old to place the level: not met.
        let unknown = Estimate {
            low: 0.5,
            high: 3.9,
            ..est(2.5)
        };
        assert_eq!(
            status(true, Some(2), Some(&unknown), recent, now),
            Status::Below
        );
    }

    #[test]
    fn evidence_is_current_for_twelve_months() {
        let now = at(2026, 11, 30);
        assert!(
            is_current(Some(at(2025, 11, 30)), now),
            "exactly twelve months"
        );
        assert!(!is_current(Some(at(2025, 11, 29)), now));
        assert!(is_current(Some(now), now));
        assert!(!is_current(None, now));
    }

    #[test]
    fn the_need_is_the_roles_target_above_zero() {
        assert_eq!(
            need_of(&role("worker", &[(SKILL, 2), ("evaluation", 3)])),
            Some(2)
        );
        assert_eq!(need_of(&role("analyst", &[("evaluation", 2)])), None);
        assert_eq!(need_of(&role("none", &[(SKILL, 0)])), None);
    }

    #[test]
    fn evidence_lists_modules_checks_quizzes_and_tasks_on_the_skill_only() {
        let lib = lib();
        let progress = |module: &str, done: Option<DateTime<Utc>>| ModuleProgress {
            user: UserId(1),
            module: module.into(),
            sections_reached: 1,
            sections_total: 1,
            resume_anchor: None,
            started_at: at(2026, 1, 1),
            updated_at: at(2026, 1, 1),
            completed_at: done,
        };
        let progress = [
            progress("lit", Some(at(2026, 2, 1))),
            progress("eval", Some(at(2026, 2, 2))),
            progress("lit-old", None),
        ];
        let mut morning = attempt(AttemptKind::Check, "lit", SKILL, at(2026, 3, 1), &[true]);
        morning.submitted_at -= chrono::Duration::hours(2);
        let attempts = [
            attempt(
                AttemptKind::Quiz,
                "lit",
                SKILL,
                at(2026, 2, 1),
                &[true, true, false],
            ),
            attempt(
                AttemptKind::Quiz,
                "eval",
                "evaluation",
                at(2026, 2, 2),
                &[true],
            ),
            morning,
            attempt(AttemptKind::Check, "lit", SKILL, at(2026, 3, 1), &[false]),
            attempt(AttemptKind::Check, "lit", SKILL, at(2026, 4, 1), &[true]),
            attempt(
                AttemptKind::Check,
                "eval",
                "evaluation",
                at(2026, 4, 2),
                &[true],
            ),
        ];
        let task = |skill: &str, passed: bool, when: DateTime<Utc>| ScoredTask {
            module: "lit".into(),
            task: "plan".into(),
            skill: SkillId::new(skill),
            level: 3,
            weight: 1.0,
            passed,
            scored_at: when,
        };
        let tasks = [
            task(SKILL, false, at(2026, 5, 1)),
            task("evaluation", true, at(2026, 5, 2)),
        ];
        let items = evidence(&lib, &progress, &attempts, &tasks);
        let lines: Vec<String> = items
            .iter()
            .map(|i| format!("{} {}", day(i.at()), i.kind()))
            .collect();
        assert_eq!(
            lines,
            [
                "2026-05-01 practical task",
                "2026-04-01 skill check",
                "2026-03-01 skill check",
                "2026-02-01 module completed",
                "2026-02-01 quiz",
            ],
            "newest first (a tie in the order given), nothing on another skill"
        );
        // Two answers on one day are one check; its level is the model's after the last one.
        let Item::Check {
            answers,
            correct,
            level,
            ..
        } = &items[2]
        else {
            panic!("{items:?}")
        };
        assert_eq!((*answers, *correct), (2, 1));
        assert!(level.is_some());
        assert!(
            items[2].detail().starts_with("2 answers, 1 right, level "),
            "{items:?}"
        );
        assert_eq!(items[0].detail(), "plan (Module lit), level 3, not passed");
        assert_eq!(items[3].text(), "2026-02-01 module completed: Module lit");
        assert_eq!(items[4].detail(), "Module lit: 2 of 3");
    }

    #[test]
    fn a_checks_level_is_the_models_at_the_time_capped_until_a_task() {
        let lib = lib();
        let mut hard = attempt(AttemptKind::Check, "lit", SKILL, at(2026, 3, 1), &[true; 8]);
        for a in &mut hard.answers {
            a.difficulty = 3;
        }
        let level = |tasks: &[ScoredTask]| match checks(&lib, std::slice::from_ref(&hard), tasks)
            .as_slice()
        {
            [Item::Check { level: Some(e), .. }] => e.level,
            other => panic!("{other:?}"),
        };
        assert!(level(&[]) <= 2.0, "answers alone show up to 2");
        let task = |when| ScoredTask {
            module: "lit".into(),
            task: "plan".into(),
            skill: SkillId::new(SKILL),
            level: 3,
            weight: 1.0,
            passed: true,
            scored_at: when,
        };
        assert!(level(&[task(at(2026, 2, 1))]) > 2.0, "a task scored before");
        assert!(
            level(&[task(at(2026, 4, 1))]) <= 2.0,
            "not one scored after"
        );
    }

    #[test]
    fn a_record_takes_the_latest_evidence_and_the_roles_need() {
        let now = at(2026, 11, 30);
        let member = Member {
            user: UserId(7),
            org: OrgId(1),
            email: "ann@a.test".into(),
            name: "Ann".into(),
            roles: vec![],
            teams: vec![TeamId(3)],
            manages: vec![],
            target_role: None,
        };
        let worker = role("worker", &[(SKILL, 2)]);
        let items = vec![
            Item::Module {
                title: "m".into(),
                at: at(2025, 1, 1),
            },
            Item::Quiz {
                title: "m".into(),
                at: at(2025, 6, 1),
                score: 1,
                total: 1,
            },
        ];
        let r = record(&member, Some(&worker), items, Some(est(2.2)), now);
        assert_eq!(r.need, Some(2));
        assert_eq!(r.latest, Some(at(2025, 6, 1)));
        assert!(!r.current);
        assert_eq!(r.status, Status::Lapsed);
        assert_eq!(r.role, Some(("worker".into(), "WORKER".into())));
        let none = record(&member, None, vec![], None, now);
        assert_eq!(
            (none.status, none.need, none.latest),
            (Status::NoRole, None, None)
        );
    }

    #[test]
    fn coverage_counts_those_who_meet_among_those_with_a_need() {
        let now = at(2026, 11, 30);
        let member = |id: i64| Member {
            user: UserId(id),
            org: OrgId(1),
            email: String::new(),
            name: format!("p{id}"),
            roles: vec![],
            teams: vec![],
            manages: vec![],
            target_role: None,
        };
        let worker = role("worker", &[(SKILL, 1)]);
        let analyst = role("analyst", &[("evaluation", 1)]);
        let fresh = || {
            vec![Item::Module {
                title: "m".into(),
                at: at(2026, 10, 1),
            }]
        };
        let records = [
            record(&member(1), Some(&worker), fresh(), Some(est(1.5)), now),
            record(&member(2), Some(&worker), fresh(), Some(est(0.5)), now),
            record(&member(3), Some(&worker), vec![], None, now),
            record(&member(4), Some(&analyst), fresh(), Some(est(3.0)), now),
            record(&member(5), None, fresh(), Some(est(3.0)), now),
        ];
        let statuses: Vec<Status> = records.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Meets,
                Status::Below,
                Status::NoEvidence,
                Status::NoTarget,
                Status::NoRole
            ]
        );
        let c = Coverage::of(&records);
        assert_eq!((c.meets, c.with_need), (1, 3));
        assert_eq!(c.text(), "1 of 3 (33%)");
        assert_eq!(Coverage::of(&records[3..]).share(), None);
        assert_eq!(
            Coverage::of(&records[3..]).text(),
            "no one here has a level to reach"
        );
    }
}
