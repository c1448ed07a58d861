//! Loading a whole content tree: every file read, every reference checked, every module
//! rendered once.
//!
//! [`load`] is a list of named phases, as zola's `Site::load` is; each phase reports its problems
//! into one list, and the checks that look across files live in [`super::validate`]:
//!
//! 1. [`read_skills`] and [`read_roles`]: the taxonomy (`skills.yaml`, `roles.yaml`);
//! 2. [`read_front_matter`]: every module's frontmatter;
//! 3. [`validate::duplicate_ids_and_slugs`]: the later file (by name) of a clash is left out;
//! 4. [`render_modules`]: references from frontmatter, then each module rendered once;
//! 5. [`validate::broken_links`]: link anchors, now that every module's headings are known;
//! 6. [`validate::prerequisite_cycles`]: cycles among the modules that are left;
//! 7. [`published`], [`read_images`], [`learning_order`]: the library of valid, published
//!    modules in learning order, with the images they show.
//!
//! Uses only `domain` and the other courseware files; never `store`, `server`, `features` or `ui`.

use super::curation::{exercises, further_reading, Exercise};
use super::front_matter::{parse_meta, split, ModuleMeta, Status};
use super::quiz::parse_quiz;
use super::render::{
    content_type, find_end, parse, plain_text, LinkCheck, ModuleFiles, ModuleRender,
};
use super::source::LineIndex;
use super::task::{is_task_heading, parse_task};
use super::taxonomy::{parse_roles, parse_skills};
use super::validate;
use super::{ContentError, Diagnostics};
use crate::domain::catalogue::{Asset, Glossary, Library, Module, Role, Skill};
use crate::domain::curation::Curation;
use crate::domain::ids::{ModuleId, SkillId};
use crate::domain::level::Level;
use pulldown_cmark::{Event, HeadingLevel, Tag};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The result of loading a content tree: the valid part, and every problem found.
#[derive(Debug, Default)]
pub struct LoadOutcome {
    pub library: Library,
    /// Sorted by path, line and column.
    pub errors: Vec<ContentError>,
    /// Drafts that were checked but are not served.
    pub drafts: usize,
    /// Every runnable exercise of every module rendered (drafts included), with the path
    /// problems are reported at: what `levelfield content run` executes.
    pub exercises: Vec<(String, Exercise)>,
}

/// A module file whose frontmatter was read (phase 2).
pub(super) struct Parsed {
    /// `modules/<file_name>`, relative to the content root.
    pub(super) rel: PathBuf,
    /// The file's name, as links between modules name it.
    pub(super) file_name: String,
    /// The path shown in errors.
    pub(super) display: String,
    pub(super) text: String,
    pub(super) meta: ModuleMeta,
    pub(super) body_offset: usize,
    /// False once a check across files has left this module out.
    pub(super) valid: bool,
}

/// A module rendered (phase 4), with what the checks across files still need.
pub(super) struct Rendered {
    /// Its index in the parsed modules.
    pub(super) index: usize,
    pub(super) module: Module,
    pub(super) anchors: HashSet<String>,
    pub(super) links: Vec<LinkCheck>,
    pub(super) images: HashSet<String>,
    pub(super) exercises: Vec<Exercise>,
    pub(super) has_errors: bool,
}

/// Loads and validates the content tree at `root`.
pub fn load(root: &Path) -> LoadOutcome {
    let mut errors = Vec::new();

    let skills = read_skills(root, &mut errors);
    let skill_ids: HashSet<String> = skills.iter().map(|s| s.id.0.clone()).collect();
    let roles = read_roles(root, &skill_ids, &mut errors);

    let mut parsed = read_front_matter(root, &skill_ids, &mut errors);
    validate::duplicate_ids_and_slugs(&mut parsed, &mut errors);
    let rendered = render_modules(root, &parsed, &mut errors);
    let broken = validate::broken_links(&parsed, &rendered, &mut errors);
    let on_cycle = validate::prerequisite_cycles(&parsed, &mut errors);

    let exercises = rendered
        .iter()
        .flat_map(|r| {
            let path = parsed[r.index].display.clone();
            r.exercises.iter().map(move |e| (path.clone(), e.clone()))
        })
        .collect();
    let drafts = rendered
        .iter()
        .filter(|r| !r.has_errors && parsed[r.index].meta.status == Status::Draft)
        .count();
    let glossary = render_glossary(root, &parsed, &on_cycle, &mut errors);
    let keep = published(&parsed, rendered, &broken, &on_cycle);
    let assets = read_images(root, &keep, &mut errors);
    let modules = learning_order(keep.into_iter().map(|r| r.module).collect());

    errors.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    errors.dedup();
    LoadOutcome {
        library: Library::new(skills, roles, modules, assets).with_glossary(glossary),
        errors,
        drafts,
        exercises,
    }
}

