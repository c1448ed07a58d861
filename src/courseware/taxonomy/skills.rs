//! `skills.yaml`: the skills taxonomy, each skill with its level descriptors, seed factor,
//! challenge and optional scarcity weight.

use super::{check_keys, entry_pos, field_pos, read_yaml, required_text, scalar, top_list};
use crate::courseware::front_matter::{get_str, list_of_strings};
use crate::courseware::Diagnostics;
use crate::domain::catalogue::{Challenge, Factor, Mitigation, Scarcity, Skill};
use crate::domain::ids::{is_valid_id, SkillId};
use crate::domain::level::Level;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, HashSet};

const LEVEL_KEYS: [&str; 5] = Level::NAMES;

/// Reads the skills taxonomy.
pub fn parse_skills(text: &str, diag: &mut Diagnostics<'_>) -> Vec<Skill> {
    let value = read_yaml(text, diag);
    let Some(list) = top_list(text, &value, "skills", diag) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (n, item) in list.iter().enumerate() {
        let Some(m) = item.as_mapping() else {
            diag.error(
                entry_pos(text, "skills", None),
                format!("skill entry {} must be a mapping", n + 1),
            );
            continue;
        };
        let id = get_str(m, "id");
        let pos = entry_pos(text, "skills", id);
        let before = diag.count();
        let Some(id) = id.filter(|s| is_valid_id(s)) else {
            diag.error(
                pos,
                format!(
                    "skill entry {} needs an `id` of lowercase letters, digits and hyphens",
                    n + 1
                ),
            );
            continue;
        };
        if !seen.insert(id.to_string()) {
            diag.error(pos, format!("duplicate skill id `{id}`"));
        }
        check_keys(
            text,
            m,
            pos,
            &[
                "id",
                "name",
                "description",
                "factor",
                "challenges",
                "mitigations",
                "levels",
                "decay_half_life_days",
                "scarcity",
                "references",
            ],
            &format!("skill `{id}`"),
            diag,
        );
        let name = required_text(text, m, pos, "name", id, diag);
        let description = required_text(text, m, pos, "description", id, diag);
        let factor = match get_str(m, "factor").map(|f| (f, Factor::parse(f))) {
            Some((_, Some(f))) => Some(f),
            Some((f, None)) => {
                diag.error(field_pos(text, pos, "factor"), format!("skill `{id}`: unknown factor `{f}` (use data, compute, talent or research)"));
                None
            }
            None => {
                diag.error(
                    pos,
                    format!("skill `{id}`: missing required field `factor`"),
                );
                None
            }
        };
        let mut challenges = Vec::new();
        match m.get("challenges").map(list_of_strings) {
            None => diag.error(
                pos,
                format!("skill `{id}`: missing required field `challenges`"),
            ),
            Some(None) => diag.error(
                field_pos(text, pos, "challenges"),
                format!("skill `{id}`: `challenges` must be a list"),
            ),
            Some(Some(list)) => {
                for c in list {
                    match Challenge::parse(&c) {
                        Some(ch) => challenges.push(ch),
                        None => diag.error(
                            field_pos(text, pos, &c),
                            format!("skill `{id}`: unknown challenge `{c}` (use model-complexity, training-testing, deployment or maintenance)"),
                        ),
                    }
                }
            }
        }
        let mut mitigations = Vec::new();
        match m.get("mitigations").map(list_of_strings) {
            None => {}
            Some(None) => diag.error(
                field_pos(text, pos, "mitigations"),
                format!("skill `{id}`: `mitigations` must be a list"),
            ),
            Some(Some(list)) => {
                for x in list {
                    match Mitigation::parse(&x) {
                        Some(mi) => mitigations.push(mi),
                        None => diag.error(
                            field_pos(text, pos, &x),
                            format!("skill `{id}`: unknown mitigation `{x}` (use cloud, open-source, collaboration or education)"),
                        ),
                    }
                }
            }
        }
        let mut levels: [String; 5] = Default::default();
        match m.get("levels").and_then(Value::as_mapping) {
            None => diag.error(
                pos,
                format!(
                    "skill `{id}`: missing `levels` with descriptors for {}",
                    LEVEL_KEYS.join(", ")
                ),
            ),
            Some(lv) => {
                for (i, key) in LEVEL_KEYS.iter().enumerate() {
                    match get_str(lv, key).map(str::trim).filter(|s| !s.is_empty()) {
                        Some(d) => levels[i] = d.to_string(),
                        None => diag.error(
                            field_pos(text, pos, "levels"),
                            format!("skill `{id}`: missing descriptor for level {i} (`{key}`)"),
                        ),
                    }
                }
                for k in lv.keys() {
                    let k = k.as_str().unwrap_or("?");
                    if !LEVEL_KEYS.contains(&k) {
                        diag.error(
                            field_pos(text, pos, k),
                            format!(
                                "skill `{id}`: level `{k}` is out of range (levels are {})",
                                LEVEL_KEYS.join(", ")
                            ),
                        );
                    }
                }
            }
        }
        let decay = match m.get("decay_half_life_days") {
            None => 365,
            Some(v) => {
                match v.as_u64() {
                    Some(d @ 1..=36500) => d as u32,
                    _ => {
                        diag.error(field_pos(text, pos, "decay_half_life_days"), format!("skill `{id}`: `decay_half_life_days` must be a whole number of days"));
                        365
                    }
                }
            }
        };
        let scarcity = m
            .get("scarcity")
            .and_then(|v| parse_scarcity(text, v, pos, id, diag));
        let mut references = BTreeMap::new();
        if let Some(r) = m.get("references") {
            match r.as_mapping() {
                Some(r) => {
                    for (k, v) in r {
                        if let (Some(k), Some(v)) = (k.as_str(), scalar(v)) {
                            references.insert(k.to_string(), v);
                        }
                    }
                }
                None => diag.error(
                    field_pos(text, pos, "references"),
                    format!("skill `{id}`: `references` must be a mapping like `sfia: DATM`"),
                ),
            }
        }
        if diag.count() > before {
            continue;
        }
        if let (Some(name), Some(description), Some(factor)) = (name, description, factor) {
            out.push(Skill {
                id: SkillId::new(id),
                name,
                description,
                factor,
                challenges,
                mitigations,
                levels,
                decay_half_life_days: decay,
                scarcity,
                references,
            });
        }
    }
    out
}

