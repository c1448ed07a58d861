//! The shipped starter curriculum: enough modules, real depth, every seed factor and challenge
//! covered, every role target reachable, a prerequisite graph without cycles.

use levelfield::courseware::load;
use levelfield::domain::catalogue::{Challenge, Factor};
use std::collections::HashSet;
use std::path::Path;

#[test]
fn curriculum_meets_the_bar() {
    let out = load(Path::new("content"));
    let errors: Vec<String> = out.errors.iter().map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let lib = &out.library;

    assert!(
        lib.modules().len() >= 22,
        "{} published modules",
        lib.modules().len()
    );
    assert!(
        (15..=30).contains(&lib.skills().len()),
        "{} skills",
        lib.skills().len()
    );
    assert!(lib.roles().len() >= 4, "{} roles", lib.roles().len());

    for m in lib.modules() {
        assert!(m.word_count >= 600, "{}: {} words", m.slug, m.word_count);
        assert!(m.quiz.len() >= 12, "{}: {} questions", m.slug, m.quiz.len());
        let c = &m.curation;
        assert!(
            (3..=5).contains(&c.objectives.len()),
            "{}: {} objectives",
            m.slug,
            c.objectives.len()
        );
        assert!(
            c.references.len() >= 3,
            "{}: {} references",
            m.slug,
            c.references.len()
        );
        assert!(!c.review_by.is_empty(), "{}: no review date", m.slug);
        assert!(
            m.body_html.contains("<img"),
            "{}: no diagram in the reading",
            m.slug
        );
        // Reading and quizzes teach to level 2 at most; level 3 needs a scored task.
        for (skill, level) in &m.skills {
            assert!(
                level.value() <= 2,
                "{}: claims {} at level {} from reading",
                m.slug,
                skill,
                level.value()
            );
        }
        for q in &m.quiz {
            assert!(
                !q.explanation_html.trim().is_empty(),
                "{}#{}: no explanation",
                m.slug,
                q.id
            );
        }
    }

    // Every seed factor and challenge has a skill, and a module teaching one of those skills.
    for f in Factor::ALL {
        let skills: HashSet<_> = lib
            .skills()
            .iter()
            .filter(|s| s.factor == f)
            .map(|s| s.id.clone())
            .collect();
        assert!(!skills.is_empty(), "no skill for factor {}", f.key());
        assert!(
            lib.modules()
                .iter()
                .any(|m| m.skills.iter().any(|(s, _)| skills.contains(s))),
            "no module for factor {}",
            f.key()
        );
    }
    for c in Challenge::ALL {
        let skills: HashSet<_> = lib
            .skills()
            .iter()
            .filter(|s| s.challenges.contains(&c))
            .map(|s| s.id.clone())
            .collect();
        assert!(!skills.is_empty(), "no skill for challenge {}", c.key());
        assert!(
            lib.modules()
                .iter()
                .any(|m| m.skills.iter().any(|(s, _)| skills.contains(s))),
            "no module for challenge {}",
            c.key()
        );
    }

    // Every skill has an item bank an adaptive check can use: at least 24 questions over at
    // least three difficulties.
    for skill in lib.skills() {
        let qs: Vec<_> = lib
            .modules()
            .iter()
            .flat_map(|m| &m.quiz)
            .filter(|q| q.skill == skill.id)
            .collect();
        let difficulties: HashSet<u8> = qs.iter().map(|q| q.difficulty).collect();
        assert!(
            qs.len() >= 24 && difficulties.len() >= 3,
            "skill {}: {} questions over {} difficulties",
            skill.id,
            qs.len(),
            difficulties.len()
        );
    }

    // Every role target is reachable: up to 2 by a module, 3 and 4 by a practical task.
    for role in lib.roles() {
        for (skill, target) in &role.targets {
            let t = target.value();
            if t == 0 {
                continue;
            }
            let taught = lib
                .modules_teaching(skill)
                .iter()
                .map(|(_, l)| l.value())
                .max()
                .unwrap_or(0);
            assert!(
                taught >= t.min(2),
                "role {}: {} needs {} but modules teach {}",
                role.id,
                skill,
                t,
                taught
            );
            if t >= 3 {
                assert!(
                    lib.modules().iter().any(|m| m
                        .task
                        .as_ref()
                        .is_some_and(|task| task.skill == *skill && task.level.value() >= t)),
                    "role {}: {} needs {} but no practical task shows it",
                    role.id,
                    skill,
                    t
                );
            }
        }
    }

    // Learning order puts every prerequisite first, which is only possible without cycles.
    let mut seen = HashSet::new();
    for m in lib.modules() {
        for p in &m.prerequisites {
            assert!(
                seen.contains(p),
                "{} comes before its prerequisite {}",
                m.slug,
                p
            );
        }
        seen.insert(m.id.clone());
    }

    // Paths run from awareness-level modules for everyone to practitioner-level ones.
    let max_level = |m: &levelfield::domain::catalogue::Module| {
        m.skills.iter().map(|(_, l)| l.value()).max().unwrap_or(0)
    };
    assert!(lib
        .modules()
        .iter()
        .any(|m| m.prerequisites.is_empty() && max_level(m) <= 2));
    assert!(lib.modules().iter().filter(|m| max_level(m) == 2).count() >= 8);
    assert!(
        out.exercises.len() >= 8,
        "{} runnable exercises",
        out.exercises.len()
    );
    assert!(lib.glossary().is_some_and(|g| g.terms.len() >= 40));
}

/// The README's curriculum summary is what `levelfield content stats` prints today.
#[test]
fn readme_curriculum_summary_is_current() {
    let out = load(Path::new("content"));
    let mut exercises = std::collections::BTreeMap::new();
    for (path, _) in &out.exercises {
        let id = Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        *exercises.entry(id).or_insert(0usize) += 1;
    }
    let report = levelfield::cli::stats::report(&out.library, &exercises);
    let readme = std::fs::read_to_string("README.md").unwrap();
    let expected = levelfield::cli::stats::replace_in_readme(&readme, &report).unwrap();
    assert!(
        readme == expected,
        "README.md's curriculum summary is stale: run `make curriculum-summary`"
    );
}
