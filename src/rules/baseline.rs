//! The baseline: the findings a repository had when it adopted pullpath (or last accepted), so
//! that a run reports only the new ones (`--baseline FILE`; `--write-baseline FILE` records
//! them). What identifies a finding is what a user would say of it, never where it is in the
//! file: its rule, the resource to change, the task definition, the file, and its message.
//!
//! Matching, one entry for one finding:
//! 1. an entry with the same rule, place, resource, task and message;
//! 2. then, for the findings left, an entry left with the same rule, place, resource and task
//!    (the message changed: an image tag bumped, a value renamed, a reworded message).
//!
//! The place is the file, relative to the baseline's directory (so the run's working directory
//! does not matter), except for Terraform: a `.tf` or `.tf.json` file stands for its directory,
//! the module, in which a resource address is unique, so moving a block to another file of the
//! module keeps it baselined. Line numbers are not part of it: editing above a finding keeps it.
//!
//! An entry that matches no finding of a rule that ran, in a place the run read, is stale (the
//! finding was fixed, or its resource renamed): one `stale-baseline` note says how many, at the
//! baseline file. Rewriting the baseline keeps the entries of the places the run did not read
//! (a run on part of the repository) if their file still exists, and of the rules that did not
//! run.
//!
//! Cost: one hash map of the entries and one pass per matching step; the findings' files are
//! resolved with one `lstat` per directory, and the other files of the run only when some entry
//! is left to call stale or to keep.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::RuleSet;
use crate::base::{Diagnostic, FileId, SourceMap};

/// The version of the file's format this build reads and writes.
const VERSION: u32 = 1;

/// A baseline file larger than this is refused (about half a million findings, far beyond any
/// repository; the limit only keeps a wrong path from being read whole).
const MAX_SIZE: u64 = 256 << 20;

/// A baseline, with where it is.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// The file.
    pub path: PathBuf,
    /// Its directory, canonical: the entries' files are relative to it.
    dir: PathBuf,
    pub entries: Vec<Entry>,
}

/// One finding recorded.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Relative to the baseline's directory, `/`-separated.
    pub file: String,
    pub rule: String,
    pub resource: String,
    #[serde(rename = "task_definition")]
    pub task: String,
    pub message: String,
}

/// The file as written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u32,
    findings: Vec<Entry>,
}

/// What a baseline leaves of a run's findings.
#[derive(Debug, Default)]
pub struct Applied {
    /// The findings not in the baseline, in their order.
    pub new: Vec<Diagnostic>,
    /// How many findings the baseline holds.
    pub baselined: usize,
    /// The `stale-baseline` note, when entries matched nothing they could have.
    pub stale: Option<Diagnostic>,
}

impl Baseline {
    /// An empty baseline to be written at `path` (whose directory must exist).
    pub fn empty(path: &Path) -> Result<Baseline, String> {
        Ok(Baseline {
            path: path.to_path_buf(),
            dir: dir_of(path)?,
            entries: Vec::new(),
        })
    }

    /// The file's canonical path: its directory made canonical, its name kept (the file may not
    /// exist yet).
    pub fn canonical_path(&self) -> PathBuf {
        self.dir.join(self.path.file_name().unwrap_or_default())
    }

