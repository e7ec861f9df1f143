//! End to end: `testdata/equivalence/*` (one small private Fargate service written as HCL, a
//! plan, CloudFormation YAML and JSON) through the real frontends gives one graph.

use std::path::Path;

use super::Shape;
use crate::pipeline::{run, Config};

fn shape(file: &str) -> Shape {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/equivalence");
    let out = run(&Config::new(vec![dir.join(file)]));
    assert_eq!(out.graphs.len(), 1, "{file}: {:#?}", out.diagnostics);
    // The templates write the Region literally; a template's own Region is a symbol.
    out.graphs[0].shape_with_region(Some("eu-west-1"))
}

fn diff(a: &Shape, b: &Shape) -> (Vec<String>, Vec<String>) {
    let only = |x: &[String], y: &[String]| {
        x.iter()
            .filter(|l| !y.contains(l))
            .cloned()
            .collect::<Vec<_>>()
    };
    let mut left = only(&a.nodes, &b.nodes);
    left.extend(only(&a.edges, &b.edges));
    let mut right = only(&b.nodes, &a.nodes);
    right.extend(only(&b.edges, &a.edges));
    (left, right)
}

#[test]
fn the_four_inputs_give_the_same_graph() {
    let hcl = shape("main.tf");
    assert_eq!(hcl.nodes.len(), 15, "{:#?}", hcl.nodes);
    assert_eq!(
        diff(&shape("template.yaml"), &shape("template.json")),
        (vec![], vec![])
    );
    assert_eq!(diff(&hcl, &shape("plan.json")), (vec![], vec![]));
    // main.tf's endpoint security group has no `egress` block: Terraform removes AWS's default
    // allow-all egress; the templates omit `SecurityGroupEgress`: CloudFormation keeps it. Until
    // the fixtures agree, this is the one expected difference.
    let (only_tf, only_cfn) = diff(&hcl, &shape("template.yaml"));
    assert_eq!(only_tf.len(), 1, "{only_tf:#?}");
    assert_eq!(only_cfn.len(), 1, "{only_cfn:#?}");
    assert!(only_tf[0].starts_with("SecurityGroup {egress: [], ingress: [{"));
    assert!(only_cfn[0].starts_with("SecurityGroup {egress: [{\"cidr_ipv4\": \"0.0.0.0/0\""));
    // The shape is not trivially equal: the pull-path edges are there.
    for edge in [
        "PolicyAttachment.roles -> IamRole",
        "TaskDefinition.container_definitions.logConfiguration.options.awslogs-group -> LogGroup",
        "TaskDefinition.execution_role_arn -> IamRole",
        "Service.network_configuration.subnets -> Subnet",
    ] {
        assert!(
            hcl.edges.contains(&edge.to_string()),
            "{edge}: {:#?}",
            hcl.edges
        );
    }
}

#[test]
fn the_region_symbol_reads_as_a_region_only_when_given() {
    // The CDK template builds endpoint service names from `Ref AWS::Region`.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cdk/cdk.out");
    let out = run(&Config::new(vec![dir]));
    let g = &out.graphs[0];
    let given = g.shape_with_region(Some("eu-west-1"));
    let symbolic = g.shape();
    let ecr = |s: &Shape| {
        s.nodes
            .iter()
            .any(|n| n.contains("com.amazonaws.eu-west-1.ecr.dkr"))
    };
    assert!(ecr(&given), "{:#?}", given.nodes);
    assert!(!ecr(&symbolic), "{:#?}", symbolic.nodes);
}
