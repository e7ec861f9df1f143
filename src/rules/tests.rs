use super::*;
use crate::base::diag::Fix;

#[test]
fn builtin_rules_load() {
    let set = RuleSet::builtin().unwrap();
    let mut ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate rule ids");
    for r in &set.rules {
        assert!(
            r.origin.starts_with(&format!("rules/{}-", r.id)),
            "{}: the file name must start with the id",
            r.origin
        );
    }
}

use std::path::Path;

use crate::pipeline::{run, Config, Output};

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ExecutionRoleArn:
    Type: String
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  RouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref Subnet
      RouteTableId: !Ref RouteTable
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: '256'
      Memory: '512'
      ExecutionRoleArn: !Ref ExecutionRoleArn
      ContainerDefinitions:
        - Name: app
          Image: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:1'
  ServiceA:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref Task
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref Subnet]
  ServiceB:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref Task
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref Subnet]
"#;

const RULES: &[(&str, &str)] = &[
    (
        "T001-endpoint.yaml",
        r#"id: T001
name: test-endpoint
title: Endpoint missing
severity: {terraform: warning, cloudformation: error}
subject: endpoint-need
checks:
  - when: [site.fargate, site.private_only, "need.service == ecr.dkr"]
    require: endpoint.present
primary: site.subnets
label: "private subnets of {site.address}"
related:
  - at: need.at
    label: "needs {need.service}"
message: "no `{need.service}` endpoint for {need.why} (kept: ${not.a.fact}, {})"
deploy_error: "CannotPullContainerError"
help: "add it"
fix:
  hcl: "resource {}"
  yaml: "Endpoint: {}"
  json: '{"Endpoint": {}}'
docs: "doc"
sources: []
"#,
    ),
    (
        "T002-permission.yaml",
        r#"id: T002
name: test-permission
title: Pull permission
severity: error
subject: permission
checks:
  - when: ["need.kind == ecr-pull"]
    require: need.allowed
message: "cannot pull"
deploy_error: "CannotPullContainerError"
help: "grant it"
docs: "doc"
sources: []
"#,
    ),
];

fn setup(template: &str, file: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("stack");
    std::fs::create_dir(&tpl).unwrap();
    std::fs::write(tpl.join(file), template).unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    for (name, text) in RULES {
        std::fs::write(rules.join(name), text).unwrap();
    }
    let mut config = Config::new(vec![tpl.clone()]);
    let sources = crate::base::SourceMap::new();
    config.rules.add_dir(&rules, &sources).unwrap();
    let out = run(&config);
    (dir, out)
}

#[test]
fn fires_on_proven_facts_merges_same_place_and_keeps_unknowns_out() {
    let (_d, out) = setup(TEMPLATE, "template.yaml");
    let t001: Vec<&Diagnostic> = out.findings.iter().filter(|f| f.code == "T001").collect();
    // Two services, one subnet list each, but the same task: two places, two findings.
    assert_eq!(t001.len(), 2, "{:#?}", out.findings);
    let f = t001[0];
    assert_eq!(f.severity, Severity::Error, "CloudFormation severity");
    assert!(
        f.message
            .starts_with("no `ecr.dkr` endpoint for the ECR image"),
        "{}",
        f.message
    );
    assert!(
        f.message.ends_with("(kept: ${not.a.fact}, {})"),
        "{}",
        f.message
    );
    assert!(
        f.label.starts_with("private subnets of Service"),
        "{}",
        f.label
    );
    assert_eq!(f.related.len(), 1, "{:?}", f.related);
    assert_eq!(f.related[0].1, "needs ecr.dkr");
    assert_eq!(
        f.fix.as_ref().and_then(Fix::shown_code).as_deref(),
        Some("Endpoint: {}"),
        "YAML file, YAML fix"
    );
    // The execution role comes from a parameter: its permissions are unknown, never a finding.
    assert!(out.findings.iter().all(|f| f.code != "T002"));
    assert!(
        out.unverified
            .iter()
            .any(|u| u.rule == "T002" && u.task == "Task"),
        "{:#?}",
        out.unverified
    );
}

#[test]
fn json_templates_get_the_json_fix() {
    let yaml = crate::syntax::yaml::parse(crate::base::FileId(0), TEMPLATE).unwrap();
    let json = serde_json::to_string_pretty(&yaml.value.to_json()).unwrap();
    // `!Ref`/`!Sub` become their long forms in the JSON rendering.
    let (_d, out) = setup(&json, "template.json");
    let f = out.findings.iter().find(|f| f.code == "T001").unwrap();
    assert_eq!(
        f.fix.as_ref().and_then(Fix::shown_code).as_deref(),
        Some(r#"{"Endpoint": {}}"#)
    );
}

#[test]
fn rule_mistakes_are_reported_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("X1-bad.yaml"),
        "id: X1\nname: bad\ntitle: t\nseverity: fatal\nsubject: site\nchecks:\n  - when: [site.private_onyl]\n    require: endpoint.present\n    mesage: m\nmessage: '{site.adress}'\ndeploy_error: e\nhelp: h\ndocs: d\nsources: []\n",
    )
    .unwrap();
    let sources = crate::base::SourceMap::new();
    let mut set = RuleSet::default();
    let errors = set.add_dir(dir.path(), &sources).unwrap_err();
    let msgs: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
    let has = |s: &str| msgs.iter().any(|m| m.contains(s));
    assert!(has("severity must be"), "{msgs:?}");
    assert!(
        has("no fact `site.private_onyl` (did you mean `site.private_only`?)"),
        "{msgs:?}"
    );
    assert!(
        has("subject `site` has no fact `endpoint.present`"),
        "{msgs:?}"
    );
    assert!(
        has("unknown key `mesage` in a check (did you mean `message`?)"),
        "{msgs:?}"
    );
    assert!(
        has("in a template: subject `site` has no fact `site.adress`"),
        "{msgs:?}"
    );
    assert!(errors.iter().all(|d| d.span.is_some()));
    // A second rule with a taken id is refused.
    let mut set = RuleSet::builtin().unwrap();
    let dup = tempfile::tempdir().unwrap();
    for (name, text) in RULES {
        std::fs::write(dup.path().join(name), text).unwrap();
    }
    set.add_dir(dup.path(), &sources).unwrap();
    assert!(set.add_dir(dup.path(), &sources).is_err());
    let _ = Path::new("");
}