/// How a path under the content root is shown in errors.
fn display(root: &Path, rel: &str) -> String {
    root.join(rel).to_string_lossy().replace('\\', "/")
}

fn read(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read `{rel}`: {e}"))
}

/// Phase 1: the skills taxonomy, `skills.yaml`.
fn read_skills(root: &Path, errors: &mut Vec<ContentError>) -> Vec<Skill> {
    let mut diag = Diagnostics::new(display(root, "skills.yaml"), errors);
    match read(root, "skills.yaml") {
        Ok(text) => parse_skills(&text, &mut diag),
        Err(e) => {
            diag.error((1, 1), e);
            Vec::new()
        }
    }
}

/// Phase 1: the role profiles, `roles.yaml`, each target checked against the skills.
fn read_roles(
    root: &Path,
    skill_ids: &HashSet<String>,
    errors: &mut Vec<ContentError>,
) -> Vec<Role> {
    let mut diag = Diagnostics::new(display(root, "roles.yaml"), errors);
    match read(root, "roles.yaml") {
        Ok(text) => parse_roles(&text, skill_ids, &mut diag),
        Err(e) => {
            diag.error((1, 1), e);
            Vec::new()
        }
    }
}

/// Phase 2: every module's frontmatter, files in name order. A file that cannot be read or
/// whose frontmatter is unusable is reported and left out.
fn read_front_matter(
    root: &Path,
    skill_ids: &HashSet<String>,
    errors: &mut Vec<ContentError>,
) -> Vec<Parsed> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(root.join("modules")) {
        Ok(dir) => dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect(),
        Err(e) => {
            Diagnostics::new(display(root, "modules"), errors)
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
        let disp = display(root, &format!("modules/{file_name}"));
        let mut diag = Diagnostics::new(disp.clone(), errors);
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
        if let Some(meta) = parse_meta(&sp, skill_ids, &mut diag) {
            parsed.push(Parsed {
                rel,
                file_name,
                display: disp,
                text: text.clone(),
                meta,
                body_offset,
                valid: true,
            });
        }
    }
    parsed
}

/// Phase 4: every module still valid, its prerequisites checked and its markdown rendered once.
fn render_modules(root: &Path, parsed: &[Parsed], errors: &mut Vec<ContentError>) -> Vec<Rendered> {
    // Which files links may point at (and whether they are published), and each id's status.
    let module_files: ModuleFiles = parsed
        .iter()
        .filter(|p| p.valid)
        .map(|p| {
            (
                p.file_name.clone(),
                (p.meta.slug.clone(), p.meta.status == Status::Published),
            )
        })
        .collect();
    let status_of: HashMap<String, Status> = parsed
        .iter()
        .filter(|p| p.valid)
        .map(|p| (p.meta.id.0.clone(), p.meta.status))
        .collect();

    parsed
        .iter()
        .enumerate()
        .filter(|(_, p)| p.valid)
        .map(|(index, p)| {
            let mut diag = Diagnostics::new(p.display.clone(), errors);
            validate::prerequisites(&p.meta, &status_of, &mut diag);
            render_module(root, index, p, &module_files, &mut diag)
        })
        .collect()
}

