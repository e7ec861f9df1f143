//! Positions inside a decoded text (the value of a quoted string with escapes, a heredoc, a
//! template's literal parts) mapped back to the source text they were decoded from, so that a
//! JSON document held in a string (`container_definitions`, a policy) can point at the one key
//! a finding is about rather than at the whole string.
//!
//! The decoded text is aligned with the source text character by character. A source character
//! may stand for itself, or start an escape (`\"`, `\n`, `\u00e9`, `\U0001F600`) that stands for
//! one decoded character. Source characters that stand for nothing may be skipped only where
//! decoding drops them: anything before the first decoded character (`"`, `<<EOF` and its line
//! break), whitespace (a heredoc's stripped indentation), and the doubled `$`/`%` of HCL's
//! `$${`/`%%{`. Any other mismatch means the texts do not correspond, and no map is made: the
//! caller keeps the whole string's span, which is never wrong, only wide.

use std::ops::Range;

use super::source::{FileId, Span};

/// Maps byte ranges of a decoded text to spans of the source.
#[derive(Clone, Debug, Default)]
pub struct TextMap {
    /// Per byte of the decoded text: the source span of the character it belongs to.
    bytes: Vec<Option<Span>>,
}

impl TextMap {
    pub fn new() -> TextMap {
        TextMap::default()
    }

    /// Appends `decoded`, which was decoded from the source text `raw` found at `at`
    /// (`at.len() == raw.len()`). `false` (and nothing appended) when they do not correspond.
    pub fn push_aligned(&mut self, decoded: &str, raw: &str, at: Span) -> bool {
        if at.range().len() != raw.len() {
            return false;
        }
        match align(decoded, raw) {
            Some(spans) => {
                self.bytes.extend(spans.into_iter().map(|r| {
                    Some(Span::new(
                        at.file,
                        at.start as usize + r.start..at.start as usize + r.end,
                    ))
                }));
                true
            }
            None => false,
        }
    }

    /// Appends `len` bytes that all stand for `span` (an interpolated value, a text whose
    /// characters cannot be mapped).
    pub fn push_opaque(&mut self, len: usize, span: Option<Span>) {
        self.bytes.extend(std::iter::repeat_n(span, len));
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The source span of a range of the decoded text: from its first byte's character to its
    /// last byte's. `None` when an end is not mapped, or when the ends lie in different files
    /// or in the wrong order.
    pub fn span(&self, r: Range<usize>) -> Option<Span> {
        if r.is_empty() {
            let at = self.bytes.get(r.start).copied().flatten()?;
            return Some(Span::new(at.file, at.start as usize..at.start as usize));
        }
        let first = self.bytes.get(r.start).copied().flatten()?;
        let last = self.bytes.get(r.end - 1).copied().flatten()?;
        (first.file == last.file && first.start <= last.end)
            .then(|| Span::new(first.file, first.start as usize..last.end as usize))
    }

    /// Maps a span of the decoded text (parsed as file `FileId(0)` at offset 0) to the source.
    pub fn map(&self, s: Span) -> Option<Span> {
        (s.file == FileId(0))
            .then(|| self.span(s.range()))
            .flatten()
    }
}

/// Per byte of `decoded`: the byte range of `raw` its character was decoded from.
fn align(decoded: &str, raw: &str) -> Option<Vec<Range<usize>>> {
    let mut out = Vec::with_capacity(decoded.len());
    let mut r = 0;
    let mut started = false;
    for c in decoded.chars() {
        let at = loop {
            let rest = raw.get(r..)?;
            let rc = rest.chars().next()?;
            if rc == '\\' {
                if let Some((e, n)) = escape(rest) {
                    if e == c {
                        break r..r + n;
                    }
                }
            }
            if rc == c {
                break r..r + rc.len_utf8();
            }
            // Only what decoding drops may be skipped.
            if started && !(rc.is_whitespace() || rc == '$' || rc == '%') {
                return None;
            }
            r += rc.len_utf8();
        };
        started = true;
        r = at.end;
        out.extend(std::iter::repeat_n(at, c.len_utf8()));
    }
    Some(out)
}

/// The character an escape at the start of `s` stands for, and the escape's length in bytes.
fn escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let simple = match b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'u' => return unicode(s, 4),
        b'U' => return unicode(s, 8),
        _ => return None,
    };
    Some((simple, 2))
}

