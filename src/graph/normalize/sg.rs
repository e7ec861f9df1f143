//! Security-group rules: inline blocks and standalone rule resources, each written rule
//! exploded into canonical rules (one per peer), and a standalone rule's direction.

use crate::base::{Map, Span, Val, Value};
use crate::graph::table::Conv;

use super::{convert, protocol, Cx};

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

pub(super) fn sg_inline(v: &Value, path: &str, cx: &mut Cx) -> Value {
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
pub(super) fn sg_standalone(src: &Map, span: Option<Span>, cx: &mut Cx) -> Value {
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
