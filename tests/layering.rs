//! The layering of `src/`: a stage uses only the stages before it, and no modules of a stage
//! depend on each other in a cycle.
//!
//! The stage order is read from ARCHITECTURE.md (the Bird's-eye diagram, with `base` first: every
//! stage shares it), so the document and this test cannot drift; every directory of `src/` must
//! be one of its stages. Each `src/**/*.rs` is read with its comments and string literals blanked
//! out; its `use` declarations (groups, renames, `self`, `super`) and the `crate::`, `super::`
//! and `self::` paths of its code are resolved to modules, following the re-exports and imports of
//! the module a path goes through (`super::Instance` where `mod.rs` has `pub use
//! subjects::Instance` depends on `subjects`). Then:
//! - **layering**: a module of stage *i* names nothing of a stage *j > i*, nor `pipeline` (which
//!   runs the stages, on top of them with `main.rs`). One exemption: test code (`tests.rs`,
//!   `*_tests.rs`, `#[cfg(test)]` modules and items) may use `pipeline`, to run the stages before
//!   the one it tests on real input. It may not use a later stage.
//! - **cycles**: among the modules of one parent (`rules::cond` and `rules::subjects`), where a
//!   module depends on a sibling when it or any module inside it names the sibling or anything
//!   inside it, there is no cycle. Test code counts too.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The top-level modules above every stage: they run the stages.
const TOP: &[&str] = &["pipeline", "config"];

/// Cycles known and left for now, each with its reason (the whole line the check prints: the
/// parent, the cycle and every module of its component). An entry that no longer matches fails.
const KNOWN_CYCLES: &[(&str, &str)] = &[];

#[test]
fn stages_use_only_earlier_stages() {
    let order = stage_order();
    let crate_ = Crate::read();
    // Every directory or file module of src/ is a stage (or on top of them), so a new one
    // cannot escape the check.
    for top in crate_.files.keys().filter_map(|m| m.first()) {
        assert!(
            order.contains(top) || TOP.contains(&top.as_str()),
            "src/{top} is not a stage of ARCHITECTURE.md's Bird's-eye view ({order:?}) nor on top \
             of them ({TOP:?}): add it to the diagram and to the code map"
        );
    }
    let bad = layering_violations(&crate_, &order);
    assert!(
        bad.is_empty(),
        "a stage uses a later one (order: {}):\n{}",
        order.join(" → "),
        bad.join("\n")
    );
}

#[test]
fn no_module_cycles_within_a_stage() {
    let found = module_cycles(&Crate::read());
    let known = |c: &String| {
        KNOWN_CYCLES
            .iter()
            .any(|(k, _)| c.lines().next() == Some(*k))
    };
    let bad: Vec<&String> = found.iter().filter(|c| !known(c)).collect();
    let bad: Vec<&str> = bad.iter().map(|s| s.as_str()).collect();
    assert!(bad.is_empty(), "module cycles:\n{}", bad.join("\n"));
    for (k, _) in KNOWN_CYCLES {
        assert!(
            found.iter().any(|c| c.lines().next() == Some(*k)),
            "KNOWN_CYCLES lists `{k}`, which is gone: remove the entry"
        );
    }
}