/// Network checks are about the task ENI, which only Fargate tasks pull through: every built-in
/// check on a run site must require `site.fargate` (so that a site whose launch type is not
/// known never fires), but for the apply-time checks listed here.
#[test]
fn builtin_network_checks_require_fargate() {
    use super::subjects::Subject;
    const APPLY_TIME: &[(&str, usize)] = &[
        ("FGP027", 0), // the endpoint cannot be created: any launch type
        ("FGP027", 1),
        ("FGP028", 0), // an interface-only service declared Gateway
    ];
    let set = RuleSet::builtin().unwrap();
    let mut missing = Vec::new();
    for r in &set.rules {
        for (i, c) in r.checks.iter().enumerate() {
            let site = matches!(
                c.subject,
                Subject::Site | Subject::EndpointNeed | Subject::SiteEndpoint
            );
            let fargate = c.when.iter().any(|w| w.fact == "site.fargate");
            if site && !fargate && !APPLY_TIME.contains(&(r.id.as_str(), i)) {
                missing.push(format!("{} check {i}", r.id));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:?}");
}

/// A setting that is not known never reads as "not used".
#[test]
fn a_log_driver_from_a_variable_is_not_known_false() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
variable "driver" {
  type = string
}
resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([{
    name             = "app"
    image            = "nginx:1.27"
    logConfiguration = { logDriver = var.driver }
  }])
}
"#,
    )
    .unwrap();
    let out = run(&Config::new(vec![dir.path().to_path_buf()]));
    let instances: Vec<_> = out.graphs.iter().flat_map(super::facts).collect();
    let task = instances
        .iter()
        .find(|i| i.subject == super::subjects::Subject::Task)
        .unwrap();
    let p = task.get("task.awslogs").unwrap();
    assert!(matches!(p.value, super::value::Known::Unknown(_)), "{p:?}");
    assert_eq!(
        task.get("task.ecr_image").unwrap().value,
        super::value::Known::Bool(false)
    );
}

#[test]
fn fix_values_name_what_is_known_and_mark_what_is_not() {
    use super::value::{render_code, CodeLang, Known};
    // The role is a stack parameter: not known, a marked placeholder; the VPC, subnet and route
    // table are resources of the template: their own names, in each language.
    let (_d, out) = setup(TEMPLATE, "template.yaml");
    let insts = facts(&out.graphs[0]);
    let site = insts
        .iter()
        .find(|i| i.subject == Subject::Site)
        .expect("a site");
    let show = |name: &str, lang: CodeLang| match &site.get(name).unwrap().value {
        Known::Code(items, list) => render_code(items, *list, lang, &|_| None),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(
        show("fix.role", CodeLang::Yaml),
        "<your execution role ARN>"
    );
    assert_eq!(show("fix.role", CodeLang::Hcl), "<your execution role ARN>");
    assert_eq!(show("fix.vpc", CodeLang::Yaml), "!Ref Vpc");
    assert_eq!(show("fix.vpc", CodeLang::Json), r#"{ "Ref": "Vpc" }"#);
    assert_eq!(show("fix.subnets", CodeLang::Yaml), "[!Ref Subnet]");
    assert_eq!(
        show("fix.route_tables", CodeLang::Yaml),
        "[!Ref RouteTable]"
    );
    assert_eq!(show("fix.region", CodeLang::Yaml), "${AWS::Region}");
    // No security groups written: the VPC default group, not managed here.
    assert_eq!(
        show("fix.security_groups", CodeLang::Yaml),
        "[<the task security group ids>]"
    );
    assert_eq!(
        show("fix.security_group", CodeLang::Json),
        "<a security group id>"
    );
    // Nothing known at all: each language gets the same marked placeholder.
    let none = [super::value::Code::Placeholder("your VPC id")];
    for lang in [CodeLang::Hcl, CodeLang::Yaml, CodeLang::Json] {
        assert_eq!(render_code(&none, false, lang, &|_| None), "<your VPC id>");
    }
    // A Region written as an expression is used as written; a literal as the literal.
    let region = |literal: Option<&str>, text: &str| {
        let span = crate::base::Span::new(crate::base::FileId(0), 0..1);
        let code = [super::value::Code::Region {
            literal: literal.map(str::to_string),
            span: Some(span),
        }];
        let text = text.to_string();
        render_code(&code, false, CodeLang::Hcl, &move |_| Some(text.clone()))
    };
    assert_eq!(region(None, "var.region"), "${var.region}");
    assert_eq!(
        region(None, "data.aws_region.current.name"),
        "${data.aws_region.current.name}"
    );
    assert_eq!(region(Some("eu-west-1"), "\"eu-west-1\""), "eu-west-1");
    assert_eq!(region(None, "\"x\" # a comment\n"), "<your Region>");
}
