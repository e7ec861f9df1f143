use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::base::{Severity, Val, Value};
use crate::frontends::{Mode, Resource, Unit};

fn opts() -> Options {
    Options {
        max_file_size: 10 << 20,
        ..Options::default()
    }
}

fn load_text_with(name: &str, text: &str, o: &Options) -> Vec<Unit> {
    let sources = SourceMap::new();
    let id = sources.add(name, text);
    load(&[id], &sources, o)
}

fn one(text: &str) -> Unit {
    let mut units = load_text_with("t.yaml", text, &opts());
    assert_eq!(units.len(), 1, "expected one unit");
    units.pop().unwrap()
}

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

fn load_paths(paths: &[PathBuf], o: &Options) -> (Vec<Unit>, SourceMap) {
    let sources = SourceMap::new();
    let ids: Vec<FileId> = paths
        .iter()
        .map(|p| fs::load(&sources, p, 10 << 20).expect("fixture loads"))
        .collect();
    (load(&ids, &sources, o), sources)
}

fn res<'a>(u: &'a Unit, addr: &str) -> &'a Resource {
    u.resources
        .iter()
        .find(|r| r.address == addr)
        .unwrap_or_else(|| panic!("no resource {addr}"))
}

fn prop<'a>(u: &'a Unit, addr: &str, key: &str) -> &'a Value {
    res(u, addr)
        .attrs
        .get(key)
        .unwrap_or_else(|| panic!("{addr} has no {key}"))
}

fn json(v: &Value) -> serde_json::Value {
    v.to_json()
}

fn reason(v: &Value) -> String {
    match &v.kind {
        Val::Unknown(r) => r.to_string(),
        other => panic!("not unknown: {other:?}"),
    }
}

const INTRINSICS: &str = r#"
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: prod}
  NoDefault: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: 'subnet-a, subnet-b'}
  Ami: {Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: /aws/ami}
Mappings:
  RegionMap:
    eu-west-1: {Ami: ami-1, Name: eu}
    us-east-1: {Ami: ami-2, Name: us}
  Fixed:
    All: {Same: x}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [a, a]]
  Either: !Or [!Condition IsDev, !Equals [1, '1']]
  Unknowable: !Equals [!Ref NoDefault, x]
  InUsEast: !Equals [!Ref 'AWS::Region', us-east-1]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  Role:
    Type: AWS::IAM::Role
  Thing:
    Type: AWS::Test::Thing
    Properties:
      RefParam: !Ref Env
      RefNoValue: !Ref NoDefault
      RefRes: !Ref Vpc
      RefRegion: !Ref AWS::Region
      RefGone: !Ref AWS::NoValue
      RefList: !Ref Subnets
      RefSsm: !Ref Ami
      RefMissing: !Ref Nope
      AttShort: !GetAtt Role.Arn
      AttLong: {"Fn::GetAtt": [Role, Arn]}
      AttBad: !GetAtt Nope.Arn
      SubEndpoint: !Sub 'com.amazonaws.${AWS::Region}.ecr.dkr'
      SubKnown: !Sub '${Env}-app-${!Literal}'
      SubVars: !Sub ['${A}/${Role.Arn}', {A: !Ref Env}]
      JoinKnown: !Join ['-', [a, !Ref Env, 3]]
      JoinTpl: !Join ['', ['com.amazonaws.', !Ref 'AWS::Region', '.ecr.api']]
      JoinUnknown: !Join [',', !GetAZs '']
      Select: !Select [1, !Ref Subnets]
      SelectAz: !Select [0, !GetAZs '']
      Split: !Split [',', 'a,b,c']
      SplitTpl: !Split [',', !Join [',', [!Ref Vpc, 'x', !Sub 'p-${Role}']]]
      IfKnown: !If [IsProd, yes-prod, no]
      IfDev: !If [IsDev, dev, !Ref AWS::NoValue]
      IfUnknown: !If [Unknowable, a, !Ref AWS::NoValue]
      IfRegion: !If [InUsEast, use1, other]
      Conds: [!If [Both, t, f], !If [Either, t, f]]
      Find: !FindInMap [RegionMap, eu-west-1, Ami]
      FindRegion: !FindInMap [RegionMap, !Ref 'AWS::Region', Ami]
      FindDefault: !FindInMap [RegionMap, ap-south-1, Ami, {DefaultValue: ami-0}]
      FindSame: !FindInMap [Fixed, !Ref 'AWS::Region', Same]
      FindMissing: !FindInMap [RegionMap, ap-south-1, Ami]
      Azs: !GetAZs ''
      B64: !Base64 'hello'
      Cidr: !Cidr ['10.0.0.0/16', 2, 8]
      Import: !ImportValue {"Fn::Sub": '${Env}-VpcId'}
      Length: !Length [a, b, !Ref AWS::NoValue]
      Json: !ToJsonString {a: !Ref Env}
      List: [a, !Ref AWS::NoValue, b]
      Dynamic: '{{resolve:ssm:/app/image:3}}'
      DynamicPart: 'x-{{resolve:secretsmanager:db:SecretString:password}}-y'
      DynamicSub: !Sub '{{resolve:ssm:/${Env}/image}}'
      DynamicOpen: !Sub 'a{{resolve:ssm:${NoDefault}'
      Nested:
        Gone: !If [IsDev, x, !Ref AWS::NoValue]
        Kept: 1
  Conditional:
    Type: AWS::Test::Thing
    Condition: IsDev
  PropsIf:
    Type: AWS::Test::Thing
    Properties: !If [Unknowable, {A: 1, B: 2}, {A: 1, C: 3}]
  PropsNestedIf:
    Type: AWS::Test::Thing
    Properties: !If
      - Unknowable
      - {A: 1}
      - !If [InUsEast, {A: 2, B: x}, {A: 3, B: x}]
  MaybeConditional:
    Type: AWS::Test::Thing
    Condition: Unknowable
