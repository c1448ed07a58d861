//! Quizzes: the full question (with its answers, server only), what a learner's browser may see
//! before submitting ([`QuestionView`]), reading a submission ([`submission_from_form`]) and
//! grading ([`grade`]), which is pure. Which questions an attempt shows and in what order is
//! decided on the server (`draw`, `paper`); choice numbers here are authored indices unless a
//! comment says "shown".

use super::ids::{QuestionId, SkillId};
use serde::{Deserialize, Serialize};

/// `Deserialize` for a struct read from a JSON object only, for the types the quiz island reads
/// in the browser. The derive also accepts a sequence and matches field names three ways;
/// this reads map keys as strings and nothing else, so each type costs the wasm bundle one small
/// visitor. Unknown keys are ignored; a field marked `= default` may be absent, any other is
/// required.
macro_rules! deserialize_map_only {
    (@take $map:ident $f:ident) => {
        $f.ok_or_else(|| <$map::Error as serde::de::Error>::missing_field(stringify!($f)))?
    };
    (@take $map:ident $f:ident default) => {
        $f.unwrap_or_default()
    };
    ($ty:ident { $($f:ident: $t:ty $(= $d:ident)?),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($ty), ")"))
                    }
                    fn visit_map<M: serde::de::MapAccess<'de>>(
                        self,
                        mut map: M,
                    ) -> Result<$ty, M::Error> {
                        $(let mut $f: Option<$t> = None;)*
                        while let Some(key) = map.next_key::<String>()? {
                            match key.as_str() {
                                $(stringify!($f) => $f = Some(map.next_value()?),)*
                                _ => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok($ty {
                            $($f: deserialize_map_only!(@take M $f $($d)?),)*
                        })
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    };
}
pub(crate) use deserialize_map_only;

/// Single choice (exactly one correct) or "select all that apply".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionKind {
    Single,
    Multiple,
}

/// One choice of a question, with its rendered (sanitized) HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub html: String,
    pub correct: bool,
}

/// A question as the server knows it, answers included. Never sent to a browser before grading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: QuestionId,
    pub skill: SkillId,
    /// 1 (awareness) to 4 (expert): the level a learner needs to answer it reliably.
    pub difficulty: u8,
    pub kind: QuestionKind,
    /// The question (heading text and any context), rendered and sanitized.
    pub prompt_html: String,
    pub choices: Vec<Choice>,
    pub explanation_html: String,
}

impl Question {
    /// The view of this question that is safe to send before the learner answers.
    pub fn view(&self) -> QuestionView {
        QuestionView {
            id: self.id.0.clone(),
            prompt_html: self.prompt_html.clone(),
            multiple: self.kind == QuestionKind::Multiple,
            choices: self.choices.iter().map(|c| c.html.clone()).collect(),
        }
    }

    fn correct_indices(&self) -> Vec<u8> {
        self.choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.correct)
            .map(|(i, _)| i as u8)
            .collect()
    }
}

/// What the learner's browser sees of a question before submitting: no correct answers. Its
/// choices stand in the order of the attempt (shuffled on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionView {
    pub id: String,
    pub prompt_html: String,
    pub multiple: bool,
    pub choices: Vec<String>,
}

/// A learner's answer to one question: the indices of the choices they selected (as sent by the
/// page: shown positions; once mapped back on the server: authored indices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    pub selected: Vec<u8>,
}

/// The graded result of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionOutcome {
    pub id: String,
    pub correct: bool,
    pub answered: bool,
    pub selected: Vec<u8>,
    /// The keyed choices. Empty (and absent from the JSON) for a wrong question whose key the
    /// module's reveal policy withholds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correct_choices: Vec<u8>,
    pub explanation_html: String,
    /// Why the keyed answer is not shown, when it is withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_note: Option<String>,
}

/// The graded result of a whole quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuizOutcome {
    pub score: u32,
    pub total: u32,
    pub questions: Vec<QuestionOutcome>,
}

