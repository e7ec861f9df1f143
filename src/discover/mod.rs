//! Discovery: walks the paths the user gave and finds the inputs, classified by content.
//!
//! - a directory holding `.tf` / `.tf.json` files is a Terraform module (its `*.tfvars` belong to
//!   it; the Terraform frontend reads them);
//! - a JSON file whose top level has `planned_values` or `resource_changes` is a Terraform plan;
//! - a JSON file whose top level has `containerDefinitions` (or `taskDefinition` holding them:
//!   `describe-task-definition` output) is an ECS task definition;
//! - a YAML or JSON file with `AWSTemplateFormatVersion`, or a top-level `Resources` map and
//!   `AWS::` types, is a CloudFormation template candidate (the frontend confirms it);
//! - anything else is skipped silently.
//!
//! A file given by name is read for the root that contains it, whole: a `.tf` file or a
//! variable file for its module directory (a variable file in a directory without `.tf` files,
//! `env/prod.tfvars`, for the module above it), a template, plan or task definition for itself.
//! This is what pre-commit needs: it passes the changed files, and the chain needs the module. A
//! given path with nothing to read is reported in [`Discovered::empty_paths`], except, with
//! `skip_other_files`, a file (pre-commit passes `package.json` and workflows too).
//!
//! The walk honours `.gitignore`/`.ignore` even outside a git repository, and always skips `.git`,
//! `.terraform` and `node_modules` (and `cdk.out` unless it is named explicitly). Candidate files
//! are read in parallel and registered in the [`SourceMap`], so later stages never read them again.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use rayon::prelude::*;

use crate::base::fs::load;
use crate::base::{Diagnostic, FileId, SourceMap};

/// Directories never walked into.
const SKIP_DIRS: &[&str] = &[".git", ".terraform", "node_modules", ".aws-sam"];

#[derive(Debug, Default)]
pub struct Discovered {
    /// Directories with Terraform files, sorted.
    pub terraform_dirs: Vec<PathBuf>,
    pub plans: Vec<FileId>,
    pub templates: Vec<FileId>,
    /// ECS task definition JSON files.
    pub task_definitions: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
    /// Given paths in which nothing was found to read, each with a hint (or `""`).
    pub empty_paths: Vec<(PathBuf, String)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Plan,
    Template,
    TaskDefinition,
    Other,
    /// Could not be read or decoded, so its kind is unknown.
    Unreadable,
}

