//! YAML (CloudFormation templates) into a spanned [`Value`] tree, built from saphyr-parser events
//! (not its loader, which expands aliases and rejects duplicate keys).
//!
//! * CloudFormation short-form tags become their long form: `!Ref X` → `{"Ref": X}`,
//!   `!Condition X` → `{"Condition": X}`, `!Name v` → `{"Fn::Name": v}`. The map's span is the
//!   whole tagged node, the key's span is the tag. `!GetAtt a.b` stays the string `"a.b"`.
//! * Plain scalars are resolved the way CloudFormation reads them: `null`/`~`/empty → Null,
//!   `true`/`false` (any case) → Bool, numbers → Number except those with a leading zero
//!   (account ids, `0755`), which stay strings; `yes`/`no`/`on`/`off` stay strings. Quoted
//!   scalars are always strings.
//! * Duplicate keys are kept (the first one wins on lookup) and reported with both places.
//! * Anchors, aliases and merge keys are errors (`yaml-alias`); an alias becomes `Unknown` and is
//!   never expanded.
//! * saphyr reports character indices; spans here are byte offsets.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use crate::base::{Diagnostic, FileId, Map, Span, Val, Value};
use crate::syntax::MAX_NESTING;

/// The parsed document and the diagnostics about it. `Err` is the parse error.
pub struct Parsed {
    pub value: Value,
    pub diagnostics: Vec<Diagnostic>,
}

/// CloudFormation intrinsic function short forms (`!Name`), besides `!Ref` and `!Condition`
/// (including the functions only valid in `Rules`).
const FN_TAGS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "ForEach",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
    "ValueOfAll",
];

