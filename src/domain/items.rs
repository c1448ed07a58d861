//! Item statistics for authors: how each quiz question behaves, measured on learners' first
//! answers.
//!
//! Only a learner's **first answer** to a question counts ([`first_answers`]): the earliest
//! (by submission time, then attempt id) answer of that learner to that question of that
//! module. Retakes are practice, not measurement; counting them would inflate the facility of
//! every question a learner retakes until they pass.
//!
//! Per question, over those first answers ([`module_items`]):
//!
//! - **attempts**: how many learners answered it (first answers);
//! - **facility**: the share of them who answered it right;
//! - **discrimination**: the item–rest correlation, the point-biserial (Pearson) correlation
//!   between "right on this question" (1/0) and the learner's **rest score**: the share right of
//!   the learner's first answers to the *other* questions of the same module (questions the
//!   module holds now; a learner who answered no other question of the module has no rest score
//!   and is left out of this one figure). It is undefined (`None`) with fewer than two such
//!   learners, or when either side does not vary (everyone right, or every rest score equal);
//! - **choice picks**: how often each choice (by its authored index, shown as a letter) was
//!   picked; for "select all" questions every selected choice counts, so shares may add up to
//!   more than 100%;
//! - **flags**: facility above 0.95 or below 0.2, discrimination below 0.1, and a distractor
//!   (a choice that is not keyed) nobody picked.
//!
//! Figures and flags are given only once a question has [`MIN_ATTEMPTS`] first answers: below
//! that they say more about who happened to answer than about the question.
//!
//! Pure: std, serde and the domain's own types (ids, times); no I/O.

use super::catalogue::{Library, Module};
use super::people::{AttemptId, UserId};
use super::quiz::Question;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// First answers a question needs before its figures are shown.
pub const MIN_ATTEMPTS: usize = 30;

/// Facility above this flags a question as very easy.
pub const EASY_ABOVE: f64 = 0.95;
/// Facility below this flags a question as very hard.
pub const HARD_BELOW: f64 = 0.2;
/// Discrimination below this flags a question as not telling stronger from weaker learners.
pub const WEAK_BELOW: f64 = 0.1;

/// One stored answer, as item statistics read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemAnswer {
    pub user: UserId,
    pub attempt: AttemptId,
    pub module: String,
    pub question: String,
    /// When the attempt holding this answer was submitted.
    pub at: DateTime<Utc>,
    /// Authored indexes of the selected choices.
    pub selected: Vec<u8>,
    pub correct: bool,
}

/// What item statistics need to know of a question: its id and which choices are keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemShape {
    pub id: String,
    /// `keyed[i]`: whether the choice with authored index `i` is a right answer.
    pub keyed: Vec<bool>,
}

impl From<&Question> for ItemShape {
    fn from(q: &Question) -> Self {
        ItemShape {
            id: q.id.0.clone(),
            keyed: q.choices.iter().map(|c| c.correct).collect(),
        }
    }
}

/// A reason to look at a question again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flag {
    /// Facility above [`EASY_ABOVE`].
    VeryEasy,
    /// Facility below [`HARD_BELOW`].
    VeryHard,
    /// Discrimination below [`WEAK_BELOW`] (negative included).
    WeakDiscrimination,
    /// The distractor with this authored index was never picked.
    UnusedDistractor(u8),
}

impl Flag {
    /// The flag in words, for authors.
    pub fn label(self) -> String {
        match self {
            Flag::VeryEasy => "very easy (over 95% right)".to_string(),
            Flag::VeryHard => "very hard (under 20% right)".to_string(),
            Flag::WeakDiscrimination => {
                "weak discrimination (under 0.10): does not separate stronger from weaker learners"
                    .to_string()
            }
            Flag::UnusedDistractor(i) => format!("choice {} never picked", letter(i)),
        }
    }

    /// A short form for narrow tables (the command line).
    pub fn short(self) -> String {
        match self {
            Flag::VeryEasy => "easy".to_string(),
            Flag::VeryHard => "hard".to_string(),
            Flag::WeakDiscrimination => "weak".to_string(),
            Flag::UnusedDistractor(i) => format!("unused-{}", letter(i)),
        }
    }
}