    /// Reads a baseline (a regular file; its format checked, entry by entry).
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let shown = path.display();
        if std::fs::symlink_metadata(path).is_err() {
            return Err(format!(
                "{shown}: no such baseline; write it with `pullpath check --write-baseline {shown}`"
            ));
        }
        let bytes = crate::base::fs::read_file(path, MAX_SIZE, &[])
            .map_err(|d| format!("{shown}: {}", d.message))?;
        // An editor's byte-order mark is not part of the document.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        // The version first, so that a newer format is named as such rather than as a mistake.
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("{shown}: not a pullpath baseline: {e}"))?;
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "{shown}: a baseline of format version {v}; this pullpath reads version \
                     {VERSION}"
                ))
            }
            None => {
                return Err(format!(
                    "{shown}: not a pullpath baseline (no `version`); write one with \
                     `pullpath check --write-baseline FILE`"
                ))
            }
        }
        let doc: Document = serde_json::from_value(value)
            .map_err(|e| format!("{shown}: not a pullpath baseline: {e}"))?;
        Ok(Baseline {
            path: path.to_path_buf(),
            dir: dir_of(path)?,
            entries: doc.findings,
        })
    }

    /// The file's text: the entries sorted (by file, rule, resource…), one field per line, so
    /// that a change to the baseline reads as a diff of the findings.
    pub fn to_json(&self) -> String {
        let mut entries = self.entries.clone();
        entries.sort();
        let doc = Document {
            version: VERSION,
            findings: entries,
        };
        serde_json::to_string_pretty(&doc).expect("entries are strings") + "\n"
    }

    /// Writes the file: to a temporary file beside it, then renamed over it, so that an
    /// interrupted write leaves the old baseline whole.
    pub fn write(&self) -> Result<(), String> {
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        let tmp = self.path.with_file_name(format!(".{name}.pullpath-tmp"));
        std::fs::write(&tmp, self.to_json())
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("cannot write {}: {e}", self.path.display())
            })
    }

    /// This baseline with the entries of the run replaced by its `findings`: the entries of
    /// files the run did not read (and that still exist) and of rules that did not run are
    /// kept. Returns it and how many entries were kept.
    pub fn record(
        &self,
        findings: &[Diagnostic],
        sources: &SourceMap,
        rules: &RuleSet,
    ) -> (Baseline, usize) {
        let mut paths = Paths::new(&self.dir, sources);
        let ran: HashSet<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
        let read = if self.entries.iter().any(|e| ran.contains(e.rule.as_str())) {
            paths.read()
        } else {
            HashSet::new()
        };
        let mut entries: Vec<Entry> = (self.entries.iter())
            .filter(|e| {
                !ran.contains(e.rule.as_str())
                    || (!read.contains(place(&e.file)) && self.dir.join(&e.file).exists())
            })
            .cloned()
            .collect();
        let kept = entries.len();
        entries.extend(findings.iter().map(|d| paths.entry(d)));
        let b = Baseline {
            path: self.path.clone(),
            dir: self.dir.clone(),
            entries,
        };
        (b, kept)
    }

    /// Takes out of `findings` those the baseline holds.
    pub fn apply(
        &self,
        findings: Vec<Diagnostic>,
        sources: &SourceMap,
        rules: &RuleSet,
    ) -> Applied {
        let mut paths = Paths::new(&self.dir, sources);
        // Entries by key (rule, place, resource, task), each list in file order.
        let mut by_key: HashMap<Key, Vec<usize>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            by_key.entry(Key::of(e)).or_default().push(i);
        }
        let entries: Vec<Entry> = findings.iter().map(|d| paths.entry(d)).collect();
        let mut used = vec![false; self.entries.len()];
        let mut matched = vec![false; findings.len()];
        for exact in [true, false] {
            for (i, e) in entries.iter().enumerate() {
                if matched[i] {
                    continue;
                }
                let Some(candidates) = by_key.get(&Key::of(e)) else {
                    continue;
                };
                let found = candidates
                    .iter()
                    .find(|&&j| !used[j] && (!exact || self.entries[j].message == e.message));
                if let Some(&j) = found {
                    used[j] = true;
                    matched[i] = true;
                }
            }
        }
        // Stale: left, of a rule that ran, in a place the run read (the files of the run are
        // resolved only when some entry is left).
        let ran: HashSet<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
        let left: Vec<&Entry> = (self.entries.iter().zip(&used))
            .filter(|(e, used)| !**used && ran.contains(e.rule.as_str()))
            .map(|(e, _)| e)
            .collect();
        let read = if left.is_empty() {
            HashSet::new()
        } else {
            paths.read()
        };
        let stale: Vec<&Entry> = (left.into_iter())
            .filter(|e| read.contains(place(&e.file)))
            .collect();
        let baselined = matched.iter().filter(|m| **m).count();
        let new = (findings.into_iter().zip(matched))
            .filter(|(_, m)| !m)
            .map(|(d, _)| d)
            .collect();
        Applied {
            new,
            baselined,
            stale: self.stale(&stale),
        }
    }

    /// The note about entries that matched nothing they could have.
    fn stale(&self, stale: &[&Entry]) -> Option<Diagnostic> {
        let first = stale.first()?;
        let n = stale.len();
        let (s, match_) = if n == 1 { ("y", "es") } else { ("ies", "") };
        Some(
            Diagnostic::info(
                "stale-baseline",
                format!(
                    "{n} baseline entr{s} match{match_} no finding (fixed, or the resource was \
                     renamed), such as {} on `{}` in {}",
                    first.rule, first.resource, first.file
                ),
            )
            .in_file(self.path.clone())
            .with_help(format!(
                "run `pullpath check --write-baseline {}` to drop {}",
                self.path.display(),
                if n == 1 { "it" } else { "them" }
            )),
        )
    }
}

