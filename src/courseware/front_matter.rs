//! A module's frontmatter: split it from the body, then read every field, collecting every
//! problem with its position rather than stopping at the first.

use super::source::{key_position, nested_key_position, token_position};
use super::Diagnostics;
use crate::domain::catalogue::Difficulty;
use crate::domain::curation::ReviewCycle;
use crate::domain::draw::{QuizPolicy, Reveal};
use crate::domain::ids::{is_valid_id, ModuleId, SkillId};
use chrono::{Months, NaiveDate};
use serde_yaml_ng::{Mapping, Value};
use std::collections::HashSet;

/// A module file split into its frontmatter and body.
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// 1-based line of the first frontmatter line in the file.
    pub front_matter_line: usize,
    /// The markdown after the closing fence.
    #[cfg_attr(not(test), allow(dead_code))]
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits `text` at its `---` fences.
pub fn split(text: &str) -> Result<Split<'_>, (usize, String)> {
    let rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - rest.len();
    let first_end = rest.find('\n').unwrap_or(rest.len());
    if rest[..first_end].trim_end() != "---" {
        return Err((
            1,
            "missing frontmatter: a module starts with a line `---`".into(),
        ));
    }
    let fm_start = first_end + 1;
    let mut offset = fm_start;
    let mut line_no = 2;
    while offset <= rest.len() {
        let end = rest[offset..]
            .find('\n')
            .map(|i| offset + i)
            .unwrap_or(rest.len());
        let line = rest[offset..end].trim_end();
        if line == "---" {
            let body_start = (end + 1).min(rest.len());
            return Ok(Split {
                front_matter: &rest[fm_start.min(offset)..offset],
                front_matter_line: 2,
                body: &rest[body_start..],
                body_offset: bom + body_start,
            });
        }
        if end == rest.len() {
            break;
        }
        offset = end + 1;
        line_no += 1;
    }
    Err((
        line_no.max(1),
        "unterminated frontmatter: no closing `---` line".into(),
    ))
}

/// Publication state of a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Published,
}

/// A module's frontmatter, read and type-checked (cross-file checks come later).
#[derive(Debug, Clone)]
pub struct ModuleMeta {
    pub id: ModuleId,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Skill, level taught (unchecked range), and where it is written.
    pub skills: Vec<(SkillId, i64, (usize, usize))>,
    pub estimated_minutes: u32,
    pub prerequisites: Vec<(ModuleId, (usize, usize))>,
    pub difficulty: Difficulty,
    pub status: Status,
    pub authors: Vec<String>,
    /// How the quiz is given (`quiz: { draw: 5, reveal: after-pass }`; default: the whole bank,
    /// keys after a pass).
    pub quiz_policy: QuizPolicy,
    /// Where `draw` is written, to report a draw larger than the quiz once it is read.
    pub draw_pos: (usize, usize),
    /// Positions of the `id`, `slug` and `prerequisites` keys.
    pub id_pos: (usize, usize),
    pub slug_pos: (usize, usize),
    pub prerequisites_pos: (usize, usize),
    /// What a learner can do afterwards (3–5).
    pub objectives: Vec<String>,
    pub last_reviewed: NaiveDate,
    pub review_by: NaiveDate,
    pub review_cycle: ReviewCycle,
}

/// How many learning objectives a module states.
pub const OBJECTIVES: std::ops::RangeInclusive<usize> = 3..=5;

const FIELDS: [&str; 15] = [
    "id",
    "slug",
    "title",
    "summary",
    "skills",
    "estimated_minutes",
    "prerequisites",
    "difficulty",
    "status",
    "authors",
    "quiz",
    "objectives",
    "last_reviewed",
    "review_by",
    "review_cycle",
];

