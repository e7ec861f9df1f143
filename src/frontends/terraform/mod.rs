//! Terraform HCL frontend. Being written on its own branch; this placeholder loads nothing.

pub mod functions;

use std::path::PathBuf;

use crate::base::SourceMap;

use super::{Options, Unit};

pub fn load(_dirs: &[PathBuf], _sources: &SourceMap, _opts: &Options) -> Vec<Unit> {
    Vec::new()
}
