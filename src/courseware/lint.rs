//! The cue lint: quiz items that give their answer away without the learner knowing anything.
//!
//! A question measures skill only when a learner who does not know the answer cannot find it
//! from the shape of the options. This pass reads every module's quiz as written (positions
//! included) and warns, as `path:line:col: warning: message`, about:
//!
//! - a keyed answer that is the longest option by a wide margin ([`LONGEST_MARGIN`]);
//! - a keyed answer more than [`MEAN_MARGIN`] times the distractors' mean length;
//! - a module whose keyed answers sit in the same position ([`SAME_POSITION_SHARE`]), or (with
//!   at least [`SHAPE_MIN`] questions) far from an even spread, or whose key is the longest
//!   option far more often than 1 in k;
//! - across the curriculum: key positions more than [`POSITION_TOLERANCE`] from even, the key
//!   the longest option in more than 1 in k questions, select-all questions mostly opening
//!   with a correct choice;
//! - a module whose `review_by` date has passed;
//! - "all of the above" / "none of the above" options;
//! - fewer than [`MIN_CHOICES`] choices;
//! - duplicate choices.
//!
//! Warnings are not errors: the loader still publishes the module. `levelfield content check
//! --deny-warnings` fails on them. The quiz shuffles choices per attempt, so position cues are
//! harmless to learners meanwhile, but they still bias an author's item statistics.
//!
//! It is a separate pass over the source (like a linter beside a compiler) so that the loader
//! keeps one job; it uses the same markdown options as the loader. Server only; uses only
//! courseware's own helpers and `domain`.

use super::front_matter::split;
use super::render::{parse, plain_text};
use super::source::LineIndex;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::collections::HashSet;
use std::fmt;
use std::path::Path;

/// A keyed answer longer than every distractor by this factor (in characters), and by at least
/// [`LONGEST_MIN_EXTRA`] characters, is a cue.
pub const LONGEST_MARGIN: f64 = 1.3;
pub const LONGEST_MIN_EXTRA: usize = 8;
/// A keyed answer longer than the distractors' mean length by this factor is a cue too.
pub const MEAN_MARGIN: f64 = 1.5;
/// In a module with at least [`SAME_POSITION_MIN`] single-answer questions, keys in one position
/// this often (or more) are a cue.
pub const SAME_POSITION_SHARE: f64 = 0.6;
pub const SAME_POSITION_MIN: usize = 4;
/// Fewer choices than this make guessing too easy to measure anything.
pub const MIN_CHOICES: usize = 3;

/// One cue found in a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentWarning {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ContentWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: warning: {}",
            self.path, self.line, self.col, self.message
        )
    }
}

/// A question as written: where it stands, whether it is select-all, and its choices.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSource {
    pub id: String,
    pub pos: (usize, usize),
    pub multiple: bool,
    pub choices: Vec<ChoiceSource>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceSource {
    pub pos: (usize, usize),
    pub text: String,
    pub keyed: bool,
}

/// Lints every module under `root/modules` as of today (UTC).
pub fn lint_tree(root: &Path) -> Vec<ContentWarning> {
    let today = chrono::Utc::now().date_naive().to_string();
    lint_tree_on(root, &today)
}

/// Lints every module under `root/modules` as of `today` (`YYYY-MM-DD`): each module's cues and
/// review date, then the cues across the whole curriculum. Files that cannot be read or split
/// are skipped: the loader reports those as errors.
pub fn lint_tree_on(root: &Path, today: &str) -> Vec<ContentWarning> {
    let dir = root.join("modules");
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(d) => d
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect(),
        Err(_) => return Vec::new(),
    };
    files.sort();
    let mut out = Vec::new();
    let mut all_items = Vec::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let display = path.to_string_lossy().replace('\\', "/");
        out.extend(lint_module(&display, &text));
        out.extend(review_lapsed(&display, &text, today));
        all_items.extend(read_items(&text));
    }
    let dir_display = dir.to_string_lossy().replace('\\', "/");
    out.extend(curriculum_cues(&dir_display, &all_items));
    out
}

/// Lints one module file's text.
pub fn lint_module(path: &str, text: &str) -> Vec<ContentWarning> {
    let items = read_items(text);
    lint_items(path, &items)
}