"#;

#[test]
fn ref_and_getatt() {
    let u = one(INTRINSICS);
    assert_eq!(prop(&u, "Thing", "RefParam").as_str(), Some("prod"));
    assert_eq!(
        reason(prop(&u, "Thing", "RefNoValue")),
        "parameter NoDefault has no value (give it with --param NoDefault=VALUE or a Default)"
    );
    assert_eq!(
        json(prop(&u, "Thing", "RefRes")),
        serde_json::json!({"$ref": "Vpc"})
    );
    assert_eq!(
        prop(&u, "Thing", "RefRegion").kind,
        Val::Symbol(Symbol::Region)
    );
    assert!(res(&u, "Thing").attrs.get("RefGone").is_none());
    assert_eq!(
        json(prop(&u, "Thing", "RefList")),
        serde_json::json!(["subnet-a", "subnet-b"])
    );
    assert!(reason(prop(&u, "Thing", "RefSsm")).contains("SSM parameter `/aws/ami`"));
    assert!(reason(prop(&u, "Thing", "RefMissing")).contains("`Nope`"));
    assert_eq!(
        json(prop(&u, "Thing", "AttShort")),
        serde_json::json!({"$ref": "Role.Arn"})
    );
    assert_eq!(
        json(prop(&u, "Thing", "AttLong")),
        serde_json::json!({"$ref": "Role.Arn"})
    );
    assert!(reason(prop(&u, "Thing", "AttBad")).contains("not a resource"));
}

#[test]
fn sub_and_join() {
    let u = one(INTRINSICS);
    let e = prop(&u, "Thing", "SubEndpoint");
    assert!(matches!(e.kind, Val::Template(_)));
    assert_eq!(e.render_pattern().unwrap(), "com.amazonaws.⟨?⟩.ecr.dkr");
    assert_eq!(
        json(e),
        serde_json::json!({"$template": ["com.amazonaws.", {"$symbol": "AWS::Region"}, ".ecr.dkr"]})
    );
    assert_eq!(
        prop(&u, "Thing", "SubKnown").as_str(),
        Some("prod-app-${Literal}")
    );
    assert_eq!(
        json(prop(&u, "Thing", "SubVars")),
        serde_json::json!({"$template": ["prod/", {"$ref": "Role.Arn"}]})
    );
    assert_eq!(prop(&u, "Thing", "JoinKnown").as_str(), Some("a-prod-3"));
    assert_eq!(
        prop(&u, "Thing", "JoinTpl").render_pattern().unwrap(),
        "com.amazonaws.⟨?⟩.ecr.api"
    );
    assert!(reason(prop(&u, "Thing", "JoinUnknown")).contains("Availability Zones"));
}

#[test]
fn select_split_if_conditions() {
    let u = one(INTRINSICS);
    assert_eq!(prop(&u, "Thing", "Select").as_str(), Some("subnet-b"));
    assert!(prop(&u, "Thing", "SelectAz").is_unknown());
    assert_eq!(
        json(prop(&u, "Thing", "Split")),
        serde_json::json!(["a", "b", "c"])
    );
    assert_eq!(prop(&u, "Thing", "IfKnown").as_str(), Some("yes-prod"));
    assert!(res(&u, "Thing").attrs.get("IfDev").is_none());
    assert_eq!(
        json(prop(&u, "Thing", "IfUnknown")),
        serde_json::json!({"$choice": ["a", null]})
    );
    assert_eq!(
        json(prop(&u, "Thing", "IfRegion")),
        serde_json::json!({"$choice": ["use1", "other"]})
    );
    assert_eq!(
        json(prop(&u, "Thing", "Conds")),
        serde_json::json!(["t", "t"])
    );
    assert_eq!(
        json(prop(&u, "Thing", "Nested")),
        serde_json::json!({"Kept": 1.0})
    );
    assert_eq!(
        json(prop(&u, "Thing", "List")),
        serde_json::json!(["a", "b"])
    );
    // resource conditions
    assert_eq!(res(&u, "Thing").exists, None);
    assert_eq!(
        res(&u, "Conditional")
            .exists
            .as_ref()
            .map(|v| v.kind.clone()),
        Some(Val::Bool(false))
    );
    let maybe = res(&u, "MaybeConditional").exists.as_ref().unwrap();
    assert!(
        reason(maybe).contains("condition Unknowable is not known"),
        "{}",
        reason(maybe)
    );
    assert!(reason(maybe).contains("NoDefault"));
}

#[test]
fn properties_under_an_unknown_condition() {
    let u = one(INTRINSICS);
    assert!(u.diagnostics.is_empty(), "{:?}", u.diagnostics);
    assert_eq!(prop(&u, "PropsIf", "A").as_f64(), Some(1.0));
    assert_eq!(
        json(prop(&u, "PropsIf", "B")),
        serde_json::json!({"$choice": [2.0, null]})
    );
    assert_eq!(
        json(prop(&u, "PropsIf", "C")),
        serde_json::json!({"$choice": [null, 3.0]})
    );
    // nested `Fn::If`s under unknown conditions: one flat choice per key
    assert_eq!(
        json(prop(&u, "PropsNestedIf", "A")),
        serde_json::json!({"$choice": [1.0, 2.0, 3.0]})
    );
    assert_eq!(
        json(prop(&u, "PropsNestedIf", "B")),
        serde_json::json!({"$choice": [null, "x"]})
    );
}

