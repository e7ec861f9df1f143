//! The built-in rules over the shared corpus of real configurations (`../shared/corpus`, see its
//! INDEX.md): the examples INDEX.md marks PULL-OK give no error or warning; every error or
//! warning the corpus gives is in a reviewed list, with its verdict; and the failure INDEX.md
//! predicts for the dual-stack pattern (§3 item 10: a non-ECR image breaks it) is found.
//! Skipped, with a message, when the corpus is absent.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pullpath::base::Severity;
use pullpath::pipeline::{run, Config, Output};
use pullpath::rules::RuleSet;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

fn check(path: &Path, params: &[(&str, &str)]) -> Output {
    let mut config = Config::new(vec![path.to_path_buf()]);
    config.rules = RuleSet::builtin().unwrap();
    config.options.params = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    run(&config)
}

fn whole() -> Option<&'static (PathBuf, Output)> {
    static OUT: OnceLock<Option<(PathBuf, Output)>> = OnceLock::new();
    OUT.get_or_init(|| {
        let c = corpus()?;
        let out = check(&c, &[]);
        Some((c, out))
    })
    .as_ref()
}

/// `(rule, file relative to the corpus)` of every error or warning.
fn serious(root: &Path, out: &Output) -> Vec<(String, String, Severity, String)> {
    out.findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| {
            let p = f.span.map(|s| out.sources.path(s.file)).unwrap_or_default();
            let rel = p
                .strip_prefix(root)
                .map(|r| r.display().to_string())
                .unwrap_or_else(|_| p.display().to_string());
            (f.code.to_string(), rel, f.severity, f.message.clone())
        })
        .collect()
}

/// The examples INDEX.md marks PULL-OK (path prefixes in the corpus).
const PULL_OK: &[&str] = &[
    "terraform-aws-modules__terraform-aws-ecs/examples/fargate/",
    "terraform-aws-modules__terraform-aws-ecs/examples/complete/",
    "terraform-aws-modules__terraform-aws-ecs/examples/ec2-autoscaling/",
    "terraform-aws-modules__terraform-aws-ecs/examples/express-service/",
    "aws-ia__ecs-blueprints/terraform/fargate-examples/vpc-endpoints/",
    "aws-ia__ecs-blueprints/terraform/fargate-examples/lb-service/",
    "aws-samples__container-patterns/pattern/ecs-cluster-isolated-vpc-no-nat-gateway/",
    "aws-samples__container-patterns/pattern/dual-stack-ipv6-networking-ecs-fargate/",
    "aws-samples__container-patterns/pattern/public-facing-api-ecs-fargate-cloudformation/",
    "aws-samples__container-patterns/pattern/service-discovery-fargate-microservice-cloud-map/",
    "aws-samples__container-patterns/pattern/public-facing-web-ecs-fargate-cloudformation/",
    "aws-samples__container-patterns/pattern/api-gateway-fargate-cloudformation/",
    "aws-samples__container-patterns/pattern/bun-js-aws-sdk-container/",
    "aws-samples__container-patterns/pattern/nginx-reverse-proxy-sidecar-ecs-fargate-task/",
    "aws-samples__container-patterns/pattern/sam-fargate/",
    "nathanpeck__aws-cloudformation-fargate/",
    "aws-cloudformation__aws-cloudformation-templates/ECS/FargateLaunchType/",
];

/// Every error or warning the built-in rules give on the corpus, reviewed one by one:
/// `(rule, file, verdict)`.
const REVIEWED: &[(&str, &str, &str)] = &[
    (
        "FGP001",
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_ECSTaskDefinitionRoleCheck/main.tf",
        "true: `execution_role_arn = \"aws_iam_role.execution.arn\"` is a quoted string, not a \
         reference; RegisterTaskDefinition rejects it (`Role is not valid`); INDEX.md §3 item 5",
    ),
    (
        "FGP050",
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_ECSContainerHostProcess/main.tf",
        "true: `privilege` (meant `privileged`) and `pidMode` (a task-definition parameter) inside \
         container definitions are dropped by the provider, so they have no effect",
    ),
    (
        "FGP050",
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_ECSContainerPrivilege/main.tf",
        "true: `privilege` (meant `privileged`) is dropped by the provider",
    ),
    (
        "FGP050",
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_ECSContainerReadOnlyRoot/main.tf",
        "true: `privilege` and `pidMode` in container definitions are dropped by the provider",
    ),
];

#[test]
fn pull_ok_examples_give_no_error_or_warning() {
    let Some((root, out)) = whole() else { return };
    let bad: Vec<_> = serious(root, out)
        .into_iter()
        .filter(|(_, file, _, _)| PULL_OK.iter().any(|p| file.starts_with(p)))
        .collect();
    assert!(bad.is_empty(), "findings on PULL-OK examples: {bad:#?}");
}

#[test]
fn every_error_or_warning_on_the_corpus_is_reviewed() {
    let Some((root, out)) = whole() else { return };
    let found = serious(root, out);
    let new: Vec<_> = found
        .iter()
        .filter(|(rule, file, _, _)| !REVIEWED.iter().any(|(r, f, _)| r == rule && f == file))
        .collect();
    let gone: Vec<_> = REVIEWED
        .iter()
        .filter(|(r, f, _)| {
            !found
                .iter()
                .any(|(rule, file, _, _)| rule == r && file == f)
        })
        .collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "not reviewed: {new:#?}\nreviewed but no longer found: {gone:#?}"
    );
}

#[test]
fn dual_stack_pattern_pulls_through_its_endpoints_and_breaks_without_ecr() {
    let Some(c) = corpus() else { return };
    let dir = c.join(
        "aws-samples__container-patterns/pattern/dual-stack-ipv6-networking-ecs-fargate/files",
    );
    // As shipped with an ECR image: the endpoints carry the pull (INDEX.md §3 item 10).
    let ok = check(
        &dir,
        &[(
            "ImageUri",
            "123456789012.dkr.ecr.us-east-2.amazonaws.com/app:1",
        )],
    );
    let serious_ok: Vec<_> = ok
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| (&f.code, &f.message))
        .collect();
    assert!(serious_ok.is_empty(), "{serious_ok:#?}");
    // A Docker Hub image has no path: no public IP, and endpoints cannot serve it.
    let broken = check(&dir, &[("ImageUri", "nginx:1.27")]);
    let f = broken
        .findings
        .iter()
        .find(|f| f.code == "FGP016")
        .unwrap_or_else(|| panic!("no FGP016: {:#?}", broken.findings));
    assert_eq!(f.severity, Severity::Error);
}