/// A module whose `review_by` date has passed on `today`.
pub fn review_lapsed(path: &str, text: &str, today: &str) -> Option<ContentWarning> {
    let sp = split(text).ok()?;
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(sp.front_matter).ok()?;
    let review_by = value.get("review_by")?.as_str()?.trim().to_string();
    if review_by.as_str() >= today {
        return None;
    }
    let (line, col) = super::source::key_position(sp.front_matter, "review_by")
        .map(|(l, c)| (l + sp.front_matter_line - 1, c))
        .unwrap_or((1, 1));
    Some(ContentWarning {
        path: path.to_string(),
        line,
        col,
        message: format!(
            "the review date {review_by} has passed: review the module, then set `last_reviewed` and a new `review_by`"
        ),
    })
}

/// The share of single-answer items whose key is the longest option, and the keys' positions,
/// across a set of items.
struct KeyShape {
    /// Single-answer items with at least two choices.
    singles: usize,
    /// Of them, those whose key is strictly longer than every distractor.
    key_longest: usize,
    /// Expected share of `key_longest` if length told nothing: the mean of 1/k.
    longest_expected: f64,
    /// Per position: keys there, and the number expected if positions were uniform.
    positions: Vec<(usize, f64)>,
    /// Select-all items, and those whose first choice is correct.
    multiples: usize,
    multiples_first_correct: usize,
}

fn key_shape(items: &[ItemSource]) -> KeyShape {
    let mut shape = KeyShape {
        singles: 0,
        key_longest: 0,
        longest_expected: 0.0,
        positions: Vec::new(),
        multiples: 0,
        multiples_first_correct: 0,
    };
    for item in items {
        let k = item.choices.len();
        if item.multiple {
            shape.multiples += 1;
            if item.choices.first().is_some_and(|c| c.keyed) {
                shape.multiples_first_correct += 1;
            }
            continue;
        }
        let Some(key_at) = item.choices.iter().position(|c| c.keyed) else {
            continue;
        };
        if k < 2 {
            continue;
        }
        shape.singles += 1;
        let len = |c: &ChoiceSource| normalised(&c.text).chars().count();
        let key_len = len(&item.choices[key_at]);
        if item
            .choices
            .iter()
            .filter(|c| !c.keyed)
            .all(|c| len(c) < key_len)
        {
            shape.key_longest += 1;
        }
        shape.longest_expected += 1.0 / k as f64;
        if shape.positions.len() < k {
            shape.positions.resize(k, (0, 0.0));
        }
        shape.positions[key_at].0 += 1;
        for p in shape.positions.iter_mut().take(k) {
            p.1 += 1.0 / k as f64;
        }
    }
    if shape.singles > 0 {
        shape.longest_expected /= shape.singles as f64;
    }
    shape
}

/// Below this many single-answer questions a module's key shape is not judged (too few to
/// tell a cue from chance); the curriculum as a whole always is.
pub const SHAPE_MIN: usize = 8;
/// Keys may sit in each position this much more or less often than uniform (a share).
pub const POSITION_TOLERANCE: f64 = 0.10;

/// A module's key shape: the key longest far more often than 1 in k, or positions far from
/// uniform (with one question's slack, since a module is a small sample).
fn module_shape_cues(items: &[ItemSource]) -> Vec<((usize, usize), String)> {
    let shape = key_shape(items);
    let mut out = Vec::new();
    if shape.singles < SHAPE_MIN {
        return out;
    }
    let at = items.first().map(|i| i.pos).unwrap_or((1, 1));
    let n = shape.singles as f64;
    let allowed_longest = (n * shape.longest_expected).floor() as usize + 1;
    if shape.key_longest > allowed_longest {
        out.push((
            at,
            format!(
                "the keyed answer is the longest option in {} of {} single-answer questions (at most {allowed_longest}: about 1 in {:.0}); make a distractor the longest more often",
                shape.key_longest,
                shape.singles,
                1.0 / shape.longest_expected.max(f64::EPSILON)
            ),
        ));
    }
    for (p, (count, expected)) in shape.positions.iter().enumerate() {
        let slack = POSITION_TOLERANCE * n + 1.0;
        if (*count as f64 - expected).abs() > slack {
            out.push((
                at,
                format!(
                    "{count} of {} single-answer keys are choice {} (about {expected:.0} expected if positions were even): move some keys",
                    shape.singles,
                    p + 1
                ),
            ));
        }
    }
    out
}

