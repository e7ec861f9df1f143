use std::path::{Path, PathBuf};

use super::*;
use crate::base::source::decode_text;

fn load_text(path: &str, text: &str) -> (Unit, SourceMap) {
    let sources = SourceMap::new();
    let id = sources.add(path, text);
    let unit = load(id, &sources, &Options::default());
    (unit, sources)
}

fn res<'u>(unit: &'u Unit, addr: &str) -> &'u Resource {
    unit.resources
        .iter()
        .find(|r| r.address == addr)
        .unwrap_or_else(|| panic!("no {addr} in {:?}", addresses(unit)))
}

fn addresses(unit: &Unit) -> Vec<&str> {
    unit.resources.iter().map(|r| r.address.as_str()).collect()
}

fn attr<'u>(unit: &'u Unit, addr: &str, path: &[&str]) -> &'u Value {
    let r = res(unit, addr);
    let mut v = r
        .attrs
        .get(path[0])
        .unwrap_or_else(|| panic!("{addr}: no {}", path[0]));
    for p in &path[1..] {
        v = match p.parse::<usize>() {
            Ok(i) => &v.as_list().unwrap()[i],
            Err(_) => v.get(p).unwrap_or_else(|| panic!("{addr}: no {p}")),
        };
    }
    v
}

fn as_ref(v: &Value) -> (&str, &str) {
    match &v.kind {
        Val::Ref(r) => (r.target.as_str(), r.attr.as_str()),
        other => panic!("not a reference: {other:?}"),
    }
}

fn json(v: &Value) -> serde_json::Value {
    v.to_json()
}

const SIMPLE: &str = r#"{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "variables": {"region": {"value": "eu-central-1"}},
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_iam_role.exec", "mode": "managed", "type": "aws_iam_role", "name": "exec",
     "values": {"name": "app-exec"}, "sensitive_values": {}},
    {"address": "aws_ecs_task_definition.app", "mode": "managed", "type": "aws_ecs_task_definition", "name": "app",
     "values": {"family": "app", "password": "hunter2", "network_configuration": [{"assign_public_ip": false}],
                "security_groups": [null, "sg-1"], "role_name": "app-exec", "cidr": "10.0.1.0/24",
                "roles": ["app-exec"]},
     "sensitive_values": {"password": true, "network_configuration": [{"subnets": []}]}},
    {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
     "values": {"cidr_block": "10.0.0.0/16"}}
  ]}},
  "resource_changes": [
    {"address": "aws_ecs_task_definition.app", "change": {"actions": ["create"],
      "after_unknown": {"arn": true, "execution_role_arn": true, "template": true, "secret": true,
                        "network_configuration": [{"subnets": true}], "security_groups": [true, false],
                        "roles": [false]},
      "after_sensitive": {"password": true, "secret": true, "network_configuration": [{"subnets": []}]}}}
  ],
  "configuration": {
    "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}}},
    "root_module": {"resources": [
      {"address": "aws_ecs_task_definition.app", "mode": "managed", "type": "aws_ecs_task_definition", "name": "app",
       "expressions": {
         "execution_role_arn": {"references": ["aws_iam_role.exec.arn", "aws_iam_role.exec"]},
         "template": {"references": ["aws_iam_role.exec.arn", "aws_iam_role.exec", "local.suffix"]},
         "network_configuration": [{"subnets": {"references": ["aws_subnet.private.id", "aws_subnet.private"]}}],
         "security_groups": {"references": ["aws_security_group.task.id", "aws_security_group.task"]},
         "role_name": {"references": ["aws_iam_role.exec.name", "aws_iam_role.exec"]},
         "roles": {"references": ["aws_iam_role.exec.name", "aws_iam_role.exec"]},
         "cidr": {"references": ["aws_vpc.main.cidr_block", "aws_vpc.main"]},
         "desired_count": {"constant_value": 2}
       }}
    ]}
  }
}"#;

