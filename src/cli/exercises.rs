//! `levelfield content run`: executes every runnable exercise of the content tree and compares
//! what it prints with the output the module quotes.
//!
//! Each ```` ```python runnable ```` block runs alone, in a fresh interpreter, with the content
//! root as its working directory (so bundled data is at `data/<module>/…`), and must finish
//! within [`TIMEOUT`]. The interpreter is `LEVELFIELD_PYTHON`, or the virtual environment
//! `scripts/setup.sh --content` makes from the pinned `content/requirements.txt`.

use crate::courseware::curation::{same_output, Exercise};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The longest an exercise may run.
pub const TIMEOUT: Duration = Duration::from_secs(120);
/// Where `scripts/setup.sh --content` puts the virtual environment.
pub const DEFAULT_VENV: &str = "target/content-venv";

/// Why one exercise did not pass.
#[derive(Debug, thiserror::Error)]
pub enum ExerciseError {
    #[error("cannot start `{python}`: {source} (run `scripts/setup.sh --content`, or set LEVELFIELD_PYTHON)")]
    Start {
        python: String,
        source: std::io::Error,
    },
    #[error("did not finish within {} s", TIMEOUT.as_secs())]
    Timeout,
    #[error("exited with {status}:\n{stderr}")]
    Failed { status: String, stderr: String },
    #[error("printed something other than its ```output block:\n{diff}")]
    Mismatch { diff: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The interpreter to run exercises with. A relative path (the default venv) is made absolute
/// here: the exercises run with the content root as their working directory, where a relative
/// program path would no longer resolve. A bare name (`python3`) is looked up on `PATH`.
pub fn python() -> PathBuf {
    let chosen = std::env::var_os("LEVELFIELD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(DEFAULT_VENV).join("bin").join("python"));
    if chosen.is_relative() && chosen.components().count() > 1 {
        if let Ok(cwd) = std::env::current_dir() {
            return cwd.join(chosen);
        }
    }
    chosen
}

/// Runs one exercise in `root` with `python` (blocking: each exercise is its own process).
pub fn run(python: &Path, root: &Path, ex: &Exercise) -> Result<(), ExerciseError> {
    let mut child = std::process::Command::new(python)
        .arg("-")
        .current_dir(root)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| ExerciseError::Start {
            python: python.display().to_string(),
            source,
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(ex.code.as_bytes())?;
    }
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = match rx.recv_timeout(TIMEOUT) {
        Ok(out) => out?,
        Err(_) => {
            // The waiting thread still owns the child: stop it by its pid.
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            return Err(ExerciseError::Timeout);
        }
    };
    if !output.status.success() {
        return Err(ExerciseError::Failed {
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr)
                .trim_end()
                .to_string(),
        });
    }
    let printed = String::from_utf8_lossy(&output.stdout);
    if same_output(&printed, &ex.expected) {
        Ok(())
    } else {
        Err(ExerciseError::Mismatch {
            diff: first_difference(&printed, &ex.expected),
        })
    }
}

/// The first line where `printed` and `expected` differ, shown both ways.
pub fn first_difference(printed: &str, expected: &str) -> String {
    let p: Vec<&str> = printed.lines().map(str::trim_end).collect();
    let e: Vec<&str> = expected.lines().map(str::trim_end).collect();
    let at = (0..p.len().max(e.len()))
        .find(|&i| p.get(i) != e.get(i))
        .unwrap_or(0);
    format!(
        "  output line {}:\n    quoted:  {}\n    printed: {}",
        at + 1,
        e.get(at).copied().unwrap_or("(nothing)"),
        p.get(at).copied().unwrap_or("(nothing)")
    )
}

/// Runs every exercise, printing one progress line each; returns how many failed.
pub fn run_all(root: &Path, exercises: &[(String, Exercise)]) -> usize {
    let python = python();
    let mut failed = 0;
    let total = exercises.len();
    for (n, (path, ex)) in exercises.iter().enumerate() {
        let started = Instant::now();
        let result = run(&python, root, ex);
        let (line, col) = ex.pos;
        match result {
            Ok(()) => println!(
                "[{}/{total}] {path}:{line}:{col}: ok ({:.1} s)",
                n + 1,
                started.elapsed().as_secs_f64()
            ),
            Err(e) => {
                failed += 1;
                println!(
                    "[{}/{total}] {path}:{line}:{col}: error: exercise {e}",
                    n + 1
                );
            }
        }
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_interpreter_path_is_made_absolute() {
        // The default (no LEVELFIELD_PYTHON in the test environment) is the venv, relative.
        if std::env::var_os("LEVELFIELD_PYTHON").is_none() {
            let p = python();
            assert!(p.is_absolute(), "{}", p.display());
            assert!(p.ends_with("target/content-venv/bin/python"));
        }
    }

    #[test]
    fn difference_names_the_line() {
        let d = first_difference("a\nb\nc", "a\nx\nc");
        assert!(d.contains("line 2"), "{d}");
        assert!(d.contains("quoted:  x") && d.contains("printed: b"), "{d}");
    }
}
