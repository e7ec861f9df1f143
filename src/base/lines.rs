//! Positions in a text: byte offset ⇄ line and column, with columns counted in bytes (UTF-8),
//! UTF-16 code units (the Language Server Protocol's default) or characters (what pullpath's own
//! output shows). One [`LineIndex`] per file, built once: line starts at once, the column index
//! on the first column asked of a non-ASCII text. Every conversion costs a binary search plus at
//! most one [`BLOCK`] of text, so a one-line 50 MB plan is as cheap as a short file.
//!
//! The index does not own the text: methods that need it take it (the same text the index was
//! built from; [`crate::base::SourceFile`] pairs them).

use std::sync::OnceLock;

/// What a column counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// UTF-8 bytes (LSP `positionEncoding: "utf-8"`).
    Bytes,
    /// UTF-16 code units: LSP's default; a character outside the Basic Multilingual Plane (😀)
    /// counts two.
    Utf16,
    /// Unicode scalar values: the columns of pullpath's text and JSON output.
    Chars,
}

impl Unit {
    fn width(self, c: char) -> usize {
        match self {
            Unit::Bytes => c.len_utf8(),
            Unit::Utf16 => c.len_utf16(),
            Unit::Chars => 1,
        }
    }
}

/// A 0-based line and 0-based column in some [`Unit`] (the shape of an LSP `Position`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A 1-based line and 1-based column (columns count Unicode scalar values), as users see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Block size of the column index.
const BLOCK: usize = 1024;

/// Line starts of a text, and (built on demand) the characters and UTF-16 code units before
/// each [`BLOCK`]-byte block.
#[derive(Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// `None` for ASCII text (every unit is a byte); else `[chars, utf16 units]` before each
    /// block.
    wide: OnceLock<Option<Vec<[u32; 2]>>>,
    len: u32,
}

