//! Bounded snippets. miette is given an [`Excerpt`] of a file, never the file: the lines around
//! the labelled places, each cut to a window of at most [`WIDTH`] characters (with `…` where it
//! is cut), control characters escaped, and the real line and column numbers. What is printed
//! is bounded whatever the size of the file or of its lines (a one-line plan of 50 MB), and
//! building it costs the window, not the file (line and column come from the file's line index).
//! Also the word wrap of prose ([`wrap`]) that `text.rs` and `unverified.rs` share.

use std::borrow::Cow;
use std::ops::Range;

use miette::{MietteError, SourceCode, SourceSpan, SpanContents};

use crate::base::{SourceFile, Span};

/// The most characters of one source line a snippet shows (the `…` marks included).
pub(crate) const WIDTH: usize = 120;
/// Characters shown before the first labelled place of a line that is cut.
const LEAD: usize = 24;
/// Lines shown before and after the labelled ones.
const CONTEXT: usize = 1;
/// The most lines of one snippet: a label over more lines is cut to its first ones.
const MAX_LINES: usize = 80;

/// Whether a character from the input would act on the terminal rather than show: C0 controls
/// (but newline and tab), DEL, C1 controls, and the bidirectional controls (embeddings,
/// overrides, isolates, marks) that reorder what is displayed.
fn is_hostile(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fn push_escaped(out: &mut String, c: char) {
    if is_hostile(c) {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// `s` with every control character that could act on a terminal written as `\u{1b}`: the one
/// place text output escapes what comes from the input (JSON output stays exact).
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// One line of an [`Excerpt`].
struct ExLine {
    /// 0-based line in the file.
    line: usize,
    /// Byte range of the file shown.
    real: Range<usize>,
    /// 0-based column (characters) of `real.start`.
    column0: usize,
    /// Offset in the excerpt of each character of `real` (and of its end).
    marks: Vec<usize>,
    /// Offset in the excerpt where the line starts (its `…` included) and ends.
    start: usize,
    end: usize,
}

/// What miette renders of a file: see the module documentation.
pub(crate) struct Excerpt {
    name: String,
    text: String,
    lines: Vec<ExLine>,
}

/// Moves `from` by up to `n` characters (backwards when `back`), within `bounds`.
fn walk(text: &str, from: usize, n: usize, back: bool, bounds: &Range<usize>) -> usize {
    if back {
        text[bounds.start..from]
            .char_indices()
            .rev()
            .take(n)
            .last()
            .map_or(from, |(i, _)| bounds.start + i)
    } else {
        text[from..bounds.end]
            .char_indices()
            .nth(n)
            .map_or(bounds.end, |(i, _)| from + i)
    }
}

impl Excerpt {
    /// An excerpt of `file` showing `spans` (all in `file`), and the spans in its coordinates.
    pub(crate) fn new(file: &SourceFile, name: &str, spans: &[Span]) -> (Excerpt, Vec<SourceSpan>) {
        let text = &*file.text;
        let clamp = |o: u32| (o as usize).min(text.len());
        let end_line = |s: &Span| {
            let (a, b) = (clamp(s.start), clamp(s.end));
            file.line_of(if b > a { b - 1 } else { a })
        };
        let first = spans
            .iter()
            .map(|s| file.line_of(clamp(s.start)))
            .min()
            .unwrap_or(0);
        let last = spans.iter().map(end_line).max().unwrap_or(first);
        let from = first.saturating_sub(CONTEXT);
        // The empty "line" after a final line break is not shown, unless a span is there.
        let lines =
            file.line_count() - usize::from(text.ends_with('\n') && last + 1 < file.line_count());
        let to = (last + CONTEXT)
            .min(lines.saturating_sub(1))
            .min(from + MAX_LINES - 1)
            .max(from);
        let mut ex = Excerpt {
            name: escape_controls(name).into_owned(),
            text: String::new(),
            lines: Vec::new(),
        };
        for line in from..=to {
            let range = file.line_range(line);
            // The first labelled place on the line anchors its window.
            let anchor = spans
                .iter()
                .flat_map(|s| [clamp(s.start), clamp(s.end)])
                .filter(|o| range.contains(o) || *o == range.end)
                .min()
                .unwrap_or(range.start);
            let short = range.len() <= WIDTH
                || (range.len() <= 4 * WIDTH && text[range.clone()].chars().count() <= WIDTH);
            let real = if short {
                range.clone()
            } else {
                let ws = walk(text, anchor, LEAD, true, &range);
                let ws = if ws == range.start || walk(text, range.start, 1, false, &range) >= ws {
                    range.start
                } else {
                    ws
                };
                let room = WIDTH - usize::from(ws > range.start) - 1;
                let we = walk(text, ws, room, false, &range);
                // A window that reaches the end by one character shows it rather than `…`.
                let we = if walk(text, we, 1, false, &range) == range.end {
                    range.end
                } else {
                    we
                };
                ws..we
            };
            let start = ex.text.len();
            if real.start > range.start {
                ex.text.push('…');
            }
            let mut marks = Vec::with_capacity(real.len() + 1);
            for c in text[real.clone()].chars() {
                marks.push(ex.text.len());
                push_escaped(&mut ex.text, c);
            }
            marks.push(ex.text.len());
            if real.end < range.end {
                ex.text.push('…');
            }
            let column0 = if real.start == range.start {
                0
            } else {
                file.line_col(real.start).column - 1
            };
            ex.lines.push(ExLine {
                line,
                real,
                column0,
                marks,
                start,
                end: ex.text.len(),
            });
            // Every line ends with its break, as in the file (miette shows an empty last line
            // only so).
            ex.text.push('\n');
        }
        let mapped = spans
            .iter()
            .map(|s| {
                let a = ex.map(text, clamp(s.start), false);
                let b = if s.end > s.start {
                    ex.map(text, clamp(s.end), true).max(a)
                } else {
                    a
                };
                SourceSpan::new(a.into(), b - a)
            })
            .collect();
        (ex, mapped)
    }

    /// The excerpt offset of a file offset: the start (or, for the end of a span, the end) of
    /// the excerpt's cut when it falls outside.
    fn map(&self, text: &str, offset: usize, is_end: bool) -> usize {
        let Some(first) = self.lines.first() else {
            return 0;
        };
        let line = self
            .lines
            .iter()
            .rfind(|l| l.real.start <= offset || l.line == first.line)
            .unwrap_or(first);
        if offset < line.real.start {
            return line.start;
        }
        if offset > line.real.end {
            return if is_end {
                line.end
            } else {
                line.marks[line.marks.len() - 1]
            };
        }
        let mut at = offset;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let k = text[line.real.start..at].chars().count();
        line.marks[k.min(line.marks.len() - 1)]
    }

    /// The line (index in `lines`) and real 0-based column of an excerpt offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let i = self
            .lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1);
        let Some(l) = self.lines.get(i) else {
            return (0, 0);
        };
        let k = l.marks.partition_point(|&m| m <= offset).saturating_sub(1);
        (l.line, l.column0 + k)
    }
}

struct Contents<'a> {
    data: &'a [u8],
    span: SourceSpan,
    name: &'a str,
    line: usize,
    column: usize,
    line_count: usize,
}

