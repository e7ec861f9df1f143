//! Intrinsic functions: [`Tpl::intrinsic`] dispatches on the function's name to one method per
//! intrinsic (`Fn::Join`, `Fn::Select`, `Fn::If`...).

use super::refs::pseudo;
use super::values::{
    base64, cidr, from_parts, known_eq, push_part, respan, scalar_string, split_template, unknown,
    why_unknown, with_dynamic_refs,
};
use super::Tpl;
use crate::base::{Span, Val, Value};
use crate::frontends::cloudformation::Ctx;

impl Tpl {
    /// Evaluates the intrinsic function `name` (one method per intrinsic).
    pub(super) fn intrinsic(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        match name {
            "Ref" => self.fn_ref(cx, name, arg, span),
            "Fn::GetAtt" => self.fn_get_att(cx, name, arg, span),
            "Fn::Sub" => Some(self.fn_sub(cx, arg, span)),
            "Fn::Join" => self.fn_join(cx, name, arg, span),
            "Fn::Select" => self.fn_select(cx, name, arg, span),
            "Fn::Split" => self.fn_split(cx, name, arg, span),
            "Fn::If" => self.fn_if(cx, name, arg, span),
            "Fn::Equals" => self.fn_equals(cx, name, arg, span),
            "Fn::Not" => self.fn_not(cx, name, arg, span),
            "Fn::And" | "Fn::Or" => self.fn_and_or(cx, name, arg, span),
            "Fn::FindInMap" => Some(self.fn_find_in_map(cx, arg, span)),
            "Fn::GetAZs" => Self::fn_get_azs(span),
            "Fn::Base64" => self.fn_base64(cx, arg, span),
            "Fn::Cidr" => self.fn_cidr(cx, name, arg, span),
            "Fn::ImportValue" => self.fn_import_value(cx, arg, span),
            "Fn::Length" => self.fn_length(cx, arg, span),
            "Fn::ToJsonString" => self.fn_to_json_string(cx, arg, span),
            "Fn::Transform" => Self::fn_transform(arg, span),
            _ if name.starts_with("Fn::ForEach") => Some(unknown(
                format!("`{name}` (AWS::LanguageExtensions) is not expanded"),
                span,
            )),
            _ => Some(unknown(
                format!("`{name}` is not a CloudFormation intrinsic function this tool knows"),
                span,
            )),
        }
    }

    /// `Ref`: a parameter, a resource or a pseudo parameter (see [`Tpl::reference`]).
    fn fn_ref(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let target = match self.eval_str(cx, arg) {
            Ok(s) => s,
            Err(_) => return bad("needs the name of a parameter or resource"),
        };
        self.reference(cx, &target, span)
    }

    /// `Fn::GetAtt`, as `Resource.Attribute` or `[Resource, Attribute]` (see [`Tpl::get_att`]).
    fn fn_get_att(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let (target, attr) = if let Some(s) = arg.as_str() {
            match s.split_once('.') {
                Some((t, a)) => (t.to_string(), a.to_string()),
                None => return bad("needs `Resource.Attribute`"),
            }
        } else if let Some([t, a]) = self.args(arg, 2..=2) {
            let Some(t) = t.as_str() else {
                return bad("needs a resource logical id");
            };
            match self.eval_str(cx, a) {
                Ok(a) => (t.to_string(), a),
                Err(v) => {
                    return Some(unknown(
                        format!(
                            "the attribute name of Fn::GetAtt on {t} is not known: {}",
                            why_unknown(&v)
                        ),
                        span,
                    ))
                }
            }
        } else {
            return bad("needs [Resource, Attribute]");
        };
        Some(self.get_att(cx, &target, &attr, span))
    }

