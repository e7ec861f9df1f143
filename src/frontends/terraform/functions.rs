//! Terraform's built-in functions over [`Value`]s. To be written: every function is Unknown for now.

use std::path::{Path, PathBuf};

use crate::base::{SourceMap, Span, Value};

/// What a function may need from its surroundings.
pub struct FnCtx<'a> {
    pub sources: &'a SourceMap,
    /// `path.module` of the calling module: relative paths in `file()` are relative to it... as
    /// Terraform resolves them relative to the working directory, callers pass the root module dir.
    pub base_dir: &'a Path,
    /// `file()`/`templatefile()` read only inside these directories.
    pub allowed_roots: &'a [PathBuf],
    pub max_file_size: u64,
}

/// Calls the built-in function `name` on already evaluated arguments.
pub fn call(name: &str, args: Vec<Value>, span: Option<Span>, cx: &FnCtx) -> Value {
    let _ = (args, cx);
    Value::unknown(format!("function `{name}` is not supported yet"), span)
}
