//! Which questions an attempt shows, in what order their choices stand, and when a wrong
//! question's keyed answer is revealed.
//!
//! - [`draw`] picks `n` questions from a module's bank, balanced across the bank's skills and
//!   difficulties, preferring questions this learner has seen least (so nothing repeats before
//!   the bank is exhausted), ties broken by the attempt's seed.
//! - [`Shuffle`] is the order of a question's choices in one attempt: derived from the attempt's
//!   seed and the question id, so a result page and a re-grade show the same order without
//!   storing it. Grading maps shown positions back to authored ones ([`Shuffle::to_authored`]);
//!   the page never holds the key.
//! - [`Reveal`] is the module's policy for showing the keyed answer of a wrong question.
//!
//! Pure: std only.

use super::ids::{QuestionId, SkillId};
use std::collections::{BTreeMap, HashMap};

/// SplitMix64: a tiny, well-mixed generator; plenty for shuffling and tie-breaking.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer below `n` (n > 0), without modulo bias worth measuring at these sizes.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// FNV-1a of a string: mixes a question id (or a module id) into a seed.
pub(super) fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The order in which one question's choices are shown in one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shuffle {
    /// `shown[i]` is the authored index of the choice shown at position `i`.
    shown: Vec<usize>,
}

impl Shuffle {
    /// The order for `question` in the attempt with `seed`, over `n` choices.
    pub fn new(seed: u64, question: &str, n: usize) -> Self {
        let mut rng = SplitMix::new(seed ^ fnv1a(question));
        let mut shown: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            shown.swap(i, rng.below(i + 1));
        }
        Shuffle { shown }
    }

    /// Authored indices in shown order.
    pub fn order(&self) -> &[usize] {
        &self.shown
    }

    /// The authored index of the choice shown at `position`, if there is one.
    pub fn to_authored(&self, position: usize) -> Option<usize> {
        self.shown.get(position).copied()
    }

    /// The shown position of authored choice `authored`.
    pub fn to_shown(&self, authored: usize) -> Option<usize> {
        self.shown.iter().position(|&a| a == authored)
    }
}

/// What a draw needs to know about a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankItem {
    pub id: QuestionId,
    pub skill: SkillId,
    pub difficulty: u8,
}

/// One skill's candidates by difficulty, each as (times seen, random tie-break, bank index).
type Cells = BTreeMap<u8, Vec<(u32, u64, usize)>>;

