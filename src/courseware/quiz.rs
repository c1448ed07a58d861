//! The quiz section of a module: every `### question {#q-id skill=… difficulty=…}` after
//! `## Quiz`, its task-list choices and its block-quote explanation.

use super::render::{find_end, ModuleRender};
use super::Diagnostics;
use crate::domain::ids::{is_valid_id, QuestionId, SkillId};
use crate::domain::quiz::{Choice, Question, QuestionKind};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

type Events<'e> = [(Event<'e>, Range<usize>)];

/// Reads the questions in `events` (everything after the `## Quiz` heading).
/// `taught` are the skills the module teaches; a question must evidence one of them.
pub fn parse_quiz(
    events: &Events<'_>,
    quiz_pos: (usize, usize),
    taught: &[SkillId],
    render: &mut ModuleRender<'_>,
    diag: &mut Diagnostics<'_>,
) -> Vec<Question> {
    let mut questions = Vec::new();
    let mut seen = HashSet::new();
    let mut any_question = false;
    let mut i = 0;
    while i < events.len() {
        let (ev, range) = &events[i];
        let end = if matches!(ev, Event::Start(_)) {
            find_end(events, i)
        } else {
            i
        };
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H3,
                ..
            }) => {
                // A question runs to the next h3 (or the end).
                any_question = true;
                let mut stop = end + 1;
                while stop < events.len() {
                    if let Event::Start(Tag::Heading { level, .. }) = &events[stop].0 {
                        if *level <= HeadingLevel::H3 {
                            break;
                        }
                    }
                    stop = if matches!(events[stop].0, Event::Start(_)) {
                        find_end(events, stop) + 1
                    } else {
                        stop + 1
                    };
                }
                if let Some(q) = parse_question(&events[i..stop], taught, render, diag) {
                    if !seen.insert(q.id.clone()) {
                        diag.error(
                            render.pos(range),
                            format!("duplicate question id `{}` in this module", q.id),
                        );
                    } else {
                        questions.push(q);
                    }
                }
                i = stop;
                continue;
            }
            Event::Start(Tag::Heading { .. }) => {
                diag.error(
                    render.pos(range),
                    "only `###` question headings may follow `## Quiz`; the quiz must be the module's last section",
                );
            }
            _ => {
                diag.error(
                    render.pos(range),
                    "expected a question heading `### Question? {#q-id skill=… difficulty=…}` here",
                );
            }
        }
        i = end + 1;
    }
    if !any_question && events.is_empty() {
        diag.error(
            quiz_pos,
            "the quiz has no questions: add `### Question? {#q-id skill=… difficulty=…}` headings",
        );
    }
    questions
}

