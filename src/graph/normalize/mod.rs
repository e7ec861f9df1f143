//! The engine that applies the tables of `table.rs`, and the value normalisations they name:
//! booleans, protocols and the other field conversions here; one file per structured value:
//! `json.rs` (JSON held in strings and templates), `sg.rs` (security-group rules), `policy.rs`
//! (IAM policy documents), `containers.rs` (container definitions).

use std::collections::BTreeSet;

use crate::base::align::TextMap;
use crate::base::{Diagnostic, Map, SourceMap, Span, Val, Value};

use super::model::WrittenKey;
use super::table::{Conv, Lit, Row};

mod containers;
mod json;
mod policy;
mod sg;

use containers::containers;
pub use containers::{container_key, CONTAINER_DEFINITION_KEYS};
use policy::{policy, policy_from_data};
use sg::{sg_direction, sg_inline, sg_standalone};

/// What one node's normalisation produces besides its fields.
pub struct Cx<'a> {
    /// The resource is written in CloudFormation (else Terraform, HCL or plan).
    pub cfn: bool,
    /// Defaults apply to managed resources only (a data source reads what exists).
    pub managed: bool,
    /// The type as written (standalone security-group rules depend on it).
    pub rtype: &'a str,
    pub defaults: BTreeSet<String>,
    pub written_keys: Vec<WrittenKey>,
    pub diagnostics: Vec<Diagnostic>,
    /// The source texts, to map positions inside JSON held in strings back to the source
    /// (see [`TextMap`]); without them, such JSON is located at its whole string.
    pub sources: Option<&'a SourceMap>,
}

