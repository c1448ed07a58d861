//! The checks that look across module files: prerequisites that name no module, duplicate ids
//! and slugs, links to headings that do not exist, and prerequisite cycles.
//!
//! Each check reports into the load's error list and says which modules it leaves out; the
//! phases that call them are in [`super::load`]. Uses only `domain` and the other courseware
//! files; never `store`, `server`, `features` or `ui`.

use super::front_matter::{ModuleMeta, Status};
use super::load::{Parsed, Rendered};
use super::{ContentError, Diagnostics};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A module's prerequisites: each must name a module, not the module itself, and a published
/// module may only require published ones.
pub(super) fn prerequisites(
    meta: &ModuleMeta,
    status_of: &HashMap<String, Status>,
    diag: &mut Diagnostics<'_>,
) {
    for (pid, pos) in &meta.prerequisites {
        match status_of.get(pid.as_str()) {
            None => diag.error(
                *pos,
                format!("unknown prerequisite `{pid}` (no module has that id)"),
            ),
            Some(_) if *pid == meta.id => {
                diag.error(*pos, "a module cannot be its own prerequisite")
            }
            Some(Status::Draft) if meta.status == Status::Published => diag.error(
                *pos,
                format!(
                    "prerequisite `{pid}` is a draft; a published module can only require published ones"
                ),
            ),
            Some(_) => {}
        }
    }
}

/// Phase 3: duplicate ids and slugs. The later file (by name) is the one in error, and is left
/// out of everything that follows.
pub(super) fn duplicate_ids_and_slugs(parsed: &mut [Parsed], errors: &mut Vec<ContentError>) {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_slug: HashMap<String, usize> = HashMap::new();
    for i in 0..parsed.len() {
        let (id, slug) = (parsed[i].meta.id.0.clone(), parsed[i].meta.slug.clone());
        if let Some(&first) = by_id.get(&id) {
            let msg = format!(
                "duplicate module id `{id}` (also used by {})",
                parsed[first].display
            );
            Diagnostics::new(parsed[i].display.clone(), errors).error(parsed[i].meta.id_pos, msg);
            parsed[i].valid = false;
        } else {
            by_id.insert(id, i);
        }
        if let Some(&first) = by_slug.get(&slug) {
            let msg = format!(
                "duplicate slug `{slug}` (also used by {})",
                parsed[first].display
            );
            Diagnostics::new(parsed[i].display.clone(), errors).error(parsed[i].meta.slug_pos, msg);
            parsed[i].valid = false;
        } else {
            by_slug.insert(slug, i);
        }
    }
}

/// Phase 5: every link's anchor, now that every module's headings are known. Returns the
/// positions (in `rendered`) of the modules with a broken link.
pub(super) fn broken_links(
    parsed: &[Parsed],
    rendered: &[Rendered],
    errors: &mut Vec<ContentError>,
) -> HashSet<usize> {
    let anchors_by_file: HashMap<&str, &HashSet<String>> = rendered
        .iter()
        .map(|r| (parsed[r.index].file_name.as_str(), &r.anchors))
        .collect();
    let mut broken: HashSet<usize> = HashSet::new();
    for (ri, r) in rendered.iter().enumerate() {
        let p = &parsed[r.index];
        for link in &r.links {
            let (target_name, anchors) = match &link.target_file {
                None => ("this module".to_string(), Some(&r.anchors)),
                Some(f) => (f.clone(), anchors_by_file.get(f.as_str()).copied()),
            };
            let Some(anchors) = anchors else {
                Diagnostics::new(p.display.clone(), errors).error(
                    link.pos,
                    format!("broken link to `{target_name}`: that module has errors of its own"),
                );
                broken.insert(ri);
                continue;
            };
            if !anchors.contains(&link.anchor) {
                Diagnostics::new(p.display.clone(), errors).error(
                    link.pos,
                    format!(
                        "broken link: `{target_name}` has no heading with anchor `#{}`",
                        link.anchor
                    ),
                );
                broken.insert(ri);
            }
        }
    }
    broken
}

/// Phase 6: prerequisite cycles among the modules that are left, each reported once at the
/// `prerequisites` key of its first module (by id). Returns the ids of every module on a cycle.
pub(super) fn prerequisite_cycles(
    parsed: &[Parsed],
    errors: &mut Vec<ContentError>,
) -> HashSet<String> {
    let graph: BTreeMap<String, Vec<String>> = parsed
        .iter()
        .filter(|p| p.valid)
        .map(|p| {
            (
                p.meta.id.0.clone(),
                p.meta
                    .prerequisites
                    .iter()
                    .map(|(m, _)| m.0.clone())
                    .collect(),
            )
        })
        .collect();
    let mut on_cycle: HashSet<String> = HashSet::new();
    for cycle in find_cycles(&graph) {
        let first = &cycle[0];
        if let Some(p) = parsed.iter().find(|p| p.valid && &p.meta.id.0 == first) {
            let mut names = cycle.clone();
            names.push(first.clone());
            Diagnostics::new(p.display.clone(), errors).error(
                p.meta.prerequisites_pos,
                format!("prerequisite cycle: {}", names.join(" -> ")),
            );
        }
        on_cycle.extend(cycle);
    }
    on_cycle
}

/// Every elementary cycle found by depth-first search, each rotated to start at its smallest id
/// and reported once.
pub fn find_cycles(graph: &BTreeMap<String, Vec<String>>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<String>>,
        marks: &mut HashMap<String, Mark>,
        stack: &mut Vec<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        marks.insert(node.to_string(), Mark::Active);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if !graph.contains_key(next) {
                continue;
            }
            match marks.get(next.as_str()).copied().unwrap_or(Mark::New) {
                Mark::New => visit(next, graph, marks, stack, found),
                Mark::Active => {
                    if let Some(start) = stack.iter().position(|n| n == next) {
                        let mut cycle = stack[start..].to_vec();
                        if let Some(min) = cycle
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, n)| n.as_str())
                            .map(|(i, _)| i)
                        {
                            cycle.rotate_left(min);
                        }
                        if !found.contains(&cycle) {
                            found.push(cycle);
                        }
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
    }
    let mut marks = HashMap::new();
    let mut found = Vec::new();
    for node in graph.keys() {
        if marks.get(node.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            visit(node, graph, &mut marks, &mut Vec::new(), &mut found);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(edges: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        edges
            .iter()
            .map(|(a, bs)| (a.to_string(), bs.iter().map(|b| b.to_string()).collect()))
            .collect()
    }

    #[test]
    fn finds_each_cycle_once() {
        let graph = g(&[
            ("a", &["b"]),
            ("b", &["c"]),
            ("c", &["a"]),
            ("d", &["a"]),
            ("e", &["e"]),
        ]);
        let cycles = find_cycles(&graph);
        assert_eq!(
            cycles,
            vec![
                vec!["a".to_string(), "b".into(), "c".into()],
                vec!["e".to_string()]
            ]
        );
        assert!(find_cycles(&g(&[("a", &["b"]), ("b", &[])])).is_empty());
    }
}
