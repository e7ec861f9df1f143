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
//! The walk honours `.gitignore`/`.ignore` even outside a git repository, and always skips `.git`,
//! `.terraform` and `node_modules` (and `cdk.out` unless it is named explicitly). Candidate files
//! are read in parallel and registered in the [`SourceMap`], so later stages never read them again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::base::source::load;
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
pub fn discover(paths: &[PathBuf], sources: &SourceMap, max_file_size: u64) -> Discovered {
    let mut out = Discovered::default();
    let mut tf_dirs = BTreeSet::new();
    let mut candidates: Vec<PathBuf> = Vec::new();

    for root in paths {
        if !root.exists() {
            out.diagnostics.push(
                Diagnostic::error("io-error", "no such file or directory").in_file(root.clone()),
            );
            continue;
        }
        if root.is_file() {
            classify_path(root, &mut tf_dirs, &mut candidates, true);
            continue;
        }
        let explicit_cdk = root.file_name().is_some_and(|n| n == "cdk.out");
        let mut walk = ignore::WalkBuilder::new(root);
        walk.hidden(false)
            .require_git(false)
            .parents(true)
            .add_custom_ignore_filename(".pullpathignore")
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                if !is_dir || e.depth() == 0 {
                    return true;
                }
                let name = e.file_name().to_string_lossy();
                !(SKIP_DIRS.contains(&name.as_ref()) || (name == "cdk.out" && !explicit_cdk))
            });
        for entry in walk.build() {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    classify_path(e.path(), &mut tf_dirs, &mut candidates, false)
                }
                Ok(_) => {}
                Err(err) => out.diagnostics.push(Diagnostic::warning(
                    "io-error",
                    format!("cannot walk: {err}"),
                )),
            }
        }
    }

    candidates.sort();
    candidates.dedup();
    let read: Vec<(Result<FileId, Diagnostic>, Sniffed)> = candidates
        .par_iter()
        .map(|p| read_candidate(p, sources, max_file_size))
        .collect();
    for (r, kind) in read {
        match (r, kind) {
            (Ok(id), Sniffed::Plan) => out.plans.push(id),
            (Ok(id), Sniffed::Template) => out.templates.push(id),
            (Ok(id), Sniffed::TaskDefinition) => out.task_definitions.push(id),
            (
                Err(d),
                Sniffed::Plan | Sniffed::Template | Sniffed::TaskDefinition | Sniffed::Unreadable,
            ) => out.diagnostics.push(d),
            _ => {}
        }
    }
    out.terraform_dirs = tf_dirs.into_iter().collect();
    out
}

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
            use std::io::Read;
            let mut prefix = Vec::new();
            let kind = std::fs::File::open(path)
                .and_then(|f| f.take(64 * 1024).read_to_end(&mut prefix))
                .ok()
                .map(|_| sniff(path, &String::from_utf8_lossy(&prefix)))
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
        || explicit
    {
        candidates.push(path.to_path_buf());
    }
}

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
        if crate::frontends::taskdef::is_task_definition(&keys, text) {
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
                if depth == 1 && expect_key {
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
        let d = discover(&[root.to_path_buf()], &sources, 1 << 20);
        assert_eq!(d.terraform_dirs, vec![root.join("mod")]);
        assert_eq!(d.templates.len(), 1);
        assert_eq!(d.plans.len(), 1);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);

        let d = discover(&[root.join("missing")], &sources, 1 << 20);
        assert_eq!(d.diagnostics[0].code, "io-error");

        let d = discover(&[root.to_path_buf()], &SourceMap::new(), 10);
        assert!(d.diagnostics.iter().any(|x| x.code == "too-large"));
    }
}
