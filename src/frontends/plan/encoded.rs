//! JSON documents held in string attributes (`container_definitions`, policies). When the
//! configuration says such an attribute references other resources (`jsonencode` of a structure
//! with `aws_cloudwatch_log_group.app.name` inside), the planned string is decoded and the leaves
//! equal to a referenced attribute's planned value become references, keeping the edge.
//! Spans of the decoded values point at their (escaped) text inside the plan's string literal.

use crate::base::{FileId, Span, Val, Value};
use crate::syntax::json;

/// Decodes the JSON string literal at `span` in `text` (quotes included) to its value and, for
/// each byte of the value, its offset in `text` (one more entry for the end).
fn unescape(text: &str, span: Span) -> Option<(String, Vec<u32>)> {
    let lit = text.get(span.range())?;
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    let base = span.start as usize + 1;
    let mut out = String::with_capacity(inner.len());
    let mut map = Vec::with_capacity(inner.len() + 1);
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ch = if c == '\\' {
            let (_, e) = chars.next()?;
            match e {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let hex = |chars: &mut std::iter::Peekable<std::str::CharIndices>| {
                        let mut v = 0u32;
                        for _ in 0..4 {
                            v = v * 16 + chars.next()?.1.to_digit(16)?;
                        }
                        Some(v)
                    };
                    let hi = hex(&mut chars)?;
                    if (0xD800..0xDC00).contains(&hi) {
                        if chars.next()?.1 != '\\' || chars.next()?.1 != 'u' {
                            return None;
                        }
                        let lo = hex(&mut chars)?;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?))?
                    } else {
                        char::from_u32(hi)?
                    }
                }
                _ => return None,
            }
        } else {
            c
        };
        for _ in 0..ch.len_utf8() {
            map.push((base + i) as u32);
        }
        out.push(ch);
    }
    map.push((base + inner.len()) as u32);
    Some((out, map))
}

fn remap(v: &mut Value, file: FileId, map: &[u32]) {
    if let Some(s) = &mut v.span {
        let at = |o: u32| map.get(o as usize).copied();
        match (at(s.start), at(s.end)) {
            (Some(a), Some(b)) => {
                *s = Span {
                    file,
                    start: a,
                    end: b,
                }
            }
            _ => v.span = None,
        }
    }
    match &mut v.kind {
        Val::List(l) => l.iter_mut().for_each(|x| remap(x, file, map)),
        Val::Map(m) => {
            for e in &mut m.entries {
                if let Some(ks) = &mut e.key_span {
                    match (map.get(ks.start as usize), map.get(ks.end as usize)) {
                        (Some(&a), Some(&b)) => {
                            *ks = Span {
                                file,
                                start: a,
                                end: b,
                            }
                        }
                        _ => e.key_span = None,
                    }
                }
                remap(&mut e.value, file, map);
            }
        }
        _ => {}
    }
}

/// Decodes the string `v` (a JSON object or array) with spans into the plan; `None` otherwise.
pub(super) fn decode(text: &str, v: &Value) -> Option<Value> {
    let Val::Str(s) = &v.kind else { return None };
    if !matches!(s.trim_start().as_bytes().first(), Some(b'{' | b'[')) {
        return None;
    }
    let span = v.span?;
    match unescape(text, span) {
        Some((decoded, map)) if &decoded == s => {
            let mut parsed = json::parse(span.file, &decoded, 0).ok()?.value;
            remap(&mut parsed, span.file, &map);
            Some(parsed)
        }
        _ => {
            // Not the literal we expected: decode the value itself, spans on the whole string.
            let mut parsed = json::parse(span.file, s, 0).ok()?.value;
            set_span(&mut parsed, Some(span));
            Some(parsed)
        }
    }
}

fn set_span(v: &mut Value, span: Option<Span>) {
    v.span = span;
    match &mut v.kind {
        Val::List(l) => l.iter_mut().for_each(|x| set_span(x, span)),
        Val::Map(m) => m.entries.iter_mut().for_each(|e| {
            e.key_span = span;
            set_span(&mut e.value, span)
        }),
        _ => {}
    }
}

/// Replaces the string leaves equal to one of `known` (target, attribute, value) by resolved
/// references; returns how many were replaced.
pub(super) fn link(v: &mut Value, known: &[(String, String, String)]) -> usize {
    match &mut v.kind {
        Val::Str(s) => {
            if let Some((t, a, _)) = known.iter().find(|(_, _, k)| k == s) {
                let resolved = v.clone();
                *v = super::ref_value(t, a, Some(resolved), v.span);
                1
            } else {
                0
            }
        }
        Val::List(l) => l.iter_mut().map(|x| link(x, known)).sum(),
        Val::Map(m) => m
            .entries
            .iter_mut()
            .map(|e| link(&mut e.value, known))
            .sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_json_string_maps_back_to_the_plan() {
        let text = r#"{"cd": "[{\"image\":\"nginx\",\"n\":\"\u00e9\\\"x\"}]"}"#;
        let outer = json::parse(FileId(0), text, 0).unwrap().value;
        let cd = outer.get("cd").unwrap();
        let d = decode(text, cd).unwrap();
        let first = &d.as_list().unwrap()[0];
        let image = first.get("image").unwrap();
        assert_eq!(image.as_str(), Some("nginx"));
        assert_eq!(&text[image.span.unwrap().range()], r#"\"nginx\""#);
        let n = first.get("n").unwrap();
        assert_eq!(n.as_str(), Some("é\"x"));
        assert_eq!(&text[n.span.unwrap().range()], r#"\"\u00e9\\\"x\""#);
        assert!(decode(text, &Value::str("plain", cd.span)).is_none());
    }
}