/// What identifies an entry besides its message.
#[derive(PartialEq, Eq, Hash)]
struct Key<'a> {
    rule: &'a str,
    place: &'a str,
    resource: &'a str,
    task: &'a str,
}

impl<'a> Key<'a> {
    fn of(e: &'a Entry) -> Key<'a> {
        Key {
            rule: &e.rule,
            place: place(&e.file),
            resource: &e.resource,
            task: &e.task,
        }
    }
}

/// The place a file stands for: a Terraform file its module directory, any other file itself.
fn place(file: &str) -> &str {
    if file.ends_with(".tf") || file.ends_with(".tf.json") {
        file.rsplit_once('/').map_or("", |(dir, _)| dir)
    } else {
        file
    }
}

/// The files of a run relative to the baseline's directory, each computed once, with one
/// `canonicalize` per directory (not per file: a run over thousands of files pays for its
/// directories only).
struct Paths<'a> {
    dir: &'a Path,
    sources: &'a SourceMap,
    cwd: PathBuf,
    of: HashMap<FileId, String>,
    /// A directory as the run names it → canonical.
    canonical: HashMap<PathBuf, PathBuf>,
}

impl<'a> Paths<'a> {
    fn new(dir: &'a Path, sources: &'a SourceMap) -> Paths<'a> {
        Paths {
            dir,
            sources,
            cwd: std::env::current_dir().unwrap_or_default(),
            of: HashMap::new(),
            canonical: HashMap::new(),
        }
    }

    /// `path` relative to the baseline's directory: its directory made canonical, its name kept
    /// (a linked file is recorded by the name the run reads it by).
    fn relative(&mut self, path: &Path) -> String {
        let abs = self.cwd.join(path);
        let abs = match (abs.parent(), abs.file_name()) {
            (Some(parent), Some(name)) => self.canonical_dir(parent).join(name),
            _ => abs,
        };
        relative(&abs, self.dir)
    }

    /// The canonical form of the absolute `dir`: its parent's, joined with its name unless it
    /// is a link (one `lstat` per directory, each parent resolved once for all its children).
    fn canonical_dir(&mut self, dir: &Path) -> PathBuf {
        if let Some(c) = self.canonical.get(dir) {
            return c.clone();
        }
        let plain = |p: &Path| {
            p.components()
                .all(|c| matches!(c, Component::RootDir | Component::Normal(_)))
        };
        let is_link =
            |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
        let c = match (dir.parent(), dir.file_name()) {
            (Some(parent), Some(name)) if plain(dir) && !is_link(dir) => {
                self.canonical_dir(parent).join(name)
            }
            _ => std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()),
        };
        self.canonical.insert(dir.to_path_buf(), c.clone());
        c
    }

    fn file(&mut self, id: FileId) -> String {
        if let Some(f) = self.of.get(&id) {
            return f.clone();
        }
        let f = self.relative(&self.sources.path(id));
        self.of.insert(id, f.clone());
        f
    }

    /// The entry a finding is recorded as.
    fn entry(&mut self, d: &Diagnostic) -> Entry {
        let file = match (d.span, &d.file) {
            (Some(s), _) => self.file(s.file),
            (None, Some(f)) => self.relative(f),
            (None, None) => String::new(),
        };
        let f = d.finding.as_deref();
        Entry {
            file,
            rule: d.code.to_string(),
            resource: f.map_or(String::new(), |f| f.resource.clone()),
            task: f.map_or(String::new(), |f| f.task.clone()),
            message: d.message.clone(),
        }
    }

    /// The places (see [`place`]) of every file the run read.
    fn read(&mut self) -> HashSet<String> {
        (0..self.sources.len())
            .map(|i| place(&self.file(FileId(i as u32))).to_string())
            .collect()
    }
}

