//! `skills.yaml` and `roles.yaml`: the skills taxonomy ([`skills`]) and the role profiles
//! ([`roles`]). Each entry is read on its own, so one bad entry does not hide the problems of the
//! others. This file holds the YAML helpers both use. Uses only `domain` and the other
//! courseware files.

mod roles;
mod skills;

pub use roles::parse_roles;
pub use skills::parse_skills;

use super::front_matter::strip_location;
use super::source::{key_position, token_position};
use super::Diagnostics;
use serde_yaml_ng::{Mapping, Value};

/// Parses the top-level list `key:` of a YAML file; reports syntax errors with their position.
fn top_list<'v>(
    text: &str,
    value: &'v Option<Value>,
    key: &str,
    diag: &mut Diagnostics<'_>,
) -> Option<&'v Vec<Value>> {
    let value = value.as_ref()?;
    match value.get(key).and_then(Value::as_sequence) {
        Some(seq) => Some(seq),
        None => {
            let pos = key_position(text, key).unwrap_or((1, 1));
            diag.error(pos, format!("expected a top-level `{key}:` list"));
            None
        }
    }
}

/// Reads a YAML file's text into a value, reporting a syntax error with its position.
pub fn read_yaml(text: &str, diag: &mut Diagnostics<'_>) -> Option<Value> {
    match serde_yaml_ng::from_str::<Value>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let pos = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            diag.error(
                pos,
                format!("malformed YAML: {}", strip_location(&e.to_string())),
            );
            None
        }
    }
}

/// Where entry `id` of a list starts (the line of `id: <id>`), else the list key.
fn entry_pos(text: &str, list_key: &str, id: Option<&str>) -> (usize, usize) {
    let list = key_position(text, list_key).map(|p| p.0).unwrap_or(1);
    id.and_then(|id| token_position(text, list, id))
        .or_else(|| key_position(text, list_key))
        .unwrap_or((1, 1))
}

/// Where `key` of the entry at `entry` stands, else the entry.
fn field_pos(text: &str, entry: (usize, usize), key: &str) -> (usize, usize) {
    token_position(text, entry.0, key).unwrap_or(entry)
}

fn check_keys(
    text: &str,
    m: &Mapping,
    pos: (usize, usize),
    known: &[&str],
    what: &str,
    diag: &mut Diagnostics<'_>,
) {
    for k in m.keys() {
        let k = k.as_str().unwrap_or("?");
        if !known.contains(&k) {
            diag.error(
                field_pos(text, pos, k),
                format!(
                    "{what}: unknown field `{k}` (expected one of: {})",
                    known.join(", ")
                ),
            );
        }
    }
}

fn required_text(
    text: &str,
    m: &Mapping,
    pos: (usize, usize),
    key: &str,
    id: &str,
    diag: &mut Diagnostics<'_>,
) -> Option<String> {
    match m.get(key) {
        None => {
            diag.error(pos, format!("`{id}`: missing required field `{key}`"));
            None
        }
        Some(v) => match v.as_str().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.to_string()),
            None => {
                diag.error(
                    field_pos(text, pos, key),
                    format!("`{id}`: `{key}` must be a non-empty text"),
                );
                None
            }
        },
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