/// Parses `text`, the whole content of `file`.
pub fn parse(file: FileId, text: &str) -> Result<Parsed, Diagnostic> {
    // saphyr rejects flow collections whose lines are indented less than their parent block
    // (`Command: [` … `]` with `]` under `Command`); PyYAML and CloudFormation accept them. Such
    // lines are padded with spaces and parsed again; spans are mapped back to the original text.
    let mut pads = Pads::default();
    let mut first_error = None;
    for _ in 0..=MAX_PADS {
        let padded = pads.apply(text);
        match parse_inner(file, &padded) {
            Ok(mut parsed) => {
                if !pads.is_empty() {
                    pads.remap_value(&mut parsed.value);
                    for d in &mut parsed.diagnostics {
                        pads.remap_diag(d);
                    }
                }
                return Ok(parsed);
            }
            Err(e) => {
                let orig = pads.to_orig(e.at);
                if first_error.is_none() {
                    first_error = Some((orig, e.info.clone()));
                }
                if !e.in_flow || pads.len() >= MAX_PADS || text.len() > MAX_PADDED_SIZE {
                    break;
                }
                let line_start = text[..orig.min(text.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                if pads.at(line_start) >= MAX_PADS_PER_LINE {
                    break;
                }
                pads.add(line_start);
            }
        }
    }
    let (at, info) = first_error.unwrap_or((0, "unknown error".into()));
    Err(error_at(file, text, at, &info))
}

const MAX_PADS: usize = 64;
const MAX_PADS_PER_LINE: usize = 8;
/// Files above this size are not parsed again (each attempt parses the whole file).
const MAX_PADDED_SIZE: usize = 1 << 20;

/// Spaces inserted at line starts: `(original byte offset, count)`, sorted.
#[derive(Default)]
struct Pads(Vec<(usize, usize)>);

impl Pads {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn len(&self) -> usize {
        self.0.iter().map(|p| p.1).sum()
    }
    fn at(&self, at: usize) -> usize {
        self.0.iter().find(|p| p.0 == at).map_or(0, |p| p.1)
    }
    fn add(&mut self, at: usize) {
        match self.0.binary_search_by_key(&at, |p| p.0) {
            Ok(i) => self.0[i].1 += 1,
            Err(i) => self.0.insert(i, (at, 1)),
        }
    }
    fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.0.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + self.len());
        let mut last = 0;
        for &(at, n) in &self.0 {
            out.push_str(&text[last..at]);
            out.extend(std::iter::repeat_n(' ', n));
            last = at;
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }
    /// A byte offset in the padded text → the original text.
    fn to_orig(&self, m: usize) -> usize {
        let mut shift = 0;
        for &(at, n) in &self.0 {
            let start = at + shift;
            if m < start {
                break;
            }
            if m < start + n {
                return at;
            }
            shift += n;
        }
        m - shift
    }
    fn remap_span(&self, sp: &mut Span) {
        sp.start = self.to_orig(sp.start as usize) as u32;
        sp.end = self.to_orig(sp.end as usize) as u32;
    }
    fn remap_diag(&self, d: &mut Diagnostic) {
        if let Some(sp) = &mut d.span {
            self.remap_span(sp);
        }
        for (sp, _) in &mut d.related {
            self.remap_span(sp);
        }
    }
    fn remap_value(&self, v: &mut Value) {
        if let Some(sp) = &mut v.span {
            self.remap_span(sp);
        }
        match &mut v.kind {
            Val::List(items) => items.iter_mut().for_each(|i| self.remap_value(i)),
            Val::Map(m) => {
                for e in &mut m.entries {
                    if let Some(sp) = &mut e.key_span {
                        self.remap_span(sp);
                    }
                    self.remap_value(&mut e.value);
                }
            }
            _ => {}
        }
    }
}

/// A failed parse: where (byte offset in the parsed text), why, and whether it happened inside a
/// flow collection.
struct Failure {
    at: usize,
    info: String,
    in_flow: bool,
}

fn parse_inner(file: FileId, text: &str) -> Result<Parsed, Failure> {
    let offsets = Offsets::new(text);
    let mut b = Builder {
        file,
        text,
        offsets: &offsets,
        stack: Vec::new(),
        root: None,
        diagnostics: Vec::new(),
        scalars: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0usize;
    // End of the part of the text that was read (the first document).
    let mut read_until = text.len();
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| b.failure(&e))?;
        let range = offsets.byte(span.start.index())..offsets.byte(span.end.index());
        let is_map = matches!(ev, Event::MappingStart(..));
        match ev {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    read_until = range.start;
                    b.diagnostics.push(
                        Diagnostic::warning(
                            "multiple-documents",
                            "the file holds several YAML documents; only the first one is read",
                        )
                        .at(Span::new(file, range)),
                    );
                    break;
                }
            }
            Event::Alias(_) => {
                let sp = Span::new(file, range);
                b.diagnostics.push(alias_error(sp, "alias"));
                let v = Value::unknown(
                    "a YAML alias, which CloudFormation does not support",
                    Some(sp),
                );
                b.complete(v, None, sp);
            }
            Event::Scalar(raw, style, anchor, tag) => {
                let sp = Span::new(file, range);
                if anchor != 0 {
                    b.diagnostics.push(alias_error(sp, "anchor"));
                }
                b.scalars.push(sp.range());
                let raw = clip_at_eof(text, sp.range(), style, raw);
                let (value, raw_key) = b.scalar(raw, style, tag.as_deref(), sp);
                b.complete(value, raw_key, sp);
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                let sp = Span::new(file, range.clone());
                if anchor != 0 {
                    b.diagnostics.push(alias_error(sp, "anchor"));
                }
                if b.stack.len() >= MAX_NESTING {
                    return Err(Failure {
                        at: range.start,
                        info: format!("nesting deeper than {MAX_NESTING} levels"),
                        in_flow: false,
                    });
                }
                let flow = {
                    let t = &text[range.clone()];
                    let t = skip_props(t);
                    t.starts_with(['[', '{'])
                };
                let kind = if is_map {
                    Kind::Map(Map::new(), None, HashMap::new())
                } else {
                    Kind::Seq(Vec::new())
                };
                b.stack.push(Frame {
                    flow,
                    kind,
                    start: range.start,
                    end: range.end,
                    tag: tag.map(|t| t.into_owned()),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = b.stack.pop() else {
                    continue;
                };
                // Flow collections end at their closing bracket; block collections at their last
                // child (saphyr's end event of a block mapping sits at the next key).
                let mut end = frame.end;
                if text[range.start..].starts_with([']', '}']) {
                    end = end.max(range.start + 1);
                }
                let (kind, start, tag) = (frame.kind, frame.start, frame.tag);
                let sp = Span::new(file, start..end.max(start));
                let value = match kind {
                    Kind::Seq(items) => Value::new(Val::List(items), Some(sp)),
                    Kind::Map(map, pending, _) => {
                        let mut map = map;
                        if let Some((k, ks)) = pending {
                            // a key without a value cannot happen with saphyr, but stay total
                            map.push(k, ks, Value::null(ks));
                        }
                        Value::new(Val::Map(map), Some(sp))
                    }
                };
                let value = b.apply_tag(value, tag.as_ref(), sp);
                b.complete(value, None, sp);
            }
        }
    }
    if let Some(tab) = stray_tab(&text[..read_until], &b.scalars) {
        let (line, column) = line_col(text, tab);
        b.diagnostics.push(
            Diagnostic::error(
                "parse-error",
                format!("invalid YAML for CloudFormation: a tab character outside a string (line {line}, column {column}); the PyYAML-family parsers (PyYAML, SnakeYAML) that CloudFormation tooling uses reject it; use spaces"),
            )
            .at(Span::new(file, tab..tab + 1)),
        );
    }
    let value = b
        .root
        .unwrap_or_else(|| Value::null(Some(Span::new(file, 0..0))));
    Ok(Parsed {
        value,
        diagnostics: b.diagnostics,
    })
}