/// `\uXXXX` (with a following low surrogate for a pair) or `\UXXXXXXXX`.
fn unicode(s: &str, digits: usize) -> Option<(char, usize)> {
    let hex = |from: usize| -> Option<u32> {
        let h = s.get(from..from + digits)?;
        h.bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| u32::from_str_radix(h, 16).ok())
            .flatten()
    };
    let first = hex(2)?;
    let len = 2 + digits;
    if digits == 4 && (0xD800..0xDC00).contains(&first) {
        if s.get(len..len + 2) == Some("\\u") {
            let low = hex(len + 2)?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(c).map(|c| (c, 2 * len));
            }
        }
        return None;
    }
    char::from_u32(first).map(|c| (c, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(decoded: &str, raw: &str, what: &str) -> Option<String> {
        let mut m = TextMap::new();
        if !m.push_aligned(decoded, raw, Span::new(FileId(1), 0..raw.len())) {
            return None;
        }
        let at = decoded.find(what)?;
        m.span(at..at + what.len())
            .map(|s| raw[s.range()].to_string())
    }

    #[test]
    fn quoted_string_with_escapes() {
        let raw = r#""[{\"name\": \"app\", \"x\": \"a\u00e9\n\"}]""#;
        let decoded = "[{\"name\": \"app\", \"x\": \"a\u{e9}\n\"}]";
        assert_eq!(
            mapped(decoded, raw, "\"app\"").as_deref(),
            Some(r#"\"app\""#)
        );
        assert_eq!(
            mapped(decoded, raw, "\"a\u{e9}\n\"").as_deref(),
            Some(r#"\"a\u00e9\n\""#)
        );
    }

    #[test]
    fn heredoc_with_stripped_indentation() {
        let raw = "<<-EOF\n    [\n      {\"image\": \"x\", \"a\": \"$${b}\"}\n    ]\n    EOF";
        let decoded = "[\n  {\"image\": \"x\", \"a\": \"${b}\"}\n]\n";
        assert_eq!(
            mapped(decoded, raw, "\"image\"").as_deref(),
            Some("\"image\"")
        );
        assert_eq!(
            mapped(decoded, raw, "\"${b}\"").as_deref(),
            Some("\"$${b}\"")
        );
    }

    #[test]
    fn texts_that_do_not_correspond_give_no_map() {
        assert_eq!(mapped("{\"a\": 1}", "{\"b\": 1}", "1"), None);
        assert_eq!(mapped("abc", "ab", "a"), None);
        // A length that is not the span's: nothing appended.
        let mut m = TextMap::new();
        assert!(!m.push_aligned("a", "a", Span::new(FileId(1), 0..2)));
        assert!(m.is_empty());
    }

    #[test]
    fn surrogate_pairs_and_long_escapes() {
        assert_eq!(escape(r"\ud83d\ude00"), Some(('\u{1F600}', 12)));
        assert_eq!(escape(r"\U0001F600"), Some(('\u{1F600}', 10)));
        assert_eq!(escape(r"\ud83d"), None);
    }

    #[test]
    fn opaque_parts_map_to_their_span() {
        let mut m = TextMap::new();
        assert!(m.push_aligned("ab", "ab", Span::new(FileId(1), 10..12)));
        m.push_opaque(3, Some(Span::new(FileId(1), 12..20)));
        assert_eq!(m.span(1..4), Some(Span::new(FileId(1), 11..20)));
        assert_eq!(m.span(2..5), Some(Span::new(FileId(1), 12..20)));
    }
}