#[test]
fn plan_unknowns_become_references() {
    let (unit, _) = load_text("/nonexistent/plan.json", SIMPLE);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    assert_eq!(unit.format, Some(Format::Plan));
    let td = "aws_ecs_task_definition.app";
    assert_eq!(
        as_ref(attr(&unit, td, &["execution_role_arn"])),
        ("aws_iam_role.exec", "arn")
    );
    // Nested block, list attribute (type known from the sensitivity marks): element-wise.
    let subnets = attr(&unit, td, &["network_configuration", "0", "subnets"]);
    assert_eq!(subnets.as_list().unwrap().len(), 1);
    assert_eq!(
        as_ref(&subnets.as_list().unwrap()[0]),
        ("aws_subnet.private", "id")
    );
    assert_eq!(
        attr(
            &unit,
            td,
            &["network_configuration", "0", "assign_public_ip"]
        )
        .as_bool(),
        Some(false)
    );
    // Partly known list: the unknown element is the reference, the known one stays.
    let sgs = attr(&unit, td, &["security_groups"]);
    assert_eq!(
        json(sgs),
        serde_json::json!([{"$ref": "aws_security_group.task.id"}, "sg-1"])
    );
    // Several references: not a plain copy of one attribute.
    assert!(attr(&unit, td, &["template"]).is_unknown());
    assert!(attr(&unit, td, &["arn"]).is_unknown());
    // Known value written as a reference keeps the edge and the value.
    let role = attr(&unit, td, &["role_name"]);
    assert_eq!(as_ref(role), ("aws_iam_role.exec", "name"));
    assert_eq!(role.as_str(), Some("app-exec"));
    // Also in a known list whose unknown marks are all `false`.
    assert_eq!(
        json(attr(&unit, td, &["roles"])),
        serde_json::json!([{"$ref": "aws_iam_role.exec.name", "value": "app-exec"}])
    );
    // ... unless the value is not the referenced attribute (a function was applied).
    assert_eq!(
        json(attr(&unit, td, &["cidr"])),
        serde_json::json!("10.0.1.0/24")
    );
    // Constants fill what planned values lack.
    assert_eq!(attr(&unit, td, &["desired_count"]).as_f64(), Some(2.0));
    // Region through the root variable.
    assert_eq!(
        unit.region.as_ref().and_then(Value::as_str),
        Some("eu-central-1")
    );
    // Spans point into the plan.
    let r = res(&unit, td);
    assert!(SIMPLE[r.span.range()].starts_with(r#"{"address": "aws_ecs_task_definition.app""#));
    let fam = attr(&unit, td, &["family"]);
    assert_eq!(&SIMPLE[fam.span.unwrap().range()], "\"app\"");
    let era = attr(&unit, td, &["execution_role_arn"]);
    assert!(SIMPLE[era.span.unwrap().range()].contains("aws_iam_role.exec.arn"));
}

#[test]
fn plan_sensitive_values_kept_but_not_in_reasons() {
    let (unit, _) = load_text("/nonexistent/plan.json", SIMPLE);
    let td = "aws_ecs_task_definition.app";
    assert_eq!(attr(&unit, td, &["password"]).as_str(), Some("hunter2"));
    let mut texts = Vec::new();
    for r in &unit.resources {
        for (_, v) in r.attrs.iter() {
            collect_reasons(v, &mut texts);
        }
    }
    texts.extend(unit.diagnostics.iter().map(|d| d.message.clone()));
    assert!(!texts.is_empty());
    assert!(texts.iter().all(|t| !t.contains("hunter2")), "{texts:?}");
}

fn collect_reasons(v: &Value, out: &mut Vec<String>) {
    match &v.kind {
        Val::Unknown(r) => out.push(r.to_string()),
        Val::List(l) | Val::Template(l) | Val::Choice(l) => {
            l.iter().for_each(|v| collect_reasons(v, out))
        }
        Val::Map(m) => m.iter().for_each(|(_, v)| collect_reasons(v, out)),
        Val::Ref(r) => {
            if let Some(v) = &r.resolved {
                collect_reasons(v, out)
            }
        }
        Val::Encoded(v) => collect_reasons(v, out),
        _ => {}
    }
}

const MODULES: &str = r#"{
  "format_version": "1.0",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "aws_ecs_service.app", "mode": "managed", "type": "aws_ecs_service", "name": "app",
       "values": {"network_configuration": [{}]}},
      {"address": "aws_security_group.task", "mode": "managed", "type": "aws_security_group", "name": "task", "values": {}}
    ],
    "child_modules": [{"address": "module.network", "resources": [
      {"address": "module.network.aws_subnet.private[0]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": 0, "values": {"cidr_block": "10.0.0.0/24"}},
      {"address": "module.network.aws_subnet.private[1]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": 1, "values": {"cidr_block": "10.0.1.0/24"}},
      {"address": "module.network.aws_vpc_endpoint.ecr", "mode": "managed", "type": "aws_vpc_endpoint", "name": "ecr", "values": {}},
      {"address": "module.network.aws_route_table_association.a[1]", "mode": "managed", "type": "aws_route_table_association", "name": "a", "index": 1, "values": {}}
    ], "child_modules": [{"address": "module.network.module.deep[\"a\"]", "resources": [
      {"address": "module.network.module.deep[\"a\"].aws_route_table.rt", "mode": "managed", "type": "aws_route_table", "name": "rt", "values": {}}
    ]}]}]
  }},
  "prior_state": {"values": {"root_module": {"resources": [
    {"address": "data.aws_vpc.main", "mode": "data", "type": "aws_vpc", "name": "main", "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}},
    {"address": "aws_old.gone", "mode": "managed", "type": "aws_old", "name": "gone", "values": {}}
  ]}}},
  "resource_changes": [
    {"address": "aws_ecs_service.app", "change": {"actions": ["create"], "after_unknown": {"network_configuration": [{"subnets": true, "security_groups": true}]}}},
    {"address": "module.network.aws_subnet.private[0]", "change": {"actions": ["create"], "after_unknown": {"vpc_id": true, "id": true}}},
    {"address": "module.network.aws_subnet.private[1]", "change": {"actions": ["create"], "after_unknown": {"vpc_id": true, "id": true}}},
    {"address": "module.network.aws_vpc_endpoint.ecr", "change": {"actions": ["create"], "after_unknown": {"subnet_ids": true, "security_group_ids": true, "vpc_id": true, "route_table_ids": true, "owner": true}}},
    {"address": "module.network.module.deep[\"a\"].aws_route_table.rt", "change": {"actions": ["create"], "after_unknown": {"vpc_id": true}}},
    {"address": "module.network.aws_route_table_association.a[1]", "change": {"actions": ["create"], "after_unknown": {"subnet_id": true, "route_table_id": true}}}
  ],
  "configuration": {"root_module": {
    "resources": [
      {"address": "aws_ecs_service.app", "mode": "managed", "type": "aws_ecs_service", "name": "app", "expressions": {
        "network_configuration": [{"subnets": {"references": ["module.network.private_subnets", "module.network"]},
                                   "security_groups": {"references": ["aws_security_group.task.id", "aws_security_group.task"]}}]}}
    ],
    "module_calls": {"network": {"source": "./network", "expressions": {
        "vpc_id": {"references": ["data.aws_vpc.main.id", "data.aws_vpc.main"]},
        "sg": {"references": ["aws_security_group.task"]},
        "rts": {"references": ["aws_route_table.a.id", "aws_route_table.a", "aws_route_table.b.id", "aws_route_table.b"]}
      },
      "module": {
        "outputs": {"private_subnets": {"expression": {"references": ["aws_subnet.private"]}}},
        "resources": [
          {"address": "aws_subnet.private", "mode": "managed", "type": "aws_subnet", "name": "private",
           "count_expression": {"constant_value": 2},
           "expressions": {"vpc_id": {"references": ["var.vpc_id"]}}},
          {"address": "aws_route_table_association.a", "mode": "managed", "type": "aws_route_table_association", "name": "a",
           "count_expression": {"constant_value": 2},
           "expressions": {"subnet_id": {"references": ["aws_subnet.private", "count.index"]},
                           "route_table_id": {"references": ["aws_route_table.shared", "count.index"]}}},
          {"address": "aws_vpc_endpoint.ecr", "mode": "managed", "type": "aws_vpc_endpoint", "name": "ecr",
           "expressions": {"subnet_ids": {"references": ["aws_subnet.private[0].id", "aws_subnet.private[0]", "aws_subnet.private", "aws_subnet.private[1].id", "aws_subnet.private[1]", "aws_subnet.private"]},
                           "security_group_ids": {"references": ["var.sg.id"]},
                           "route_table_ids": {"references": ["var.rts"]},
                           "owner": {"references": ["var.rts"]},
                           "vpc_id": {"references": ["var.vpc_id"]}}}
        ],
        "module_calls": {"deep": {"source": "./deep", "for_each_expression": {"references": ["var.zones"]},
          "expressions": {"vpc": {"references": ["var.vpc_id"]}},
          "module": {"resources": [
            {"address": "aws_route_table.rt", "mode": "managed", "type": "aws_route_table", "name": "rt",
             "expressions": {"vpc_id": {"references": ["var.vpc"]}}}
          ]}}}
      }}}
  }}
}"#;