#[test]
fn mappings_and_other_functions() {
    let u = one(INTRINSICS);
    assert_eq!(prop(&u, "Thing", "Find").as_str(), Some("ami-1"));
    assert_eq!(
        json(prop(&u, "Thing", "FindRegion")),
        serde_json::json!({"$choice": ["ami-1", "ami-2"]})
    );
    assert_eq!(prop(&u, "Thing", "FindDefault").as_str(), Some("ami-0"));
    assert_eq!(prop(&u, "Thing", "FindSame").as_str(), Some("x"));
    assert!(reason(prop(&u, "Thing", "FindMissing")).contains("no entry"));
    assert!(prop(&u, "Thing", "Azs").is_unknown());
    assert_eq!(prop(&u, "Thing", "B64").as_str(), Some("aGVsbG8="));
    assert_eq!(
        json(prop(&u, "Thing", "Cidr")),
        serde_json::json!(["10.0.0.0/24", "10.0.1.0/24"])
    );
    assert!(reason(prop(&u, "Thing", "Import")).contains("export `prod-VpcId`"));
    assert_eq!(prop(&u, "Thing", "Length").as_f64(), Some(2.0));
    assert!(reason(prop(&u, "Thing", "Dynamic")).contains("SSM parameter `/app/image:3`"));
    assert_eq!(
        prop(&u, "Thing", "DynamicPart").render_pattern().unwrap(),
        "x-⟨?⟩-y"
    );
    assert!(reason(prop(&u, "Thing", "DynamicSub")).contains("`/prod/image`"));
    assert_eq!(
        prop(&u, "Thing", "DynamicOpen").render_pattern().unwrap(),
        "a{{resolve:ssm:⟨?⟩"
    );
    assert_eq!(
        json(prop(&u, "Thing", "Json")),
        serde_json::json!({"$json": {"a": "prod"}})
    );
}

#[test]
fn long_condition_chains_do_not_overflow() {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nConditions:\n");
    for i in 0..5000 {
        text.push_str(&format!("  C{i}: !Not [!Condition C{}]\n", i + 1));
    }
    text.push_str("  C5000: !Equals [a, a]\n  Loop: !Not [!Condition Loop]\n");
    text.push_str("Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Condition: C0\n  U:\n    Type: AWS::SNS::Topic\n    Condition: Loop\n");
    let u = one(&text);
    assert!(res(&u, "T").exists.as_ref().unwrap().is_unknown());
    assert!(reason(res(&u, "U").exists.as_ref().unwrap()).contains("refers to itself"));
}

