//! IAM policy documents: any written form (a map, a JSON string, `aws_iam_policy_document`'s
//! `statement {}` blocks) into the normalised shape the IAM evaluator reads.

use crate::base::{Map, Span, Val, Value};

use super::json::{decode_json_string, decode_json_template};
use super::Cx;

/// Any written form of a policy document into the normalised shape: `Statement` always a list
/// of maps; `Action`, `NotAction`, `Resource`, `NotResource` always lists; `Principal` and
/// `NotPrincipal` maps of type → list (`"*"` → `{"AWS": ["*"]}`, its IAM meaning);
/// `Condition` operator → key → list. Other keys are kept. A reference keeps its identity with
/// its resolved value normalised; unknown parts stay unknown.
pub fn policy(v: &Value, cx: &mut Cx) -> Option<Value> {
    match &v.kind {
        Val::Null => None,
        Val::Str(s) if s.trim().is_empty() => None,
        Val::Str(s) => match decode_json_string(s, v.span, cx) {
            Ok(doc) => Some(Value::new(doc_norm(&doc).kind, v.span)),
            Err(d) => {
                let reason = format!("the policy is not valid JSON: {}", d.message);
                cx.diagnostics.push(d);
                Some(Value::unknown(reason, v.span))
            }
        },
        Val::Encoded(inner) => Some(Value::new(doc_norm(inner).kind, v.span)),
        Val::Template(parts) => Some(match decode_json_template(parts, v.span, cx) {
            Some(doc) => doc_norm(&doc),
            None => v.clone(),
        }),
        Val::Map(_) => Some(doc_norm(v)),
        Val::List(items) => Some(Value::new(
            Val::List(items.iter().filter_map(|i| policy(i, cx)).collect()),
            v.span,
        )),
        Val::Ref(r) => {
            let mut r = r.clone();
            if let Some(res) = &r.resolved {
                r.resolved = policy(res, cx);
            }
            Some(Value::new(Val::Ref(r), v.span))
        }
        Val::Choice(alts) => Some(Value::new(
            Val::Choice(alts.iter().filter_map(|a| policy(a, cx)).collect()),
            v.span,
        )),
        _ => Some(v.clone()),
    }
}

fn doc_norm(v: &Value) -> Value {
    let Val::Map(m) = &v.kind else {
        return v.clone();
    };
    let mut out = Map::new();
    for e in &m.entries {
        let nv = if e.key == "Statement" {
            match &e.value.kind {
                Val::List(items) => Value::new(
                    Val::List(items.iter().map(stmt_norm).collect()),
                    e.value.span,
                ),
                Val::Map(_) => Value::new(Val::List(vec![stmt_norm(&e.value)]), e.value.span),
                _ => e.value.clone(),
            }
        } else {
            e.value.clone()
        };
        out.push(e.key.clone(), e.key_span, nv);
    }
    Value::new(Val::Map(out), v.span)
}

fn stmt_norm(v: &Value) -> Value {
    let Val::Map(m) = &v.kind else {
        return v.clone();
    };
    let mut out = Map::new();
    for e in &m.entries {
        let nv = match e.key.as_str() {
            "Action" | "NotAction" | "Resource" | "NotResource" => to_list(&e.value),
            "Principal" | "NotPrincipal" => principal_norm(&e.value),
            "Condition" => match &e.value.kind {
                Val::Map(ops) => {
                    let mut o = Map::new();
                    for op in &ops.entries {
                        let keys = match &op.value.kind {
                            Val::Map(km) => {
                                let mut k2 = Map::new();
                                for k in &km.entries {
                                    k2.push(k.key.clone(), k.key_span, to_list(&k.value));
                                }
                                Value::new(Val::Map(k2), op.value.span)
                            }
                            _ => op.value.clone(),
                        };
                        o.push(op.key.clone(), op.key_span, keys);
                    }
                    Value::new(Val::Map(o), e.value.span)
                }
                _ => e.value.clone(),
            },
            _ => e.value.clone(),
        };
        out.push(e.key.clone(), e.key_span, nv);
    }
    Value::new(Val::Map(out), v.span)
}

fn principal_norm(v: &Value) -> Value {
    match &v.kind {
        Val::Str(s) if s == "*" => {
            let mut m = Map::new();
            m.push("AWS", None, Value::new(Val::List(vec![v.clone()]), v.span));
            Value::new(Val::Map(m), v.span)
        }
        Val::Map(m) => {
            let mut o = Map::new();
            for e in &m.entries {
                o.push(e.key.clone(), e.key_span, to_list(&e.value));
            }
            Value::new(Val::Map(o), v.span)
        }
        _ => v.clone(),
    }
}