/// The checks can fail: a later stage named in a `use`, `pipeline` named in code outside tests,
/// a cycle through a parent's re-export and a `super::super` path; comments and strings do not
/// count.
#[test]
fn the_checks_see_what_they_must() {
    let mut c = Crate::default();
    c.add(&["graph"], "src/graph/mod.rs", "mod x;\nmod y;\n");
    c.add(
        &["graph", "x"],
        "src/graph/x.rs",
        "use crate::report::Item; // crate::rules\n",
    );
    c.add(
        &["graph", "y"],
        "src/graph/y.rs",
        "fn f() { let s = \"crate::rules::X\"; crate::pipeline::run(); }\n\
         #[cfg(test)]\nmod tests { use crate::pipeline::run; }\n",
    );
    c.add(&["pipeline"], "src/pipeline.rs", "pub fn run() {}\n");
    c.add(
        &["report"],
        "src/report/mod.rs",
        "/* use crate::pipeline; */ pub struct Item;\n",
    );
    c.add(
        &["rules"],
        "src/rules/mod.rs",
        "mod a;\nmod b;\nmod c;\npub use c::Shared;\n",
    );
    c.add(
        &["rules", "a"],
        "src/rules/a.rs",
        "use super::{b::{self, B as C}, Shared};\n",
    );
    c.add(&["rules", "b"], "src/rules/b.rs", "pub struct B;\n");
    c.add(
        &["rules", "c"],
        "src/rules/c.rs",
        "pub struct Shared;\nfn g() { super::super::rules::a::f() }\n",
    );
    let refs: Vec<String> = c
        .references()
        .iter()
        .map(|r| {
            format!(
                "{}>{}{}",
                r.from.join("::"),
                r.to.join("::"),
                if r.test { " test" } else { "" }
            )
        })
        .collect();
    assert_eq!(
        refs,
        [
            "graph::x>report",
            "graph::y>pipeline",
            "graph::y::tests>pipeline test",
            "rules::a>rules::b",
            "rules::a>rules::b",
            "rules::a>rules::c",
            "rules::c>rules::a",
        ]
    );
    let order: Vec<String> = ["graph", "rules", "report"].map(String::from).to_vec();
    assert_eq!(
        layering_violations(&c, &order),
        [
            "src/graph/x.rs:1: graph::x (stage graph) uses report (stage report)",
            "src/graph/y.rs:1: graph::y (stage graph) uses pipeline (stage pipeline)",
        ]
    );
    assert_eq!(
        module_cycles(&c),
        ["crate::rules: a → c → a (component: a, c)\n  a → c (src/rules/a.rs:1)\n  c → a (src/rules/c.rs:2)"]
    );
}

/// What uses a later stage, or `pipeline` outside test code: one line per place.
fn layering_violations(crate_: &Crate, order: &[String]) -> Vec<String> {
    let rank = |m: &str| order.iter().position(|s| s == m);
    let mut bad = Vec::new();
    for r in crate_.references() {
        let (Some(from), Some(to)) = (r.from.first(), r.to.first()) else {
            continue;
        };
        let Some(i) = rank(from) else {
            continue; // pipeline, lib.rs: on top
        };
        let wrong = match rank(to) {
            Some(j) => j > i,
            None => TOP.contains(&to.as_str()) && !r.test,
        };
        if wrong {
            bad.push(format!(
                "{}:{}: {} (stage {from}) uses {} (stage {to})",
                r.file.display(),
                r.line,
                r.from.join("::"),
                r.to.join("::")
            ));
        }
    }
    bad
}

/// The cycles among the modules of each parent, each with its path and where each step is.
fn module_cycles(crate_: &Crate) -> Vec<String> {
    // parent → (from child → (to child → first place it happens))
    type Edges = BTreeMap<String, BTreeMap<String, String>>;
    let mut graphs: BTreeMap<Vec<String>, Edges> = BTreeMap::new();
    for r in crate_.references() {
        let k = r.from.iter().zip(&r.to).take_while(|(a, b)| a == b).count();
        // k == 0: between stages, the layering check's business.
        if k == 0 || k >= r.from.len() || k >= r.to.len() {
            continue;
        }
        graphs
            .entry(r.from[..k].to_vec())
            .or_default()
            .entry(r.from[k].clone())
            .or_default()
            .entry(r.to[k].clone())
            .or_insert_with(|| format!("{}:{}", r.file.display(), r.line));
    }
    let mut bad = Vec::new();
    for (parent, edges) in &graphs {
        for (cycle, component) in cycles(edges) {
            let steps: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("  {} → {} ({})", w[0], w[1], edges[&w[0]][&w[1]]))
                .collect();
            bad.push(format!(
                "crate::{}: {} (component: {})\n{}",
                parent.join("::"),
                cycle.join(" → "),
                component.join(", "),
                steps.join("\n")
            ));
        }
    }
    bad
}

