//! Quizzes: the full question (with its answers, server only), what a learner's browser may see
//! before submitting ([`QuestionView`]), and grading ([`grade`]), which is pure.

use super::ids::{QuestionId, SkillId};
use serde::{Deserialize, Serialize};

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

/// What the learner's browser sees of a question before submitting: no correct answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: String,
    pub prompt_html: String,
    pub multiple: bool,
    pub choices: Vec<String>,
}

/// A learner's answer to one question: the indices of the choices they selected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    pub selected: Vec<u8>,
}

/// The graded result of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionOutcome {
    pub id: String,
    pub correct: bool,
    pub answered: bool,
    pub selected: Vec<u8>,
    pub correct_choices: Vec<u8>,
    pub explanation_html: String,
}

/// The graded result of a whole quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizOutcome {
    pub score: u32,
    pub total: u32,
    pub questions: Vec<QuestionOutcome>,
}

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

/// Why a plain form submission could not be read as answers. Each names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormAnswerError {
    #[error("unexpected form field `{0}`")]
    UnexpectedField(String),
    #[error("field `{field}`: `{value}` is not a choice number")]
    NotAChoice { field: String, value: String },
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
}

/// Grades `answers` against `questions`. Unanswered questions count as wrong; anything that
/// does not fit the quiz (an unknown question or choice, two answers to a single-choice
/// question) is rejected as a whole rather than silently dropped.
pub fn grade(questions: &[Question], answers: &[Answer]) -> Result<QuizOutcome, GradeError> {
    let mut given: Vec<Option<&Answer>> = vec![None; questions.len()];
    for answer in answers {
        let idx = questions
            .iter()
            .position(|q| q.id.0 == answer.question)
            .ok_or_else(|| GradeError::UnknownQuestion(answer.question.clone()))?;
        let q = &questions[idx];
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
