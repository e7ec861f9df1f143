//! Fixtures under `testdata/task/`, and corpus files, through the real pipeline.

use std::path::{Path, PathBuf};

use super::*;
use crate::analysis::iam::Decision;
use crate::pipeline::{run, Config, Output, DEFAULT_MAX_FILE_SIZE};

fn load(paths: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
    let mut config = Config {
        paths: paths.clone(),
        ..Config::default()
    };
    config.options.max_file_size = DEFAULT_MAX_FILE_SIZE;
    // Nested stacks and `file()` read only inside the scan roots: a file's folder.
    config.options.scan_roots = paths
        .iter()
        .map(|p| match p.is_file() {
            true => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            false => p.clone(),
        })
        .collect();
    run(&config)
}

fn fixture(case: &str) -> Output {
    load(&[&format!("testdata/task/{case}")])
}

/// The corpus folder, or `None` (with a message) when it is absent.
fn corpus(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: corpus file {} is absent", p.display());
        None
    }
}

fn one_graph(out: &Output) -> &Graph {
    assert_eq!(
        out.graphs.len(),
        1,
        "expected one unit: {:?}",
        out.diagnostics
    );
    &out.graphs[0]
}

fn task<'a>(facts: &'a TaskFacts, address: &str) -> &'a TaskFact {
    facts.by_address(address).unwrap_or_else(|| {
        panic!(
            "no task definition {address}: {:?}",
            facts.tasks.iter().map(|t| &t.address).collect::<Vec<_>>()
        )
    })
}

/// `Allowed`, `Denied`, `NotAllowed`, `Unknown`, `?` (no role / not visible), or `-`.
fn verdict(t: &TaskFact, need: &Need, action: &str) -> &'static str {
    match t.permission(need, action).map(|p| &p.decision) {
        None => "-",
        Some(Fact::Known { value, .. }) => match value {
            Decision::Allowed { .. } => "Allowed",
            Decision::Denied { .. } => "Denied",
            Decision::NotAllowed { .. } => "NotAllowed",
            Decision::Unknown(_) => "Unknown",
        },
        Some(Fact::Unknown { .. }) => "?",
        Some(Fact::Absent) => "absent",
    }
}

