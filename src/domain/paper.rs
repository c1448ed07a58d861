//! One attempt at a module's quiz as the server decides it: its number and seed, the questions
//! drawn for it and the order of their choices ([`Paper`]), from the learner's earlier attempts
//! ([`History`]).
//!
//! - A signed-in learner's attempt `n` (the number of attempts they had recorded for the module)
//!   has the seed [`attempt_seed`]`(org, user, module, n)` and draws from the bank preferring the
//!   questions they were shown least (`draw::draw`). Both are recomputed from stored data when
//!   the attempt is submitted, so the page's word is never taken for which questions were asked.
//! - An anonymous visitor's attempt has a random seed, carried by the page; nothing is stored.
//! - Choices are shown in the order `draw::Shuffle` gives for the seed and the question. The page
//!   sends shown positions; [`Paper::grade`] maps them back to authored indices, and grading
//!   and storage use authored indices only, so a re-grade does not depend on any order.
//! - [`Paper::for_learner`] turns a graded outcome back into shown positions and withholds the
//!   keyed answer of a wrong question unless the module's reveal policy allows it.
//!
//! Pure: std and the domain only.

use super::catalogue::Module;
use super::draw::{draw, fnv1a, BankItem, Reveal, Shuffle, SplitMix};
use super::ids::QuestionId;
use super::people::{OrgId, UserId};
use super::progress::{Attempt, AttemptKind};
use super::quiz::{grade, passes, Answer, GradeError, Question, QuestionView, QuizOutcome};
use std::collections::HashMap;

/// The seed of a signed-in learner's attempt `number` at `module`: reproducible from stored data
/// alone, different for every learner, module and attempt.
pub fn attempt_seed(org: OrgId, user: UserId, module: &str, number: u32) -> u64 {
    let mut rng = SplitMix::new(fnv1a(module));
    let mut mix = |x: u64| {
        let h = rng.next_u64() ^ x;
        SplitMix::new(h).next_u64()
    };
    let a = mix(org.0 as u64);
    let b = mix(user.0 as u64);
    let c = mix(u64::from(number));
    SplitMix::new(a ^ b.rotate_left(21) ^ c.rotate_left(42)).next_u64()
}

/// A learner's recorded attempts at one module's quiz, numbered from 0 in the order they were
/// recorded, and every question of the module they have been shown (skill checks included).
#[derive(Debug, Clone)]
pub struct History<'a> {
    /// Quiz attempts only: a skill check's answer is not a try at the quiz.
    attempts: Vec<&'a Attempt>,
    /// Every attempt at the module's questions, skill check answers included.
    shown: Vec<&'a Attempt>,
}

impl<'a> History<'a> {
    /// The attempts at `module` among `attempts` (one learner's, in any order).
    pub fn of(module: &str, attempts: &'a [Attempt]) -> Self {
        let mut shown: Vec<&Attempt> = attempts.iter().filter(|a| a.module == module).collect();
        shown.sort_by_key(|a| a.id);
        let attempts = shown
            .iter()
            .copied()
            .filter(|a| a.kind == AttemptKind::Quiz)
            .collect();
        History { attempts, shown }
    }

    /// The number the next attempt gets: how many are recorded.
    pub fn next_number(&self) -> u32 {
        u32::try_from(self.attempts.len()).unwrap_or(u32::MAX)
    }

    /// Attempt `number`, if recorded.
    pub fn get(&self, number: u32) -> Option<&'a Attempt> {
        self.attempts.get(usize::try_from(number).ok()?).copied()
    }

    /// How often each question has been shown in the recorded attempts (every drawn question
    /// is stored with the attempt, answered or not) and skill checks.
    pub fn seen(&self) -> HashMap<QuestionId, u32> {
        let mut seen = HashMap::new();
        for a in &self.shown {
            for answer in &a.answers {
                *seen
                    .entry(QuestionId::new(answer.question.as_str()))
                    .or_default() += 1;
            }
        }
        seen
    }

    /// Whether an attempt up to and including `number` passed.
    pub fn passed_by(&self, number: u32) -> bool {
        self.attempts
            .iter()
            .take(usize::try_from(number).map_or(usize::MAX, |n| n.saturating_add(1)))
            .any(|a| passes(a.score, a.total))
    }

    /// Whether any recorded attempt passed.
    pub fn passed(&self) -> bool {
        self.passed_by(u32::MAX)
    }
}

/// The questions of one attempt, in the bank's authored order, each with its choice order.
#[derive(Debug, Clone)]
pub struct Paper<'q> {
    pub seed: u64,
    items: Vec<(&'q Question, Shuffle)>,
}