impl<'a> Cx<'a> {
    pub fn new(cfn: bool, managed: bool, rtype: &'a str) -> Cx<'a> {
        Cx {
            cfn,
            managed,
            rtype,
            defaults: BTreeSet::new(),
            written_keys: Vec::new(),
            diagnostics: Vec::new(),
            sources: None,
        }
    }

    pub fn with_sources(mut self, sources: Option<&'a SourceMap>) -> Cx<'a> {
        self.sources = sources;
        self
    }

    /// Appends `decoded` to `m`, aligned with the source text at `span` when it corresponds,
    /// else as one opaque piece standing for `span` (or for `fallback`).
    fn push_text(
        &self,
        m: &mut TextMap,
        decoded: &str,
        span: Option<Span>,
        fallback: Option<Span>,
    ) {
        let aligned = match (self.sources, span) {
            (Some(src), Some(sp)) if (sp.file.0 as usize) < src.len() => {
                let file = src.get(sp.file);
                match file.text.get(sp.range()) {
                    Some(raw) => m.push_aligned(decoded, raw, sp),
                    None => false,
                }
            }
            _ => false,
        };
        if !aligned {
            m.push_opaque(decoded.len(), span.or(fallback));
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// A Terraform nested block is a list of maps: its first element stands for it.
fn unwrap_block(v: &Value) -> &Value {
    match &v.kind {
        Val::List(l) if matches!(l.first().map(|f| &f.kind), Some(Val::Map(_))) => &l[0],
        _ => v,
    }
}

/// Finds a dotted path (with `|` alternatives) in a resource's attributes: the value and the
/// span of the key that holds it. `null` counts as absent.
pub fn find<'m>(src: &'m Map, path: &str) -> Option<(Option<Span>, &'m Value)> {
    'alt: for alt in path.split('|') {
        let mut segs = alt.split('.');
        let Some(first) = segs.next() else { continue };
        let Some(mut entry) = src.get_entry(first) else {
            continue;
        };
        for seg in segs {
            let Some(m) = unwrap_block(&entry.value).as_map() else {
                continue 'alt;
            };
            match m.get_entry(seg) {
                Some(e) => entry = e,
                None => continue 'alt,
            }
        }
        if matches!(entry.value.kind, Val::Null) {
            continue;
        }
        return Some((entry.key_span, &entry.value));
    }
    None
}

/// Applies rows to a source map. `prefix` is the canonical path of the map being built.
pub fn apply(rows: &[Row], src: &Map, src_span: Option<Span>, prefix: &str, cx: &mut Cx) -> Map {
    let mut out = Map::new();
    for row in rows {
        let path = if cx.cfn { row.cfn } else { row.tf };
        if path.is_empty() {
            continue;
        }
        let canon_path = join(prefix, row.canon);
        let whole;
        let found = if path == "." {
            whole = Value::new(Val::Map(src.clone()), src_span);
            Some((None, &whole))
        } else {
            find(src, path)
        };
        // A value that counts as absent (`""`, `[]` for blocks...) gets the default too.
        let converted =
            found.and_then(|(ks, v)| convert(row.conv, v, &canon_path, cx).map(|nv| (ks, nv)));
        match converted {
            Some((key_span, nv)) => out.insert(row.canon, key_span, nv),
            None => {
                let def = if cx.cfn { row.cfn_def } else { row.tf_def };
                if let (Some(lit), true) = (def, cx.managed) {
                    out.insert(row.canon, None, lit_value(lit));
                    cx.defaults.insert(canon_path);
                }
            }
        }
    }
    out
}

pub fn lit_value(lit: Lit) -> Value {
    match lit {
        Lit::Bool(b) => Value::new(Val::Bool(b), None),
        Lit::Num(n) => Value::new(Val::Number(n), None),
        Lit::Str(s) => Value::str(s, None),
        Lit::EmptyList => Value::new(Val::List(vec![]), None),
        Lit::AllowAllEgress => {
            let mut m = Map::new();
            m.push("protocol", None, Value::str("-1", None));
            m.push("cidr_ipv4", None, Value::str("0.0.0.0/0", None));
            Value::new(Val::List(vec![Value::new(Val::Map(m), None)]), None)
        }
    }
}

/// Normalises one value; `None` when it counts as absent.
pub fn convert(conv: Conv, v: &Value, path: &str, cx: &mut Cx) -> Option<Value> {
    let with = |kind: Val| Some(Value::new(kind, v.span));
    match conv {
        Conv::Same => Some(v.clone()),
        Conv::NonEmpty => match &v.kind {
            Val::Str(s) if s.is_empty() => None,
            _ => Some(v.clone()),
        },
        Conv::Bool => match &v.kind {
            Val::Str(_) => match v.as_bool() {
                Some(b) => with(Val::Bool(b)),
                None => Some(v.clone()),
            },
            _ => Some(v.clone()),
        },
        Conv::PublicIp => match &v.kind {
            Val::Str(s) if s.eq_ignore_ascii_case("ENABLED") => with(Val::Bool(true)),
            Val::Str(s) if s.eq_ignore_ascii_case("DISABLED") => with(Val::Bool(false)),
            Val::Str(_) => match v.as_bool() {
                Some(b) => with(Val::Bool(b)),
                None => Some(v.clone()),
            },
            _ => Some(v.clone()),
        },
        Conv::Num => match &v.kind {
            Val::Str(s) => match s.trim().parse::<f64>() {
                Ok(n) => with(Val::Number(n)),
                Err(_) => Some(v.clone()),
            },
            _ => Some(v.clone()),
        },
        Conv::Str => match &v.kind {
            Val::Number(n) => with(Val::Str(crate::base::value::format_number(*n))),
            _ => Some(v.clone()),
        },
        Conv::List => match &v.kind {
            Val::List(_) | Val::Unknown(_) => Some(v.clone()),
            _ => with(Val::List(vec![v.clone()])),
        },
        Conv::Protocol => Some(protocol(v)),
        Conv::Lower => match &v.kind {
            Val::Str(s) => with(Val::Str(s.to_ascii_lowercase())),
            _ => Some(v.clone()),
        },
        Conv::Policy => policy(v, cx),
        Conv::Containers => Some(containers(v, path, cx)),
        // CloudFormation adds the allow-all egress "if you do not specify an egress rule" [V CFN
        // AWS::EC2::SecurityGroup `SecurityGroupEgress`]: an empty list specifies none.
        Conv::SgRules
            if cx.cfn && path.ends_with("egress") && v.as_list().is_some_and(|l| l.is_empty()) =>
        {
            None
        }
        Conv::SgRules => Some(sg_inline(v, path, cx)),
        Conv::SgRuleSelf => v.as_map().map(|m| sg_standalone(m, v.span, cx)),
        Conv::SgDirection => v.as_map().and_then(|m| sg_direction(m, cx)),
        Conv::PolicyDocData => v.as_map().and_then(|m| policy_from_data(m, v.span, cx)),
        Conv::Block(rows) => {
            let b = unwrap_block(v);
            match &b.kind {
                Val::List(l) if l.is_empty() => None,
                Val::Map(m) => Some(Value::new(
                    Val::Map(apply(rows, m, b.span, path, cx)),
                    b.span,
                )),
                _ => Some(v.clone()),
            }
        }
        Conv::Items(rows) => match &v.kind {
            Val::List(items) if items.is_empty() => None,
            Val::List(items) => {
                let out = items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| match &it.kind {
                        Val::Map(m) => Value::new(
                            Val::Map(apply(rows, m, it.span, &format!("{path}[{i}]"), cx)),
                            it.span,
                        ),
                        _ => it.clone(),
                    })
                    .collect();
                with(Val::List(out))
            }
            _ => Some(v.clone()),
        },
    }
}

/// IP protocol: lower case, `all` → `-1`, numbers 1/6/17/58 → `icmp`/`tcp`/`udp`/`icmpv6`
/// (EC2 accepts names or numbers; `-1` means all protocols).
pub fn protocol(v: &Value) -> Value {
    let s = match &v.kind {
        Val::Str(s) => s.trim().to_ascii_lowercase(),
        Val::Number(n) => crate::base::value::format_number(*n),
        _ => return v.clone(),
    };
    let canon = match s.as_str() {
        "all" => "-1",
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        other => other,
    };
    Value::str(canon, v.span)
}