fn to_list(v: &Value) -> Value {
    match &v.kind {
        Val::List(_) | Val::Unknown(_) => v.clone(),
        _ => Value::new(Val::List(vec![v.clone()]), v.span),
    }
}

/// Written and not empty (plan output fills unset attributes with `null`, `""` or `[]`).
fn present(v: &Value) -> bool {
    match &v.kind {
        Val::Null => false,
        Val::Str(s) => !s.is_empty(),
        Val::List(l) => !l.is_empty(),
        _ => true,
    }
}

/// `data "aws_iam_policy_document"`: its rendered `json` (Terraform frontend, plan), else its
/// `statement {}` blocks, into the normalised shape.
/// `effect` defaults to `Allow` [V TF aws_iam_policy_document doc].
pub(super) fn policy_from_data(src: &Map, span: Option<Span>, cx: &mut Cx) -> Option<Value> {
    // The rendered document, when the frontend gives it, already merges
    // `source_policy_documents`/`override_policy_documents`; an unknown one stays unknown.
    if let Some(json) = src.get("json").filter(|v| present(v)) {
        return policy(json, cx);
    }
    let stmts = src.get("statement").filter(|v| present(v))?;
    let mut doc = Map::new();
    if let Some(e) = src.get_entry("version").filter(|e| present(&e.value)) {
        doc.push("Version", e.key_span, e.value.clone());
    }
    let statements = match &stmts.kind {
        Val::List(items) => {
            Value::new(Val::List(items.iter().map(data_stmt).collect()), stmts.span)
        }
        _ => stmts.clone(),
    };
    doc.push(
        "Statement",
        src.get_entry("statement").and_then(|e| e.key_span),
        statements,
    );
    Some(Value::new(Val::Map(doc), span))
}

fn data_stmt(v: &Value) -> Value {
    let Val::Map(m) = &v.kind else {
        return v.clone();
    };
    let mut out = Map::new();
    let simple = [
        ("sid", "Sid"),
        ("effect", "Effect"),
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ];
    for (k, canon) in simple {
        if let Some(e) = m.get_entry(k).filter(|e| present(&e.value)) {
            out.push(canon, e.key_span, e.value.clone());
        } else if k == "effect" {
            out.push("Effect", None, Value::str("Allow", None));
        }
    }
    for (k, canon) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let Some(e) = m.get_entry(k).filter(|e| present(&e.value)) else {
            continue;
        };
        let nv = match &e.value.kind {
            Val::List(blocks) => {
                let mut pm = Map::new();
                let mut unknown = None;
                for b in blocks {
                    let (Some(t), Some(ids)) = (b.get("type"), b.get("identifiers")) else {
                        unknown = Some(b.clone());
                        continue;
                    };
                    let Some(t) = t.as_str() else {
                        unknown = Some(Value::unknown("principal type not known", b.span));
                        continue;
                    };
                    let ids = to_list(ids);
                    merge_list(&mut pm, t, b.span, ids);
                }
                match unknown {
                    Some(u) if pm.is_empty() => u,
                    _ => Value::new(Val::Map(pm), e.value.span),
                }
            }
            _ => e.value.clone(),
        };
        out.push(canon, e.key_span, nv);
    }
    if let Some(e) = m.get_entry("condition").filter(|e| present(&e.value)) {
        let nv = match &e.value.kind {
            Val::List(blocks) => {
                let mut ops = Map::new();
                for b in blocks {
                    let (Some(test), Some(var), Some(vals)) =
                        (b.get("test"), b.get("variable"), b.get("values"))
                    else {
                        continue;
                    };
                    let (Some(test), Some(var)) = (test.as_str(), var.as_str()) else {
                        continue;
                    };
                    if ops.get(test).is_none() {
                        ops.push(test, None, Value::new(Val::Map(Map::new()), b.span));
                    }
                    if let Some(Val::Map(km)) = ops
                        .entries
                        .iter_mut()
                        .find(|o| o.key == test)
                        .map(|o| &mut o.value.kind)
                    {
                        merge_list(km, var, b.span, to_list(vals));
                    }
                }
                Value::new(Val::Map(ops), e.value.span)
            }
            _ => e.value.clone(),
        };
        out.push("Condition", e.key_span, nv);
    }
    Value::new(Val::Map(out), v.span)
}

fn merge_list(m: &mut Map, key: &str, span: Option<Span>, list: Value) {
    if let Some(e) = m.entries.iter_mut().find(|e| e.key == key) {
        if let (Val::List(a), Val::List(b)) = (&mut e.value.kind, &list.kind) {
            a.extend(b.iter().cloned());
            return;
        }
    }
    m.push(key, span, list);
}