    /// `Fn::Join`: a string, or a template of known and unknown parts.
    fn fn_join(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let Some([d, list]) = self.args(arg, 2..=2) else {
            return bad("needs [delimiter, list]");
        };
        let delim = match self.eval_str(cx, d) {
            Ok(d) => d,
            Err(v) => {
                return Some(unknown(
                    format!("the Fn::Join delimiter is not known: {}", why_unknown(&v)),
                    span,
                ))
            }
        };
        let list = self.eval_or_null(cx, list);
        let Val::List(items) = list.kind else {
            return Some(unknown(
                format!(
                    "Fn::Join over a list that is not known: {}",
                    why_unknown(&list)
                ),
                span,
            ));
        };
        let mut parts = Vec::new();
        let mut size = 0u64;
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 && !delim.is_empty() {
                size += delim.len() as u64;
                push_part(&mut parts, Value::str(delim.clone(), d.span));
            }
            if matches!(item.kind, Val::List(_) | Val::Map(_)) {
                return Some(unknown(
                    "Fn::Join over a list that holds a list or map",
                    span,
                ));
            }
            if let Some(u) = Self::over_budget(cx, name, &mut size, &item, span) {
                return Some(u);
            }
            push_part(&mut parts, item);
        }
        Some(from_parts(with_dynamic_refs(parts), span))
    }

    /// `Fn::Select`: an item of a list (of each alternative of a list chosen by a condition).
    fn fn_select(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let Some([i, list]) = self.args(arg, 2..=2) else {
            return bad("needs [index, list]");
        };
        let idx = self.eval_or_null(cx, i);
        let list = self.eval_or_null(cx, list);
        let Some(n) = idx.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0) else {
            return Some(unknown(
                format!("the Fn::Select index is not known: {}", why_unknown(&idx)),
                span,
            ));
        };
        match &list.kind {
            Val::List(items) => match items.get(n as usize) {
                Some(item) => Some(item.clone()),
                None => bad(&format!(
                    "index {n} is past the end of a list of {}",
                    items.len()
                )),
            },
            // a list chosen by a condition: the item of each alternative
            Val::Choice(alts)
                if alts
                    .iter()
                    .all(|a| a.as_list().is_some_and(|l| l.len() > n as usize)) =>
            {
                let mut items: Vec<Value> = Vec::new();
                for a in alts {
                    if let Some(item) = a.as_list().and_then(|l| l.get(n as usize)) {
                        if !items.iter().any(|x| x.to_json() == item.to_json()) {
                            items.push(item.clone());
                        }
                    }
                }
                Some(match items.len() {
                    1 => respan(items.remove(0), span),
                    _ => Value::new(Val::Choice(items), span),
                })
            }
            _ => Some(unknown(
                format!(
                    "Fn::Select from a list that is not known: {}",
                    why_unknown(&list)
                ),
                span,
            )),
        }
    }

    /// `Fn::Split` of a known string, or of a template on a delimiter in its known parts.
    fn fn_split(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let Some([d, s]) = self.args(arg, 2..=2) else {
            return bad("needs [delimiter, string]");
        };
        let (d, s) = (self.eval_str(cx, d), self.eval_str(cx, s));
        match (d, s) {
            (Ok(d), Ok(s)) if !d.is_empty() => Some(Value::new(
                Val::List(s.split(d.as_str()).map(|p| Value::str(p, span)).collect()),
                span,
            )),
            (
                Ok(d),
                Err(Value {
                    kind: Val::Template(parts),
                    ..
                }),
            ) if !d.is_empty() => Some(Value::new(
                Val::List(split_template(&parts, &d, span)),
                span,
            )),
            (_, Err(v)) | (Err(v), _) => Some(unknown(
                format!(
                    "Fn::Split of a value that is not known: {}",
                    why_unknown(&v)
                ),
                span,
            )),
            _ => bad("needs a non-empty delimiter"),
        }
    }

    /// `Fn::If`: the branch of a known condition, else a `Choice` of both branches.
    fn fn_if(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let Some([c, a, b]) = self.args(arg, 3..=3) else {
            return bad("needs [condition, value if true, value if false]");
        };
        let Some(cname) = c.as_str() else {
            return bad("needs a condition name");
        };
        let cond = self.condition(cx, cname, c.span);
        match cond.kind {
            Val::Bool(true) => self.eval(cx, a),
            Val::Bool(false) => self.eval(cx, b),
            _ => {
                let (x, y) = (self.eval(cx, a), self.eval(cx, b));
                match (x, y) {
                    (None, None) => None,
                    (Some(x), Some(y)) if x.to_json() == y.to_json() => Some(x),
                    (x, y) => {
                        // nested `Fn::If`s give one flat choice
                        let mut options: Vec<Value> = Vec::new();
                        for o in [
                            x.unwrap_or_else(|| Value::null(a.span)),
                            y.unwrap_or_else(|| Value::null(b.span)),
                        ] {
                            let alts = match o.kind {
                                Val::Choice(alts) => alts,
                                _ => vec![o],
                            };
                            for alt in alts {
                                if !options.iter().any(|p| p.to_json() == alt.to_json()) {
                                    options.push(alt);
                                }
                            }
                        }
                        Some(Value::new(Val::Choice(options), span))
                    }
                }
            }
        }
    }

    /// `Fn::Equals` of two known values.
    fn fn_equals(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let Some([a, b]) = self.args(arg, 2..=2) else {
            return bad("needs two values");
        };
        let (x, y) = (self.eval_or_null(cx, a), self.eval_or_null(cx, b));
        if x.is_fully_known() && y.is_fully_known() {
            if let Some(eq) = known_eq(&x, &y) {
                return Some(Value::new(Val::Bool(eq), span));
            }
        }
        let why = if x.is_fully_known() {
            why_unknown(&y)
        } else {
            why_unknown(&x)
        };
        Some(unknown(format!("Fn::Equals is not known: {why}"), span))
    }

    /// `Fn::Not` of a condition.
    fn fn_not(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let Some([c]) = self.args(arg, 1..=1) else {
            return bad("needs one condition");
        };
        let v = self.cond_expr(cx, c);
        Some(match v.kind {
            Val::Bool(b) => Value::new(Val::Bool(!b), span),
            _ => respan(v, span),
        })
    }

    /// `Fn::And` and `Fn::Or`: known as soon as one condition decides it.
    fn fn_and_or(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let Some(items) = self.args(arg, 1..=10) else {
            return bad("needs a list of 1 to 10 conditions");
        };
        let is_and = name == "Fn::And";
        let mut first_unknown = None;
        for c in items {
            let v = self.cond_expr(cx, c);
            match v.kind {
                Val::Bool(b) if b != is_and => return Some(Value::new(Val::Bool(b), span)),
                Val::Bool(_) => {}
                _ => {
                    first_unknown.get_or_insert(v);
                }
            }
        }
        Some(match first_unknown {
            Some(u) => respan(u, span),
            None => Value::new(Val::Bool(is_and), span),
        })
    }

    /// `Fn::GetAZs`: known only at deploy time.
    fn fn_get_azs(span: Option<Span>) -> Option<Value> {
        Some(unknown(
            "the Region's Availability Zones (Fn::GetAZs) are known only at deploy time",
            span,
        ))
    }

    /// `Fn::Base64` of a known string.
    fn fn_base64(&mut self, cx: &mut Ctx, arg: &Value, span: Option<Span>) -> Option<Value> {
        let v = self.eval_or_null(cx, arg);
        Some(match scalar_string(&v) {
            Some(s) => Value::str(base64(s.as_bytes()), span),
            None => unknown(
                format!(
                    "Fn::Base64 of a value that is not known: {}",
                    why_unknown(&v)
                ),
                span,
            ),
        })
    }

    /// `Fn::Cidr` of a known address block, count and number of host bits.
    fn fn_cidr(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let bad = invalid(name, span);
        let Some([ip, count, bits]) = self.args(arg, 3..=3) else {
            return bad("needs [ipBlock, count, cidrBits]");
        };
        let ip = self.eval_str(cx, ip);
        let count = self.eval_or_null(cx, count).as_f64();
        let bits = self.eval_or_null(cx, bits).as_f64();
        match (ip, count, bits) {
            (Ok(ip), Some(c), Some(b)) => Some(match cidr(&ip, c as usize, b as u8) {
                Some(list) => Value::new(
                    Val::List(list.into_iter().map(|s| Value::str(s, span)).collect()),
                    span,
                ),
                None => unknown(
                    format!("Fn::Cidr cannot split {ip} into {c} blocks of {b} host bits"),
                    span,
                ),
            }),
            (Err(v), _, _) => Some(unknown(
                format!(
                    "Fn::Cidr of an address block that is not known: {}",
                    why_unknown(&v)
                ),
                span,
            )),
            _ => bad("needs a known count and cidrBits"),
        }
    }

    /// `Fn::ImportValue` (see [`Tpl::import_value`]).
    fn fn_import_value(&mut self, cx: &mut Ctx, arg: &Value, span: Option<Span>) -> Option<Value> {
        let v = self.eval_or_null(cx, arg);
        Some(self.import_value(cx, &v, span))
    }

    /// `Fn::Length` of a known list.
    fn fn_length(&mut self, cx: &mut Ctx, arg: &Value, span: Option<Span>) -> Option<Value> {
        let v = self.eval_or_null(cx, arg);
        Some(match &v.kind {
            Val::List(l) => Value::new(Val::Number(l.len() as f64), span),
            _ => unknown(
                format!(
                    "Fn::Length of a list that is not known: {}",
                    why_unknown(&v)
                ),
                span,
            ),
        })
    }

    /// `Fn::ToJsonString`: the value, encoded.
    fn fn_to_json_string(
        &mut self,
        cx: &mut Ctx,
        arg: &Value,
        span: Option<Span>,
    ) -> Option<Value> {
        let v = self.eval_or_null(cx, arg);
        Some(Value::new(Val::Encoded(Box::new(v)), span))
    }

    /// `Fn::Transform`: made by a macro at deploy time.
    fn fn_transform(arg: &Value, span: Option<Span>) -> Option<Value> {
        let m = arg.get("Name").and_then(Value::as_str).unwrap_or("?");
        Some(unknown(
            format!("made by the macro `{m}` (Fn::Transform) at deploy time"),
            span,
        ))
    }

    fn fn_sub(&mut self, cx: &mut Ctx, arg: &Value, span: Option<Span>) -> Value {
        let (text, vars) = if let Some(s) = arg.as_str() {
            (s.to_string(), None)
        } else if let Some([s, vars]) = self.args(arg, 2..=2) {
            match s.as_str() {
                Some(s) => (s.to_string(), vars.as_map()),
                None => return unknown("Fn::Sub needs a string", span),
            }
        } else {
            return unknown("Fn::Sub needs a string or [string, {variables}]", span);
        };
        let text_span = arg
            .as_list()
            .and_then(|l| l.first())
            .and_then(|v| v.span)
            .or(arg.span);
        // Where the string's characters are in the file, when it is written without escapes.
        let base = text_span.and_then(|sp| {
            let src = cx.sources.get(sp.file);
            let raw = src.slice(sp);
            let inner = if raw.len() >= 2
                && ((raw.starts_with('\'') && raw.ends_with('\''))
                    || (raw.starts_with('"') && raw.ends_with('"')))
            {
                &raw[1..raw.len() - 1]
            } else {
                raw
            };
            (inner == text).then(|| (sp.file, sp.start as usize + (raw.len() - inner.len()) / 2))
        });
        let at = |lo: usize, hi: usize| match base {
            Some((file, b)) => Some(Span::new(file, b + lo..b + hi)),
            None => text_span,
        };
        let mut parts = Vec::new();
        // The size of the string being built: its own text, and the variables' values.
        let mut size = text.len() as u64;
        let mut rest = text.as_str();
        let pos = |rest: &str| text.len() - rest.len();
        while let Some(i) = rest.find("${") {
            let p0 = pos(rest);
            push_part(&mut parts, Value::str(&rest[..i], at(p0, p0 + i)));
            let after = &rest[i + 2..];
            let Some(close) = after.find('}') else {
                push_part(&mut parts, Value::str(&rest[i..], at(p0 + i, text.len())));
                rest = "";
                break;
            };
            let var = &after[..close];
            let var_span = at(p0 + i, p0 + i + 2 + close + 1);
            rest = &after[close + 1..];
            if let Some(lit) = var.strip_prefix('!') {
                push_part(&mut parts, Value::str(format!("${{{lit}}}"), var_span));
                continue;
            }
            let var = var.trim();
            let value = if let Some(v) = vars.and_then(|m| m.get(var)) {
                self.eval_or_null(cx, v)
            } else if pseudo(var).is_some() || var == "AWS::NoValue" || !var.contains('.') {
                self.reference(cx, var, var_span)
                    .unwrap_or_else(|| Value::str("", var_span))
            } else {
                let (t, a) = var.split_once('.').unwrap_or((var, ""));
                self.get_att(cx, t, a, var_span)
            };
            let value = match value.kind {
                Val::List(_) | Val::Map(_) | Val::Null => unknown(
                    format!(
                        "Fn::Sub variable `{var}` is not a string ({})",
                        why_unknown(&value)
                    ),
                    value.span,
                ),
                _ => value,
            };
            if let Some(u) = Self::over_budget(cx, "Fn::Sub", &mut size, &value, span) {
                return u;
            }
            push_part(&mut parts, value);
        }
        let p0 = pos(rest);
        push_part(&mut parts, Value::str(rest, at(p0, text.len())));
        parts.retain(|p| !matches!(&p.kind, Val::Str(s) if s.is_empty()));
        from_parts(with_dynamic_refs(parts), span)
    }

    fn fn_find_in_map(&mut self, cx: &mut Ctx, arg: &Value, span: Option<Span>) -> Value {
        let Some(list) = self.args(arg, 3..=4) else {
            return unknown(
                "Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]",
                span,
            );
        };
        let default = list.get(3).and_then(|d| d.get("DefaultValue"));
        let default = default.map(|d| self.eval_or_null(cx, d));
        let map_name = match self.eval_str(cx, &list[0]) {
            Ok(n) => n,
            Err(v) => {
                return unknown(
                    format!(
                        "the Fn::FindInMap map name is not known: {}",
                        why_unknown(&v)
                    ),
                    span,
                )
            }
        };
        let top = self.eval_str(cx, &list[1]);
        let second = self.eval_str(cx, &list[2]);
        let doc = self.doc.clone();
        let Some(mapping) = doc
            .get("Mappings")
            .and_then(|m| m.get(&map_name))
            .and_then(Value::as_map)
        else {
            return default.unwrap_or_else(|| {
                unknown(
                    format!("Fn::FindInMap: there is no mapping `{map_name}`"),
                    span,
                )
            });
        };
        // Candidate second-level maps.
        let tops: Vec<&Value> = match &top {
            Ok(k) => mapping.get(k).into_iter().collect(),
            Err(_) => mapping.entries.iter().map(|e| &e.value).collect(),
        };
        let mut found: Vec<Value> = Vec::new();
        // The JSON of each found value: deduplication stays linear over a large mapping.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut missing = false;
        for t in tops {
            let items: Vec<&Value> = match (&second, t.as_map()) {
                (Ok(k), Some(m)) => match m.get(k) {
                    Some(v) => vec![v],
                    None => {
                        missing = true;
                        vec![]
                    }
                },
                (Err(_), Some(m)) => m.entries.iter().map(|e| &e.value).collect(),
                (_, None) => vec![],
            };
            for v in items {
                let v = self.eval_or_null(cx, v);
                if seen.insert(v.to_json().to_string()) {
                    found.push(v);
                }
            }
        }
        let exact = top.is_ok() && second.is_ok();
        if exact {
            return match found.pop() {
                Some(v) => respan(v, span),
                None => default.unwrap_or_else(|| {
                    unknown(
                        format!(
                            "Fn::FindInMap: `{map_name}` has no entry [{}][{}]",
                            top.as_deref().unwrap_or("?"),
                            second.as_deref().unwrap_or("?")
                        ),
                        span,
                    )
                }),
            };
        }
        if missing || top.as_ref().is_ok_and(|k| mapping.get(k).is_none()) {
            if let Some(d) = default {
                if seen.insert(d.to_json().to_string()) {
                    found.push(d);
                }
            }
        }
        match found.len() {
            0 => unknown(
                format!("Fn::FindInMap in `{map_name}` with a key that is not known"),
                span,
            ),
            1 => respan(found.pop().unwrap_or_else(|| Value::null(span)), span),
            _ => Value::new(Val::Choice(found), span),
        }
    }
}

/// What an intrinsic called with arguments it cannot take gives: `{name} {what}` (unknown).
fn invalid(name: &str, span: Option<Span>) -> impl Fn(&str) -> Option<Value> + '_ {
    move |what: &str| Some(unknown(format!("{name} {what}"), span))
}