/// The stages in order, from ARCHITECTURE.md: `base`, then the Bird's-eye diagram's line
/// `paths ──► discover ──► … ──► report`; its code map and `src/lib.rs` must agree.
fn stage_order() -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let line = doc
        .lines()
        .find(|l| l.trim_start().starts_with("paths ──►"))
        .expect("ARCHITECTURE.md's Bird's-eye diagram starts with `paths ──►`");
    assert!(
        doc.contains("(and `base`, which every\nstage shares)")
            || doc.contains("(and `base`, which every stage shares)"),
        "ARCHITECTURE.md no longer says that every stage shares `base`: this test puts it first"
    );
    let mut order = vec!["base".to_string()];
    order.extend(line.split("──►").skip(1).map(|s| s.trim().to_string()));
    // The code map lists the stages in the same order.
    let headings: Vec<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("### `src/")?.strip_suffix("/`"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        headings, order,
        "ARCHITECTURE.md's code map and Bird's-eye view disagree"
    );
    // So does the crate's documentation (`src/lib.rs`), after `base`.
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let line = lib
        .lines()
        .find(|l| l.contains("] → ["))
        .expect("src/lib.rs lists the stages");
    let listed: Vec<&str> = line
        .split(" → ")
        .filter_map(|s| s.split("[`").nth(1)?.split("`]").next())
        .collect();
    assert_eq!(
        listed,
        order[1..],
        "src/lib.rs and ARCHITECTURE.md list the stages differently"
    );
    order
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The cycles of a directed graph, one per strongly connected component: a shortest closed path
/// `a → … → a` from its first node, and the nodes of the component.
fn cycles(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<(Vec<String>, Vec<String>)> {
    let nodes: BTreeSet<&String> = edges
        .keys()
        .chain(edges.values().flat_map(|m| m.keys()))
        .collect();
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for m in edges.get(&n).into_iter().flat_map(|m| m.keys()) {
                if seen.insert(m.clone()) {
                    stack.push(m.clone());
                }
            }
        }
        seen
    };
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in nodes {
        if done.contains(n) || !reach(n).contains(n) {
            continue;
        }
        // The component of n, and a shortest path n → … → n inside it (breadth first).
        let mut prev: HashMap<String, String> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([n.clone()]);
        let mut last = None;
        'bfs: while let Some(x) = queue.pop_front() {
            for y in edges.get(&x).into_iter().flat_map(|m| m.keys()) {
                if y == n {
                    last = Some(x.clone());
                    break 'bfs;
                }
                if !prev.contains_key(y) {
                    prev.insert(y.clone(), x.clone());
                    queue.push_back(y.clone());
                }
            }
        }
        let mut path = vec![n.clone()];
        let mut x = last.unwrap();
        while &x != n {
            path.push(x.clone());
            x = prev[&x].clone();
        }
        path.push(n.clone());
        path.reverse();
        let component: Vec<String> = reach(n)
            .into_iter()
            .filter(|m| reach(m).contains(n))
            .collect();
        done.extend(component.iter().cloned());
        out.push((path, component));
    }
    out
}

/// One module naming another.
#[derive(Debug)]
struct Reference {
    file: PathBuf,
    line: usize,
    /// The module the path is written in (inline modules included).
    from: Vec<String>,
    /// The module it names (the longest known module prefix of the resolved path).
    to: Vec<String>,
    /// Written in test code.
    test: bool,
}

/// A raw path as written, before resolution.
#[derive(Debug)]
struct Written {
    line: usize,
    module: Vec<String>,
    path: Vec<String>,
    test: bool,
}

#[derive(Default)]
struct Crate {
    /// File module → its file.
    files: BTreeMap<Vec<String>, PathBuf>,
    /// Every module (files and inline ones).
    modules: BTreeSet<Vec<String>>,
    /// Per module: names it imports (`use`) → the path they stand for.
    aliases: HashMap<Vec<String>, HashMap<String, Vec<String>>>,
    /// Per module: the paths it glob-imports (`use x::*`).
    globs: HashMap<Vec<String>, Vec<Vec<String>>>,
    /// Per module: the names of the items it defines.
    items: HashMap<Vec<String>, BTreeSet<String>>,
    /// Modules declared under `#[cfg(test)]` (`mod tests;`).
    test_modules: BTreeSet<Vec<String>>,
    written: Vec<(PathBuf, Written)>,
}