fn dump(t: &TaskFact) -> String {
    t.permissions
        .iter()
        .map(|p| {
            format!(
                "{:?} {} {} => {}",
                p.need,
                p.action,
                p.resource.render_pattern().unwrap_or_default(),
                verdict(t, &p.need, p.action)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn managed_policy_allows_ecr_and_logs() {
    let out = fixture("tf_managed");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    // Fargate through the service's capacity provider strategy, pointing at the provider.
    assert_eq!(t.fargate.value(), Some(&true), "{:?}", t.fargate);
    assert_eq!(t.run_sites.len(), 1);
    assert_eq!(
        t.run_sites[0]
            .platform_version
            .value()
            .and_then(|v| v.as_str()),
        Some("1.4.0")
    );
    let Fact::Known { at: Some(at), .. } = &t.fargate else {
        panic!("no span")
    };
    let file = out.sources.get(at.file);
    assert_eq!(file.slice(*at), "\"FARGATE_SPOT\"");
    // Role, trust, policies.
    assert!(matches!(
        t.execution_role.target.value(),
        Some(RoleTarget::Node(_))
    ));
    assert!(matches!(
        t.execution_role.trust.value(),
        Some(TrustDecision::Trusted { .. })
    ));
    assert_eq!(t.execution_role.policies.len(), 1);
    assert!(t.execution_role.blind_spot().is_none());
    // Image.
    let Some(Image::Ecr(ecr)) = t.containers[0].image.value() else {
        panic!("{:?}", t.containers[0].image)
    };
    assert_eq!(ecr.account.as_str(), Some("123456789012"));
    assert_eq!(ecr.region.as_str(), Some("eu-west-1"));
    assert_eq!(ecr.repository.as_str(), Some("app"));
    // Permissions.
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "Allowed",
        "{d}"
    );
    for a in ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] {
        assert_eq!(
            verdict(t, &Need::EcrPull { container: 0 }, a),
            "Allowed",
            "{d}"
        );
    }
    for a in ["logs:CreateLogStream", "logs:PutLogEvents"] {
        assert_eq!(
            verdict(t, &Need::LogWrite { container: 0 }, a),
            "Allowed",
            "{d}"
        );
    }
    let p = t
        .permission(&Need::EcrPull { container: 0 }, "ecr:BatchGetImage")
        .unwrap();
    assert_eq!(
        p.resource.as_str(),
        Some("arn:aws:ecr:eu-west-1:123456789012:repository/app")
    );
    let l = t.containers[0].awslogs.as_ref().unwrap();
    assert_eq!(l.group.value().and_then(|v| v.as_str()), Some("/ecs/app"));
    assert!(l.group_node.is_some());
    // The account of the image is literal, the deployment account is not known.
    let why = explain(&facts, g);
    assert_eq!(why.len(), 1, "{why:?}");
    assert!(why[0].contains("another account"), "{why:?}");
    assert_eq!(t.cross_account.len(), 1);
    assert!(matches!(t.cross_account[0].cross, Fact::Unknown { .. }));
}

#[test]
fn inline_policy_without_authorization_token() {
    let out = fixture("tf_inline_no_auth");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "NotAllowed",
        "{d}"
    );
    assert_eq!(
        verdict(t, &Need::EcrPull { container: 0 }, "ecr:BatchGetImage"),
        "Allowed",
        "{d}"
    );
    // Digest-pinned image in a nested repository path.
    let Some(Image::Ecr(ecr)) = t.containers[0].image.value() else {
        panic!()
    };
    assert_eq!(ecr.repository.as_str(), Some("team/app"));
    assert_eq!(ecr.region.as_str(), Some("us-east-1"));
    // Trust names ecs.amazonaws.com, not ecs-tasks.
    assert!(matches!(
        t.execution_role.trust.value(),
        Some(TrustDecision::NotTrusted { .. })
    ));
}

#[test]
fn authorization_token_scoped_to_a_repository() {
    let out = fixture("tf_auth_scoped");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    let p = t
        .permission(&Need::EcrAuth, "ecr:GetAuthorizationToken")
        .unwrap();
    let Fact::Known {
        value: Decision::NotAllowed { near },
        ..
    } = &p.decision
    else {
        panic!("{:?}", p.decision)
    };
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].sid.as_deref(), Some("Scoped"));
    assert!(
        near[0].span.is_some(),
        "the statement is cited with its span"
    );
    assert_eq!(
        verdict(t, &Need::EcrPull { container: 0 }, "ecr:BatchGetImage"),
        "Allowed"
    );
}

#[test]
fn deny_overrides_the_managed_policy() {
    let out = fixture("cfn_deny");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "TaskDef");
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "Allowed",
        "{d}"
    );
    let p = t
        .permission(&Need::EcrPull { container: 0 }, "ecr:BatchGetImage")
        .unwrap();
    let Fact::Known {
        value: Decision::Denied { by },
        ..
    } = &p.decision
    else {
        panic!("{d}")
    };
    assert_eq!(by[0].sid.as_deref(), Some("NoPull"));
    assert_eq!(
        verdict(
            t,
            &Need::EcrPull { container: 0 },
            "ecr:GetDownloadUrlForLayer"
        ),
        "Allowed"
    );
    // `${AWS::AccountId}.dkr.ecr.${AWS::Region}...`: the deployment account.
    let Some(Image::Ecr(ecr)) = t.containers[0].image.value() else {
        panic!()
    };
    assert_eq!(ecr.account.kind, Val::Symbol(Symbol::AccountId));
    assert_eq!(ecr.region.kind, Val::Symbol(Symbol::Region));
    assert!(t.cross_account.is_empty());
}

#[test]
fn role_from_a_variable_without_value() {
    let out = fixture("tf_role_var");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    assert!(matches!(t.execution_role.target, Fact::Unknown { .. }));
    assert!(!t.permissions.is_empty());
    for p in &t.permissions {
        assert!(
            matches!(p.decision, Fact::Unknown { .. }),
            "{} must be unknown: {:?}",
            p.action,
            p.decision
        );
    }
    let why = explain(&facts, g);
    assert!(
        why.iter().any(|l| l.contains("execution_role_arn")),
        "{why:?}"
    );
    // A role read by a data source: found, but its policies are not visible.
    let t = task(&facts, "aws_ecs_task_definition.data_role");
    assert!(matches!(
        t.execution_role.target.value(),
        Some(RoleTarget::Node(_))
    ));
    assert!(t.execution_role.blind_spot().is_some());
    for p in &t.permissions {
        assert!(matches!(p.decision, Fact::Unknown { .. }), "{}", dump(t));
    }
    // An unknown tag does not hide the registry.
    assert_eq!(
        t.containers[0].image.value(),
        Some(&Image::External {
            registry: "docker.io".into()
        })
    );
    assert!(matches!(t.containers[1].image.value(), Some(Image::Ecr(_))));
}