fn parse_scarcity(
    text: &str,
    v: &Value,
    pos: (usize, usize),
    id: &str,
    diag: &mut Diagnostics<'_>,
) -> Option<Scarcity> {
    let at = field_pos(text, pos, "scarcity");
    let Some(m) = v.as_mapping() else {
        diag.error(
            at,
            format!("skill `{id}`: `scarcity` must have weight, basis, source and date"),
        );
        return None;
    };
    let weight = m
        .get("weight")
        .and_then(Value::as_f64)
        .filter(|w| (0.0..=1.0).contains(w));
    if weight.is_none() {
        diag.error(
            at,
            format!("skill `{id}`: scarcity `weight` must be a number from 0.0 to 1.0"),
        );
    }
    let estimate = match get_str(m, "basis") {
        Some("estimate") => Some(true),
        Some("sourced") => Some(false),
        _ => {
            diag.error(
                at,
                format!("skill `{id}`: scarcity `basis` must be `estimate` or `sourced`"),
            );
            None
        }
    };
    let source = m
        .get("source")
        .and_then(scalar)
        .filter(|s| !s.trim().is_empty());
    if source.is_none() {
        diag.error(
            at,
            format!("skill `{id}`: scarcity needs a `source` (who set or published the weight)"),
        );
    }
    let date = m
        .get("date")
        .and_then(scalar)
        .filter(|s| !s.trim().is_empty());
    if date.is_none() {
        diag.error(at, format!("skill `{id}`: scarcity needs a `date`"));
    }
    Some(Scarcity {
        weight: weight?,
        estimate: estimate?,
        source: source?,
        date: date?,
    })
}
