//! The whole shared corpus (about 4,000 real Terraform, plan and CloudFormation files) goes
//! through the pipeline: no panic, and every error names a file that really is invalid.
//! Skipped, with a message, when `../shared/corpus` is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pullpath::base::Severity;
use pullpath::pipeline::{run, Config, Output};

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

fn load(path: &Path) -> Output {
    run(&Config::new(vec![path.to_path_buf()]))
}

/// `path` read as in the git checkout of `repo`: the corpus copies have no `.git`, and outside a
/// repository reads stay inside the scanned path (a module in `../../modules` would be refused).
fn load_in_repo(path: &Path, repo: &Path) -> Output {
    let mut config = Config::new(vec![path.to_path_buf()]);
    config.options.scan_roots = pullpath::base::fs::boundary(&[repo.to_path_buf()], &[]);
    run(&config)
}

/// Files of the corpus that are invalid, each checked by hand (see INDEX.md and the reason given).
const KNOWN_INVALID: &[(&str, &str)] = &[
    (
        "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/core/config_invalid_json.json",
        "missing comma (cfn-lint's invalid-JSON fixture)",
    ),
    (
        "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/core/config_invalid_yaml.yaml",
        "broken block mapping (cfn-lint's invalid-YAML fixture)",
    ),
    (
        "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/json_parse.json",
        "missing colon (cfn-lint's JSON parse fixture)",
    ),
    (
        "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/template.yaml",
        "broken block mapping (cfn-lint's bad template)",
    ),
    (
        "bridgecrewio__checkov/tests/cloudformation/checks/resource/aws/unused/ec2_instance_with_ebs_volume.yaml",
        "tab character outside a string, rejected by YAML 1.1 parsers",
    ),
    (
        "bridgecrewio__checkov/tests/cloudformation/parser/success_triple_quotes_string.json",
        "Python triple-quoted string, not JSON",
    ),
    (
        "bridgecrewio__checkov/tests/cloudformation/runner/resources/invalid.json",
        "unterminated object",
    ),
    (
        "hashicorp__terraform-json/testdata/invalid/plan.json",
        "two JSON values in one file (terraform-json's invalid-plan fixture)",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/data/aws/example_AdminPolicyDocument/main.tf",
        "a `principals {}` block inside an object constructor",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/data/aws/example_StarActionPolicyDocument/main.tf",
        "a `principals {}` block inside an object constructor",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/resource/alicloud/example_RDSInstanceSSL/main.tf",
        "attribute `instance_storage` defined twice in one block",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/resource/oci/example_SecurityListUnrestrictedIngress22/main.tf",
        "quoted argument name `\"type\" = 3` in a block",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/graph/checks/resources/S3BucketVersioning/main.tf",
        "`status = \"Enabled\"}`: no newline after an argument of a multi-line block",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/graph/resources/variable_rendering/render_from_module_def_sg/main.tf",
        "invalid escape `\\/` in a string",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/graph/variable_rendering/test_resources/list_entry_module_var/module/main.tf",
        "attribute defined twice in one block",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/parser/resources/hcl_timeout/main.tf",
        "unterminated object and function call (checkov's parser-timeout fixture)",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/runner/resources/hcl_timeout/main.tf",
        "unterminated object and function call (checkov's parser-timeout fixture)",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/parser/resources/parser_scenarios/bad_tf_nested_modules_enable/skip_bad_tf_example.tf",
        "attribute defined twice in one block (checkov's bad-TF fixture)",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/parser/skip_bad_tf_example.tf",
        "attribute defined twice in one block (checkov's bad-TF fixture)",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/parser/resources/parser_scenarios/maze_of_variables/maze.tf",
        "`${...}` nested inside an interpolation",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/runner/resources/example/example.tf",
        "attribute defined twice in one block",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/runner/resources/example/invalid.tf",
        "checkov's invalid-TF fixture",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/runner/resources/invalid_terraform_syntax/",
        "checkov's invalid-syntax fixtures",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/runner/resources/unbalanced_eval_brackets/main.tf",
        "unbalanced brackets (checkov's fixture)",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_IAMCredentialsExposure/main.tf",
        "a policy heredoc with a trailing comma: not JSON, the provider's validation rejects it",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_IAMDataExfiltration/main.tf",
        "a policy heredoc with a trailing comma: not JSON, the provider's validation rejects it",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_IAMWriteAccess/main.tf",
        "a policy heredoc with a trailing comma: not JSON, the provider's validation rejects it",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_KMSKeyIsEnabled/main.tf",
        "a policy heredoc with a trailing comma: not JSON, the provider's validation rejects it",
    ),
    (
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_KMSKeyWildcardPrincipal/fail.tf",
        "a policy heredoc with a trailing comma: not JSON, the provider's validation rejects it",
    ),
];

