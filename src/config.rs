//! The configuration file: `pullpath.toml` or `.pullpath.toml`, found from the first scanned
//! path upward to the top of its git repository (or the filesystem root), or named with
//! `--config`. It holds what a repository wants on every run: which rules and at which
//! severity, `--fail-on`, the output formats, paths to leave out, more rules, and variable files
//! per Terraform root. Keys are the command line's option names; the command line wins over the
//! file, option by option. Paths are relative to the file's directory. An unknown key or a
//! wrong value is an error naming the file, the place and the key: a misspelt `ignroe` must not
//! silently ignore nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::base::fs::read_file;
use crate::rules::select::parse_severity;
use crate::rules::Selection;

/// The names the file may have, in the order they are looked for in each directory.
pub const NAMES: &[&str] = &["pullpath.toml", ".pullpath.toml"];

/// A configuration file larger than this is refused.
const MAX_SIZE: u64 = 1 << 20;

/// The file as written.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct File {
    /// Rule ids, prefixes or names to run (default: all).
    pub select: Option<Vec<String>>,
    /// Rule ids, prefixes or names not to run.
    pub ignore: Option<Vec<String>>,
    /// Findings below this severity are not reported.
    pub min_severity: Option<String>,
    /// Per rule (id, prefix or name), the severity of its findings.
    pub severity: Option<BTreeMap<String, String>>,
    /// `error`, `warning`, `info` or `never`.
    pub fail_on: Option<String>,
    /// `FORMAT` or `FORMAT=FILE`, as `--format`.
    pub format: Option<Vec<String>>,
    /// Globs of paths not to read (files or directories), relative to the file's directory.
    pub exclude: Option<Vec<String>>,
    /// Directories of more rules, as `--rules`.
    pub rules: Option<Vec<PathBuf>>,
    /// Per Terraform root directory, the variable files to load for it (as `--var-file`, but
    /// only for that root).
    pub var_files: Option<BTreeMap<PathBuf, Vec<PathBuf>>>,
    /// The baseline to apply, as `--baseline`.
    pub baseline: Option<PathBuf>,
}

/// A configuration file read, with where it is.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub file: File,
}

impl Config {
    /// The directory relative paths of the file are relative to.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// `p` relative to the file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        crate::base::source::tidy(&self.dir().join(p))
    }

    /// The rule selection the file asks for (checked against the rules by
    /// [`crate::rules::RuleSet::configure`]).
    pub fn selection(&self) -> Result<Selection, String> {
        let mut severity = Vec::new();
        for (rule, level) in self.file.severity.iter().flatten() {
            let level =
                parse_severity(level).map_err(|e| self.error(&format!("severity.{rule}: {e}")))?;
            severity.push((rule.clone(), level));
        }
        Ok(Selection {
            select: self.file.select.clone().unwrap_or_default(),
            ignore: self.file.ignore.clone().unwrap_or_default(),
            severity,
        })
    }

    /// An error about the file, naming it.
    pub fn error(&self, what: &str) -> String {
        format!("{}: {what}", shown(&self.path))
    }
}

/// The configuration file that applies to `start` (a file or a directory): the nearest of
/// [`NAMES`] in its directory or above, up to the top of its git repository. Two names in one
/// directory are an error (which one applies would be a guess).
pub fn find(start: &Path) -> Result<Option<PathBuf>, String> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let present: Vec<PathBuf> = NAMES
            .iter()
            .map(|n| d.join(n))
            .filter(|p| std::fs::symlink_metadata(p).is_ok())
            .collect();
        match present.as_slice() {
            [] => {}
            [one] => return Ok(Some(one.clone())),
            [a, b, ..] => {
                return Err(format!(
                    "{} and {}: two configuration files in one directory; keep one",
                    a.display(),
                    b.display()
                ))
            }
        }
        if d.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    Ok(None)
}

/// Reads and checks a configuration file (regular files only, at most 1 MiB).
pub fn load(path: &Path) -> Result<Config, String> {
    let bytes =
        read_file(path, MAX_SIZE, &[]).map_err(|d| format!("{}: {}", shown(path), d.message))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", shown(path)))?;
    let file: File = toml::from_str(&text).map_err(|e| {
        // toml's message names the line, the column and, for an unknown key, the key and the
        // keys there are.
        format!("{}: {}", shown(path), e.to_string().trim_end())
    })?;
    let config = Config {
        path: path.to_path_buf(),
        file,
    };
    if let Some(s) = &config.file.min_severity {
        parse_severity(s).map_err(|e| config.error(&format!("min-severity: {e}")))?;
    }
    if let Some(f) = &config.file.fail_on {
        if !["error", "warning", "info", "never"].contains(&f.as_str()) {
            return Err(config.error(&format!(
                "fail-on: `{f}` is not one of error, warning, info, never"
            )));
        }
    }
    config.selection()?;
    Ok(config)
}