/// The canonical directory of the file at `path` (which need not exist yet).
fn dir_of(path: &Path) -> Result<PathBuf, String> {
    let dir = crate::base::fs::parent_dir(path);
    std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// The absolute `path` relative to the absolute `dir`, `/`-separated (`../x/main.tf` outside
/// it).
fn relative(path: &Path, dir: &Path) -> String {
    let a: Vec<Component> = path.components().collect();
    let b: Vec<Component> = dir.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        a[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diag::Finding;
    use crate::base::Span;

    fn finding(file: FileId, at: usize, rule: &str, resource: &str, message: &str) -> Diagnostic {
        let mut d = Diagnostic::error("rule", message).at(Span::new(file, at..at + 1));
        d.code = rule.to_string().into();
        d.finding = Some(Box::new(Finding {
            title: String::new(),
            resource: resource.into(),
            task: "task".into(),
            deploy_error: String::new(),
            instances: Vec::new(),
            same_fix: Vec::new(),
            suppression: None,
        }));
        d
    }

    fn rules() -> RuleSet {
        RuleSet::builtin().unwrap()
    }

    #[test]
    fn matches_by_message_first_then_by_resource_one_for_one() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::fs::canonicalize(tmp.path()).unwrap();
        let sources = SourceMap::new();
        let tf = sources.add(dir.join("infra/main.tf"), "x".repeat(100));
        let yaml = sources.add(dir.join("cfn/app.yaml"), "x".repeat(100));
        let b = Baseline {
            path: dir.join("b.json"),
            dir: dir.clone(),
            entries: vec![
                Entry {
                    file: "infra/iam.tf".into(),
                    rule: "FGP021".into(),
                    resource: "svc".into(),
                    task: "task".into(),
                    message: "no ecr.api endpoint for app:1.0".into(),
                },
                Entry {
                    file: "cfn/app.yaml".into(),
                    rule: "FGP003".into(),
                    resource: "Role".into(),
                    task: "task".into(),
                    message: "old".into(),
                },
                Entry {
                    file: "cfn/app.yaml".into(),
                    rule: "FGP050".into(),
                    resource: "Gone".into(),
                    task: "task".into(),
                    message: "fixed since".into(),
                },
            ],
        };
        let findings = vec![
            // Another file of the same module, another image tag: the same finding.
            finding(tf, 5, "FGP021", "svc", "no ecr.api endpoint for app:1.1"),
            // The same key twice: one entry covers one finding.
            finding(yaml, 1, "FGP003", "Role", "new wording"),
            finding(yaml, 9, "FGP003", "Role", "another"),
            // Another module's resource of the same address is new.
            finding(yaml, 20, "FGP021", "svc", "no ecr.api endpoint for app:1.0"),
        ];
        let applied = b.apply(findings, &sources, &rules());
        assert_eq!(applied.baselined, 2);
        let new: Vec<(u32, &str)> = (applied.new.iter())
            .map(|d| (d.span.unwrap().start, d.message.as_str()))
            .collect();
        assert_eq!(
            new,
            [(9, "another"), (20, "no ecr.api endpoint for app:1.0")]
        );
        let stale = applied.stale.unwrap();
        assert_eq!(stale.code, "stale-baseline");
        assert!(
            stale
                .message
                .starts_with("1 baseline entry matches no finding"),
            "{}",
            stale.message
        );
        assert!(
            stale.message.contains("FGP050 on `Gone` in cfn/app.yaml"),
            "{}",
            stale.message
        );
    }

    #[test]
    fn an_exact_match_is_preferred_over_an_earlier_fuzzy_one() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::fs::canonicalize(tmp.path()).unwrap();
        let sources = SourceMap::new();
        let f = sources.add(dir.join("t.yaml"), "x".repeat(10));
        let entry = |m: &str| Entry {
            file: "t.yaml".into(),
            rule: "FGP021".into(),
            resource: "Svc".into(),
            task: "task".into(),
            message: m.into(),
        };
        let b = Baseline {
            path: dir.join("b.json"),
            dir: dir.clone(),
            entries: vec![entry("ecr.dkr")],
        };
        // `ecr.api` comes first but only `ecr.dkr` was there: `ecr.api` is the new one.
        let findings = vec![
            finding(f, 1, "FGP021", "Svc", "ecr.api"),
            finding(f, 2, "FGP021", "Svc", "ecr.dkr"),
        ];
        let applied = b.apply(findings, &sources, &rules());
        assert_eq!(applied.new.len(), 1);
        assert_eq!(applied.new[0].message, "ecr.api");
        assert!(applied.stale.is_none());
    }

    #[test]
    fn recording_keeps_what_the_run_did_not_see() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::write(dir.join("other.yaml"), "").unwrap();
        let sources = SourceMap::new();
        let f = sources.add(dir.join("t.yaml"), "x".repeat(10));
        let entry = |file: &str, rule: &str| Entry {
            file: file.into(),
            rule: rule.into(),
            resource: "R".into(),
            task: "task".into(),
            message: "m".into(),
        };
        let old = Baseline {
            path: dir.join("b.json"),
            dir: dir.clone(),
            entries: vec![
                entry("t.yaml", "FGP021"),       // read: replaced by the run's findings
                entry("other.yaml", "FGP021"),   // not read, exists: kept
                entry("deleted.yaml", "FGP021"), // not read, gone: dropped
                entry("t.yaml", "NOPE001"),      // a rule that did not run: kept
            ],
        };
        let (new, kept) = old.record(&[finding(f, 1, "FGP022", "S", "logs")], &sources, &rules());
        assert_eq!(kept, 2);
        let json = new.to_json();
        let back: Document = serde_json::from_str(&json).unwrap();
        let got: Vec<(&str, &str)> = (back.findings.iter())
            .map(|e| (e.file.as_str(), e.rule.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("other.yaml", "FGP021"),
                ("t.yaml", "FGP022"),
                ("t.yaml", "NOPE001")
            ]
        );
    }

    #[test]
    fn reads_what_it_writes_with_or_without_a_byte_order_mark() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("b.json");
        let mut b = Baseline::empty(&path).unwrap();
        b.entries.push(Entry {
            file: "m/main.tf".into(),
            rule: "FGP022".into(),
            resource: "aws_ecs_service.app".into(),
            task: "aws_ecs_task_definition.app".into(),
            message: "no `logs` endpoint".into(),
        });
        b.write().unwrap();
        assert_eq!(Baseline::read(&path).unwrap().entries, b.entries);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
        assert_eq!(Baseline::read(&path).unwrap().entries, b.entries);
        // no temporary file is left beside it
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["b.json"]);
    }

    #[test]
    fn relative_paths_go_up_when_needed() {
        assert_eq!(relative(Path::new("/a/b/c.tf"), Path::new("/a")), "b/c.tf");
        assert_eq!(
            relative(Path::new("/a/x/c.tf"), Path::new("/a/b")),
            "../x/c.tf"
        );
        assert_eq!(place("m/a.tf"), "m");
        assert_eq!(place("a.tf"), "");
        assert_eq!(place("m/a.tf.json"), "m");
        assert_eq!(place("m/a.yaml"), "m/a.yaml");
    }
}
