//! Loading a whole content tree: every file read, every reference checked, every module
//! rendered once.

use super::front_matter::{parse_meta, split, ModuleMeta, Status};
use super::quiz::parse_quiz;
use super::render::{content_type, find_end, parse, plain_text, ModuleFiles, ModuleRender};
use super::source::LineIndex;
use super::taxonomy::{parse_roles, parse_skills};
use super::{ContentError, Diagnostics};
use crate::domain::catalogue::{Asset, Library, Module, Skill};
use crate::domain::ids::{ModuleId, SkillId};
use crate::domain::level::Level;
use pulldown_cmark::{Event, HeadingLevel, Tag};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The result of loading a content tree: the valid part, and every problem found.
#[derive(Debug, Default)]
pub struct LoadOutcome {
    pub library: Library,
    /// Sorted by path, line and column.
    pub errors: Vec<ContentError>,
    /// Drafts that were checked but are not served.
    pub drafts: usize,
}

struct Parsed {
    rel: PathBuf,
    display: String,
    text: String,
    meta: ModuleMeta,
    body_offset: usize,
    valid: bool,
}

/// Loads and validates the content tree at `root`.
pub fn load(root: &Path) -> LoadOutcome {
    let mut errors = Vec::new();
    let display = |rel: &str| -> String {
        let joined = root.join(rel);
        joined.to_string_lossy().replace('\\', "/")
    };

    // Skills and roles.
    let skills: Vec<Skill> = match read(root, "skills.yaml") {
        Ok(text) => parse_skills(
            &text,
            &mut Diagnostics::new(display("skills.yaml"), &mut errors),
        ),
        Err(e) => {
            Diagnostics::new(display("skills.yaml"), &mut errors).error((1, 1), e);
            Vec::new()
        }
    };
    let skill_ids: HashSet<String> = skills.iter().map(|s| s.id.0.clone()).collect();
    let roles = match read(root, "roles.yaml") {
        Ok(text) => parse_roles(
            &text,
            &skill_ids,
            &mut Diagnostics::new(display("roles.yaml"), &mut errors),
        ),
        Err(e) => {
            Diagnostics::new(display("roles.yaml"), &mut errors).error((1, 1), e);
            Vec::new()
        }
    };

    // Phase 1: every module's frontmatter.
    let mut files: Vec<PathBuf> = match std::fs::read_dir(root.join("modules")) {
        Ok(dir) => dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect(),
        Err(e) => {
            Diagnostics::new(display("modules"), &mut errors)
                .error((1, 1), format!("cannot read the modules folder: {e}"));
            Vec::new()
        }
    };
    files.sort();
    let mut parsed: Vec<Parsed> = Vec::new();
    for path in files {
        let file_name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rel = PathBuf::from("modules").join(&file_name);
        let disp = display(&format!("modules/{file_name}"));
        let mut diag = Diagnostics::new(disp.clone(), &mut errors);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diag.error((1, 1), format!("cannot read file: {e}"));
                continue;
            }
        };
        let sp = match split(&text) {
            Ok(s) => s,
            Err((line, msg)) => {
                diag.error((line, 1), msg);
                continue;
            }
        };
        let body_offset = sp.body_offset;
        if let Some(meta) = parse_meta(&sp, &skill_ids, &mut diag) {
            parsed.push(Parsed {
                rel,
                display: disp,
                text: text.clone(),
                meta,
                body_offset,
                valid: true,
            });
        }
    }

    // Duplicate ids and slugs: the later file (by name) is the one in error.
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_slug: HashMap<String, usize> = HashMap::new();
    for i in 0..parsed.len() {
        let (id, slug) = (parsed[i].meta.id.0.clone(), parsed[i].meta.slug.clone());
        if let Some(&first) = by_id.get(&id) {
            let msg = format!(
                "duplicate module id `{id}` (also used by {})",
                parsed[first].display
            );
            Diagnostics::new(parsed[i].display.clone(), &mut errors)
                .error(parsed[i].meta.id_pos, msg);
            parsed[i].valid = false;
        } else {
            by_id.insert(id, i);
        }
        if let Some(&first) = by_slug.get(&slug) {
            let msg = format!(
                "duplicate slug `{slug}` (also used by {})",
                parsed[first].display
            );
            Diagnostics::new(parsed[i].display.clone(), &mut errors)
                .error(parsed[i].meta.slug_pos, msg);
            parsed[i].valid = false;
        } else {
            by_slug.insert(slug, i);
        }
    }
    let module_files: ModuleFiles = parsed
        .iter()
        .filter(|p| p.valid)
        .map(|p| {
            let name = p
                .rel
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            (
                name,
                (p.meta.slug.clone(), p.meta.status == Status::Published),
            )
        })
        .collect();
    let status_of: HashMap<String, Status> = parsed
        .iter()
        .filter(|p| p.valid)
        .map(|p| (p.meta.id.0.clone(), p.meta.status))
        .collect();

    // Phase 2: references from frontmatter, then render.
    struct Rendered {
        index: usize,
        module: Module,
        anchors: HashSet<String>,
        links: Vec<super::render::LinkCheck>,
        images: HashSet<String>,
        has_errors: bool,
    }
    let mut rendered: Vec<Rendered> = Vec::new();
    for (index, p) in parsed.iter().enumerate() {
        if !p.valid {
            continue;
        }
        let mut diag = Diagnostics::new(p.display.clone(), &mut errors);
        let meta = &p.meta;
        let skills_taught: Vec<(SkillId, Level)> = meta
            .skills
            .iter()
            .filter_map(|(sid, level, _)| {
                Some((sid.clone(), u8::try_from(*level).ok().and_then(Level::new)?))
            })
            .collect();
        for (pid, pos) in &meta.prerequisites {
            match status_of.get(pid.as_str()) {
                None => diag.error(*pos, format!("unknown prerequisite `{pid}` (no module has that id)")),
                Some(_) if *pid == meta.id => diag.error(*pos, "a module cannot be its own prerequisite"),
                Some(Status::Draft) if meta.status == Status::Published => {
                    diag.error(*pos, format!("prerequisite `{pid}` is a draft; a published module can only require published ones"))
                }
                Some(_) => {}
            }
        }

        let lines = LineIndex::new(&p.text);
        let body = &p.text[p.body_offset..];
        let events = parse(body);
        let quiz_at = events.iter().enumerate().position(|(i, (e, _))| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                })
            ) && plain_text(&events[i + 1..find_end(&events, i)]).eq_ignore_ascii_case("quiz")
        });
        let mut render = ModuleRender {
            content_root: root,
            rel_path: &p.rel,
            files: &module_files,
            lines: &lines,
            body_offset: p.body_offset,
            anchors: HashSet::new(),
            toc: Vec::new(),
            links: Vec::new(),
            images: HashSet::new(),
            words: 0,
        };
        let (reading, quiz_events) = match quiz_at {
            Some(q) => {
                let end = find_end(&events, q);
                (
                    &events[..q],
                    Some((&events[end + 1..], render.pos(&events[q].1))),
                )
            }
            None => (&events[..], None),
        };
        let body_html = render.html(reading, &mut diag, true);
        let taught: Vec<SkillId> = meta.skills.iter().map(|(s, _, _)| s.clone()).collect();
        let quiz = match quiz_events {
            Some((qe, pos)) => parse_quiz(qe, pos, &taught, &mut render, &mut diag),
            None => Vec::new(),
        };
        let has_errors = diag.count() > 0;
        let module = Module::new(
            meta.id.clone(),
            meta.slug.clone(),
            meta.title.clone(),
            meta.summary.clone(),
            skills_taught,
            meta.estimated_minutes,
            meta.prerequisites.iter().map(|(m, _)| m.clone()).collect(),
            meta.difficulty,
            meta.authors.clone(),
            body_html,
            std::mem::take(&mut render.toc),
            quiz,
            render.words,
            fnv1a(p.text.as_bytes()),
        );
        rendered.push(Rendered {
            index,
            module,
            anchors: std::mem::take(&mut render.anchors),
            links: std::mem::take(&mut render.links),
            images: std::mem::take(&mut render.images),
            has_errors,
        });
    }

    // Phase 3: anchors of links, now that every module's headings are known.
    let anchors_by_file: HashMap<String, &HashSet<String>> = rendered
        .iter()
        .map(|r| {
            let name = parsed[r.index]
                .rel
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, &r.anchors)
        })
        .collect();
    let mut broken: HashSet<usize> = HashSet::new();
    for (ri, r) in rendered.iter().enumerate() {
        let p = &parsed[r.index];
        for link in &r.links {
            let (target_name, anchors) = match &link.target_file {
                None => ("this module".to_string(), Some(&r.anchors)),
                Some(f) => (f.clone(), anchors_by_file.get(f).copied()),
            };
            let Some(anchors) = anchors else {
                Diagnostics::new(p.display.clone(), &mut errors).error(
                    link.pos,
                    format!("broken link to `{target_name}`: that module has errors of its own"),
                );
                broken.insert(ri);
                continue;
            };
            if !anchors.contains(&link.anchor) {
                Diagnostics::new(p.display.clone(), &mut errors).error(
                    link.pos,
                    format!(
                        "broken link: `{target_name}` has no heading with anchor `#{}`",
                        link.anchor
                    ),
                );
                broken.insert(ri);
            }
        }
    }

    // Phase 4: prerequisite cycles among the modules that are left.
    let graph: BTreeMap<String, Vec<String>> = parsed
        .iter()
        .filter(|p| p.valid)
        .map(|p| {
            (
                p.meta.id.0.clone(),
                p.meta
                    .prerequisites
                    .iter()
                    .map(|(m, _)| m.0.clone())
                    .collect(),
            )
        })
        .collect();
    let mut on_cycle: HashSet<String> = HashSet::new();
    for cycle in find_cycles(&graph) {
        let first = &cycle[0];
        if let Some(p) = parsed.iter().find(|p| p.valid && &p.meta.id.0 == first) {
            let mut names = cycle.clone();
            names.push(first.clone());
            Diagnostics::new(p.display.clone(), &mut errors).error(
                p.meta.prerequisites_pos,
                format!("prerequisite cycle: {}", names.join(" -> ")),
            );
        }
        on_cycle.extend(cycle);
    }

    // The library: valid, published modules in learning order.
    let drafts = rendered
        .iter()
        .filter(|r| !r.has_errors && parsed[r.index].meta.status == Status::Draft)
        .count();
    let keep: Vec<Rendered> = rendered
        .into_iter()
        .enumerate()
        .filter(|(i, r)| {
            !r.has_errors
                && !broken.contains(i)
                && !on_cycle.contains(r.module.id.as_str())
                && parsed[r.index].meta.status == Status::Published
        })
        .map(|(_, r)| r)
        .collect();
    let mut assets = HashMap::new();
    for r in &keep {
        for rel in &r.images {
            if assets.contains_key(rel) {
                continue;
            }
            match std::fs::read(root.join(rel)) {
                Ok(bytes) => {
                    let content_type = content_type(rel).unwrap_or("application/octet-stream");
                    assets.insert(
                        rel.clone(),
                        Asset {
                            content_type,
                            bytes,
                        },
                    );
                }
                Err(e) => Diagnostics::new(display(rel), &mut errors)
                    .error((1, 1), format!("cannot read image: {e}")),
            }
        }
    }
    let modules = learning_order(keep.into_iter().map(|r| r.module).collect());
    errors.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    errors.dedup();
    LoadOutcome {
        library: Library::new(skills, roles, modules, assets),
        errors,
        drafts,
    }
}

