//! The layering test: a lower room of `src/` never imports a higher one (ARCHITECTURE.md, "The
//! rooms and their arrows").
//!
//! It reads every `src/**/*.rs`, drops comments and string and character literals, and collects
//! every path a file names: `use` trees (grouped ones expanded), `crate::…` and `super::…` paths
//! in code (so `super::super` escapes are resolved to the module they reach), and paths into
//! external crates. Each is checked against [`RULES`]; a failure names `file:line`, the path and
//! the rule. The rules are data: to change an arrow, change the table, and ARCHITECTURE.md with
//! it. The scanner is tested on its own on small in-memory sources at the bottom of this file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the files of one room may not name.
enum Forbid {
    /// `crate::<m>…` for any `m` in the list.
    Modules(&'static [&'static str]),
    /// Everything except these external crates and these modules of this crate.
    AllBut {
        crates: &'static [&'static str],
        modules: &'static [&'static str],
    },
    /// Another feature's internals: `crate::features::<other>…`, except that feature's islands
    /// (an `#[island]` component, or anything under a module named `island`).
    OtherFeatures,
}

/// One arrow rule: the files under `room` (a module path such as `server` or `features`), less
/// the `except` modules, may not name what `forbid` lists.
struct Rule {
    room: &'static str,
    except: &'static [&'static str],
    forbid: Forbid,
    why: &'static str,
}

/// The arrows of ARCHITECTURE.md. The composition roots (`main.rs`, `app.rs`, `router.rs`)
/// and `cli` may name anything.
const RULES: &[Rule] = &[
    Rule {
        room: "domain",
        except: &[],
        forbid: Forbid::AllBut {
            crates: &["std", "core", "alloc", "serde", "chrono", "thiserror"],
            modules: &["domain"],
        },
        why: "domain uses only std, serde, chrono, thiserror and itself",
    },
    Rule {
        room: "store",
        except: &[],
        forbid: Forbid::Modules(&["features", "server", "ui", "app", "cli", "courseware"]),
        why: "store uses only domain",
    },
    Rule {
        room: "courseware",
        except: &[],
        forbid: Forbid::Modules(&["features", "server", "ui", "app", "cli", "store"]),
        why: "courseware uses only domain",
    },
    Rule {
        room: "server",
        except: &[],
        forbid: Forbid::Modules(&["features", "app", "cli", "router"]),
        why: "server never uses features or app; the router (src/router.rs) wires them up",
    },
    Rule {
        room: "ui",
        except: &[],
        forbid: Forbid::Modules(&["server", "features", "app", "cli"]),
        why: "ui uses domain and error, never server or features",
    },
    Rule {
        room: "error",
        except: &[],
        forbid: Forbid::Modules(&[
            "courseware",
            "store",
            "server",
            "ui",
            "features",
            "app",
            "cli",
        ]),
        why: "error uses only domain",
    },
    Rule {
        room: "features",
        except: &[],
        forbid: Forbid::Modules(&["app", "cli"]),
        why: "features never use the composition roots",
    },
    Rule {
        room: "features",
        except: &[],
        forbid: Forbid::OtherFeatures,
        why: "a feature never uses another feature's internals, only its island",
    },
];