/// Walks `paths` (files or directories). A path that does not exist gives an `io-error` diagnostic.
/// Reads stay inside `sources`' boundary and read only regular files (see [`crate::base::fs`]).
/// With `skip_other_files`, a given file with nothing to read is not in `empty_paths`.
pub fn discover(
    paths: &[PathBuf],
    sources: &SourceMap,
    max_file_size: u64,
    exclude: &Exclude,
    skip_other_files: bool,
) -> Discovered {
    let mut out = Discovered::default();
    let mut tf_dirs = BTreeSet::new();
    // Each candidate with the index of the given path it was found under.
    let mut candidates: Vec<(PathBuf, usize)> = Vec::new();
    let mut found = vec![false; paths.len()];
    let mut hints = vec![String::new(); paths.len()];
    let boundary = sources.boundary();
    // The ignore files of each repository (top of the scan) that holds a given file.
    let mut tops: HashMap<PathBuf, Ignores> = HashMap::new();

    for (i, root) in paths.iter().enumerate() {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(_) => {
                out.diagnostics.push(
                    Diagnostic::error("io-error", "no such file or directory")
                        .in_file(root.clone()),
                );
                found[i] = true;
                continue;
            }
        };
        if meta.is_file() && skip_other_files {
            let top = boundary
                .iter()
                .filter(|b| std::fs::canonicalize(root).is_ok_and(|c| c.starts_with(b)))
                .min_by_key(|b| b.components().count());
            if let Some(top) = top {
                let ignores = tops
                    .entry(top.clone())
                    .or_insert_with(|| Ignores::new(top, &boundary, max_file_size));
                if excluded(root, top, ignores) {
                    continue;
                }
            }
        }
        if meta.is_file() && is_vars_name(root) {
            if let Some(dir) = vars_module(root, &boundary) {
                tf_dirs.insert(dir);
                found[i] = true;
            }
            continue;
        }
        let mut push = |path: &Path, explicit: bool, out: &mut Discovered| {
            // (walked paths were matched by the walk's filter)
            if explicit && exclude.excludes_given(path) {
                hints[i] = exclude.hint();
                return;
            }
            if path.file_name().is_some_and(|n| n.to_str().is_none()) {
                // Not read: its name cannot be shown or matched reliably. Said, not skipped.
                let mut ignored = BTreeSet::new();
                let mut c = Vec::new();
                classify_path(path, &mut ignored, &mut c, explicit);
                if !ignored.is_empty() || !c.is_empty() || is_vars_name(path) {
                    out.diagnostics.push(
                        Diagnostic::error(
                            "file-name",
                            "not read: the file name is not valid UTF-8 (shown with \u{FFFD}); \
                             rename it",
                        )
                        .in_file(path),
                    );
                    found[i] = true;
                }
                return;
            }
            let mut c = Vec::new();
            classify_path(path, &mut tf_dirs, &mut c, explicit);
            candidates.extend(c.into_iter().map(|p| (p, i)));
            if is_tf_name(path) {
                found[i] = true;
            }
        };
        if meta.is_file() {
            push(root, true, &mut out);
            continue;
        }
        if !meta.is_dir() {
            if let Err(d) = crate::base::fs::read_file(root, 0, &boundary) {
                out.diagnostics.push(d);
            }
            found[i] = true;
            continue;
        }
        let explicit_cdk = root.file_name().is_some_and(|n| n == "cdk.out");
        let ignores = Arc::new(Ignores::new(root, &boundary, max_file_size));
        let filter = ignores.clone();
        let exclude_walk = exclude.clone();
        let excluded_any = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let excluded_seen = excluded_any.clone();
        let cdk_skipped = Arc::new(Mutex::new(None::<PathBuf>));
        let cdk_seen = cdk_skipped.clone();
        let mut walk = ignore::WalkBuilder::new(root);
        // The `ignore` crate's own reading of ignore files is off: it would open a FIFO named
        // `.gitignore` (and wait forever), follow a link to `/dev/zero` (and fill the memory) or
        // read the user's global git excludes. `Ignores` reads them through `base::fs`.
        walk.standard_filters(false).filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if e.depth() == 0 {
                return true;
            }
            if is_dir {
                let name = e.file_name().to_string_lossy();
                if name == "cdk.out" && !explicit_cdk {
                    cdk_seen
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert_with(|| e.path().to_path_buf());
                    return false;
                }
                if SKIP_DIRS.contains(&name.as_ref()) {
                    return false;
                }
            }
            if filter.ignored(e.path(), is_dir) {
                return false;
            }
            let canon =
                (e.path().strip_prefix(&filter.root).ok()).map(|r| filter.canon_root.join(r));
            if canon.as_ref().is_some_and(|c| exclude_walk.own.contains(c)) {
                return false;
            }
            let excluded = canon.is_some_and(|c| exclude_walk.excludes(&c, is_dir));
            if excluded {
                excluded_seen.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            !excluded
        });
        for entry in walk.build() {
            match entry {
                // A link, a FIFO or a device named like an input is taken too: reading it
                // (`base::fs`) says why it is refused, or follows a link that stays inside.
                Ok(e) if e.file_type().is_some_and(|t| !t.is_dir()) && e.depth() > 0 => {
                    push(e.path(), false, &mut out)
                }
                Ok(_) => {}
                Err(err) => out.diagnostics.push(Diagnostic::warning(
                    "io-error",
                    format!("cannot walk: {err}"),
                )),
            }
        }
        if excluded_any.load(std::sync::atomic::Ordering::Relaxed) {
            hints[i] = exclude.hint();
        }
        if let Some(cdk) = cdk_skipped.lock().unwrap_or_else(|e| e.into_inner()).take() {
            hints[i] = format!(
                "; CDK output is read only when named: `pullpath check {}`",
                cdk.display()
            );
        }
        let ignore_diags = ignores.take_diagnostics();
        found[i] |= !ignore_diags.is_empty();
        out.diagnostics.extend(ignore_diags);
    }

    for ignores in tops.values() {
        out.diagnostics.extend(ignores.take_diagnostics());
    }
    candidates.sort();
    candidates.dedup_by(|a, b| a.0 == b.0);
    let read: Vec<(Result<FileId, Diagnostic>, Sniffed)> = candidates
        .par_iter()
        .map(|(p, _)| read_candidate(p, sources, max_file_size))
        .collect();
    for ((r, kind), (_, i)) in read.into_iter().zip(&candidates) {
        match (r, kind) {
            (Ok(id), Sniffed::Plan) => out.plans.push(id),
            (Ok(id), Sniffed::Template) => out.templates.push(id),
            (Ok(id), Sniffed::TaskDefinition) => out.task_definitions.push(id),
            (
                Err(d),
                Sniffed::Plan | Sniffed::Template | Sniffed::TaskDefinition | Sniffed::Unreadable,
            ) => out.diagnostics.push(d),
            _ => continue,
        }
        found[*i] = true;
    }
    out.terraform_dirs = tf_dirs.into_iter().collect();
    out.empty_paths = paths
        .iter()
        .zip(found)
        .zip(hints)
        .filter(|((p, f), _)| !(*f || (skip_other_files && p.is_file())))
        .map(|((p, _), h)| (p.clone(), h))
        .collect();
    out
}