/// Draws up to `n` questions from `bank` for one attempt.
///
/// Balanced: skills take turns, and within a skill difficulties take turns, so an attempt of 5
/// from a bank over 2 skills and 3 difficulties shows both skills and a spread of difficulties.
/// Fresh first: within a (skill, difficulty) cell, the questions seen least often by this
/// learner (`seen`, times shown before) come first; so no question repeats until every question
/// in the bank has been shown. Ties are broken by `seed`. The result keeps the bank's authored
/// order, so a module reads in the order its author wrote.
pub fn draw(
    bank: &[BankItem],
    seen: &HashMap<QuestionId, u32>,
    n: usize,
    seed: u64,
) -> Vec<QuestionId> {
    let mut rng = SplitMix::new(seed);
    let mut cells: BTreeMap<&SkillId, Cells> = BTreeMap::new();
    for (i, item) in bank.iter().enumerate() {
        let times = seen.get(&item.id).copied().unwrap_or(0);
        cells
            .entry(&item.skill)
            .or_default()
            .entry(item.difficulty)
            .or_default()
            .push((times, rng.next_u64(), i));
    }
    for by_difficulty in cells.values_mut() {
        for items in by_difficulty.values_mut() {
            items.sort();
        }
    }
    // The least-seen count decides first: a round takes only items at the lowest count left.
    let mut picked: Vec<usize> = Vec::new();
    let target = n.min(bank.len());
    let mut skill_turn: Vec<&SkillId> = cells.keys().copied().collect();
    // Start the rotation at a seeded skill, so short draws do not always favour the first skill.
    if !skill_turn.is_empty() {
        let k = rng.below(skill_turn.len());
        skill_turn.rotate_left(k);
    }
    let mut difficulty_turn: HashMap<&SkillId, usize> = HashMap::new();
    while picked.len() < target {
        let lowest = cells
            .values()
            .flat_map(|d| d.values())
            .filter_map(|items| items.first().map(|x| x.0))
            .min();
        let Some(lowest) = lowest else { break };
        let mut progressed = false;
        for skill in &skill_turn {
            if picked.len() >= target {
                break;
            }
            let Some(by_difficulty) = cells.get_mut(skill) else {
                continue;
            };
            let difficulties: Vec<u8> = by_difficulty
                .iter()
                .filter(|(_, items)| items.first().is_some_and(|x| x.0 == lowest))
                .map(|(d, _)| *d)
                .collect();
            if difficulties.is_empty() {
                continue;
            }
            let turn = difficulty_turn.entry(skill).or_insert(0);
            let d = difficulties[*turn % difficulties.len()];
            *turn += 1;
            if let Some(items) = by_difficulty.get_mut(&d) {
                let (_, _, index) = items.remove(0);
                picked.push(index);
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    picked.sort_unstable();
    picked.into_iter().map(|i| bank[i].id.clone()).collect()
}

/// When a wrong question's keyed answer is shown to the learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reveal {
    /// Only once the learner has passed the module's quiz (the default): a retake stays a test.
    #[default]
    AfterPass,
    /// After every attempt.
    Always,
    /// Never; the learner sees only which questions were wrong and the explanation.
    Never,
}

impl Reveal {
    pub fn parse(s: &str) -> Option<Reveal> {
        match s {
            "after-pass" => Some(Reveal::AfterPass),
            "always" => Some(Reveal::Always),
            "never" => Some(Reveal::Never),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Reveal::AfterPass => "after-pass",
            Reveal::Always => "always",
            Reveal::Never => "never",
        }
    }

    /// Whether to show keyed answers now, given whether the learner has passed this quiz
    /// (counting the attempt being shown).
    pub fn shows_key(self, passed: bool) -> bool {
        match self {
            Reveal::AfterPass => passed,
            Reveal::Always => true,
            Reveal::Never => false,
        }
    }

    /// Why a wrong question's keyed answer is not shown, in a sentence for the learner.
    pub fn withheld_note(self) -> &'static str {
        match self {
            Reveal::AfterPass | Reveal::Always => {
                "The right answer is shown once you pass this quiz."
            }
            Reveal::Never => {
                "This quiz does not show its right answers: read the explanation and try again."
            }
        }
    }
}

/// How a module's quiz is given: how many questions an attempt draws from the bank, and when
/// the keyed answer of a wrong question is revealed (frontmatter `quiz: { draw: 5, reveal:
/// after-pass }`; both optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuizPolicy {
    /// Questions per attempt; `None` shows the whole bank.
    pub draw: Option<usize>,
    pub reveal: Reveal,
}