/// The first tab that is neither inside a scalar nor inside a comment: YAML 1.2 allows tabs as
/// separators, but YAML 1.1 parsers (PyYAML, SnakeYAML, which CloudFormation tooling uses) do not.
fn stray_tab(text: &str, scalars: &[std::ops::Range<usize>]) -> Option<usize> {
    if !text.contains('\t') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut next_scalar = 0;
    let mut i = 0;
    let mut in_comment = false;
    while i < bytes.len() {
        while next_scalar < scalars.len() && scalars[next_scalar].end <= i {
            next_scalar += 1;
        }
        if let Some(r) = scalars.get(next_scalar) {
            if r.start <= i && i < r.end && !in_comment {
                i = r.end;
                continue;
            }
        }
        match bytes[i] {
            b'\n' => in_comment = false,
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                in_comment = true
            }
            b'\t' if !in_comment => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn alias_error(sp: Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        "yaml-alias",
        format!("CloudFormation does not support YAML aliases (found an {what})"),
    )
    .at(sp)
}

/// saphyr gives a clipped block scalar (`|`, `>`) that ends the file without a final line break
/// a trailing `\n` anyway; YAML (and PyYAML) keep a final line break only when there is one.
fn clip_at_eof<'i>(
    text: &str,
    range: std::ops::Range<usize>,
    style: ScalarStyle,
    raw: Cow<'i, str>,
) -> Cow<'i, str> {
    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
        || text.ends_with('\n')
        || !raw.ends_with('\n')
        || !text[range.end.min(text.len())..].trim().is_empty()
    {
        return raw;
    }
    let header = skip_props(&text[range.start.min(text.len())..]);
    let header = header.split(['\n', ' ', '#']).next().unwrap_or("");
    if header.contains('+') {
        return raw;
    }
    let mut s = raw.into_owned();
    s.pop();
    Cow::Owned(s)
}

/// Skips a node's tag and anchor (`!Tag &a [`) to its content.
fn skip_props(mut t: &str) -> &str {
    loop {
        t = t.trim_start();
        if t.starts_with(['!', '&']) {
            t = t.find(char::is_whitespace).map_or("", |i| &t[i..]);
        } else {
            return t;
        }
    }
}

fn error_at(file: FileId, text: &str, at: usize, info: &str) -> Diagnostic {
    let mut start = at.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    let (line, column) = line_col(text, start);
    Diagnostic::error(
        "parse-error",
        format!("invalid YAML: {info} (line {line}, column {column})"),
    )
    .at(Span::new(file, start..end))
}

