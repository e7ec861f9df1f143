//! JSON held in strings: a string that decodes to JSON (`jsonencode` output, a CloudFormation
//! `PolicyDocument` string, container definitions) and a template that renders to JSON, with the
//! spans of what they hold mapped back into the source where the text allows.

use crate::base::align::TextMap;
use crate::base::{Diagnostic, FileId, Span, Val, Value};

use super::Cx;

/// Moves the spans of JSON parsed from a decoded text (positions in that text) to the source
/// through `m`; a position that does not map gets `fallback`, the whole string's span.
fn remap(v: &mut Value, m: &TextMap, fallback: Option<Span>) {
    let to_source = |s: Option<Span>| s.and_then(|s| m.span(s.range())).or(fallback);
    v.span = to_source(v.span);
    match &mut v.kind {
        Val::List(l) | Val::Template(l) | Val::Choice(l) => {
            l.iter_mut().for_each(|x| remap(x, m, fallback))
        }
        Val::Map(map) => map.entries.iter_mut().for_each(|e| {
            e.key_span = to_source(e.key_span);
            remap(&mut e.value, m, fallback)
        }),
        Val::Encoded(x) => remap(x, m, fallback),
        _ => {}
    }
}

/// Decodes a string holding JSON. When the string's span covers exactly its text (plain text
/// or the text between quotes), spans point inside the source; when the source writes it
/// otherwise (escapes, a heredoc's indentation), they are mapped back through a [`TextMap`];
/// what cannot be mapped gets the string's span.
pub fn decode_json_string(s: &str, span: Option<Span>, cx: &mut Cx) -> Result<Value, Diagnostic> {
    let (file, base, exact) = match span {
        Some(sp) if sp.range().len() == s.len() + 2 => (sp.file, sp.start as usize + 1, true),
        Some(sp) if sp.range().len() == s.len() => (sp.file, sp.start as usize, true),
        Some(sp) => (sp.file, 0, false),
        None => (FileId(0), 0, false),
    };
    let map = (!exact).then(|| {
        let mut m = TextMap::new();
        cx.push_text(&mut m, s, span, span);
        m
    });
    let to_source = |d: &mut Diagnostic| {
        if let Some(m) = &map {
            d.span = d.span.and_then(|sp| m.span(sp.range())).or(span);
        }
    };
    match crate::syntax::json::parse(file, s, base) {
        Ok(mut p) => {
            if let Some(m) = &map {
                remap(&mut p.value, m, span);
            }
            p.diagnostics.iter_mut().for_each(to_source);
            cx.diagnostics.append(&mut p.diagnostics);
            Ok(p.value)
        }
        Err(mut d) => {
            to_source(&mut d);
            Err(d)
        }
    }
}

/// Placeholder delimiters for the non-literal parts of a JSON template (private-use characters,
/// valid inside JSON strings, never written by users).
const PH_OPEN: char = '\u{E000}';
const PH_CLOSE: char = '\u{E001}';

/// Decodes a template that renders to JSON (`<<EOF {"Resource": "${aws_s3_bucket.b.arn}/*"} EOF`,
/// `templatefile(...)`) when its non-literal parts all sit inside JSON strings: each such string
/// becomes the part itself, or a template of its pieces; a part written where a value goes
/// (`"containerPort": ${var.port}`) becomes that value. Positions in the literal parts map back
/// to the source through a [`TextMap`]; what does not map gets the template's span. `None` when
/// it is not such JSON.
pub fn decode_json_template(parts: &[Value], span: Option<Span>, cx: &Cx) -> Option<Value> {
    let mut text = String::new();
    let mut map = TextMap::new();
    // Whether the text so far ends inside a JSON string: a part outside one stands for a whole
    // value (`"containerPort": ${var.port}`) and is written as a string holding only it.
    let (mut in_string, mut escaped) = (false, false);
    for (i, p) in parts.iter().enumerate() {
        let lit = match &p.kind {
            Val::Str(s) => Some(s.clone()),
            Val::Number(n) => Some(crate::base::value::format_number(*n)),
            _ => None,
        };
        match lit {
            Some(lit) => {
                for b in lit.bytes() {
                    match (in_string, escaped, b) {
                        (true, true, _) => escaped = false,
                        (true, false, b'\\') => escaped = true,
                        (_, false, b'"') => in_string = !in_string,
                        _ => {}
                    }
                }
                cx.push_text(&mut map, &lit, p.span, span);
                text.push_str(&lit);
            }
            None => {
                let start = text.len();
                if !in_string {
                    text.push('"');
                }
                text.push(PH_OPEN);
                text.push_str(&i.to_string());
                text.push(PH_CLOSE);
                if !in_string {
                    text.push('"');
                }
                map.push_opaque(text.len() - start, p.span.or(span));
            }
        }
    }
    let mut v = crate::syntax::json::parse(FileId(0), &text, 0).ok()?.value;
    remap(&mut v, &map, span);
    fill_placeholders(&mut v, parts);
    Some(v)
}

/// Puts the parts back in place of their placeholders; the literal pieces around them get the
/// span of the string that holds them.
fn fill_placeholders(v: &mut Value, parts: &[Value]) {
    match &mut v.kind {
        Val::Str(s) if s.contains(PH_OPEN) => {
            let span = v.span;
            let mut pieces = Vec::new();
            let mut rest = s.as_str();
            while let Some(open) = rest.find(PH_OPEN) {
                if open > 0 {
                    pieces.push(Value::str(&rest[..open], span));
                }
                let after = &rest[open + PH_OPEN.len_utf8()..];
                let Some(close) = after.find(PH_CLOSE) else {
                    break;
                };
                if let Some(part) = after[..close]
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| parts.get(i))
                {
                    pieces.push(part.clone());
                }
                rest = &after[close + PH_CLOSE.len_utf8()..];
            }
            if !rest.is_empty() {
                pieces.push(Value::str(rest, span));
            }
            *v = if pieces.len() == 1 {
                pieces.pop().unwrap_or_else(|| Value::null(span))
            } else {
                Value::new(Val::Template(pieces), span)
            };
        }
        Val::List(l) => l.iter_mut().for_each(|x| fill_placeholders(x, parts)),
        Val::Map(m) => m
            .entries
            .iter_mut()
            .for_each(|e| fill_placeholders(&mut e.value, parts)),
        _ => {}
    }
}
