//! Source files, file ids and byte spans. Every value the pipeline produces can be traced back to a
//! `Span` in a `SourceFile` registered here.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

pub use super::lines::{LineCol, LineIndex, Position, Unit};

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file. `start..end`, both byte offsets into the decoded UTF-8 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Span {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn cover(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A loaded file: its path (as given on the command line or found by discovery), its UTF-8 text
/// and its [`LineIndex`] (positions in bytes, UTF-16 code units or characters).
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    pub path: PathBuf,
    pub text: Arc<str>,
    lines: LineIndex,
    /// The text was let go ([`SourceMap::keep_text_of`]): nothing may be asked of it.
    released: bool,
}

impl SourceFile {
    fn new(id: FileId, path: PathBuf, text: Arc<str>) -> SourceFile {
        SourceFile {
            id,
            path,
            lines: LineIndex::new(&text),
            text,
            released: false,
        }
    }

    /// Whether the text was let go (see [`SourceMap::keep_text_of`]).
    pub fn released(&self) -> bool {
        self.released
    }

    /// The 0-based line holding a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.line_of(offset)
    }

    /// Number of lines (a text ending with a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.lines.line_count()
    }

    /// Byte range of a 0-based line, without its line break (`\n` or `\r\n`).
    pub fn line_range(&self, line0: usize) -> std::ops::Range<usize> {
        self.lines.line_range(&self.text, line0)
    }

    /// 1-based line and character column of a byte offset (clamped to the text, snapped back to
    /// a character boundary), as users see them.
    pub fn line_col(&self, offset: usize) -> LineCol {
        debug_assert!(!self.released, "{}: text released", self.path.display());
        self.lines.line_col(&self.text, offset)
    }

    /// 0-based line and column, in `unit`, of a byte offset (an LSP position with
    /// [`Unit::Utf16`]).
    pub fn position(&self, offset: usize, unit: Unit) -> Position {
        debug_assert!(!self.released, "{}: text released", self.path.display());
        self.lines.position(&self.text, offset, unit)
    }

    /// Byte offset of a 0-based line and column in `unit` (clamped: see [`LineIndex::offset`]).
    pub fn offset(&self, at: Position, unit: Unit) -> usize {
        debug_assert!(!self.released, "{}: text released", self.path.display());
        self.lines.offset(&self.text, at, unit)
    }

    pub fn slice(&self, span: Span) -> &str {
        debug_assert!(!self.released, "{}: text released", self.path.display());
        self.text.get(span.range()).unwrap_or("")
    }
}

/// Append-only registry of the files read during one run. Shared between threads.
#[derive(Default, Debug)]
pub struct SourceMap {
    inner: RwLock<Inner>,
    /// Where files may be read from (see [`crate::base::fs::boundary`]); empty: anywhere.
    boundary: RwLock<Vec<PathBuf>>,
}

#[derive(Default, Debug)]
struct Inner {
    files: Vec<Arc<SourceFile>>,
    by_path: HashMap<PathBuf, FileId>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Registers a file's text and returns its id. A path registered before keeps its first id and text.
    pub fn add(&self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> FileId {
        let path = path.into();
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = inner.by_path.get(&path) {
            return id;
        }
        let id = FileId(inner.files.len() as u32);
        inner
            .files
            .push(Arc::new(SourceFile::new(id, path.clone(), text.into())));
        inner.by_path.insert(path, id);
        id
    }

    /// Sets the directories (and files) reads are limited to: [`load`] refuses any other.
    /// The roots are made canonical here (reads compare canonical paths).
    pub fn set_boundary(&self, roots: Vec<PathBuf>) {
        let roots = roots
            .into_iter()
            .map(|r| std::fs::canonicalize(&r).unwrap_or(r))
            .collect();
        *self.boundary.write().unwrap_or_else(|e| e.into_inner()) = roots;
    }

    /// The roots reads are limited to (canonical; empty: no limit).
    pub fn boundary(&self) -> Vec<PathBuf> {
        self.boundary
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Lets go of the text of every file but `keep` (what a report shows): a run that read a
    /// large tree holds, past its rules, only the text of the files it cites. Paths and ids stay.
    pub fn keep_text_of(&self, keep: &std::collections::HashSet<FileId>) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        for f in inner.files.iter_mut().filter(|f| !keep.contains(&f.id)) {
            let mut empty = SourceFile::new(f.id, f.path.clone(), Arc::from(""));
            empty.released = true;
            *f = Arc::new(empty);
        }
    }

    pub fn get(&self, id: FileId) -> Arc<SourceFile> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.files[id.0 as usize].clone()
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.by_path.get(path).copied()
    }

