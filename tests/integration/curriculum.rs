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
        lib.modules().len() >= 16,
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
        assert!(m.quiz.len() >= 4, "{}: {} questions", m.slug, m.quiz.len());
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

    // Every role target above 0 is reached by at least one module.
    for role in lib.roles() {
        for (skill, target) in &role.targets {
            if target.value() == 0 {
                continue;
            }
            let best = lib
                .modules_teaching(skill)
                .first()
                .map(|(_, l)| l.value())
                .unwrap_or(0);
            assert!(
                best >= target.value(),
                "role {}: {} needs {} but modules reach {}",
                role.id,
                skill,
                target.value(),
                best
            );
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
    assert!(lib.modules().iter().filter(|m| max_level(m) >= 3).count() >= 8);
}
