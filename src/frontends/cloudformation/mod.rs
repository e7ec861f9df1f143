//! CloudFormation frontend. Being written on its own branch; this placeholder loads nothing.

use crate::base::{FileId, SourceMap};

use super::{Options, Unit};

pub fn load(_files: &[FileId], _sources: &SourceMap, _opts: &Options) -> Vec<Unit> {
    Vec::new()
}
