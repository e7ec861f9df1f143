//! The engine that applies the tables of `table.rs`, and the value normalisations they name:
//! booleans, protocols, security-group rules, IAM policy documents, container definitions.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use crate::base::align::TextMap;
use crate::base::{Diagnostic, FileId, Map, SourceMap, Span, Val, Value};

use super::model::WrittenKey;
use super::table::{Conv, Lit, Row};

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

// ---------------------------------------------------------------------------------------------
// JSON strings

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

// ---------------------------------------------------------------------------------------------
// Security-group rules

#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// `aws_security_group` inline blocks.
    TfInline,
    /// `aws_security_group_rule`.
    TfRule,
    /// `aws_vpc_security_group_ingress_rule` / `_egress_rule`.
    TfVpc,
    Cfn,
}

fn style_and_direction(cx: &Cx, src: &Map) -> (Style, Option<Value>) {
    match cx.rtype {
        "aws_security_group_rule" => (
            Style::TfRule,
            src.get("type").map(|t| match &t.kind {
                Val::Str(s) => Value::str(s.to_ascii_lowercase(), t.span),
                _ => t.clone(),
            }),
        ),
        "aws_vpc_security_group_ingress_rule" => (Style::TfVpc, Some(Value::str("ingress", None))),
        "aws_vpc_security_group_egress_rule" => (Style::TfVpc, Some(Value::str("egress", None))),
        "AWS::EC2::SecurityGroupIngress" => (Style::Cfn, Some(Value::str("ingress", None))),
        "AWS::EC2::SecurityGroupEgress" => (Style::Cfn, Some(Value::str("egress", None))),
        _ if cx.cfn => (Style::Cfn, None),
        _ => (Style::TfInline, None),
    }
}

/// `(written key, canonical key, holds a list)` of each way a rule names its peer.
fn sources(style: Style, egress: bool) -> &'static [(&'static str, &'static str, bool)] {
    match (style, egress) {
        (Style::TfInline, _) => &[
            ("cidr_blocks", "cidr_ipv4", true),
            ("ipv6_cidr_blocks", "cidr_ipv6", true),
            ("prefix_list_ids", "prefix_list_id", true),
            ("security_groups", "security_group_id", true),
            ("self", "self", false),
        ],
        (Style::TfRule, _) => &[
            ("cidr_blocks", "cidr_ipv4", true),
            ("ipv6_cidr_blocks", "cidr_ipv6", true),
            ("prefix_list_ids", "prefix_list_id", true),
            ("source_security_group_id", "security_group_id", false),
            ("self", "self", false),
        ],
        (Style::TfVpc, _) => &[
            ("cidr_ipv4", "cidr_ipv4", false),
            ("cidr_ipv6", "cidr_ipv6", false),
            ("prefix_list_id", "prefix_list_id", false),
            ("referenced_security_group_id", "security_group_id", false),
        ],
        (Style::Cfn, false) => &[
            ("CidrIp", "cidr_ipv4", false),
            ("CidrIpv6", "cidr_ipv6", false),
            ("SourcePrefixListId", "prefix_list_id", false),
            ("SourceSecurityGroupId", "security_group_id", false),
            ("SourceSecurityGroupName", "security_group_name", false),
        ],
        (Style::Cfn, true) => &[
            ("CidrIp", "cidr_ipv4", false),
            ("CidrIpv6", "cidr_ipv6", false),
            ("DestinationPrefixListId", "prefix_list_id", false),
            ("DestinationSecurityGroupId", "security_group_id", false),
        ],
    }
}