#[test]
fn awslogs_create_group() {
    let out = fixture("tf_create_group");
    let g = one_graph(&out);
    let facts = analyse(g);
    let with = task(&facts, "aws_ecs_task_definition.with");
    let l = with.containers[0].awslogs.as_ref().unwrap();
    assert_eq!(l.create_group.value(), Some(&true));
    let d = dump(with);
    assert_eq!(
        verdict(
            with,
            &Need::LogCreateGroup { container: 0 },
            "logs:CreateLogGroup"
        ),
        "NotAllowed",
        "{d}"
    );
    assert_eq!(
        verdict(
            with,
            &Need::LogWrite { container: 0 },
            "logs:CreateLogStream"
        ),
        "Allowed",
        "{d}"
    );
    // Docker Hub image: no ECR permission is asked.
    assert_eq!(
        with.containers[0].image.value(),
        Some(&Image::External {
            registry: "docker.io".into()
        })
    );
    assert_eq!(
        verdict(with, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "-"
    );
    let fixed = task(&facts, "aws_ecs_task_definition.fixed");
    let d = dump(fixed);
    assert_eq!(
        fixed.execution_role.policies.len(),
        2,
        "{:?}",
        fixed.execution_role.policies
    );
    assert_eq!(
        verdict(
            fixed,
            &Need::LogCreateGroup { container: 0 },
            "logs:CreateLogGroup"
        ),
        "Allowed",
        "{d}"
    );
}

#[test]
fn secrets_with_and_without_permissions() {
    let out = fixture("tf_secrets");
    let g = one_graph(&out);
    let facts = analyse(g);
    let granted = task(&facts, "aws_ecs_task_definition.granted");
    let c = &granted.containers[0];
    assert_eq!(c.secrets.len(), 2);
    assert_eq!(
        c.secrets[0].store.value(),
        Some(&SecretStore::SecretsManager)
    );
    assert_eq!(c.secrets[1].store.value(), Some(&SecretStore::Ssm));
    assert!(matches!(
        c.secrets[0].kms.value(),
        Some(KmsKey::Customer { node: Some(_), .. })
    ));
    assert_eq!(c.secrets[1].kms.value(), Some(&KmsKey::AwsManaged));
    assert!(matches!(c.image.value(), Some(Image::EcrPublic { .. })));
    let d = dump(granted);
    let p0 = c.secrets[0].path.clone();
    let p1 = c.secrets[1].path.clone();
    let sec = |t, path: &str, a| {
        verdict(
            t,
            &Need::Secret {
                container: 0,
                path: path.to_string(),
            },
            a,
        )
    };
    assert_eq!(
        sec(granted, &p0, "secretsmanager:GetSecretValue"),
        "Allowed",
        "{d}"
    );
    assert_eq!(sec(granted, &p1, "ssm:GetParameters"), "Allowed", "{d}");
    let kms = Need::KmsDecrypt {
        container: 0,
        path: p0.clone(),
    };
    assert_eq!(verdict(granted, &kms, "kms:Decrypt"), "Allowed", "{d}");
    let bare = task(&facts, "aws_ecs_task_definition.bare");
    let d = dump(bare);
    assert_eq!(
        sec(bare, &p0, "secretsmanager:GetSecretValue"),
        "NotAllowed",
        "{d}"
    );
    assert_eq!(sec(bare, &p1, "ssm:GetParameters"), "NotAllowed", "{d}");
    assert_eq!(verdict(bare, &kms, "kms:Decrypt"), "NotAllowed", "{d}");
}

#[test]
fn repository_credentials_with_a_customer_key() {
    let out = fixture("cfn_repo_creds");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "TaskDef");
    let c = &t.containers[0];
    assert_eq!(
        c.image.value(),
        Some(&Image::External {
            registry: "docker.io".into()
        })
    );
    let rc = c.repository_credentials.as_ref().unwrap();
    assert_eq!(rc.usage, SecretUse::RegistryCredentials);
    assert_eq!(rc.store.value(), Some(&SecretStore::SecretsManager));
    let Some(KmsKey::Customer { node: Some(k), .. }) = rc.kms.value() else {
        panic!("{:?}", rc.kms)
    };
    assert_eq!(g.node(*k).address, "Key");
    let d = dump(t);
    let secret = Need::Secret {
        container: 0,
        path: rc.path.clone(),
    };
    assert_eq!(
        verdict(t, &secret, "secretsmanager:GetSecretValue"),
        "Allowed",
        "{d}"
    );
    let kms = Need::KmsDecrypt {
        container: 0,
        path: rc.path.clone(),
    };
    assert_eq!(verdict(t, &kms, "kms:Decrypt"), "NotAllowed", "{d}");
}