/// Reads the frontmatter YAML. Returns `None` if any field is unusable; every problem has been
/// reported to `diag` by then.
pub fn parse_meta(
    split: &Split<'_>,
    known_skills: &HashSet<String>,
    diag: &mut Diagnostics<'_>,
) -> Option<ModuleMeta> {
    let fm = split.front_matter;
    let base = split.front_matter_line - 1;
    let at = |pos: Option<(usize, usize)>| pos.map(|(l, c)| (l + base, c)).unwrap_or((1, 1));

    let value: Value = match serde_yaml_ng::from_str(fm) {
        Ok(v) => v,
        Err(e) => {
            let (l, c) = e
                .location()
                .map(|loc| (loc.line(), loc.column()))
                .unwrap_or((1, 1));
            diag.error(
                (l + base, c),
                format!("malformed frontmatter: {}", strip_location(&e.to_string())),
            );
            return None;
        }
    };
    let Some(map) = value.as_mapping() else {
        diag.error(
            (1, 1),
            "frontmatter must be a mapping of `field: value` lines",
        );
        return None;
    };

    let before = diag.count();
    for key in map.keys() {
        let name = key.as_str().unwrap_or("?");
        if !FIELDS.contains(&name) {
            diag.error(
                at(key_position(fm, name)),
                format!(
                    "unknown field `{name}` (expected one of: {})",
                    FIELDS.join(", ")
                ),
            );
        }
    }

    let mut field = |name: &str| -> Option<(&Value, (usize, usize))> {
        match map.get(name) {
            Some(v) => Some((v, at(key_position(fm, name)))),
            None => {
                if !matches!(name, "prerequisites" | "quiz" | "review_cycle") {
                    diag.error((1, 1), format!("missing required field `{name}`"));
                }
                None
            }
        }
    };
    let id = field("id");
    let slug = field("slug");
    let title = field("title");
    let summary = field("summary");
    let skills = field("skills");
    let minutes = field("estimated_minutes");
    let prereqs = field("prerequisites");
    let difficulty = field("difficulty");
    let status = field("status");
    let authors = field("authors");
    let quiz = field("quiz");
    let objectives = field("objectives");
    let last_reviewed = field("last_reviewed");
    let review_by = field("review_by");
    let review_cycle = field("review_cycle");

    let id_pos = id.map(|(_, p)| p).unwrap_or((1, 1));
    let id = id
        .and_then(|(v, p)| id_value(v, p, "id", diag))
        .map(ModuleId);
    let slug_pos = slug.map(|(_, p)| p).unwrap_or((1, 1));
    let slug = slug.and_then(|(v, p)| id_value(v, p, "slug", diag));
    let title = title.and_then(|(v, p)| text(v, p, "title", diag));
    let summary = summary.and_then(|(v, p)| text(v, p, "summary", diag));

    let skills = skills.and_then(|(v, p)| {
        let Some(seq) = v.as_sequence().filter(|s| !s.is_empty()) else {
            diag.error(p, "`skills` must be a non-empty list of `- id: <skill>` / `level: <1-4>` entries");
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in seq.iter().enumerate() {
            let entry = item.as_mapping();
            let sid = entry.and_then(|m| m.get("id")).and_then(Value::as_str);
            let level = entry.and_then(|m| m.get("level")).and_then(Value::as_i64);
            match (sid, level) {
                (Some(sid), Some(level)) => {
                    let pos = at(token_position(fm, p.0 - base, sid));
                    if !known_skills.contains(sid) {
                        ok = false;
                        diag.error(pos, format!("unknown skill `{sid}` (not in skills.yaml)"));
                    }
                    if !(1..=4).contains(&level) {
                        ok = false;
                        diag.error(pos, format!("level {level} for skill `{sid}` is out of range: a module teaches a level from 1 to 4"));
                    }
                    out.push((SkillId::new(sid), level, pos));
                }
                _ => {
                    ok = false;
                    diag.error(
                        p,
                        format!("`skills` entry {} needs `id` (a skill id) and `level` (a number 1-4)", i + 1),
                    );
                }
            }
        }
        ok.then_some(out)
    });

    let minutes = minutes.and_then(|(v, p)| match v.as_u64() {
        Some(m @ 1..=600) => Some(m as u32),
        _ => {
            diag.error(
                p,
                "`estimated_minutes` must be a whole number of minutes from 1 to 600",
            );
            None
        }
    });

    let prerequisites_pos = prereqs.map(|(_, p)| p).unwrap_or(id_pos);
    let prerequisites = match prereqs {
        None => Some(Vec::new()),
        Some((v, p)) => list_of_strings(v).map_or_else(
            || {
                diag.error(
                    p,
                    "`prerequisites` must be a list of module ids, e.g. [ai-foundations]",
                );
                None
            },
            |ids| {
                Some(
                    ids.into_iter()
                        .map(|s| {
                            let pos = at(token_position(fm, p.0 - base, &s));
                            (ModuleId(s), pos)
                        })
                        .collect(),
                )
            },
        ),
    };

    let difficulty = difficulty.and_then(|(v, p)| {
        let d = v.as_str().and_then(Difficulty::parse);
        if d.is_none() {
            diag.error(
                p,
                "`difficulty` must be one of: beginner, intermediate, advanced",
            );
        }
        d
    });
    let status = status.and_then(|(v, p)| match v.as_str() {
        Some("draft") => Some(Status::Draft),
        Some("published") => Some(Status::Published),
        _ => {
            diag.error(p, "`status` must be `draft` or `published`");
            None
        }
    });
    let authors = authors.and_then(|(v, p)| match list_of_strings(v) {
        Some(a) if !a.is_empty() => Some(a),
        _ => {
            diag.error(p, "`authors` must be a non-empty list of names");
            None
        }
    });

    let quiz_at = quiz.map(|(_, p)| p).unwrap_or((1, 1));
    let draw_pos = at(nested_key_position(fm, quiz_at.0 - base, "draw")).max(quiz_at);
    let quiz_policy = match quiz {
        None => Some(QuizPolicy::default()),
        Some((v, p)) => quiz_policy(
            v,
            p,
            |key| at(nested_key_position(fm, p.0 - base, key)),
            diag,
        ),
    };

    let objectives = objectives.and_then(|(v, p)| match list_of_strings(v) {
        Some(list)
            if OBJECTIVES.contains(&list.len()) && list.iter().all(|o| !o.trim().is_empty()) =>
        {
            Some(list.into_iter().map(|o| o.trim().to_string()).collect())
        }
        _ => {
            diag.error(
                p,
                format!(
                    "`objectives` must be a list of {} to {} things a learner can do afterwards",
                    OBJECTIVES.start(),
                    OBJECTIVES.end()
                ),
            );
            None
        }
    });
    let review_cycle = match review_cycle {
        None => Some(ReviewCycle::General),
        Some((v, p)) => {
            let c = v.as_str().and_then(ReviewCycle::parse);
            if c.is_none() {
                diag.error(
                    p,
                    "`review_cycle` must be one of: general, legal, hardware, versions",
                );
            }
            c
        }
    };
    let review_by_pos = review_by.map(|(_, p)| p).unwrap_or((1, 1));
    let last_reviewed = last_reviewed.and_then(|(v, p)| date(v, p, "last_reviewed", diag));
    let review_by = review_by.and_then(|(v, p)| date(v, p, "review_by", diag));
    if let (Some(from), Some(to), Some(cycle)) = (last_reviewed, review_by, review_cycle) {
        let limit = from.checked_add_months(Months::new(cycle.max_months()));
        if to <= from {
            diag.error(review_by_pos, "`review_by` must come after `last_reviewed`");
        } else if limit.is_some_and(|l| to > l) {
            diag.error(
                review_by_pos,
                format!(
                    "`review_by` is more than {} months after `last_reviewed`: {} content is reviewed at least every {} months",
                    cycle.max_months(),
                    cycle.as_str(),
                    cycle.max_months()
                ),
            );
        }
    }

    if diag.count() > before {
        return None;
    }
    Some(ModuleMeta {
        id: id?,
        slug: slug?,
        title: title?,
        summary: summary?,
        skills: skills?,
        estimated_minutes: minutes?,
        prerequisites: prerequisites?,
        difficulty: difficulty?,
        status: status?,
        authors: authors?,
        quiz_policy: quiz_policy?,
        draw_pos,
        id_pos,
        slug_pos,
        prerequisites_pos,
        objectives: objectives?,
        last_reviewed: last_reviewed?,
        review_by: review_by?,
        review_cycle: review_cycle?,
    })
}

/// Reads an ISO date (`2026-11-30`); YAML may hand it over as text.
fn date(
    v: &Value,
    pos: (usize, usize),
    name: &str,
    diag: &mut Diagnostics<'_>,
) -> Option<NaiveDate> {
    let parsed = v
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
    if parsed.is_none() {
        diag.error(
            pos,
            format!("`{name}` must be a date written YYYY-MM-DD, e.g. 2026-11-30"),
        );
    }
    parsed
}

/// Reads `quiz: { draw: <n>, reveal: after-pass | always | never }` (both keys optional),
/// reporting each problem at its key. `key_at` finds a key's position under `quiz`.
fn quiz_policy(
    v: &Value,
    pos: (usize, usize),
    key_at: impl Fn(&str) -> (usize, usize),
    diag: &mut Diagnostics<'_>,
) -> Option<QuizPolicy> {
    let Some(map) = v.as_mapping() else {
        diag.error(
            pos,
            "`quiz` must be a mapping such as `{ draw: 5, reveal: after-pass }`",
        );
        return None;
    };
    let mut ok = true;
    for key in map.keys() {
        let name = key.as_str().unwrap_or("?");
        if name != "draw" && name != "reveal" {
            ok = false;
            diag.error(
                key_at(name).max(pos),
                format!("unknown `quiz` setting `{name}` (expected draw, reveal)"),
            );
        }
    }
    let draw = match map.get("draw") {
        None => None,
        Some(d) => match d.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if n >= 1 => Some(n),
            _ => {
                ok = false;
                diag.error(
                    key_at("draw").max(pos),
                    "`draw` must be a whole number of questions, at least 1",
                );
                None
            }
        },
    };
    let reveal = match map.get("reveal") {
        None => Reveal::default(),
        Some(r) => match r.as_str().and_then(Reveal::parse) {
            Some(r) => r,
            None => {
                ok = false;
                diag.error(
                    key_at("reveal").max(pos),
                    "`reveal` must be one of: after-pass, always, never",
                );
                Reveal::default()
            }
        },
    };
    ok.then_some(QuizPolicy { draw, reveal })
}