#[test]
fn plan_child_modules_and_module_inputs() {
    let (unit, _) = load_text("/nonexistent/plan.json", MODULES);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    assert_eq!(
        addresses(&unit),
        vec![
            "aws_ecs_service.app",
            "aws_security_group.task",
            "module.network.aws_subnet.private[0]",
            "module.network.aws_subnet.private[1]",
            "module.network.aws_vpc_endpoint.ecr",
            "module.network.aws_route_table_association.a[1]",
            r#"module.network.module.deep["a"].aws_route_table.rt"#,
            "data.aws_vpc.main",
        ]
    );
    assert_eq!(res(&unit, "data.aws_vpc.main").mode, Mode::Data);
    // var.vpc_id inside the module → the caller's data source.
    assert_eq!(
        as_ref(attr(
            &unit,
            "module.network.aws_subnet.private[1]",
            &["vpc_id"]
        )),
        ("data.aws_vpc.main", "id")
    );
    // `aws_subnet.private[count.index].id`: the instance with the same index, when it exists.
    let rta = "module.network.aws_route_table_association.a[1]";
    assert_eq!(
        as_ref(attr(&unit, rta, &["subnet_id"])),
        ("module.network.aws_subnet.private[1]", "")
    );
    assert_eq!(
        as_ref(attr(&unit, rta, &["route_table_id"])),
        ("module.network.aws_route_table.shared", "")
    );
    // Two levels of module inputs.
    assert_eq!(
        as_ref(attr(
            &unit,
            r#"module.network.module.deep["a"].aws_route_table.rt"#,
            &["vpc_id"]
        )),
        ("data.aws_vpc.main", "id")
    );
    // Indexed references element-wise, prefixed with the module path.
    let ep = "module.network.aws_vpc_endpoint.ecr";
    assert_eq!(
        json(attr(&unit, ep, &["subnet_ids"])),
        serde_json::json!([
            {"$ref": "module.network.aws_subnet.private[0].id"},
            {"$ref": "module.network.aws_subnet.private[1].id"}
        ])
    );
    // var.sg.id where the caller passes the whole resource.
    assert_eq!(
        json(attr(&unit, ep, &["security_group_ids"])),
        serde_json::json!([{"$ref": "aws_security_group.task.id"}])
    );
    // A module argument listing several resources, read as a list (and not as a scalar).
    assert_eq!(
        json(attr(&unit, ep, &["route_table_ids"])),
        serde_json::json!([{"$ref": "aws_route_table.a.id"}, {"$ref": "aws_route_table.b.id"}])
    );
    assert!(attr(&unit, ep, &["owner"]).is_unknown());
    // A module output that is a whole multi-instance resource stays un-indexed.
    let svc = "aws_ecs_service.app";
    assert_eq!(
        json(attr(&unit, svc, &["network_configuration", "0", "subnets"])),
        serde_json::json!([{"$ref": "module.network.aws_subnet.private"}])
    );
    assert_eq!(
        json(attr(
            &unit,
            svc,
            &["network_configuration", "0", "security_groups"]
        )),
        serde_json::json!([{"$ref": "aws_security_group.task.id"}])
    );
    // No provider configuration: the Region is symbolic.
    assert_eq!(
        unit.region.as_ref().map(|v| &v.kind),
        Some(&Val::Symbol(Symbol::Region))
    );
}

#[test]
fn plan_utf16_input() {
    let text = SIMPLE;
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let decoded = decode_text(&bytes).unwrap();
    let (unit, _) = load_text("/nonexistent/utf16.json", &decoded);
    assert!(unit.diagnostics.is_empty());
    assert_eq!(unit.resources.len(), 3);
}

#[test]
fn plan_invalid_and_not_a_plan_give_one_diagnostic() {
    let (unit, _) = load_text(
        "/nonexistent/plan.json",
        r#"{"format_version": "1.1", "planned_values": {} }}"#,
    );
    assert_eq!(unit.diagnostics.len(), 1, "{:?}", unit.diagnostics);
    assert_eq!(unit.diagnostics[0].code, "parse-error");
    assert!(unit.resources.is_empty());

    let (unit, _) = load_text(
        "/nonexistent/state.json",
        r#"{"format_version": "1.0", "values": {}}"#,
    );
    assert_eq!(unit.diagnostics.len(), 1);
    assert_eq!(unit.diagnostics[0].code, "not-a-plan");
    assert!(unit.diagnostics[0].message.contains("state"));
    assert_eq!(unit.diagnostics[0].span.map(|s| s.range()), Some(0..1));
    assert_eq!(unit.format, None);
    let (unit, _) = load_text("/nonexistent/list.json", "[1]");
    assert_eq!(unit.diagnostics[0].code, "not-a-plan");

    // Wrong shapes everywhere: no panic, bad entries reported and skipped.
    let weird = r#"{"planned_values": {"root_module": {"resources": [3, {"address": "x"}, {"address": "a.b", "values": 7}],
        "child_modules": ["no"]}}, "resource_changes": [null, {"address": "a.b", "change": {"after_unknown": 5}}],
        "configuration": {"root_module": {"resources": 1, "module_calls": {"m": 2}}, "provider_config": {"aws": {"expressions": {"region": {"constant_value": 3}}}}}}"#;
    let (unit, _) = load_text("/nonexistent/weird.json", weird);
    assert_eq!(addresses(&unit), vec!["a.b"]);
    assert!(unit.diagnostics.iter().all(|d| d.code == "invalid-plan"));
    assert_eq!(unit.diagnostics.len(), 3, "{:?}", unit.diagnostics);

    let (unit, _) = load_text(
        "/nonexistent/plan.json",
        r#"{"format_version": "2.0", "planned_values": {}}"#,
    );
    assert_eq!(unit.diagnostics[0].code, "plan-format-version");
}

