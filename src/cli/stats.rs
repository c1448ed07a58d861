//! `levelfield content stats`: the curriculum in figures, as markdown tables a reviewer (and
//! the README) can read. Per module: reading, questions and the draw, objectives, further
//! reading, runnable exercises, the practical task and the review date. Per skill: questions by
//! difficulty, the modules that teach it and the task that evidences level 3.
//!
//! The README's curriculum summary is this output between two markers, rewritten by
//! `levelfield content stats --readme README.md` (a test keeps the two equal).

use crate::domain::catalogue::Library;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The README markers the summary is written between.
pub const README_START: &str =
    "<!-- curriculum:start (levelfield content stats --readme README.md) -->";
pub const README_END: &str = "<!-- curriculum:end -->";

/// The curriculum's figures as markdown. `exercises` counts the runnable exercises by module id.
pub fn report(lib: &Library, exercises: &BTreeMap<String, usize>) -> String {
    let mut s = String::new();
    let modules = lib.modules();
    let questions: usize = modules.iter().map(|m| m.quiz.len()).sum();
    let minutes: u32 = modules.iter().map(|m| m.estimated_minutes).sum();
    let tasks = modules.iter().filter(|m| m.task.is_some()).count();
    let refs: usize = modules.iter().map(|m| m.curation.references.len()).sum();
    let _ = writeln!(
        s,
        "{} published modules, {} skills, {} roles; {} questions, {} practical tasks, {} runnable exercises, {} further-reading links; about {} h {} min of reading and quizzes.\n",
        modules.len(),
        lib.skills().len(),
        lib.roles().len(),
        questions,
        tasks,
        exercises.values().sum::<usize>(),
        refs,
        minutes / 60,
        minutes % 60
    );
    let _ = writeln!(
        s,
        "| module | words | questions (draw) | min | objectives | reading | exercises | task | review by |"
    );
    let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|---|---|");
    for m in modules {
        let task = m.task.as_ref().map_or_else(
            || "—".to_string(),
            |t| format!("{} at {}", t.skill.as_str(), t.level.value()),
        );
        let _ = writeln!(
            s,
            "| {} | {} | {} ({}) | {} | {} | {} | {} | {} | {} |",
            m.id.as_str(),
            m.word_count,
            m.quiz.len(),
            m.draw_size(),
            m.estimated_minutes,
            m.curation.objectives.len(),
            m.curation.references.len(),
            exercises.get(m.id.as_str()).copied().unwrap_or(0),
            task,
            m.curation.review_by
        );
    }
    let _ = writeln!(
        s,
        "\n| skill | d1 | d2 | d3 | d4 | questions | taught by (level) | level-3 task |"
    );
    let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|---|---|");
    for skill in lib.skills() {
        let mut by_difficulty = [0usize; 4];
        for q in modules.iter().flat_map(|m| &m.quiz) {
            if q.skill == skill.id {
                if let Some(slot) = by_difficulty.get_mut(usize::from(q.difficulty.max(1) - 1)) {
                    *slot += 1;
                }
            }
        }
        let taught: Vec<String> = lib
            .modules_teaching(&skill.id)
            .iter()
            .map(|(m, l)| format!("{} ({})", m.id.as_str(), l.value()))
            .collect();
        let task: Vec<String> = modules
            .iter()
            .filter_map(|m| m.task.as_ref().map(|t| (m, t)))
            .filter(|(_, t)| t.skill == skill.id)
            .map(|(m, t)| format!("{} ({})", m.id.as_str(), t.level.value()))
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            skill.id.as_str(),
            by_difficulty[0],
            by_difficulty[1],
            by_difficulty[2],
            by_difficulty[3],
            by_difficulty.iter().sum::<usize>(),
            if taught.is_empty() {
                "—".into()
            } else {
                taught.join(", ")
            },
            if task.is_empty() {
                "—".into()
            } else {
                task.join(", ")
            }
        );
    }
    s
}

/// `readme` with the text between the curriculum markers replaced by `summary`; `None` when
/// the markers are missing.
pub fn replace_in_readme(readme: &str, summary: &str) -> Option<String> {
    let start = readme.find(README_START)? + README_START.len();
    let end = start + readme[start..].find(README_END)?;
    Some(format!(
        "{}\n\n{}\n{}",
        &readme[..start],
        summary.trim_end(),
        &readme[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_between_markers() {
        let readme = format!("# A\n{README_START}\nold\n{README_END}\ntail\n");
        let out = replace_in_readme(&readme, "new\n").unwrap_or_default();
        assert_eq!(
            out,
            format!("# A\n{README_START}\n\nnew\n{README_END}\ntail\n")
        );
        assert!(replace_in_readme("# no markers", "x").is_none());
    }
}