/// 1-based line and character column of a byte offset (the file is not registered yet).
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let lc = crate::base::source::LineIndex::new(text).line_col(text, offset);
    (lc.line, lc.column)
}

/// Character index → byte offset.
struct Offsets {
    /// `None` for ASCII text (indices are offsets).
    table: Option<Vec<u32>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let table = if text.is_ascii() {
            None
        } else {
            let mut t: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
            t.push(text.len() as u32);
            Some(t)
        };
        Offsets {
            table,
            len: text.len(),
        }
    }
    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).map_or(self.len, |&b| b as usize),
        }
    }
}

enum Kind {
    Seq(Vec<Value>),
    /// The map, the key waiting for its value, and the first place of every key.
    Map(Map, Option<(String, Option<Span>)>, HashMap<String, Span>),
}

struct Frame {
    /// A `[…]` / `{…}` collection.
    flow: bool,
    kind: Kind,
    start: usize,
    /// End of the last child so far.
    end: usize,
    tag: Option<Tag>,
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    offsets: &'a Offsets,
    stack: Vec<Frame>,
    root: Option<Value>,
    diagnostics: Vec<Diagnostic>,
    /// Byte ranges of every scalar, in order (to find stray tabs).
    scalars: Vec<std::ops::Range<usize>>,
}

