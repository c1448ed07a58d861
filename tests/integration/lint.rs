//! The quiz-cue lint over a fixture tree, and `content check --deny-warnings` on the binary.

use levelfield::courseware::lint::lint_tree;
use std::path::Path;
use std::process::Command;

const CUES: &str = "tests/fixtures/cues";

#[test]
fn the_lint_finds_every_cue_with_its_position() {
    let got: Vec<String> = lint_tree(Path::new(CUES))
        .iter()
        .map(ToString::to_string)
        .collect();
    let want = [
        "tests/fixtures/cues/modules/cues.md:36:1: warning: question `q-longest`: the keyed answer is the longest option by far (77 characters; the longest distractor 6, their mean 6; keep the key within 1.5x the mean); make the options similar in length and detail",
        "tests/fixtures/cues/modules/cues.md:41:1: warning: question `q-two` has 2 choices: give at least 3, so guessing is not an easy pass",
        "tests/fixtures/cues/modules/cues.md:52:1: warning: question `q-repeats` repeats the choice \"A second annotator\"",
        "tests/fixtures/cues/modules/cues.md:53:1: warning: question `q-repeats` has \"None of the above\": an \"all/none of the above\" option is a cue; write a real alternative",
    ];
    assert_eq!(got, want);
}

#[test]
fn content_check_fails_on_cues_only_with_deny_warnings() {
    let bin = env!("CARGO_BIN_EXE_levelfield");
    let plain = Command::new(bin)
        .args(["content", "check", CUES])
        .output()
        .unwrap();
    assert!(plain.status.success(), "{plain:?}");
    let stdout = String::from_utf8_lossy(&plain.stdout);
    assert_eq!(stdout.matches(": warning: ").count(), 4, "{stdout}");

    let denied = Command::new(bin)
        .args(["content", "check", "--deny-warnings", CUES])
        .output()
        .unwrap();
    assert_eq!(denied.status.code(), Some(1), "{denied:?}");
    assert!(String::from_utf8_lossy(&denied.stderr).contains("4 quiz-cue warning(s), denied"));
}