fn read(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read `{rel}`: {e}"))
}

/// Every elementary cycle found by depth-first search, each rotated to start at its smallest id
/// and reported once.
pub fn find_cycles(graph: &BTreeMap<String, Vec<String>>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<String>>,
        marks: &mut HashMap<String, Mark>,
        stack: &mut Vec<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        marks.insert(node.to_string(), Mark::Active);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if !graph.contains_key(next) {
                continue;
            }
            match marks.get(next.as_str()).copied().unwrap_or(Mark::New) {
                Mark::New => visit(next, graph, marks, stack, found),
                Mark::Active => {
                    if let Some(start) = stack.iter().position(|n| n == next) {
                        let mut cycle = stack[start..].to_vec();
                        if let Some(min) = cycle
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, n)| n.as_str())
                            .map(|(i, _)| i)
                        {
                            cycle.rotate_left(min);
                        }
                        if !found.contains(&cycle) {
                            found.push(cycle);
                        }
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
    }
    let mut marks = HashMap::new();
    let mut found = Vec::new();
    for node in graph.keys() {
        if marks.get(node.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            visit(node, graph, &mut marks, &mut Vec::new(), &mut found);
        }
    }
    found
}

/// Orders modules so that prerequisites come first; ties go to the easier, then by title.
fn learning_order(modules: Vec<Module>) -> Vec<Module> {
    let ids: HashSet<ModuleId> = modules.iter().map(|m| m.id.clone()).collect();
    let mut remaining = modules;
    let mut placed: HashSet<ModuleId> = HashSet::new();
    let mut out = Vec::with_capacity(remaining.len());
    while !remaining.is_empty() {
        let ready = remaining
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.prerequisites
                    .iter()
                    .all(|p| placed.contains(p) || !ids.contains(p))
            })
            .min_by(|(_, a), (_, b)| (a.difficulty, &a.title).cmp(&(b.difficulty, &b.title)))
            .map(|(i, _)| i)
            .unwrap_or(0);
        let m = remaining.remove(ready);
        placed.insert(m.id.clone());
        out.push(m);
    }
    out
}

/// FNV-1a: a stable 64-bit hash of a file's bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(edges: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        edges
            .iter()
            .map(|(a, bs)| (a.to_string(), bs.iter().map(|b| b.to_string()).collect()))
            .collect()
    }

    #[test]
    fn finds_each_cycle_once() {
        let graph = g(&[
            ("a", &["b"]),
            ("b", &["c"]),
            ("c", &["a"]),
            ("d", &["a"]),
            ("e", &["e"]),
        ]);
        let cycles = find_cycles(&graph);
        assert_eq!(
            cycles,
            vec![
                vec!["a".to_string(), "b".into(), "c".into()],
                vec!["e".to_string()]
            ]
        );
        assert!(find_cycles(&g(&[("a", &["b"]), ("b", &[])])).is_empty());
    }
}