/// The letter of an authored choice index: 0 is `A`.
pub fn letter(index: u8) -> char {
    char::from(b'A'.saturating_add(index.min(25)))
}

/// How often one choice was picked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pick {
    /// Authored index.
    pub index: u8,
    pub keyed: bool,
    pub count: usize,
    /// `count` over the question's attempts.
    pub share: f64,
}

/// A question's figures, once it has enough first answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub facility: f64,
    pub discrimination: Option<f64>,
    pub picks: Vec<Pick>,
    pub flags: Vec<Flag>,
}

impl Figures {
    /// The picks as text: `A 20% · B✓ 60% · C 20% · D 0%`, the keyed choices marked with
    /// `key_mark`.
    pub fn picks_text(&self, key_mark: &str) -> String {
        self.picks
            .iter()
            .map(|p| {
                let mark = if p.keyed { key_mark } else { "" };
                format!("{}{mark} {}", letter(p.index), percent(p.share))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The flags in words, joined; empty when there is none.
    pub fn flags_text(&self) -> String {
        self.flags
            .iter()
            .map(|f| f.label())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One question's statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStats {
    pub question: String,
    /// First answers to it.
    pub attempts: usize,
    /// The figures, once `attempts` reached the minimum; `None` before.
    pub figures: Option<Figures>,
}

/// A share as a whole percentage: `0.6` is `60%`.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A correlation with two decimals and a true minus sign; `—` when undefined.
pub fn correlation_text(r: Option<f64>) -> String {
    match r {
        Some(r) if r < -0.005 => format!("\u{2212}{:.2}", -r),
        Some(r) => format!("{:.2}", r.abs()),
        None => "\u{2014}".to_string(),
    }
}

/// Each learner's first answer to each question of each module: the earliest by submission
/// time, ties broken by the lower attempt id. The result is ordered by (module, question,
/// user).
pub fn first_answers<'a>(answers: impl IntoIterator<Item = &'a ItemAnswer>) -> Vec<&'a ItemAnswer> {
    let mut first: BTreeMap<(&str, &str, UserId), &ItemAnswer> = BTreeMap::new();
    for a in answers {
        let key = (a.module.as_str(), a.question.as_str(), a.user);
        match first.get(&key) {
            Some(kept) if (kept.at, kept.attempt) <= (a.at, a.attempt) => {}
            _ => {
                first.insert(key, a);
            }
        }
    }
    first.into_values().collect()
}

/// The statistics of every question of `module` (in the order of `questions`), from
/// `answers` (any answers: other modules' and later answers are left out here), with figures
/// for questions that have at least `min_attempts` first answers.
pub fn module_items<'a>(
    module: &str,
    questions: &[ItemShape],
    answers: impl IntoIterator<Item = &'a ItemAnswer>,
    min_attempts: usize,
) -> Vec<ItemStats> {
    let index: HashMap<&str, usize> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.as_str(), i))
        .collect();
    // Per learner, their first answer to each question the module holds now.
    let mut by_user: BTreeMap<UserId, Vec<Option<&ItemAnswer>>> = BTreeMap::new();
    for a in first_answers(answers) {
        if a.module != module {
            continue;
        }
        if let Some(&q) = index.get(a.question.as_str()) {
            by_user
                .entry(a.user)
                .or_insert_with(|| vec![None; questions.len()])[q] = Some(a);
        }
    }
    questions
        .iter()
        .enumerate()
        .map(|(q, shape)| {
            let mut attempts = 0usize;
            let mut right = 0usize;
            let mut picks = vec![0usize; shape.keyed.len()];
            // (right on this question, rest score) for learners with a rest score.
            let mut pairs: Vec<(f64, f64)> = Vec::new();
            for row in by_user.values() {
                let Some(answer) = row[q] else { continue };
                attempts += 1;
                right += usize::from(answer.correct);
                let mut selected = answer.selected.clone();
                selected.sort_unstable();
                selected.dedup();
                for s in selected {
                    if let Some(p) = picks.get_mut(usize::from(s)) {
                        *p += 1;
                    }
                }
                let others: Vec<bool> = row
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != q)
                    .filter_map(|(_, a)| a.map(|a| a.correct))
                    .collect();
                if !others.is_empty() {
                    let rest = others.iter().filter(|c| **c).count() as f64 / others.len() as f64;
                    pairs.push((f64::from(u8::from(answer.correct)), rest));
                }
            }
            let figures = (attempts >= min_attempts.max(1)).then(|| {
                let n = attempts as f64;
                let facility = right as f64 / n;
                let discrimination = pearson(&pairs);
                let picks: Vec<Pick> = picks
                    .iter()
                    .enumerate()
                    .map(|(i, &count)| Pick {
                        index: i as u8,
                        keyed: shape.keyed[i],
                        count,
                        share: count as f64 / n,
                    })
                    .collect();
                let mut flags = Vec::new();
                if facility > EASY_ABOVE {
                    flags.push(Flag::VeryEasy);
                }
                if facility < HARD_BELOW {
                    flags.push(Flag::VeryHard);
                }
                if discrimination.is_some_and(|r| r < WEAK_BELOW) {
                    flags.push(Flag::WeakDiscrimination);
                }
                flags.extend(
                    picks
                        .iter()
                        .filter(|p| !p.keyed && p.count == 0)
                        .map(|p| Flag::UnusedDistractor(p.index)),
                );
                Figures {
                    facility,
                    discrimination,
                    picks,
                    flags,
                }
            });
            ItemStats {
                question: shape.id.clone(),
                attempts,
                figures,
            }
        })
        .collect()
}