#[test]
fn deep_json_properties_do_not_overflow() {
    let depth = 500;
    let text = format!(
        "{{\"Resources\": {{\"T\": {{\"Type\": \"AWS::SNS::Topic\", \"Properties\": {{\"A\": {}1{}}}}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let units = load_text_with("deep.json", &text, &opts());
    assert_eq!(units.len(), 1);
    let mut v = prop(&units[0], "T", "A");
    let mut levels = 0;
    while let Some(l) = v.as_list() {
        v = &l[0];
        levels += 1;
    }
    assert!(levels < depth, "evaluation stops before the bottom");
    assert!(reason(v).contains("nested too deeply"));
}

#[test]
fn spans_point_at_the_source() {
    let sources = SourceMap::new();
    let text = "Resources:\n  Ré:\n    Type: AWS::Test::X\n    Properties:\n      A: !Ref AWS::Region\n      B: !Sub 'x-${AWS::Region}'\n      C: plain\n";
    let id = sources.add("s.yaml", text);
    let u = load(&[id], &sources, &opts()).pop().unwrap();
    let r = &u.resources[0];
    assert_eq!(&text[r.span.range()], "Ré");
    assert_eq!(
        &text[r.attrs.get("A").unwrap().span.unwrap().range()],
        "!Ref AWS::Region"
    );
    assert_eq!(
        &text[r.attrs.get("B").unwrap().span.unwrap().range()],
        "!Sub 'x-${AWS::Region}'"
    );
    assert_eq!(
        &text[r.attrs.get("C").unwrap().span.unwrap().range()],
        "plain"
    );
    // the parts of a Fn::Sub point at their own characters
    let Val::Template(parts) = &r.attrs.get("B").unwrap().kind else {
        panic!("not a template")
    };
    assert_eq!(&text[parts[0].span.unwrap().range()], "x-");
    assert_eq!(&text[parts[1].span.unwrap().range()], "${AWS::Region}");
    assert_eq!(r.mode, Mode::Managed);
    assert_eq!(u.format, Some(Format::CloudFormation));
    assert_eq!(u.region.as_ref().unwrap().kind, Val::Symbol(Symbol::Region));
}

#[test]
fn only_templates_are_units() {
    let o = opts();
    let k8s = std::fs::read_to_string(testdata("cfn/not-a-template.yaml")).unwrap();
    assert!(load_text_with("k.yaml", &k8s, &o).is_empty());
    assert!(load_text_with("package.json", r#"{"name": "x", "version": "1"}"#, &o).is_empty());
    assert!(load_text_with("cdk.json", r#"{"app": "npx ts-node bin/app.ts"}"#, &o).is_empty());
    assert!(load_text_with("w.yml", "on: push\njobs:\n  a:\n    runs-on: x\n", &o).is_empty());
    assert!(load_text_with("garbage.json", "foo", &o).is_empty());
    // no AWSTemplateFormatVersion, but AWS resources
    let u = load_text_with(
        "r.yaml",
        "Resources:\n  T:\n    Type: AWS::SNS::Topic\n",
        &o,
    );
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].resources[0].attrs.len(), 0);
    // a broken template gives its parse error
    let (units, _) = load_paths(&[testdata("cfn/broken.yaml")], &o);
    assert_eq!(units.len(), 1);
    let d = &units[0].diagnostics[0];
    assert_eq!(d.code, "parse-error");
    assert!(d.message.contains("line 10"), "{}", d.message);
}

#[test]
fn parameters_from_files_and_command_line() {
    let tpl = testdata("cfn/params/template.yaml");
    let mut o = opts();
    o.params_files = vec![testdata("cfn/params/cli-list.json")];
    let (units, _) = load_paths(std::slice::from_ref(&tpl), &o);
    let u = &units[0];
    let image = &prop(u, "Task", "ContainerDefinitions").as_list().unwrap()[0];
    assert_eq!(
        image.get("Image").unwrap().as_str(),
        Some("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:2")
    );
    let subnets = prop(u, "Svc", "NetworkConfiguration")
        .get("AwsvpcConfiguration")
        .unwrap()
        .get("Subnets")
        .unwrap();
    assert_eq!(json(subnets), serde_json::json!(["subnet-1", "subnet-2"]));

    o.params_files = vec![testdata("cfn/params/cli-map.json")];
    o.params = vec![("Subnets".into(), "subnet-x,subnet-y".into())];
    let (units, _) = load_paths(std::slice::from_ref(&tpl), &o);
    let u = &units[0];
    let c = &prop(u, "Task", "ContainerDefinitions").as_list().unwrap()[0];
    assert_eq!(
        c.get("Image").unwrap().as_str(),
        Some("public.ecr.aws/nginx/nginx:1")
    );
    let subnets = prop(u, "Svc", "NetworkConfiguration")
        .get("AwsvpcConfiguration")
        .unwrap()
        .get("Subnets")
        .unwrap();
    assert_eq!(json(subnets), serde_json::json!(["subnet-x", "subnet-y"]));

    // without values
    let (units, _) = load_paths(&[tpl], &opts());
    let c = &prop(&units[0], "Task", "ContainerDefinitions")
        .as_list()
        .unwrap()[0];
    assert!(reason(c.get("Image").unwrap()).contains("parameter Image has no value"));

    // a bad parameters file is reported
    let mut o = opts();
    o.params_files = vec![testdata("cfn/not-a-template.yaml")];
    let (units, _) = load_paths(&[testdata("cfn/params/template.yaml")], &o);
    assert!(units[0].diagnostics.iter().any(|d| d.code == "params-file"));
}

#[test]
fn nested_stacks_load_into_the_parent() {
    let parent = testdata("cfn/nested/parent.yaml");
    let child = testdata("cfn/nested/infrastructure/network.yaml");
    let (units, _) = load_paths(&[parent, child], &opts());
    assert_eq!(units.len(), 1, "the child is not a unit of its own");
    let u = &units[0];
    let addrs: Vec<&str> = u.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addrs,
        vec![
            "Network",
            "Network/Vpc",
            "Network/SubnetA",
            "Network/SubnetB",
            "Service",
            "Service/Sg",
            "Service/Svc",
            "Missing"
        ]
    );
    assert_eq!(
        prop(u, "Network/Vpc", "CidrBlock").as_str(),
        Some("10.1.0.0/16")
    );
    let tags = prop(u, "Network/Vpc", "Tags");
    assert_eq!(
        tags.as_list().unwrap()[0].get("Value").unwrap().as_str(),
        Some("prod-vpc")
    );
    assert_eq!(
        prop(u, "Network/SubnetB", "CidrBlock").as_str(),
        Some("10.1.1.0/24")
    );
    assert_eq!(
        json(prop(u, "Network/SubnetA", "VpcId")),
        serde_json::json!({"$ref": "Network/Vpc"})
    );
    // outputs flow into the sibling stack's parameters
    assert_eq!(
        json(prop(u, "Service/Sg", "VpcId")),
        serde_json::json!({"$ref": "Network/Vpc"})
    );
    let subnets = prop(u, "Service/Svc", "NetworkConfiguration")
        .get("AwsvpcConfiguration")
        .unwrap()
        .get("Subnets")
        .unwrap();
    // a list parameter fed by a Fn::Join of references is split back into the references
    assert_eq!(
        json(subnets),
        serde_json::json!([{"$ref": "Network/SubnetA"}, {"$ref": "Network/SubnetB"}])
    );
    assert_eq!(
        json(
            prop(u, "Service/Svc", "NetworkConfiguration")
                .get("AwsvpcConfiguration")
                .unwrap()
                .get("SecurityGroups")
                .unwrap()
        ),
        serde_json::json!([{"$ref": "Service/Sg"}])
    );
    let infos: Vec<&str> = u
        .diagnostics
        .iter()
        .filter(|d| d.code == "nested-stack")
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        infos
            .iter()
            .any(|m| m.contains("service.yaml") && m.contains("read from the local file")),
        "{infos:?}"
    );
    assert!(
        infos
            .iter()
            .any(|m| m.contains("`Missing`") && m.contains("not a local file")),
        "{infos:?}"
    );
    assert!(
        u.diagnostics.iter().all(|d| d.severity != Severity::Error),
        "{:?}",
        u.diagnostics
    );
}

#[test]
fn nested_stacks_have_their_own_stack_name_and_id() {
    let (units, _) = load_paths(&[testdata("cfn/nested/pseudo-parent.yaml")], &opts());
    assert_eq!(units.len(), 1);
    let u = &units[0];
    // the root's own name stays the deploy-time symbol
    assert_eq!(
        json(prop(u, "RootGroup", "LogGroupName")),
        serde_json::json!({"$template": [{"$symbol": "AWS::StackName"}, "-logs"]})
    );
    // a nested stack's name is not the root's: the same `${AWS::StackName}-logs` is another name
    let name = prop(u, "Logs/Group", "LogGroupName");
    let Val::Template(parts) = &name.kind else {
        panic!("{:?}", json(name))
    };
    assert!(
        reason(&parts[0]).contains("nested stack `Logs`"),
        "{:?}",
        json(name)
    );
    assert_eq!(parts[1].as_str(), Some("-logs"));
    let tags = prop(u, "Logs/Group", "Tags").as_list().unwrap();
    let tag = |i: usize| json(tags[i].get("Value").unwrap());
    // the parent's name passed as a parameter is still the root's
    assert_eq!(tag(0), serde_json::json!({"$symbol": "AWS::StackName"}));
    // the nested stack's id is what `Ref` to its stack resource gives
    assert_eq!(tag(1), serde_json::json!({"$ref": "Logs"}));
    // the Region is the same for the whole unit
    assert_eq!(tag(2), serde_json::json!({"$symbol": "AWS::Region"}));
    // `--param` does not reach a nested stack: the reason says who should give the value
    let unset = tags[3].get("Value").unwrap();
    assert!(
        reason(unset).contains("nested stack `Logs`") && !reason(unset).contains("--param"),
        "{}",
        reason(unset)
    );
}

#[test]
fn list_parameters_chosen_by_a_condition_are_split_per_alternative() {
    let (units, _) = load_paths(&[testdata("cfn/nested/choice-parent.yaml")], &opts());
    let u = &units[0];
    let subnets = prop(u, "Service/Svc", "NetworkConfiguration")
        .get("AwsvpcConfiguration")
        .unwrap()
        .get("Subnets")
        .unwrap();
    assert_eq!(
        json(subnets),
        serde_json::json!({"$choice": [[{"$ref": "SubnetA"}], ["subnet-1", "subnet-2"]]})
    );
    // Fn::Select picks the item of each alternative
    let first = prop(u, "Service/Sg", "Tags").as_list().unwrap()[0]
        .get("Value")
        .unwrap();
    assert_eq!(
        json(first),
        serde_json::json!({"$choice": [{"$ref": "SubnetA"}, "subnet-1"]})
    );
}

#[test]
fn nested_stack_cycles_are_cut() {
    let (units, _) = load_paths(&[testdata("cfn/nested/loop-a.yaml")], &opts());
    assert_eq!(units.len(), 1);
    let addrs: Vec<&str> = units[0]
        .resources
        .iter()
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(addrs, vec!["B", "B/A", "B/Topic"]);
    assert!(units[0]
        .diagnostics
        .iter()
        .any(|d| d.code == "nested-stack-cycle"));
}

#[test]
fn equivalence_yaml_and_json_agree() {
    let (yaml_units, _) = load_paths(&[testdata("equivalence/template.yaml")], &opts());
    let (json_units, _) = load_paths(&[testdata("equivalence/template.json")], &opts());
    let (y, j) = (&yaml_units[0], &json_units[0]);
    assert!(y.diagnostics.is_empty(), "{:?}", y.diagnostics);
    assert!(j.diagnostics.is_empty(), "{:?}", j.diagnostics);
    let view = |u: &Unit| -> BTreeMap<String, (String, serde_json::Value)> {
        u.resources
            .iter()
            .map(|r| {
                let attrs = Value::new(Val::Map(r.attrs.clone()), None);
                (r.address.clone(), (r.rtype.clone(), attrs.to_json()))
            })
            .collect()
    };
    assert_eq!(view(y), view(j));
    assert_eq!(y.resources.len(), 14);
    let types: Vec<&str> = y.resources.iter().map(|r| r.rtype.as_str()).collect();
    for t in [
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::RouteTable",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::VPCEndpoint",
        "AWS::IAM::Role",
        "AWS::Logs::LogGroup",
        "AWS::ECS::Cluster",
        "AWS::ECS::TaskDefinition",
        "AWS::ECS::Service",
    ] {
        assert!(types.contains(&t), "{t}");
    }
    assert_eq!(
        json(prop(y, "TaskDefinition", "ExecutionRoleArn")),
        serde_json::json!({"$ref": "ExecutionRole.Arn"})
    );
    // Ref to a log group resolves to its name
    let c = &prop(y, "TaskDefinition", "ContainerDefinitions")
        .as_list()
        .unwrap()[0];
    let group = c
        .get("LogConfiguration")
        .unwrap()
        .get("Options")
        .unwrap()
        .get("awslogs-group")
        .unwrap();
    assert_eq!(group.as_str(), Some("/ecs/app"));
    assert_eq!(
        json(group),
        serde_json::json!({"$ref": "LogGroup", "value": "/ecs/app"})
    );
    assert_eq!(
        json(prop(y, "S3Endpoint", "RouteTableIds")),
        serde_json::json!([{"$ref": "PrivateRouteTable"}])
    );
}

/// Every template of the shared corpus loads without panicking; the known-invalid ones give a
/// parse error; the others load without one.
#[test]
fn corpus_templates_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !root.is_dir() {
        println!("skipped: {} is absent", root.display());
        return;
    }
    let known_invalid = [
        "bridgecrewio__checkov/tests/cloudformation/parser/success_triple_quotes_string.json",
        "bridgecrewio__checkov/tests/cloudformation/runner/resources/invalid.json",
        "bridgecrewio__checkov/tests/cloudformation/checks/resource/aws/unused/ec2_instance_with_ebs_volume.yaml",
        "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/template.yaml",
        "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/core/config_invalid_yaml.yaml",
        "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/json_parse.json",
        "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/core/config_invalid_json.json",
    ];
    let started = std::time::Instant::now();
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json" | "template")
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut templates, mut resources) = (0, 0);
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut unexpected = Vec::new();
    for p in &files {
        let rel = p
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let sources = SourceMap::new();
        let Ok(id) = fs::load(&sources, p, 4 << 20) else {
            continue;
        };
        // every file on its own, so that nested stacks are loaded from each parent
        let units = load(&[id], &sources, &opts());
        let expected_error = known_invalid.contains(&rel.as_str());
        if expected_error {
            assert!(
                units
                    .iter()
                    .any(|u| u.diagnostics.iter().any(|d| d.code == "parse-error")),
                "{rel} should give a parse error"
            );
        }
        for u in &units {
            templates += 1;
            resources += u.resources.len();
            for d in &u.diagnostics {
                *codes.entry(d.code.to_string()).or_default() += 1;
                if d.code == "parse-error" && !expected_error {
                    unexpected.push(format!("{rel}: {}", d.message));
                }
            }
        }
    }
    println!(
        "corpus: {} files, {templates} templates, {resources} resources, diagnostics {codes:?}, {:?}",
        files.len(),
        started.elapsed()
    );
    assert!(templates > 500, "{templates}");
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}

