//! Value helpers of the template evaluator: intrinsic function nodes, unknown values and their
//! reasons, strings built from parts (with dynamic references), list splitting, equality as
//! CloudFormation compares, and the Base64 and CIDR computations of `Fn::Base64`/`Fn::Cidr`.

use crate::base::{Span, Val, Value};

pub(super) fn fn_name(v: &Value) -> Option<(&str, &Value)> {
    let m = v.as_map()?;
    if m.len() != 1 {
        return None;
    }
    let e = &m.entries[0];
    if e.key == "Ref" || e.key.starts_with("Fn::") {
        Some((e.key.as_str(), &e.value))
    } else {
        None
    }
}

pub(super) fn unknown(reason: impl Into<String>, span: Option<Span>) -> Value {
    Value::unknown(reason, span)
}

pub(super) fn respan(mut v: Value, span: Option<Span>) -> Value {
    if span.is_some() {
        v.span = span;
    }
    v
}

/// A scalar as the string CloudFormation would use.
pub(super) fn scalar_string(v: &Value) -> Option<String> {
    match &v.deref().kind {
        Val::Str(s) => Some(s.clone()),
        Val::Number(n) => Some(crate::base::value::format_number(*n)),
        Val::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Why a value is not a known string, for reasons.
pub(super) fn why_unknown(v: &Value) -> String {
    match &v.deref().kind {
        Val::Unknown(r) => r.to_string(),
        Val::Symbol(s) => format!("{} is known only at deploy time", s.name()),
        Val::Ref(r) if r.attr.is_empty() => format!("it refers to the resource `{}`", r.target),
        Val::Ref(r) => format!("it refers to `{}.{}`", r.target, r.attr),
        Val::Choice(_) => "it depends on a condition that is not known".into(),
        Val::Template(_) => "it is a string with parts known only at deploy time".into(),
        Val::List(_) => "it is a list".into(),
        Val::Map(_) => "it is a map".into(),
        Val::Null => "it is null".into(),
        Val::Encoded(_) => "it is a JSON string".into(),
        _ => "it is not a string".into(),
    }
}

/// Appends a value to string parts (for `Fn::Sub` / `Fn::Join`), flattening templates.
pub(super) fn push_part(parts: &mut Vec<Value>, v: Value) {
    match v.kind {
        Val::Template(inner) => inner.into_iter().for_each(|p| push_part(parts, p)),
        Val::Str(s) => {
            if let Some(Value {
                kind: Val::Str(last),
                span,
            }) = parts.last_mut()
            {
                last.push_str(&s);
                if let (Some(a), Some(b)) = (*span, v.span) {
                    *span = Some(a.cover(b));
                }
            } else {
                parts.push(Value::new(Val::Str(s), v.span));
            }
        }
        Val::Number(_) | Val::Bool(_) => {
            let s = scalar_string(&v).unwrap_or_default();
            push_part(parts, Value::new(Val::Str(s), v.span));
        }
        _ => parts.push(v),
    }
}

pub(super) fn from_parts(mut parts: Vec<Value>, span: Option<Span>) -> Value {
    match parts.len() {
        0 => Value::str("", span),
        // a single part is that value (`!Sub '${Vpc}'` is the reference itself)
        1 => match parts.pop() {
            Some(p) => respan(p, span),
            None => Value::str("", span),
        },
        _ => Value::new(Val::Template(parts), span),
    }
}

/// A string with dynamic references (`{{resolve:ssm:/app/image}}`), which CloudFormation
/// replaces at deploy time: a template whose reference parts are unknown.
pub(super) fn dynamic_refs(text: &str, span: Option<Span>) -> Value {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{resolve:") {
        let Some(len) = rest[i..].find("}}") else {
            break;
        };
        push_part(&mut parts, Value::str(&rest[..i], span));
        let inner = &rest[i + 2..i + len];
        let mut fields = inner.splitn(3, ':');
        let _ = fields.next();
        let service = fields.next().unwrap_or("");
        let name = fields.next().unwrap_or("");
        let from = match service {
            "ssm" => "the SSM parameter",
            "ssm-secure" => "the SecureString SSM parameter",
            "secretsmanager" => "the Secrets Manager secret",
            _ => "the dynamic reference",
        };
        parts.push(unknown(
            format!("resolved at deploy time from {from} `{name}` ({{{{{inner}}}}})"),
            span,
        ));
        rest = &rest[i + len + 2..];
    }
    push_part(&mut parts, Value::str(rest, span));
    parts.retain(|p| !matches!(&p.kind, Val::Str(s) if s.is_empty()));
    if parts.len() == 1 && matches!(parts[0].kind, Val::Unknown(_)) {
        return parts.pop().unwrap_or_else(|| Value::str("", span));
    }
    from_parts(parts, span)
}

/// Applies [`dynamic_refs`] to the known parts of a built string.
pub(super) fn with_dynamic_refs(parts: Vec<Value>) -> Vec<Value> {
    if !parts
        .iter()
        .any(|p| matches!(&p.kind, Val::Str(s) if s.contains("{{resolve:")))
    {
        return parts;
    }
    let mut out = Vec::new();
    for p in parts {
        match &p.kind {
            Val::Str(s) if s.contains("{{resolve:") => push_part(&mut out, dynamic_refs(s, p.span)),
            _ => push_part(&mut out, p),
        }
    }
    out
}

/// Splits a `CommaDelimitedList` / `List<…>` parameter value.
pub(super) fn split_list(v: &Value) -> Value {
    match &v.kind {
        Val::Str(s) => Value::new(
            Val::List(if s.is_empty() {
                Vec::new()
            } else {
                s.split(',').map(|p| Value::str(p.trim(), v.span)).collect()
            }),
            v.span,
        ),
        Val::Number(_) => split_list(&Value::str(scalar_string(v).unwrap_or_default(), v.span)),
        Val::Template(parts) => {
            let items = split_template(parts, ",", v.span)
                .into_iter()
                .map(|i| trim_item(i, v.span))
                .collect();
            Value::new(Val::List(items), v.span)
        }
        // a value chosen by a condition (`!If` in the parent stack's `Parameters`): each
        // alternative is split
        Val::Choice(alts) => Value::new(Val::Choice(alts.iter().map(split_list).collect()), v.span),
        // `Ref` to a resource is one id (no commas): a list of one
        Val::Ref(r) if r.attr.is_empty() => Value::new(Val::List(vec![v.clone()]), v.span),
        _ => v.clone(),
    }
}

/// Splits a string template on a delimiter found in its known parts: `"${A},${B}"` split on `,`
/// gives `[A, B]`; pieces mixing text and unknown parts stay templates.
pub(super) fn split_template(parts: &[Value], delim: &str, span: Option<Span>) -> Vec<Value> {
    let mut items: Vec<Vec<Value>> = vec![Vec::new()];
    for p in parts {
        match &p.kind {
            Val::Str(s) => {
                for (i, piece) in s.split(delim).enumerate() {
                    if i > 0 {
                        items.push(Vec::new());
                    }
                    if !piece.is_empty() {
                        if let Some(cur) = items.last_mut() {
                            push_part(cur, Value::str(piece, p.span));
                        }
                    }
                }
            }
            _ => {
                if let Some(cur) = items.last_mut() {
                    push_part(cur, p.clone());
                }
            }
        }
    }
    items
        .into_iter()
        .map(|parts| match parts.len() {
            1 => parts
                .into_iter()
                .next()
                .unwrap_or_else(|| Value::str("", span)),
            _ => from_parts(parts, span),
        })
        .collect()
}

/// Trims the spaces around a list item (`"a, b"`).
fn trim_item(v: Value, span: Option<Span>) -> Value {
    match v.kind {
        Val::Str(s) => Value::str(s.trim(), v.span.or(span)),
        _ => v,
    }
}

/// Known-value equality as CloudFormation compares (scalars by their string form).
pub(super) fn known_eq(a: &Value, b: &Value) -> Option<bool> {
    match (&a.deref().kind, &b.deref().kind) {
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y) {
                if !known_eq(p, q)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        (Val::Null, Val::Null) => Some(true),
        _ => Some(scalar_string(a)? == scalar_string(b)?),
    }
}

/// Standard Base64 with padding.
pub(super) fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// `Fn::Cidr`: the first `count` blocks with `bits` host bits inside `block`.
pub(super) fn cidr(block: &str, count: usize, bits: u8) -> Option<Vec<String>> {
    use ipnet::IpNet;
    let net: IpNet = block.trim().parse().ok()?;
    let max = match net {
        IpNet::V4(_) => 32,
        IpNet::V6(_) => 128,
    };
    if bits > max || count == 0 || count > 256 {
        return None;
    }
    let prefix = max - bits;
    if prefix < net.prefix_len() {
        return None;
    }
    let list: Vec<String> = net
        .trunc()
        .subnets(prefix)
        .ok()?
        .take(count)
        .map(|n| n.to_string())
        .collect();
    (list.len() == count).then_some(list)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn cidr_splits() {
        assert_eq!(
            cidr("10.0.0.0/16", 3, 8).unwrap(),
            vec!["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
        );
        assert_eq!(
            cidr("2001:db8::/56", 2, 64).unwrap(),
            vec!["2001:db8::/64", "2001:db8:0:1::/64"]
        );
        assert!(cidr("10.0.0.0/24", 1, 16).is_none());
        assert!(cidr("nope", 1, 8).is_none());
    }
}