#[test]
fn ecr_image_from_a_repository_resource() {
    let out = fixture("tf_ecr_repo");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    let Some(Image::Ecr(ecr)) = t.containers[0].image.value() else {
        panic!("{:?}", t.containers[0].image)
    };
    let repo = ecr.repository_node.expect("repository node");
    assert_eq!(g.node(repo).address, "aws_ecr_repository.app");
    assert_eq!(ecr.account.kind, Val::Symbol(Symbol::AccountId));
    assert_eq!(ecr.repository.as_str(), Some("app"));
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "Allowed",
        "{d}"
    );
    assert_eq!(
        verdict(t, &Need::EcrPull { container: 0 }, "ecr:BatchGetImage"),
        "Allowed",
        "{d}"
    );
    assert!(t.cross_account.is_empty());
}

#[test]
fn unknown_keys_in_terraform() {
    let out = fixture("tf_keys");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    let keys = &t.containers[0].unknown_keys;
    let written: Vec<&str> = keys.iter().map(|k| k.written.as_str()).collect();
    // `IMAGE` is `image` to Terraform (case-insensitive decoding).
    assert_eq!(
        written,
        vec!["imagePullBehavior", "repositoryCredential", "option"],
        "{keys:?}"
    );
    assert!(keys[0].image_pull_behavior && keys[0].suggestion.is_none());
    assert_eq!(keys[1].suggestion, Some("repositoryCredentials"));
    assert_eq!(keys[2].suggestion, Some("options"));
    assert_eq!(
        keys[2].path,
        "container_definitions[0].logConfiguration.option"
    );
    // Spans point at the written keys.
    let sp = keys[0].span.expect("span");
    assert_eq!(out.sources.get(sp.file).slice(sp), "imagePullBehavior");
    let h = task(&facts, "aws_ecs_task_definition.heredoc");
    let keys = &h.containers[0].unknown_keys;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys[0].image_pull_behavior);
    assert_eq!(keys[1].suggestion, Some("secrets"));
    // A literal role ARN of no role here: external, policies not visible.
    assert!(matches!(
        t.execution_role.target.value(),
        Some(RoleTarget::External(_))
    ));
}

#[test]
fn unknown_keys_in_cloudformation() {
    let out = fixture("cfn_keys");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "TaskDef");
    let keys = &t.containers[0].unknown_keys;
    let written: Vec<&str> = keys.iter().map(|k| k.written.as_str()).collect();
    assert_eq!(written, vec!["image", "ImagePullBehavior"], "{keys:?}");
    assert_eq!(keys[0].suggestion, Some("image"));
    assert!(keys[1].image_pull_behavior);
    // Bare parameter name: SSM.
    assert_eq!(
        t.containers[0].secrets[0].store.value(),
        Some(&SecretStore::Ssm)
    );
    assert_eq!(t.execution_role.target, Fact::Absent);
}

#[test]
fn policy_document_data_source_and_cluster_default_strategy() {
    let out = fixture("tf_docdata");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    assert_eq!(t.fargate.value(), Some(&true), "{:?}", t.fargate);
    assert!(matches!(
        t.execution_role.trust.value(),
        Some(TrustDecision::Trusted { .. })
    ));
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "Allowed",
        "{d}"
    );
    assert_eq!(
        verdict(t, &Need::EcrPull { container: 0 }, "ecr:BatchGetImage"),
        "Allowed",
        "{d}"
    );
    assert_eq!(
        verdict(t, &Need::EcrPull { container: 1 }, "ecr:BatchGetImage"),
        "NotAllowed",
        "{d}"
    );
}