#[test]
fn lower_layers_never_import_higher_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let externs = extern_crates(&root.join("Cargo.toml"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    assert!(
        files.len() > 20,
        "found only {} files under src/",
        files.len()
    );

    let sources: Vec<(String, Vec<String>, String)> = files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(root).unwrap_or(f);
            let display = rel.to_string_lossy().replace('\\', "/");
            let module = module_path(&display);
            let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{display}: {e}"));
            (display, module, text)
        })
        .collect();
    let islands = islands(sources.iter().map(|(_, m, t)| (m.as_slice(), t.as_str())));
    let mut found = Vec::new();
    for (display, module, text) in &sources {
        found.extend(check(display, module, text, &externs, &islands, RULES));
    }
    assert!(
        found.is_empty(),
        "{} layering violation(s) (see ARCHITECTURE.md):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Every violation in one file, as `file:line: … (why)`.
fn check(
    display: &str,
    module: &[String],
    text: &str,
    externs: &BTreeSet<String>,
    islands: &BTreeMap<String, BTreeSet<String>>,
    rules: &[Rule],
) -> Vec<String> {
    let rules: Vec<&Rule> = rules.iter().filter(|r| applies(r, module)).collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for used in scan(text, module, externs) {
        for rule in &rules {
            if forbids(rule, module, &used, islands) {
                out.push(format!(
                    "{display}:{}: `{}` ({})",
                    used.line,
                    used.shown(),
                    rule.why
                ));
            }
        }
    }
    out
}

fn applies(rule: &Rule, module: &[String]) -> bool {
    let is_under = |prefix: &str| {
        let p: Vec<&str> = prefix.split("::").collect();
        module.len() >= p.len() && module.iter().zip(&p).all(|(a, b)| a == b)
    };
    is_under(rule.room) && !rule.except.iter().any(|e| is_under(e))
}

fn forbids(
    rule: &Rule,
    module: &[String],
    used: &Used,
    islands: &BTreeMap<String, BTreeSet<String>>,
) -> bool {
    match (&rule.forbid, &used.target) {
        (Forbid::Modules(list), Target::Crate(path)) => {
            path.first().is_some_and(|m| list.contains(&m.as_str()))
        }
        (Forbid::Modules(_), Target::Extern(_)) => false,
        (Forbid::AllBut { modules, .. }, Target::Crate(path)) => {
            !path.first().is_some_and(|m| modules.contains(&m.as_str()))
        }
        (Forbid::AllBut { crates, .. }, Target::Extern(name)) => !crates.contains(&name.as_str()),
        (Forbid::OtherFeatures, Target::Crate(path)) => {
            let own = module.get(1);
            match path.as_slice() {
                [first, rest @ ..] if first == "features" => {
                    let Some(other) = rest.first() else {
                        // `crate::features` itself: a way round the rule.
                        return own.is_some();
                    };
                    let island = rest.iter().any(|s| s == "island")
                        || rest.last().is_some_and(|item| {
                            islands.get(other).is_some_and(|set| set.contains(item))
                        });
                    own.is_some_and(|own| own != other) && !island
                }
                _ => false,
            }
        }
        (Forbid::OtherFeatures, Target::Extern(_)) => false,
    }
}

/// The `#[island]` components of each feature, by feature name.
fn islands<'a>(
    sources: impl Iterator<Item = (&'a [String], &'a str)>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in sources {
        if let [first, feature, ..] = module {
            if first == "features" {
                out.entry(feature.clone())
                    .or_default()
                    .extend(island_names(&tokens(text)));
            }
        }
    }
    out
}