    pub fn path(&self, id: FileId) -> PathBuf {
        self.get(id).path.clone()
    }

    pub fn line_col(&self, span: Span) -> (LineCol, LineCol) {
        let f = self.get(span.file);
        (
            f.line_col(span.start as usize),
            f.line_col(span.end as usize),
        )
    }

    pub fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Decodes a file's bytes to UTF-8 text: strips a UTF-8 byte-order mark, and decodes UTF-16 (LE or
/// BE) when the file starts with its byte-order mark, as PowerShell's `>` writes files.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).map_err(|e| format!("invalid UTF-8: {e}"));
    }
    let utf16 = |rest: &[u8], le: bool| -> Result<String, String> {
        if !rest.len().is_multiple_of(2) {
            return Err("invalid UTF-16: odd number of bytes".into());
        }
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| format!("invalid UTF-16: {e}"))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    // NUL is valid UTF-8 but never in a text input: UTF-16 without a byte-order mark has one in
    // every other byte for ASCII text; anything else with NULs is binary.
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let head = &bytes[..bytes.len().min(512)];
        let zeros_at = |odd: usize| {
            head.iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == odd)
                .all(|(_, &b)| b == 0)
        };
        return Err(if head.len() >= 2 && (zeros_at(0) || zeros_at(1)) {
            "it looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)"
                .into()
        } else {
            format!("a NUL byte at offset {nul}: not a text file")
        });
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| format!("invalid UTF-8: {e}"))
}

/// Path shown to the user: relative to `cwd` when inside it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let p = path.strip_prefix(cwd).unwrap_or(path);
    let p = p.strip_prefix("./").unwrap_or(p);
    p.display().to_string()
}

/// Lexical path normalisation, without touching the filesystem: `.` removed, `..` applied where
/// it can be, a relative path kept relative (`a/../../b` is `../b`), `""` is `.`.
pub fn tidy(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().map(|c| c.as_os_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_answers_positions_from_its_index() {
        let map = SourceMap::new();
        let id = map.add("a.txt", "ab\né😀x\n");
        let f = map.get(id);
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'x' is after é (2 bytes) and 😀 (4 bytes, two UTF-16 units)
        assert_eq!(f.line_col(9), LineCol { line: 2, column: 3 });
        let lsp = Position { line: 1, column: 3 };
        assert_eq!(f.position(9, Unit::Utf16), lsp);
        assert_eq!(f.offset(lsp, Unit::Utf16), 9);
        assert_eq!(f.line_range(1), 3..10);
        assert_eq!(f.line_of(9), 1);
        assert_eq!(f.line_count(), 3);
    }

    #[test]
    fn same_path_same_id() {
        let map = SourceMap::new();
        let a = map.add("a", "1");
        let b = map.add("a", "2");
        assert_eq!(a, b);
        assert_eq!(&*map.get(a).text, "1");
    }

    #[test]
    fn decodes_boms() {
        assert_eq!(decode_text(b"\xEF\xBB\xBF{}").unwrap(), "{}");
        assert_eq!(decode_text(b"\xFF\xFE{\0}\0").unwrap(), "{}");
        assert_eq!(decode_text(b"\xFE\xFF\0{\0}").unwrap(), "{}");
        assert!(decode_text(b"\xFF\xFE{").is_err());
        assert!(decode_text(b"\xC3").is_err());
        // UTF-16 without a BOM is valid UTF-8 (NULs) but not text: said, not read as garbage
        let e = decode_text(b"a\0 \0=\0 \x001\0").unwrap_err();
        assert!(e.contains("UTF-16 without a byte-order mark"), "{e}");
        assert!(decode_text(b"\0\x01\x02\x03PK")
            .unwrap_err()
            .contains("NUL"));
    }
}