#[test]
fn plan_sniffing() {
    assert!(looks_like_plan(SIMPLE));
    assert!(looks_like_plan("\n {\"resource_changes\": []}"));
    assert!(!looks_like_plan(
        r#"{"format_version": "1.0", "values": {}}"#
    ));
    assert!(!looks_like_plan(r#"["planned_values"]"#));
}

#[test]
fn plan_stub_without_format_version_loads() {
    let stub = r#"{"planned_values": {"root_module": {"resources": [{"address": "aws_vpc_endpoint.test", "mode": "managed",
        "type": "aws_vpc_endpoint", "name": "test", "values": {"policy": "{}"}}]}},
      "configuration": {"root_module": {"resources": [{"address": "aws_vpc_endpoint.test", "mode": "managed",
        "type": "aws_vpc_endpoint", "name": "test", "expressions": {"policy": {"constant_value": "{}"},
        "vpc_endpoint_type": {"constant_value": "Gateway"}}}]}}}"#;
    let (unit, _) = load_text("/nonexistent/tfplan.json", stub);
    assert!(unit.diagnostics.is_empty());
    let r = res(&unit, "aws_vpc_endpoint.test");
    assert_eq!(r.attrs.get("policy").and_then(Value::as_str), Some("{}"));
    assert_eq!(
        r.attrs.get("vpc_endpoint_type").and_then(Value::as_str),
        Some("Gateway")
    );
}

#[test]
fn plan_deposed_objects_do_not_hide_the_planned_change() {
    let text = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a", "values": {}}]}},
      "resource_changes": [
        {"address": "aws_vpc.a", "change": {"actions": ["create"], "after_unknown": {"id": true}}},
        {"address": "aws_vpc.a", "deposed": "00000001", "change": {"actions": ["delete"], "after": null, "after_unknown": {}}}]}"#;
    let (unit, _) = load_text("/nonexistent/plan.json", text);
    assert!(attr(&unit, "aws_vpc.a", &["id"]).is_unknown());
}

#[test]
fn plan_resource_changes_only() {
    let text = r#"{"format_version": "0.1", "resource_changes": [
        {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16"}, "after_unknown": {"id": true}}},
        {"address": "aws_vpc.b", "mode": "managed", "type": "aws_vpc", "name": "b", "change": {"actions": ["delete"], "after": null}}]}"#;
    let (unit, _) = load_text("/nonexistent/plan.json", text);
    assert_eq!(addresses(&unit), vec!["aws_vpc.a"]);
    assert!(attr(&unit, "aws_vpc.a", &["id"]).is_unknown());
}

fn package_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn plan_equivalence_fixture_matches_main_tf() {
    let dir = package_root().join("testdata/equivalence");
    let sources = SourceMap::new();
    let id = crate::base::fs::load(&sources, &dir.join("plan.json"), u64::MAX).unwrap();
    let unit = load(id, &sources, &Options::default());
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    assert_eq!(unit.resources.len(), 15);
    assert_eq!(
        unit.region.as_ref().and_then(Value::as_str),
        Some("eu-west-1")
    );
    // Every resource points at its block header in main.tf.
    for r in &unit.resources {
        let f = sources.get(r.span.file);
        assert!(f.path.ends_with("main.tf"), "{} → {:?}", r.address, f.path);
        let (t, n) = r.address.split_once('.').unwrap();
        assert_eq!(f.slice(r.span), format!("resource \"{t}\" \"{n}\""));
    }
    let svc = "aws_ecs_service.app";
    assert_eq!(
        as_ref(attr(&unit, svc, &["cluster"])),
        ("aws_ecs_cluster.main", "id")
    );
    assert_eq!(
        as_ref(attr(&unit, svc, &["task_definition"])),
        ("aws_ecs_task_definition.app", "arn")
    );
    assert_eq!(
        json(attr(&unit, svc, &["network_configuration", "0"])),
        serde_json::json!({"assign_public_ip": false,
            "security_groups": [{"$ref": "aws_security_group.task.id"}],
            "subnets": [{"$ref": "aws_subnet.private.id"}]})
    );
    assert_eq!(
        as_ref(attr(
            &unit,
            "aws_ecs_task_definition.app",
            &["execution_role_arn"]
        )),
        ("aws_iam_role.exec", "arn")
    );
    // The JSON string is decoded where it holds a referenced value, keeping the edge.
    let cd = attr(
        &unit,
        "aws_ecs_task_definition.app",
        &["container_definitions"],
    );
    let Val::Encoded(doc) = &cd.kind else {
        panic!("not decoded: {cd:?}")
    };
    let group = &doc.as_list().unwrap()[0]
        .get("logConfiguration")
        .and_then(|l| l.get("options"))
        .and_then(|o| o.get("awslogs-group"))
        .unwrap();
    assert_eq!(as_ref(group), ("aws_cloudwatch_log_group.app", "name"));
    assert_eq!(group.as_str(), Some("/ecs/app"));
    let image = doc.as_list().unwrap()[0].get("image").unwrap();
    let f = sources.get(image.span.unwrap().file);
    assert_eq!(
        f.slice(image.span.unwrap()),
        r#"\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0\""#
    );
    let role = attr(&unit, "aws_iam_role_policy_attachment.exec", &["role"]);
    assert_eq!(as_ref(role), ("aws_iam_role.exec", "name"));
    assert_eq!(role.as_str(), Some("app-exec"));
    for ep in ["ecr_api", "ecr_dkr"] {
        let a = format!("aws_vpc_endpoint.{ep}");
        assert_eq!(
            json(attr(&unit, &a, &["subnet_ids"])),
            serde_json::json!([{"$ref": "aws_subnet.private.id"}])
        );
        assert_eq!(
            json(attr(&unit, &a, &["security_group_ids"])),
            serde_json::json!([{"$ref": "aws_security_group.endpoints.id"}])
        );
    }
    assert_eq!(
        json(attr(&unit, "aws_vpc_endpoint.s3", &["route_table_ids"])),
        serde_json::json!([{"$ref": "aws_route_table.private.id"}])
    );
    assert_eq!(
        as_ref(attr(
            &unit,
            "aws_route_table_association.private",
            &["subnet_id"]
        )),
        ("aws_subnet.private", "id")
    );
    // The wiring matches main.tf: every reference written there is an edge here.
    let tf = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    let mut edges = std::collections::BTreeSet::new();
    for r in &unit.resources {
        for (_, v) in r.attrs.iter() {
            v.visit_refs(&mut |x, _| {
                edges.insert(format!("{}.{}", x.target, x.attr));
            });
        }
    }
    let mut written = std::collections::BTreeSet::new();
    for w in tf.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')) {
        if w.starts_with("aws_") && w.matches('.').count() == 2 {
            written.insert(w.to_string());
        }
    }
    assert_eq!(edges, written);
}