deserialize_map_only!(QuestionView {
    id: String,
    prompt_html: String,
    multiple: bool,
    choices: Vec<String>,
});
deserialize_map_only!(QuestionOutcome {
    id: String,
    correct: bool,
    answered: bool,
    selected: Vec<u8>,
    correct_choices: Vec<u8> = default,
    explanation_html: String,
    key_note: Option<String> = default,
});
deserialize_map_only!(QuizOutcome {
    score: u32,
    total: u32,
    questions: Vec<QuestionOutcome>,
});

impl QuizOutcome {
    /// Whether the quiz counts as passed (see [`passes`]).
    pub fn passed(&self) -> bool {
        passes(self.score, self.total)
    }
}

/// The pass mark: three quarters of the questions right (an empty quiz is never passed).
pub fn passes(score: u32, total: u32) -> bool {
    total > 0 && score * 4 >= total * 3
}

/// The form field of a question: `answer.<question id>`, value the choice's index.
pub const FIELD_PREFIX: &str = "answer.";

/// The form field carrying the attempt's number (how many attempts the learner had recorded
/// for this module when the page was drawn).
pub const ATTEMPT_FIELD: &str = "attempt";

/// The form field carrying the attempt's seed (decimal): the draw and choice order of an
/// anonymous visitor's attempt, and a check for a signed-in learner's.
pub const SEED_FIELD: &str = "seed";

/// Why a plain form submission could not be read as answers. Each names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormAnswerError {
    #[error("unexpected form field `{0}`")]
    UnexpectedField(String),
    #[error("field `{field}`: `{value}` is not a choice number")]
    NotAChoice { field: String, value: String },
    #[error("field `{field}`: `{value}` is not a number")]
    NotANumber { field: String, value: String },
}

/// A submitted attempt as the page sends it: which attempt it was drawn for, and the answers
/// by shown position. The server recomputes the attempt's questions and choice order itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Submission {
    pub attempt: Option<u32>,
    pub seed: Option<u64>,
    pub answers: Vec<Answer>,
}

/// Reads a plain form submission: `attempt`, `seed` and the answers (see
/// [`answers_from_form`]).
pub fn submission_from_form(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<Submission, FormAnswerError> {
    fn number<T: std::str::FromStr>(field: String, value: String) -> Result<T, FormAnswerError> {
        value
            .trim()
            .parse()
            .map_err(|_| FormAnswerError::NotANumber { field, value })
    }
    let mut submission = Submission::default();
    let mut rest = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            ATTEMPT_FIELD => submission.attempt = Some(number(key, value)?),
            SEED_FIELD => submission.seed = Some(number(key, value)?),
            _ => rest.push((key, value)),
        }
    }
    submission.answers = answers_from_form(rest)?;
    Ok(submission)
}

/// Reads answers from form fields (`answer.<question id>` = choice index, repeated for
/// "select all" questions), keeping the order questions first appear in.
pub fn answers_from_form(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<Vec<Answer>, FormAnswerError> {
    let mut answers: Vec<Answer> = Vec::new();
    for (key, value) in pairs {
        let Some(question) = key.strip_prefix(FIELD_PREFIX) else {
            return Err(FormAnswerError::UnexpectedField(key));
        };
        let Ok(choice) = value.parse::<u8>() else {
            return Err(FormAnswerError::NotAChoice { field: key, value });
        };
        match answers.iter_mut().find(|a| a.question == question) {
            Some(a) => a.selected.push(choice),
            None => answers.push(Answer {
                question: question.to_string(),
                selected: vec![choice],
            }),
        }
    }
    Ok(answers)
}

/// Why a submission could not be graded. Each names the offending field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("question `{0}` is not part of this quiz")]
    UnknownQuestion(String),
    #[error("question `{0}` was answered twice")]
    DuplicateQuestion(String),
    #[error("question `{question}` has no choice {choice}")]
    UnknownChoice { question: String, choice: u8 },
    #[error("question `{0}` takes exactly one answer")]
    TooManyAnswers(String),
    #[error("question `{0}` lists the same choice twice")]
    DuplicateChoice(String),
    #[error("question `{0}` was not part of this attempt")]
    NotOnPaper(String),
}