fn lower_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn is_tf_name(path: &Path) -> bool {
    let name = lower_name(path);
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

fn is_vars_name(path: &Path) -> bool {
    let name = lower_name(path);
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

/// Whether a walk of `top` (the top of the scan, canonical) would leave the file `file` out: it
/// is under a directory never walked (`.terraform`, `node_modules`, `cdk.out`…), or an ignore
/// file excludes it or a directory above it. For files given with `skip_other_files`: pre-commit
/// names each changed file, and `.pullpathignore` must keep applying to them.
fn excluded(file: &Path, top: &Path, ignores: &Ignores) -> bool {
    let Some(rel) = std::fs::canonicalize(file)
        .ok()
        .and_then(|c| c.strip_prefix(top).ok().map(Path::to_path_buf))
    else {
        return false;
    };
    let names: Vec<_> = rel.components().map(|c| c.as_os_str()).collect();
    let mut path = top.to_path_buf();
    for (k, name) in names.iter().enumerate() {
        let dir = k + 1 < names.len();
        let skipped = name
            .to_str()
            .is_some_and(|n| SKIP_DIRS.contains(&n) || n == "cdk.out");
        path.push(name);
        if (dir && skipped) || ignores.ignored(&path, dir) {
            return true;
        }
    }
    false
}

/// The module directory a variable file named on the command line belongs to: its own directory
/// when that holds `.tf` files, else the one above a directory without them (`env/prod.tfvars`,
/// the layout whose files `pipeline` says are not loaded) if that is inside the scan (outside a git
/// repository, the scan of a file is its directory); `None` when neither is a module.
fn vars_module(file: &Path, boundary: &[PathBuf]) -> Option<PathBuf> {
    let has_tf = |dir: &Path| {
        std::fs::read_dir(dir).is_ok_and(|rd| {
            rd.filter_map(Result::ok)
                .any(|e| is_tf_name(&e.path()) && e.file_type().is_ok_and(|t| !t.is_dir()))
        })
    };
    let dir = crate::base::fs::parent_dir(file).to_path_buf();
    if has_tf(&dir) {
        return Some(dir);
    }
    let up = match dir.parent() {
        _ if dir == Path::new(".") => PathBuf::from(".."),
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let inside = std::fs::canonicalize(&up).is_ok_and(|c| crate::base::fs::inside(&c, boundary));
    (inside && has_tf(&up)).then_some(up)
}

/// The ignore files of a directory, in increasing precedence (a later line wins).
const IGNORE_FILES: &[&str] = &[
    ".git/info/exclude",
    ".gitignore",
    ".ignore",
    ".pullpathignore",
];

/// `.gitignore`, `.ignore`, `.pullpathignore` and the repository's `.git/info/exclude`, honoured
/// even outside a git repository, read by us through [`crate::base::fs::read_file`] (regular files
/// inside the boundary only). The ignore files of the walked directory's parents are read up to
/// the top of its boundary (the git top level), not beyond; the user's global excludes never.
struct Ignores {
    root: PathBuf,
    /// `root` canonical, and its parents up to the top of the boundary (deepest first) with their
    /// matchers.
    canon_root: PathBuf,
    parents: Vec<Option<Gitignore>>,
    boundary: Vec<PathBuf>,
    max: u64,
    cache: Mutex<HashMap<PathBuf, Option<Arc<Gitignore>>>>,
    diagnostics: Mutex<Vec<Diagnostic>>,
}

impl Ignores {
    fn new(root: &Path, boundary: &[PathBuf], max: u64) -> Ignores {
        let canon_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut ig = Ignores {
            root: root.to_path_buf(),
            canon_root: canon_root.clone(),
            parents: Vec::new(),
            boundary: boundary.to_vec(),
            max: max.min(MAX_IGNORE_FILE),
            cache: Mutex::new(HashMap::new()),
            diagnostics: Mutex::new(Vec::new()),
        };
        let top = boundary
            .iter()
            .filter(|b| canon_root.starts_with(b))
            .min_by_key(|b| b.components().count());
        if let Some(top) = top {
            for dir in canon_root.ancestors().skip(1) {
                if !dir.starts_with(top) {
                    break;
                }
                let m = ig.build(dir);
                ig.parents.push(m);
            }
        }
        ig
    }

    fn build(&self, dir: &Path) -> Option<Gitignore> {
        let mut b = GitignoreBuilder::new(dir);
        let mut any = false;
        for name in IGNORE_FILES {
            let path = dir.join(name);
            if std::fs::symlink_metadata(&path).is_err() {
                continue;
            }
            match crate::base::fs::read_file(&path, self.max, &self.boundary) {
                Ok(bytes) => {
                    for line in String::from_utf8_lossy(&bytes).lines() {
                        // A malformed glob is left out, as git does.
                        let _ = b.add_line(Some(path.clone()), line);
                    }
                    any = true;
                }
                Err(d) => self
                    .diagnostics
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(d),
            }
        }
        if !any {
            return None;
        }
        b.build().ok()
    }

    fn matcher(&self, dir: &Path) -> Option<Arc<Gitignore>> {
        if let Some(m) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(dir)
        {
            return m.clone();
        }
        let m = self.build(dir).map(Arc::new);
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf(), m.clone());
        m
    }

    /// Whether the deepest ignore file with a say about `path` ignores it.
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        fn decide<T>(m: ignore::Match<T>) -> Option<bool> {
            match m {
                ignore::Match::Ignore(_) => Some(true),
                ignore::Match::Whitelist(_) => Some(false),
                ignore::Match::None => None,
            }
        }
        for dir in path.ancestors().skip(1) {
            if let Some(m) = self.matcher(dir) {
                if let Some(d) = decide(m.matched(path, is_dir)) {
                    return d;
                }
            }
            if dir == self.root {
                break;
            }
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let canon = self.canon_root.join(rel);
        for m in self.parents.iter().flatten() {
            if let Some(d) = decide(m.matched(&canon, is_dir)) {
                return d;
            }
        }
        false
    }

    fn take_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.diagnostics.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The configuration file's `exclude` globs: paths not to read, in gitignore's syntax (a glob
/// with a `/` is anchored at the configuration file's directory, one without matches at any
/// depth, a trailing `/` matches directories only, `**` crosses directories, `!` re-includes).
/// They apply to walked paths and to files named on the command line alike (pre-commit names
/// files). A module that a root calls is still read: exclusion chooses what is scanned, not what
/// the scanned roots use.
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    matcher: Option<Arc<Gitignore>>,
    /// Where the globs come from (the configuration file), for the hint.
    origin: String,
    /// pullpath's own files (the baseline), canonical: never input, left out of walks quietly.
    own: Vec<PathBuf>,
}

impl Exclude {
    /// The globs of `origin` (a file), relative to `base` (its directory).
    pub fn new(base: &Path, globs: &[String], origin: &Path) -> Result<Exclude, String> {
        let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        let mut b = GitignoreBuilder::new(&base);
        for g in globs {
            b.add_line(None, g)
                .map_err(|e| format!("{}: exclude `{g}`: {e}", origin.display()))?;
        }
        let m = b
            .build()
            .map_err(|e| format!("{}: exclude: {e}", origin.display()))?;
        Ok(Exclude {
            matcher: (!globs.is_empty()).then(|| Arc::new(m)),
            origin: origin.display().to_string(),
            own: Vec::new(),
        })
    }

    /// Leaves pullpath's own file (its canonical path) out of walks, without a hint.
    pub fn own_file(&mut self, canonical: PathBuf) {
        self.own.push(canonical);
    }

    /// Whether the canonical `path`, or one of its parents, is excluded (the globs are relative
    /// to the configuration file's canonical directory). A walk passes its canonical root joined
    /// with the walked part: one `canonicalize` per walk, not per entry.
    pub fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        self.matcher.as_ref().is_some_and(|m| {
            path.starts_with(m.path()) && m.matched_path_or_any_parents(path, is_dir).is_ignore()
        })
    }

    /// Whether a file named on the command line is excluded.
    fn excludes_given(&self, file: &Path) -> bool {
        self.matcher.is_some()
            && std::fs::canonicalize(file).is_ok_and(|c| self.excludes(&c, false))
    }

    fn hint(&self) -> String {
        format!("; excluded by `exclude` in {}", self.origin)
    }
}

/// Ignore files larger than this are not read (1 MiB: real ones are a few KB).
const MAX_IGNORE_FILE: u64 = 1 << 20;

/// Reads and classifies one candidate. A file over the size limit is classified from its first
/// 64 KiB, so that "skipped: too large" is said only of files that look like IaC.
fn read_candidate(
    path: &Path,
    sources: &SourceMap,
    max_file_size: u64,
) -> (Result<FileId, Diagnostic>, Sniffed) {
    match load(sources, path, max_file_size) {
        Ok(id) => {
            let kind = sniff(path, &sources.get(id).text);
            (Ok(id), kind)
        }
        Err(d) if d.code == "too-large" => {
            let kind = crate::base::fs::read_prefix(path, 64 * 1024, &sources.boundary())
                .map(|prefix| sniff(path, &String::from_utf8_lossy(&prefix)))
                .unwrap_or(Sniffed::Other);
            (Err(d), kind)
        }
        // Unreadable or undecodable: we cannot tell what it is, so say so.
        Err(d) => (Err(d), Sniffed::Unreadable),
    }
}

fn classify_path(
    path: &Path,
    tf_dirs: &mut BTreeSet<PathBuf>,
    candidates: &mut Vec<PathBuf>,
    explicit: bool,
) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".tf") || name.ends_with(".tf.json") {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        tf_dirs.insert(if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        });
    } else if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
        // read by the Terraform frontend with its module
    } else if [".json", ".yaml", ".yml", ".template"]
        .iter()
        .any(|ext| name.ends_with(ext))
        || (explicit && !NOT_INFRASTRUCTURE.iter().any(|ext| name.ends_with(ext)))
    {
        candidates.push(path.to_path_buf());
    }
}

