//! A module's practical task: the `## Task: … {#task-id skill=… level=… weight=…}` section
//! between the reading and `## Quiz`, with its brief in prose and its rubric as the list under
//! `### Rubric` (one criterion per item, each scored 0–2 by a manager).

use super::render::{find_end, plain_text, ModuleRender};
use super::Diagnostics;
use crate::domain::ids::{is_valid_id, SkillId};
use crate::domain::level::Level;
use crate::domain::task::{Criterion, Task};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::ops::Range;

type Events<'e> = [(Event<'e>, Range<usize>)];

/// Whether a level-2 heading's text starts a task section (`Task`, or `Task: a title`).
pub fn is_task_heading(text: &str) -> bool {
    let t = text.trim();
    t.eq_ignore_ascii_case("task")
        || t.get(..5)
            .is_some_and(|head| head.eq_ignore_ascii_case("task:"))
}

/// Reads the task section `events` (from its `## Task` heading to the next `##` heading or the
/// end). `taught` are the skills the module teaches; the task must evidence one.
pub fn parse_task(
    events: &Events<'_>,
    taught: &[SkillId],
    render: &mut ModuleRender<'_>,
    diag: &mut Diagnostics<'_>,
) -> Option<Task> {
    let (first, first_range) = events.first()?;
    let pos = render.pos(first_range);
    let Event::Start(Tag::Heading {
        id, attrs, classes, ..
    }) = first
    else {
        return None;
    };
    let before = diag.count();
    let heading_end = find_end(events, 0);
    let text = plain_text(&events[1..heading_end]);
    let title = text
        .trim()
        .get(5..)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("Practical task")
        .to_string();

    let tid = match id.as_deref() {
        None => {
            diag.error(pos, "task has no id: end its heading with `{#task-id …}`");
            None
        }
        Some(s) if !is_valid_id(s) => {
            diag.error(
                pos,
                format!("task id `{s}` must be lowercase letters, digits and hyphens"),
            );
            None
        }
        Some(s) => Some(s.to_string()),
    };
    if let Some(c) = classes.first() {
        diag.error(pos, format!("task heading has an unexpected class `.{c}`"));
    }
    let mut skill = None;
    let mut level = None;
    let mut weight = 1.0;
    for (key, value) in attrs {
        match (key.as_ref(), value.as_deref()) {
            ("skill", Some(s)) => {
                let s = SkillId::new(s);
                if !taught.contains(&s) {
                    let list: Vec<&str> = taught.iter().map(SkillId::as_str).collect();
                    diag.error(
                        pos,
                        format!(
                            "task evidences skill `{s}`, which this module does not teach (it teaches: {})",
                            list.join(", ")
                        ),
                    );
                }
                skill = Some(s);
            }
            ("level", Some(l)) => match l.parse::<u8>() {
                Ok(n @ 3..=4) => level = Level::new(n),
                _ => diag.error(
                    pos,
                    format!(
                        "task level `{l}` must be 3 or 4: a practical task shows independent work"
                    ),
                ),
            },
            ("weight", Some(w)) => match w.parse::<f64>() {
                Ok(x) if x.is_finite() && x > 0.0 && x <= 5.0 => weight = x,
                _ => diag.error(
                    pos,
                    format!("task weight `{w}` must be a number above 0 and at most 5"),
                ),
            },
            (k, _) => diag.error(
                pos,
                format!("unknown task attribute `{k}` (expected skill, level, weight)"),
            ),
        }
    }
    if skill.is_none() {
        diag.error(pos, "task has no skill: add `skill=…` to its heading");
    }
    if level.is_none() && !attrs.iter().any(|(k, _)| k.as_ref() == "level") {
        diag.error(
            pos,
            "task has no level: add `level=3` or `level=4` to its heading",
        );
    }

    // The brief runs to `### Rubric`; the rubric is the one list after it.
    let mut brief: Vec<(Event<'_>, Range<usize>)> = Vec::new();
    let mut criteria: Option<Vec<Criterion>> = None;
    let mut in_rubric = false;
    let mut i = heading_end + 1;
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
            }) if !in_rubric
                && plain_text(&events[i + 1..end])
                    .trim()
                    .eq_ignore_ascii_case("rubric") =>
            {
                in_rubric = true;
            }
            Event::Start(Tag::Heading { .. }) => diag.error(
                render.pos(range),
                "a task has no headings but `### Rubric`: write the brief as prose, then the rubric",
            ),
            Event::Start(Tag::List(_)) if in_rubric && criteria.is_none() => {
                criteria = Some(parse_criteria(&events[i..=end], render, diag));
            }
            _ if in_rubric => diag.error(
                render.pos(range),
                "unexpected content in the rubric: it is one list, one criterion per item",
            ),
            _ => brief.extend(events[i..=end].iter().cloned()),
        }
        i = end + 1;
    }
    let brief_html = render.html(&brief, diag, false);
    if brief.is_empty() {
        diag.error(
            pos,
            "task has no brief: describe the work in prose under its heading",
        );
    }
    let criteria = match criteria {
        None => {
            diag.error(
                pos,
                "task has no rubric: add `### Rubric` and a list of criteria after the brief",
            );
            Vec::new()
        }
        Some(c) => {
            if c.len() < 2 {
                diag.error(
                    pos,
                    format!("task rubric has {} criterion: it needs at least 2", c.len()),
                );
            }
            c
        }
    };
    if diag.count() > before {
        return None;
    }
    Some(Task {
        id: tid?,
        title,
        skill: skill?,
        level: level?,
        weight,
        brief_html,
        criteria,
    })
}

/// Reads a list's items as rubric criteria (the events of the whole list, start to end).
fn parse_criteria(
    events: &Events<'_>,
    render: &mut ModuleRender<'_>,
    diag: &mut Diagnostics<'_>,
) -> Vec<Criterion> {
    let mut out = Vec::new();
    let mut i = 1;
    let last = events.len().saturating_sub(1);
    while i < last {
        let (ev, _) = &events[i];
        let end = if matches!(ev, Event::Start(_)) {
            find_end(events, i)
        } else {
            i
        };
        if let Event::Start(Tag::Item) = ev {
            let mut content: Vec<(Event<'_>, Range<usize>)> = events[i + 1..end].to_vec();
            // A loose item wraps its text in a paragraph; a criterion reads better inline.
            if matches!(content.first(), Some((Event::Start(Tag::Paragraph), _)))
                && matches!(content.last(), Some((Event::End(TagEnd::Paragraph), _)))
            {
                content.remove(0);
                content.pop();
            }
            out.push(Criterion {
                html: render.html(&content, diag, false),
            });
        }
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_task_heading;

    #[test]
    fn task_headings_are_recognised() {
        assert!(is_task_heading("Task"));
        assert!(is_task_heading("Task: write a one-pager"));
        assert!(is_task_heading("task: x"));
        assert!(!is_task_heading("Tasks of a team"));
        assert!(!is_task_heading("Quiz"));
    }
}
