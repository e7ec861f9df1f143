//! Encodings: base64, URL, JSON (with spans into the JSON text), CSV.

use crate::base::value::format_number;
use crate::base::{Map, SourceFile, Span, Val, Value};
use crate::syntax::json;

use super::{type_name, Cx, Res};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with padding, as Go's `StdEncoding` (line breaks are ignored).
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|b| *b != b'\n' && *b != b'\r').collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.len() / 4;
    for (ci, chunk) in clean.chunks(4).enumerate() {
        let mut n: u32 = 0;
        let mut pad = 0;
        for (k, &ch) in chunk.iter().enumerate() {
            let v = match ch {
                b'=' if ci + 1 == chunks && k >= 2 => {
                    pad += 1;
                    0
                }
                _ if pad > 0 => return None,
                _ => B64.iter().position(|&x| x == ch)? as u32,
            };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

pub fn base64encode(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    Ok(c.out(Val::Str(base64_encode(c.string(&a[0])?.as_bytes()))))
}

pub fn base64decode(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let s = c.string(&a[0])?;
    let bytes = base64_decode(&s).ok_or_else(|| c.fail("failed to decode base64 data"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| c.fail("the result of decoding the provided string is not valid UTF-8"))?;
    Ok(c.out(Val::Str(text)))
}

fn utf8_encoding(c: &Cx, v: &Value) -> Res<()> {
    let e = c.string(v)?;
    if matches!(e.to_ascii_uppercase().as_str(), "UTF-8" | "UTF8") {
        Ok(())
    } else {
        Err(c.fail(format!("the encoding {e} is not supported (only UTF-8 is)")))
    }
}

pub fn textencodebase64(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let s = c.string(&a[0])?;
    utf8_encoding(c, &a[1])?;
    Ok(c.out(Val::Str(base64_encode(s.as_bytes()))))
}

pub fn textdecodebase64(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    utf8_encoding(c, &a[1])?;
    base64decode(c, &a[..1])
}

/// Go's `url.QueryEscape`.
pub fn urlencode(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let s = c.string(&a[0])?;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(c.out(Val::Str(out)))
}

/// `jsonencode(v)` is `Encoded(v)`: structure, spans and unknown parts are kept.
pub fn jsonencode(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    Ok(c.out(Val::Encoded(Box::new(a[0].clone()))))
}

/// A JSON string literal, escaped as Terraform (Go) escapes it: `<`, `>`, `&`, U+2028 and U+2029
/// as `\uXXXX`.
pub(crate) fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", ch as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The JSON text Terraform's `jsonencode` would produce (compact, keys sorted), or `None` when
/// something inside is not known.
pub(crate) fn to_json_string(v: &Value) -> Option<String> {
    let mut out = String::new();
    write_json(v, &mut out, 0).then_some(out)
}

fn write_json(v: &Value, out: &mut String, depth: usize) -> bool {
    if depth > 256 {
        return false;
    }
    match &v.deref().kind {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Number(n) => out.push_str(&format_number(*n)),
        Val::Str(s) => out.push_str(&json_quote(s)),
        Val::List(l) => {
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write_json(e, out, depth + 1) {
                    return false;
                }
            }
            out.push(']');
        }
        Val::Map(m) => {
            let mut keys = super::unique_keys(m);
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_quote(k));
                out.push(':');
                match m.get(k) {
                    Some(e) if write_json(e, out, depth + 1) => {}
                    _ => return false,
                }
            }
            out.push('}');
        }
        Val::Encoded(inner) => match to_json_string(inner) {
            Some(s) => out.push_str(&json_quote(&s)),
            None => return false,
        },
        _ => return false,
    }
    true
}

/// `jsondecode(s)`: `Encoded(v)` gives `v` back; a known string is parsed, with spans into the
/// source text when the string is written there (a whole file read by `file()`, a heredoc, a
/// quoted literal), else every node gets the string's own span.
pub fn jsondecode(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let d = a[0].deref();
    match &d.kind {
        Val::Encoded(inner) => Ok(c.pick(inner)),
        Val::Str(s) => decode_json(c, s, d.span.or(a[0].span)),
        Val::Null => Err(c.fail("argument must not be null")),
        Val::Number(_) | Val::Bool(_) => decode_json(c, &c.string(d)?, d.span),
        Val::List(_) | Val::Map(_) => {
            Err(c.fail(format!("expects a string, got {}", type_name(d))))
        }
        Val::Template(parts) => decode_template(c, parts, d.span.or(c.span)),
        _ => Err(c.unknown_of(d)),
    }
}