#[test]
fn checkov_literal_string_role_is_invalid() {
    let Some(p) = corpus(
        "bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_ECSTaskDefinitionRoleCheck/main.tf",
    ) else {
        return;
    };
    let out = load(&[p.to_str().unwrap_or_default()]);
    let g = one_graph(&out);
    let facts = analyse(g);
    for a in [
        "aws_ecs_task_definition.pass",
        "aws_ecs_task_definition.fail",
    ] {
        let t = task(&facts, a);
        let Some(RoleTarget::Invalid { reason, .. }) = t.execution_role.target.value() else {
            panic!("{a}: {:?}", t.execution_role.target)
        };
        assert!(reason.contains("Terraform reference"), "{reason}");
        assert_eq!(
            t.containers[0].image.value(),
            Some(&Image::External {
                registry: "docker.io".into()
            })
        );
        for p in &t.permissions {
            assert!(matches!(p.decision, Fact::Unknown { .. }), "{:?}", p);
        }
    }
}

/// ECR and logs permissions of every task: allowed or unknown, never refused.
fn assert_pull_ok(out: &Output) -> usize {
    let mut seen = 0;
    for g in &out.graphs {
        let facts = analyse(g);
        for t in &facts.tasks {
            seen += 1;
            for p in &t.permissions {
                let refused =
                    matches!(&p.decision, Fact::Known { value, .. } if value.is_refused());
                assert!(
                    !refused,
                    "{} in {}: {} refused\n{}",
                    t.address,
                    g.unit,
                    p.action,
                    dump(t)
                );
            }
        }
    }
    seen
}

#[test]
fn equivalence_is_pull_ok_in_every_format() {
    let out = load(&["testdata/equivalence"]);
    assert!(assert_pull_ok(&out) >= 3);
    for g in &out.graphs {
        let facts = analyse(g);
        for t in &facts.tasks {
            assert_eq!(t.fargate.value(), Some(&true));
            let d = dump(t);
            // The managed policy: decided, in every format.
            for (need, a) in [
                (Need::EcrAuth, "ecr:GetAuthorizationToken"),
                (Need::EcrPull { container: 0 }, "ecr:BatchGetImage"),
                (Need::LogWrite { container: 0 }, "logs:PutLogEvents"),
            ] {
                assert_eq!(verdict(t, &need, a), "Allowed", "{}: {d}", g.unit);
            }
        }
    }
}

#[test]
fn corpus_isolated_vpc_is_pull_ok() {
    let Some(p) = corpus(
        "aws-samples__container-patterns/pattern/ecs-cluster-isolated-vpc-no-nat-gateway/files/parent.yml",
    ) else {
        return;
    };
    let out = load(&[p.to_str().unwrap_or_default()]);
    assert_eq!(assert_pull_ok(&out), 1);
    let facts = analyse(one_graph(&out));
    let t = &facts.tasks[0];
    // The role comes from the cluster stack; the image from a parameter without value.
    assert!(matches!(
        t.execution_role.target.value(),
        Some(RoleTarget::Node(_))
    ));
    assert!(matches!(
        t.execution_role.trust.value(),
        Some(TrustDecision::TrustedUnderConditions { .. } | TrustDecision::Trusted { .. })
    ));
    assert!(matches!(t.containers[0].image, Fact::Unknown { .. }));
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "Allowed",
        "{d}"
    );
    assert_eq!(
        verdict(t, &Need::LogWrite { container: 0 }, "logs:CreateLogStream"),
        "Allowed",
        "{d}"
    );
}

#[test]
fn corpus_nathanpeck_is_pull_ok() {
    let Some(p) = corpus("nathanpeck__aws-cloudformation-fargate") else {
        return;
    };
    let vpc = p.join("fargate-networking-stacks/public-private-vpc.yml");
    let services = p.join("service-stacks");
    let out = load(&[
        vpc.to_str().unwrap_or_default(),
        services.to_str().unwrap_or_default(),
    ]);
    assert!(assert_pull_ok(&out) >= 3);
}

#[test]
fn plan_without_sources_leaves_computed_attachments_unknown() {
    // Without the `.tf` files, the plan cannot tell a computed `managed_policy_arns` from a
    // written one: the role's permissions are not refused, only unknown.
    let out = fixture("plan_only");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "Allowed",
        "{d}"
    );
    assert!(t.execution_role.blind_spot().is_some());
    assert!(assert_pull_ok(&out) == 1);
}

