//! `roles.yaml`: the role profiles, each a target level per skill, checked against the skills.

use super::{check_keys, entry_pos, field_pos, read_yaml, required_text, scalar, top_list};
use crate::courseware::front_matter::get_str;
use crate::courseware::Diagnostics;
use crate::domain::catalogue::Role;
use crate::domain::ids::{is_valid_id, RoleId, SkillId};
use crate::domain::level::Level;
use serde_yaml_ng::Value;
use std::collections::HashSet;

/// Reads the role profiles, checking each target against the skills.
pub fn parse_roles(text: &str, skills: &HashSet<String>, diag: &mut Diagnostics<'_>) -> Vec<Role> {
    let value = read_yaml(text, diag);
    let Some(list) = top_list(text, &value, "roles", diag) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (n, item) in list.iter().enumerate() {
        let Some(m) = item.as_mapping() else {
            diag.error(
                entry_pos(text, "roles", None),
                format!("role entry {} must be a mapping", n + 1),
            );
            continue;
        };
        let id = get_str(m, "id");
        let pos = entry_pos(text, "roles", id);
        let before = diag.count();
        let Some(id) = id.filter(|s| is_valid_id(s)) else {
            diag.error(
                pos,
                format!(
                    "role entry {} needs an `id` of lowercase letters, digits and hyphens",
                    n + 1
                ),
            );
            continue;
        };
        if !seen.insert(id.to_string()) {
            diag.error(pos, format!("duplicate role id `{id}`"));
        }
        check_keys(
            text,
            m,
            pos,
            &["id", "name", "description", "targets"],
            &format!("role `{id}`"),
            diag,
        );
        let name = required_text(text, m, pos, "name", id, diag);
        let description = required_text(text, m, pos, "description", id, diag);
        let mut targets = Vec::new();
        match m.get("targets").and_then(Value::as_mapping) {
            None => diag.error(
                pos,
                format!("role `{id}`: missing `targets` (skill id: level 0-4)"),
            ),
            Some(t) => {
                for (k, v) in t {
                    let skill = k.as_str().unwrap_or("?");
                    let at = field_pos(text, pos, skill);
                    if !skills.contains(skill) {
                        diag.error(at, format!("role `{id}` targets unknown skill `{skill}`"));
                        continue;
                    }
                    match v
                        .as_u64()
                        .and_then(|l| u8::try_from(l).ok())
                        .and_then(Level::new)
                    {
                        Some(level) => targets.push((SkillId::new(skill), level)),
                        None => diag.error(
                            at,
                            format!(
                                "role `{id}`: target level `{}` for `{skill}` is out of range 0-4",
                                scalar(v).unwrap_or_default()
                            ),
                        ),
                    }
                }
            }
        }
        if diag.count() > before {
            continue;
        }
        if let (Some(name), Some(description)) = (name, description) {
            out.push(Role {
                id: RoleId::new(id),
                name,
                description,
                targets,
            });
        }
    }
    out
}