/// Characters and UTF-16 code units in `bytes`, a slice of UTF-8 text that may cut characters
/// at its ends: a character counts where its first byte is; four-byte characters (outside the
/// Basic Multilingual Plane) are two UTF-16 units.
fn count(bytes: &[u8]) -> [usize; 2] {
    let mut chars = 0;
    let mut astral = 0;
    for &b in bytes {
        chars += usize::from((b as i8) >= -0x40);
        astral += usize::from(b >= 0xF0);
    }
    [chars, chars + astral]
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0u32];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex {
            line_starts,
            wide: OnceLock::new(),
            len: text.len() as u32,
        }
    }

    /// Number of lines (a text ending with a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line holding a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len as usize) as u32;
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte range of a 0-based line, without its line break (`\n` or `\r\n`); past the last
    /// line, the empty range at the end.
    pub fn line_range(&self, text: &str, line0: usize) -> std::ops::Range<usize> {
        let len = text.len();
        let Some(&start) = self.line_starts.get(line0) else {
            return len..len;
        };
        let start = start as usize;
        let mut end = self
            .line_starts
            .get(line0 + 1)
            .map_or(len, |&n| n as usize - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    fn wide(&self, text: &str) -> Option<&[[u32; 2]]> {
        self.wide
            .get_or_init(|| {
                if text.is_ascii() {
                    return None;
                }
                let mut n = [0u32; 2];
                let blocks = text.as_bytes().chunks(BLOCK).map(|c| {
                    let before = n;
                    let [chars, utf16] = count(c);
                    n = [n[0] + chars as u32, n[1] + utf16 as u32];
                    before
                });
                Some(blocks.collect())
            })
            .as_deref()
    }

    /// Units in `text[..offset]` (`offset` on a character boundary).
    fn units_before(&self, text: &str, offset: usize, unit: Unit) -> usize {
        let k = match unit {
            Unit::Bytes => return offset,
            Unit::Chars => 0,
            Unit::Utf16 => 1,
        };
        let Some(index) = self.wide(text) else {
            return offset;
        };
        let block = (offset / BLOCK).min(index.len() - 1);
        index[block][k] as usize + count(&text.as_bytes()[block * BLOCK..offset])[k]
    }

    /// Offset clamped to the text and snapped back to a character boundary.
    fn snap(text: &str, offset: usize) -> usize {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// 0-based line and column of a byte offset (clamped to the text, snapped back to a
    /// character boundary).
    pub fn position(&self, text: &str, offset: usize, unit: Unit) -> Position {
        let offset = Self::snap(text, offset);
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let column = self.units_before(text, offset, unit) - self.units_before(text, start, unit);
        Position {
            line: line as u32,
            column: column as u32,
        }
    }

    /// 1-based line and character column of a byte offset, as users see them.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let p = self.position(text, offset, Unit::Chars);
        LineCol {
            line: p.line as usize + 1,
            column: p.column as usize + 1,
        }
    }

    /// Byte offset of a position: a line past the last is the end of the text, a column past
    /// the end of its line is the end of the line (before its break, as LSP asks), a column
    /// inside a character (half of a UTF-16 surrogate pair, a byte inside a UTF-8 sequence) is
    /// that character's start.
    pub fn offset(&self, text: &str, at: Position, unit: Unit) -> usize {
        let line0 = at.line as usize;
        if line0 >= self.line_starts.len() {
            return text.len();
        }
        let range = self.line_range(text, line0);
        let column = at.column as usize;
        let index = match unit {
            Unit::Bytes => None,
            Unit::Chars | Unit::Utf16 => self.wide(text),
        };
        let Some(index) = index else {
            // Every unit is a byte.
            return Self::snap(text, range.start + column.min(range.len()));
        };
        let k = usize::from(unit == Unit::Utf16);
        let target = self.units_before(text, range.start, unit) + column;
        // The last block that starts at most `target` units in, then at most a block of text.
        let block = index.partition_point(|b| b[k] as usize <= target).max(1) - 1;
        let mut at = Self::snap(text, (block * BLOCK).clamp(range.start, range.end));
        let mut units = self.units_before(text, at, unit);
        for c in text[at..range.end].chars() {
            let w = unit.width(c);
            if units + w > target {
                break;
            }
            units += w;
            at += c.len_utf8();
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn columns_in_each_unit() {
        let text = "ab\r\né😀x\n";
        let ix = LineIndex::new(text);
        // 'x' is after é (2 bytes, 1 UTF-16 unit) and 😀 (4 bytes, 2 UTF-16 units)
        let x = text.find('x').unwrap();
        assert_eq!(ix.position(text, x, Unit::Bytes), pos(1, 6));
        assert_eq!(ix.position(text, x, Unit::Utf16), pos(1, 3));
        assert_eq!(ix.position(text, x, Unit::Chars), pos(1, 2));
        assert_eq!(ix.line_col(text, x), LineCol { line: 2, column: 3 });
        for unit in [Unit::Bytes, Unit::Utf16, Unit::Chars] {
            let p = ix.position(text, x, unit);
            assert_eq!(ix.offset(text, p, unit), x, "{unit:?}");
        }
        // a byte inside 😀 is snapped back to its start
        assert_eq!(ix.position(text, x - 2, Unit::Utf16), pos(1, 1));
        // half of the surrogate pair of 😀 is its start
        assert_eq!(ix.offset(text, pos(1, 2), Unit::Utf16), x - 4);
        // past the line's end: the end, before "\r\n"
        assert_eq!(ix.offset(text, pos(0, 99), Unit::Utf16), 2);
        // past the last line: the end of the text
        assert_eq!(ix.offset(text, pos(9, 0), Unit::Chars), text.len());
        assert_eq!(ix.line_range(text, 0), 0..2);
        assert_eq!(ix.line_count(), 3);
    }

    #[test]
    fn every_offset_round_trips_in_every_unit() {
        // Blocks cut characters: 3-byte and 4-byte characters straddle every block boundary.
        let text: String = (0..3000)
            .map(|i| match i % 5 {
                0 => "a",
                1 => "€",
                2 => "😀",
                3 => "\n",
                _ => "é",
            })
            .collect();
        let ix = LineIndex::new(&text);
        for (offset, c) in text.char_indices() {
            for unit in [Unit::Bytes, Unit::Utf16, Unit::Chars] {
                let p = ix.position(&text, offset, unit);
                assert_eq!(ix.offset(&text, p, unit), offset, "{offset} {c:?} {unit:?}");
                // the scan from the line start agrees with the index
                let line = &text[ix.line_range(&text, p.line as usize).start..offset];
                let slow: usize = line.chars().map(|c| unit.width(c)).sum();
                assert_eq!(p.column as usize, slow, "{offset} {unit:?}");
            }
        }
    }

    #[test]
    fn long_lines_cost_a_block() {
        // One line of 5,000 "é" then "x": its column is 5,000 (0-based) in characters and UTF-16
        // units, 10,000 in bytes; and back, from the index (checked by the result only).
        let text = format!("{}x\r\nnext", "é".repeat(5000));
        let ix = LineIndex::new(&text);
        assert_eq!(ix.position(&text, 10_000, Unit::Utf16), pos(0, 5000));
        assert_eq!(ix.offset(&text, pos(0, 5000), Unit::Utf16), 10_000);
        assert_eq!(ix.offset(&text, pos(0, 5000), Unit::Bytes), 5000);
        assert_eq!(ix.line_col(&text, 10_003), LineCol { line: 2, column: 1 });
        // a column past the end of a short line before a long one stays on its line
        let two = format!("é\n{}", "é".repeat(5000));
        let ix = LineIndex::new(&two);
        assert_eq!(ix.offset(&two, pos(0, 4000), Unit::Utf16), 2);
        assert_eq!(ix.offset(&two, pos(1, 4000), Unit::Chars), 3 + 8000);
        let ascii = "e".repeat(10_000) + "x";
        let ix = LineIndex::new(&ascii);
        assert_eq!(ix.position(&ascii, 10_000, Unit::Utf16), pos(0, 10_000));
        assert_eq!(ix.offset(&ascii, pos(0, 20_000), Unit::Chars), 10_001);
    }
}
