use std::path::{Path, PathBuf};

use super::*;
use crate::base::{Symbol, Val, Value};
use crate::frontends::{Mode, Resource};

struct Loaded {
    units: Vec<Unit>,
    sources: SourceMap,
    _dir: tempfile::TempDir,
}

fn opts_for(root: &Path) -> Options {
    Options {
        max_file_size: 10 << 20,
        scan_roots: vec![root.to_path_buf()],
        ..Options::default()
    }
}

/// Writes `files` (paths relative to a temporary directory) and loads `dirs` from it.
fn load_with(
    files: &[(&str, &str)],
    dirs: &[&str],
    tweak: impl FnOnce(&mut Options, &Path),
) -> Loaded {
    let tmp = tempfile::tempdir().unwrap();
    for (p, text) in files {
        let path = tmp.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut opts = opts_for(tmp.path());
    tweak(&mut opts, tmp.path());
    let sources = SourceMap::new();
    let dirs: Vec<PathBuf> = dirs.iter().map(|d| tmp.path().join(d)).collect();
    let units = load(&dirs, &sources, &opts);
    Loaded {
        units,
        sources,
        _dir: tmp,
    }
}

fn one(main: &str) -> Loaded {
    load_with(&[("main.tf", main)], &["."], |_, _| {})
}

impl Loaded {
    fn unit(&self) -> &Unit {
        assert_eq!(self.units.len(), 1, "expected one unit");
        &self.units[0]
    }
    fn res(&self, addr: &str) -> &Resource {
        let u = self.unit();
        u.resources
            .iter()
            .find(|r| r.address == addr)
            .unwrap_or_else(|| {
                panic!(
                    "no {addr}; have {:?}",
                    u.resources.iter().map(|r| &r.address).collect::<Vec<_>>()
                )
            })
    }
    fn attr(&self, addr: &str, key: &str) -> Value {
        self.res(addr)
            .attrs
            .get(key)
            .unwrap_or_else(|| panic!("{addr} has no {key}"))
            .clone()
    }
    fn addresses(&self) -> Vec<String> {
        self.unit()
            .resources
            .iter()
            .map(|r| r.address.clone())
            .collect()
    }
    fn text(&self, v: &Value) -> String {
        let sp = v.span.expect("value has a span");
        self.sources.get(sp.file).slice(sp).to_string()
    }
}

/// The JSON view with integral numbers as integers, for readable expectations.
fn json(v: &Value) -> serde_json::Value {
    fn ints(j: serde_json::Value) -> serde_json::Value {
        use serde_json::Value as J;
        match j {
            J::Number(n) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => J::from(f as i64),
                _ => J::Number(n),
            },
            J::Array(a) => J::Array(a.into_iter().map(ints).collect()),
            J::Object(o) => J::Object(o.into_iter().map(|(k, v)| (k, ints(v))).collect()),
            other => other,
        }
    }
    ints(v.to_json())
}