fn parse_question(
    events: &Events<'_>,
    taught: &[SkillId],
    render: &mut ModuleRender<'_>,
    diag: &mut Diagnostics<'_>,
) -> Option<Question> {
    let (first, first_range) = &events[0];
    let pos = render.pos(first_range);
    let Event::Start(Tag::Heading {
        id, attrs, classes, ..
    }) = first
    else {
        return None;
    };
    let before = diag.count();

    let qid = match id.as_deref() {
        None => {
            diag.error(pos, "question has no id: end its heading with `{#q-…}`");
            None
        }
        Some(s) if !is_valid_id(s) => {
            diag.error(
                pos,
                format!("question id `{s}` must be lowercase letters, digits and hyphens"),
            );
            None
        }
        Some(s) => Some(QuestionId::new(s)),
    };
    if let Some(c) = classes.first() {
        diag.error(
            pos,
            format!("question heading has an unexpected class `.{c}`"),
        );
    }
    let mut skill = None;
    let mut difficulty = None;
    let mut difficulty_given = false;
    let mut kind = QuestionKind::Single;
    for (key, value) in attrs {
        match (key.as_ref(), value.as_deref()) {
            ("skill", Some(s)) => {
                let s = SkillId::new(s);
                if !taught.contains(&s) {
                    let list: Vec<&str> = taught.iter().map(SkillId::as_str).collect();
                    diag.error(
                        pos,
                        format!("question evidences skill `{s}`, which this module does not teach (it teaches: {})", list.join(", ")),
                    );
                }
                skill = Some(s);
            }
            ("difficulty", Some(d)) => {
                difficulty_given = true;
                match d.parse::<u8>() {
                    Ok(n @ 1..=4) => difficulty = Some(n),
                    _ => diag.error(
                        pos,
                        format!("question difficulty `{d}` is out of range: use 1, 2, 3 or 4"),
                    ),
                }
            }
            ("kind", Some("multiple")) | ("multiple", None) => kind = QuestionKind::Multiple,
            ("kind", Some("single")) => kind = QuestionKind::Single,
            ("kind", Some(other)) => diag.error(
                pos,
                format!("question kind `{other}` is unknown: use `single` or `multiple`"),
            ),
            (other, _) => diag.error(
                pos,
                format!("unknown question attribute `{other}` (use skill=, difficulty=, kind=)"),
            ),
        }
    }
    if skill.is_none() {
        diag.error(
            pos,
            "question has no skill: add `skill=<skill id>` to its heading",
        );
    }
    if !difficulty_given {
        diag.error(
            pos,
            "question has no difficulty: add `difficulty=1`, `2`, `3` or `4` to its heading",
        );
    }

    // The heading text is the question.
    let heading_end = find_end(events, 0);
    let mut prompt_html = String::new();
    let heading_html = render.html(&events[1..heading_end], diag, false);
    prompt_html.push_str(&format!("<p class=\"question-text\">{heading_html}</p>"));

    let mut choices: Option<Vec<Choice>> = None;
    let mut explanation: Option<String> = None;
    let mut i = heading_end + 1;
    while i < events.len() {
        let (ev, range) = &events[i];
        let end = if matches!(ev, Event::Start(_)) {
            find_end(events, i)
        } else {
            i
        };
        match ev {
            Event::Start(Tag::List(_)) if choices.is_none() && is_task_list(&events[i..=end]) => {
                choices = Some(parse_choices(&events[i..=end], render, diag));
            }
            Event::Start(Tag::BlockQuote(None)) if choices.is_some() && explanation.is_none() => {
                explanation = Some(render.html(&events[i + 1..end], diag, false));
            }
            _ if choices.is_none() => {
                // Context before the choices: part of the question.
                prompt_html.push_str(&render.html(&events[i..=end], diag, false));
            }
            _ => diag.error(
                render.pos(range),
                "unexpected content after the choices: a question ends with its `>` explanation",
            ),
        }
        i = end + 1;
    }

    let choices = match choices {
        None => {
            diag.error(
                pos,
                "question has no choices: list them as `- [x] right` / `- [ ] wrong` items",
            );
            Vec::new()
        }
        Some(c) => c,
    };
    let correct = choices.iter().filter(|c| c.correct).count();
    if !choices.is_empty() {
        if choices.len() < 2 {
            diag.error(pos, "question needs at least two choices");
        }
        if correct == 0 {
            diag.error(
                pos,
                "question has no correct answer: mark the right choice with `- [x]`",
            );
        } else if correct > 1 && kind == QuestionKind::Single {
            diag.error(
                pos,
                format!("question has {correct} correct answers: add `kind=multiple` to its heading, or mark only one"),
            );
        }
    }
    if explanation.is_none() {
        diag.error(
            pos,
            "question has no explanation: add a `>` block quote after the choices",
        );
    }

    if diag.count() > before {
        return None;
    }
    Some(Question {
        id: qid?,
        skill: skill?,
        difficulty: difficulty?,
        kind,
        prompt_html,
        choices,
        explanation_html: explanation?,
    })
}

fn is_task_list(events: &Events<'_>) -> bool {
    events
        .iter()
        .skip(1)
        .take(3)
        .any(|(e, _)| matches!(e, Event::TaskListMarker(_)))
}

/// Reads the items of a task list (the events of the whole list, start to end).
fn parse_choices(
    events: &Events<'_>,
    render: &mut ModuleRender<'_>,
    diag: &mut Diagnostics<'_>,
) -> Vec<Choice> {
    let mut choices = Vec::new();
    let mut i = 1;
    let last = events.len() - 1;
    while i < last {
        let (ev, range) = &events[i];
        let end = if matches!(ev, Event::Start(_)) {
            find_end(events, i)
        } else {
            i
        };
        if let Event::Start(Tag::Item) = ev {
            let inner = &events[i + 1..end];
            let mut marker = None;
            let mut content: Vec<(Event<'_>, Range<usize>)> = Vec::new();
            for (e, r) in inner {
                match e {
                    Event::TaskListMarker(done) if marker.is_none() => marker = Some(*done),
                    _ => content.push((e.clone(), r.clone())),
                }
            }
            // A loose item wraps its text in a paragraph; a choice reads better inline.
            if matches!(content.first(), Some((Event::Start(Tag::Paragraph), _)))
                && matches!(content.last(), Some((Event::End(TagEnd::Paragraph), _)))
                && content
                    .iter()
                    .filter(|(e, _)| matches!(e, Event::Start(Tag::Paragraph)))
                    .count()
                    == 1
            {
                content.remove(0);
                content.pop();
            }
            match marker {
                None => diag.error(
                    render.pos(range),
                    format!(
                        "choice {} is not a task item: start it with `[x]` or `[ ]`",
                        choices.len() + 1
                    ),
                ),
                Some(correct) => {
                    let html = render.html(&content, diag, false);
                    choices.push(Choice { html, correct });
                }
            }
        }
        i = end + 1;
    }
    choices
}
