//! The parts of a module that make it teachable and checkable beyond its prose: the
//! `## Further reading` list, and runnable exercises (a ```` ```python runnable ```` block
//! followed by the ```` ```output ```` it prints).
//!
//! Read from the reading's markdown events; every problem is reported with its position.

use super::render::{find_end, plain_text, ModuleRender};
use super::Diagnostics;
use crate::domain::curation::Reference;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Tag};
use std::ops::Range;

type Events<'e> = [(Event<'e>, Range<usize>)];

/// The heading text of the further-reading section.
pub const FURTHER_READING: &str = "further reading";
/// How many references the section lists.
pub const REFERENCES: std::ops::RangeInclusive<usize> = 3..=5;

/// Reads the `## Further reading` section of the reading: it must exist, be the last level-2
/// section, and list 3–5 entries each with an external `https://` (or `http://`) link.
pub fn further_reading(
    reading: &Events<'_>,
    render: &ModuleRender<'_>,
    diag: &mut Diagnostics<'_>,
) -> Vec<Reference> {
    let h2: Vec<usize> = reading
        .iter()
        .enumerate()
        .filter(|(_, (e, _))| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                })
            )
        })
        .map(|(i, _)| i)
        .collect();
    let title_of = |i: usize| plain_text(&reading[i + 1..find_end(reading, i)]);
    let Some(&at) = h2
        .iter()
        .find(|&&i| title_of(i).eq_ignore_ascii_case(FURTHER_READING))
    else {
        let pos = reading
            .first()
            .map(|(_, r)| render.pos(r))
            .unwrap_or((1, 1));
        diag.error(
            pos,
            "no `## Further reading` section: end the reading with 3 to 5 links to primary sources",
        );
        return Vec::new();
    };
    let heading_pos = render.pos(&reading[at].1);
    if h2.last() != Some(&at) {
        diag.error(
            heading_pos,
            "`## Further reading` must be the last section of the reading (before the task and the quiz)",
        );
    }
    let end = find_end(reading, at);
    let section = &reading[end + 1..];
    let mut refs = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    while i < section.len() {
        match &section[i].0 {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(pulldown_cmark::TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => {
                let item_end = find_end(section, i);
                let item = &section[i..=item_end];
                let link = item.iter().enumerate().find_map(|(j, (e, _))| match e {
                    Event::Start(Tag::Link { dest_url, .. })
                        if dest_url.starts_with("https://") || dest_url.starts_with("http://") =>
                    {
                        Some((j, dest_url.to_string()))
                    }
                    _ => None,
                });
                match link {
                    Some((j, url)) => refs.push(Reference {
                        title: plain_text(&item[j + 1..find_end(item, j)]),
                        url,
                    }),
                    None => diag.error(
                        render.pos(&section[i].1),
                        "a further-reading entry needs a link to an external source (https://…)",
                    ),
                }
                i = item_end + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if !REFERENCES.contains(&refs.len()) {
        diag.error(
            heading_pos,
            format!(
                "`## Further reading` lists {} linked source{}: give {} to {}",
                refs.len(),
                if refs.len() == 1 { "" } else { "s" },
                REFERENCES.start(),
                REFERENCES.end()
            ),
        );
    }
    refs
}

/// A fenced block's info string: its language and whether it is marked `runnable`.
pub fn code_info(info: &str) -> (&str, bool) {
    let mut words = info.split_whitespace();
    let lang = words.next().unwrap_or("");
    (lang, words.any(|w| w == "runnable"))
}

/// One runnable exercise: the code, the output it must print, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub lang: String,
    pub code: String,
    pub expected: String,
    /// (line, column) of the code block's opening fence.
    pub pos: (usize, usize),
}

/// Every runnable block of the reading, each with the `output` block that must follow it.
/// A runnable block without one, or in a language other than Python, is an error.
pub fn exercises(
    reading: &Events<'_>,
    render: &ModuleRender<'_>,
    diag: &mut Diagnostics<'_>,
) -> Vec<Exercise> {
    let blocks: Vec<(usize, String, String)> = reading
        .iter()
        .enumerate()
        .filter_map(|(i, (e, _))| match e {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let end = find_end(reading, i);
                let code: String = reading[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                Some((i, info.to_string(), code))
            }
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for (n, (i, info, code)) in blocks.iter().enumerate() {
        let (lang, runnable) = code_info(info);
        if !runnable {
            continue;
        }
        let pos = render.pos(&reading[*i].1);
        if lang != "python" {
            diag.error(
                pos,
                format!("`{lang} runnable`: only python blocks can be marked runnable"),
            );
            continue;
        }
        // The output block must be the very next block element.
        let next_block = blocks.get(n + 1).filter(|(j, _, _)| {
            let end = find_end(reading, *i);
            *j == end + 1
        });
        match next_block {
            Some((_, next_info, expected)) if code_info(next_info).0 == "output" => {
                out.push(Exercise {
                    lang: lang.to_string(),
                    code: code.clone(),
                    expected: expected.clone(),
                    pos,
                })
            }
            _ => diag.error(
                pos,
                "a runnable block must be followed at once by an ```output block holding what it prints",
            ),
        }
    }
    out
}

/// Whether what a program printed matches the output a module quotes: the same lines, with
/// trailing spaces and trailing blank lines ignored.
pub fn same_output(printed: &str, expected: &str) -> bool {
    let norm = |s: &str| {
        let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
        let keep = lines
            .iter()
            .rposition(|l| !l.is_empty())
            .map_or(0, |p| p + 1);
        lines[..keep].join("\n")
    };
    norm(printed) == norm(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_name_language_and_runnable() {
        assert_eq!(code_info("python runnable"), ("python", true));
        assert_eq!(code_info("python"), ("python", false));
        assert_eq!(code_info(""), ("", false));
    }

    #[test]
    fn output_comparison_ignores_trailing_space_only() {
        assert!(same_output("a  \nb\n\n", "a\nb"));
        assert!(!same_output("a\nb", "a\n b"));
        assert!(!same_output("0.91", "0.92"));
    }
}
