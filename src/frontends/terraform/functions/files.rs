//! Filesystem functions. Files are read only inside `FnCtx::allowed_roots` (after resolving
//! symbolic links), through `base::fs::load` (size limit, registered in the SourceMap).

use std::path::{Path, PathBuf};

use crate::base::fs::load;
use crate::base::{Span, Val, Value};

use super::{Cx, Res};

fn one_string(c: &Cx, a: &[Value]) -> Res<String> {
    c.arity(a, 1, Some(1))?;
    c.string(&a[0])
}

/// Go's `path.Clean` (slash-separated).
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            x => out.push(x),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Base`.
pub fn basename(c: &Cx, a: &[Value]) -> Res<Value> {
    let p = one_string(c, a)?;
    let out = if p.is_empty() {
        ".".to_string()
    } else {
        let t = p.trim_end_matches('/');
        if t.is_empty() {
            "/".to_string()
        } else {
            t.rsplit('/').next().unwrap_or(t).to_string()
        }
    };
    Ok(c.out(Val::Str(out)))
}

/// Go's `filepath.Dir`.
pub fn dirname(c: &Cx, a: &[Value]) -> Res<Value> {
    let p = one_string(c, a)?;
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    Ok(c.out(Val::Str(clean(dir))))
}

/// `abspath`: relative to the root module directory (Terraform's working directory).
pub fn abspath(c: &Cx, a: &[Value]) -> Res<Value> {
    let p = one_string(c, a)?;
    if p.starts_with('/') {
        return Ok(c.out(Val::Str(clean(&p))));
    }
    let base = absolute(c.fx.base_dir);
    let joined = format!("{}/{p}", base.to_string_lossy());
    Ok(c.out(Val::Str(clean(&joined))))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `pathexpand`: unchanged unless it starts with `~`, which depends on the machine.
pub fn pathexpand(c: &Cx, a: &[Value]) -> Res<Value> {
    let p = one_string(c, a)?;
    if p == "~" || p.starts_with("~/") {
        return Err(c.limit("the home directory of the machine running Terraform is not known"));
    }
    Ok(c.out(Val::Str(p)))
}

/// Resolves a path argument: `Ok(resolved path to read, canonical path)`, or the reason it may
/// not be read. `Ok(None)` when the path does not exist (inside the allowed roots).
fn resolve(c: &Cx, p: &str) -> Res<Option<PathBuf>> {
    if p.is_empty() {
        return Err(c.limit("the path is empty"));
    }
    if p == "~" || p.starts_with("~/") {
        return Err(c.limit(format!("{p} is in the home directory, which is not read")));
    }
    let joined = crate::base::source::tidy(&c.fx.base_dir.join(p));
    let roots: Vec<PathBuf> =
        c.fx.allowed_roots
            .iter()
            .filter_map(|r| std::fs::canonicalize(r).ok())
            .collect();
    // The deepest existing ancestor decides where the path really is (symbolic links resolved).
    let mut existing = joined.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    let canon = loop {
        match std::fs::canonicalize(existing) {
            Ok(canon) => break canon,
            Err(_) => {
                rest.push(existing.file_name().unwrap_or_default());
                match existing.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => existing = parent,
                    _ => return Err(c.limit(format!("cannot resolve {p}"))),
                }
            }
        }
    };
    let mut full = canon;
    for r in rest.iter().rev() {
        full.push(r);
    }
    if !roots.iter().any(|r| full.starts_with(r)) {
        return Err(c.refused(crate::base::fs::outside(Path::new(p), &full)));
    }
    Ok(if rest.is_empty() { Some(joined) } else { None })
}

/// `file(path)`: the file's text, with a span covering the whole file.
pub fn file(c: &Cx, a: &[Value]) -> Res<Value> {
    let p = one_string(c, a)?;
    let Some(path) = resolve(c, &p)? else {
        return Err(c.limit(format!("no file exists at {p}")));
    };
    if path.is_dir() {
        return Err(c.limit(format!("{p} is a directory")));
    }
    let id = load(c.fx.sources, &path, c.fx.max_file_size).map_err(|d| {
        if matches!(d.code.as_ref(), "outside-scan" | "not-regular-file") {
            c.refused(d)
        } else {
            c.limit(d.message)
        }
    })?;
    let text = c.fx.sources.get(id).text.clone();
    let span = Span::new(id, 0..text.len());
    Ok(Value::str(text.to_string(), Some(span)))
}

/// `fileexists(path)`: a directory is an error, as in Terraform.
pub fn fileexists(c: &Cx, a: &[Value]) -> Res<Value> {
    let p = one_string(c, a)?;
    let Some(path) = resolve(c, &p)? else {
        return Ok(c.out(Val::Bool(false)));
    };
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => Ok(c.out(Val::Bool(true))),
        Ok(_) => Err(c.limit(format!("{p} is not a regular file"))),
        Err(_) => Ok(c.out(Val::Bool(false))),
    }
}

/// At most this many directory entries are looked at by `fileset`.
const MAX_FILESET_ENTRIES: usize = 100_000;

/// `fileset(path, pattern)`: the regular files under `path` whose path relative to it matches
/// the glob (`*`, `**`, `?`, `[...]`, `{a,b}`), sorted, with `/` separators. Symbolic links to
/// directories are not followed; files reached through a link leaving the roots are skipped.
pub fn fileset(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let p = c.string(&a[0])?;
    let pattern = c.string(&a[1])?;
    let glob = globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| c.limit(format!("invalid pattern: {e}")))?
        .compile_matcher();
    let Some(dir) = resolve(c, &p)? else {
        return Ok(c.out(Val::List(Vec::new())));
    };
    if !dir.is_dir() {
        return Err(c.limit(format!("{p} is not a directory")));
    }
    let roots: Vec<PathBuf> =
        c.fx.allowed_roots
            .iter()
            .filter_map(|r| std::fs::canonicalize(r).ok())
            .collect();
    let mut found: Vec<String> = Vec::new();
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(dir, String::new(), 0)];
    let mut seen = 0usize;
    while let Some((d, rel, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_FILESET_ENTRIES {
                return Err(c.limit("too many files under the directory"));
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel_path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if depth < 64 {
                    stack.push((entry.path(), rel_path, depth + 1));
                }
            } else if glob.is_match(&rel_path) {
                let inside = std::fs::canonicalize(entry.path()).is_ok_and(|canon| {
                    canon.is_file() && roots.iter().any(|r| canon.starts_with(r))
                });
                if inside {
                    found.push(rel_path);
                }
            }
        }
    }
    found.sort();
    let items = found.into_iter().map(|f| Value::str(f, c.span)).collect();
    Ok(c.out(Val::List(items)))
}
