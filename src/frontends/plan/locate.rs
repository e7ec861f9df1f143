//! Points plan resources at their declaration in the `.tf` sources, when those are at hand: the
//! directory of the plan, or `--tf-root`. Child modules are found through the module call's
//! `source` (local paths) or `.terraform/modules/modules.json` (registry and remote modules).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hcl_edit::Span as _;

use crate::base::source::load;
use crate::base::{Diagnostic, SourceMap, Span, Value};
use crate::frontends::{Mode, Options, Resource};
use crate::syntax::hcl;

use super::refs::{cfg_key, split_address};
use super::Plan;

/// Block headers of one directory: (mode, type, name) → span.
type Headers = HashMap<(Mode, String, String), Span>;

struct Locator<'p, 'a> {
    plan: &'p Plan<'a>,
    sources: &'p SourceMap,
    max: u64,
    root: PathBuf,
    dirs: HashMap<PathBuf, Option<Headers>>,
    /// `modules.json`: module key (`a.b`) → directory.
    installed: Option<HashMap<String, PathBuf>>,
    diagnostics: Vec<Diagnostic>,
}

pub(super) fn relocate(
    resources: &mut [Resource],
    plan: &Plan<'_>,
    plan_path: &Path,
    sources: &SourceMap,
    opts: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let root = match &opts.tf_root {
        Some(r) => r.clone(),
        None => match plan_path.parent() {
            Some(p) if p.as_os_str().is_empty() => PathBuf::from("."),
            Some(p) => p.to_path_buf(),
            None => return,
        },
    };
    let mut loc = Locator {
        plan,
        sources,
        max: if opts.max_file_size == 0 {
            u64::MAX
        } else {
            opts.max_file_size
        },
        root,
        dirs: HashMap::new(),
        installed: None,
        diagnostics: Vec::new(),
    };
    for r in resources.iter_mut() {
        if let Some(span) = loc.find(r) {
            r.span = span;
        }
    }
    diagnostics.append(&mut loc.diagnostics);
}

/// Removes `.` and resolves `..` lexically (module sources are relative paths).
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !matches!(out.components().next_back(), Some(Component::Normal(_))) || !out.pop()
                {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

impl Locator<'_, '_> {
    fn find(&mut self, r: &Resource) -> Option<Span> {
        let addr = split_address(&r.address)?;
        let dir = self.module_dir(&addr.module_calls)?;
        let headers = self.headers(&dir)?;
        headers.get(&(r.mode, addr.rtype, addr.name)).copied()
    }

    fn module_dir(&mut self, calls: &[String]) -> Option<PathBuf> {
        let mut dir = self.root.clone();
        for i in 0..calls.len() {
            let call = self.plan.calls.get(&cfg_key(&calls[..=i]))?;
            let source = call
                .get("source")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if source.starts_with("./") || source.starts_with("../") {
                dir = normalize(&dir.join(source));
            } else {
                dir = self.installed()?.get(&calls[..=i].join("."))?.clone();
            }
        }
        Some(dir)
    }

    fn installed(&mut self) -> Option<&HashMap<String, PathBuf>> {
        if self.installed.is_none() {
            let mut map = HashMap::new();
            let file = self.root.join(".terraform/modules/modules.json");
            let text = std::fs::metadata(&file)
                .ok()
                .filter(|m| m.len() <= self.max.min(16 << 20))
                .and_then(|_| std::fs::read_to_string(&file).ok());
            if let Some(json) =
                text.and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            {
                for m in json["Modules"].as_array().into_iter().flatten() {
                    if let (Some(k), Some(d)) = (m["Key"].as_str(), m["Dir"].as_str()) {
                        map.insert(k.to_string(), self.root.join(d));
                    }
                }
            }
            self.installed = Some(map);
        }
        self.installed.as_ref()
    }

    fn headers(&mut self, dir: &Path) -> Option<&Headers> {
        if !self.dirs.contains_key(dir) {
            let h = self.scan(dir);
            self.dirs.insert(dir.to_path_buf(), h);
        }
        self.dirs.get(dir).and_then(Option::as_ref)
    }

    fn scan(&mut self, dir: &Path) -> Option<Headers> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.is_file())
            .collect();
        if files.is_empty() {
            return None;
        }
        files.sort();
        let mut headers = Headers::new();
        for path in files {
            let id = match load(self.sources, &path, self.max) {
                Ok(id) => id,
                Err(_) => continue, // the Terraform frontend reports unreadable sources
            };
            let text = self.sources.get(id).text.clone();
            let body = match hcl::parse(id, &text) {
                Ok(b) => b,
                Err(d) => {
                    self.diagnostics.push(
                        Diagnostic::info(
                            "plan-location",
                            "could not read this file to point plan resources at their source; they point into the plan",
                        )
                        .in_file(&path)
                        .with_related(d.span.unwrap_or(Span::new(id, 0..0)), d.message),
                    );
                    continue;
                }
            };
            for block in body.blocks() {
                let mode = match block.ident.as_str() {
                    "resource" => Mode::Managed,
                    "data" => Mode::Data,
                    _ => continue,
                };
                let [t, n] = block.labels.as_slice() else {
                    continue;
                };
                let (Some(start), Some(end)) = (block.ident.span(), n.span()) else {
                    continue;
                };
                headers
                    .entry((mode, t.as_str().to_string(), n.as_str().to_string()))
                    .or_insert(Span::new(id, start.start..end.end));
            }
        }
        Some(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_module_paths() {
        let n = |s: &str| normalize(Path::new(s)).to_string_lossy().into_owned();
        assert_eq!(n("root/./network/../vpc"), "root/vpc");
        assert_eq!(n("../x/./y"), "../x/y");
        assert_eq!(n("a/../../b"), "../b");
        assert_eq!(n("./"), ".");
    }
}