fn id_value(
    v: &Value,
    pos: (usize, usize),
    name: &str,
    diag: &mut Diagnostics<'_>,
) -> Option<String> {
    match v.as_str() {
        Some(s) if is_valid_id(s) => Some(s.to_string()),
        _ => {
            diag.error(
                pos,
                format!("`{name}` must be lowercase letters, digits and hyphens, starting with a letter"),
            );
            None
        }
    }
}

fn text(v: &Value, pos: (usize, usize), name: &str, diag: &mut Diagnostics<'_>) -> Option<String> {
    match v.as_str().map(str::trim) {
        Some(s) if !s.is_empty() => Some(s.to_string()),
        _ => {
            diag.error(pos, format!("`{name}` must be a non-empty text"));
            None
        }
    }
}

/// A YAML list of strings (a lone string counts as a list of one).
pub fn list_of_strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Null => Some(Vec::new()),
        Value::String(s) => Some(vec![s.clone()]),
        Value::Sequence(seq) => seq.iter().map(|x| x.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

/// serde_yaml_ng appends " at line L column C" to messages; we print the position in front.
pub fn strip_location(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Reads a YAML mapping's string field.
pub fn get_str<'v>(m: &'v Mapping, key: &str) -> Option<&'v str> {
    m.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_frontmatter_from_body() {
        let s = split("---\nid: a\n---\n# Body\n").unwrap();
        assert_eq!(s.front_matter, "id: a\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_offset, 14);
        assert!(split("# no frontmatter").is_err());
        assert_eq!(split("---\nid: a\n").err().map(|e| e.0), Some(3));
    }
}
