//! Resources and data sources: `count`/`for_each` expansion into instances, resource and data
//! block evaluation (with the special data sources), nested blocks and `dynamic` blocks.

use std::rc::Rc;

use super::template::finish_template;
use super::values::{map_items, operand_unknown, unknown_because};
use super::{err, quote, Ctx, Evaluator, Inst, Memo, ResOut, Scope, Slot, MAX_INSTANCES};
use crate::base::value::format_number;
use crate::base::{FileId, Map, Ref, Span, Symbol, Val, Value};
use crate::frontends::terraform::config::{Block, Body};
use crate::frontends::terraform::functions;
use crate::frontends::terraform::policy;
use crate::frontends::{Mode, Resource};

/// An instance's address suffix, `each` (key, value) and `count.index`.
type InstanceKey = (String, Option<(Value, Value)>, Option<Value>);

/// A group of nested blocks: name, span of the first, the maps, or an Unknown for all of them.
type BlockGroup = (String, Option<Span>, Vec<Value>, Option<Value>);

#[derive(Clone)]
pub(super) enum Expansion {
    Single,
    Count(usize),
    Keys(Vec<(String, Value)>),
    /// Why the instances are not known, and `each.value` when it is known to be one element of
    /// a known shape (`for_each` over a resource whose instances are not known: its stand-in).
    Unknown(Value, Option<Value>),
}

impl Expansion {
    fn unknown(why: Value) -> Expansion {
        Expansion::Unknown(why, None)
    }

    /// (address suffix, each, count.index) for every instance.
    pub(super) fn instances(&self) -> Vec<InstanceKey> {
        match self {
            Expansion::Single => vec![(String::new(), None, None)],
            Expansion::Count(n) => (0..*n)
                .map(|i| {
                    (
                        format!("[{i}]"),
                        None,
                        Some(Value::new(Val::Number(i as f64), None)),
                    )
                })
                .collect(),
            Expansion::Keys(ks) => ks
                .iter()
                .map(|(k, v)| {
                    (
                        format!("[{}]", quote(k)),
                        Some((Value::str(k.clone(), v.span), v.clone())),
                        None,
                    )
                })
                .collect(),
            Expansion::Unknown(u, value) => {
                let r = match &u.kind {
                    Val::Unknown(r) => r.to_string(),
                    _ => "the number of instances is not known".into(),
                };
                vec![(
                    "[*]".into(),
                    Some((
                        Value::unknown(
                            format!("each.key of an unknown set of instances: {r}"),
                            None,
                        ),
                        value.clone().unwrap_or_else(|| {
                            Value::unknown(
                                format!("each.value of an unknown set of instances: {r}"),
                                None,
                            )
                        }),
                    )),
                    Some(Value::unknown(
                        format!("count.index of an unknown number of instances: {r}"),
                        None,
                    )),
                )]
            }
        }
    }
}