impl QuizPolicy {
    /// Questions an attempt shows from a bank of `bank` questions.
    pub fn draw_size(&self, bank: usize) -> usize {
        self.draw.map_or(bank, |d| d.min(bank))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn bank() -> Vec<BankItem> {
        let mut b = Vec::new();
        for (i, (skill, d)) in [
            ("a", 1),
            ("a", 1),
            ("a", 2),
            ("a", 2),
            ("a", 3),
            ("a", 3),
            ("b", 1),
            ("b", 2),
            ("b", 2),
            ("b", 3),
            ("b", 3),
            ("b", 1),
        ]
        .into_iter()
        .enumerate()
        {
            b.push(BankItem {
                id: QuestionId::new(format!("q{i}")),
                skill: SkillId::new(skill),
                difficulty: d,
            });
        }
        b
    }

    #[test]
    fn a_shuffle_is_a_permutation_that_maps_back_and_is_reproducible() {
        for seed in 0..200u64 {
            let s = Shuffle::new(seed, "q-x", 4);
            let mut sorted = s.order().to_vec();
            sorted.sort_unstable();
            assert_eq!(sorted, vec![0, 1, 2, 3]);
            for pos in 0..4 {
                let authored = s.to_authored(pos).unwrap();
                assert_eq!(s.to_shown(authored), Some(pos));
            }
            assert_eq!(s, Shuffle::new(seed, "q-x", 4));
        }
        assert_eq!(Shuffle::new(1, "q-x", 4).to_authored(4), None);
    }

    #[test]
    fn the_key_lands_in_every_position_about_equally() {
        let mut at = [0u32; 4];
        for seed in 0..4000u64 {
            let s = Shuffle::new(seed, "q-key", 4);
            at[s.to_shown(1).unwrap()] += 1;
        }
        for count in at {
            assert!((850..=1150).contains(&count), "{at:?}");
        }
    }

    #[test]
    fn a_draw_is_balanced_across_skills_and_difficulties() {
        let b = bank();
        for seed in 0..50 {
            let d = draw(&b, &HashMap::new(), 6, seed);
            assert_eq!(d.len(), 6);
            let items: Vec<&BankItem> = d
                .iter()
                .map(|id| b.iter().find(|x| &x.id == id).unwrap())
                .collect();
            for skill in ["a", "b"] {
                let mine: Vec<u8> = items
                    .iter()
                    .filter(|x| x.skill.as_str() == skill)
                    .map(|x| x.difficulty)
                    .collect();
                assert_eq!(mine.len(), 3, "seed {seed}: {d:?}");
                let distinct: HashSet<u8> = mine.iter().copied().collect();
                assert_eq!(distinct.len(), 3, "seed {seed}: {mine:?}");
            }
        }
    }

    #[test]
    fn no_question_repeats_before_the_bank_is_exhausted() {
        let b = bank();
        for seed in 0..20 {
            let mut seen: HashMap<QuestionId, u32> = HashMap::new();
            let mut shown_in_first_cycle = HashSet::new();
            // 12 questions, 5 an attempt: attempts 1 and 2 show 10 distinct questions, the third
            // shows the 2 left before any repeat.
            for attempt in 0..3u64 {
                let d = draw(&b, &seen, 5, seed * 10 + attempt);
                for id in &d {
                    *seen.entry(id.clone()).or_default() += 1;
                    if attempt < 2 {
                        assert!(shown_in_first_cycle.insert(id.clone()), "{id} repeated");
                    }
                }
                if attempt == 2 {
                    let fresh = d
                        .iter()
                        .filter(|id| !shown_in_first_cycle.contains(*id))
                        .count();
                    assert_eq!(fresh, 2, "seed {seed}: {d:?}");
                }
            }
        }
    }

    #[test]
    fn a_small_bank_is_shown_whole_in_authored_order() {
        let b = bank();
        let d = draw(&b[..3], &HashMap::new(), 5, 9);
        let ids: Vec<&str> = d.iter().map(|q| q.as_str()).collect();
        assert_eq!(ids, ["q0", "q1", "q2"]);
    }

    #[test]
    fn the_reveal_policy_reads_and_decides() {
        assert_eq!(Reveal::parse("after-pass"), Some(Reveal::AfterPass));
        assert_eq!(Reveal::parse("sometimes"), None);
        assert_eq!(Reveal::default(), Reveal::AfterPass);
        assert!(!Reveal::AfterPass.shows_key(false));
        assert!(Reveal::AfterPass.shows_key(true));
        assert!(Reveal::Always.shows_key(false));
        assert!(!Reveal::Never.shows_key(true));
        for r in [Reveal::AfterPass, Reveal::Always, Reveal::Never] {
            assert_eq!(Reveal::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn a_policy_draws_at_most_the_bank() {
        let whole = QuizPolicy::default();
        assert_eq!(whole.draw_size(8), 8);
        let four = QuizPolicy {
            draw: Some(4),
            ..QuizPolicy::default()
        };
        assert_eq!(four.draw_size(8), 4);
        assert_eq!(four.draw_size(3), 3);
    }
}