/// The cues across the whole curriculum, judged strictly: key positions within
/// [`POSITION_TOLERANCE`] of uniform, the key the longest option in at most 1 in k items, and
/// select-all questions not mostly opening with a correct choice.
pub fn curriculum_cues(path: &str, items: &[ItemSource]) -> Vec<ContentWarning> {
    let shape = key_shape(items);
    let mut out = Vec::new();
    let mut warn = |message: String| {
        out.push(ContentWarning {
            path: path.to_string(),
            line: 1,
            col: 1,
            message,
        })
    };
    if shape.singles < SHAPE_MIN {
        return out;
    }
    let n = shape.singles as f64;
    let longest_share = shape.key_longest as f64 / n;
    if longest_share > shape.longest_expected + 1e-9 {
        warn(format!(
            "across the curriculum the keyed answer is the longest option in {} of {} single-answer questions ({:.0}%, at most {:.0}%: 1 in k)",
            shape.key_longest,
            shape.singles,
            100.0 * longest_share,
            100.0 * shape.longest_expected
        ));
    }
    for (p, (count, expected)) in shape.positions.iter().enumerate() {
        let share = *count as f64 / n;
        let uniform = expected / n;
        if (share - uniform).abs() > POSITION_TOLERANCE {
            warn(format!(
                "across the curriculum {:.0}% of single-answer keys are choice {} ({:.0}% if even, ±{:.0} points allowed)",
                100.0 * share,
                p + 1,
                100.0 * uniform,
                100.0 * POSITION_TOLERANCE
            ));
        }
    }
    if shape.multiples >= SHAPE_MIN
        && shape.multiples_first_correct as f64 > 0.75 * shape.multiples as f64
    {
        warn(format!(
            "across the curriculum {} of {} select-all questions open with a correct choice: vary the pattern",
            shape.multiples_first_correct, shape.multiples
        ));
    }
    out
}