fn corpus(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(rel);
    if p.is_file() {
        Some(p)
    } else {
        println!("skipped: {} is absent", p.display());
        None
    }
}

#[test]
fn corpus_container_patterns_nested_stacks() {
    let Some(p) = corpus(
        "aws-samples__container-patterns/pattern/ecs-cluster-isolated-vpc-no-nat-gateway/files/parent.yml",
    ) else {
        return;
    };
    let (units, _) = load_paths(&[p], &opts());
    let u = &units[0];
    let stacks: Vec<&str> = u
        .resources
        .iter()
        .filter(|r| r.rtype == "AWS::Serverless::Application")
        .map(|r| r.address.as_str())
        .collect();
    assert!(!stacks.is_empty());
    for s in &stacks {
        assert!(
            u.resources
                .iter()
                .any(|r| r.address.starts_with(&format!("{s}/"))),
            "nested stack {s} not loaded: {:?}",
            u.diagnostics
        );
    }
    assert!(u
        .resources
        .iter()
        .any(|r| r.rtype == "AWS::EC2::VPCEndpoint"));
}

#[test]
fn corpus_refarch_maps_s3_urls() {
    let Some(p) = corpus("aws-samples__ecs-refarch-cloudformation/master.yaml") else {
        return;
    };
    let (units, _) = load_paths(&[p], &opts());
    let u = &units[0];
    let mapped = u
        .diagnostics
        .iter()
        .filter(|d| d.code == "nested-stack" && d.message.contains("read from the local file"))
        .count();
    let stacks = u
        .resources
        .iter()
        .filter(|r| r.rtype == "AWS::CloudFormation::Stack")
        .count();
    assert!(stacks >= 5);
    assert_eq!(mapped, stacks, "{:#?}", u.diagnostics);
    assert!(u.resources.iter().any(|r| r.address.starts_with("VPC/")));
    assert!(u.resources.iter().any(|r| r.rtype == "AWS::ECS::Service"));
}

