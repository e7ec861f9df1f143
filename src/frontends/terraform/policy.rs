//! `data "aws_iam_policy_document"` rendered the way the AWS provider renders it: a
//! `Val::Encoded` document `{Version, Id?, Statement: [...]}` where `source_policy_documents`
//! statements come first, the block's own statements replace those with the same non-empty Sid
//! (else are appended), and `override_policy_documents` statements replace by Sid or are appended.

use crate::base::{Map, Span, Val, Value};

pub fn render(attrs: &Map, span: Option<Span>) -> Value {
    let mut statements: Vec<Value> = Vec::new();
    if let Some(src) = attrs.get("source_policy_documents") {
        match docs_statements(src) {
            Ok(list) => statements.extend(list),
            Err(u) => return u,
        }
    }
    if let Some(own) = attrs.get("statement") {
        let Some(list) = own.as_list() else {
            return unknown("statement blocks", own, span);
        };
        for st in list {
            let rendered = match st.as_map() {
                Some(m) => statement(m, st.span),
                None => return unknown("a statement", st, span),
            };
            merge_by_sid(&mut statements, rendered);
        }
    }
    if let Some(over) = attrs.get("override_policy_documents") {
        match docs_statements(over) {
            Ok(list) => {
                for st in list {
                    merge_by_sid(&mut statements, st);
                }
            }
            Err(u) => return u,
        }
    }
    let mut doc = Map::new();
    let version = attrs
        .get("version")
        .filter(|v| !matches!(v.kind, Val::Null))
        .cloned()
        .unwrap_or_else(|| Value::str("2012-10-17", None));
    doc.push("Version", None, version);
    if let Some(id) = attrs
        .get("policy_id")
        .filter(|v| !matches!(v.kind, Val::Null))
    {
        doc.push("Id", None, id.clone());
    }
    doc.push("Statement", None, Value::new(Val::List(statements), None));
    Value::new(
        Val::Encoded(Box::new(Value::new(Val::Map(doc), span))),
        span,
    )
}

fn unknown(what: &str, v: &Value, span: Option<Span>) -> Value {
    match &v.deref().kind {
        Val::Unknown(r) => Value::new(Val::Unknown(r.clone()), span),
        _ => Value::unknown(format!("policy document: {what} is not known"), span),
    }
}