fn unknown_reason(v: &Value) -> String {
    match &v.kind {
        Val::Unknown(r) => r.to_string(),
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[test]
fn literals_and_spans() {
    let l = one(r#"
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags = { Name = "main", "k-2" = 3 }
}
"#);
    let r = l.res("aws_vpc.main");
    assert_eq!(r.rtype, "aws_vpc");
    assert_eq!(r.mode, Mode::Managed);
    assert_eq!(
        l.sources.get(r.span.file).slice(r.span),
        r#"resource "aws_vpc" "main""#
    );
    let c = l.attr("aws_vpc.main", "cidr_block");
    assert_eq!(c.as_str(), Some("10.0.0.0/16"));
    assert_eq!(l.text(&c), "\"10.0.0.0/16\"");
    assert_eq!(
        json(&l.attr("aws_vpc.main", "tags")),
        serde_json::json!({"Name": "main", "k-2": 3})
    );
    assert!(r.exists.is_none());
}

#[test]
fn template_with_unknown_part_renders_pattern() {
    let l = one(r#"
variable "region" {}
resource "aws_vpc_endpoint" "dkr" {
  service_name = "com.amazonaws.${var.region}.ecr.dkr"
  other        = "${var.region}"
}
"#);
    let v = l.attr("aws_vpc_endpoint.dkr", "service_name");
    assert!(matches!(v.kind, Val::Template(_)), "{v:?}");
    assert_eq!(v.render_pattern().unwrap(), "com.amazonaws.⟨?⟩.ecr.dkr");
    assert_eq!(l.text(&v), "\"com.amazonaws.${var.region}.ecr.dkr\"");
    let o = l.attr("aws_vpc_endpoint.dkr", "other");
    assert_eq!(unknown_reason(&o), "variable `region` has no value");
}

#[test]
fn templates_known_heredoc_and_directives() {
    let l = one(r#"
locals {
  names = ["a", "b"]
  on    = true
}
resource "x" "y" {
  s   = "n-${1 + 2}-${local.on}"
  h   = <<-EOT
    hello ${local.names[1]}
    EOT
  d   = "%{ for n in local.names }<${n}>%{ endfor }"
  d2  = "%{ if local.on }yes%{ else }no%{ endif }"
  st  = "a %{~ if true ~} b %{~ endif ~} c"
  esc = "$${literal}"
}
"#);
    let a = |k| l.attr("x.y", k).as_str().map(str::to_string);
    assert_eq!(a("s").as_deref(), Some("n-3-true"));
    assert_eq!(a("h").as_deref(), Some("hello b\n"));
    assert_eq!(a("d").as_deref(), Some("<a><b>"));
    assert_eq!(a("d2").as_deref(), Some("yes"));
    assert_eq!(a("st").as_deref(), Some("abc"));
    assert_eq!(a("esc").as_deref(), Some("${literal}"));
}

#[test]
fn operators_conditionals_and_choice() {
    let l = one(r#"
variable "flag" {
  type = bool
}
variable "n" {
  default = 4
}
resource "x" "y" {
  arith = var.n * 2 + 1 - 10 / 5 % 3
  cmp   = var.n >= 4 && !(var.n == 5) || false
  known = var.n > 3 ? "big" : "small"
  choice = var.flag ? "a" : "b"
  unk   = var.flag ? var.nope : "b"
  short = false && var.flag
  eq    = [1, "a"] == [1, "a"]
}
"#);
    assert_eq!(l.attr("x.y", "arith").as_f64(), Some(7.0));
    assert_eq!(l.attr("x.y", "cmp").as_bool(), Some(true));
    assert_eq!(l.attr("x.y", "known").as_str(), Some("big"));
    assert_eq!(
        json(&l.attr("x.y", "choice")),
        serde_json::json!({"$choice": ["a", "b"]})
    );
    assert!(l.attr("x.y", "unk").is_unknown());
    assert_eq!(l.attr("x.y", "short").as_bool(), Some(false));
    assert_eq!(l.attr("x.y", "eq").as_bool(), Some(true));
}

#[test]
fn for_expressions_and_splats() {
    let l = one(r#"
locals {
  m = { a = 1, b = 2, c = 3 }
  objs = [{ id = "x", g = "1" }, { id = "y", g = "1" }, { id = "z", g = "2" }]
}
resource "x" "y" {
  list    = [for k, v in local.m : "${k}=${v}" if v > 1]
  obj     = { for k, v in local.m : upper_is_not_needed(k) => v }
  obj2    = { for k, v in local.m : k => v * 10 }
  grouped = { for o in local.objs : o.g => o.id... }
  splat   = local.objs[*].id
  legacy  = local.objs.*.id
  single  = local.objs[0].id
}
"#);
    assert_eq!(
        json(&l.attr("x.y", "list")),
        serde_json::json!(["b=2", "c=3"])
    );
    assert!(
        l.attr("x.y", "obj").is_unknown(),
        "function result is Unknown until functions land"
    );
    assert_eq!(
        json(&l.attr("x.y", "obj2")),
        serde_json::json!({"a": 10, "b": 20, "c": 30})
    );
    assert_eq!(
        json(&l.attr("x.y", "grouped")),
        serde_json::json!({"1": ["x", "y"], "2": ["z"]})
    );
    assert_eq!(
        json(&l.attr("x.y", "splat")),
        serde_json::json!(["x", "y", "z"])
    );
    assert_eq!(
        json(&l.attr("x.y", "legacy")),
        serde_json::json!(["x", "y", "z"])
    );
    assert_eq!(l.attr("x.y", "single").as_str(), Some("x"));
}

#[test]
fn resource_references_resolve_set_attributes() {
    let l = one(r#"
resource "aws_iam_role" "exec" {
  name = "app-exec"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.exec.name
  policy_arn = aws_iam_role.exec.arn
  whole      = aws_iam_role.exec
  depends_on = [aws_iam_role.exec]
}
"#);
    let role = l.attr("aws_iam_role_policy_attachment.a", "role");
    let Val::Ref(r) = &role.kind else {
        panic!("{role:?}")
    };
    assert_eq!(
        (r.target.as_str(), r.attr.as_str()),
        ("aws_iam_role.exec", "name")
    );
    assert_eq!(role.as_str(), Some("app-exec"));
    assert_eq!(l.text(&role), "aws_iam_role.exec.name");
    let arn = l.attr("aws_iam_role_policy_attachment.a", "policy_arn");
    assert_eq!(
        json(&arn),
        serde_json::json!({"$ref": "aws_iam_role.exec.arn"})
    );
    let whole = l.attr("aws_iam_role_policy_attachment.a", "whole");
    let Val::Ref(w) = &whole.kind else { panic!() };
    assert_eq!(w.attr, "");
    assert!(l
        .res("aws_iam_role_policy_attachment.a")
        .attrs
        .get("depends_on")
        .is_none());
}

#[test]
fn count_and_for_each_addresses() {
    let l = one(r#"
variable "azs" {
  default = ["a", "b"]
}
variable "unknown_n" {
  type = number
}
resource "aws_subnet" "private" {
  count             = length_is_a_function_so_use_literal()
  cidr_block        = "10.0.${count.index}.0/24"
}
resource "aws_subnet" "two" {
  count      = 2
  cidr_block = "10.0.${count.index}.0/24"
  az         = var.azs[count.index]
}
resource "aws_subnet" "none" {
  count = 0
}
resource "aws_vpc_endpoint" "this" {
  for_each     = { "ecr.api" = "Interface", s3 = "Gateway" }
  service_name = "com.amazonaws.eu-west-1.${each.key}"
  type         = each.value
}
resource "aws_route_table_association" "a" {
  count     = 2
  subnet_id = aws_subnet.two[count.index].id
}
data "aws_subnet" "d" {
  for_each = var.unknown_set
  id       = each.value
}
variable "unknown_set" {}
resource "x" "refs" {
  cidrs = [for s in data.aws_subnet.d : s.cidr_block]
  ids   = aws_subnet.two[*].id
  ids2  = [for s in aws_subnet.two : s.id]
  ep    = aws_vpc_endpoint.this["ecr.api"].id
  unk   = aws_subnet.private[*].id
}
resource "x" "unk" {
  count = var.unknown_n
}
resource "x" "huge" {
  count = 1000000
}
"#);
    let addrs = l.addresses();
    for a in [
        "aws_subnet.two[0]",
        "aws_subnet.two[1]",
        "aws_vpc_endpoint.this[\"ecr.api\"]",
        "aws_vpc_endpoint.this[\"s3\"]",
        "aws_subnet.private[*]",
        "x.unk[*]",
    ] {
        assert!(addrs.contains(&a.to_string()), "{a} missing from {addrs:?}");
    }
    assert!(!addrs.iter().any(|a| a.starts_with("aws_subnet.none")));
    assert_eq!(
        l.attr("aws_subnet.two[1]", "cidr_block").as_str(),
        Some("10.0.1.0/24")
    );
    assert_eq!(l.attr("aws_subnet.two[1]", "az").as_str(), Some("b"));
    assert_eq!(
        l.attr("aws_vpc_endpoint.this[\"ecr.api\"]", "service_name")
            .as_str(),
        Some("com.amazonaws.eu-west-1.ecr.api")
    );
    assert_eq!(
        json(&l.attr("aws_route_table_association.a[1]", "subnet_id")),
        serde_json::json!({"$ref": "aws_subnet.two[1].id"})
    );
    let ids =
        serde_json::json!([{"$ref": "aws_subnet.two[0].id"}, {"$ref": "aws_subnet.two[1].id"}]);
    assert_eq!(json(&l.attr("x.refs", "ids")), ids);
    assert_eq!(json(&l.attr("x.refs", "ids2")), ids);
    assert_eq!(
        json(&l.attr("x.refs", "ep")),
        serde_json::json!({"$ref": "aws_vpc_endpoint.this[\"ecr.api\"].id"})
    );
    assert_eq!(
        json(&l.attr("x.refs", "unk")),
        serde_json::json!([{"$ref": "aws_subnet.private[*].id"}])
    );
    assert_eq!(
        json(&l.attr("x.refs", "cidrs")),
        serde_json::json!([{"$ref": "data.aws_subnet.d[*].cidr_block"}])
    );
    assert!(unknown_reason(l.res("x.huge[*]").exists.as_ref().unwrap()).contains("more than"));
    let ex = l.res("x.unk[*]").exists.clone().unwrap();
    assert_eq!(unknown_reason(&ex), "variable `unknown_n` has no value");
    assert!(l
        .res("aws_subnet.private[*]")
        .exists
        .as_ref()
        .unwrap()
        .is_unknown());
}

#[test]
fn dynamic_blocks_expand() {
    let l = one(r#"
locals {
  rules = [{ port = 443, cidr = "10.0.0.0/8" }, { port = 80, cidr = "0.0.0.0/0" }]
}
resource "aws_security_group" "sg" {
  ingress {
    from_port = 22
  }
  dynamic "ingress" {
    for_each = local.rules
    iterator = rule
    content {
      from_port   = rule.value.port
      cidr_blocks = [rule.value.cidr]
      idx         = rule.key
    }
  }
  dynamic "egress" {
    for_each = { all = "-1" }
    content {
      protocol = egress.value
      name     = egress.key
    }
  }
}
"#);
    assert_eq!(
        json(&l.attr("aws_security_group.sg", "ingress")),
        serde_json::json!([
            {"from_port": 22},
            {"from_port": 443, "cidr_blocks": ["10.0.0.0/8"], "idx": 0},
            {"from_port": 80, "cidr_blocks": ["0.0.0.0/0"], "idx": 1}
        ])
    );
    assert_eq!(
        json(&l.attr("aws_security_group.sg", "egress")),
        serde_json::json!([{"protocol": "-1", "name": "all"}])
    );
    let ing = l.attr("aws_security_group.sg", "ingress");
    let first = &ing.as_list().unwrap()[0];
    assert!(l.text(first).starts_with("ingress {"));
}

#[test]
fn nested_blocks_are_lists_of_maps() {
    let l = one(r#"
resource "aws_ecs_service" "s" {
  network_configuration {
    subnets          = ["a"]
    assign_public_ip = false
  }
  lifecycle {
    ignore_changes = [desired_count]
  }
}
"#);
    assert_eq!(
        json(&l.attr("aws_ecs_service.s", "network_configuration")),
        serde_json::json!([{"subnets": ["a"], "assign_public_ip": false}])
    );
    assert!(l.res("aws_ecs_service.s").attrs.get("lifecycle").is_none());
}

#[test]
fn data_sources_symbols_and_provider_region() {
    let l = one(r#"
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["123456789012"]
}
provider "aws" {
  alias = "east"
  region = var.r
}
variable "r" {}
data "aws_region" "current" {}
data "aws_region" "east" {
  provider = aws.east
}
data "aws_partition" "p" {}
data "aws_caller_identity" "me" {}
data "aws_vpc" "v" {
  id = "vpc-1"
}
data "aws_vpc_endpoint_service" "dkr" {
  service = "ecr.dkr"
}
resource "x" "y" {
  region  = data.aws_region.current.name
  region2 = data.aws_region.east.region
  part    = data.aws_partition.p.partition
  rdns    = "${data.aws_partition.p.reverse_dns_prefix}.${data.aws_region.east.region}.ecr.dkr"
  suffix  = data.aws_partition.p.dns_suffix
  acct    = data.aws_caller_identity.me.account_id
  vpc     = data.aws_vpc.v.id
  cidr    = data.aws_vpc.v.cidr_block
  svc     = data.aws_vpc_endpoint_service.dkr.service_name
}
"#);
    assert_eq!(l.attr("x.y", "region").as_str(), Some("eu-west-1"));
    assert_eq!(l.attr("x.y", "region2").kind, Val::Symbol(Symbol::Region));
    assert_eq!(l.attr("x.y", "part").kind, Val::Symbol(Symbol::Partition));
    assert_eq!(l.attr("x.y", "suffix").kind, Val::Symbol(Symbol::UrlSuffix));
    assert_eq!(
        l.attr("x.y", "rdns").render_pattern().unwrap(),
        "⟨?⟩.⟨?⟩.ecr.dkr"
    );
    assert_eq!(l.attr("x.y", "acct").as_str(), Some("123456789012"));
    assert_eq!(
        json(&l.attr("x.y", "vpc")),
        serde_json::json!({"$ref": "data.aws_vpc.v.id", "value": "vpc-1"})
    );
    assert_eq!(
        json(&l.attr("x.y", "cidr")),
        serde_json::json!({"$ref": "data.aws_vpc.v.cidr_block"})
    );
    assert_eq!(
        l.unit().region.as_ref().unwrap().as_str(),
        Some("eu-west-1")
    );
    assert!(l.addresses().contains(&"data.aws_vpc.v".to_string()));
}

#[test]
fn policy_documents_render_and_merge() {
    let l = one(r#"
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Pull"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = ["*"]
  }
  statement {
    sid     = "Logs"
    actions = ["logs:PutLogEvents"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["1", "2"]
    }
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid       = "Logs"
    effect    = "Deny"
    actions   = ["logs:*"]
    resources = ["*"]
  }
  override_policy_documents = [<<-EOT
    {"Statement": [{"Sid": "Pull", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"}, {"Sid": "New", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    EOT
  ]
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.assume.json
  policy             = data.aws_iam_policy_document.merged.minified_json
}
"#);
    assert_eq!(
        json(&l.attr("aws_iam_role.r", "assume_role_policy")),
        serde_json::json!({"$json": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": ["1", "2"]}}
        }]}})
    );
    assert_eq!(
        json(&l.attr("aws_iam_role.r", "policy")),
        serde_json::json!({"$json": {"Version": "2012-10-17", "Statement": [
            {"Sid": "Pull", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
            {"Sid": "Logs", "Effect": "Deny", "Action": "logs:*", "Resource": "*"},
            {"Sid": "New", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        ]}})
    );
}

#[test]
fn tfvars_precedence() {
    let files = [
        (
            "main.tf",
            r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "f" { default = "default" }
variable "l" { type = list(string) }
variable "none" {}
variable "untyped_list" {}
variable "untyped_region" {}
variable "str" { type = string }
resource "x" "y" {
  a = var.a
  b = var.b
  c = var.c
  d = var.d
  e = var.e
  f = var.f
  l = var.l
  none = var.none
  ul   = var.untyped_list
  ur   = var.untyped_region
  str  = var.str
}
"#,
        ),
        (
            "terraform.tfvars",
            "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\n",
        ),
        (
            "terraform.tfvars.json",
            r#"{"b": "tfvars.json", "c": "tfvars.json", "d": "tfvars.json", "e": "tfvars.json"}"#,
        ),
        (
            "a.auto.tfvars",
            "c = \"a.auto\"\nd = \"a.auto\"\ne = \"a.auto\"\n",
        ),
        (
            "b.auto.tfvars.json",
            r#"{"d": "b.auto.json", "e": "b.auto.json"}"#,
        ),
        ("extra.tfvars", "e = \"var-file\"\nf = \"var-file\"\n"),
    ];
    let l = load_with(&files, &["."], |o, root| {
        o.env_vars = vec![("a".into(), "env".into()), ("f".into(), "env".into())];
        o.var_files = vec![root.join("extra.tfvars")];
        o.vars = vec![
            ("f".into(), "cli".into()),
            ("l".into(), "[\"p\", \"q\"]".into()),
            ("untyped_list".into(), "[1, 2]".into()),
            ("untyped_region".into(), "us-east-1".into()),
            ("str".into(), "[1]".into()),
        ];
    });
    let a = |k: &str| {
        l.attr("x.y", k)
            .as_str()
            .map(str::to_string)
            .unwrap_or_default()
    };
    assert_eq!(a("a"), "tfvars");
    assert_eq!(a("b"), "tfvars.json");
    assert_eq!(a("c"), "a.auto");
    assert_eq!(a("d"), "b.auto.json");
    assert_eq!(a("e"), "var-file");
    assert_eq!(a("f"), "cli");
    assert_eq!(json(&l.attr("x.y", "l")), serde_json::json!(["p", "q"]));
    assert_eq!(
        unknown_reason(&l.attr("x.y", "none")),
        "variable `none` has no value"
    );
    let missing: Vec<&str> = l
        .unit()
        .diagnostics
        .iter()
        .filter(|d| d.code == "variable-without-value")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].starts_with("variable `none`"));
    assert_eq!(json(&l.attr("x.y", "ul")), serde_json::json!([1, 2]));
    assert_eq!(l.attr("x.y", "ur").as_str(), Some("us-east-1"));
    assert_eq!(l.attr("x.y", "str").as_str(), Some("[1]"));
    // env alone, with the default underneath
    let l2 = load_with(
        &[(
            "main.tf",
            "variable \"v\" {\n default = 1\n}\nresource \"x\" \"y\" {\n v = var.v\n}\n",
        )],
        &["."],
        |o, _| {
            o.env_vars = vec![("v".into(), "from-env".into())];
        },
    );
    assert_eq!(l2.attr("x.y", "v").as_str(), Some("from-env"));
}

#[test]
fn modules_inputs_outputs_and_child_not_root() {
    let files = [
        (
            "root/main.tf",
            r#"
provider "aws" { region = "eu-west-1" }
module "net" {
  source = "../modules/net"
  cidr   = "10.1.0.0/16"
  names  = ["a", "b"]
}
module "eps" {
  source   = "../modules/ep"
  for_each = toset_is_a_function_so_use_map()
  vpc_id   = module.net.vpc_id
}
module "ep" {
  source   = "../modules/ep"
  for_each = { api = "ecr.api", dkr = "ecr.dkr" }
  service  = each.value
  vpc_id   = module.net.vpc_id
}
module "counted" {
  source = "../modules/ep"
  count  = 1
  service = "logs"
  vpc_id  = "vpc-x"
}
resource "x" "use" {
  vpc     = module.net.vpc_id
  subnets = module.net.subnet_ids
  ep      = module.ep["api"].endpoint_id
  ep0     = module.counted[0].endpoint_id
  missing = module.net.nope
}
"#,
        ),
        (
            "modules/net/main.tf",
            r#"
variable "cidr" {}
variable "names" {}
resource "aws_vpc" "this" {
  cidr_block = var.cidr
}
resource "aws_subnet" "s" {
  for_each = toset_unknown_here()
  vpc_id   = aws_vpc.this.id
}
resource "aws_subnet" "k" {
  count  = 2
  vpc_id = aws_vpc.this.id
  name   = var.names[count.index]
}
output "vpc_id" { value = aws_vpc.this.id }
output "subnet_ids" { value = aws_subnet.k[*].id }
"#,
        ),
        (
            "modules/ep/main.tf",
            r#"
variable "service" { default = "s3" }
variable "vpc_id" {}
data "aws_region" "current" {}
resource "aws_vpc_endpoint" "this" {
  vpc_id       = var.vpc_id
  service_name = "com.amazonaws.${data.aws_region.current.name}.${var.service}"
}
output "endpoint_id" { value = aws_vpc_endpoint.this.id }
"#,
        ),
    ];
    let l = load_with(&files, &["root", "modules/net", "modules/ep"], |_, _| {});
    assert_eq!(
        l.units.len(),
        1,
        "child modules are not roots: {:?}",
        l.units.iter().map(|u| &u.name).collect::<Vec<_>>()
    );
    let addrs = l.addresses();
    for a in [
        "module.net.aws_vpc.this",
        "module.net.aws_subnet.s[*]",
        "module.net.aws_subnet.k[0]",
        "module.net.aws_subnet.k[1]",
        "module.ep[\"api\"].aws_vpc_endpoint.this",
        "module.ep[\"dkr\"].aws_vpc_endpoint.this",
        "module.ep[\"api\"].data.aws_region.current",
        "module.eps[*].aws_vpc_endpoint.this",
        "module.counted[0].aws_vpc_endpoint.this",
    ] {
        assert!(addrs.contains(&a.to_string()), "{a} missing from {addrs:?}");
    }
    assert_eq!(
        l.attr("module.net.aws_vpc.this", "cidr_block").as_str(),
        Some("10.1.0.0/16")
    );
    assert_eq!(
        l.attr("module.net.aws_subnet.k[1]", "name").as_str(),
        Some("b")
    );
    assert_eq!(
        l.attr("module.ep[\"dkr\"].aws_vpc_endpoint.this", "service_name")
            .as_str(),
        Some("com.amazonaws.eu-west-1.ecr.dkr")
    );
    assert_eq!(
        json(&l.attr("module.ep[\"api\"].aws_vpc_endpoint.this", "vpc_id")),
        serde_json::json!({"$ref": "module.net.aws_vpc.this.id"})
    );
    assert_eq!(
        json(&l.attr("x.use", "vpc")),
        serde_json::json!({"$ref": "module.net.aws_vpc.this.id"})
    );
    assert_eq!(
        json(&l.attr("x.use", "subnets")),
        serde_json::json!([{"$ref": "module.net.aws_subnet.k[0].id"}, {"$ref": "module.net.aws_subnet.k[1].id"}])
    );
    assert_eq!(
        json(&l.attr("x.use", "ep")),
        serde_json::json!({"$ref": "module.ep[\"api\"].aws_vpc_endpoint.this.id"})
    );
    assert_eq!(
        json(&l.attr("x.use", "ep0")),
        serde_json::json!({"$ref": "module.counted[0].aws_vpc_endpoint.this.id"})
    );
    assert!(unknown_reason(&l.attr("x.use", "missing")).contains("no output `nope`"));
    let ex = l.res("module.eps[*].aws_vpc_endpoint.this").exists.clone();
    assert!(ex.unwrap().is_unknown());
}

#[test]
fn uninstalled_and_installed_registry_modules() {
    let files = [
        (
            "main.tf",
            r#"
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 6.0"
  name    = "x"
}
module "ep" {
  source = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  endpoints = { s3 = { service = "s3" } }
}
module "ecr" {
  source         = "terraform-aws-modules/ecr/aws"
  read_arns      = [module.svc.task_exec_iam_role_arn]
}
module "svc" {
  source = "terraform-aws-modules/ecs/aws//modules/service"
  image  = module.ecr.repository_url
}
module "none" {
  source = "terraform-aws-modules/ecs/aws//modules/service"
  count  = 0
}
module "keyed" {
  source   = "terraform-aws-modules/ecs/aws//modules/service"
  for_each = { a = "img-a", b = "img-b" }
  image    = each.value
}
resource "x" "y" {
  v = module.vpc.vpc_id
}
"#,
        ),
        (
            ".terraform/modules/modules.json",
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"ep","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws//modules/vpc-endpoints","Dir":".terraform/modules/ep/modules/vpc-endpoints"}]}"#,
        ),
        (
            ".terraform/modules/ep/modules/vpc-endpoints/main.tf",
            r#"
variable "endpoints" {}
resource "aws_vpc_endpoint" "this" {
  for_each = var.endpoints
  service_name = each.value.service
}
"#,
        ),
    ];
    let l = load_with(&files, &["."], |_, _| {});
    let v = l.attr("x.y", "v");
    assert_eq!(
        unknown_reason(&v),
        "module `vpc` (source `terraform-aws-modules/vpc/aws`) is not installed; run terraform init"
    );
    let pseudo = l.res("module.vpc");
    assert_eq!(pseudo.rtype, "module");
    assert_eq!(pseudo.attrs.get("name").unwrap().as_str(), Some("x"));
    assert_eq!(
        l.attr("module.ep.aws_vpc_endpoint.this[\"s3\"]", "service_name")
            .as_str(),
        Some("s3")
    );
    assert!(l
        .unit()
        .diagnostics
        .iter()
        .any(|d| d.code == "module-not-loaded"));
    assert!(!l.addresses().iter().any(|a| a.starts_with("module.none")));
    assert_eq!(
        l.res("module.keyed[\"b\"]")
            .attrs
            .get("image")
            .unwrap()
            .as_str(),
        Some("img-b")
    );
    // Uninstalled modules that use each other's outputs are not a cycle.
    let image = l.res("module.svc").attrs.get("image").unwrap().clone();
    assert!(
        unknown_reason(&image).contains("not installed"),
        "{image:?}"
    );
}

#[test]
fn variable_types_fill_optional_attributes() {
    let l = one(r#"
variable "rules" {
  type = map(object({
    prefix     = string
    credential = optional(string)
    create     = optional(bool, true)
    ports      = optional(list(number), [443])
  }))
  default = {
    pub = { prefix = "ecr-public" }
    hub = { prefix = "docker", credential = "arn:x", create = false }
  }
}
variable "n" {
  type    = number
  default = "3"
}
resource "x" "y" {
  for_each   = var.rules
  credential = each.value.credential
  create     = each.value.create
  ports      = each.value.ports
  n          = var.n + 1
}
"#);
    assert_eq!(l.attr("x.y[\"pub\"]", "credential").kind, Val::Null);
    assert_eq!(l.attr("x.y[\"pub\"]", "create").as_bool(), Some(true));
    assert_eq!(
        json(&l.attr("x.y[\"pub\"]", "ports")),
        serde_json::json!([443])
    );
    assert_eq!(l.attr("x.y[\"hub\"]", "credential").as_str(), Some("arn:x"));
    assert_eq!(l.attr("x.y[\"hub\"]", "create").as_bool(), Some(false));
    assert_eq!(l.attr("x.y[\"hub\"]", "n").as_f64(), Some(4.0));
}

#[test]
fn unknown_count_data_source_accepts_index() {
    let l = one(r#"
variable "create" { type = bool }
data "aws_iam_policy_document" "assume" {
  count = var.create ? 1 : 0
  statement {
    actions = ["sts:AssumeRole"]
  }
}
data "aws_region" "r" {
  region = null
}
resource "aws_iam_role" "r" {
  count              = var.create ? 1 : 0
  assume_role_policy = data.aws_iam_policy_document.assume[0].json
  region             = data.aws_region.r.region
}
"#);
    let p = l.attr("aws_iam_role.r[*]", "assume_role_policy");
    assert!(matches!(p.deref().kind, Val::Encoded(_)), "{p:?}");
    assert_eq!(
        l.attr("aws_iam_role.r[*]", "region").kind,
        Val::Symbol(Symbol::Region)
    );
}

#[test]
fn locals_cycle_is_unknown_not_overflow() {
    let l = one(r#"
locals {
  a = local.b
  b = local.a
  deep = local.c1
  c1 = local.c2
  c2 = local.c3
  c3 = "end"
}
resource "x" "y" {
  a    = local.a
  deep = local.deep
}
"#);
    assert!(unknown_reason(&l.attr("x.y", "a")).contains("cycle"));
    assert_eq!(l.attr("x.y", "deep").as_str(), Some("end"));
}

#[test]
fn long_reference_chain_does_not_overflow() {
    let mut src = String::from("locals {\n  l0 = \"v\"\n");
    for i in 1..2000 {
        src.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    src.push_str("}\nresource \"x\" \"y\" {\n  v = local.l1999\n}\n");
    let l = one(&src);
    let v = l.attr("x.y", "v");
    assert!(v.as_str() == Some("v") || v.is_unknown());
}

#[test]
fn module_recursion_is_guarded() {
    let files = [(
        "main.tf",
        "module \"me\" {\n  source = \"./\"\n}\nresource \"x\" \"y\" {}\n",
    )];
    let l = load_with(&files, &["."], |_, _| {});
    assert!(l.addresses().contains(&"x.y".to_string()));
}

#[test]
fn try_can_and_errors() {
    let l = one(r#"
locals {
  obj = { a = 1 }
}
variable "unk" {}
resource "x" "y" {
  t1 = try(local.obj.b, "fallback")
  t2 = try(local.obj.a, "fallback")
  t3 = try(var.unk, "fallback")
  c1 = can(local.obj.b)
  c2 = can(local.obj.a)
  p  = provider::aws::arn_parse("arn:aws:iam::1:role/x")
  idx = local.obj["a"]
  nn  = { for k, v in { a = aws_iam_role.r.arn, b = null, c = "x-${var.unk}" } : k => v if v != null }
  cwd = path.cwd == path.root
}
resource "aws_iam_role" "r" {}
"#);
    assert_eq!(l.attr("x.y", "t1").as_str(), Some("fallback"));
    assert_eq!(l.attr("x.y", "t2").as_f64(), Some(1.0));
    assert_eq!(
        unknown_reason(&l.attr("x.y", "t3")),
        "variable `unk` has no value"
    );
    assert_eq!(l.attr("x.y", "c1").as_bool(), Some(false));
    assert_eq!(l.attr("x.y", "c2").as_bool(), Some(true));
    assert!(l.attr("x.y", "p").is_unknown());
    assert_eq!(l.attr("x.y", "idx").as_f64(), Some(1.0));
    let nn = l.attr("x.y", "nn");
    let keys: Vec<&str> = nn
        .as_map()
        .unwrap()
        .entries
        .iter()
        .map(|e| e.key.as_str())
        .collect();
    assert_eq!(keys, ["a", "c"]);
    assert_eq!(l.attr("x.y", "cwd").as_bool(), Some(false));
}

#[test]
fn templatefile_reads_inside_scan_roots_only() {
    let files = [
        (
            "main.tf",
            r#"
resource "x" "y" {
  t   = templatefile("${path.module}/defs.tpl", { image = "nginx", names = ["a", "b"] })
  out = templatefile("/etc/hostname", {})
}
"#,
        ),
        (
            "defs.tpl",
            "image=${image}%{ for n in names } ${n}%{ endfor }",
        ),
    ];
    let l = load_with(&files, &["."], |_, _| {});
    let t = l.attr("x.y", "t");
    assert_eq!(t.as_str(), Some("image=nginx a b"));
    assert!(unknown_reason(&l.attr("x.y", "out")).contains("outside"));
}

#[test]
fn override_files_merge() {
    let files = [
        (
            "main.tf",
            r#"
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
  enable_dns_support = true
  tags = { a = "1" }
  ingress { x = 1 }
  ingress { x = 2 }
}
locals { l = "base" }
"#,
        ),
        (
            "override.tf",
            r#"
resource "aws_vpc" "v" {
  cidr_block = "10.9.0.0/16"
  ingress { x = 9 }
}
"#,
        ),
        (
            "z_override.tf",
            "locals { l = \"over\" }\nresource \"x\" \"y\" {\n l = local.l\n}\n",
        ),
    ];
    let l = load_with(&files, &["."], |_, _| {});
    assert_eq!(
        l.attr("aws_vpc.v", "cidr_block").as_str(),
        Some("10.9.0.0/16")
    );
    assert_eq!(
        l.attr("aws_vpc.v", "enable_dns_support").as_bool(),
        Some(true)
    );
    assert_eq!(
        json(&l.attr("aws_vpc.v", "ingress")),
        serde_json::json!([{"x": 9}])
    );
    // an override for an undeclared resource is ignored
    assert!(!l.addresses().contains(&"x.y".to_string()));
}

#[test]
fn terraform_json_syntax() {
    let files = [(
        "main.tf.json",
        r#"{
  "variable": {"region": {"default": "eu-west-1"}},
  "locals": {"svc": "ecr.dkr"},
  "resource": {
    "aws_vpc_endpoint": {
      "dkr": {
        "service_name": "com.amazonaws.${var.region}.${local.svc}",
        "count": 2,
        "tags": {"Name": "ep-${count.index}"},
        "subnet_ids": ["${aws_subnet.a.id}"]
      }
    },
    "aws_subnet": {"a": {"cidr_block": "10.0.0.0/24"}}
  }
}"#,
    )];
    let l = load_with(&files, &["."], |_, _| {});
    let sn = l.attr("aws_vpc_endpoint.dkr[1]", "service_name");
    assert_eq!(sn.as_str(), Some("com.amazonaws.eu-west-1.ecr.dkr"));
    assert_eq!(
        json(&l.attr("aws_vpc_endpoint.dkr[1]", "tags")),
        serde_json::json!({"Name": "ep-1"})
    );
    assert_eq!(
        json(&l.attr("aws_vpc_endpoint.dkr[0]", "subnet_ids")),
        serde_json::json!([{"$ref": "aws_subnet.a.id"}])
    );
    assert!(l.text(&sn).contains("com.amazonaws"));
}

#[test]
fn parse_errors_become_diagnostics() {
    let files = [
        ("bad.tf", "resource \"x\" {\n"),
        ("good.tf", "resource \"x\" \"y\" {}\n"),
    ];
    let l = load_with(&files, &["."], |_, _| {});
    assert!(l.unit().diagnostics.iter().any(|d| d.code == "parse-error"));
    assert!(l.addresses().contains(&"x.y".to_string()));
}

#[test]
fn fixture_private_service() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tf/private-service");
    let sources = SourceMap::new();
    let units = load(std::slice::from_ref(&dir), &sources, &opts_for(&dir));
    assert_eq!(units.len(), 1);
    let u = &units[0];
    let ep = |k: &str| {
        u.resources
            .iter()
            .find(|r| r.address == format!("aws_vpc_endpoint.this[\"{k}\"]"))
            .unwrap_or_else(|| panic!("no endpoint {k}"))
    };
    for (k, svc) in [
        ("ecr.api", "ecr.api"),
        ("ecr.dkr", "ecr.dkr"),
        ("logs", "logs"),
    ] {
        let sn = ep(k).attrs.get("service_name").unwrap();
        assert_eq!(
            sn.render_pattern().unwrap(),
            format!("com.amazonaws.⟨?⟩.{svc}")
        );
    }
    let td = u
        .resources
        .iter()
        .find(|r| r.address == "module.task.aws_ecs_task_definition.this")
        .expect("task definition from the local module");
    let exec = td.attrs.get("execution_role_arn").unwrap();
    assert_eq!(
        exec.to_json(),
        serde_json::json!({"$ref": "aws_iam_role.exec.arn"})
    );
    let role = u
        .resources
        .iter()
        .find(|r| r.address == "aws_iam_role.exec")
        .unwrap();
    let assume = role.attrs.get("assume_role_policy").unwrap();
    assert!(matches!(assume.kind, Val::Encoded(_)), "{assume:?}");
}

/// Every directory under `root` holding `.tf`/`.tf.json` files (outside `.terraform`).
fn tf_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut has = false;
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                if name != ".terraform" && name != ".git" {
                    stack.push(p);
                }
            } else if name.ends_with(".tf") || name.ends_with(".tf.json") {
                has = true;
            }
        }
        if has {
            out.push(d);
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_loads_without_panic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        println!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let start = std::time::Instant::now();
    let dirs = tf_dirs(&corpus);
    let sources = SourceMap::new();
    let opts = Options {
        max_file_size: 2 << 20,
        scan_roots: vec![corpus.clone()],
        ..Options::default()
    };
    let units = load(&dirs, &sources, &opts);
    let elapsed = start.elapsed();

    let mut resources = 0usize;
    let mut unknown_kinds: std::collections::BTreeMap<String, usize> = Default::default();
    fn walk(v: &Value, kinds: &mut std::collections::BTreeMap<String, usize>) {
        match &v.kind {
            Val::Unknown(r) => {
                // The reason with quoted names elided, first words only.
                let mut plain = String::new();
                let mut quoted = false;
                for ch in r.0.chars() {
                    if ch == '`' {
                        quoted = !quoted;
                        if quoted {
                            plain.push('…');
                        }
                    } else if !quoted {
                        plain.push(ch);
                    }
                }
                let k: String = plain
                    .split_whitespace()
                    .take(5)
                    .collect::<Vec<_>>()
                    .join(" ");
                *kinds.entry(k.trim().to_string()).or_default() += 1;
            }
            Val::List(l) | Val::Template(l) | Val::Choice(l) => {
                l.iter().for_each(|x| walk(x, kinds))
            }
            Val::Map(m) => m.entries.iter().for_each(|e| walk(&e.value, kinds)),
            Val::Encoded(x) => walk(x, kinds),
            Val::Ref(r) => {
                if let Some(x) = &r.resolved {
                    walk(x, kinds)
                }
            }
            _ => {}
        }
    }
    let mut diags = 0;
    for u in &units {
        resources += u.resources.len();
        diags += u.diagnostics.len();
        for r in &u.resources {
            for e in &r.attrs.entries {
                walk(&e.value, &mut unknown_kinds);
            }
        }
    }
    if std::env::var("PROBE").is_ok() {
        let want = std::env::var("PROBE").unwrap();
        let mut n = 0;
        for u in &units {
            for r in &u.resources {
                for e in &r.attrs.entries {
                    let j = e.value.to_json().to_string();
                    if j.contains(&want) && n < 12 {
                        n += 1;
                        println!(
                            "{} {} {} = {}",
                            u.name,
                            r.address,
                            e.key,
                            &j[..j.len().min(200)]
                        );
                    }
                }
            }
        }
    }
    let mut kinds: Vec<_> = unknown_kinds.into_iter().collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    println!(
        "corpus: {} dirs, {} roots, {} resources, {} diagnostics, {:?}",
        dirs.len(),
        units.len(),
        resources,
        diags,
        elapsed
    );
    for (k, n) in kinds.iter().take(25) {
        println!("  unknown {n:6}  {k}");
    }
    assert!(units.len() > 100 && units.len() < dirs.len());

    // terraform-aws-vpc examples/complete: one endpoint per enabled key under module.vpc_endpoints.
    let vpc = units
        .iter()
        .find(|u| {
            u.name
                .ends_with("terraform-aws-modules__terraform-aws-vpc/examples/complete")
        })
        .expect("vpc complete example is a root");
    let mut eps: Vec<&str> = vpc
        .resources
        .iter()
        .filter(|r| r.rtype == "aws_vpc_endpoint" && r.address.starts_with("module.vpc_endpoints."))
        .map(|r| r.address.as_str())
        .collect();
    eps.sort();
    println!("vpc complete endpoints: {eps:?}");
    assert_eq!(
        eps,
        [
            "module.vpc_endpoints.aws_vpc_endpoint.this[\"dynamodb\"]",
            "module.vpc_endpoints.aws_vpc_endpoint.this[\"ecr_api\"]",
            "module.vpc_endpoints.aws_vpc_endpoint.this[\"ecr_dkr\"]",
            "module.vpc_endpoints.aws_vpc_endpoint.this[\"ecs\"]",
            "module.vpc_endpoints.aws_vpc_endpoint.this[\"rds\"]",
            "module.vpc_endpoints.aws_vpc_endpoint.this[\"s3\"]",
        ]
    );
    assert!(!units
        .iter()
        .any(|u| u.name.ends_with("terraform-aws-vpc/modules/vpc-endpoints")));
    let ecr_dkr = vpc
        .resources
        .iter()
        .find(|r| r.address == "module.vpc_endpoints.aws_vpc_endpoint.this[\"ecr_dkr\"]")
        .unwrap();
    println!(
        "ecr_dkr service_name: {:?}",
        ecr_dkr.attrs.get("service_name").map(|v| v.to_json())
    );
    let policy = ecr_dkr.attrs.get("policy").unwrap();
    assert!(matches!(policy.kind, Val::Encoded(_)), "{policy:?}");

    // ecs-blueprints vpc-endpoints: the registry module is not installed; its inputs are kept.
    let bp = units
        .iter()
        .find(|u| {
            u.name
                .ends_with("aws-ia__ecs-blueprints/terraform/fargate-examples/vpc-endpoints")
        })
        .expect("blueprint is a root");
    let m = bp
        .resources
        .iter()
        .find(|r| r.address == "module.vpc_endpoints")
        .expect("pseudo-resource for the uninstalled module");
    let endpoints = m.attrs.get("endpoints").unwrap();
    println!("blueprint endpoints: {}", endpoints.to_json());
    match endpoints.as_map() {
        Some(map) => {
            let keys: Vec<&str> = map.entries.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys.len(), 10, "{keys:?}");
            assert!(
                keys.contains(&"ecr_dkr") && keys.contains(&"s3"),
                "{keys:?}"
            );
        }
        // Until the function library lands, merge()/toset()/replace() are Unknown.
        None => assert!(
            unknown_reason(endpoints).contains("function"),
            "{}",
            unknown_reason(endpoints)
        ),
    }
    assert!(elapsed.as_secs() < 30, "too slow: {elapsed:?}");
}

#[test]
fn equivalence_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/equivalence");
    let sources = SourceMap::new();
    let units = load(std::slice::from_ref(&dir), &sources, &opts_for(&dir));
    assert_eq!(units.len(), 1);
    let u = &units[0];
    assert_eq!(u.region.as_ref().unwrap().as_str(), Some("eu-west-1"));
    let get = |addr: &str| u.resources.iter().find(|r| r.address == addr).unwrap();
    let td = get("aws_ecs_task_definition.app");
    let cd = td.attrs.get("container_definitions").unwrap();
    let Val::Encoded(inner) = &cd.kind else {
        panic!("{cd:?}")
    };
    let c0 = &inner.as_list().unwrap()[0];
    assert_eq!(
        c0.get("image").unwrap().as_str(),
        Some("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0")
    );
    let group = c0
        .get("logConfiguration")
        .and_then(|l| l.get("options"))
        .and_then(|o| o.get("awslogs-group"))
        .unwrap();
    assert_eq!(
        json(group),
        serde_json::json!({"$ref": "aws_cloudwatch_log_group.app.name", "value": "/ecs/app"})
    );
    let svc = get("aws_ecs_service.app");
    assert_eq!(
        json(svc.attrs.get("network_configuration").unwrap()),
        serde_json::json!([{
            "subnets": [{"$ref": "aws_subnet.private.id"}],
            "security_groups": [{"$ref": "aws_security_group.task.id"}],
            "assign_public_ip": false
        }])
    );
    assert!(u.diagnostics.is_empty(), "{:?}", u.diagnostics);
}

#[test]
fn path_module_in_child_reads_files() {
    let files = [
        (
            "root/main.tf",
            "module \"m\" {\n  source = \"../mods/m\"\n}\n",
        ),
        (
            "mods/m/main.tf",
            r#"
resource "aws_ecs_task_definition" "t" {
  container_definitions = file("${path.module}/defs.json")
  tpl                   = templatefile("${path.module}/t.tpl", { name = "x" })
  where                 = path.module
}
"#,
        ),
        ("mods/m/defs.json", "[{\"image\": \"nginx\"}]"),
        ("mods/m/t.tpl", "hello ${name}"),
    ];
    let l = load_with(&files, &["root"], |_, _| {});
    let r = "module.m.aws_ecs_task_definition.t";
    assert_eq!(l.attr(r, "where").as_str(), Some("../mods/m"));
    assert_eq!(l.attr(r, "tpl").as_str(), Some("hello x"));
    assert_eq!(
        l.attr(r, "container_definitions").as_str(),
        Some("[{\"image\": \"nginx\"}]")
    );
}

#[test]
fn module_paths_keep_the_given_prefix() {
    assert_eq!(
        join_tidy(
            Path::new("a/../corpus/vpc/examples/complete"),
            "../../modules/ep"
        ),
        PathBuf::from("a/../corpus/vpc/modules/ep")
    );
    assert_eq!(join_tidy(Path::new("."), "./m"), PathBuf::from("./m"));
    assert_eq!(join_tidy(Path::new("x"), "../../y"), PathBuf::from("../y"));
    assert_eq!(tidy(Path::new("./a/./b/../c")), PathBuf::from("a/c"));
    assert_eq!(
        relative_to(Path::new("/r/mods/m"), Path::new("/r/root")),
        "../mods/m"
    );
}

#[test]
fn template_with_known_jsonencode_part_is_a_string() {
    let l = one(r#"
locals {
  tags = { b = "x", a = 1 }
}
resource "aws_launch_template" "t" {
  user_data = base64encode(<<-EOT
    #!/bin/bash
    ECS_CONTAINER_INSTANCE_TAGS=${jsonencode(local.tags)}
    EOT
  )
  plain   = "T=${jsonencode(local.tags)}"
  same    = "T=${jsonencode(local.tags)}" == "T={\"a\":1,\"b\":\"x\"}"
  nested  = format("%s!", "T=${jsonencode(local.tags)}")
  partial = "T=${jsonencode({ r = var.missing })}"
}
"#);
    let a = |k| l.attr("aws_launch_template.t", k);
    assert_eq!(a("plain").as_str(), Some(r#"T={"a":1,"b":"x"}"#));
    assert_eq!(a("same").kind, Val::Bool(true));
    assert_eq!(a("nested").as_str(), Some(r#"T={"a":1,"b":"x"}!"#));
    // base64 of "#!/bin/bash\nECS_CONTAINER_INSTANCE_TAGS={\"a\":1,\"b\":\"x\"}\n"
    assert_eq!(
        a("user_data").as_str(),
        Some("IyEvYmluL2Jhc2gKRUNTX0NPTlRBSU5FUl9JTlNUQU5DRV9UQUdTPXsiYSI6MSwiYiI6IngifQo=")
    );
    // A JSON document with an unknown part stays a part of a template.
    assert!(matches!(
        a("partial").kind,
        Val::Template(_) | Val::Unknown(_)
    ));
}

#[test]
fn variable_set_type_is_a_set_and_object_type_drops_undeclared_attributes() {
    let l = one(r#"
variable "names" {
  type    = set(string)
  default = ["b", "a", "b"]
}
variable "ep" {
  type = object({
    service = string
    type    = optional(string, "Interface")
  })
  default = { service = "ecr.dkr", type = "Gateway", private_dns = true }
}
resource "aws_security_group" "sg" {
  for_each = var.names
  name     = each.value
}
resource "x" "y" {
  names = var.names
  n     = length(var.names)
  ids   = [for sg in aws_security_group.sg : sg.name]
  ep    = var.ep
  dns   = try(var.ep.private_dns, false)
}
"#);
    assert_eq!(
        l.addresses(),
        vec![
            r#"aws_security_group.sg["a"]"#,
            r#"aws_security_group.sg["b"]"#,
            "x.y"
        ]
    );
    assert_eq!(json(&l.attr("x.y", "names")), serde_json::json!(["a", "b"]));
    assert_eq!(json(&l.attr("x.y", "n")), serde_json::json!(2));
    assert_eq!(
        json(&l.attr("x.y", "ep")),
        serde_json::json!({"service": "ecr.dkr", "type": "Gateway"})
    );
    assert_eq!(l.attr("x.y", "dns").kind, Val::Bool(false));
}

#[test]
fn for_over_a_map_iterates_in_key_order() {
    let l = one(r#"
locals {
  subnets = { z = "subnet-z", a = "subnet-a" }
}
resource "aws_route_table" "rt" {
  for_each = { zz = 1, aa = 2 }
  vpc_id   = "vpc-1"
}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = { b = 443, a = 80 }
    content {
      from_port = ingress.value
    }
  }
}
resource "x" "y" {
  vals  = [for k, v in local.subnets : v]
  first = element([for k, v in local.subnets : v], 0)
  rts   = [for k, v in aws_route_table.rt : k]
  tpl   = "%{ for k, v in local.subnets }${k}%{ endfor }"
}
"#);
    assert_eq!(
        json(&l.attr("x.y", "vals")),
        serde_json::json!(["subnet-a", "subnet-z"])
    );
    assert_eq!(l.attr("x.y", "first").as_str(), Some("subnet-a"));
    assert_eq!(json(&l.attr("x.y", "rts")), serde_json::json!(["aa", "zz"]));
    assert_eq!(l.attr("x.y", "tpl").as_str(), Some("az"));
    let ports: Vec<serde_json::Value> = match json(&l.attr("aws_security_group.sg", "ingress")) {
        serde_json::Value::Array(a) => a.into_iter().map(|b| b["from_port"].clone()).collect(),
        other => panic!("{other}"),
    };
    assert_eq!(ports, vec![serde_json::json!(80), serde_json::json!(443)]);
}

#[test]
fn try_and_can_see_function_errors() {
    let l = one(r#"
variable "role" {
  default = "ecsTaskExecutionRole"
}
resource "x" "y" {
  is_arn   = can(regex("^arn:", var.role))
  role_arn = can(regex("^arn:", var.role)) ? var.role : "arn:aws:iam::123456789012:role/${var.role}"
  port     = try(tonumber("http"), 80)
  doc      = try(jsondecode("not json"), {})
  first    = try(element([], 0), "none")
  key      = try(lookup({}, "k"), "d")
  ok_cidr  = can(cidrsubnet("10.0.0.0/16", 20, 0))
  by_limit = try(timestamp(), "fallback")
  by_hash  = can(sha256("x"))
}
"#);
    let a = |k| l.attr("x.y", k);
    assert_eq!(a("is_arn").kind, Val::Bool(false));
    assert_eq!(
        a("role_arn").as_str(),
        Some("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
    );
    assert_eq!(json(&a("port")), serde_json::json!(80));
    assert_eq!(json(&a("doc")), serde_json::json!({}));
    assert_eq!(a("first").as_str(), Some("none"));
    assert_eq!(a("key").as_str(), Some("d"));
    assert_eq!(a("ok_cidr").kind, Val::Bool(false));
    // What we do not compute is not an error: no fallback, no `false`.
    assert!(unknown_reason(&a("by_limit")).contains("time functions"));
    assert!(unknown_reason(&a("by_hash")).contains("hashes"));
}

#[test]
fn conditional_result_has_the_unified_type() {
    let l = one(r#"
variable "public" {
  default = true
}
variable "u" {}
resource "x" "y" {
  num_str  = var.public ? 1 : "2"
  bool_str = var.public ? true : "DISABLED"
  same     = var.public ? 1 : 2
  with_nul = var.public ? 1 : null
  choice   = var.u ? 3 : "x"
}
"#);
    let a = |k| l.attr("x.y", k);
    assert_eq!(a("num_str").as_str(), Some("1"));
    assert_eq!(a("bool_str").as_str(), Some("true"));
    assert_eq!(a("same").kind, Val::Number(1.0));
    assert_eq!(a("with_nul").kind, Val::Number(1.0));
    match &a("choice").kind {
        Val::Choice(alts) => assert_eq!(
            alts.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
            vec![Some("3"), Some("x")]
        ),
        other => panic!("expected a Choice, got {other:?}"),
    }
}

#[test]
fn operators_on_known_values_of_the_wrong_type_are_errors() {
    let l = one(r#"
variable "u" {}
resource "x" "y" {
  str_cmp  = "a" < "b"
  num_str  = "3" < 4
  null_add = try(null + 1, "fb")
  not_str  = can(!"yes")
  and_null = can(null && true)
  neg_list = can(-[1])
  unknown  = var.u + 1
}
"#);
    let a = |k| l.attr("x.y", k);
    let r = unknown_reason(&a("str_cmp"));
    assert!(r.starts_with(errors::ERROR) && r.contains("\"a\""), "{r}");
    assert_eq!(a("num_str").kind, Val::Bool(true));
    assert_eq!(a("null_add").as_str(), Some("fb"));
    assert_eq!(a("not_str").kind, Val::Bool(false));
    assert_eq!(a("and_null").kind, Val::Bool(false));
    assert_eq!(a("neg_list").kind, Val::Bool(false));
    assert_eq!(unknown_reason(&a("unknown")), "variable `u` has no value");
}

#[test]
fn size_of_a_resource_with_unknown_count_is_unknown() {
    let l = one(r#"
variable "azs" {}
resource "aws_subnet" "p" {
  count      = length(var.azs)
  cidr_block = "10.0.0.0/24"
}
resource "aws_route_table" "db" {
  count  = length(var.azs)
  vpc_id = "vpc-1"
}
resource "aws_route_table" "private" {
  vpc_id = "vpc-1"
}
resource "x" "y" {
  n_splat = length(aws_subnet.p[*].id)
  n_res   = length(aws_subnet.p)
  n_for   = length([for s in aws_subnet.p : "id-${s.id}"])
  any     = length(aws_subnet.p) > 0
  rt      = coalescelist(aws_route_table.db[*].id, [aws_route_table.private.id])
  ids     = aws_subnet.p[*].id
  n_known = length(["a", "b"])
}
"#);
    let a = |k| l.attr("x.y", k);
    match &a("rt").kind {
        Val::Choice(alts) => assert_eq!(alts.len(), 2),
        other => panic!("expected a Choice, got {other:?}"),
    }
    for k in ["n_splat", "n_res", "n_for"] {
        assert!(
            unknown_reason(&a(k)).contains("number of instances of `aws_subnet.p[*]`"),
            "{k}: {:?}",
            a(k)
        );
    }
    assert!(matches!(a("any").kind, Val::Unknown(_)), "{:?}", a("any"));
    // The stand-in itself is still there for the graph.
    assert!(matches!(a("ids").kind, Val::List(_)));
    assert_eq!(json(&a("n_known")), serde_json::json!(2));
}

#[test]
fn invalid_count_is_an_error() {
    let l = one(r#"
variable "u" {}
resource "aws_security_group" "neg" {
  count = -1
}
resource "aws_security_group" "frac" {
  count = 1.5
}
resource "aws_security_group" "str" {
  count = "two"
}
resource "aws_security_group" "unk" {
  count = var.u
}
"#);
    let why = |a: &str| match &l.res(a).exists {
        Some(v) => unknown_reason(v),
        None => panic!("{a} exists"),
    };
    assert!(why("aws_security_group.neg[*]").starts_with("error: invalid count -1"));
    assert!(why("aws_security_group.frac[*]").starts_with("error: invalid count 1.5"));
    assert!(why("aws_security_group.str[*]").starts_with("error: "));
    assert_eq!(
        why("aws_security_group.unk[*]"),
        "variable `u` has no value"
    );
}

#[test]
fn splat_then_index_picks_the_instance() {
    let vpc = r#"
variable "azs" {}
resource "aws_subnet" "private" {
  count      = length(var.azs)
  cidr_block = "10.0.${count.index}.0/24"
}
resource "aws_route_table" "private" {
  vpc_id = "vpc-1"
}
resource "aws_route_table_association" "legacy" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.private.*.id[count.index]
  route_table_id = aws_route_table.private.id
}
resource "aws_route_table_association" "element" {
  count          = length(var.azs)
  subnet_id      = element(aws_subnet.private.*.id, count.index)
  route_table_id = aws_route_table.private.id
}
resource "aws_route_table_association" "first" {
  subnet_id      = aws_subnet.private[*].id[0]
  route_table_id = aws_route_table.private.id
}
resource "aws_route_table_association" "second" {
  subnet_id      = aws_subnet.private.*.id[1]
  route_table_id = aws_route_table.private.id
}
"#;
    let main = r#"
variable "azs_unset" {}
module "known" {
  source = "./vpc"
  azs    = ["eu-west-1a", "eu-west-1b"]
}
module "unknown" {
  source = "./vpc"
  azs    = var.azs_unset
}
"#;
    let l = load_with(
        &[("main.tf", main), ("vpc/main.tf", vpc)],
        &["."],
        |_, _| {},
    );
    let sid = |a: &str| json(&l.attr(a, "subnet_id"));
    let r = |t: &str| serde_json::json!({ "$ref": t });
    // Known count: the subnet at that index.
    for (a, i) in [("legacy", 0), ("legacy", 1), ("element", 0), ("element", 1)] {
        assert_eq!(
            sid(&format!(
                "module.known.aws_route_table_association.{a}[{i}]"
            )),
            r(&format!("module.known.aws_subnet.private[{i}].id")),
            "{a}[{i}]"
        );
    }
    assert_eq!(
        sid("module.known.aws_route_table_association.second"),
        r("module.known.aws_subnet.private[1].id")
    );
    // Unknown count: whatever the index, one of the instances, the stand-in (not unknown, not
    // an out-of-range error).
    for a in ["legacy[*]", "element[*]", "second"] {
        assert_eq!(
            sid(&format!("module.unknown.aws_route_table_association.{a}")),
            r("module.unknown.aws_subnet.private[*].id"),
            "{a}"
        );
    }
    // `[*]` takes the index into each element (HCL full splat): an index into a string id.
    assert!(matches!(
        l.attr(
            "module.known.aws_route_table_association.first",
            "subnet_id"
        )
        .kind,
        Val::List(_)
    ));
}

#[test]
fn for_each_and_dynamic_over_unknown_instances() {
    let vpc = r#"
variable "public_subnets" {}
resource "aws_subnet" "public" {
  for_each   = var.public_subnets
  cidr_block = each.value
}
resource "aws_route_table" "public" {
  vpc_id = "vpc-1"
}
resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}
resource "aws_security_group" "task" {
  dynamic "egress" {
    for_each = aws_subnet.public
    content {
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = [egress.value.cidr_block]
    }
  }
}
resource "aws_security_group" "splat" {
  dynamic "egress" {
    for_each = aws_subnet.public[*].cidr_block
    content {
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = [egress.value]
    }
  }
}
"#;
    let main = r#"
variable "public_subnets" {}
module "vpc" {
  source         = "./vpc"
  public_subnets = var.public_subnets
}
"#;
    let l = load_with(
        &[("main.tf", main), ("vpc/main.tf", vpc)],
        &["."],
        |_, _| {},
    );
    // One association standing for an unknown set, of the subnet's stand-in: not one per
    // attribute of the stand-in.
    let assoc: Vec<String> = l
        .addresses()
        .into_iter()
        .filter(|a| a.contains("aws_route_table_association"))
        .collect();
    assert_eq!(assoc, ["module.vpc.aws_route_table_association.public[*]"]);
    let a = l.res("module.vpc.aws_route_table_association.public[*]");
    assert!(a.exists.as_ref().is_some_and(|e| e.is_unknown()));
    assert_eq!(
        json(&l.attr(&assoc[0], "subnet_id")),
        serde_json::json!({ "$ref": "module.vpc.aws_subnet.public[*].id" })
    );
    // The egress blocks over it are not known (neither none nor one per attribute).
    for sg in ["task", "splat"] {
        let e = l.attr(&format!("module.vpc.aws_security_group.{sg}"), "egress");
        assert!(
            unknown_reason(&e).contains("number of instances of `module.vpc.aws_subnet.public[*]`"),
            "{sg}: {e:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation budgets (issue 9, item 4)

fn budget_diags(l: &Loaded) -> Vec<&crate::base::Diagnostic> {
    l.unit()
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::frontends::budget::CODE)
        .collect()
}

/// `locals { l0 = first, l1 = step("l0"), ... }` (`n` locals named `prefix`N).
fn chain(prefix: &str, first: &str, step: impl Fn(&str) -> String, n: usize) -> String {
    let mut s = format!("locals {{\n  {prefix}0 = {first}\n");
    for i in 1..n {
        let prev = format!("local.{prefix}{}", i - 1);
        s.push_str(&format!("  {prefix}{i} = {}\n", step(&prev)));
    }
    s
}

fn with_limits(main: &str, limits: crate::frontends::budget::Limits) -> Loaded {
    load_with(&[("main.tf", main)], &["."], |o, _| o.limits = limits)
}

#[test]
fn a_doubling_string_is_unknown_past_the_value_size_and_named() {
    let mut main = chain("l", "\"abcdefgh\"", |p| format!("\"${{{p}}}${{{p}}}\""), 40);
    main.push_str(
        "}\nresource \"aws_ssm_parameter\" \"p\" {\n  value = local.l39\n  small = local.l4\n}\n",
    );
    let l = with_limits(
        &main,
        crate::frontends::budget::Limits {
            max_value_size: 1024,
            ..Default::default()
        },
    );
    assert_eq!(
        l.attr("aws_ssm_parameter.p", "small")
            .as_str()
            .map(str::len),
        Some(128)
    );
    // l39 is built from unknown parts (each a value over the budget): no part of it is known.
    let v = l.attr("aws_ssm_parameter.p", "value");
    let pattern = v.render_pattern().unwrap_or_default();
    assert!(
        !pattern.is_empty() && pattern.replace("⟨?⟩", "").is_empty(),
        "{v:?}"
    );
    let d = budget_diags(&l);
    assert_eq!(d.len(), 1, "one diagnostic per budget and file: {d:?}");
    // l7 is 1024 bytes, l8 the first over.
    assert!(d[0].message.contains("`local.l8`"), "{}", d[0].message);
    assert!(
        d[0].message.contains("--max-value-size"),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains("1 KiB") || d[0].message.contains("1.0 KiB"),
        "{}",
        d[0].message
    );
    assert_eq!(
        l.text(&crate::base::Value::null(d[0].span)),
        "\"${local.l7}${local.l7}\""
    );
}

#[test]
fn concat_doubling_and_nested_for_stop_at_their_budgets() {
    let mut main = chain("c", "[\"a\", \"b\"]", |p| format!("concat({p}, {p})"), 40);
    main.push_str(
        "  cube = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : \"${a}${b}${c}\"]]]\n}\n\
         resource \"aws_ssm_parameter\" \"p\" {\n  value = local.c39[0]\n  cube = local.cube[0][0][0]\n}\n",
    );
    let l = with_limits(
        &main,
        crate::frontends::budget::Limits {
            max_steps: 200_000,
            max_value_size: 64 * 1024,
            ..Default::default()
        },
    );
    assert!(l.attr("aws_ssm_parameter.p", "value").is_unknown());
    assert!(l.attr("aws_ssm_parameter.p", "cube").is_unknown());
    let msgs: Vec<&str> = budget_diags(&l)
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    // 2^10 elements of 64 bytes and their text: c9 is the first over 64 KiB.
    assert!(msgs.iter().any(|m| m.contains("`local.c9`")), "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("--max-value-size")),
        "{msgs:?}"
    );
}

#[test]
fn template_for_directives_stop_at_the_steps_budget() {
    let main = "locals {\n  t = <<EOT\n%{ for a in range(1024) }%{ for b in range(1024) }%{ for c in range(1024) }x%{ endfor }%{ endfor }%{ endfor }\nEOT\n}\n\
                resource \"aws_ssm_parameter\" \"p\" {\n  value = local.t\n  after = \"known\"\n}\n";
    let l = with_limits(
        main,
        crate::frontends::budget::Limits {
            max_steps: 100_000,
            ..Default::default()
        },
    );
    assert!(l.attr("aws_ssm_parameter.p", "value").is_unknown());
    // Once spent, what is evaluated after is unknown too, but still there (never absent).
    let after = l.attr("aws_ssm_parameter.p", "after");
    assert!(
        unknown_reason(&after).contains("--max-eval-steps"),
        "{after:?}"
    );
    let d = budget_diags(&l);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message.contains("--max-eval-steps"),
        "{}",
        d[0].message
    );
}

#[test]
fn a_large_template_stops_at_the_value_size_while_rendering() {
    let main = "locals {\n  t = \"%{ for a in range(1024) }%{ for b in range(1024) }xxxxxxxx%{ endfor }%{ endfor }\"\n}\n\
                resource \"aws_ssm_parameter\" \"p\" {\n  value = local.t\n}\n";
    let l = with_limits(
        main,
        crate::frontends::budget::Limits {
            max_value_size: 100_000,
            ..Default::default()
        },
    );
    let v = l.attr("aws_ssm_parameter.p", "value");
    assert!(unknown_reason(&v).contains("`local.t`"), "{v:?}");
    assert!(unknown_reason(&v).contains("--max-value-size"), "{v:?}");
}

#[test]
fn templatefile_cannot_call_templatefile() {
    let l = load_with(
        &[
            ("main.tf", "resource \"aws_ssm_parameter\" \"p\" {\n  value = templatefile(\"${path.module}/t.tpl\", {})\n  ok = try(templatefile(\"${path.module}/t.tpl\", {}), \"fallback\")\n}\n"),
            ("t.tpl", "${templatefile(\"t.tpl\", {})}${templatefile(\"t.tpl\", {})}"),
        ],
        &["."],
        |_, _| {},
    );
    let v = l.attr("aws_ssm_parameter.p", "value");
    assert!(!v.is_fully_known(), "{v:?}");
    // An error, as in Terraform: `try` falls back.
    assert_eq!(
        l.attr("aws_ssm_parameter.p", "ok").as_str(),
        Some("fallback")
    );
    assert!(l
        .unit()
        .diagnostics
        .iter()
        .any(|d| d.code == "templatefile-recursion"));
}

#[test]
fn a_map_doubled_by_reference_is_cut_at_its_deep_size() {
    // Shared, `l63` takes little memory, but walking it (jsonencode, the graph) would never end.
    let mut main = chain(
        "l",
        "{ x = \"abcdefgh\" }",
        |p| format!("{{ a = {p}, b = {p} }}"),
        64,
    );
    main.push_str(
        "}\nresource \"aws_ssm_parameter\" \"p\" {\n  value = jsonencode(local.l63)\n}\n",
    );
    let l = one(&main);
    assert!(!l.attr("aws_ssm_parameter.p", "value").is_fully_known());
    let d = budget_diags(&l);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("`local.l"), "{}", d[0].message);
}

#[test]
fn a_memoised_map_is_shared_by_its_uses_not_copied() {
    let mut main = String::from("locals {\n  big = {\n");
    for i in 0..100 {
        main.push_str(&format!("    k{i} = \"v{i}\"\n"));
    }
    main.push_str("  }\n}\nresource \"aws_ssm_parameter\" \"p\" {\n  a = local.big\n  b = local.big\n  c = lookup(local.big, \"k99\")\n}\n");
    let l = one(&main);
    let (a, b) = (
        l.attr("aws_ssm_parameter.p", "a"),
        l.attr("aws_ssm_parameter.p", "b"),
    );
    let (Some(ma), Some(mb)) = (a.as_map(), b.as_map()) else {
        panic!("{a:?}")
    };
    assert_eq!(ma.len(), 100);
    assert!(
        ma.entries.shared_with(&mb.entries),
        "each use copied the map"
    );
    assert_eq!(l.attr("aws_ssm_parameter.p", "c").as_str(), Some("v99"));
}

#[test]
fn the_default_budgets_leave_ordinary_roots_alone() {
    let l = one("locals {\n  names = [for i in range(100) : \"n${i}\"]\n}\nresource \"aws_ssm_parameter\" \"p\" {\n  for_each = toset(local.names)\n  name = each.key\n}\n");
    assert_eq!(l.addresses().len(), 100);
    assert!(budget_diags(&l).is_empty());
}

#[test]
fn adjacent_unknown_parts_are_one_and_keep_the_first_error() {
    let l = one("variable \"a\" {}\nresource \"aws_ssm_parameter\" \"p\" {\n  v = \"x${var.a}${var.a}y\"\n  e = try(\"${var.a}${local.nope}\", \"fallback\")\n}\n");
    let v = l.attr("aws_ssm_parameter.p", "v");
    assert_eq!(v.render_pattern().as_deref(), Some("x⟨?⟩y"), "{v:?}");
    assert_eq!(
        l.attr("aws_ssm_parameter.p", "e").as_str(),
        Some("fallback")
    );
}

#[test]
fn references_that_copy_a_large_string_count_in_memory() {
    // Each use of `local.big` copies its 64 KiB: 1,000 uses are 64 MiB, over 4 MiB.
    let refs = vec!["local.big"; 1000].join(", ");
    let main = format!(
        "locals {{\n  big = \"{}\"\n  all = [{refs}]\n}}\nresource \"aws_ssm_parameter\" \"p\" {{\n  value = local.all\n}}\n",
        "x".repeat(64 * 1024)
    );
    let l = with_limits(
        &main,
        crate::frontends::budget::Limits {
            max_memory: 4 << 20,
            ..Default::default()
        },
    );
    let d = budget_diags(&l);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message.contains("--max-eval-memory"),
        "{}",
        d[0].message
    );
}