/// Mutated templates (bytes deleted, duplicated, replaced by YAML punctuation) never panic.
#[test]
fn mutated_templates_do_not_panic() {
    let seeds = [
        INTRINSICS.to_string(),
        std::fs::read_to_string(testdata("equivalence/template.yaml")).unwrap(),
        std::fs::read_to_string(testdata("equivalence/template.json")).unwrap(),
        std::fs::read_to_string(testdata("cfn/nested/parent.yaml")).unwrap(),
    ];
    let iterations: u64 = std::env::var("CFN_FUZZ")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let punct = [
        "!", "&a ", "*a", "[", "]", "{", "}", ":", "- ", "\t", "\n", "'", "\"", "${", "!Ref ",
        "!If [", "é", "---\n", "<<: ",
    ];
    for (k, seed) in seeds.iter().enumerate() {
        let name = if k == 2 { "m.json" } else { "m.yaml" };
        for _ in 0..iterations {
            let mut text = seed.clone();
            for _ in 0..(1 + next() % 4) {
                let mut at = (next() as usize) % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match next() % 3 {
                    0 => {
                        let mut end = (at + (next() as usize) % 20).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        text.replace_range(at..end, "");
                    }
                    1 => text.insert_str(at, punct[(next() as usize) % punct.len()]),
                    _ => {
                        let mut end = (at + (next() as usize) % 40).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        let piece = text[at..end].to_string();
                        text.insert_str(at, &piece);
                    }
                }
            }
            let units = load_text_with(name, &text, &opts());
            for u in &units {
                for r in &u.resources {
                    assert!(text.get(r.span.range()).is_some(), "{r:?}");
                    check_spans(&Value::new(Val::Map(r.attrs.clone()), None), &text);
                }
                for d in &u.diagnostics {
                    if let Some(sp) = d.span {
                        assert!(sp.end as usize <= text.len() && sp.start <= sp.end, "{d:?}");
                        assert!(text.is_char_boundary(sp.start as usize), "{d:?}");
                    }
                }
            }
        }
    }
}