#[test]
fn plan_locations_follow_tf_root_and_local_modules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/network")).unwrap();
    std::fs::write(
        root.join("src/main.tf"),
        "resource \"aws_ecs_service\" \"app\" {\n  image = \"${aws_ecr_repository.app.repository_url}:latest\"\n  \
         things = [aws_subnet.a.id]\n  plain = aws_iam_role.r.arn\n  split = aws_subnet.b[*].id\n  \
         one = \"${aws_subnet.c[count.index].id}\"\n}\nmodule \"network\" {\n  source = \"./network\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/network/subnets.tf"),
        "# subnets\nresource \"aws_subnet\" \"private\" {\n  count = 2\n}\ndata \"aws_vpc\" \"main\" {}\n",
    )
    .unwrap();
    std::fs::write(root.join("src/broken.tf"), "resource {").unwrap();
    std::fs::create_dir_all(root.join("src/.terraform/modules/vpc")).unwrap();
    std::fs::write(
        root.join("src/.terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.0.0","Dir":".terraform/modules/vpc"}]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("src/.terraform/modules/vpc/main.tf"),
        "\nresource \"aws_vpc\" \"this\" {\n}\n",
    )
    .unwrap();
    let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {
        "resources": [{"address": "aws_ecs_service.app", "mode": "managed", "type": "aws_ecs_service", "name": "app", "values": {}},
                      {"address": "aws_vpc.elsewhere", "mode": "managed", "type": "aws_vpc", "name": "elsewhere", "values": {}}],
        "child_modules": [{"address": "module.vpc", "resources": [
          {"address": "module.vpc.aws_vpc.this[0]", "mode": "managed", "type": "aws_vpc", "name": "this", "values": {}}]},
          {"address": "module.network", "resources": [
          {"address": "module.network.aws_subnet.private[1]", "mode": "managed", "type": "aws_subnet", "name": "private", "values": {}},
          {"address": "module.network.data.aws_vpc.main", "mode": "data", "type": "aws_vpc", "name": "main", "values": {}}]}]}},
      "resource_changes": [{"address": "aws_ecs_service.app", "change": {"actions": ["create"],
        "after_unknown": {"image": true, "things": true, "plain": true, "split": true, "one": true}}}],
      "configuration": {"root_module": {"module_calls": {"network": {"source": "./network", "module": {}},
          "vpc": {"source": "terraform-aws-modules/vpc/aws", "version_constraint": "5.0.0", "module": {}}},
        "resources": [{"address": "aws_ecs_service.app", "mode": "managed", "type": "aws_ecs_service", "name": "app",
          "expressions": {"image": {"references": ["aws_ecr_repository.app.repository_url", "aws_ecr_repository.app"]},
                          "things": {"references": ["aws_subnet.a.id", "aws_subnet.a"]},
                          "plain": {"references": ["aws_iam_role.r.arn", "aws_iam_role.r"]},
                          "split": {"references": ["aws_subnet.b"]},
                          "one": {"references": ["aws_subnet.c", "count.index"]}}}]}}}"#;
    std::fs::write(root.join("plan.json"), plan).unwrap();
    let sources = SourceMap::new();
    let id = crate::base::fs::load(&sources, &root.join("plan.json"), u64::MAX).unwrap();
    let opts = Options {
        tf_root: Some(root.join("src")),
        ..Options::default()
    };
    let unit = load(id, &sources, &opts);
    let at = |a: &str| {
        let r = res(&unit, a);
        let f = sources.get(r.span.file);
        (
            f.path.strip_prefix(root).unwrap().to_path_buf(),
            f.slice(r.span).to_string(),
        )
    };
    assert_eq!(
        at("aws_ecs_service.app"),
        (
            Path::new("src/main.tf").to_path_buf(),
            "resource \"aws_ecs_service\" \"app\"".to_string()
        )
    );
    assert_eq!(
        at("module.network.aws_subnet.private[1]"),
        (
            Path::new("src/network/subnets.tf").to_path_buf(),
            "resource \"aws_subnet\" \"private\"".to_string()
        )
    );
    assert_eq!(
        at("module.network.data.aws_vpc.main").1,
        "data \"aws_vpc\" \"main\""
    );
    // A registry module, through `.terraform/modules/modules.json`.
    assert_eq!(
        at("module.vpc.aws_vpc.this[0]"),
        (
            Path::new("src/.terraform/modules/vpc/main.tf").to_path_buf(),
            "resource \"aws_vpc\" \"this\"".to_string()
        )
    );
    // Not in the sources: stays in the plan.
    assert_eq!(at("aws_vpc.elsewhere").0, Path::new("plan.json"));
    assert!(unit.diagnostics.iter().any(|d| d.code == "plan-location"
        && d.file.as_deref().is_some_and(|f| f.ends_with("broken.tf"))));
    // The sources tell a copy from a computed value, and a list from a scalar.
    let svc = "aws_ecs_service.app";
    assert!(attr(&unit, svc, &["image"]).is_unknown());
    assert_eq!(
        json(attr(&unit, svc, &["things"])),
        serde_json::json!([{"$ref": "aws_subnet.a.id"}])
    );
    assert_eq!(
        as_ref(attr(&unit, svc, &["plain"])),
        ("aws_iam_role.r", "arn")
    );
    // ... and the attribute the plan leaves out after a splat or a dynamic index.
    assert_eq!(
        json(attr(&unit, svc, &["split"])),
        serde_json::json!([{"$ref": "aws_subnet.b.id"}])
    );
    assert_eq!(as_ref(attr(&unit, svc, &["one"])), ("aws_subnet.c", "id"));
    // Without them, the plan's references are all there is.
    let bare = SourceMap::new();
    let id = bare.add(root.join("elsewhere/plan.json"), plan);
    let unit = load(id, &bare, &Options::default());
    assert_eq!(
        as_ref(attr(&unit, svc, &["image"])),
        ("aws_ecr_repository.app", "repository_url")
    );
    assert_eq!(
        as_ref(attr(&unit, svc, &["things"])),
        ("aws_subnet.a", "id")
    );
}