/// Grades `answers` against `questions`. Unanswered questions count as wrong; anything that
/// does not fit the quiz (an unknown question or choice, two answers to a single-choice
/// question) is rejected as a whole rather than silently dropped.
pub fn grade<Q: std::borrow::Borrow<Question>>(
    questions: &[Q],
    answers: &[Answer],
) -> Result<QuizOutcome, GradeError> {
    let mut given: Vec<Option<&Answer>> = vec![None; questions.len()];
    for answer in answers {
        let idx = questions
            .iter()
            .position(|q| q.borrow().id.0 == answer.question)
            .ok_or_else(|| GradeError::UnknownQuestion(answer.question.clone()))?;
        let q = questions[idx].borrow();
        if given[idx].is_some() {
            return Err(GradeError::DuplicateQuestion(answer.question.clone()));
        }
        if let Some(&bad) = answer
            .selected
            .iter()
            .find(|&&c| c as usize >= q.choices.len())
        {
            return Err(GradeError::UnknownChoice {
                question: answer.question.clone(),
                choice: bad,
            });
        }
        let mut sorted = answer.selected.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != answer.selected.len() {
            return Err(GradeError::DuplicateChoice(answer.question.clone()));
        }
        if q.kind == QuestionKind::Single && answer.selected.len() > 1 {
            return Err(GradeError::TooManyAnswers(answer.question.clone()));
        }
        given[idx] = Some(answer);
    }

    let outcomes: Vec<QuestionOutcome> = questions
        .iter()
        .zip(given)
        .map(|(q, a)| {
            let q = q.borrow();
            let correct_choices = q.correct_indices();
            let mut selected = a.map(|a| a.selected.clone()).unwrap_or_default();
            selected.sort_unstable();
            QuestionOutcome {
                id: q.id.0.clone(),
                correct: !selected.is_empty() && selected == correct_choices,
                answered: !selected.is_empty(),
                selected,
                correct_choices,
                explanation_html: q.explanation_html.clone(),
                key_note: None,
            }
        })
        .collect();
    Ok(QuizOutcome {
        score: outcomes.iter().filter(|o| o.correct).count() as u32,
        total: outcomes.len() as u32,
        questions: outcomes,
    })
}