fn check_spans(v: &Value, text: &str) {
    if let Some(sp) = v.span {
        assert!(text.get(sp.range()).is_some(), "bad span {sp:?}");
    }
    match &v.kind {
        Val::List(l) | Val::Template(l) | Val::Choice(l) => {
            l.iter().for_each(|i| check_spans(i, text))
        }
        Val::Map(m) => m.entries.iter().for_each(|e| {
            if let Some(sp) = e.key_span {
                assert!(text.get(sp.range()).is_some(), "bad key span {sp:?}");
            }
            check_spans(&e.value, text)
        }),
        Val::Encoded(i) => check_spans(i, text),
        Val::Ref(r) => {
            if let Some(i) = &r.resolved {
                check_spans(i, text)
            }
        }
        _ => {}
    }
}

#[test]
fn import_value_joins_the_one_exporting_template_of_the_scan() {
    let exporter = "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: prod}
Resources:
  VPC: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.1.0/24, Tags: [{Key: stack, Value: !Ref 'AWS::StackName'}]}
Outputs:
  Vpc: {Value: !Ref VPC, Export: {Name: !Sub '${Env}:VpcId'}}
  Subnet: {Value: !Ref Subnet, Export: {Name: !Sub '${AWS::StackName}-Subnet'}}
";
    let importer = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  SG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: x
      VpcId: !ImportValue prod:VpcId
      Tags:
        - {Key: subnet, Value: !ImportValue network-Subnet}
        - {Key: other, Value: !ImportValue staging:VpcId}
";
    let sources = SourceMap::new();
    let a = sources.add("net/network.yaml", exporter);
    let b = sources.add("svc/service.yaml", importer);
    let units = load(&[a, b], &sources, &opts());
    assert_eq!(units.len(), 2, "the exporter stays a unit of its own");
    let u = units
        .iter()
        .find(|u| u.name.ends_with("service.yaml"))
        .unwrap();
    let vpc = prop(u, "SG", "VpcId");
    let Val::Ref(r) = &vpc.kind else {
        panic!("{vpc:?}")
    };
    assert_eq!(r.target, "network.yaml/VPC");
    // The exporting template's resources are in the importing unit; its VPC is shared (other
    // stacks may attach to it), so it is read like a data source.
    assert_eq!(res(u, "network.yaml/VPC").mode, Mode::Data);
    assert_eq!(res(u, "network.yaml/Subnet").mode, Mode::Managed);
    // The stack name of the exporting stack is not known.
    let tags = prop(u, "network.yaml/Subnet", "Tags").as_list().unwrap();
    assert!(tags[0].get("Value").unwrap().is_unknown());
    let tags = prop(u, "SG", "Tags").as_list().unwrap();
    let Val::Ref(r) = &tags[0].get("Value").unwrap().kind else {
        panic!("`${{AWS::StackName}}-Subnet` is the only export that can be `network-Subnet`")
    };
    assert_eq!(r.target, "network.yaml/Subnet");
    // `staging:VpcId` is no export of the scan.
    assert!(tags[1].get("Value").unwrap().is_unknown());
}

#[test]
fn import_value_with_two_candidate_exports_stays_unknown() {
    let exporter = |cidr: &str| {
        format!(
            "Resources:
  VPC: {{Type: AWS::EC2::VPC, Properties: {{CidrBlock: {cidr}}}}}
Outputs:
  Vpc: {{Value: !Ref VPC, Export: {{Name: !Sub '${{AWS::StackName}}:VpcId'}}}}
"
        )
    };
    let importer = "Resources:
  SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x, VpcId: !ImportValue prod:VpcId}}
";
    let sources = SourceMap::new();
    let a = sources.add("a.yaml", exporter("10.0.0.0/16"));
    let b = sources.add("b.yaml", exporter("10.1.0.0/16"));
    let c = sources.add("c.yaml", importer);
    let units = load(&[a, b, c], &sources, &opts());
    let u = units.iter().find(|u| u.name == "c.yaml").unwrap();
    let v = prop(u, "SG", "VpcId");
    assert!(v.is_unknown(), "{v:?}");
    assert_eq!(u.resources.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Evaluation budgets (issue 9, item 4)

fn budget_messages(u: &Unit) -> Vec<&str> {
    u.diagnostics
        .iter()
        .filter(|d| d.code == crate::frontends::budget::CODE)
        .map(|d| d.message.as_str())
        .collect()
}

/// A template whose `P` defaults to 10 KiB and whose topic name is `body` (YAML).
fn big_param_template(body: &str) -> String {
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P:\n    Type: String\n    Default: \"{}\"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: {body}\n      Other: known\n",
        "x".repeat(10 * 1024)
    )
}