impl Builder<'_> {
    fn failure(&self, e: &ScanError) -> Failure {
        Failure {
            at: self.offsets.byte(e.marker().index()),
            info: e.info().to_string(),
            in_flow: self.stack.iter().any(|f| f.flow),
        }
    }

    /// Turns a scalar event into a value; also returns the raw text, used when it is a key.
    fn scalar(
        &mut self,
        raw: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        sp: Span,
    ) -> (Value, Option<String>) {
        let raw = raw.into_owned();
        if tag.is_some_and(is_non_specific) {
            // `! x`: the non-specific tag, a plain string
            return (Value::new(Val::Str(raw.clone()), Some(sp)), Some(raw));
        }
        let Some(tag) = tag else {
            let kind = if style == ScalarStyle::Plain {
                resolve_plain(&raw)
            } else {
                Val::Str(raw.clone())
            };
            return (Value::new(kind, Some(sp)), Some(raw));
        };
        if tag.is_yaml_core_schema() {
            let kind = match tag.suffix.as_str() {
                "str" => Val::Str(raw.clone()),
                "int" | "float" | "bool" | "null" => resolve_plain(&raw),
                other => {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "yaml-tag",
                            format!("CloudFormation does not support the YAML tag `!!{other}`; the value is read as a string"),
                        )
                        .at(sp),
                    );
                    Val::Str(raw.clone())
                }
            };
            return (Value::new(kind, Some(sp)), Some(raw));
        }
        // A CloudFormation function on a scalar: its argument is a string.
        let inner = Value::new(Val::Str(raw), Some(self.inner_span(tag, sp)));
        (self.apply_tag(inner, Some(tag), sp), None)
    }

    /// The span of a tagged scalar without its tag.
    fn inner_span(&self, tag: &Tag, sp: Span) -> Span {
        let t = self.tag_span(tag, sp);
        if t.end == sp.end {
            return sp;
        }
        let rest = &self.text[t.end as usize..sp.end as usize];
        let skip = rest.len() - rest.trim_start().len();
        Span::new(self.file, t.end as usize + skip..sp.end as usize)
    }

    /// The span of the tag itself, when the node's text starts with it.
    fn tag_span(&self, tag: &Tag, sp: Span) -> Span {
        let at = &self.text[sp.range()];
        let shown = if tag.handle == "!" {
            format!("!{}", tag.suffix)
        } else {
            tag.to_string()
        };
        if at.starts_with(&shown) {
            Span::new(
                self.file,
                sp.start as usize..sp.start as usize + shown.len(),
            )
        } else {
            sp
        }
    }

    /// Wraps a value in the long form of its CloudFormation tag (or reports an unknown tag).
    fn apply_tag(&mut self, value: Value, tag: Option<&Tag>, sp: Span) -> Value {
        let Some(tag) = tag.filter(|t| !is_non_specific(t)) else {
            return value;
        };
        if tag.is_yaml_core_schema() {
            if !matches!(tag.suffix.as_str(), "map" | "seq" | "str") {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "yaml-tag",
                        format!(
                            "CloudFormation does not support the YAML tag `!!{}`",
                            tag.suffix
                        ),
                    )
                    .at(sp),
                );
            }
            return value;
        }
        let key = if tag.handle == "!" {
            match tag.suffix.as_str() {
                "Ref" => Some("Ref".to_string()),
                "Condition" => Some("Condition".to_string()),
                s if FN_TAGS.contains(&s) => Some(format!("Fn::{s}")),
                _ => None,
            }
        } else {
            None
        };
        let Some(key) = key else {
            self.diagnostics.push(
                Diagnostic::warning(
                    "yaml-tag",
                    format!(
                        "unknown tag `{tag}`: CloudFormation does not know it; the value is read without it"
                    ),
                )
                .at(self.tag_span(tag, sp)),
            );
            return value;
        };
        let mut map = Map::new();
        map.push(key, Some(self.tag_span(tag, sp)), value);
        Value::new(Val::Map(map), Some(sp))
    }

    /// Hands a finished node to its parent (or makes it the root).
    fn complete(&mut self, value: Value, raw_key: Option<String>, sp: Span) {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(value);
            }
            return;
        };
        frame.end = frame.end.max(sp.end as usize);
        match &mut frame.kind {
            Kind::Seq(items) => items.push(value),
            Kind::Map(map, pending, seen) => match pending.take() {
                None => {
                    let key = match raw_key {
                        Some(k)
                            if matches!(
                                value.kind,
                                Val::Str(_) | Val::Null | Val::Bool(_) | Val::Number(_)
                            ) =>
                        {
                            k
                        }
                        _ => {
                            self.diagnostics.push(
                                Diagnostic::warning(
                                    "yaml-key",
                                    "a mapping key that is not a plain string; CloudFormation does not accept it",
                                )
                                .at(sp),
                            );
                            self.text[sp.range()].to_string()
                        }
                    };
                    if let Some(&there) = seen.get(&key) {
                        self.diagnostics.push(
                            Diagnostic::warning(
                                "duplicate-key",
                                format!("duplicate key `{key}`: its meaning is undefined (AWS and YAML parsers differ on which one wins); pullpath reads the first"),
                            )
                            .at(sp)
                            .with_related(there, "first defined here"),
                        );
                    }
                    seen.entry(key.clone()).or_insert(sp);
                    *pending = Some((key, Some(sp)));
                }
                Some((key, key_span)) => {
                    let value = if key == "<<" {
                        self.diagnostics.push(
                            Diagnostic::error(
                                "yaml-alias",
                                "CloudFormation does not support YAML aliases (found a merge key `<<`)",
                            )
                            .at(key_span.unwrap_or(sp)),
                        );
                        Value::unknown(
                            "a YAML merge key, which CloudFormation does not support",
                            Some(sp),
                        )
                    } else {
                        value
                    };
                    map.push(key, key_span, value);
                }
            },
        }
    }
}

/// The non-specific tag `!`.
fn is_non_specific(t: &Tag) -> bool {
    (t.handle == "!" || t.handle.is_empty()) && (t.suffix.is_empty() || t.suffix == "!")
}

/// Resolves a plain (unquoted, untagged) scalar.
fn resolve_plain(raw: &str) -> Val {
    match raw {
        "" | "~" | "null" | "Null" | "NULL" => return Val::Null,
        _ => {}
    }
    if raw.eq_ignore_ascii_case("true") {
        return Val::Bool(true);
    }
    if raw.eq_ignore_ascii_case("false") {
        return Val::Bool(false);
    }
    match parse_number(raw) {
        Some(n) => Val::Number(n),
        None => Val::Str(raw.to_string()),
    }
}

