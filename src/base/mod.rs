//! Types every stage shares: source files and spans, the value model, diagnostics, the input
//! format of a unit.

pub mod align;
pub mod crash;
pub mod diag;
pub mod format;
pub mod fs;
pub mod lines;
pub mod source;
pub mod value;

pub use diag::{Diagnostic, Severity};
pub use format::Format;
pub use source::{FileId, SourceFile, SourceMap, Span};
pub use value::{Entry, Map, Reason, Ref, Symbol, Val, Value};