/// Marks a template part inside a JSON string (private-use characters, not found in real text).
const IN_STR: (char, char) = ('\u{E000}', '\u{E001}');
/// Marks a template part standing for a whole JSON value (written inside quotes).
const AS_VALUE: (char, char) = ('\u{E002}', '\u{E003}');

/// `jsondecode` of a string with unknown parts (a heredoc with `${...}`, a `templatefile`): the
/// JSON structure is decoded from the known text; a part inside a JSON string makes that string a
/// `Template`; a part standing for a whole value (`"cpu": ${var.cpu}`) becomes that value (the
/// structure inside a `jsonencode(...)` part is kept). Spans point at the literal text where it
/// is written. Unknown when the structure itself depends on a part (a part as an object key, or
/// text around a part outside a string).
fn decode_template(c: &Cx, parts: &[Value], span: Option<Span>) -> Res<Value> {
    let mut text = String::new();
    let mut origins: Vec<Option<Span>> = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    for (k, p) in parts.iter().enumerate() {
        let d = p.deref();
        let literal = match &d.kind {
            Val::Str(s) => Some(s.clone()),
            Val::Number(n) => Some(format_number(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match literal {
            Some(lit) => {
                let exact = d
                    .span
                    .filter(|sp| source_text(c, *sp).as_deref() == Some(lit.as_str()));
                for (i, b) in lit.bytes().enumerate() {
                    origins.push(match exact {
                        Some(sp) => Some(Span::new(
                            sp.file,
                            sp.start as usize + i..sp.start as usize + i + 1,
                        )),
                        None => d.span.or(p.span),
                    });
                    if in_string {
                        if escaped {
                            escaped = false;
                        } else if b == b'\\' {
                            escaped = true;
                        } else if b == b'"' {
                            in_string = false;
                        }
                    } else if b == b'"' {
                        in_string = true;
                    }
                }
                text.push_str(&lit);
            }
            None => {
                let marker = if in_string {
                    format!("{}{k}{}", IN_STR.0, IN_STR.1)
                } else {
                    format!("\"{}{k}{}\"", AS_VALUE.0, AS_VALUE.1)
                };
                origins.extend(std::iter::repeat_n(p.span.or(span), marker.len()));
                text.push_str(&marker);
            }
        }
    }
    let file = span.map(|sp| sp.file).unwrap_or(crate::base::FileId(0));
    let parsed = json::parse(file, &text, 0).map_err(|e| {
        // The text around a part not known statically may be what breaks the JSON.
        match parts.iter().find(|p| !super::is_primitive(p)) {
            Some(p) => c.limit(format!(
                "{} (the text has parts not known statically: {})",
                e.message,
                super::reason_of(p)
            )),
            None => c.fail(e.message),
        }
    })?;
    let mut v = parsed.value;
    place_parts(c, &mut v, parts, &origins, span, 0)?;
    Ok(v)
}

fn source_text(c: &Cx, sp: Span) -> Option<String> {
    if (sp.file.0 as usize) >= c.fx.sources.len() {
        return None;
    }
    c.fx.sources
        .get(sp.file)
        .text
        .get(sp.range())
        .map(str::to_string)
}

fn origin_span(origins: &[Option<Span>], sp: Option<Span>, fallback: Option<Span>) -> Option<Span> {
    let sp = sp?;
    let (s, e) = (sp.start as usize, sp.end as usize);
    let first = origins.get(s).copied().flatten();
    let last = origins.get(e.saturating_sub(1).max(s)).copied().flatten();
    match (first, last) {
        (Some(a), Some(b)) if a.file == b.file && a.start <= b.end => Some(Span {
            file: a.file,
            start: a.start,
            end: b.end,
        }),
        (Some(a), _) => Some(a),
        _ => fallback,
    }
}

/// Splits `s` at the markers `open k close` (`Err(k)` for a marker), `None` when there is none.
fn split_markers(s: &str, (open, close): (char, char)) -> Option<Vec<Result<String, usize>>> {
    if !s.contains(open) {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(open) {
        if i > 0 {
            out.push(Ok(rest[..i].to_string()));
        }
        let after = &rest[i + open.len_utf8()..];
        let j = after.find(close)?;
        out.push(Err(after[..j].parse().ok()?));
        rest = &after[j + close.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Ok(rest.to_string()));
    }
    Some(out)
}

fn place_parts(
    c: &Cx,
    v: &mut Value,
    parts: &[Value],
    origins: &[Option<Span>],
    fallback: Option<Span>,
    depth: usize,
) -> Res<()> {
    if depth > 512 {
        return Err(c.limit("nesting is too deep"));
    }
    let here = origin_span(origins, v.span, fallback);
    match &mut v.kind {
        Val::Str(s) => {
            if let Some(pieces) = split_markers(s, AS_VALUE) {
                let [Err(k)] = pieces[..] else {
                    return Err(
                        c.limit("a value is partly written around a part not known statically")
                    );
                };
                let part = parts
                    .get(k)
                    .ok_or_else(|| c.limit("internal marker error"))?;
                *v = match &part.deref().kind {
                    Val::Encoded(inner) => c.pick(inner),
                    Val::Template(_) => Value::unknown(super::reason_of(part), part.span.or(here)),
                    _ => c.pick(part),
                };
                return Ok(());
            }
            if let Some(pieces) = split_markers(s, IN_STR) {
                if let [Err(k)] = pieces[..] {
                    // The whole string is the part (`"image": "${var.image}"`).
                    let part = parts
                        .get(k)
                        .ok_or_else(|| c.limit("internal marker error"))?;
                    *v = c.pick(part);
                    return Ok(());
                }
                let mut out = Vec::new();
                for p in pieces {
                    match p {
                        Ok(text) => out.push(Value::str(text, here)),
                        Err(k) => out.push(
                            parts
                                .get(k)
                                .cloned()
                                .ok_or_else(|| c.limit("internal marker error"))?,
                        ),
                    }
                }
                *v = super::build_string(out, here);
                return Ok(());
            }
            v.span = here;
        }
        Val::List(l) => {
            v.span = here;
            for e in l.iter_mut() {
                place_parts(c, e, parts, origins, fallback, depth + 1)?;
            }
        }
        Val::Map(m) => {
            v.span = here;
            for e in m.entries.iter_mut() {
                if e.key.contains(IN_STR.0) || e.key.contains(AS_VALUE.0) {
                    return Err(c.limit("an object key depends on a part not known statically"));
                }
                e.key_span = origin_span(origins, e.key_span, fallback);
                place_parts(c, &mut e.value, parts, origins, fallback, depth + 1)?;
            }
        }
        _ => v.span = here,
    }
    Ok(())
}

fn decode_json(c: &Cx, s: &str, span: Option<Span>) -> Res<Value> {
    let source = span.and_then(|sp| {
        let in_map = (sp.file.0 as usize) < c.fx.sources.len();
        in_map.then(|| (sp, c.fx.sources.get(sp.file)))
    });
    if let Some((sp, file)) = &source {
        if let Some(offsets) = align(s, file, *sp) {
            let parsed = json::parse(sp.file, s, 0).map_err(|e| c.fail(e.message))?;
            let mut v = parsed.value;
            remap(&mut v, &offsets);
            return Ok(v);
        }
    }
    let file = span.map(|sp| sp.file).unwrap_or(crate::base::FileId(0));
    let parsed = json::parse(file, s, 0).map_err(|e| c.fail(e.message))?;
    let mut v = parsed.value;
    respan(&mut v, span.or(c.span));
    Ok(v)
}

/// Maps every byte of `s` to its offset in the file, when the text under `span` is `s` as
/// written: exactly (a whole file, an unescaped heredoc), inside quotes with escapes `\\`, `\"`,
/// `$${`, `%%{`, or in a heredoc (`<<EOF`/`<<-EOF`, indentation removed). One more offset for
/// the end. `None` when `s` cannot be found there that way.
fn align(s: &str, file: &SourceFile, span: Span) -> Option<Offsets> {
    let src = file.text.get(span.range())?;
    let base = span.start as usize;
    if src == s {
        return Some(Offsets {
            starts: (0..=s.len()).map(|i| (base + i) as u32).collect(),
            ends: (0..s.len()).map(|i| (base + i) as u32).collect(),
        });
    }
    let (start, skip, rest_ok): (usize, &[u8], fn(&str) -> bool) =
        if src.len() >= 2 && src.starts_with('"') && src.ends_with('"') {
            (1, b"\\$%", |rest| rest == "\"")
        } else if src.starts_with("<<") {
            let nl = src.find('\n')? + 1;
            let flush = src.starts_with("<<-");
            let skip: &[u8] = if flush { b" \t$%" } else { b"$%" };
            (nl, skip, |rest| {
                let r = rest.trim();
                !r.is_empty()
                    && r.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            })
        } else {
            return None;
        };
    let (sb, tb) = (s.as_bytes(), src.as_bytes());
    // starts[i]: where byte i begins in the source, escape included (`\"` starts at `\\`);
    // ends[i]: the offset of byte i itself.
    let mut starts = Vec::with_capacity(sb.len() + 1);
    let mut ends = Vec::with_capacity(sb.len());
    let (mut i, mut j, mut pending) = (0, start, start);
    while i < sb.len() {
        let t = *tb.get(j)?;
        if sb[i] == t {
            starts.push((base + pending) as u32);
            ends.push((base + j) as u32);
            i += 1;
            pending = j + 1;
        } else if !skip.contains(&t) {
            return None;
        } else if t == b' ' || t == b'\t' {
            pending = j + 1;
        }
        j += 1;
    }
    if !rest_ok(&src[j..]) {
        return None;
    }
    starts.push((base + j) as u32);
    Some(Offsets { starts, ends })
}

/// See [`align`].
struct Offsets {
    starts: Vec<u32>,
    ends: Vec<u32>,
}

fn remap(v: &mut Value, offsets: &Offsets) {
    let fix = |sp: &mut Option<Span>| {
        if let Some(sp) = sp {
            let (s, e) = (sp.start as usize, sp.end as usize);
            let start = offsets.starts.get(s).copied().unwrap_or(sp.start);
            let end = if e > s {
                offsets.ends.get(e - 1).map(|o| o + 1).unwrap_or(sp.end)
            } else {
                start
            };
            sp.start = start;
            sp.end = end;
        }
    };
    fix(&mut v.span);
    match &mut v.kind {
        Val::List(l) => l.iter_mut().for_each(|e| remap(e, offsets)),
        Val::Map(m) => {
            for e in &mut m.entries {
                fix(&mut e.key_span);
                remap(&mut e.value, offsets);
            }
        }
        _ => {}
    }
}

fn respan(v: &mut Value, span: Option<Span>) {
    v.span = span;
    match &mut v.kind {
        Val::List(l) => l.iter_mut().for_each(|e| respan(e, span)),
        Val::Map(m) => {
            for e in &mut m.entries {
                e.key_span = span;
                respan(&mut e.value, span);
            }
        }
        _ => {}
    }
}

/// `csvdecode(s)`: RFC 4180 with a header line, as Go's `encoding/csv` reads it; a list of maps
/// of strings.
pub fn csvdecode(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let s = c.string(&a[0])?;
    let rows = parse_csv(&s).ok_or_else(|| c.fail("invalid CSV"))?;
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return Err(c.fail("missing header line"));
    };
    let mut out = Vec::new();
    for (i, row) in rows.enumerate() {
        if row.len() != header.len() {
            return Err(c.fail(format!(
                "record {} has {} fields, the header has {}",
                i + 2,
                row.len(),
                header.len()
            )));
        }
        let mut m = Map::new();
        for (k, v) in header.iter().zip(row) {
            m.insert(k.clone(), None, Value::str(v, c.span));
        }
        m.entries.sort_by(|x, y| x.key.cmp(&y.key));
        out.push(c.out(Val::Map(m)));
    }
    Ok(c.out(Val::List(out)))
}

fn parse_csv(s: &str) -> Option<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    let mut chars = s.chars().peekable();
    while chars.peek().is_some() {
        let mut row = Vec::new();
        loop {
            let mut field = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                loop {
                    match chars.next()? {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        '"' => break,
                        ch => field.push(ch),
                    }
                }
                match chars.peek() {
                    None | Some(',') | Some('\n') | Some('\r') => {}
                    _ => return None,
                }
            } else {
                while let Some(&ch) = chars.peek() {
                    if ch == ',' || ch == '\n' || ch == '\r' {
                        break;
                    }
                    if ch == '"' {
                        return None;
                    }
                    field.push(ch);
                    chars.next();
                }
            }
            row.push(field);
            match chars.next() {
                Some(',') => continue,
                Some('\r') => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    break;
                }
                _ => break,
            }
        }
        // Go's reader skips empty lines.
        if !(row.len() == 1 && row[0].is_empty()) {
            rows.push(row);
        }
    }
    Some(rows)
}