/// The analysis runs over every task definition of the corpus without a panic, and every
/// refused permission it finds is one of these (checked by hand).
#[test]
fn corpus_analysis_refuses_only_what_is_refused() {
    let Some(p) = corpus("") else {
        return;
    };
    let out = load(&[p.to_str().unwrap_or_default()]);
    let (mut tasks, mut refused) = (0, Vec::new());
    for g in &out.graphs {
        let facts = analyse(g);
        let _ = explain(&facts, g);
        for t in &facts.tasks {
            tasks += 1;
            for p in &t.permissions {
                if matches!(&p.decision, Fact::Known { value, .. } if value.is_refused()) {
                    refused.push(format!("{} {} {}", g.unit, t.address, p.action));
                }
            }
        }
    }
    assert!(tasks > 50, "{tasks} task definitions");
    assert_eq!(refused, Vec::<String>::new());
}

#[test]
fn pull_through_cache_and_dual_stack_images() {
    let out = fixture("cfn_ptc");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "TaskDef");
    let Some(Image::EcrPullThroughCache { prefix, ecr, .. }) = t.containers[0].image.value() else {
        panic!("{:?}", t.containers[0].image)
    };
    assert_eq!(prefix, "docker-hub");
    assert_eq!(ecr.repository.as_str(), Some("docker-hub/library/nginx"));
    assert!(matches!(
        t.containers[1].image.value(),
        Some(Image::EcrDualStack(_))
    ));
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrPull { container: 0 }, "ecr:BatchGetImage"),
        "Allowed",
        "{d}"
    );
    assert_eq!(
        verdict(
            t,
            &Need::PullThroughCache { container: 0 },
            "ecr:BatchImportUpstreamImage"
        ),
        "NotAllowed",
        "{d}"
    );
}

#[test]
fn cross_account_image_with_a_visible_repository_policy() {
    let out = fixture("tf_cross_account");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "aws_ecs_task_definition.app");
    assert_eq!(t.cross_account.len(), 1, "{:?}", t.cross_account);
    let x = &t.cross_account[0];
    assert_eq!(x.account.as_str(), Some("111111111111"));
    // The deployment account is not known here.
    assert!(matches!(x.cross, Fact::Unknown { .. }));
    let Some((policy, pull)) = &x.repository_policy else {
        panic!("repository policy not found")
    };
    assert_eq!(g.node(*policy).address, "aws_ecr_repository_policy.shared");
    assert!(pull.overall().is_allowed(), "{pull:?}");
}

#[test]
fn sub_image_partial_secret_arn_and_references() {
    let out = fixture("cfn_misc");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "TaskDef");
    let c = &t.containers[0];
    let Some(Image::Ecr(ecr)) = c.image.value() else {
        panic!("{:?}", c.image)
    };
    assert_eq!(
        ecr.repository_node.map(|n| g.node(n).address.as_str()),
        Some("Repo")
    );
    let d = dump(t);
    assert_eq!(
        verdict(t, &Need::EcrPull { container: 0 }, "ecr:BatchGetImage"),
        "Allowed",
        "{d}"
    );
    // `prod/db` (no suffix, JSON key stripped) is asked as `prod/db-⟨?⟩`: the bare policy ARN
    // never matches (FGP012).
    let db = &c.secrets[0];
    assert_eq!(db.store.value(), Some(&SecretStore::SecretsManager));
    assert_eq!(
        db.resource
            .as_ref()
            .and_then(|r| r.render_pattern())
            .as_deref(),
        Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-⟨?⟩")
    );
    let need = Need::Secret {
        container: 0,
        path: db.path.clone(),
    };
    let p = t
        .permission(&need, "secretsmanager:GetSecretValue")
        .unwrap();
    let Fact::Known {
        value: Decision::NotAllowed { near },
        ..
    } = &p.decision
    else {
        panic!("{d}")
    };
    assert_eq!(near.first().and_then(|c| c.sid.as_deref()), Some("Bare"));
    // `/aws/reference/secretsmanager/...`: SSM, and the secret behind it.
    let api = &c.secrets[1];
    assert_eq!(api.store.value(), Some(&SecretStore::Ssm));
    assert!(api.secrets_manager_reference.is_some());
    let ssm = Need::Secret {
        container: 0,
        path: api.path.clone(),
    };
    assert_eq!(verdict(t, &ssm, "ssm:GetParameters"), "Allowed", "{d}");
    let sm = Need::SecretReference {
        container: 0,
        path: api.path.clone(),
    };
    assert_eq!(
        verdict(t, &sm, "secretsmanager:GetSecretValue"),
        "NotAllowed",
        "{d}"
    );
    // The environment file.
    assert_eq!(c.environment_files.len(), 1);
    let env = Need::EnvFile {
        container: 0,
        path: c.environment_files[0].path.clone(),
    };
    assert_eq!(verdict(t, &env, "s3:GetObject"), "NotAllowed", "{d}");
    let loc = t.permission(&env, "s3:GetBucketLocation").unwrap();
    assert_eq!(loc.resource.as_str(), Some("arn:aws:s3:::my-bucket"));
}