/// Endings of files that are never infrastructure, even named on the command line, where any
/// other file is read by its content (a template named `stack.cfn`, a plan without an
/// extension): documentation holds template snippets (`Resources:` at column 0 in a README's
/// code block), and reading it as a template would be a false parse error.
const NOT_INFRASTRUCTURE: &[&str] = &[
    ".md",
    ".markdown",
    ".rst",
    ".adoc",
    ".html",
    ".htm",
    ".toml",
    ".lock",
    ".py",
    ".rs",
    ".go",
    ".js",
    ".ts",
    ".java",
    ".rb",
    ".sh",
];

fn sniff(path: &Path, text: &str) -> Sniffed {
    let trimmed = text.trim_start();
    let looks_json = trimmed.starts_with('{')
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if looks_json {
        let keys = json_top_level_keys(text);
        if keys
            .iter()
            .any(|k| k == "planned_values" || k == "resource_changes")
        {
            return Sniffed::Plan;
        }
        if keys.iter().any(|k| k == "AWSTemplateFormatVersion")
            || (keys.iter().any(|k| k == "Resources") && text.contains("AWS::"))
        {
            return Sniffed::Template;
        }
        if is_task_definition(&keys, text) {
            return Sniffed::TaskDefinition;
        }
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            return Sniffed::Other;
        }
    }
    // YAML: a top-level key starts at column 0.
    let mut resources = false;
    for line in text.lines() {
        let l = line.strip_prefix('"').unwrap_or(line);
        if l.starts_with("AWSTemplateFormatVersion") {
            return Sniffed::Template;
        }
        if l.starts_with("Resources") {
            resources = true;
        }
    }
    if resources && text.contains("AWS::") {
        Sniffed::Template
    } else {
        Sniffed::Other
    }
}