impl Crate {
    fn read() -> Crate {
        let src = root().join("src");
        let mut files = Vec::new();
        walk(&src, &mut files);
        let mut c = Crate::default();
        for f in files {
            let rel = f.strip_prefix(&src).unwrap();
            if rel == Path::new("main.rs") {
                continue; // the binary: a crate of its own, on top
            }
            let mut module: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            let text = std::fs::read_to_string(&f).unwrap();
            c.add_strs(module, Path::new("src").join(rel), &text);
        }
        c
    }

    fn add(&mut self, module: &[&str], file: &str, text: &str) {
        let module = module.iter().map(|s| s.to_string()).collect();
        self.add_strs(module, PathBuf::from(file), text);
    }

    fn add_strs(&mut self, module: Vec<String>, file: PathBuf, text: &str) {
        self.files.insert(module.clone(), file.clone());
        self.modules.insert(module.clone());
        let tokens = tokens(&blank(text));
        Parser {
            c: self,
            file,
            tokens,
            i: 0,
        }
        .run(module);
    }

    fn is_test(&self, module: &[String], file: &Path) -> bool {
        let name = file.file_stem().unwrap().to_string_lossy();
        name == "tests"
            || name.ends_with("_tests")
            || (1..=module.len()).any(|n| self.test_modules.contains(&module[..n]))
    }

    /// Every path written, resolved; in the order written.
    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        for (file, w) in &self.written {
            let Some(abs) = absolute(&w.module, &w.path) else {
                continue;
            };
            let to = self.resolve(abs, 0);
            if to.is_empty() {
                continue; // the crate root
            }
            out.push(Reference {
                file: file.clone(),
                line: w.line,
                from: w.module.clone(),
                to,
                test: w.test || self.is_test(&w.module, file),
            });
        }
        out
    }

    /// The module an absolute path names: its longest known module prefix, after following the
    /// imports of the module the path goes through.
    fn resolve(&self, path: Vec<String>, depth: usize) -> Vec<String> {
        let mut n = 0;
        while n < path.len() && self.modules.contains(&path[..=n]) {
            n += 1;
        }
        let module = path[..n].to_vec();
        if n == path.len() || depth > 16 {
            return module;
        }
        let name = &path[n];
        if let Some(target) = self.aliases.get(&module).and_then(|a| a.get(name)) {
            let mut p = target.clone();
            p.extend_from_slice(&path[n + 1..]);
            return self.resolve(p, depth + 1);
        }
        if !self.items.get(&module).is_some_and(|i| i.contains(name)) {
            for g in self.globs.get(&module).into_iter().flatten() {
                let m = self.resolve(g.clone(), depth + 1);
                let defines = self.items.get(&m).is_some_and(|i| i.contains(name))
                    || self.aliases.get(&m).is_some_and(|a| a.contains_key(name))
                    || self
                        .modules
                        .contains(&[m.clone(), vec![name.clone()]].concat());
                if defines && m != module {
                    let mut p = m;
                    p.extend_from_slice(&path[n..]);
                    return self.resolve(p, depth + 1);
                }
            }
        }
        module
    }
}