/// Every JSON in the shared corpus that looks like a plan loads without panicking.
#[test]
fn plan_corpus_loads() {
    let corpus = package_root().join("../shared/corpus");
    if !corpus.is_dir() {
        println!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let started = std::time::Instant::now();
    let mut files = Vec::new();
    collect_json(&corpus, &mut files);
    files.sort();
    let (mut plans, mut resources, mut refs, mut unknowns, mut invalid) = (0, 0, 0, 0, Vec::new());
    let (mut not_plans, mut diagnostics) = (0, 0);
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(text) = decode_text(&bytes) else {
            continue;
        };
        if !looks_like_plan(&text) {
            continue;
        }
        let sources = SourceMap::new();
        let id = sources.add(path.clone(), text);
        let unit = load(id, &sources, &Options::default());
        if unit.format.is_none() {
            // A JSON document mentioning the keys without being a plan (e.g. a schema), or invalid.
            let codes: Vec<_> = unit.diagnostics.iter().map(|d| d.code.as_ref()).collect();
            assert_eq!(codes.len(), 1, "{}: {codes:?}", path.display());
            if codes[0] == "parse-error" {
                invalid.push(path.strip_prefix(&corpus).unwrap().display().to_string());
            } else {
                not_plans += 1;
            }
            continue;
        }
        plans += 1;
        diagnostics += unit.diagnostics.len();
        for d in &unit.diagnostics {
            println!(
                "{}: {} {:?} {:?}",
                path.display(),
                d.code,
                d.file,
                d.related
            );
        }
        resources += unit.resources.len();
        for r in &unit.resources {
            assert!(!r.address.is_empty());
            for (_, v) in r.attrs.iter() {
                v.visit_refs(&mut |_, _| refs += 1);
                count_unknowns(v, &mut unknowns);
            }
        }
    }
    println!(
        "corpus: {plans} plans ({diagnostics} diagnostics), {resources} resources, {refs} references, \
         {unknowns} unknown values; {not_plans} other documents; invalid: {invalid:?}; {:?}",
        started.elapsed()
    );
    assert!(plans >= 150, "only {plans} plans");
    assert!(invalid
        .iter()
        .any(|p| p.ends_with("testdata/invalid/plan.json")));
    assert!(refs > 0 && unknowns > 0);

    // By hand: checkov's ECS plan and terraform-compliance's module plan.
    let ecs = corpus.join(
        "bridgecrewio__checkov/tests/terraform/image_referencer/resources/aws/ecs_tfplan.json",
    );
    let (unit, sources) = load_path(&ecs);
    let td = res(&unit, "aws_ecs_task_definition.service");
    let cd = td
        .attrs
        .get("container_definitions")
        .and_then(Value::as_str)
        .unwrap();
    assert!(cd.contains("python:3.9-alpine") && cd.contains("\"image\":\"nginx\""));
    assert_eq!(
        unit.region.as_ref().and_then(Value::as_str),
        Some("us-west-2")
    );
    // The plan sits beside ecs.tf: the resource points at its block.
    assert_eq!(
        sources.get(td.span.file).slice(td.span),
        "resource \"aws_ecs_task_definition\" \"service\""
    );

    // The stub plan without `format_version`, and a UTF-16 plan written by PowerShell.
    let checkov = corpus.join("bridgecrewio__checkov/tests/terraform");
    let (unit, _) = load_path(&checkov.join("parser/resources/plan_vpc_endpoint/tfplan.json"));
    let policy = attr(&unit, "aws_vpc_endpoint.test", &["policy"]);
    assert!(policy.as_str().unwrap().contains("\"Principal\":\"*\""));
    let utf16 = checkov.join("parser/resources/plan_encodings/tfplan_win_utf16.json");
    assert_eq!(&std::fs::read(&utf16).unwrap()[..2], &[0xFF, 0xFE]);
    let (unit, _) = load_path(&utf16);
    assert!(!unit.resources.is_empty());

    let m = corpus.join("terraform-compliance__cli/tests/functional/test_issue-158/plan.out.json");
    let (unit, _) = load_path(&m);
    assert!(unit.resources.len() >= 29);
    assert!(unit
        .resources
        .iter()
        .all(|r| r.address.starts_with("module.vpc.")));
    assert!(addresses(&unit).contains(&"module.vpc.aws_nat_gateway.this[2]"));
}

