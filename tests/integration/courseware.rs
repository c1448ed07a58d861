//! Loading and validating content trees.

use levelfield::courseware::load;
use std::path::Path;

const VALID: &str = "tests/fixtures/valid";

#[test]
fn valid_tree_loads_without_problems() {
    let out = load(Path::new("tests/fixtures/valid"));
    assert!(out.errors.is_empty(), "{:#?}", out.errors);
    let lib = &out.library;
    assert_eq!(lib.skills().len(), 2);
    assert_eq!(lib.roles().len(), 2);
    assert_eq!(out.drafts, 1);
    // Drafts are checked but not served; prerequisites come first.
    let order: Vec<&str> = lib.modules().iter().map(|m| m.slug.as_str()).collect();
    assert_eq!(order, ["basics", "evaluating-models"]);

    let basics = lib.module_by_slug("basics").unwrap();
    assert!(
        basics.body_html.contains(r#"<h2 id="c-noise">"#),
        "{}",
        basics.body_html
    );
    assert!(basics
        .body_html
        .contains(r#"href="/modules/evaluating-models#c-splits""#));
    assert!(basics
        .body_html
        .contains(r#"src="/content/modules/images/noise.svg""#));
    assert!(basics.body_html.contains(r#"class="callout callout-tip""#));
    assert!(
        !basics.body_html.contains("What limits every model"),
        "the quiz is not part of the reading"
    );
    assert_eq!(
        basics
            .toc
            .iter()
            .map(|t| t.anchor.as_str())
            .filter(|a| *a != "further-reading")
            .collect::<Vec<_>>(),
        ["noise"]
    );
    assert!(lib.asset("modules/images/noise.svg").is_some());

    let eval = lib.module_by_slug("evaluating-models").unwrap();
    assert!(
        eval.body_html.contains("hl-"),
        "code is highlighted: {}",
        eval.body_html
    );
    assert!(eval.body_html.contains("<table>"));
    assert_eq!(eval.quiz.len(), 2);
    assert_eq!(eval.quiz[1].choices.iter().filter(|c| c.correct).count(), 2);
}

#[test]
fn invalid_tree_reports_every_problem_with_its_position() {
    let out = load(Path::new("tests/fixtures/invalid"));
    let got: Vec<String> = out.errors.iter().map(|e| e.to_string()).collect();
    // Every problem, in order, one a line: tests/integration/snapshots/*invalid_tree*.snap.
    insta::assert_snapshot!(crate::common::redact_dates(&got.join("\n")));
}

#[test]
fn markdown_cannot_run_script() {
    let out = load(Path::new("tests/fixtures/xss"));
    assert!(out.errors.is_empty(), "{:#?}", out.errors);
    let m = out.library.module_by_slug("evil").unwrap();
    let mut html = m.body_html.clone();
    for q in &m.quiz {
        html.push_str(&q.prompt_html);
        html.push_str(&q.explanation_html);
        for c in &q.choices {
            html.push_str(&c.html);
        }
    }
    let lower = html.to_lowercase();
    for bad in ["<script", "onerror", "onclick", "javascript:", "<iframe"] {
        assert!(!lower.contains(bad), "found {bad} in {html}");
    }
    assert!(html.contains("Safe paragraph"));
    assert!(html.contains("raw link"), "the link text stays: {html}");
}

#[test]
fn shipped_content_passes_the_check() {
    let out = load(Path::new("content"));
    let errors: Vec<String> = out.errors.iter().map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(out.library.modules().len() >= 3);
}

#[test]
fn quiz_settings_are_read_from_frontmatter() {
    use levelfield::domain::draw::{QuizPolicy, Reveal};
    let out = load(Path::new("tests/fixtures/bank"));
    assert!(out.errors.is_empty(), "{:#?}", out.errors);
    let policy = |slug: &str| {
        let m = out.library.module_by_slug(slug).unwrap();
        (m.quiz.len(), m.draw_size(), m.quiz_policy)
    };
    assert_eq!(
        policy("bank"),
        (
            8,
            4,
            QuizPolicy {
                draw: Some(4),
                reveal: Reveal::AfterPass
            }
        )
    );
    assert_eq!(policy("always").2.reveal, Reveal::Always);
    assert_eq!(
        policy("never"),
        (
            2,
            2,
            QuizPolicy {
                draw: None,
                reveal: Reveal::Never
            }
        )
    );
    // Without settings: the whole bank, keys after a pass.
    let valid = load(Path::new("tests/fixtures/valid"));
    let m = valid.library.module_by_slug("evaluating-models").unwrap();
    assert_eq!((m.draw_size(), m.quiz_policy), (2, QuizPolicy::default()));
}

/// Copies a content tree, so a test can change one file of it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn questions_may_be_of_difficulty_four() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new("tests/fixtures/valid"), dir.path());
    let module = dir.path().join("modules/evaluating.md");
    let text = std::fs::read_to_string(&module).unwrap();
    let changed = text.replace(
        "{#q-choose skill=evaluation difficulty=2}",
        "{#q-choose skill=evaluation difficulty=4}",
    );
    assert_ne!(
        text, changed,
        "the fixture question is where the test expects it"
    );
    std::fs::write(&module, changed).unwrap();
    let out = load(dir.path());
    assert!(out.errors.is_empty(), "{:#?}", out.errors);
    let m = out.library.module_by_slug("evaluating-models").unwrap();
    let q = m.quiz.iter().find(|q| q.id.0 == "q-choose").unwrap();
    assert_eq!(q.difficulty, 4);
}

#[test]
fn a_module_may_define_a_practical_task_with_a_rubric() {
    let out = load(Path::new("tests/fixtures/valid"));
    assert!(out.errors.is_empty(), "{:#?}", out.errors);
    let eval = out.library.module_by_slug("evaluating-models").unwrap();
    let task = eval.task.as_ref().expect("the fixture's task");
    assert_eq!(task.id, "eval-plan");
    assert_eq!(task.title, "Write an evaluation plan");
    assert_eq!(task.skill.as_str(), "evaluation");
    assert_eq!(u8::from(task.level), 3);
    assert_eq!(task.weight, 1.0);
    assert!(task.brief_html.contains("one-page evaluation plan"));
    assert_eq!(task.criteria.len(), 3);
    assert!(task.criteria[2].html.contains("feature by feature"));
    // The task is neither reading nor quiz.
    assert!(!eval.body_html.contains("evaluation plan"));
    assert!(eval.toc.iter().all(|t| !t.text.contains("Task")));
    assert_eq!(eval.quiz.len(), 2);
    // The shipped framing module has one too.
    let shipped = load(Path::new("content"));
    let framing = shipped
        .library
        .module_by_slug("framing-ai-problems")
        .unwrap();
    let t = framing.task.as_ref().expect("the framing one-pager");
    assert_eq!(t.skill.as_str(), "problem-framing");
    assert!(t.criteria.len() >= 2);
}

#[test]
fn objectives_review_dates_and_further_reading_are_read() {
    let out = load(Path::new(VALID));
    assert!(out.errors.is_empty(), "{:#?}", out.errors);
    let basics = out.library.module_by_slug("basics").unwrap();
    let c = &basics.curation;
    assert_eq!(c.objectives.len(), 3);
    assert_eq!(c.objectives[0], "Explain the idea in plain words");
    assert_eq!(c.last_reviewed, "2026-11-30");
    assert_eq!(c.review_by, "2027-11-30");
    assert_eq!(
        c.references
            .iter()
            .map(|r| (r.title.as_str(), r.url.as_str()))
            .collect::<Vec<_>>(),
        [
            ("Source one", "https://example.org/one"),
            ("Source two", "https://example.org/two"),
            ("Source three", "https://example.org/three"),
        ]
    );
    let eval = out.library.skill("evaluation").unwrap();
    assert_eq!(
        eval.mitigations.iter().map(|m| m.key()).collect::<Vec<_>>(),
        ["open-source", "education"]
    );
    // The glossary: rendered once, its module links rewritten, its terms indexed.
    let g = out.library.glossary().expect("the fixture's glossary");
    assert_eq!(
        g.terms
            .iter()
            .map(|t| t.anchor.as_str())
            .collect::<Vec<_>>(),
        ["label-noise", "leakage"]
    );
    assert!(
        g.html
            .contains(r#"href="/modules/evaluating-models#c-splits""#),
        "{}",
        g.html
    );
}

#[test]
fn runnable_exercises_are_run_and_their_output_compared() {
    let out = load(Path::new("tests/fixtures/exercises"));
    assert!(out.errors.is_empty(), "{:#?}", out.errors);
    assert_eq!(out.exercises.len(), 2);
    assert!(out.exercises[0].1.expected.contains("total: 6"));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_levelfield"))
        .args(["content", "run", "tests/fixtures/exercises"])
        .env("LEVELFIELD_PYTHON", "python3")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("[1/2] tests/fixtures/exercises/modules/sums.md:22:1: ok"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("[2/2] tests/fixtures/exercises/modules/sums.md:37:1: error: exercise printed something other than its ```output block"),
        "{stdout}"
    );
    assert!(stdout.contains("quoted:  accuracy: 0.92"), "{stdout}");
    assert!(stdout.contains("printed: accuracy: 0.91"), "{stdout}");
}

#[test]
fn content_stats_prints_the_curriculum_in_figures() {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_levelfield"))
        .args(["content", "stats", VALID])
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.starts_with("2 published modules, 2 skills"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "| evaluating | 40 | 2 (2) | 20 | 3 | 3 | 0 | evaluation at 3 | 2027-11-30 |"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("| evaluation | 0 | 1 | 1 | 0 | 2 | evaluating (2) | evaluating (3) |"),
        "{stdout}"
    );
}