/// One written rule into canonical rules, one per peer: `{protocol, from_port, to_port,
/// <peer>, description}` where `<peer>` is one of `cidr_ipv4`, `cidr_ipv6`, `prefix_list_id`,
/// `security_group_id`, `security_group_name`, `self`. Ports are dropped for protocol `-1`
/// (AWS ignores them: all ports). A rule naming no peer is kept without one.
fn explode(src: &Map, span: Option<Span>, style: Style, egress: bool, out: &mut Vec<Value>) {
    let (pk, fk, tk, dk) = match style {
        Style::Cfn => ("IpProtocol", "FromPort", "ToPort", "Description"),
        Style::TfVpc => ("ip_protocol", "from_port", "to_port", "description"),
        _ => ("protocol", "from_port", "to_port", "description"),
    };
    let mut base = Map::new();
    let mut all = false;
    if let Some(e) = src.get_entry(pk) {
        let p = protocol(&e.value);
        all = p.as_str() == Some("-1");
        base.push("protocol", e.key_span, p);
    }
    if !all {
        for (k, canon) in [(fk, "from_port"), (tk, "to_port")] {
            if let Some(e) = src.get_entry(k) {
                if !matches!(e.value.kind, Val::Null) {
                    let mut cx = Cx::new(false, false, "");
                    if let Some(v) = convert(Conv::Num, &e.value, "", &mut cx) {
                        base.push(canon, e.key_span, v);
                    }
                }
            }
        }
    }
    if let Some(e) = src.get_entry(dk) {
        if !matches!(&e.value.kind, Val::Null) && e.value.as_str() != Some("") {
            base.push("description", e.key_span, e.value.clone());
        }
    }
    let before = out.len();
    let rule = |canon: &str, key_span: Option<Span>, v: Value| {
        let mut m = base.clone();
        m.push(canon, key_span, v);
        Value::new(Val::Map(m), span)
    };
    // `aws_security_group_rule.source_security_group_id` conflicts with the CIDR/prefix/self
    // peers [V TF aws_security_group_rule doc]: when one of those is written, an unknown
    // `source_security_group_id` is the provider's computed attribute (a plan's "known after
    // apply"), not a peer.
    let other_peer = style == Style::TfRule
        && ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "self"]
            .iter()
            .any(|k| {
                src.get(k)
                    .is_some_and(|v| v.is_fully_known() && !is_empty_peer(v))
            });
    for &(k, canon, multi) in sources(style, egress) {
        let Some(e) = src.get_entry(k) else { continue };
        let v = &e.value;
        if other_peer && k == "source_security_group_id" && v.is_unknown() {
            continue;
        }
        match &v.kind {
            Val::Null => {}
            Val::Str(s) if s.is_empty() => {}
            Val::Bool(false) if canon == "self" => {}
            Val::Bool(true) if canon == "self" => out.push(rule(canon, e.key_span, v.clone())),
            Val::Str(_) if canon == "self" => match v.as_bool() {
                Some(true) => {
                    out.push(rule(canon, e.key_span, Value::new(Val::Bool(true), v.span)))
                }
                Some(false) => {}
                None => out.push(rule(canon, e.key_span, v.clone())),
            },
            Val::List(items) if multi => {
                for it in items {
                    if matches!(it.kind, Val::Null) || it.as_str() == Some("") {
                        continue;
                    }
                    out.push(rule(canon, e.key_span, it.clone()));
                }
            }
            _ => out.push(rule(canon, e.key_span, v.clone())),
        }
    }
    if out.len() == before {
        out.push(Value::new(Val::Map(base), span));
    }
}

/// `null`, `""`, `[]` or `false`: no peer.
fn is_empty_peer(v: &Value) -> bool {
    match &v.kind {
        Val::Null | Val::Bool(false) => true,
        Val::Str(s) => s.is_empty(),
        Val::List(l) => l.is_empty(),
        _ => false,
    }
}

fn sg_inline(v: &Value, path: &str, cx: &mut Cx) -> Value {
    let egress = path.ends_with("egress");
    let style = if cx.cfn { Style::Cfn } else { Style::TfInline };
    match &v.kind {
        Val::List(items) => {
            let mut out = Vec::new();
            for it in items {
                match &it.kind {
                    Val::Map(m) => explode(m, it.span, style, egress, &mut out),
                    _ => out.push(it.clone()),
                }
            }
            Value::new(Val::List(out), v.span)
        }
        // A single rule written as a map (CloudFormation YAML allows a lone object only by
        // mistake; keep it readable).
        Val::Map(m) => {
            let mut out = Vec::new();
            explode(m, v.span, style, egress, &mut out);
            Value::new(Val::List(out), v.span)
        }
        _ => v.clone(),
    }
}