/// A YAML decimal number, unless it has a leading zero (`0755`, `012345678901`) or more digits
/// than an f64 holds exactly, which stay strings.
fn parse_number(raw: &str) -> Option<f64> {
    let b = raw.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - s;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'-' | b'+') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    if int_digits > 1 && b[int_start] == b'0' {
        return None;
    }
    if int_digits + frac_digits > 15 {
        return None;
    }
    raw.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Parsed {
        parse(FileId(0), text).unwrap_or_else(|e| panic!("{}", e.message))
    }

    fn slice<'a>(text: &'a str, v: &Value) -> &'a str {
        &text[v.span.unwrap().range()]
    }

    #[test]
    fn scalars_resolve_like_cloudformation() {
        let text = "a: ~\nb:\nc: TRUE\nd: yes\ne: 0755\nf: 012345678901\ng: 42\nh: -1.5e3\ni: '42'\nj: off\nk: 2010-09-09\nl: 123456789012\nm: 0\nn: 0.5\n";
        let v = p(text).value;
        let get = |k: &str| v.get(k).unwrap().kind.clone();
        assert_eq!(get("a"), Val::Null);
        assert_eq!(get("b"), Val::Null);
        assert_eq!(get("c"), Val::Bool(true));
        assert_eq!(get("d"), Val::Str("yes".into()));
        assert_eq!(get("e"), Val::Str("0755".into()));
        assert_eq!(get("f"), Val::Str("012345678901".into()));
        assert_eq!(get("g"), Val::Number(42.0));
        assert_eq!(get("h"), Val::Number(-1500.0));
        assert_eq!(get("i"), Val::Str("42".into()));
        assert_eq!(get("j"), Val::Str("off".into()));
        assert_eq!(get("k"), Val::Str("2010-09-09".into()));
        assert_eq!(get("l"), Val::Number(123456789012.0));
        assert_eq!(get("m"), Val::Number(0.0));
        assert_eq!(get("n"), Val::Number(0.5));
    }

    #[test]
    fn short_tags_become_long_form() {
        let text = "A: !Ref Vpc\nB: !GetAtt Role.Arn\nC: !Sub 'com.amazonaws.${AWS::Region}.ecr.dkr'\nD: !If [Cond, !Ref X, !Ref AWS::NoValue]\nE: !Condition IsProd\nF: !GetAZs ''\n";
        let v = p(text).value;
        let a = v.get("A").unwrap();
        assert_eq!(slice(text, a), "!Ref Vpc");
        let e = a.as_map().unwrap().get_entry("Ref").unwrap();
        assert_eq!(&text[e.key_span.unwrap().range()], "!Ref");
        assert_eq!(e.value.as_str(), Some("Vpc"));
        assert_eq!(slice(text, &e.value), "Vpc");
        assert_eq!(
            v.get("B").unwrap().get("Fn::GetAtt").unwrap().as_str(),
            Some("Role.Arn")
        );
        let sub = v.get("C").unwrap().get("Fn::Sub").unwrap();
        assert_eq!(sub.as_str(), Some("com.amazonaws.${AWS::Region}.ecr.dkr"));
        let d = v.get("D").unwrap();
        assert_eq!(slice(text, d), "!If [Cond, !Ref X, !Ref AWS::NoValue]");
        let items = d.get("Fn::If").unwrap().as_list().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[2].get("Ref").unwrap().as_str(), Some("AWS::NoValue"));
        assert_eq!(slice(text, &items[1]), "!Ref X");
        assert_eq!(
            v.get("E").unwrap().get("Condition").unwrap().as_str(),
            Some("IsProd")
        );
        assert_eq!(
            v.get("F").unwrap().get("Fn::GetAZs").unwrap().as_str(),
            Some("")
        );
    }

    #[test]
    fn tagged_collections_and_unknown_tags() {
        let text = "A: !Join\n  - ''\n  - - a\n    - !Ref B\nB: !Foo bar\n";
        let parsed = p(text);
        let a = parsed.value.get("A").unwrap();
        let join = a.get("Fn::Join").unwrap().as_list().unwrap();
        assert_eq!(join.len(), 2);
        assert!(slice(text, a).starts_with("!Join"));
        assert_eq!(parsed.value.get("B").unwrap().as_str(), Some("bar"));
        assert_eq!(parsed.diagnostics.len(), 1);
        assert_eq!(parsed.diagnostics[0].code, "yaml-tag");
        assert_eq!(&text[parsed.diagnostics[0].span.unwrap().range()], "!Foo");
    }

    #[test]
    fn spans_are_bytes_after_non_ascii() {
        let text =
            "Description: \"é😀 ünïcode\"\nKey: !Ref Välue\nList: [a, 'b', \"c\"]\nMap: {x: 1}\n";
        let v = p(text).value;
        let k = v.get("Key").unwrap();
        assert_eq!(slice(text, k), "!Ref Välue");
        assert_eq!(slice(text, k.get("Ref").unwrap()), "Välue");
        let key = v.as_map().unwrap().get_entry("Key").unwrap();
        assert_eq!(&text[key.key_span.unwrap().range()], "Key");
        let list = v.get("List").unwrap();
        assert_eq!(slice(text, list), "[a, 'b', \"c\"]");
        assert_eq!(slice(text, &list.as_list().unwrap()[1]), "'b'");
        assert_eq!(slice(text, v.get("Map").unwrap()), "{x: 1}");
        assert_eq!(
            slice(text, v.get("Description").unwrap()),
            "\"é😀 ünïcode\""
        );
    }

    #[test]
    fn block_collection_spans_end_at_last_child() {
        let text = "A:\n  B: 1\n  C:\n    - x\n    - y\nD: 2\n";
        let v = p(text).value;
        assert_eq!(
            slice(text, v.get("A").unwrap()),
            "B: 1\n  C:\n    - x\n    - y"
        );
        assert_eq!(
            slice(text, v.get("A").unwrap().get("C").unwrap()),
            "- x\n    - y"
        );
    }

    #[test]
    fn duplicates_are_kept_and_reported() {
        let text = "A: 1\nB: 2\nA: 3\n";
        let parsed = p(text);
        let m = parsed.value.as_map().unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(parsed.value.get("A").unwrap().as_f64(), Some(1.0));
        let d = &parsed.diagnostics[0];
        assert_eq!(d.code, "duplicate-key");
        assert_eq!(d.span.unwrap().range(), 10..11);
        assert_eq!(d.related[0].0.range(), 0..1);
    }

    #[test]
    fn aliases_are_errors_and_unknown() {
        let text = "A: &x\n  k: v\nB: *x\nC:\n  <<: *x\n  d: 1\n";
        let parsed = p(text);
        assert!(parsed.value.get("B").unwrap().is_unknown());
        assert_eq!(slice(text, parsed.value.get("B").unwrap()), "*x");
        assert!(parsed
            .value
            .get("C")
            .unwrap()
            .get("<<")
            .unwrap()
            .is_unknown());
        let aliases = parsed
            .diagnostics
            .iter()
            .filter(|d| d.code == "yaml-alias")
            .count();
        assert!(aliases >= 3, "{:?}", parsed.diagnostics);
        assert!(parsed
            .diagnostics
            .iter()
            .all(|d| d.severity == crate::base::Severity::Error));
    }

    #[test]
    fn many_keys_are_linear() {
        let mut text = String::new();
        for i in 0..50_000 {
            text.push_str(&format!("k{i}: {i}\n"));
        }
        text.push_str("k7: dup\n");
        let started = std::time::Instant::now();
        let parsed = p(&text);
        assert_eq!(parsed.value.as_map().unwrap().len(), 50_001);
        assert_eq!(parsed.diagnostics.len(), 1);
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn several_documents_warn() {
        let parsed = p("a: 1\n---\nb: \"x\ty\"\n");
        assert_eq!(parsed.value.get("a").unwrap().as_f64(), Some(1.0));
        assert!(parsed.value.get("b").is_none());
        assert_eq!(parsed.diagnostics.len(), 1, "{:?}", parsed.diagnostics);
        assert_eq!(parsed.diagnostics[0].code, "multiple-documents");
    }

    #[test]
    fn errors_have_position() {
        let text = "a: 1\nb: [x, y\n";
        let e = parse(FileId(0), text).err().unwrap();
        assert_eq!(e.code, "parse-error");
        assert!(e.message.contains("line "), "{}", e.message);
        assert!(e.span.is_some());
        let text = "é: x\n  - b: [\n  c: d\n";
        let e = parse(FileId(0), text).err().unwrap();
        let sp = e.span.unwrap();
        assert!(text.is_char_boundary(sp.start as usize) && text.is_char_boundary(sp.end as usize));
    }

    #[test]
    fn error_position_is_exact() {
        // a tab where indentation is expected: saphyr reports it at the tab
        let text = "é: 1\nb: \"unterminated\n";
        let e = parse(FileId(0), text).err().unwrap();
        assert!(e.message.contains("line "), "{}", e.message);
        let start = e.span.unwrap().start as usize;
        assert!(start >= 5, "{start}: {}", e.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let e = parse(FileId(0), &text).err().unwrap();
        assert_eq!(e.code, "parse-error");
        let mut block = String::new();
        for i in 0..400 {
            block.push_str(&" ".repeat(i));
            block.push_str("k:\n");
        }
        assert!(parse(FileId(0), &block).is_err());
    }

    #[test]
    fn tabs_outside_strings_are_errors() {
        let text = "a: True\t# comment\nb: |\n  x\ty\nc: \"q\tq\" # t\tt\n";
        let parsed = p(text);
        let errs: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.code == "parse-error")
            .collect();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].span.unwrap().range(), 7..8);
        assert!(
            errs[0].message.contains("line 1, column 8"),
            "{}",
            errs[0].message
        );
        assert_eq!(parsed.value.get("a").unwrap().kind, Val::Bool(true));
        let ok = p("b: |\n  x\ty\nc: \"q\tq\" # t\tt\n");
        assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    }

    #[test]
    fn under_indented_flow_collections_parse() {
        let text = "A:\n  B:\n    Command: [\n      \"a\",\n    \"é\"\n    ]\n    C: 1\n";
        let parsed = p(text);
        let cmd = parsed
            .value
            .get("A")
            .unwrap()
            .get("B")
            .unwrap()
            .get("Command")
            .unwrap();
        assert_eq!(cmd.as_list().unwrap().len(), 2);
        assert_eq!(slice(text, &cmd.as_list().unwrap()[1]), "\"é\"");
        assert_eq!(
            slice(
                text,
                parsed
                    .value
                    .get("A")
                    .unwrap()
                    .get("B")
                    .unwrap()
                    .get("C")
                    .unwrap()
            ),
            "1"
        );
        // block indentation errors are still errors
        assert!(parse(FileId(0), "a:\n  - b\n - c\n").is_err());
        // a flow error that padding cannot fix is reported where it is, after a few attempts
        let text = "a:\n  b: [x,\n  y: z\n";
        let e = parse(FileId(0), text).err().unwrap();
        assert!(e.message.contains("line "), "{}", e.message);
    }

    #[test]
    fn non_specific_tag_is_a_string() {
        let text = "a: [x, ! \"Ref\": y]\nb: ! 12\n";
        let parsed = p(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let a = parsed.value.get("a").unwrap().as_list().unwrap();
        assert_eq!(a[1].get("Ref").unwrap().as_str(), Some("y"));
        assert_eq!(parsed.value.get("b").unwrap().as_str(), Some("12"));
    }

    #[test]
    fn block_scalar_at_end_of_file_without_newline() {
        let v = p("a: >\n  x\n  y").value;
        assert_eq!(v.get("a").unwrap().as_str(), Some("x y"));
        let v = p("a: |\n  x\n  y").value;
        assert_eq!(v.get("a").unwrap().as_str(), Some("x\ny"));
        let v = p("a: |\n  x\n  y\n").value;
        assert_eq!(v.get("a").unwrap().as_str(), Some("x\ny\n"));
        let v = p("a: |\n  x\nb: 1").value;
        assert_eq!(v.get("a").unwrap().as_str(), Some("x\n"));
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(p("").value.kind, Val::Null);
        assert_eq!(p("# only a comment\n").value.kind, Val::Null);
    }
}