fn load_path(p: &Path) -> (Unit, SourceMap) {
    let sources = SourceMap::new();
    let id = crate::base::fs::load(&sources, p, u64::MAX).unwrap();
    let unit = load(id, &sources, &Options::default());
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    (unit, sources)
}

fn count_unknowns(v: &Value, n: &mut usize) {
    match &v.kind {
        Val::Unknown(_) => *n += 1,
        Val::List(l) => l.iter().for_each(|v| count_unknowns(v, n)),
        Val::Map(m) => m.iter().for_each(|(_, v)| count_unknowns(v, n)),
        _ => {}
    }
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect_json(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// Every node of the test plans replaced by a value of another kind: never a panic.
#[test]
fn plan_survives_shape_mutations() {
    fn paths(v: &serde_json::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(at.clone());
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    at.push(k.clone());
                    paths(x, at, out);
                    at.pop();
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    at.push(i.to_string());
                    paths(x, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let replacements = [
        serde_json::json!(null),
        serde_json::json!(3),
        serde_json::json!("module.x[\"a\"].var..[0"),
        serde_json::json!([true, [true], {"a": true}]),
        serde_json::json!({"references": ["var.x", "module.m.o", "aws_a.b[0].c"]}),
    ];
    let mut loads = 0;
    for text in [SIMPLE, MODULES] {
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut all = Vec::new();
        paths(&doc, &mut Vec::new(), &mut all);
        for p in all.iter().skip(1) {
            for r in &replacements {
                let mut d = doc.clone();
                let mut node = &mut d;
                for step in p {
                    node = match node {
                        serde_json::Value::Object(m) => m.get_mut(step).unwrap(),
                        serde_json::Value::Array(a) => &mut a[step.parse::<usize>().unwrap()],
                        _ => unreachable!(),
                    };
                }
                *node = r.clone();
                let (unit, _) = load_text("/nonexistent/plan.json", &d.to_string());
                assert!(unit.format.is_some() || !unit.diagnostics.is_empty());
                loads += 1;
            }
        }
    }
    assert!(loads > 500, "{loads}");
}

#[test]
fn plan_circular_and_branching_module_references_end() {
    let text = r#"{"planned_values": {"root_module": {"resources": [
        {"address": "aws_a.b", "mode": "managed", "type": "aws_a", "name": "b", "values": {}}]}},
      "resource_changes": [{"address": "aws_a.b", "change": {"after_unknown": {"x": true}}}],
      "configuration": {"root_module": {
        "resources": [{"address": "aws_a.b", "mode": "managed", "type": "aws_a", "name": "b",
          "expressions": {"x": {"references": ["module.m.o", "module.m"]}}}],
        "module_calls": {"m": {"source": "./m",
          "expressions": {"x": {"references": ["module.m.o", "module.m"]}, "y": {"references": ["module.m.o", "module.m"]},
                          "z": {"references": ["module.m.o", "module.m"]}},
          "module": {"outputs": {"o": {"expression": {"references": ["var.x", "var.y", "var.z"]}}}}}}}}}"#;
    let started = std::time::Instant::now();
    let (unit, _) = load_text("/nonexistent/plan.json", text);
    assert!(attr(&unit, "aws_a.b", &["x"]).is_unknown());

    // A diamond of module arguments 24 levels deep: 2^24 paths, each a resource in the end.
    let refs = serde_json::json!({"references": ["var.a", "var.b"]});
    let mut call = serde_json::json!({"source": "./m", "expressions": {"a": refs, "b": refs},
        "module": {"resources": [{"address": "aws_a.b", "mode": "managed", "type": "aws_a", "name": "b",
            "expressions": {"x": {"references": ["var.a"]}}}]}});
    let mut address = "aws_a.b".to_string();
    for _ in 0..23 {
        call = serde_json::json!({"source": "./m", "expressions": {"a": refs, "b": refs},
            "module": {"module_calls": {"m": call}}});
        address = format!("module.m.{address}");
    }
    call["expressions"] = serde_json::json!({
        "a": {"references": ["aws_r.p.id", "aws_r.p"]}, "b": {"references": ["aws_r.q.id", "aws_r.q"]}});
    address = format!("module.m.{address}");
    let plan = serde_json::json!({
        "planned_values": {"root_module": {"child_modules": [{"resources": [
            {"address": address, "mode": "managed", "type": "aws_a", "name": "b", "values": {}}]}]}},
        "resource_changes": [{"address": address, "change": {"after_unknown": {"x": true}}}],
        "configuration": {"root_module": {"module_calls": {"m": call}}}});
    let (unit, _) = load_text("/nonexistent/plan.json", &plan.to_string());
    assert!(attr(&unit, &address, &["x"]).is_unknown());
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

/// Terraform 0.12 writes the data sources of a child module in `prior_state` with addresses
/// relative to the module; two modules reading `data.aws_vpc.default` are two resources.
#[test]
fn plan_prior_state_child_module_addresses_are_completed() {
    let text = r#"{
  "format_version": "0.1",
  "terraform_version": "0.12.24",
  "planned_values": {"root_module": {"child_modules": [
    {"address": "module.a", "resources": [
      {"address": "module.a.aws_security_group.sg", "mode": "managed", "type": "aws_security_group",
       "name": "sg", "values": {"name": "a", "vpc_id": "vpc-a"}}]}]}},
  "resource_changes": [
    {"address": "module.a.aws_security_group.sg", "module_address": "module.a", "mode": "managed",
     "type": "aws_security_group", "name": "sg",
     "change": {"actions": ["create"], "before": null, "after": {"name": "a", "vpc_id": "vpc-a"},
                "after_unknown": {}}}],
  "prior_state": {"format_version": "0.1", "terraform_version": "0.12.24", "values": {"root_module": {
    "child_modules": [
      {"address": "module.a", "resources": [
        {"address": "data.aws_vpc.default", "mode": "data", "type": "aws_vpc", "name": "default",
         "values": {"id": "vpc-a", "cidr_block": "10.0.0.0/16"}}]},
      {"address": "module.b", "resources": [
        {"address": "data.aws_vpc.default", "mode": "data", "type": "aws_vpc", "name": "default",
         "values": {"id": "vpc-b", "cidr_block": "10.1.0.0/16"}}]}]}}},
  "configuration": {"root_module": {"module_calls": {
    "a": {"source": "./a", "module": {"resources": [
      {"address": "aws_security_group.sg", "mode": "managed", "type": "aws_security_group", "name": "sg",
       "expressions": {"name": {"constant_value": "a"},
                       "vpc_id": {"references": ["data.aws_vpc.default"]}}},
      {"address": "data.aws_vpc.default", "mode": "data", "type": "aws_vpc", "name": "default"}]}},
    "b": {"source": "./b", "module": {"resources": [
      {"address": "data.aws_vpc.default", "mode": "data", "type": "aws_vpc", "name": "default"}]}}}}}
}"#;
    let (unit, _) = load_text("plan.json", text);
    let addrs = addresses(&unit);
    assert!(
        addrs.contains(&"module.a.data.aws_vpc.default"),
        "{addrs:?}"
    );
    assert!(
        addrs.contains(&"module.b.data.aws_vpc.default"),
        "{addrs:?}"
    );
    assert!(!addrs.contains(&"data.aws_vpc.default"), "{addrs:?}");
    assert_eq!(
        attr(&unit, "module.b.data.aws_vpc.default", &["cidr_block"]).as_str(),
        Some("10.1.0.0/16")
    );
    let vpc = attr(&unit, "module.a.aws_security_group.sg", &["vpc_id"]);
    assert_eq!(as_ref(vpc).0, "module.a.data.aws_vpc.default");
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
}