/// The Pearson correlation of the pairs; `None` with fewer than two, or when either side has
/// no variance.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < 2 {
        return None;
    }
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    // Sums of squares this small are rounding noise around zero, not variance.
    if sxx < 1e-12 || syy < 1e-12 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// One module's questions with their statistics.
#[derive(Debug, Clone)]
pub struct ModuleItems<'a> {
    pub module: &'a Module,
    pub items: Vec<(&'a Question, ItemStats)>,
}

/// The statistics of every published module with a quiz, in the library's order.
pub fn library_items<'a>(
    library: &'a Library,
    answers: &[ItemAnswer],
    min_attempts: usize,
) -> Vec<ModuleItems<'a>> {
    // Each module reads only its own answers.
    let mut by_module: HashMap<&str, Vec<&ItemAnswer>> = HashMap::new();
    for a in answers {
        by_module.entry(a.module.as_str()).or_default().push(a);
    }
    library
        .modules()
        .iter()
        .filter(|m| !m.quiz.is_empty())
        .map(|m| {
            let shapes: Vec<ItemShape> = m.quiz.iter().map(ItemShape::from).collect();
            let answers = by_module.get(m.id.as_str()).into_iter().flatten().copied();
            let stats = module_items(m.id.as_str(), &shapes, answers, min_attempts);
            ModuleItems {
                module: m,
                items: m.quiz.iter().zip(stats).collect(),
            }
        })
        .collect()
}