/// Whole folders where one kind of error is expected: checkov's Terraform fixtures are test
/// cases per file, so a directory (one Terraform module) often declares the same resource or
/// provider twice, which Terraform rejects ("Duplicate resource configuration"). Sampled by hand:
/// `example_KMSRotation/main.tf` declares `aws_kms_key.unknown2` twice; `panos/resources/api_key`
/// has three unaliased `provider "panos"` blocks; `file_bom` declares `aws_s3_bucket.example` in
/// two files.
const EXPECTED_ERRORS: &[(&str, &str)] = &[(
    "bridgecrewio__checkov/tests/terraform/",
    "duplicate-declaration",
)];

/// Valid Terraform that hcl-edit 0.10 rejects with a parse error (a parser limitation). Keys
/// written twice in an object, the other limitation, are reported as `unsupported-syntax`
/// warnings instead (see `syntax::hcl`).
const KNOWN_PARSER_LIMITS: &[(&str, &str)] = &[(
    "bridgecrewio__checkov/tests/terraform/graph/resources/nested_modules_double_call/four/main.tf",
    "conditional continued on the next line inside `{ for ... }` (cloudposse null-label)",
)];

#[test]
fn whole_corpus_loads_and_only_invalid_files_have_errors() {
    let Some(root) = corpus() else { return };
    let out = load(&root);
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &out.diagnostics {
        assert_ne!(d.code, "internal-error", "{d:?}");
        if d.severity != Severity::Error {
            continue;
        }
        let file = d
            .span
            .map(|s| out.sources.path(s.file))
            .or_else(|| d.file.clone())
            .unwrap_or_default();
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        if EXPECTED_ERRORS
            .iter()
            .any(|(dir, code)| rel.starts_with(dir) && d.code == *code)
        {
            continue;
        }
        errors
            .entry(rel)
            .or_default()
            .push(format!("{}: {}", d.code, d.message));
    }
    let unexpected: Vec<_> = errors
        .iter()
        .filter(|(f, _)| {
            !KNOWN_INVALID
                .iter()
                .chain(KNOWN_PARSER_LIMITS)
                .any(|(k, _)| f.starts_with(k))
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "errors in files not known to be invalid:\n{unexpected:#?}"
    );
    // Valid files that write a key twice in an object (hcl-edit refuses them) are read as
    // Terraform reads them (the last wins), with a warning.
    let unsupported: Vec<String> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == "duplicate-key")
        .filter_map(|d| d.span.map(|s| out.sources.path(s.file)))
        .map(|p| p.strip_prefix(&root).unwrap_or(&p).display().to_string())
        .collect();
    for f in [
        "aws-ia__ecs-blueprints/terraform/ec2-examples/inference-triton/main.tf",
        "terraform-compliance__cli/tests/functional/test_issue-424/variables.tf",
    ] {
        assert!(unsupported.iter().any(|u| u == f), "{f}: {unsupported:?}");
    }
    let resources: usize = out.units.iter().map(|u| u.resources.len()).sum();
    eprintln!(
        "corpus: {} units, {} resources, {} files, {} diagnostics",
        out.units.len(),
        resources,
        out.sources.len(),
        out.diagnostics.len()
    );
}

fn addresses_of(out: &Output, rtype: &str) -> Vec<String> {
    out.units
        .iter()
        .flat_map(|u| &u.resources)
        .filter(|r| r.rtype == rtype)
        .map(|r| r.address.clone())
        .collect()
}

#[test]
fn expansion_is_visible_in_real_configurations() {
    let Some(root) = corpus() else { return };
    // for_each over a map in a local module (terraform-aws-vpc's vpc-endpoints module).
    let repo = root.join("terraform-aws-modules__terraform-aws-vpc");
    let out = load_in_repo(&repo.join("examples/complete"), &repo);
    let mut endpoints = addresses_of(&out, "aws_vpc_endpoint");
    endpoints.sort();
    assert_eq!(
        endpoints,
        ["dynamodb", "ecr_api", "ecr_dkr", "ecs", "rds", "s3"]
            .iter()
            .map(|k| format!("module.vpc_endpoints.aws_vpc_endpoint.this[\"{k}\"]"))
            .collect::<Vec<_>>()
    );
    // A plan's child-module instances.
    let out =
        load(&root.join("terraform-compliance__cli/tests/functional/test_issue-158/plan.out.json"));
    let nat = addresses_of(&out, "aws_nat_gateway");
    assert_eq!(
        nat,
        (0..3)
            .map(|i| format!("module.vpc.aws_nat_gateway.this[{i}]"))
            .collect::<Vec<_>>()
    );
    // Nested stacks (SAM applications) loaded into their parent.
    let out = load(&root.join(
        "aws-samples__container-patterns/pattern/ecs-cluster-isolated-vpc-no-nat-gateway/files/parent.yml",
    ));
    let endpoints = addresses_of(&out, "AWS::EC2::VPCEndpoint");
    assert_eq!(endpoints.len(), 10, "{endpoints:?}");
    assert!(endpoints.contains(&"VpcStack/EcrDkrEndpoint".to_string()));
}