/// Encodes answers compactly for a URL query (`q-a:1;q-b:0.2`), used by the no-JavaScript
/// form flow to show the graded result after a redirect.
pub fn encode_answers(answers: &[Answer]) -> String {
    answers
        .iter()
        .map(|a| {
            let picks: Vec<String> = a.selected.iter().map(u8::to_string).collect();
            format!("{}:{}", a.question, picks.join("."))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The inverse of [`encode_answers`]; `None` if the text is not of that form.
pub fn decode_answers(s: &str) -> Option<Vec<Answer>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split(';')
        .map(|part| {
            let (q, picks) = part.split_once(':')?;
            let selected = if picks.is_empty() {
                Vec::new()
            } else {
                picks
                    .split('.')
                    .map(|p| p.parse().ok())
                    .collect::<Option<Vec<u8>>>()?
            };
            Some(Answer {
                question: q.to_string(),
                selected,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, kind: QuestionKind, correct: &[bool]) -> Question {
        Question {
            id: QuestionId::new(id),
            skill: SkillId::new("s"),
            difficulty: 1,
            kind,
            prompt_html: format!("<p>{id}</p>"),
            choices: correct
                .iter()
                .map(|&c| Choice {
                    html: "c".into(),
                    correct: c,
                })
                .collect(),
            explanation_html: "because".into(),
        }
    }

    fn a(id: &str, sel: &[u8]) -> Answer {
        Answer {
            question: id.into(),
            selected: sel.to_vec(),
        }
    }

    fn quiz() -> Vec<Question> {
        vec![
            q("one", QuestionKind::Single, &[false, true, false]),
            q("many", QuestionKind::Multiple, &[true, false, true]),
        ]
    }

    #[test]
    fn grades_single_and_multiple() {
        let out = grade(&quiz(), &[a("one", &[1]), a("many", &[2, 0])]).unwrap();
        assert_eq!((out.score, out.total), (2, 2));
        assert_eq!(out.questions[1].correct_choices, vec![0, 2]);

        let out = grade(&quiz(), &[a("one", &[0]), a("many", &[0])]).unwrap();
        assert_eq!(out.score, 0, "a partial multiple answer is wrong");
        assert!(!out.questions[0].correct);
    }

    #[test]
    fn unanswered_counts_as_wrong() {
        let out = grade(&quiz(), &[a("one", &[1])]).unwrap();
        assert_eq!(out.score, 1);
        assert!(!out.questions[1].answered);
        assert!(!out.questions[1].correct);
    }

    #[test]
    fn malformed_answers_are_rejected_with_the_field() {
        let qs = quiz();
        assert_eq!(
            grade(&qs, &[a("nope", &[0])]),
            Err(GradeError::UnknownQuestion("nope".into()))
        );
        assert_eq!(
            grade(&qs, &[a("one", &[7])]),
            Err(GradeError::UnknownChoice {
                question: "one".into(),
                choice: 7
            })
        );
        assert_eq!(
            grade(&qs, &[a("one", &[0, 1])]),
            Err(GradeError::TooManyAnswers("one".into()))
        );
        assert_eq!(
            grade(&qs, &[a("one", &[0]), a("one", &[1])]),
            Err(GradeError::DuplicateQuestion("one".into()))
        );
        assert_eq!(
            grade(&qs, &[a("many", &[0, 0])]),
            Err(GradeError::DuplicateChoice("many".into()))
        );
    }

    #[test]
    fn views_never_carry_answers() {
        let view = quiz()[0].view();
        let json = serde_json_like(&view);
        assert!(!json.contains("correct"));
    }

    fn serde_json_like(v: &QuestionView) -> String {
        format!("{v:?}")
    }

    #[test]
    fn passing_takes_three_quarters() {
        let outcome = |score, total| QuizOutcome {
            score,
            total,
            questions: Vec::new(),
        };
        assert!(outcome(3, 4).passed());
        assert!(!outcome(2, 4).passed());
        assert!(outcome(2, 2).passed());
        assert!(!outcome(0, 0).passed(), "an empty quiz is never passed");
    }

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn groups_repeated_fields() {
        let a = answers_from_form([
            p("answer.q1", "2"),
            p("answer.q2", "0"),
            p("answer.q2", "1"),
        ])
        .unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].selected, vec![0, 1]);
    }

    #[test]
    fn a_submission_carries_its_attempt_and_seed() {
        let s = submission_from_form([
            p("attempt", "3"),
            p("seed", "18446744073709551615"),
            p("answer.q1", "2"),
        ])
        .unwrap();
        assert_eq!(s.attempt, Some(3));
        assert_eq!(s.seed, Some(u64::MAX));
        assert_eq!(s.answers, vec![a("q1", &[2])]);
        let s = submission_from_form([p("answer.q1", "0")]).unwrap();
        assert_eq!((s.attempt, s.seed), (None, None));
        assert!(
            matches!(submission_from_form([p("attempt", "x")]), Err(e) if e.to_string().contains("attempt"))
        );
    }

    #[test]
    fn rejects_unknown_fields_and_bad_numbers() {
        assert!(
            matches!(answers_from_form([p("evil", "1")]), Err(e) if e.to_string().contains("`evil`"))
        );
        assert!(
            matches!(answers_from_form([p("answer.q1", "x")]), Err(e) if e.to_string().contains("answer.q1"))
        );
    }

    #[test]
    fn answers_round_trip_through_the_url_form() {
        let answers = vec![a("q-a", &[1]), a("q-b", &[0, 2]), a("q-c", &[])];
        let s = encode_answers(&answers);
        assert_eq!(s, "q-a:1;q-b:0.2;q-c:");
        assert_eq!(decode_answers(&s), Some(answers));
        assert_eq!(decode_answers("garbage"), None);
        assert_eq!(decode_answers("q:x"), None);
    }
}