/// A path written in `module` made absolute (`crate::`, `super::`, `self::`); `None` for a path
/// that starts with a bare name (another crate, a child module, an item or an import of
/// `module`): it names nothing outside `module` that a `use` of `module` does not name already.
fn absolute(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String>;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            base = Vec::new();
            rest = &path[1..];
        }
        Some("self") => {
            base = module.to_vec();
            rest = &path[1..];
        }
        Some("super") => {
            base = module.to_vec();
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(base)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The text with comments, string and character literals replaced by spaces (newlines kept).
fn blank(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let at = |i: usize, s: &str| s.chars().enumerate().all(|(k, c)| b.get(i + k) == Some(&c));
    let keep_lines = |out: &mut String, s: &[char]| {
        for &c in s {
            out.push(if c == '\n' { '\n' } else { ' ' });
        }
    };
    while i < b.len() {
        let ident_before = i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_');
        if at(i, "//") {
            let end = (i..b.len()).find(|&k| b[k] == '\n').unwrap_or(b.len());
            keep_lines(&mut out, &b[i..end]);
            i = end;
        } else if at(i, "/*") {
            let (mut depth, mut k) = (1, i + 2);
            while k < b.len() && depth > 0 {
                if at(k, "/*") {
                    depth += 1;
                    k += 2;
                } else if at(k, "*/") {
                    depth -= 1;
                    k += 2;
                } else {
                    k += 1;
                }
            }
            keep_lines(&mut out, &b[i..k]);
            i = k;
        } else if !ident_before && (at(i, "r\"") || at(i, "r#") || at(i, "br\"") || at(i, "br#")) {
            let start = i;
            let mut k = i + if b[i] == 'b' { 2 } else { 1 };
            let hashes = (k..b.len()).take_while(|&j| b[j] == '#').count();
            k += hashes;
            if b.get(k) != Some(&'"') {
                out.push(b[i]); // `r#ident`
                i += 1;
                continue;
            }
            k += 1;
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while k < b.len() && !at(k, &close) {
                k += 1;
            }
            k = (k + close.len()).min(b.len());
            keep_lines(&mut out, &b[start..k]);
            i = k;
        } else if b[i] == '"' || (!ident_before && at(i, "b\"")) {
            let start = i;
            let mut k = i + if b[i] == 'b' { 2 } else { 1 };
            while k < b.len() && b[k] != '"' {
                k += if b[k] == '\\' { 2 } else { 1 };
            }
            k = (k + 1).min(b.len());
            keep_lines(&mut out, &b[start..k]);
            i = k;
        } else if b[i] == '\'' {
            // A character literal ('a', '\n', '\u{1F600}', '"'), or a lifetime ('a).
            let end = if b.get(i + 1) == Some(&'\\') {
                (i + 2..b.len()).find(|&k| b[k] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    keep_lines(&mut out, &b[i..=e]);
                    i = e + 1;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

fn tokens(text: &str) -> Vec<Token> {
    let b: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let s = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            let mut t: String = b[s..i].iter().collect();
            if let Some(raw) = t.strip_prefix("r#") {
                t = raw.to_string();
            }
            out.push(Token { text: t, line });
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push(Token {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    out
}

struct Parser<'a> {
    c: &'a mut Crate,
    file: PathBuf,
    tokens: Vec<Token>,
    i: usize,
}

impl Parser<'_> {
    fn peek(&self, k: usize) -> &str {
        self.tokens.get(self.i + k).map_or("", |t| t.text.as_str())
    }

    fn line(&self) -> usize {
        self.tokens.get(self.i).map_or(0, |t| t.line)
    }

    fn is_ident(s: &str) -> bool {
        s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
    }

    fn run(mut self, file_module: Vec<String>) {
        // (module, its brace depth, test) per inline module; braces of anything else counted.
        let mut stack: Vec<(Vec<String>, usize, bool)> = vec![(file_module, 0, false)];
        let mut depth = 0;
        let mut cfg_test = false;
        while self.i < self.tokens.len() {
            let (module, _, in_test) = stack.last().cloned().unwrap();
            let t = self.peek(0).to_string();
            match t.as_str() {
                "#" if self.peek(1) == "["
                    && self.peek(2) == "cfg"
                    && self.peek(3) == "("
                    && self.peek(4) == "test"
                    && self.peek(5) == ")" =>
                {
                    cfg_test = true;
                    self.i += 7;
                    continue;
                }
                "#" if self.peek(1) == "[" || (self.peek(1) == "!" && self.peek(2) == "[") => {
                    // skip other attributes
                    let mut d = 0;
                    while self.i < self.tokens.len() {
                        match self.peek(0) {
                            "[" => d += 1,
                            "]" => {
                                d -= 1;
                                if d == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        self.i += 1;
                    }
                    self.i += 1;
                    continue;
                }
                "mod" if Self::is_ident(self.peek(1)) => {
                    let mut child = module.clone();
                    child.push(self.peek(1).to_string());
                    self.c.modules.insert(child.clone());
                    if cfg_test || in_test {
                        self.c.test_modules.insert(child.clone());
                    }
                    if self.peek(2) == "{" {
                        depth += 1;
                        stack.push((child, depth, cfg_test || in_test));
                        self.i += 3;
                    } else {
                        self.i += 2;
                    }
                    cfg_test = false;
                    continue;
                }
                "use" => {
                    self.i += 1;
                    let line = self.line();
                    let mut leaves = Vec::new();
                    self.use_tree(Vec::new(), &mut leaves);
                    for (path, name) in leaves {
                        match name.as_deref() {
                            Some("*") => self.c.globs.entry(module.clone()).or_default().push(
                                absolute(&module, &path)
                                    .unwrap_or_else(|| relative(&module, &path)),
                            ),
                            Some("_") => {}
                            Some(n) => {
                                let target = absolute(&module, &path)
                                    .unwrap_or_else(|| relative(&module, &path));
                                self.c
                                    .aliases
                                    .entry(module.clone())
                                    .or_default()
                                    .insert(n.to_string(), target);
                            }
                            None => {}
                        }
                        self.write(line, &module, path, cfg_test || in_test);
                    }
                    cfg_test = false;
                    continue;
                }
                "fn" | "struct" | "enum" | "trait" | "type" | "const" | "static" | "union"
                    if Self::is_ident(self.peek(1)) =>
                {
                    let name = self.peek(1).to_string();
                    self.c.items.entry(module.clone()).or_default().insert(name);
                }
                "macro_rules" if self.peek(1) == "!" => {
                    let name = self.peek(2).to_string();
                    self.c.items.entry(module.clone()).or_default().insert(name);
                }
                "crate" | "super" | "self" if self.peek(1) == "::" && self.peek_back() != "::" => {
                    let line = self.line();
                    let mut path = vec![t.clone()];
                    self.i += 1;
                    while self.peek(0) == "::" && Self::is_ident(self.peek(1)) {
                        path.push(self.peek(1).to_string());
                        self.i += 2;
                    }
                    self.write(line, &module, path, cfg_test || in_test);
                    continue;
                }
                "{" => depth += 1,
                "}" => {
                    if stack.len() > 1 && stack.last().unwrap().1 == depth {
                        stack.pop();
                    }
                    depth -= 1;
                }
                _ => {}
            }
            if matches!(t.as_str(), ";" | "{" | "}") {
                cfg_test = false;
            }
            self.i += 1;
        }
    }

    /// Records a path written at `line` in `module`.
    fn write(&mut self, line: usize, module: &[String], path: Vec<String>, test: bool) {
        let module = module.to_vec();
        let w = Written {
            line,
            module,
            path,
            test,
        };
        self.c.written.push((self.file.clone(), w));
    }

    fn peek_back(&self) -> &str {
        if self.i == 0 {
            ""
        } else {
            self.tokens[self.i - 1].text.as_str()
        }
    }

    /// Parses a use tree after `prefix`, up to `;`, `,` or `}` (not consumed); each leaf is a
    /// full path and the name it binds (`*` for a glob, `None` for `self` alone).
    fn use_tree(&mut self, mut prefix: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
        if self.peek(0) == "::" {
            self.i += 1;
        }
        loop {
            let t = self.peek(0).to_string();
            match t.as_str() {
                "{" => {
                    self.i += 1;
                    while !matches!(self.peek(0), "}" | "") {
                        self.use_tree(prefix.clone(), out);
                        if self.peek(0) == "," {
                            self.i += 1;
                        }
                    }
                    self.i += 1;
                    break;
                }
                "*" => {
                    self.i += 1;
                    out.push((prefix, Some("*".into())));
                    break;
                }
                _ if Self::is_ident(&t) => {
                    self.i += 1;
                    prefix.push(t.clone());
                    if self.peek(0) == "::" {
                        self.i += 1;
                        continue;
                    }
                    let mut name = if t == "self" {
                        prefix.pop();
                        prefix.last().cloned()
                    } else {
                        Some(t.clone())
                    };
                    if self.peek(0) == "as" {
                        name = Some(self.peek(1).to_string());
                        self.i += 2;
                    }
                    if matches!(name.as_deref(), Some("crate" | "super" | "self")) {
                        name = None;
                    }
                    out.push((prefix, name));
                    break;
                }
                _ => break,
            }
        }
        if self.peek(0) == ";" {
            self.i += 1;
        }
    }
}

/// A path that starts with a bare name, seen from `module` (a child module, an item of the
/// module, or an extern crate: only the first two can resolve).
fn relative(module: &[String], path: &[String]) -> Vec<String> {
    let mut p = module.to_vec();
    p.extend(path.iter().cloned());
    p
}