impl<'q> Paper<'q> {
    /// A new attempt's paper: `module.draw_size()` questions drawn with `seed`, preferring those
    /// `seen` least.
    pub fn draw(module: &'q Module, seen: &HashMap<QuestionId, u32>, seed: u64) -> Self {
        let bank: Vec<BankItem> = module
            .quiz
            .iter()
            .map(|q| BankItem {
                id: q.id.clone(),
                skill: q.skill.clone(),
                difficulty: q.difficulty,
            })
            .collect();
        let drawn = draw(&bank, seen, module.draw_size(), seed);
        Self::of_ids(module, drawn.iter().map(QuestionId::as_str), seed)
    }

    /// The paper of a recorded attempt: the questions it stored (those still in the bank), in
    /// authored order.
    pub fn recorded(module: &'q Module, attempt: &Attempt, seed: u64) -> Self {
        Self::of_ids(
            module,
            attempt.answers.iter().map(|a| a.question.as_str()),
            seed,
        )
    }

    fn of_ids<'i>(module: &'q Module, ids: impl Iterator<Item = &'i str>, seed: u64) -> Self {
        let wanted: Vec<&str> = ids.collect();
        let items = module
            .quiz
            .iter()
            .filter(|q| wanted.contains(&q.id.as_str()))
            .map(|q| (q, Shuffle::new(seed, q.id.as_str(), q.choices.len())))
            .collect();
        Paper { seed, items }
    }

    /// The questions, authored order.
    pub fn questions(&self) -> impl Iterator<Item = &'q Question> + '_ {
        self.items.iter().map(|(q, _)| *q)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// What the page shows: each question with its choices in this attempt's order, no key.
    pub fn views(&self) -> Vec<QuestionView> {
        self.items
            .iter()
            .map(|(q, shuffle)| {
                let mut view = q.view();
                view.choices = shuffle
                    .order()
                    .iter()
                    .filter_map(|&a| q.choices.get(a).map(|c| c.html.clone()))
                    .collect();
                view
            })
            .collect()
    }

    /// Maps answers by shown position to authored indices. A question of the bank that is not
    /// on this paper is [`GradeError::NotOnPaper`]; one not in the bank at all, or a position
    /// past the last choice, is refused as [`grade`] would.
    pub fn to_authored(
        &self,
        shown: &[Answer],
        module: &Module,
    ) -> Result<Vec<Answer>, GradeError> {
        shown
            .iter()
            .map(|a| {
                let Some((q, shuffle)) = self.items.iter().find(|(q, _)| q.id.0 == a.question)
                else {
                    return Err(if module.quiz.iter().any(|q| q.id.0 == a.question) {
                        GradeError::NotOnPaper(a.question.clone())
                    } else {
                        GradeError::UnknownQuestion(a.question.clone())
                    });
                };
                let selected = a
                    .selected
                    .iter()
                    .map(|&p| {
                        shuffle
                            .to_authored(usize::from(p))
                            .and_then(|i| u8::try_from(i).ok())
                            .ok_or_else(|| GradeError::UnknownChoice {
                                question: q.id.0.clone(),
                                choice: p,
                            })
                    })
                    .collect::<Result<Vec<u8>, _>>()?;
                Ok(Answer {
                    question: a.question.clone(),
                    selected,
                })
            })
            .collect()
    }

    /// Grades answers by shown position: exactly this paper's questions, unanswered ones wrong.
    /// The outcome is in authored indices (as stored).
    pub fn grade(&self, shown: &[Answer], module: &Module) -> Result<QuizOutcome, GradeError> {
        self.grade_authored(&self.to_authored(shown, module)?)
    }

    /// Grades answers already in authored indices (a stored attempt).
    pub fn grade_authored(&self, authored: &[Answer]) -> Result<QuizOutcome, GradeError> {
        let questions: Vec<&Question> = self.questions().collect();
        grade(&questions, authored)
    }

    /// The outcome as the learner sees it: choices by shown position, and the keyed answer of
    /// a wrong question only when `reveal` allows it given `passed` (the learner has passed
    /// this quiz, in this attempt or before); otherwise a note says why it is not shown.
    pub fn for_learner(&self, outcome: &QuizOutcome, reveal: Reveal, passed: bool) -> QuizOutcome {
        let shows_key = reveal.shows_key(passed);
        let questions = outcome
            .questions
            .iter()
            .map(|o| {
                let mut o = o.clone();
                let shuffle = self
                    .items
                    .iter()
                    .find(|(q, _)| q.id.0 == o.id)
                    .map(|(_, s)| s);
                let to_shown = |authored: &[u8]| -> Vec<u8> {
                    let mut shown: Vec<u8> = authored
                        .iter()
                        .filter_map(|&a| {
                            let p = shuffle
                                .map_or(Some(usize::from(a)), |s| s.to_shown(usize::from(a)))?;
                            u8::try_from(p).ok()
                        })
                        .collect();
                    shown.sort_unstable();
                    shown
                };
                o.selected = to_shown(&o.selected);
                if o.correct || shows_key {
                    o.correct_choices = to_shown(&o.correct_choices);
                    o.key_note = None;
                } else {
                    o.correct_choices = Vec::new();
                    o.key_note = Some(reveal.withheld_note().to_string());
                }
                o
            })
            .collect();
        QuizOutcome {
            score: outcome.score,
            total: outcome.total,
            questions,
        }
    }
}