#[test]
fn boundary_misspelt_and_invisible_policies() {
    let out = fixture("tf_attachments");
    let g = one_graph(&out);
    let facts = analyse(g);
    let logs = Need::LogWrite { container: 0 };
    let pull = Need::EcrPull { container: 0 };

    let b = task(&facts, "aws_ecs_task_definition.boundary");
    let d = dump(b);
    assert!(b.execution_role.boundary.is_some());
    assert_eq!(verdict(b, &pull, "ecr:BatchGetImage"), "Allowed", "{d}");
    assert_eq!(verdict(b, &logs, "logs:PutLogEvents"), "NotAllowed", "{d}");

    let m = task(&facts, "aws_ecs_task_definition.misspelt");
    let d = dump(m);
    let Some(PolicyDoc::Misspelt { suggestion, .. }) =
        m.execution_role.policies.first().map(|p| &p.document)
    else {
        panic!("{:?}", m.execution_role.policies)
    };
    assert!(suggestion.ends_with("service-role/AmazonECSTaskExecutionRolePolicy"));
    assert_eq!(
        verdict(m, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "NotAllowed",
        "{d}"
    );

    let e = task(&facts, "aws_ecs_task_definition.external");
    let d = dump(e);
    assert!(e.execution_role.blind_spot().is_some());
    for p in &e.permissions {
        assert!(matches!(p.decision, Fact::Unknown { .. }), "{d}");
    }
    let why = explain(&facts, g);
    assert!(
        why.iter()
            .any(|l| l.contains("external") && l.contains("shared-exec")),
        "{why:?}"
    );
}

#[test]
fn many_tasks_each_with_its_own_role() {
    use crate::base::{FileId, Format, Map as VMap, Ref, Span as VSpan};
    use crate::frontends::{Mode, Resource, Unit};
    let sp = VSpan {
        file: FileId(0),
        start: 0,
        end: 0,
    };
    let s = |x: &str| Value::str(x, None);
    let rf = |t: &str, a: &str| {
        Value::new(
            Val::Ref(Box::new(Ref {
                target: t.into(),
                attr: a.into(),
                resolved: None,
            })),
            None,
        )
    };
    let map = |kv: Vec<(&str, Value)>| {
        let mut m = VMap::new();
        for (k, v) in kv {
            m.push(k, None, v);
        }
        Value::new(Val::Map(m), None)
    };
    let res = |address: String, rtype: &str, v: Value| Resource {
        address,
        rtype: rtype.into(),
        mode: Mode::Managed,
        span: sp,
        attrs: v.as_map().cloned().unwrap_or_default(),
        exists: None,
    };
    let mut rs = Vec::new();
    let n = 500;
    for i in 0..n {
        rs.push(res(
            format!("aws_iam_role.r{i}"),
            "aws_iam_role",
            map(vec![("name", s(&format!("role-{i}")))]),
        ));
        rs.push(res(
            format!("aws_iam_role_policy_attachment.a{i}"),
            "aws_iam_role_policy_attachment",
            map(vec![
                ("role", s(&format!("role-{i}"))),
                (
                    "policy_arn",
                    s("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
                ),
            ]),
        ));
        let container = map(vec![
            ("name", s("app")),
            (
                "image",
                s("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"),
            ),
        ]);
        rs.push(res(
            format!("aws_ecs_task_definition.t{i}"),
            "aws_ecs_task_definition",
            map(vec![
                (
                    "requires_compatibilities",
                    Value::new(Val::List(vec![s("FARGATE")]), None),
                ),
                (
                    "execution_role_arn",
                    rf(&format!("aws_iam_role.r{i}"), "arn"),
                ),
                (
                    "container_definitions",
                    Value::new(
                        Val::Encoded(Box::new(Value::new(Val::List(vec![container]), None))),
                        None,
                    ),
                ),
            ]),
        ));
        rs.push(res(
            format!("aws_ecs_service.s{i}"),
            "aws_ecs_service",
            map(vec![
                (
                    "task_definition",
                    rf(&format!("aws_ecs_task_definition.t{i}"), "arn"),
                ),
                ("launch_type", s("FARGATE")),
            ]),
        ));
    }
    let unit = Unit {
        name: "scale".into(),
        format: Some(Format::Terraform),
        resources: rs,
        ..Unit::default()
    };
    let g = crate::graph::build(&unit);
    // Time is measured by scripts/scale_bench.sh, not here.
    let facts = analyse(&g);
    assert_eq!(facts.tasks.len(), n);
    let last = facts
        .get(
            g.get(&format!("aws_ecs_task_definition.t{}", n - 1))
                .unwrap()
                .id,
        )
        .unwrap();
    assert_eq!(
        verdict(last, &Need::EcrAuth, "ecr:GetAuthorizationToken"),
        "Allowed",
        "{}",
        dump(last)
    );
    assert_eq!(last.run_sites.len(), 1);
}

#[test]
fn eventbridge_target_is_a_fargate_run_site() {
    let out = fixture("cfn_events");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "TaskDef");
    assert_eq!(t.run_sites.len(), 1, "{:?}", t.run_sites);
    assert_eq!(t.run_sites[0].kind, Kind::EventTarget);
    assert_eq!(t.fargate.value(), Some(&true));
    assert_eq!(
        t.run_sites[0]
            .platform_version
            .value()
            .and_then(|v| v.as_str()),
        Some("1.3.0")
    );
    // No role, no ECR: nothing to ask.
    assert!(t.permissions.is_empty());
    assert!(explain(&facts, g).is_empty(), "{:?}", explain(&facts, g));
}

#[test]
fn cluster_default_capacity_provider_strategy() {
    let out = fixture("tf_cluster_default_strategy");
    let g = one_graph(&out);
    let facts = analyse(g);
    // Joined by the cluster's name (an ARN in the service, a literal in the association).
    let t = task(&facts, "aws_ecs_task_definition.by_name");
    assert_eq!(t.fargate.value(), Some(&true), "{:?}", t.fargate);
    // The strategy on the cluster itself (provider < 5.0).
    let t = task(&facts, "aws_ecs_task_definition.legacy");
    assert_eq!(t.fargate.value(), Some(&true), "{:?}", t.fargate);
    // Fargate mixed with an Auto Scaling group provider: not known to be Fargate.
    let t = task(&facts, "aws_ecs_task_definition.mixed");
    assert!(!t.fargate.is_known(), "{:?}", t.fargate);

    let out = fixture("cfn_cluster_default_strategy");
    let g = one_graph(&out);
    let facts = analyse(g);
    let t = task(&facts, "TaskDefinition");
    assert_eq!(t.fargate.value(), Some(&true), "{:?}", t.fargate);
}

#[test]
fn task_definition_read_by_a_data_source() {
    let out = fixture("tf_td_data_source");
    let g = one_graph(&out);
    let facts = analyse(g);
    // A data source reading a task definition of the configuration (by reference or by family)
    // is that task definition: its services run it.
    let t = task(&facts, "aws_ecs_task_definition.app");
    let mut sites: Vec<&str> = t
        .run_sites
        .iter()
        .map(|s| g.node(s.node).address.as_str())
        .collect();
    sites.sort_unstable();
    assert_eq!(sites, ["aws_ecs_service.app", "aws_ecs_service.app_latest"]);
    assert!(facts
        .by_address("data.aws_ecs_task_definition.app")
        .is_none());
    assert!(facts
        .by_address("data.aws_ecs_task_definition.app_by_name")
        .is_none());
    // One registered elsewhere: its contents and its role are unknown, not absent.
    let w = task(&facts, "data.aws_ecs_task_definition.worker");
    assert_eq!(w.run_sites.len(), 1);
    assert!(
        matches!(&w.container_definitions, Fact::Unknown { reason, .. } if reason.0.contains("apply time")),
        "{:?}",
        w.container_definitions
    );
    assert!(matches!(w.execution_role.target, Fact::Unknown { .. }));
    assert!(matches!(w.image_use().ecr, Fact::Unknown { .. }));
    let why = explain(&facts, g);
    assert!(
        why.iter()
            .any(|l| l.contains("data.aws_ecs_task_definition.worker") && l.contains("apply time")),
        "{why:?}"
    );
}
