//! The crate's layout rules (issue "core model"), checked on the source tree itself:
//!
//! 1. no module imports another that imports it back, directly or through others;
//! 2. no function body over 150 lines outside tests;
//! 3. outside `src/io/` (and the CLI, the HTML report and the raw call-log parsers) no module
//!    reads or writes text: no CSV/TOML/JSON reader or writer, no output table.
//!
//! Rules 2 and 3 carry the list of places that still break them when the rule was introduced:
//! a new offender fails the test; an entry that no longer offends is reported so that it can be
//! removed from the list (the list only shrinks).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source of `path` without its `#[cfg(test)]` module and without comment lines.
fn code(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .map(|l| {
            if l.trim_start().starts_with("//") {
                String::new()
            } else {
                l.to_string()
            }
        })
        .collect()
}

struct Tree {
    src: PathBuf,
    /// module path (`audit::input`) → file
    modules: BTreeMap<String, PathBuf>,
}

impl Tree {
    fn new() -> Self {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut modules = BTreeMap::new();
        for f in files {
            let rel = f
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel.starts_with("cli/") || rel == "main.rs" || rel == "lib.rs" {
                continue;
            }
            let m = rel
                .trim_end_matches(".rs")
                .trim_end_matches("/mod")
                .replace('/', "::");
            modules.insert(m, f);
        }
        Tree { src, modules }
    }

    fn rel(&self, p: &Path) -> String {
        p.strip_prefix(&self.src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// The longest module path that is a prefix of `path` (`a::b::Item` → `a::b`).
    fn resolve(&self, path: &str) -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|k| parts[..k].join("::"))
            .find(|m| self.modules.contains_key(m))
    }

    /// Module → modules it names through `crate::…` or `super::…` paths (use lists expanded).
    fn imports(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut edges = BTreeMap::new();
        for (m, f) in &self.modules {
            let parent = m.rsplit_once("::").map_or("", |(p, _)| p).to_string();
            let text = code(f).join("\n");
            let mut targets = BTreeSet::new();
            for (prefix, base) in [("crate::", String::new()), ("super::", parent.clone())] {
                let mut rest = text.as_str();
                while let Some(i) = rest.find(prefix) {
                    let before = rest[..i].chars().last();
                    rest = &rest[i + prefix.len()..];
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    for path in expand(rest) {
                        let full = if base.is_empty() {
                            path
                        } else {
                            format!("{base}::{path}")
                        };
                        let t = self.resolve(&full).or_else(|| {
                            (!base.is_empty() && self.modules.contains_key(&base))
                                .then(|| base.clone())
                        });
                        if let Some(t) = t.filter(|t| t != m) {
                            targets.insert(t);
                        }
                    }
                }
            }
            edges.insert(m.clone(), targets);
        }
        edges
    }
}