/// Whether a JSON document (its top-level keys) is an ECS task definition: it has
/// `containerDefinitions`, or is `describe-task-definition` output (`taskDefinition` holding one).
fn is_task_definition(keys: &[String], text: &str) -> bool {
    keys.iter().any(|k| k == "containerDefinitions")
        || (keys.iter().any(|k| k == "taskDefinition") && text.contains("\"containerDefinitions\""))
}

/// The keys of the top-level JSON object, found by a single pass that tracks nesting and strings.
/// Works on invalid JSON too (it only looks for keys at depth 1), so that a broken template is still
/// recognised as one and reported by its parser.
fn json_top_level_keys(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut keys = Vec::new();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut expect_key = false;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expect_key = true,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                // A key is a string at depth 1 after `{` or `,`, or followed by `:` (so that a
                // missing comma does not hide a plan's keys: the parser then reports it).
                let colon = bytes
                    .get(i + 1..)
                    .and_then(|r| r.iter().find(|b| !b.is_ascii_whitespace()))
                    == Some(&b':');
                if depth == 1 && (expect_key || colon) {
                    if let Some(k) = text.get(start..i.min(text.len())) {
                        keys.push(k.to_string());
                    }
                    expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_keys_only() {
        let keys = json_top_level_keys(
            r#"{"format_version": "1.2", "x": {"planned_values": 1}, "planned_values": {}}"#,
        );
        assert_eq!(keys, vec!["format_version", "x", "planned_values"]);
        // a missing comma (malformed JSON) does not hide a key
        let keys = json_top_level_keys(r#"{"format_version":"1.2" "planned_values":{}}"#);
        assert_eq!(keys, vec!["format_version", "planned_values"]);
    }

    #[test]
    fn sniffs_each_kind() {
        let p = Path::new("a.json");
        assert_eq!(
            sniff(p, r#"{"format_version":"1.0","resource_changes":[]}"#),
            Sniffed::Plan
        );
        assert_eq!(
            sniff(p, r#"{"nested": {"resource_changes": []}}"#),
            Sniffed::Other
        );
        assert_eq!(
            sniff(p, r#"{"Resources": {"R": {"Type": "AWS::S3::Bucket"}}}"#),
            Sniffed::Template
        );
        assert_eq!(
            sniff(p, r#"{"name": "pkg", "version": "1"}"#),
            Sniffed::Other
        );
        let y = Path::new("t.yaml");
        assert_eq!(
            sniff(y, "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"),
            Sniffed::Template
        );
        assert_eq!(
            sniff(y, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"),
            Sniffed::Template
        );
        assert_eq!(
            sniff(y, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n"),
            Sniffed::Other
        );
        assert_eq!(sniff(y, "on: push\njobs: {}\n"), Sniffed::Other);
        let td = Path::new(".aws/task-definition.json");
        assert_eq!(
            sniff(
                td,
                r#"{"family": "app", "containerDefinitions": [{"name": "app"}]}"#
            ),
            Sniffed::TaskDefinition
        );
        assert_eq!(
            sniff(
                td,
                r#"{"taskDefinition": {"family": "app", "containerDefinitions": []}, "tags": []}"#
            ),
            Sniffed::TaskDefinition
        );
        // Terraform's `file("containers.json")`: a list of containers, not a task definition.
        assert_eq!(
            sniff(td, r#"[{"name": "app", "containerDefinitions": []}]"#),
            Sniffed::Other
        );
        assert_eq!(
            sniff(td, r#"{"service": {"containerDefinitions": []}}"#),
            Sniffed::Other
        );
    }

    #[test]
    fn walks_and_skips() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("mod/.terraform/modules/x")).unwrap();
        std::fs::create_dir_all(root.join("node_modules/p")).unwrap();
        std::fs::create_dir_all(root.join("ignored")).unwrap();
        std::fs::write(root.join("mod/main.tf"), "").unwrap();
        std::fs::write(root.join("mod/.terraform/modules/x/main.tf"), "").unwrap();
        std::fs::write(root.join("node_modules/p/main.tf"), "").unwrap();
        std::fs::write(root.join("ignored/main.tf"), "").unwrap();
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        std::fs::write(
            root.join("stack.yaml"),
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
        )
        .unwrap();
        std::fs::write(root.join("k8s.yaml"), "apiVersion: v1\nkind: Pod\n").unwrap();
        std::fs::write(root.join("plan.json"), "{\"planned_values\": {}}").unwrap();
        let sources = SourceMap::new();
        let d = discover(
            &[root.to_path_buf()],
            &sources,
            1 << 20,
            &Exclude::default(),
            false,
        );
        assert_eq!(d.terraform_dirs, vec![root.join("mod")]);
        assert_eq!(d.templates.len(), 1);
        assert_eq!(d.plans.len(), 1);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);

        let d = discover(
            &[root.join("missing")],
            &sources,
            1 << 20,
            &Exclude::default(),
            false,
        );
        assert_eq!(d.diagnostics[0].code, "io-error");

        let d = discover(
            &[root.to_path_buf()],
            &SourceMap::new(),
            10,
            &Exclude::default(),
            false,
        );
        assert!(d.diagnostics.iter().any(|x| x.code == "too-large"));
    }

    /// Files given by name (what pre-commit passes): each is read for the root that holds it,
    /// once; with `skip_other_files` a file with nothing to read, or one the ignore files
    /// exclude, is skipped quietly, while a directory with nothing to read stays reported.
    #[test]
    fn given_files_read_their_roots() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for dir in ["infra/env", "legacy", "empty", "node_modules/m"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for file in [
            "infra/main.tf",
            "infra/vars.tf",
            "legacy/main.tf",
            "node_modules/m/a.tf",
        ] {
            std::fs::write(root.join(file), "").unwrap();
        }
        for file in [
            "infra/terraform.tfvars",
            "infra/env/prod.tfvars",
            "lone.tfvars",
        ] {
            std::fs::write(root.join(file), "x = 1\n").unwrap();
        }
        std::fs::write(root.join("package.json"), "{\"name\": \"x\"}").unwrap();
        std::fs::write(root.join(".pullpathignore"), "legacy/\n").unwrap();
        let run = |names: &[&str], skip: bool| {
            let paths: Vec<PathBuf> = names.iter().map(|n| root.join(n)).collect();
            let sources = SourceMap::new();
            sources.set_boundary(crate::base::fs::boundary(&paths, &[]));
            discover(&paths, &sources, 1 << 20, &Exclude::default(), skip)
        };
        let given = [
            "infra/main.tf",
            "infra/vars.tf",
            "infra/terraform.tfvars",
            "infra/env/prod.tfvars",
        ];
        let d = run(&given, false);
        assert_eq!(d.terraform_dirs, vec![root.join("infra")]);
        assert!(d.empty_paths.is_empty(), "{:?}", d.empty_paths);

        // On the command line, a file or directory with nothing to read is reported; named,
        // an ignored module is read.
        let d = run(
            &["package.json", "lone.tfvars", "empty", "legacy/main.tf"],
            false,
        );
        let empty: Vec<_> = d.empty_paths.iter().map(|(p, _)| p.clone()).collect();
        let expected = ["package.json", "lone.tfvars", "empty"].map(|n| root.join(n));
        assert_eq!(empty, expected);
        assert_eq!(d.terraform_dirs, vec![root.join("legacy")]);

        // From pre-commit: files are skipped quietly, the directory still is not.
        let names = [
            "package.json",
            "lone.tfvars",
            "empty",
            "legacy/main.tf",
            "node_modules/m/a.tf",
        ];
        let d = run(&names, true);
        let empty: Vec<_> = d.empty_paths.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(empty, vec![root.join("empty")]);
        assert!(d.terraform_dirs.is_empty(), "{:?}", d.terraform_dirs);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    }
}