/// The file as messages name it: relative to the working directory when inside it (the file
/// is found and kept by its canonical path).
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .unwrap_or_default();
    crate::base::source::display_path(path, &cwd)
}

/// What `pullpath init` writes: every key, commented out, with what it does.
pub const TEMPLATE: &str = r#"# pullpath configuration (`pullpath init` wrote it; `pullpath check --help` explains the
# options). Every key is optional; the command line wins over this file, option by option.
# Paths are relative to this file's directory.

# Rules to run (ids, id prefixes such as "FGP02", or names; default: all) and not to run.
# select = ["FGP0"]
# ignore = ["FGP050"]

# Findings below this severity are not reported: "error", "warning" or "info".
# min-severity = "warning"

# The lowest severity that makes the exit code 1: "error", "warning", "info" or "never".
# fail-on = "error"

# Output formats, as --format: FORMAT or FORMAT=FILE (text, json, sarif, github, junit,
# gitlab, compact); at most one without a file.
# format = ["text", "sarif=pullpath.sarif"]

# Paths not to read: globs relative to this directory (`**` crosses directories).
# exclude = ["examples/**", "legacy/*.tf"]

# Report only the findings this baseline does not hold (`pullpath check --write-baseline
# .pullpath-baseline.json` writes it).
# baseline = ".pullpath-baseline.json"

# More rules, in the format of rules/README.md.
# rules = ["policies/pullpath"]

# Per rule, the severity of its findings.
# [severity]
# FGP050 = "error"

# Per Terraform root directory, variable files to load for it (as --var-file, for that root only).
# [var-files]
# "envs/prod" = ["envs/prod/prod.tfvars"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_file_and_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "pullpath.toml", "ignroe = [\"FGP021\"]\n");
        let e = load(&p).unwrap_err();
        assert!(e.contains("pullpath.toml") && e.contains("ignroe"), "{e}");
        let p = write(dir.path(), "pullpath.toml", "min-severity = \"loud\"\n");
        let e = load(&p).unwrap_err();
        assert!(e.contains("min-severity: `loud` is not a severity"), "{e}");
        let p = write(
            dir.path(),
            "pullpath.toml",
            "[severity]\nFGP050 = \"fatal\"\n",
        );
        assert!(load(&p).unwrap_err().contains("severity.FGP050"));
    }

    #[test]
    fn found_upward_to_the_repository_top_and_not_beyond() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        write(dir.path(), "pullpath.toml", "");
        assert_eq!(
            find(&deep).unwrap().unwrap(),
            std::fs::canonicalize(dir.path())
                .unwrap()
                .join("pullpath.toml")
        );
        std::fs::create_dir(repo.join(".git")).unwrap();
        assert_eq!(find(&deep).unwrap(), None);
        write(&repo, ".pullpath.toml", "ignore = [\"FGP050\"]\n");
        let found = find(&deep.join("x.tf")).unwrap().unwrap();
        assert!(found.ends_with("repo/.pullpath.toml"));
        let c = load(&found).unwrap();
        assert_eq!(c.selection().unwrap().ignore, vec!["FGP050".to_string()]);
        write(&repo, "pullpath.toml", "");
        assert!(find(&deep).unwrap_err().contains("two configuration files"));
    }

    #[test]
    fn the_template_is_a_valid_empty_configuration() {
        let file: File = toml::from_str(TEMPLATE).unwrap();
        assert_eq!(file, File::default());
        // and every key it documents is one the file takes, once uncommented
        let keys: String = TEMPLATE
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| l.contains(" = ") && !l.starts_with('"') && !l.starts_with("FGP"))
            .map(|l| format!("{l}\n"))
            .collect();
        let tables =
            "[severity]\nFGP050 = \"error\"\n[var-files]\n\"envs/prod\" = [\"p.tfvars\"]\n";
        let file: File = toml::from_str(&(keys + tables)).unwrap();
        assert!(file.select.is_some() && file.var_files.is_some() && file.exclude.is_some());
    }
}