/// The paths named at the start of `text` (after `crate::`): `a::b::C`, or each item of a
/// `{a::{b, c}, d}` list.
fn expand(text: &str) -> Vec<String> {
    let ident_end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let head = text[..ident_end].trim_end_matches(':');
    let rest = &text[ident_end..];
    if rest.starts_with('{') && (head.is_empty() || text[..ident_end].ends_with("::")) {
        let mut depth = 0;
        let mut items = Vec::new();
        let mut cur = String::new();
        for c in rest[1..].chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(c);
        }
        items.push(cur);
        items
            .iter()
            .flat_map(|it| expand(it.trim()))
            .map(|p| {
                if head.is_empty() {
                    p
                } else {
                    format!("{head}::{p}")
                }
            })
            .collect()
    } else if head.is_empty() {
        Vec::new()
    } else {
        vec![head.to_string()]
    }
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct S<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut S<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on.insert(v);
        for w in &s.edges[v] {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = S {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_module_imports_another_that_imports_it_back() {
    let tree = Tree::new();
    let c = cycles(&tree.imports());
    assert!(c.is_empty(), "import circles: {c:?}");
}

#[test]
fn the_circle_finder_finds_circles() {
    let mut e: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        e.entry(a.into()).or_default().insert(b.into());
        e.entry(b.into()).or_default();
    }
    e.entry("d".into()).or_default();
    assert_eq!(cycles(&e), vec![vec!["a", "b", "c"]]);
    assert_eq!(expand("{a::{b, c}, d};"), vec!["a::b", "a::c", "d"]);
    assert_eq!(expand("x::Y;"), vec!["x::Y"]);
}

/// Functions whose body is longer than `limit` lines: `(file, name, lines)`.
fn long_functions(tree: &Tree, limit: usize) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    rust_files(&tree.src, &mut files);
    for f in files {
        let lines = code(&f);
        let mut i = 0;
        while i < lines.len() {
            let l = &lines[i];
            let t = l.trim_start();
            let indent = l.len() - t.len();
            let decl = t
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub(super) ")
                .trim_start_matches("pub ")
                .trim_start_matches("const ");
            if let Some(rest) = decl.strip_prefix("fn ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let mut j = i;
                while j < lines.len()
                    && !lines[j].trim_end().ends_with('{')
                    && !lines[j].trim_end().ends_with(';')
                {
                    j += 1;
                }
                if j < lines.len() && lines[j].trim_end().ends_with('{') {
                    let close = format!("{}}}", " ".repeat(indent));
                    let mut k = j + 1;
                    while k < lines.len() && !lines[k].starts_with(&close) {
                        k += 1;
                    }
                    if k - j - 1 > limit {
                        out.push((tree.rel(&f), name, k - j - 1));
                    }
                    i = k;
                }
            }
            i += 1;
        }
    }
    out.sort();
    out
}

/// The functions over 150 lines when the rule came in (issue "core model": 15 of them). Split
/// them and remove their entry; never add one.
const LONG_FUNCTIONS_LEFT: [(&str, &str); 0] = [];

#[test]
fn no_new_function_over_150_lines() {
    let tree = Tree::new();
    let long = long_functions(&tree, 150);
    let known: BTreeSet<(&str, &str)> = LONG_FUNCTIONS_LEFT.iter().copied().collect();
    let new: Vec<_> = long
        .iter()
        .filter(|(f, n, _)| !known.contains(&(f.as_str(), n.as_str())))
        .collect();
    assert!(new.is_empty(), "functions over 150 lines: {new:?}");
    let still: BTreeSet<(&str, &str)> = long
        .iter()
        .map(|(f, n, _)| (f.as_str(), n.as_str()))
        .collect();
    for k in known.difference(&still) {
        eprintln!("layout: {k:?} is no longer over 150 lines; remove it from LONG_FUNCTIONS_LEFT");
    }
}

/// Markers of code that reads or writes text tables or config files.
const TEXT_MARKERS: [&str; 7] = [
    "CsvInput",
    "read_toml",
    "csv::",
    "toml::",
    "serde_json::from",
    "Table::new",
    ".require(&[",
];

/// Modules outside `src/io/` that still read or write text when the rule came in. Move their
/// reading into `src/io/` and remove their entry; never add one.
const TEXT_OUTSIDE_IO_LEFT: [&str; 0] = [];

#[test]
fn no_new_text_reading_outside_io() {
    let tree = Tree::new();
    let allowed_dirs = ["io/", "cli/", "report/"];
    let allowed_files = ["main.rs", "data/anonbank.rs", "data/generic.rs"];
    let known: BTreeSet<&str> = TEXT_OUTSIDE_IO_LEFT.iter().copied().collect();
    let mut offenders = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(&tree.src, &mut files);
    for f in files {
        let rel = tree.rel(&f);
        if allowed_dirs.iter().any(|d| rel.starts_with(d)) || allowed_files.contains(&rel.as_str())
        {
            continue;
        }
        let text = code(&f).join("\n");
        if TEXT_MARKERS.iter().any(|m| text.contains(m)) {
            offenders.insert(rel);
        }
    }
    let new: Vec<&String> = offenders
        .iter()
        .filter(|o| !known.contains(o.as_str()))
        .collect();
    assert!(
        new.is_empty(),
        "text read or written outside src/io/: {new:?}"
    );
    for k in known.iter().filter(|k| !offenders.contains(**k)) {
        eprintln!("layout: {k} no longer reads text; remove it from TEXT_OUTSIDE_IO_LEFT");
    }
}