/// Plain text of sanitized HTML (a question's prompt): tags dropped, the common entities
/// decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words.join(" ");
    // Tags between a word and its punctuation left a space: `<code>x</code>.` is `x.`.
    for p in [".", ",", ";", ":", "?", "!", ")"] {
        out = out.replace(&format!(" {p}"), p);
    }
    out.replace("( ", "(")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + chrono::Duration::minutes(minutes)
    }

    fn answer(user: i64, at: i64, question: &str, selected: &[u8], correct: bool) -> ItemAnswer {
        ItemAnswer {
            user: UserId(user),
            attempt: AttemptId(user * 100 + at),
            module: "m".into(),
            question: question.into(),
            at: t(at),
            selected: selected.to_vec(),
            correct,
        }
    }

    fn shape(id: &str, keyed: &[bool]) -> ItemShape {
        ItemShape {
            id: id.into(),
            keyed: keyed.to_vec(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Module `m`: q1 single (A B C D, key B), q2 single (A B C, key A), q3 select-all
    /// (A B C D, keys A and C).
    fn module() -> Vec<ItemShape> {
        vec![
            shape("q1", &[false, true, false, false]),
            shape("q2", &[true, false, false]),
            shape("q3", &[true, false, true, false]),
        ]
    }

    /// First answers (1 = right):
    ///
    /// | learner | q1     | q2    | q3       |
    /// |---------|--------|-------|----------|
    /// | u1      | B 1    | A 1   | A,C 1    |
    /// | u2      | B 1    | A 1   | A 0      |
    /// | u3      | B 1    | B 0   | A,C 1    |
    /// | u4      | C 0    | A 1   | A,C 1    |
    /// | u5      | A 0    | B 0   | —        |
    ///
    /// and noise that must not count: u5's retake of q1 (right, later), u1's earlier answer in
    /// another module, u2's answer to a question the module no longer holds (wrong, which would
    /// lower u2's rest scores if counted), and u4's answer to q1 in a later attempt.
    fn fixture() -> Vec<ItemAnswer> {
        let mut a = vec![
            answer(1, 10, "q1", &[1], true),
            answer(1, 10, "q2", &[0], true),
            answer(1, 10, "q3", &[0, 2], true),
            answer(2, 10, "q1", &[1], true),
            answer(2, 10, "q2", &[0], true),
            answer(2, 10, "q3", &[0], false),
            answer(2, 10, "q-gone", &[3], false),
            answer(3, 10, "q1", &[1], true),
            answer(3, 10, "q2", &[1], false),
            answer(3, 10, "q3", &[0, 2], true),
            answer(4, 20, "q1", &[2], false),
            answer(4, 20, "q2", &[0], true),
            answer(4, 20, "q3", &[0, 2], true),
            answer(4, 30, "q1", &[1], true),
            answer(5, 10, "q1", &[0], false),
            answer(5, 10, "q2", &[1], false),
            answer(5, 50, "q1", &[1], true),
        ];
        let mut elsewhere = answer(1, 5, "q2", &[2], false);
        elsewhere.module = "other".into();
        a.push(elsewhere);
        // Out of time order in the input: the earliest still wins.
        a.reverse();
        a
    }

    #[test]
    fn first_answers_keep_each_learners_earliest_answer_per_question() {
        let answers = fixture();
        let first = first_answers(&answers);
        // 5 + 5 + 4 answers to q1..q3, u2's q-gone, u1's other module.
        assert_eq!(first.len(), 16);
        let q1_of = |u: i64| {
            first
                .iter()
                .find(|a| a.user == UserId(u) && a.question == "q1")
                .unwrap()
        };
        assert!(!q1_of(5).correct, "u5's retake is not their first answer");
        assert_eq!(q1_of(4).selected, vec![2]);
        // Same time: the lower attempt id wins.
        let mut a = answer(9, 10, "q1", &[1], true);
        let mut b = a.clone();
        a.attempt = AttemptId(2);
        b.attempt = AttemptId(1);
        b.correct = false;
        let both = [a, b];
        assert!(!first_answers(&both)[0].correct);
    }

    #[test]
    fn statistics_match_the_hand_computed_fixture() {
        let stats = module_items("m", &module(), &fixture(), 1);
        let [q1, q2, q3] = [&stats[0], &stats[1], &stats[2]];
        let f = |s: &ItemStats| s.figures.clone().unwrap();

        // q1: 5 first answers, right: u1 u2 u3 → facility 3/5 = 0.6.
        // Rest scores (share right of the *other* questions answered first):
        //   u1 (q2 1, q3 1) = 1; u2 (1, 0) = 0.5; u3 (0, 1) = 0.5; u4 (1, 1) = 1; u5 (q2 0) = 0.
        // x = 1 1 1 0 0, mean 0.6; y = 1 .5 .5 1 0, mean 0.6.
        // dx = .4 .4 .4 −.6 −.6; dy = .4 −.1 −.1 .4 −.6.
        // Σdxdy = .16 − .04 − .04 − .24 + .36 = 0.20; Σdx² = 3(.16) + 2(.36) = 1.20;
        // Σdy² = .16 + .01 + .01 + .16 + .36 = 0.70.
        // r = 0.20 / √(1.20 · 0.70) = 0.20 / √0.84 = 0.2182.
        assert_eq!(q1.attempts, 5);
        assert!(close(f(q1).facility, 0.6));
        assert!(close(f(q1).discrimination.unwrap(), 0.2 / 0.84f64.sqrt()));
        // Picks: A u5, B u1 u2 u3, C u4, D nobody → 20% 60% 20% 0%; D is an unused distractor.
        assert_eq!(f(q1).picks_text("*"), "A 20% · B* 60% · C 20% · D 0%");
        assert_eq!(f(q1).flags, vec![Flag::UnusedDistractor(3)]);

        // q2: 5 first answers, right: u1 u2 u4 → 0.6.
        // Rest: u1 (q1 1, q3 1) = 1; u2 (1, 0) = .5; u3 (1, 1) = 1; u4 (0, 1) = .5; u5 (q1 0) = 0.
        // x = 1 1 0 1 0, mean .6; y = 1 .5 1 .5 0, mean .6.
        // dx = .4 .4 −.6 .4 −.6; dy = .4 −.1 .4 −.1 −.6.
        // Σdxdy = .16 − .04 − .24 − .04 + .36 = 0.20; Σdx² = 1.20; Σdy² = .16+.01+.16+.01+.36 = 0.70.
        // r = 0.2182 again.
        assert_eq!(q2.attempts, 5);
        assert!(close(f(q2).facility, 0.6));
        assert!(close(f(q2).discrimination.unwrap(), 0.2 / 0.84f64.sqrt()));
        // Picks: A u1 u2 u4, B u3 u5, C nobody.
        assert_eq!(f(q2).picks_text("*"), "A* 60% · B 40% · C 0%");
        assert_eq!(f(q2).flags, vec![Flag::UnusedDistractor(2)]);

        // q3: 4 first answers (u5 never answered it), right: u1 u3 u4 → 0.75.
        // Rest: u1 (q1 1, q2 1) = 1; u2 (1, 1) = 1; u3 (1, 0) = .5; u4 (0, 1) = .5.
        // x = 1 0 1 1, mean .75; y = 1 1 .5 .5, mean .75.
        // dx = .25 −.75 .25 .25; dy = .25 .25 −.25 −.25.
        // Σdxdy = .0625 − .1875 − .0625 − .0625 = −0.25; Σdx² = 3(.0625) + .5625 = 0.75;
        // Σdy² = 4(.0625) = 0.25. r = −0.25 / √(0.75 · 0.25) = −0.25 / √0.1875 = −1/√3 = −0.5774:
        // the learners who do best elsewhere miss it, so it is flagged.
        assert_eq!(q3.attempts, 4);
        assert!(close(f(q3).facility, 0.75));
        assert!(close(f(q3).discrimination.unwrap(), -1.0 / 3f64.sqrt()));
        // Select-all picks count each selected choice: A by all 4, C by u1 u3 u4; B, D by nobody.
        assert_eq!(f(q3).picks_text("*"), "A* 100% · B 0% · C* 75% · D 0%");
        assert_eq!(
            f(q3).flags,
            vec![
                Flag::WeakDiscrimination,
                Flag::UnusedDistractor(1),
                Flag::UnusedDistractor(3)
            ]
        );
        assert_eq!(correlation_text(f(q3).discrimination), "\u{2212}0.58");
        assert_eq!(
            f(q3).flags_text(),
            "weak discrimination (under 0.10): does not separate stronger from weaker learners; \
             choice B never picked; choice D never picked"
        );
    }

    #[test]
    fn figures_wait_for_thirty_first_answers() {
        let stats = module_items("m", &module(), &fixture(), MIN_ATTEMPTS);
        assert_eq!(
            stats.iter().map(|s| s.attempts).collect::<Vec<_>>(),
            [5, 5, 4]
        );
        assert!(stats.iter().all(|s| s.figures.is_none()));
        // Thirty learners who all answer q1: now it has figures.
        let answers: Vec<ItemAnswer> = (1..=30)
            .map(|u| answer(u, 1, "q1", &[1], u % 3 != 0))
            .collect();
        let stats = module_items("m", &module(), &answers, MIN_ATTEMPTS);
        assert_eq!(stats[0].attempts, 30);
        let f = stats[0].figures.clone().unwrap();
        assert!(close(f.facility, 20.0 / 30.0));
        assert_eq!(f.discrimination, None, "nobody answered another question");
        assert!(stats[1].figures.is_none() && stats[1].attempts == 0);
    }

    #[test]
    fn facility_flags_at_both_ends() {
        // 40 learners: all right on q1 (very easy), 3 of 40 right on q2 (very hard, 7.5%).
        let answers: Vec<ItemAnswer> = (1..=40)
            .flat_map(|u| {
                [
                    answer(u, 1, "q1", &[1], true),
                    answer(
                        u,
                        1,
                        "q2",
                        &[if u <= 3 { 0 } else { 1 + (u % 2) as u8 }],
                        u <= 3,
                    ),
                ]
            })
            .collect();
        let stats = module_items("m", &module(), &answers, MIN_ATTEMPTS);
        let q1 = stats[0].figures.clone().unwrap();
        assert!(q1.flags.contains(&Flag::VeryEasy));
        assert_eq!(q1.discrimination, None, "everyone right: no variance");
        let q2 = stats[1].figures.clone().unwrap();
        assert!(close(q2.facility, 0.075));
        assert!(q2.flags.contains(&Flag::VeryHard));
        assert!(!q2
            .flags
            .iter()
            .any(|f| matches!(f, Flag::UnusedDistractor(_))));
        assert_eq!(Flag::VeryHard.label(), "very hard (under 20% right)");
        assert_eq!(Flag::VeryEasy.label(), "very easy (over 95% right)");
    }

    #[test]
    fn a_keyed_choice_nobody_picks_is_not_a_distractor_flag_and_bad_indexes_are_ignored() {
        let answers: Vec<ItemAnswer> = (1..=3)
            .map(|u| answer(u, 1, "q3", &[0, 0, 9], false))
            .collect();
        let stats = module_items("m", &module(), &answers, 1);
        let f = stats[2].figures.clone().unwrap();
        assert_eq!(f.picks_text("*"), "A* 100% · B 0% · C* 0% · D 0%");
        assert_eq!(
            f.flags,
            vec![
                Flag::VeryHard,
                Flag::UnusedDistractor(1),
                Flag::UnusedDistractor(3)
            ]
        );
    }

    #[test]
    fn pearson_is_undefined_without_variance_and_bounded() {
        assert_eq!(pearson(&[(1.0, 0.5)]), None);
        assert_eq!(pearson(&[(1.0, 0.5), (1.0, 0.2)]), None);
        assert_eq!(pearson(&[(1.0, 0.5), (0.0, 0.5)]), None);
        assert!(close(pearson(&[(1.0, 1.0), (0.0, 0.0)]).unwrap(), 1.0));
        assert!(close(pearson(&[(1.0, 0.0), (0.0, 1.0)]).unwrap(), -1.0));
    }

    #[test]
    fn prompts_read_as_plain_text() {
        assert_eq!(
            plain_text("<p>Which <code>loss</code> fits &amp; why?</p>\n<p>Pick <em>one</em>.</p>"),
            "Which loss fits & why? Pick one."
        );
        assert_eq!(letter(0), 'A');
        assert_eq!(letter(3), 'D');
        assert_eq!(correlation_text(Some(0.2182)), "0.22");
        assert_eq!(correlation_text(Some(-0.001)), "0.00");
        assert_eq!(correlation_text(None), "\u{2014}");
    }
}