impl<'a> SpanContents<'a> for Contents<'a> {
    fn data(&self) -> &'a [u8] {
        self.data
    }
    fn span(&self) -> &SourceSpan {
        &self.span
    }
    fn name(&self) -> Option<&str> {
        Some(self.name)
    }
    fn line(&self) -> usize {
        self.line
    }
    fn column(&self) -> usize {
        self.column
    }
    fn line_count(&self) -> usize {
        self.line_count
    }
    fn language(&self) -> Option<&str> {
        Some("text")
    }
}

impl SourceCode for Excerpt {
    /// The span itself without context (miette asks so for the `file:line:column` of the
    /// header); with context, the whole excerpt, which holds the context already.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let contents = if before == 0 && after == 0 {
            let (line, column) = self.position(start);
            let data = &self.text.as_bytes()[start..end];
            Contents {
                data,
                span: *span,
                name: &self.name,
                line,
                column,
                line_count: data.iter().filter(|&&b| b == b'\n').count() + 1,
            }
        } else {
            Contents {
                data: self.text.as_bytes(),
                span: SourceSpan::new(0.into(), self.text.len()),
                name: &self.name,
                line: self.lines.first().map_or(0, |l| l.line),
                column: 0,
                line_count: self.lines.len(),
            }
        };
        Ok(Box::new(contents))
    }
}

/// Greedy word wrap of prose at `width` columns, keeping the text's own line breaks.
pub(super) fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut col = 0;
        for word in line.split(' ') {
            let w = word.chars().count();
            if col > 0 && col + 1 + w > width {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += w;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::SourceMap;

    #[test]
    fn escapes_controls_and_bidi_only() {
        assert_eq!(escape_controls("a\tb\nc é"), "a\tb\nc é");
        assert_eq!(
            escape_controls("\x1b[31mred\u{202e}x\u{9b}\r"),
            "\\u{1b}[31mred\\u{202e}x\\u{9b}\\u{d}"
        );
    }

    #[test]
    fn spans_at_the_end_of_a_file_and_in_an_empty_one_map_inside_the_excerpt() {
        let map = SourceMap::new();
        for text in ["a: 1\nb: !Bad", "a: 1\n", ""] {
            let id = map.add(format!("{}.yaml", text.len()), text);
            let f = map.get(id);
            let n = text.len();
            let (ex, spans) = Excerpt::new(&f, "x.yaml", &[Span::new(id, n..n)]);
            let s = spans[0];
            assert!(s.offset() + s.len() <= ex.text.len(), "{text:?}");
            let c = ex.read_span(&s, 0, 0).unwrap();
            let lc = f.line_col(n);
            assert_eq!(
                (c.line() + 1, c.column() + 1),
                (lc.line, lc.column),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let map = SourceMap::new();
        let line = format!(
            "{}\"name\":\"app\"{}",
            "x".repeat(100_000),
            "y".repeat(100_000)
        );
        let id = map.add("p.json", format!("{{\n{line}\n}}"));
        let f = map.get(id);
        let at = 2 + 100_000 + 7;
        let (ex, spans) = Excerpt::new(&f, "p.json", &[Span::new(id, at..at + 5)]);
        let shown: Vec<&str> = ex.text.lines().collect();
        assert_eq!(shown.len(), 3, "{}", ex.text);
        assert!(shown[1].chars().count() <= WIDTH, "{}", shown[1]);
        assert!(
            shown[1].starts_with('…') && shown[1].ends_with('…'),
            "{}",
            shown[1]
        );
        let s = spans[0];
        assert_eq!(&ex.text[s.offset()..s.offset() + s.len()], "\"app\"");
        let c = ex.read_span(&s, 0, 0).unwrap();
        assert_eq!((c.line(), c.column()), (1, 100_007));
    }
}