/// The paper of a signed-in learner's next attempt, and its number.
pub fn next_paper<'q>(
    module: &'q Module,
    org: OrgId,
    user: UserId,
    history: &History<'_>,
) -> (u32, Paper<'q>) {
    let number = history.next_number();
    let seed = attempt_seed(org, user, module.id.as_str(), number);
    (number, Paper::draw(module, &history.seen(), seed))
}

/// The paper of a signed-in learner's recorded attempt `number`, with its stored seed (or, for
/// an attempt recorded before seeds were stored, the one it would have had).
pub fn recorded_paper<'q>(
    module: &'q Module,
    org: OrgId,
    user: UserId,
    attempt: &Attempt,
    number: u32,
) -> Paper<'q> {
    let seed = attempt
        .seed
        .unwrap_or_else(|| attempt_seed(org, user, module.id.as_str(), number));
    Paper::recorded(module, attempt, seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::{Difficulty, Module};
    use crate::domain::draw::QuizPolicy;
    use crate::domain::ids::{ModuleId, SkillId};
    use crate::domain::people::AttemptId;
    use crate::domain::progress::AnswerRecord;
    use crate::domain::quiz::{Choice, QuestionKind};
    use chrono::Utc;
    use std::collections::HashSet;

    fn question(i: usize, skill: &str, difficulty: u8, kind: QuestionKind) -> Question {
        let correct: &[bool] = match kind {
            QuestionKind::Single => &[false, true, false, false],
            QuestionKind::Multiple => &[true, false, true, false],
        };
        Question {
            id: QuestionId::new(format!("q{i}")),
            skill: SkillId::new(skill),
            difficulty,
            kind,
            prompt_html: format!("<p>Question {i}</p>"),
            choices: correct
                .iter()
                .enumerate()
                .map(|(c, &correct)| Choice {
                    html: format!("q{i} choice {c}"),
                    correct,
                })
                .collect(),
            explanation_html: format!("because {i}"),
        }
    }

    fn module(n: usize, draw: Option<usize>, reveal: Reveal) -> Module {
        let quiz = (0..n)
            .map(|i| {
                let kind = if i % 3 == 2 {
                    QuestionKind::Multiple
                } else {
                    QuestionKind::Single
                };
                question(
                    i,
                    if i % 2 == 0 { "a" } else { "b" },
                    1 + (i % 3) as u8,
                    kind,
                )
            })
            .collect();
        Module::new(
            ModuleId::new("m"),
            "m".into(),
            "M".into(),
            "s".into(),
            vec![],
            5,
            vec![],
            Difficulty::Beginner,
            vec![],
            String::new(),
            vec![],
            quiz,
            0,
            0,
        )
        .with_quiz_policy(QuizPolicy { draw, reveal })
    }

    fn shown(paper: &Paper<'_>, q: &str, authored: &[u8]) -> Answer {
        let (_, s) = paper.items.iter().find(|(x, _)| x.id.0 == q).unwrap();
        Answer {
            question: q.into(),
            selected: authored
                .iter()
                .map(|&a| s.to_shown(a as usize).unwrap() as u8)
                .collect(),
        }
    }

    fn keyed(q: &Question) -> Vec<u8> {
        q.choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.correct)
            .map(|(i, _)| i as u8)
            .collect()
    }

    fn recorded(id: i64, module: &str, paper: &Paper<'_>, outcome: &QuizOutcome) -> Attempt {
        Attempt {
            id: AttemptId(id),
            user: UserId(1),
            kind: AttemptKind::Quiz,
            module: module.into(),
            score: outcome.score,
            total: outcome.total,
            answers: paper
                .questions()
                .zip(&outcome.questions)
                .map(|(q, o)| AnswerRecord {
                    question: q.id.0.clone(),
                    skill: q.skill.0.clone(),
                    difficulty: q.difficulty,
                    selected: o.selected.clone(),
                    correct: o.correct,
                })
                .collect(),
            submitted_at: Utc::now(),
            seed: Some(paper.seed),
        }
    }

    #[test]
    fn seeds_differ_by_learner_module_and_attempt_and_are_stable() {
        let s = attempt_seed(OrgId(1), UserId(2), "m", 0);
        assert_eq!(s, attempt_seed(OrgId(1), UserId(2), "m", 0));
        let others = [
            attempt_seed(OrgId(2), UserId(2), "m", 0),
            attempt_seed(OrgId(1), UserId(3), "m", 0),
            attempt_seed(OrgId(1), UserId(2), "n", 0),
            attempt_seed(OrgId(1), UserId(2), "m", 1),
            attempt_seed(OrgId(2), UserId(1), "m", 0),
        ];
        let distinct: HashSet<u64> = others.iter().copied().chain([s]).collect();
        assert_eq!(distinct.len(), 6);
    }

    #[test]
    fn the_same_authored_answers_grade_the_same_whatever_the_order() {
        let m = module(6, None, Reveal::Always);
        let mut orders = HashSet::new();
        let mut outcomes = HashSet::new();
        for seed in 0..40 {
            let paper = Paper::draw(&m, &HashMap::new(), seed);
            let views = paper.views();
            orders.insert(views[0].choices.clone());
            // Right on q0 and q2, wrong on q1, q3 unanswered.
            let answers = [
                shown(&paper, "q0", &[1]),
                shown(&paper, "q1", &[0]),
                shown(&paper, "q2", &[2, 0]),
            ];
            let out = paper.grade(&answers, &m).unwrap();
            outcomes.insert(format!("{out:?}"));
            assert_eq!((out.score, out.total), (2, 6));
            // What the learner sees marks the same choices, by their shown position.
            let seen = paper.for_learner(&out, Reveal::Always, false);
            let key_text: Vec<&String> = seen.questions[1]
                .correct_choices
                .iter()
                .map(|&p| &views[1].choices[p as usize])
                .collect();
            assert_eq!(key_text, [&m.quiz[1].choices[1].html]);
        }
        assert!(orders.len() > 5, "the choices are shuffled");
        assert_eq!(outcomes.len(), 1, "graded identically: {outcomes:?}");
    }

    #[test]
    fn views_hold_no_key_and_every_choice_once() {
        let m = module(6, Some(4), Reveal::AfterPass);
        let paper = Paper::draw(&m, &HashMap::new(), 7);
        let views = paper.views();
        assert_eq!(views.len(), 4);
        for (v, q) in views.iter().zip(paper.questions()) {
            let mut got = v.choices.clone();
            got.sort();
            let mut want: Vec<String> = q.choices.iter().map(|c| c.html.clone()).collect();
            want.sort();
            assert_eq!(got, want);
            assert!(!format!("{v:?}").contains("correct"));
        }
    }

    #[test]
    fn questions_off_the_paper_and_positions_past_the_end_are_refused() {
        let m = module(8, Some(4), Reveal::AfterPass);
        let paper = Paper::draw(&m, &HashMap::new(), 1);
        let off = m
            .quiz
            .iter()
            .find(|q| !paper.questions().any(|p| p.id == q.id))
            .unwrap();
        let answer = |q: &str, sel: &[u8]| Answer {
            question: q.into(),
            selected: sel.to_vec(),
        };
        assert_eq!(
            paper.grade(&[answer(off.id.as_str(), &[0])], &m),
            Err(GradeError::NotOnPaper(off.id.0.clone()))
        );
        assert_eq!(
            paper.grade(&[answer("q-nope", &[0])], &m),
            Err(GradeError::UnknownQuestion("q-nope".into()))
        );
        let on = paper.questions().next().unwrap().id.0.clone();
        assert_eq!(
            paper.grade(&[answer(&on, &[4])], &m),
            Err(GradeError::UnknownChoice {
                question: on.clone(),
                choice: 4
            })
        );
        let out = paper.grade(&[], &m).unwrap();
        assert_eq!(
            (out.score, out.total),
            (0, 4),
            "unanswered drawn questions count as wrong"
        );
    }

    #[test]
    fn the_key_of_a_wrong_answer_is_withheld_by_policy() {
        let m = module(4, None, Reveal::AfterPass);
        let paper = Paper::draw(&m, &HashMap::new(), 3);
        let out = paper.grade(&[shown(&paper, "q0", &[1])], &m).unwrap();
        let hidden = paper.for_learner(&out, Reveal::AfterPass, false);
        assert!(hidden.questions[0].correct, "q0 was right");
        assert!(!hidden.questions[0].correct_choices.is_empty());
        for q in &hidden.questions[1..] {
            assert!(q.correct_choices.is_empty(), "{q:?}");
            assert_eq!(
                q.key_note.as_deref(),
                Some("The right answer is shown once you pass this quiz.")
            );
        }
        let shown_after = paper.for_learner(&out, Reveal::AfterPass, true);
        assert!(shown_after
            .questions
            .iter()
            .all(|q| !q.correct_choices.is_empty()));
        assert!(shown_after.questions.iter().all(|q| q.key_note.is_none()));
        assert!(paper
            .for_learner(&out, Reveal::Always, false)
            .questions
            .iter()
            .all(|q| !q.correct_choices.is_empty()));
        let never = paper.for_learner(&out, Reveal::Never, true);
        assert!(never.questions[1].correct_choices.is_empty());
        assert!(never.questions[1].key_note.is_some());
        // The shown key is the authored key, moved to its shown positions.
        let q1 = paper.questions().nth(1).unwrap();
        let (_, s) = &paper.items[1];
        let mut want: Vec<u8> = keyed(q1)
            .iter()
            .map(|&a| s.to_shown(a as usize).unwrap() as u8)
            .collect();
        want.sort_unstable();
        assert_eq!(shown_after.questions[1].correct_choices, want);
    }

    #[test]
    fn a_learners_attempts_draw_fresh_questions_until_the_bank_is_exhausted() {
        let m = module(8, Some(4), Reveal::AfterPass);
        let mut attempts: Vec<Attempt> = Vec::new();
        for round in 0..4 {
            let history = History::of("m", &attempts);
            let (number, paper) = next_paper(&m, OrgId(1), UserId(1), &history);
            assert_eq!(number, round);
            let ids: Vec<String> = paper.questions().map(|q| q.id.0.clone()).collect();
            assert_eq!(ids.len(), 4);
            if round == 1 {
                let first: HashSet<&String> =
                    attempts[0].answers.iter().map(|a| &a.question).collect();
                assert!(
                    ids.iter().all(|id| !first.contains(id)),
                    "attempt 1 repeats none of attempt 0: {ids:?}"
                );
            }
            let out = paper.grade(&[], &m).unwrap();
            attempts.push(recorded(i64::from(round) + 1, "m", &paper, &out));
            // Another module's attempts do not count.
            attempts.push(recorded(100 + i64::from(round), "other", &paper, &out));
        }
        let history = History::of("m", &attempts);
        let seen = history.seen();
        assert_eq!(seen.len(), 8);
        assert!(seen.values().all(|&n| n == 2), "{seen:?}");
        // A recorded attempt's paper is the one that was drawn, in the same order.
        let again = recorded_paper(&m, OrgId(1), UserId(1), history.get(2).unwrap(), 2);
        let first_again = History::of("m", &attempts[..4]);
        let (_, drawn) = next_paper(&m, OrgId(1), UserId(1), &first_again);
        assert_eq!(
            again.views(),
            drawn.views(),
            "attempt 2 as recorded is attempt 2 as drawn"
        );
    }

    #[test]
    fn a_pass_counts_from_its_attempt_on() {
        let m = module(4, None, Reveal::AfterPass);
        let paper = Paper::draw(&m, &HashMap::new(), 1);
        let fail = paper.grade(&[], &m).unwrap();
        let all_right: Vec<Answer> = paper
            .questions()
            .map(|q| shown(&paper, q.id.as_str(), &keyed(q)))
            .collect();
        let pass = paper.grade(&all_right, &m).unwrap();
        assert!(pass.passed());
        let attempts = vec![
            recorded(1, "m", &paper, &fail),
            recorded(2, "m", &paper, &pass),
        ];
        let mut check = recorded(3, "m", &paper, &pass);
        check.kind = AttemptKind::Check;
        let attempts = [attempts, vec![check]].concat();
        let h = History::of("m", &attempts);
        assert_eq!(
            h.next_number(),
            2,
            "a skill check answer is not a quiz attempt"
        );
        assert_eq!(
            h.seen().values().copied().max(),
            Some(3),
            "but what it showed counts as seen"
        );
        assert!(!h.passed_by(0));
        assert!(h.passed_by(1));
        assert!(h.passed());
        assert_eq!(h.next_number(), 2);
    }
}