#[test]
fn sub_and_join_stop_at_the_value_size_while_building() {
    let o = Options {
        limits: crate::frontends::budget::Limits {
            max_value_size: 1 << 20,
            ..Default::default()
        },
        ..opts()
    };
    // 1,000 times 10 KiB: 10 MiB, over 1 MiB.
    let sub = big_param_template(&format!("!Sub \"{}\"", "${P}".repeat(1000)));
    let join = big_param_template(&format!(
        "!Join [\"\", [{}]]",
        vec!["!Ref P"; 1000].join(", ")
    ));
    for (what, text) in [("Fn::Sub", sub), ("a list or map", join)] {
        let u = load_text_with("t.yaml", &text, &o).pop().unwrap();
        let name = prop(&u, "Topic", "TopicName");
        assert!(reason(name).contains("--max-value-size"), "{name:?}");
        assert_eq!(prop(&u, "Topic", "Other").as_str(), Some("known"));
        let msgs = budget_messages(&u);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains(what), "{msgs:?}");
    }
}

#[test]
fn find_in_map_with_an_unknown_key_over_a_large_mapping_is_linear() {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P:\n    Type: String\nMappings:\n  M:\n");
    for i in 0..20_000 {
        text.push_str(&format!("    K{i}:\n      V: v{}\n", i % 3));
    }
    text.push_str("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !FindInMap [M, !Ref P, V]\n");
    let start = std::time::Instant::now();
    let u = one(&text);
    // Quadratic, this took seconds in release and minutes in a debug build.
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    let Val::Choice(alts) = &prop(&u, "Topic", "TopicName").kind else {
        panic!("not a choice")
    };
    assert_eq!(alts.len(), 3);
}

#[test]
fn nested_stacks_that_fan_out_stop_at_the_steps_budget_and_stay_unread() {
    let tmp = tempfile::tempdir().unwrap();
    // Eight levels of eight stacks each: 8^7 stacks if nothing stopped it.
    for level in 0..8 {
        let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
        if level < 7 {
            for k in 0..8 {
                text.push_str(&format!(
                    "  S{k}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./l{}.yaml\n",
                    level + 1
                ));
            }
        } else {
            text.push_str("  Topic:\n    Type: AWS::SNS::Topic\n");
        }
        std::fs::write(tmp.path().join(format!("l{level}.yaml")), text).unwrap();
    }
    let o = Options {
        limits: crate::frontends::budget::Limits {
            max_steps: 1_000_000,
            ..Default::default()
        },
        ..opts()
    };
    let (units, _) = load_paths(&[tmp.path().join("l0.yaml")], &o);
    let u = &units[0];
    let stacks = u
        .resources
        .iter()
        .filter(|r| r.rtype == "AWS::CloudFormation::Stack")
        .count();
    // A nested stack counts 10,000 steps: about 100 are loaded.
    assert!(stacks < 1_000, "{stacks} stacks");
    let msgs = budget_messages(u);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("--max-eval-steps"), "{msgs:?}");
}

#[test]
fn a_resource_without_a_string_type_is_skipped_with_what_its_type_is() {
    let u = one(
        "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Bare:\n    Properties: {}\n  Module:\n    Type:\n      Rain::Module: ./m.yaml\n  Computed:\n    Type: !Ref AWS::Region\n",
    );
    let msgs: Vec<&str> = u
        .diagnostics
        .iter()
        .filter(|d| d.code == "cfn-invalid")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        msgs,
        [
            "resource `Bare` has no `Type`; it is skipped",
            "the `Type` of resource `Module` is not a string (`Rain::Module` is a preprocessor's, not CloudFormation's); the resource is skipped",
            "the `Type` of resource `Computed` is not a string (CloudFormation needs a literal type name, not `Ref`); the resource is skipped",
        ]
    );
    assert!(u.resources.is_empty());
}

#[test]
fn a_nested_stack_whose_condition_is_false_is_not_loaded_nor_noted() {
    let text = |default: &str| {
        format!(
            "AWSTemplateFormatVersion: 2010-09-09\nParameters:\n  Url:\n    Type: String\n    Default: \"{default}\"\nConditions:\n  Has: !Not [!Equals [!Ref Url, \"\"]]\nResources:\n  Addons:\n    Type: AWS::CloudFormation::Stack\n    Condition: Has\n    Properties:\n      TemplateURL: !Ref Url\n"
        )
    };
    let off = one(&text(""));
    let notes: Vec<&str> = (off.diagnostics.iter())
        .filter(|d| d.code == "nested-stack")
        .map(|d| d.message.as_str())
        .collect();
    assert!(notes.is_empty(), "{notes:?}");
    let on = one(&text("https://example.com/addons.yaml"));
    assert!(
        on.diagnostics.iter().any(|d| d.code == "nested-stack"),
        "{:?}",
        on.diagnostics
    );
}

#[test]
fn a_file_with_templating_markers_is_a_note_not_a_parse_error() {
    let go = one(
        "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  {{logicalIDSafe .Name}}Queue:\n    Type: AWS::SQS::Queue\n    Properties: {a: [}\n",
    );
    let codes: Vec<&str> = go.diagnostics.iter().map(|d| d.code.as_ref()).collect();
    assert_eq!(codes, ["templated-file"]);
    assert_eq!(go.diagnostics[0].severity, crate::base::Severity::Info);
    // CloudFormation's own `{{resolve:…}}` is no templating engine: a broken template with one
    // is still a parse error.
    let broken = one(
        "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: {MasterUserPassword: '{{resolve:secretsmanager:db}}', a: [}\n",
    );
    let codes: Vec<&str> = broken.diagnostics.iter().map(|d| d.code.as_ref()).collect();
    assert_eq!(codes, ["parse-error"]);
}