/// Renders one module: its reading part to HTML, and the part under a `## Quiz` heading (if
/// any) into questions.
fn render_module(
    root: &Path,
    index: usize,
    p: &Parsed,
    module_files: &ModuleFiles,
    diag: &mut Diagnostics<'_>,
) -> Rendered {
    let meta = &p.meta;
    let skills_taught: Vec<(SkillId, Level)> = meta
        .skills
        .iter()
        .filter_map(|(sid, level, _)| {
            Some((sid.clone(), u8::try_from(*level).ok().and_then(Level::new)?))
        })
        .collect();

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
        files: module_files,
        lines: &lines,
        body_offset: p.body_offset,
        anchors: HashSet::new(),
        toc: Vec::new(),
        links: Vec::new(),
        images: HashSet::new(),
        words: 0,
    };
    // A practical task (`## Task: …`) sits between the reading and the quiz.
    let before_quiz = quiz_at.unwrap_or(events.len());
    let task_at = events[..before_quiz]
        .iter()
        .enumerate()
        .position(|(i, (e, _))| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                })
            ) && is_task_heading(&plain_text(&events[i + 1..find_end(&events, i)]))
        });
    let (reading, quiz_events) = match quiz_at {
        Some(q) => {
            let end = find_end(&events, q);
            (
                &events[..task_at.unwrap_or(q)],
                Some((&events[end + 1..], render.pos(&events[q].1))),
            )
        }
        None => (&events[..task_at.unwrap_or(events.len())], None),
    };
    let references = further_reading(reading, &render, diag);
    let exercises = exercises(reading, &render, diag);
    let body_html = render.html(reading, diag, true);
    let taught: Vec<SkillId> = meta.skills.iter().map(|(s, _, _)| s.clone()).collect();
    let task =
        task_at.and_then(|t| parse_task(&events[t..before_quiz], &taught, &mut render, diag));
    let quiz = match quiz_events {
        Some((qe, pos)) => parse_quiz(qe, pos, &taught, &mut render, diag),
        None => Vec::new(),
    };
    if let Some(draw) = meta.quiz_policy.draw.filter(|&d| d > quiz.len()) {
        diag.error(
            meta.draw_pos,
            format!(
                "`draw` is {draw} but the quiz has {} question{}: draw at most that many",
                quiz.len(),
                if quiz.len() == 1 { "" } else { "s" }
            ),
        );
    }
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
    )
    .with_task(task)
    .with_quiz_policy(meta.quiz_policy)
    .with_curation(Curation {
        objectives: meta.objectives.clone(),
        references,
        last_reviewed: meta.last_reviewed.to_string(),
        review_by: meta.review_by.to_string(),
        review_cycle: meta.review_cycle,
    });
    Rendered {
        index,
        module,
        anchors: std::mem::take(&mut render.anchors),
        links: std::mem::take(&mut render.links),
        images: std::mem::take(&mut render.images),
        exercises,
        has_errors,
    }
}

/// The glossary, `glossary.md` at the content root (optional): rendered once like a module's
/// reading, its links to modules checked and rewritten. Its terms are its level-3 headings.
fn render_glossary(
    root: &Path,
    parsed: &[Parsed],
    on_cycle: &HashSet<String>,
    errors: &mut Vec<ContentError>,
) -> Option<Glossary> {
    let text = std::fs::read_to_string(root.join(GLOSSARY)).ok()?;
    let module_files: ModuleFiles = parsed
        .iter()
        .filter(|p| p.valid && !on_cycle.contains(p.meta.id.as_str()))
        .map(|p| {
            (
                p.file_name.clone(),
                (p.meta.slug.clone(), p.meta.status == Status::Published),
            )
        })
        .collect();
    let mut diag = Diagnostics::new(display(root, GLOSSARY), errors);
    let lines = LineIndex::new(&text);
    let rel = PathBuf::from(GLOSSARY);
    let mut render = ModuleRender {
        content_root: root,
        rel_path: &rel,
        files: &module_files,
        lines: &lines,
        body_offset: 0,
        anchors: HashSet::new(),
        toc: Vec::new(),
        links: Vec::new(),
        images: HashSet::new(),
        words: 0,
    };
    let events = parse(&text);
    let html = render.html(&events, &mut diag, false);
    if !render.images.is_empty() {
        diag.error(
            (1, 1),
            "the glossary shows no images: link to the module instead",
        );
    }
    let terms: Vec<_> = render.toc.into_iter().filter(|t| t.level == 3).collect();
    if terms.is_empty() {
        diag.error(
            (1, 1),
            "the glossary has no terms: give each term a `### Term` heading",
        );
    }
    (diag.count() == 0).then_some(Glossary { html, terms })
}

/// The glossary's file, relative to the content root.
const GLOSSARY: &str = "glossary.md";

/// Phase 7: the modules the library serves: published, without errors of their own, without
/// broken links and not on a prerequisite cycle.
fn published(
    parsed: &[Parsed],
    rendered: Vec<Rendered>,
    broken: &HashSet<usize>,
    on_cycle: &HashSet<String>,
) -> Vec<Rendered> {
    rendered
        .into_iter()
        .enumerate()
        .filter(|(i, r)| {
            !r.has_errors
                && !broken.contains(i)
                && !on_cycle.contains(r.module.id.as_str())
                && parsed[r.index].meta.status == Status::Published
        })
        .map(|(_, r)| r)
        .collect()
}

/// Phase 7: the bytes of every image the served modules show, each read once.
fn read_images(
    root: &Path,
    keep: &[Rendered],
    errors: &mut Vec<ContentError>,
) -> HashMap<String, Asset> {
    let mut assets = HashMap::new();
    for r in keep {
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
                Err(e) => Diagnostics::new(display(root, rel), errors)
                    .error((1, 1), format!("cannot read image: {e}")),
            }
        }
    }
    assets
}

/// Phase 7: orders modules so that prerequisites come first; ties go to the easier, then by
/// title.
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