/// Reads the quiz items of a module as written.
pub fn read_items(text: &str) -> Vec<ItemSource> {
    let Ok(sp) = split(text) else {
        return Vec::new();
    };
    let index = LineIndex::new(text);
    let at = |offset: usize| index.position(sp.body_offset + offset);
    let body = &text[sp.body_offset..];
    let events = parse(body);
    let mut items: Vec<ItemSource> = Vec::new();
    let mut in_quiz = false;
    let mut i = 0;
    while i < events.len() {
        let (ev, range) = &events[i];
        match ev {
            Event::Start(Tag::Heading {
                level, id, attrs, ..
            }) => {
                let end = find(&events, i, |e| matches!(e, Event::End(TagEnd::Heading(_))));
                if *level == HeadingLevel::H2 {
                    in_quiz = plain_text(&events[i + 1..end]).eq_ignore_ascii_case("quiz");
                } else if *level == HeadingLevel::H3 && in_quiz {
                    let multiple = attrs.iter().any(|(k, v)| {
                        k.as_ref() == "multiple"
                            || (k.as_ref() == "kind" && v.as_deref() == Some("multiple"))
                    });
                    items.push(ItemSource {
                        id: id.as_deref().unwrap_or("").to_string(),
                        pos: at(range.start),
                        multiple,
                        choices: Vec::new(),
                    });
                }
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Item) if in_quiz => {
                let end = find_matching(&events, i);
                let inner = &events[i + 1..end];
                let keyed = inner.iter().find_map(|(e, _)| match e {
                    Event::TaskListMarker(done) => Some(*done),
                    _ => None,
                });
                if let (Some(keyed), Some(item)) = (keyed, items.last_mut()) {
                    item.choices.push(ChoiceSource {
                        pos: at(range.start),
                        text: plain_text(inner),
                        keyed,
                    });
                }
                i = end + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    items
}

fn find(
    events: &[(Event<'_>, std::ops::Range<usize>)],
    from: usize,
    f: impl Fn(&Event<'_>) -> bool,
) -> usize {
    (from..events.len())
        .find(|&j| f(&events[j].0))
        .unwrap_or(events.len().saturating_sub(1))
}

/// The index of the `End` matching the `Start` at `start`.
fn find_matching(events: &[(Event<'_>, std::ops::Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// The normalised text of a choice, for length and duplicate checks.
fn normalised(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ';'])
        .to_lowercase()
}

fn is_above_option(text: &str) -> bool {
    let t = normalised(text);
    [
        "all of the above",
        "none of the above",
        "both of the above",
        "all the above",
    ]
    .iter()
    .any(|p| t.contains(p))
}

/// The cue warnings for one module's items.
pub fn lint_items(path: &str, items: &[ItemSource]) -> Vec<ContentWarning> {
    let mut out = Vec::new();
    let mut warn = |(line, col): (usize, usize), message: String| {
        out.push(ContentWarning {
            path: path.to_string(),
            line,
            col,
            message,
        })
    };
    for item in items {
        let n = item.choices.len();
        if n > 0 && n < MIN_CHOICES {
            warn(
                item.pos,
                format!(
                    "question `{}` has {n} choices: give at least {MIN_CHOICES}, so guessing is not an easy pass",
                    item.id
                ),
            );
        }
        let mut seen = HashSet::new();
        for c in &item.choices {
            if !seen.insert(normalised(&c.text)) {
                warn(
                    c.pos,
                    format!("question `{}` repeats the choice \"{}\"", item.id, c.text),
                );
            }
            if is_above_option(&c.text) {
                warn(
                    c.pos,
                    format!(
                        "question `{}` has \"{}\": an \"all/none of the above\" option is a cue; write a real alternative",
                        item.id, c.text
                    ),
                );
            }
        }
        if !item.multiple && n >= 2 {
            if let Some(warning) = longest_cue(item) {
                warn(warning.0, warning.1);
            }
        }
    }
    if let Some((pos, message)) = same_position_cue(items) {
        warn(pos, message);
    } else {
        for (pos, message) in module_shape_cues(items) {
            warn(pos, message);
        }
    }
    out
}

/// A single-answer item whose key is longer than every distractor by [`LONGEST_MARGIN`].
fn longest_cue(item: &ItemSource) -> Option<((usize, usize), String)> {
    let key = item.choices.iter().find(|c| c.keyed)?;
    let key_len = normalised(&key.text).chars().count();
    let longest_other = item
        .choices
        .iter()
        .filter(|c| !c.keyed)
        .map(|c| normalised(&c.text).chars().count())
        .max()?;
    let others: Vec<usize> = item
        .choices
        .iter()
        .filter(|c| !c.keyed)
        .map(|c| normalised(&c.text).chars().count())
        .collect();
    let mean_other = others.iter().sum::<usize>() as f64 / others.len().max(1) as f64;
    let ratio = key_len as f64 / longest_other.max(1) as f64;
    let by_far = ratio >= LONGEST_MARGIN && key_len >= longest_other + LONGEST_MIN_EXTRA;
    let over_mean = key_len as f64 > MEAN_MARGIN * mean_other
        && key_len >= longest_other
        && key_len as f64 >= mean_other + LONGEST_MIN_EXTRA as f64;
    (by_far || over_mean).then(|| {
        (
            key.pos,
            format!(
                "question `{}`: the keyed answer is the longest option by far ({key_len} characters; the longest distractor {longest_other}, their mean {mean_other:.0}; keep the key within {MEAN_MARGIN}x the mean); make the options similar in length and detail",
                item.id
            ),
        )
    })
}

/// A module whose single-answer keys mostly sit in one position.
fn same_position_cue(items: &[ItemSource]) -> Option<((usize, usize), String)> {
    let positions: Vec<usize> = items
        .iter()
        .filter(|i| !i.multiple)
        .filter_map(|i| i.choices.iter().position(|c| c.keyed))
        .collect();
    if positions.len() < SAME_POSITION_MIN {
        return None;
    }
    let mut counts = std::collections::BTreeMap::new();
    for p in &positions {
        *counts.entry(*p).or_insert(0usize) += 1;
    }
    let (&pos, &count) = counts.iter().max_by_key(|(_, c)| **c)?;
    let share = count as f64 / positions.len() as f64;
    (share >= SAME_POSITION_SHARE).then(|| {
        let first = items
            .iter()
            .find(|i| !i.multiple && !i.choices.is_empty())
            .map(|i| i.pos)
            .unwrap_or((1, 1));
        (
            first,
            format!(
                "{count} of {} single-answer keys are choice {}: vary where the right answer stands",
                positions.len(),
                pos + 1
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: &str = "---\nid: m\n---\n# M\n\nText.\n\n## Quiz\n\n\
### Which one? {#q-a skill=s difficulty=1}\n\n\
- [ ] No\n\
- [x] Yes, because the long explanation in the option gives it away entirely\n\
- [ ] Maybe\n\n\
> Why.\n\n\
### Pick {#q-b skill=s difficulty=1}\n\n\
- [ ] One\n\
- [x] Two\n\n\
> Why.\n\n\
### Pick all {#q-c skill=s difficulty=2 kind=multiple}\n\n\
- [x] Alpha\n\
- [x] Beta\n\
- [ ] Alpha\n\
- [ ] None of the above\n\n\
> Why.\n\n\
### Fair {#q-d skill=s difficulty=2}\n\n\
- [x] Red apple\n\
- [ ] Green pear\n\
- [ ] Blue plum\n\n\
> Why.\n\n\
### Fair too {#q-e skill=s difficulty=2}\n\n\
- [ ] Cat\n\
- [x] Dog\n\
- [ ] Cow\n\n\
> Why.\n";

    #[test]
    fn reads_items_with_positions() {
        let items = read_items(MODULE);
        assert_eq!(items.len(), 5);
        assert_eq!(items[0].id, "q-a");
        assert_eq!(items[0].pos, (10, 1));
        assert_eq!(items[0].choices.len(), 3);
        assert_eq!(items[0].choices[1].pos, (13, 1));
        assert!(items[0].choices[1].keyed);
        assert!(items[2].multiple);
        assert_eq!(items[3].choices[0].text, "Red apple");
    }

    #[test]
    fn finds_each_cue_with_its_position() {
        let w: Vec<String> = lint_module("m.md", MODULE)
            .iter()
            .map(ToString::to_string)
            .collect();
        let expect = [
            "m.md:13:1: warning: question `q-a`: the keyed answer is the longest option by far",
            "m.md:18:1: warning: question `q-b` has 2 choices",
            "m.md:29:1: warning: question `q-c` repeats the choice \"Alpha\"",
            "m.md:30:1: warning: question `q-c` has \"None of the above\"",
            "m.md:10:1: warning: 3 of 4 single-answer keys are choice 2",
        ];
        assert_eq!(w.len(), expect.len(), "{w:#?}");
        for (got, want) in w.iter().zip(expect) {
            assert!(
                got.starts_with(want),
                "{got}\n  does not start with\n{want}"
            );
        }
    }

    #[test]
    fn a_lapsed_review_date_is_a_warning_at_its_key() {
        let text = "---\nid: m\nlast_reviewed: 2026-01-10\nreview_by: 2026-07-10\n---\n# M\n";
        assert_eq!(review_lapsed("m.md", text, "2026-07-10"), None);
        let w = review_lapsed("m.md", text, "2026-07-11").map(|w| w.to_string());
        assert_eq!(
            w.as_deref(),
            Some("m.md:4:1: warning: the review date 2026-07-10 has passed: review the module, then set `last_reviewed` and a new `review_by`")
        );
    }

    fn item(id: &str, key_at: usize, lens: [usize; 4]) -> ItemSource {
        ItemSource {
            id: id.into(),
            pos: (1, 1),
            multiple: false,
            choices: lens
                .iter()
                .enumerate()
                .map(|(i, &n)| ChoiceSource {
                    pos: (1, 1),
                    text: "x".repeat(n),
                    keyed: i == key_at,
                })
                .collect(),
        }
    }

    #[test]
    fn curriculum_shape_wants_even_positions_and_a_rarely_longest_key() {
        // 12 items, keys spread evenly, key longest in 3 (1 in 4): clean.
        let even: Vec<_> = (0..12)
            .map(|i| {
                let mut lens = [20; 4];
                lens[(i % 4 + 1) % 4] = 25;
                if i % 4 == 0 {
                    lens[0] = 30;
                }
                item("q", i % 4, lens)
            })
            .collect();
        assert_eq!(curriculum_cues("c", &even), Vec::new());
        assert!(module_shape_cues(&even).is_empty());
        // Every key at position 1 and the longest: both cues fire.
        let skewed: Vec<_> = (0..12).map(|_| item("q", 0, [30, 20, 21, 22])).collect();
        let w: Vec<String> = curriculum_cues("c", &skewed)
            .iter()
            .map(|w| w.message.clone())
            .collect();
        assert!(w[0].contains("longest option in 12 of 12"), "{w:?}");
        assert!(
            w.iter()
                .any(|m| m.contains("100% of single-answer keys are choice 1")),
            "{w:?}"
        );
        assert!(module_shape_cues(&skewed).len() >= 2);
    }

    #[test]
    fn a_fair_module_has_no_warnings() {
        let fair = "---\nid: m\n---\n## Quiz\n\n\
### A {#q-a skill=s difficulty=1}\n\n- [x] Cat\n- [ ] Dog\n- [ ] Cow\n\n> Why.\n\n\
### B {#q-b skill=s difficulty=1}\n\n- [ ] Cat\n- [x] Dog\n- [ ] Cow\n\n> Why.\n\n\
### C {#q-c skill=s difficulty=1}\n\n- [ ] Cat\n- [ ] Dog\n- [x] Cow\n\n> Why.\n\n\
### D {#q-d skill=s difficulty=1}\n\n- [ ] Cat\n- [x] Dog\n- [ ] Cow\n\n> Why.\n";
        assert_eq!(lint_module("m.md", fair), Vec::new());
    }
}