fn sid_of(st: &Value) -> Option<String> {
    st.get("Sid")
        .and_then(|s| s.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn merge_by_sid(list: &mut Vec<Value>, st: Value) {
    if let Some(sid) = sid_of(&st) {
        if let Some(slot) = list.iter_mut().find(|x| sid_of(x).as_deref() == Some(&sid)) {
            *slot = st;
            return;
        }
    }
    list.push(st);
}

/// The statements of a list of JSON policy documents.
fn docs_statements(docs: &Value) -> Result<Vec<Value>, Value> {
    if matches!(docs.deref().kind, Val::Null) {
        return Ok(Vec::new());
    }
    let Some(list) = docs.as_list() else {
        return Err(unknown("source/override documents", docs, docs.span));
    };
    let mut out = Vec::new();
    for d in list {
        let doc = decode(d)?;
        match doc.get("Statement").map(|s| &s.deref().kind) {
            Some(Val::List(l)) => out.extend(l.iter().cloned()),
            Some(Val::Map(_)) => out.extend(doc.get("Statement").cloned()),
            Some(_) => return Err(unknown("a document's statements", &doc, d.span)),
            None => {}
        }
    }
    Ok(out)
}

/// The structure of a JSON policy string (`Encoded`, or a literal JSON string).
pub fn decode(d: &Value) -> Result<Value, Value> {
    match &d.deref().kind {
        Val::Encoded(inner) => Ok((**inner).clone()),
        Val::Str(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(j) => Ok(from_json(&j, d.span)),
            Err(e) => Err(Value::unknown(
                format!("error: policy document is not valid JSON: {e}"),
                d.span,
            )),
        },
        _ => Err(unknown("a source/override document", d, d.span)),
    }
}

fn from_json(j: &serde_json::Value, span: Option<Span>) -> Value {
    use serde_json::Value as J;
    let kind = match j {
        J::Null => Val::Null,
        J::Bool(b) => Val::Bool(*b),
        J::Number(n) => Val::Number(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Val::Str(s.clone()),
        J::Array(a) => Val::List(a.iter().map(|x| from_json(x, span)).collect()),
        J::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                m.push(k.clone(), span, from_json(v, span));
            }
            Val::Map(m)
        }
    };
    Value::new(kind, span)
}

/// One element or the list: the provider writes single-element sets as a plain string.
fn set_value(v: &Value) -> Value {
    match &v.deref().kind {
        Val::List(l) if l.len() == 1 => l[0].clone(),
        _ => v.clone(),
    }
}

fn present(m: &Map, k: &str) -> Option<Value> {
    m.get(k)
        .filter(|v| !matches!(v.kind, Val::Null))
        .filter(|v| !matches!(&v.kind, Val::List(l) if l.is_empty()))
        .cloned()
}

fn statement(m: &Map, span: Option<Span>) -> Value {
    let mut out = Map::new();
    if let Some(sid) = present(m, "sid") {
        if sid.as_str() != Some("") {
            out.push("Sid", m.get_entry("sid").and_then(|e| e.key_span), sid);
        }
    }
    let effect = present(m, "effect").unwrap_or_else(|| Value::str("Allow", None));
    out.push(
        "Effect",
        m.get_entry("effect").and_then(|e| e.key_span),
        effect,
    );
    for (k, name) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = present(m, k) {
            out.push(name, m.get_entry(k).and_then(|e| e.key_span), set_value(&v));
        }
    }
    for (k, name) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(v) = present(m, k) {
            out.push(
                name,
                m.get_entry(k).and_then(|e| e.key_span),
                principals(&v),
            );
        }
    }
    if let Some(v) = present(m, "condition") {
        out.push(
            "Condition",
            m.get_entry("condition").and_then(|e| e.key_span),
            conditions(&v),
        );
    }
    Value::new(Val::Map(out), span)
}

fn principals(v: &Value) -> Value {
    let Some(list) = v.as_list() else {
        return v.clone();
    };
    let mut out = Map::new();
    for p in list {
        let Some(pm) = p.as_map() else {
            return Value::unknown("policy document: a principals block is not known", p.span);
        };
        let Some(ty) = pm.get("type").and_then(|t| t.as_str()) else {
            return Value::unknown("policy document: a principal type is not known", p.span);
        };
        let ids = pm
            .get("identifiers")
            .cloned()
            .unwrap_or_else(|| Value::null(None));
        if ty == "*" {
            return Value::str("*", p.span);
        }
        match out.entries.iter_mut().find(|e| e.key == ty) {
            Some(e) => {
                let mut all: Vec<Value> = match &e.value.kind {
                    Val::List(l) => l.clone(),
                    _ => vec![e.value.clone()],
                };
                match ids.as_list() {
                    Some(l) => all.extend(l.iter().cloned()),
                    None => all.push(ids.clone()),
                }
                e.value = Value::new(Val::List(all), p.span);
            }
            None => out.push(ty, p.span, set_value(&ids)),
        }
    }
    Value::new(Val::Map(out), v.span)
}

fn conditions(v: &Value) -> Value {
    let Some(list) = v.as_list() else {
        return v.clone();
    };
    let mut out = Map::new();
    for c in list {
        let Some(cm) = c.as_map() else {
            return Value::unknown("policy document: a condition block is not known", c.span);
        };
        let (Some(test), Some(var)) = (
            cm.get("test").and_then(|t| t.as_str()),
            cm.get("variable").and_then(|t| t.as_str()),
        ) else {
            return Value::unknown(
                "policy document: a condition's test or variable is not known",
                c.span,
            );
        };
        let values = cm
            .get("values")
            .map(set_value)
            .unwrap_or_else(|| Value::null(None));
        if out.get(test).is_none() {
            out.push(test, c.span, Value::new(Val::Map(Map::new()), c.span));
        }
        if let Some(e) = out.entries.iter_mut().find(|e| e.key == test) {
            if let Val::Map(inner) = &mut e.value.kind {
                inner.insert(var, c.span, values);
            }
        }
    }
    Value::new(Val::Map(out), v.span)
}