/// `for_each = aws_subnet.private` with `subnet_id = each.value.id` (the usual way to associate
/// every subnet), in a child module and through a module output: the plan lists
/// `each.value.id`, which is the subnet with the association's own key.
const EACH_VALUE: &str = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "aws_route_table_association.root[\"a\"]", "mode": "managed", "type": "aws_route_table_association", "name": "root", "index": "a", "values": {}}
    ],
    "child_modules": [{"address": "module.network", "resources": [
      {"address": "module.network.aws_subnet.private[\"a\"]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": "a", "values": {"cidr_block": "10.0.0.0/24"}},
      {"address": "module.network.aws_subnet.private[\"b\"]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": "b", "values": {"cidr_block": "10.0.1.0/24"}},
      {"address": "module.network.aws_route_table_association.private[\"a\"]", "mode": "managed", "type": "aws_route_table_association", "name": "private", "index": "a", "values": {}},
      {"address": "module.network.aws_route_table_association.private[\"b\"]", "mode": "managed", "type": "aws_route_table_association", "name": "private", "index": "b", "values": {}},
      {"address": "module.network.aws_route_table_association.opaque[\"a\"]", "mode": "managed", "type": "aws_route_table_association", "name": "opaque", "index": "a", "values": {}}
    ]}]
  }},
  "resource_changes": [
    {"address": "aws_route_table_association.root[\"a\"]", "change": {"actions": ["create"], "after_unknown": {"subnet_id": true}}},
    {"address": "module.network.aws_subnet.private[\"a\"]", "change": {"actions": ["create"], "after_unknown": {"id": true}}},
    {"address": "module.network.aws_subnet.private[\"b\"]", "change": {"actions": ["create"], "after_unknown": {"id": true}}},
    {"address": "module.network.aws_route_table_association.private[\"a\"]", "change": {"actions": ["create"], "after_unknown": {"subnet_id": true}}},
    {"address": "module.network.aws_route_table_association.private[\"b\"]", "change": {"actions": ["create"], "after_unknown": {"subnet_id": true}}},
    {"address": "module.network.aws_route_table_association.opaque[\"a\"]", "change": {"actions": ["create"], "after_unknown": {"subnet_id": true}}}
  ],
  "configuration": {"root_module": {
    "resources": [
      {"address": "aws_route_table_association.root", "mode": "managed", "type": "aws_route_table_association", "name": "root",
       "for_each_expression": {"references": ["module.network.subnets", "module.network"]},
       "expressions": {"subnet_id": {"references": ["each.value.id", "each.value"]}}}
    ],
    "module_calls": {"network": {"source": "./network",
      "module": {
        "outputs": {"subnets": {"expression": {"references": ["aws_subnet.private"]}}},
        "resources": [
          {"address": "aws_subnet.private", "mode": "managed", "type": "aws_subnet", "name": "private",
           "for_each_expression": {"references": ["var.cidrs"]}, "expressions": {}},
          {"address": "aws_route_table_association.private", "mode": "managed", "type": "aws_route_table_association", "name": "private",
           "for_each_expression": {"references": ["aws_subnet.private"]},
           "expressions": {"subnet_id": {"references": ["each.value.id", "each.value"]}}},
          {"address": "aws_route_table_association.opaque", "mode": "managed", "type": "aws_route_table_association", "name": "opaque",
           "for_each_expression": {"references": ["var.cidrs"]},
           "expressions": {"subnet_id": {"references": ["each.value.id", "each.value"]}}}
        ]
      }}}
  }}
}"#;

#[test]
fn each_value_of_a_resource_for_each_is_the_instance_with_the_same_key() {
    let (unit, _) = load_text("/nonexistent/plan.json", EACH_VALUE);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    assert_eq!(
        as_ref(attr(
            &unit,
            r#"module.network.aws_route_table_association.private["b"]"#,
            &["subnet_id"]
        )),
        (r#"module.network.aws_subnet.private["b"]"#, "id")
    );
    // Through a module output that is the whole resource.
    assert_eq!(
        as_ref(attr(
            &unit,
            r#"aws_route_table_association.root["a"]"#,
            &["subnet_id"]
        )),
        (r#"module.network.aws_subnet.private["a"]"#, "id")
    );
    // `for_each` over a variable: `each.value` is not a resource, and stays unknown.
    assert!(attr(
        &unit,
        r#"module.network.aws_route_table_association.opaque["a"]"#,
        &["subnet_id"]
    )
    .is_unknown());
}