/// The names of the functions marked `#[island]` (or `#[leptos::island]`).
fn island_names(toks: &[(Tok, usize)]) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if toks[i].0 != Tok::Punct('#') {
            continue;
        }
        let Some(close) = toks[i..].iter().position(|(t, _)| *t == Tok::Punct(']')) else {
            continue;
        };
        let attr = &toks[i + 1..i + close];
        let attr = match attr {
            [(Tok::Punct('['), _), (Tok::Ident(l), _), (Tok::PathSep, _), rest @ ..]
                if l == "leptos" =>
            {
                rest
            }
            [(Tok::Punct('['), _), rest @ ..] => rest,
            _ => continue,
        };
        let is_island = matches!(attr.first(), Some((Tok::Ident(s), _)) if s == "island");
        if !is_island {
            continue;
        }
        if let Some(f) = toks[i + close..]
            .iter()
            .position(|(t, _)| *t == ident("fn"))
        {
            if let Some((Tok::Ident(name), _)) = toks.get(i + close + f + 1) {
                out.push(name.clone());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The scanner.

/// A path a file names, resolved as far as the file's own module path allows.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// `crate::a::b` (also reached through `super`/`self`), without the `crate`.
    Crate(Vec<String>),
    /// An external crate, by name.
    Extern(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Used {
    line: usize,
    target: Target,
    /// The path as written, for the message.
    written: String,
}

impl Used {
    fn shown(&self) -> String {
        match &self.target {
            Target::Crate(p) if !self.written.starts_with("crate::") => {
                format!("{} = crate::{}", self.written, p.join("::"))
            }
            _ => self.written.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
    /// A string, byte string or character literal (its text is dropped).
    Literal,
}

fn ident(s: &str) -> Tok {
    Tok::Ident(s.to_string())
}

/// The tokens of a Rust source that matter for paths, each with its 1-based line. Comments
/// (nested block comments too) are dropped, and literals become [`Tok::Literal`].
fn tokens(src: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        match ch {
            '\n' => {
                line += 1;
                i += 1;
            }
            _ if ch.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if c[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => {
                let start = line;
                i = skip_string(&c, i + 1, &mut line);
                out.push((Tok::Literal, start));
            }
            '\'' => {
                if at(i + 1) == '\\' {
                    // An escaped character: '\n', '\'', '\u{..}'.
                    i += 3;
                    while i < c.len() && c[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                    out.push((Tok::Literal, line));
                } else if at(i + 2) == '\'' {
                    i += 3;
                    out.push((Tok::Literal, line));
                } else {
                    // A lifetime or label: its name follows as an identifier.
                    i += 1;
                }
            }
            ':' if at(i + 1) == ':' => {
                out.push((Tok::PathSep, line));
                i += 2;
            }
            _ if ch.is_alphanumeric() || ch == '_' => {
                let start = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                let word: String = c[start..i].iter().collect();
                let raw_start = matches!(word.as_str(), "r" | "br" | "cr");
                if raw_start && (at(i) == '"' || (at(i) == '#' && raw_hashes(&c, i).is_some())) {
                    let hashes = raw_hashes(&c, i).unwrap_or(0);
                    let start_line = line;
                    i = skip_raw_string(&c, i + hashes + 1, hashes, &mut line);
                    out.push((Tok::Literal, start_line));
                } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                    let start_line = line;
                    i = skip_string(&c, i + 1, &mut line);
                    out.push((Tok::Literal, start_line));
                } else {
                    out.push((Tok::Ident(word), line));
                }
            }
            _ => {
                out.push((Tok::Punct(ch), line));
                i += 1;
            }
        }
    }
    out
}

/// Past the closing quote of a string whose body starts at `i`.
fn skip_string(c: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < c.len() {
        match c[i] {
            '\\' => {
                if c.get(i + 1) == Some(&'\n') {
                    *line += 1;
                }
                i += 2;
            }
            '"' => return i + 1,
            '\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// How many `#` open a raw string at `i` (`#…#"`), if one does.
fn raw_hashes(c: &[char], i: usize) -> Option<usize> {
    let n = c[i..].iter().take_while(|&&ch| ch == '#').count();
    (c.get(i + n) == Some(&'"')).then_some(n)
}

/// Past the closing `"#…#` of a raw string whose body starts at `i`.
fn skip_raw_string(c: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while i < c.len() {
        if c[i] == '"'
            && c[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&h| h == '#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        if c[i] == '\n' {
            *line += 1;
        }
        i += 1;
    }
    i
}

/// Every path `text` names, resolved against `module` (the file's module path, e.g.
/// `["features", "teams", "skills"]`), keeping only those into this crate and into `externs`.
fn scan(text: &str, module: &[String], externs: &BTreeSet<String>) -> Vec<Used> {
    let toks = tokens(text);
    let mut out = Vec::new();
    // The inline modules (`mod tests { … }`) we are in, with the brace depth each opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let current = || -> Vec<String> {
            let inner = inline.iter().map(|(m, _)| m.clone());
            module.iter().cloned().chain(inner).collect()
        };
        match &toks[i].0 {
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Tok::Ident(kw) if kw == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Punct('{'), _))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    depth += 1;
                    inline.push((name.clone(), depth));
                    i += 3;
                } else {
                    i += 1;
                }
            }
            Tok::Ident(kw) if kw == "use" => {
                i += 1;
                let mut paths = Vec::new();
                use_tree(&toks, &mut i, &[], false, &mut paths);
                for (segs, leading, line) in paths {
                    if let Some(u) = resolve(&segs, leading, line, &current(), externs) {
                        out.push(u);
                    }
                }
            }
            Tok::PathSep | Tok::Ident(_) => {
                let after_sep = i > 0 && toks[i - 1].0 == Tok::PathSep;
                let leading = toks[i].0 == Tok::PathSep;
                let start = if leading { i + 1 } else { i };
                let line = toks[i].1;
                let mut segs = Vec::new();
                let mut j = start;
                while let Some((Tok::Ident(s), _)) = toks.get(j) {
                    segs.push(s.clone());
                    if toks.get(j + 1).map(|t| &t.0) == Some(&Tok::PathSep) {
                        j += 2;
                    } else {
                        j += 1;
                        break;
                    }
                }
                let is_path = segs.len() >= 2 || (leading && !segs.is_empty());
                if is_path && !after_sep {
                    if let Some(u) = resolve(&segs, leading, line, &current(), externs) {
                        out.push(u);
                    }
                    i = j;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Reads one `use` tree at `i`, pushing each leaf path (segments, leading `::`, line).
fn use_tree(
    toks: &[(Tok, usize)],
    i: &mut usize,
    prefix: &[String],
    leading: bool,
    out: &mut Vec<(Vec<String>, bool, usize)>,
) {
    let mut leading = leading;
    let mut segs = prefix.to_vec();
    let mut line = toks.get(*i).map(|t| t.1).unwrap_or(0);
    if toks.get(*i).map(|t| &t.0) == Some(&Tok::PathSep) {
        leading = prefix.is_empty() || leading;
        *i += 1;
    }
    loop {
        match toks.get(*i) {
            Some((Tok::Ident(s), l)) => {
                segs.push(s.clone());
                line = *l;
                *i += 1;
            }
            Some((Tok::Punct('*'), _)) => {
                *i += 1;
                break;
            }
            Some((Tok::Punct('{'), _)) => {
                *i += 1;
                loop {
                    match toks.get(*i).map(|t| &t.0) {
                        None => return,
                        Some(Tok::Punct('}')) => {
                            *i += 1;
                            return;
                        }
                        Some(Tok::Punct(',')) => *i += 1,
                        Some(_) => {
                            let before = *i;
                            use_tree(toks, i, &segs, leading, out);
                            if *i == before {
                                *i += 1;
                            }
                        }
                    }
                }
            }
            _ => break,
        }
        if toks.get(*i).map(|t| &t.0) == Some(&Tok::PathSep) {
            *i += 1;
        } else {
            break;
        }
    }
    if toks.get(*i).map(|t| &t.0) == Some(&ident("as")) {
        *i += 2;
    }
    if segs.last().is_some_and(|s| s == "self") {
        segs.pop();
    }
    if !segs.is_empty() {
        out.push((segs, leading, line));
    }
}

/// Resolves a written path against the current module; `None` for paths that stay local (an
/// item in scope, `Self::`, an enum variant) or name a crate that is not a dependency.
fn resolve(
    segs: &[String],
    leading: bool,
    line: usize,
    current: &[String],
    externs: &BTreeSet<String>,
) -> Option<Used> {
    let written = format!("{}{}", if leading { "::" } else { "" }, segs.join("::"));
    let first = segs.first()?;
    let target = if leading {
        // `::std::…`; a leading `::` after a turbofish (`Vec::<u8>::new`) is no crate.
        if !externs.contains(first) {
            return None;
        }
        Target::Extern(first.clone())
    } else if first == "crate" {
        Target::Crate(segs[1..].to_vec())
    } else if first == "self" || first == "super" {
        let mut base = current.to_vec();
        let mut rest = segs;
        if first == "self" {
            rest = &segs[1..];
        }
        while rest.first().is_some_and(|s| s == "super") {
            base.pop()?;
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Target::Crate(base)
    } else if externs.contains(first) {
        Target::Extern(first.clone())
    } else {
        return None;
    };
    Some(Used {
        line,
        target,
        written,
    })
}

/// `src/features/teams/skills.rs` → `["features", "teams", "skills"]`; `mod.rs` and `lib.rs`
/// name their folder.
fn module_path(display: &str) -> Vec<String> {
    let rel = display.strip_prefix("src/").unwrap_or(display);
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The crates a source file can name: the standard ones and `[dependencies]` of Cargo.toml.
fn extern_crates(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap_or_else(|e| panic!("Cargo.toml: {e}"));
    let mut out: BTreeSet<String> = ["std", "core", "alloc"].map(String::from).into();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
        } else if in_deps {
            if let Some((name, _)) = line.split_once('=') {
                let name = name.trim();
                if !name.is_empty() && !name.starts_with('#') {
                    out.insert(name.replace('-', "_"));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The scanner on small sources: it catches what it must and nothing else.

fn m(path: &str) -> Vec<String> {
    path.split("::").map(str::to_string).collect()
}

fn deps() -> BTreeSet<String> {
    [
        "std",
        "core",
        "alloc",
        "serde",
        "chrono",
        "thiserror",
        "leptos",
        "sqlx",
    ]
    .map(String::from)
    .into()
}

fn violations(module: &str, text: &str) -> Vec<String> {
    let islands = BTreeMap::from([("quiz".to_string(), BTreeSet::from(["Quiz".to_string()]))]);
    check("f.rs", &m(module), text, &deps(), &islands, RULES)
}

#[test]
fn scanner_reads_use_trees_and_paths_in_code() {
    let src = "use crate::{domain::ids::SkillId, server::{auth::Viewer, forms}};\n\
               use super::data::{self, load as fetch};\n\
               fn f() { crate::store::Store::x(); let _ = ::std::mem::take(&mut 1); }\n";
    let found: Vec<(usize, String)> = scan(src, &m("features::teams"), &deps())
        .into_iter()
        .map(|u| (u.line, u.shown()))
        .collect();
    assert_eq!(
        found,
        vec![
            (1, "crate::domain::ids::SkillId".to_string()),
            (1, "crate::server::auth::Viewer".into()),
            (1, "crate::server::forms".into()),
            (2, "super::data = crate::features::data".into()),
            (2, "super::data::load = crate::features::data::load".into()),
            (3, "crate::store::Store::x".into()),
            (3, "::std::mem::take".into()),
        ]
    );
}

#[test]
fn scanner_catches_a_violating_server_file() {
    let src = "//! Docs may say crate::features::teams freely.\n\
               use crate::{domain::ids::SkillId, features::teams::team_matrix};\n\
               fn f() {\n\
                   let s = \"crate::features::not_code\";\n\
                   crate::app::shell();\n\
               }\n";
    assert_eq!(
        violations("server::export", src),
        vec![
            "f.rs:2: `crate::features::teams::team_matrix` (server never uses features or app; \
             the router (src/router.rs) wires them up)",
            "f.rs:5: `crate::app::shell` (server never uses features or app; the router \
             (src/router.rs) wires them up)",
        ]
    );
    assert!(
        violations("router", src).is_empty(),
        "the composition root may use features and app"
    );
}

#[test]
fn scanner_passes_a_clean_file() {
    let src = "use crate::domain::catalogue::Library;\n\
               use crate::store::Store;\n\
               use super::state::AppState;\n\
               /* crate::features::x in a block /* nested */ comment */\n\
               fn f(l: &Library) -> Option<crate::domain::ids::SkillId> { None }\n";
    assert_eq!(violations("server::ctx", src), Vec::<String>::new());
}

#[test]
fn scanner_resolves_super_super_escapes_and_inline_modules() {
    // From features/teams/skills.rs, `super::super` is `crate::features`.
    let src = "use super::super::learning::skills_view;\n\
               use super::data::team_matrix;\n\
               mod tests { use super::super::learning::x; use super::render; }\n";
    let found = violations("features::teams::skills", src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with(
        "f.rs:1: `super::super::learning::skills_view = crate::features::learning::skills_view`"
    ));
    // Inside `mod tests` of features/teams/mod.rs, `super::super` is `crate::features` again.
    let src = "mod tests {\n use super::super::learning::x;\n}\nuse super::admin::y;\n";
    let found = violations("features::teams", src);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("f.rs:2:") && found[1].starts_with("f.rs:4:"));
}

#[test]
fn scanner_lets_a_feature_use_another_features_island_only() {
    let src = "use crate::features::quiz::Quiz;\n\
               use crate::features::quiz::island::Quiz as Q;\n\
               use crate::features::quiz::answers_from_form;\n\
               use crate::features::module::data::load;\n\
               fn f() { crate::features::teams::trend_chart(); }\n";
    let found = violations("features::module", src);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("f.rs:3: `crate::features::quiz::answers_from_form`"));
    assert!(found[1].starts_with("f.rs:5: `crate::features::teams::trend_chart`"));
    assert_eq!(
        island_names(&tokens(
            "#[island]\npub fn Quiz() {}\n#[component]\nfn Page() {}"
        )),
        vec!["Quiz".to_string()]
    );
}

#[test]
fn scanner_keeps_domain_to_std_serde_chrono_thiserror() {
    let src = "use std::collections::HashMap;\n\
               use serde::{Deserialize, Serialize};\n\
               use super::ids::SkillId;\n\
               use crate::domain::level::Level;\n\
               #[derive(thiserror::Error, Debug)] struct E;\n\
               use leptos::prelude::*;\n\
               fn f() { sqlx::query(\"x\"); let _ = chrono::Utc::now(); }\n\
               use crate::store::Store;\n";
    let found = violations("domain::matrix", src);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("f.rs:6: `leptos::prelude`"));
    assert!(found[1].starts_with("f.rs:7: `sqlx::query`"));
    assert!(found[2].starts_with("f.rs:8: `crate::store::Store`"));
}

#[test]
fn scanner_skips_literals_and_lifetimes() {
    let src = "fn f<'a>(x: &'a str) -> char {\n\
               let _ = r#\"crate::app::x \"quoted\" \"#;\n\
               let _ = b\"crate::app::y\";\n\
               let _ = '\"'; let _ = '\\'';\n\
               let _ = \"multi\n line crate::app::z\";\n\
               crate::app::real()\n\
               }\n";
    let found = violations("ui::chart", src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("f.rs:7: `crate::app::real`"),
        "{found:?}"
    );
}