impl<'a> Evaluator<'a> {
    pub(super) fn expansion(&self, body: &Body<'a>, sc: &Scope) -> Expansion {
        if let Some(a) = body.attr("count") {
            let v = self.eval(a.expr, sc);
            return match v.as_f64() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_INSTANCES as f64 => {
                    Expansion::Count(n as usize)
                }
                Some(n) if n > MAX_INSTANCES as f64 => Expansion::unknown(Value::unknown(
                    format!(
                        "count {} is more than this tool expands ({MAX_INSTANCES})",
                        format_number(n)
                    ),
                    a.expr.span(),
                )),
                Some(n) => Expansion::unknown(err(
                    format!(
                        "invalid count {}: it must be a whole number, 0 or more",
                        format_number(n)
                    ),
                    a.expr.span(),
                )),
                None => Expansion::unknown(operand_unknown("count", &v, "a number", a.expr.span())),
            };
        }
        if let Some(a) = body.attr("for_each") {
            let v = self.eval(a.expr, sc);
            // Over a resource whose instances are not known (its stand-in), or a splat of it: the
            // keys are not known either; `each.value` is the stand-in when iterating the resource.
            if let Some(r) = functions::unknown_size(&v) {
                let standin = match &v.kind {
                    Val::Ref(_) => Some(v.clone()),
                    _ => None,
                };
                return Expansion::Unknown(Value::unknown(r, a.expr.span()), standin);
            }
            match &v.deref().kind {
                Val::Map(m) => {
                    return Expansion::Keys(
                        m.entries
                            .iter()
                            .map(|e| (e.key.clone(), e.value.clone()))
                            .collect(),
                    )
                }
                Val::List(l) => {
                    let mut keys: Vec<(String, Value)> = Vec::new();
                    let mut seen = std::collections::HashSet::new();
                    for x in l {
                        match x.as_str() {
                            Some(s) => {
                                if seen.insert(s.to_string()) {
                                    keys.push((s.to_string(), x.clone()));
                                }
                            }
                            None => {
                                return Expansion::unknown(unknown_because(
                                    "for_each",
                                    x,
                                    a.expr.span(),
                                ))
                            }
                        }
                    }
                    return Expansion::Keys(keys);
                }
                _ => return Expansion::unknown(unknown_because("for_each", &v, a.expr.span())),
            }
        }
        Expansion::Single
    }

    pub(super) fn resource(&self, id: usize, key: &str, mode: Mode) -> Option<Rc<ResOut>> {
        let inst = self.inst(id);
        let (table, slot) = match mode {
            Mode::Managed => (&inst.cfg.resources, Slot::Res(key.into())),
            Mode::Data => (&inst.cfg.data, Slot::Data(key.into())),
        };
        let block = table.get(key)?;
        match inst.memo.borrow().get(&slot) {
            Some(Memo::Res(r)) => return Some(r.clone()),
            Some(Memo::Busy) => return None,
            _ => {}
        }
        inst.memo.borrow_mut().insert(slot.clone(), Memo::Busy);
        let r = Rc::new(self.eval_resource(id, &inst, block, mode));
        inst.memo.borrow_mut().insert(slot, Memo::Res(r.clone()));
        Some(r)
    }

    fn eval_resource(
        &self,
        id: usize,
        inst: &Inst<'a>,
        block: &'a Block<'a>,
        mode: Mode,
    ) -> ResOut {
        let rtype = block.labels[0].clone();
        let base = match mode {
            Mode::Managed => format!("{}{}.{}", inst.prefix, rtype, block.labels[1]),
            Mode::Data => format!("{}data.{}.{}", inst.prefix, rtype, block.labels[1]),
        };
        let ctx0 = Ctx {
            inst: id,
            ..Ctx::default()
        };
        let exp = self.expansion(&block.body, &Scope::new(&ctx0));
        let header = block
            .header
            .or(block.span)
            .unwrap_or(Span::new(FileId(0), 0..0));
        let mut instances = Vec::new();
        let mut objects = Vec::new();
        let pkey = block
            .body
            .attr("provider")
            .and_then(|a| a.expr.as_ident_path())
            .unwrap_or_else(|| rtype.split('_').next().unwrap_or("aws").to_string());
        for (suffix, each, count) in exp.instances() {
            let ctx = Ctx {
                inst: id,
                each,
                count,
                sealed: false,
            };
            let sc = Scope::new(&ctx);
            let attrs = self.body_map(&block.body, &sc, true);
            let address = format!("{base}{suffix}");
            let exists = match &exp {
                Expansion::Unknown(u, _) => Some(u.clone()),
                _ => inst.exists.clone(),
            };
            let object = if mode == Mode::Data {
                self.data_object(id, &rtype, &address, &attrs, &pkey, block.header)
            } else {
                None
            };
            // The stand-in of an unknown number of instances must accept an index.
            let object = match (&exp, object) {
                (Expansion::Unknown(..), Some(o)) => Some(Value::new(
                    Val::Ref(Box::new(Ref {
                        target: address.clone(),
                        attr: String::new(),
                        resolved: Some(o),
                    })),
                    None,
                )),
                (_, o) => o,
            };
            let object = object.unwrap_or_else(|| {
                let mut known = attrs.clone();
                if mode == Mode::Data && rtype == "aws_vpc_endpoint_service" {
                    self.endpoint_service_name(id, &mut known, &pkey);
                }
                Value::new(
                    Val::Ref(Box::new(Ref {
                        target: address.clone(),
                        attr: String::new(),
                        resolved: Some(Value::new(Val::Map(known), block.span)),
                    })),
                    None,
                )
            });
            // The account a provider is pinned to (`allowed_account_ids`) is what
            // `data.aws_caller_identity` reads, as a plan's state shows it.
            let mut attrs = attrs;
            if mode == Mode::Data && rtype == "aws_caller_identity" {
                if let Some(a) = object.deref().get("account_id") {
                    if a.as_str().is_some() {
                        attrs.insert("account_id", None, a.clone());
                    }
                }
            }
            objects.push(object);
            instances.push(Resource {
                address,
                rtype: rtype.clone(),
                mode,
                span: header,
                attrs,
                exists,
            });
        }
        let object = match &exp {
            Expansion::Single | Expansion::Unknown(..) => {
                objects.pop().unwrap_or_else(|| Value::null(None))
            }
            Expansion::Count(_) => Value::new(Val::List(objects), None),
            Expansion::Keys(ks) => {
                let mut m = Map::new();
                for ((k, _), o) in ks.iter().zip(objects) {
                    m.push(k.clone(), None, o);
                }
                Value::new(Val::Map(m), None)
            }
        };
        ResOut { instances, object }
    }

    /// `data "aws_vpc_endpoint_service"` with `service = "ecr.dkr"` and no `service_name`: the
    /// provider looks the service up by `<reverse DNS prefix>.<region>.<service>`, which is then
    /// its `service_name`.
    fn endpoint_service_name(&self, id: usize, attrs: &mut Map, pkey: &str) {
        let set = |k: &str| {
            attrs
                .get(k)
                .filter(|v| !matches!(v.kind, Val::Null))
                .cloned()
        };
        if set("service_name").is_some() {
            return;
        }
        let Some(service) = set("service").filter(|s| s.as_str().is_some()) else {
            return;
        };
        let region = set("region")
            .or_else(|| self.provider(id, pkey).get("region").cloned())
            .unwrap_or_else(|| Value::new(Val::Symbol(Symbol::Region), None));
        let sp = service.span;
        let parts = vec![
            Value::new(Val::Symbol(Symbol::ReverseDnsPrefix), sp),
            Value::str(".", sp),
            region,
            Value::str(".", sp),
            service,
        ];
        attrs.insert("service_name", None, finish_template(parts, sp));
    }

    /// The object of the data sources that stand for deployment constants or are rendered here.
    fn data_object(
        &self,
        id: usize,
        rtype: &str,
        address: &str,
        attrs: &Map,
        pkey: &str,
        span: Option<Span>,
    ) -> Option<Value> {
        let sym = |s: Symbol| Value::new(Val::Symbol(s), span);
        let computed = |attr: &str| {
            Value::new(
                Val::Ref(Box::new(Ref {
                    target: address.to_string(),
                    attr: attr.to_string(),
                    resolved: None,
                })),
                span,
            )
        };
        let mut m = Map::new();
        match rtype {
            "aws_region" => {
                let set = |k: &str| {
                    attrs
                        .get(k)
                        .filter(|v| !matches!(v.kind, Val::Null))
                        .cloned()
                };
                let region = set("region")
                    .or_else(|| set("name"))
                    .or_else(|| self.provider(id, pkey).get("region").cloned())
                    .unwrap_or_else(|| sym(Symbol::Region));
                for k in ["name", "region", "id"] {
                    m.insert(k, None, region.clone());
                }
                m.insert("description", None, computed("description"));
                m.insert("endpoint", None, computed("endpoint"));
            }
            "aws_partition" => {
                m.insert("partition", None, sym(Symbol::Partition));
                m.insert("id", None, sym(Symbol::Partition));
                m.insert("dns_suffix", None, sym(Symbol::UrlSuffix));
                m.insert("reverse_dns_prefix", None, sym(Symbol::ReverseDnsPrefix));
            }
            "aws_caller_identity" => {
                let acct = self
                    .provider(id, pkey)
                    .get("account_id")
                    .cloned()
                    .unwrap_or_else(|| sym(Symbol::AccountId));
                m.insert("account_id", None, acct.clone());
                m.insert("id", None, acct);
                m.insert("arn", None, computed("arn"));
                m.insert("user_id", None, computed("user_id"));
            }
            "aws_iam_policy_document" => {
                let doc = policy::render(attrs, span);
                m.insert("json", None, doc.clone());
                m.insert("minified_json", None, doc);
                m.insert("id", None, computed("id"));
            }
            _ => return None,
        }
        Some(Value::new(Val::Map(m), span))
    }

    /// A block body as a map: attributes, then nested blocks as lists of maps (dynamic blocks
    /// expanded). `top` skips the meta-arguments of resources and data sources.
    pub fn body_map(&self, body: &Body<'a>, sc: &Scope, top: bool) -> Map {
        const META: &[&str] = &["count", "for_each", "provider", "depends_on"];
        const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
        let mut m = Map::new();
        for a in &body.attrs {
            if top && META.contains(&a.name.as_str()) {
                continue;
            }
            m.push(a.name.clone(), a.key_span, self.eval(a.expr, sc));
        }
        let mut groups: Vec<BlockGroup> = Vec::new();
        for b in &body.blocks {
            if top && META_BLOCKS.contains(&b.kind.as_str()) {
                continue;
            }
            let name = if b.kind == "dynamic" {
                match b.labels.first() {
                    Some(l) => l.clone(),
                    None => continue,
                }
            } else {
                b.kind.clone()
            };
            let gi = match groups.iter().position(|g| g.0 == name) {
                Some(i) => i,
                None => {
                    groups.push((name.clone(), b.header, Vec::new(), None));
                    groups.len() - 1
                }
            };
            if b.kind == "dynamic" {
                let g = &mut groups[gi];
                self.dynamic(b, &name, sc, &mut g.2, &mut g.3);
            } else {
                let inner = self.body_map(&b.body, sc, false);
                groups[gi].2.push(Value::new(Val::Map(inner), b.span));
            }
        }
        for (name, span, list, unknown) in groups {
            let v = match unknown {
                Some(u) => u,
                None => Value::new(Val::List(list), None),
            };
            m.push(name, span, v);
        }
        m
    }

    fn dynamic(
        &self,
        b: &Block<'a>,
        name: &str,
        sc: &Scope,
        out: &mut Vec<Value>,
        unknown: &mut Option<Value>,
    ) {
        let iter_name = b
            .body
            .attr("iterator")
            .and_then(|a| a.expr.as_ident_path())
            .unwrap_or_else(|| name.to_string());
        let Some(content) = b.body.blocks("content").next() else {
            return;
        };
        let Some(fe) = b.body.attr("for_each") else {
            return;
        };
        let coll = self.eval(fe.expr, sc);
        // Over a resource whose instances are not known: how many blocks is not known.
        if let Some(r) = functions::unknown_size(&coll) {
            if unknown.is_none() {
                *unknown = Some(Value::unknown(
                    format!("dynamic \"{name}\" for_each: {r}"),
                    fe.expr.span(),
                ));
            }
            return;
        }
        let items: Vec<(Value, Value)> = match &coll.deref().kind {
            Val::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::new(Val::Number(i as f64), v.span), v.clone()))
                .collect(),
            Val::Map(m) => map_items(m),
            Val::Null => Vec::new(),
            _ => {
                if unknown.is_none() {
                    *unknown = Some(unknown_because(
                        &format!("dynamic \"{name}\" for_each"),
                        &coll,
                        fe.expr.span(),
                    ));
                }
                return;
            }
        };
        for (k, v) in items {
            let mut it = Map::new();
            it.insert("key", None, k);
            it.insert("value", None, v);
            let isc = sc.with(&iter_name, Value::new(Val::Map(it), None));
            let inner = self.body_map(&content.body, &isc, false);
            out.push(Value::new(Val::Map(inner), content.span.or(b.span)));
        }
    }
}