/// A standalone rule resource: `direction` and the canonical rules (see [`explode`]).
fn sg_standalone(src: &Map, span: Option<Span>, cx: &mut Cx) -> Value {
    let (style, direction) = style_and_direction(cx, src);
    let egress = direction.as_ref().and_then(|d| d.as_str()) == Some("egress");
    let mut out = Vec::new();
    explode(src, span, style, egress, &mut out);
    Value::new(Val::List(out), span)
}

/// The direction of a standalone rule (`ingress`/`egress`), from its type or `type` attribute.
pub fn sg_direction(src: &Map, cx: &Cx) -> Option<Value> {
    style_and_direction(cx, src).1
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents

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
fn policy_from_data(src: &Map, span: Option<Span>, cx: &mut Cx) -> Option<Value> {
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

// ---------------------------------------------------------------------------------------------
// Container definitions

/// The members of the ECS `ContainerDefinition` API, camelCase (domain notes (c)-1, plus
/// `credentialSpecs`, `restartPolicy` and `versionConsistency` of the newer schema).
pub const CONTAINER_DEFINITION_KEYS: &[&str] = &[
    "name",
    "image",
    "repositoryCredentials",
    "cpu",
    "memory",
    "memoryReservation",
    "links",
    "portMappings",
    "essential",
    "restartPolicy",
    "entryPoint",
    "command",
    "environment",
    "environmentFiles",
    "mountPoints",
    "volumesFrom",
    "linuxParameters",
    "secrets",
    "dependsOn",
    "startTimeout",
    "stopTimeout",
    "versionConsistency",
    "hostname",
    "user",
    "workingDirectory",
    "disableNetworking",
    "privileged",
    "readonlyRootFilesystem",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "dockerSecurityOptions",
    "interactive",
    "pseudoTerminal",
    "dockerLabels",
    "ulimits",
    "logConfiguration",
    "healthCheck",
    "systemControls",
    "resourceRequirements",
    "firelensConfiguration",
    "credentialSpecs",
];

/// Members of the nested container-definition types, camelCase.
const CONTAINER_NESTED_KEYS: &[&str] = &[
    "credentialsParameter",
    "valueFrom",
    "value",
    "type",
    "logDriver",
    "options",
    "secretOptions",
    "containerPort",
    "hostPort",
    "protocol",
    "appProtocol",
    "containerPortRange",
    "sourceVolume",
    "containerPath",
    "readOnly",
    "sourceContainer",
    "condition",
    "containerName",
    "softLimit",
    "hardLimit",
    "interval",
    "timeout",
    "retries",
    "startPeriod",
    "namespace",
    "capabilities",
    "add",
    "drop",
    "devices",
    "initProcessEnabled",
    "sharedMemorySize",
    "tmpfs",
    "maxSwap",
    "swappiness",
    "hostPath",
    "permissions",
    "size",
    "mountOptions",
    "enabled",
    "ignoredExitCodes",
    "restartAttemptPeriod",
    "ipAddress",
];

/// Boolean and integer members of the container-definition shapes. CloudFormation accepts
/// `"true"`/`"443"` strings for them (and YAML/JSON authors write both), so for CloudFormation
/// such strings are read as the boolean/number ECS receives. Terraform JSON is left alone: the
/// provider's decoder rejects a string there.
const CONTAINER_BOOLS: &[&str] = &[
    "essential",
    "readonlyRootFilesystem",
    "privileged",
    "disableNetworking",
    "interactive",
    "pseudoTerminal",
    "initProcessEnabled",
    "readOnly",
];
const CONTAINER_INTS: &[&str] = &[
    "cpu",
    "memory",
    "memoryReservation",
    "containerPort",
    "hostPort",
    "startTimeout",
    "stopTimeout",
    "softLimit",
    "hardLimit",
    "interval",
    "timeout",
    "retries",
    "startPeriod",
    "sharedMemorySize",
    "maxSwap",
    "swappiness",
    "size",
    "restartAttemptPeriod",
];

/// Maps whose keys are the user's, not the API's (kept as written).
const FREE_FORM: &[&str] = &["options", "dockerLabels"];

fn known_keys() -> &'static HashMap<String, &'static str> {
    static KEYS: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    KEYS.get_or_init(|| {
        CONTAINER_DEFINITION_KEYS
            .iter()
            .chain(CONTAINER_NESTED_KEYS)
            .map(|k| (k.to_ascii_lowercase(), *k))
            .collect()
    })
}

/// The canonical (camelCase) spelling of a container-definition key. Terraform decodes the JSON
/// case-insensitively [V provider `container_definitions.go`, domain FGP050], so any casing of
/// a known key is that key; an unknown key stays as written. CloudFormation writes PascalCase:
/// known keys are matched the same way, unknown ones get their first letter lowered
/// (`ImagePullBehavior` → `imagePullBehavior`).
pub fn container_key(k: &str, cfn: bool) -> String {
    if let Some(known) = known_keys().get(&k.to_ascii_lowercase()) {
        return (*known).to_string();
    }
    if cfn {
        let mut c = k.chars();
        match c.next() {
            Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
            None => String::new(),
        }
    } else {
        k.to_string()
    }
}

/// Container definitions into a list of containers with camelCase keys. Terraform: a JSON
/// string (decoded, spans mapped into the source when possible) or an encoded value;
/// CloudFormation: the list of PascalCase maps. Every key whose written form differs from its
/// canonical one is recorded in `written_keys`; for CloudFormation every key is recorded (its
/// schema is case-sensitive, so rules need the written spelling).
fn containers(v: &Value, path: &str, cx: &mut Cx) -> Value {
    let decoded;
    let src = match &v.kind {
        Val::Str(s) => match decode_json_string(s, v.span, cx) {
            Ok(d) => {
                decoded = d;
                &decoded
            }
            Err(d) => {
                let reason = format!("container_definitions is not valid JSON: {}", d.message);
                cx.diagnostics.push(d);
                return Value::unknown(reason, v.span);
            }
        },
        Val::Encoded(inner) => inner.as_ref(),
        Val::List(_) => v,
        Val::Template(parts) => match decode_json_template(parts, v.span, cx) {
            Some(d) => {
                decoded = d;
                &decoded
            }
            None => return v.clone(),
        },
        _ => return v.clone(),
    };
    let mut out = canon_container(src, path, false, cx);
    out.span = v.span.or(src.span);
    out
}

fn canon_container(v: &Value, path: &str, free: bool, cx: &mut Cx) -> Value {
    match &v.kind {
        Val::Map(m) => {
            let mut out = Map::new();
            for e in &m.entries {
                let key = if free {
                    e.key.clone()
                } else {
                    container_key(&e.key, cx.cfn)
                };
                let p = join(path, &key);
                if !free && (cx.cfn || key != e.key) {
                    cx.written_keys.push(WrittenKey {
                        path: p.clone(),
                        written: e.key.clone(),
                        span: e.key_span,
                    });
                }
                let child_free = !free && FREE_FORM.contains(&key.as_str());
                let nv = if free {
                    e.value.clone()
                } else if cx.cfn && CONTAINER_BOOLS.contains(&key.as_str()) {
                    convert(Conv::Bool, &e.value, &p, cx).unwrap_or_else(|| e.value.clone())
                } else if cx.cfn && CONTAINER_INTS.contains(&key.as_str()) {
                    convert(Conv::Num, &e.value, &p, cx).unwrap_or_else(|| e.value.clone())
                } else {
                    canon_container(&e.value, &p, child_free, cx)
                };
                out.push(key, e.key_span, nv);
            }
            Value::new(Val::Map(out), v.span)
        }
        Val::List(items) => Value::new(
            Val::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| canon_container(it, &format!("{path}[{i}]"), free, cx))
                    .collect(),
            ),
            v.span,
        ),
        _ => v.clone(),
    }
}
