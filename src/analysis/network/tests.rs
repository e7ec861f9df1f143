//! Network facts on graphs built through the real pipeline from `testdata/network/<case>/`,
//! `testdata/equivalence` and (when present) real corpus examples.

use std::path::{Path, PathBuf};

use super::*;
use crate::base::Span;
use crate::pipeline::{run, Config, Output};

fn load(path: &Path) -> Output {
    let mut config = Config {
        paths: vec![path.to_path_buf()],
        ..Config::default()
    };
    config.options.max_file_size = crate::pipeline::DEFAULT_MAX_FILE_SIZE;
    let root = if path.is_file() {
        path.parent().unwrap_or(path)
    } else {
        path
    };
    config.options.scan_roots = vec![root.to_path_buf()];
    run(&config)
}

fn case(name: &str) -> (Output, usize) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/network")
        .join(name);
    let out = load(&p);
    assert_eq!(out.graphs.len(), 1, "{name}: one unit expected");
    assert!(
        out.diagnostics
            .iter()
            .all(|d| d.severity != crate::base::Severity::Error),
        "{name}: {:?}",
        out.diagnostics
    );
    (out, 0)
}

fn site<'a>(f: &'a NetworkFacts, g: &Graph, address: &str) -> &'a RunSite {
    f.sites
        .iter()
        .find(|s| g.node(s.node).address == address)
        .unwrap_or_else(|| panic!("no run site {address}"))
}

fn addr(g: &Graph, id: NodeId) -> &str {
    &g.node(id).address
}

fn subnets(s: &RunSite) -> &[SubnetFacts] {
    s.subnets.value().expect("known subnets")
}

fn endpoint<'a>(
    f: &'a NetworkFacts,
    s: &'a RunSite,
    g: &Graph,
    a: &str,
) -> (&'a SiteEndpoint, &'a Endpoint) {
    s.endpoints
        .iter()
        .map(|se| (se, &f.endpoints[se.endpoint]))
        .find(|(_, e)| addr(g, e.node) == a)
        .unwrap_or_else(|| panic!("no endpoint {a}"))
}

/// The text a span points at.
fn text(out: &Output, at: Option<Span>) -> String {
    let s = at.expect("a span");
    out.sources.get(s.file).text[s.start as usize..s.end as usize].to_string()
}

#[test]
fn public_subnet_with_and_without_public_ip() {
    let (out, i) = case("public_ip");
    let g = &out.graphs[i];
    let f = analyse(g);
    let with = site(&f, g, "WithPublicIp");
    assert_eq!(with.public_ip.value(), Some(&true));
    assert!(!with.public_ip_default);
    let s = &subnets(with)[0];
    assert_eq!(s.egress.value(), Some(&Egress::Igw));
    assert_eq!(s.igw_attached.value(), Some(&true));
    let Fact::Known { at, .. } = &s.igw_attached else {
        panic!()
    };
    assert!(
        text(&out, *at).starts_with("IgwAttachment"),
        "{}",
        text(&out, *at)
    );
    assert!(s.route_table_explicit);
    assert_eq!(addr(g, *s.route_table.value().unwrap()), "PublicRouteTable");
    assert_eq!(
        addr(g, s.egress_route.unwrap()),
        "PublicRouteTableDefaultRoute"
    );
    assert_eq!(s.internet.value(), Some(&true));
    assert_eq!(with.private_only.value(), Some(&false));
    // The route's target attribute decided it.
    let Fact::Known { at, .. } = &s.egress else {
        panic!()
    };
    assert_eq!(text(&out, *at), "!Ref Igw");
    // CloudFormation default egress: allow all.
    assert_eq!(with.egress_internet.value(), Some(&true));

    let without = site(&f, g, "WithoutPublicIp");
    assert_eq!(without.public_ip.value(), Some(&false));
    assert!(without.public_ip_default);
    // A default points at the network configuration it is missing from.
    let Fact::Known { at, .. } = &without.public_ip else {
        panic!()
    };
    assert!(
        text(&out, *at).starts_with("Subnets:"),
        "{}",
        text(&out, *at)
    );
    assert_eq!(subnets(without)[0].internet.value(), Some(&false));
    assert_eq!(subnets(without)[0].private_only.value(), Some(&true));
    assert_eq!(without.private_only.value(), Some(&true));
}

#[test]
fn private_subnet_behind_nat() {
    let (out, i) = case("nat");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    let sub = &subnets(s)[0];
    assert_eq!(sub.egress.value(), Some(&Egress::Nat));
    assert_eq!(addr(g, sub.nat_gateway.unwrap()), "Nat");
    assert_eq!(addr(g, sub.internet_gateway.unwrap()), "Igw");
    assert_eq!(sub.igw_attached.value(), Some(&true));
    assert_eq!(sub.internet.value(), Some(&true));
    assert_eq!(s.private_only.value(), Some(&false));
}

#[test]
fn nat_in_a_private_subnet_gives_no_internet() {
    let (out, i) = case("nat_in_private_subnet");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    let sub = &subnets(s)[0];
    assert_eq!(sub.egress.value(), Some(&Egress::None));
    assert_eq!(
        addr(g, sub.egress_route.unwrap()),
        "PrivateRouteTableDefaultRoute"
    );
    assert_eq!(s.private_only.value(), Some(&true));
}

#[test]
fn private_only_with_full_endpoints() {
    let (out, i) = case("private_endpoints");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    assert_eq!(s.private_only.value(), Some(&true));
    assert_eq!(subnets(s).len(), 2);
    assert!(subnets(s)
        .iter()
        .all(|x| x.egress.value() == Some(&Egress::None)));
    assert_eq!(addr(g, *s.vpc.value().unwrap()), "Vpc");
    for svc in [Service::EcrApi, Service::EcrDkr, Service::Logs] {
        let found: Vec<_> = f.site_endpoints(s, &svc).collect();
        assert_eq!(found.len(), 1, "{svc:?}");
        let (se, ep) = found[0];
        assert_eq!(ep.endpoint_type.value(), Some(&EndpointType::Interface));
        assert_eq!(ep.private_dns.value(), Some(&true));
        assert_eq!(ep.vpc_dns_hostnames.value(), Some(&true));
        assert_eq!(ep.subnets.value().map(|v| v.len()), Some(2));
        assert_eq!(ep.service.value().unwrap().confidence, Confidence::Exact);
        assert!(ep.region.value().is_none(), "Region is the deployment's");
        assert!(ep.region_is_deployment);
        assert_eq!(ep.private_dns_effective().value(), Some(&true));
        assert_eq!(se.in_task_vpc.value(), Some(&true));
        assert_eq!(se.az_coverage.value(), Some(&true));
        assert_eq!(se.admits_task.value(), Some(&true), "{svc:?}");
        let Fact::Known { at, .. } = &se.admits_task else {
            panic!()
        };
        assert_eq!(text(&out, *at), "!GetAtt Vpc.CidrBlock");
        assert_eq!(se.task_egress.value(), Some(&true));
    }
    let s3: Vec<_> = f.site_endpoints(s, &Service::S3).collect();
    assert_eq!(s3.len(), 1);
    let (se, ep) = s3[0];
    assert_eq!(ep.endpoint_type.value(), Some(&EndpointType::Gateway));
    assert_eq!(se.on_task_route_tables.value(), Some(&true));
    assert_eq!(se.task_egress.value(), Some(&true));
    assert!(explain(&f, g).is_empty(), "{:?}", explain(&f, g));
}

#[test]
fn missing_ecr_dkr() {
    let (out, i) = case("missing_ecr_dkr");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    assert_eq!(s.private_only.value(), Some(&true));
    assert_eq!(f.site_endpoints(s, &Service::EcrDkr).count(), 0);
    assert_eq!(f.site_endpoints(s, &Service::EcrApi).count(), 1);
}

#[test]
fn s3_interface_without_subnets_is_not_a_gateway() {
    let (out, i) = case("s3_interface_no_subnets");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    let (se, ep) = endpoint(&f, s, g, "S3Endpoint");
    assert_eq!(ep.endpoint_type.value(), Some(&EndpointType::Interface));
    assert!(!ep.endpoint_type_default);
    // PrivateDnsEnabled not written: false by default.
    assert_eq!(ep.private_dns.value(), Some(&false));
    assert!(ep.private_dns_default);
    assert_eq!(ep.private_dns_effective().value(), Some(&false));
    assert_eq!(ep.subnets.value().map(|v| v.len()), Some(0));
    assert_eq!(se.az_coverage.value(), Some(&false));
    assert!(!se.on_task_route_tables.is_known(), "not a gateway");
    // No SG written: the VPC default group, which admits its own members only.
    assert!(matches!(
        ep.security_groups[0].value(),
        Some(SgRef::VpcDefault { managed: None, .. })
    ));
    assert_eq!(se.admits_task.value(), Some(&false));
}

#[test]
fn s3_gateway_not_on_the_task_route_table() {
    let (out, i) = case("s3_gateway_other_route_table");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    let (se, ep) = endpoint(&f, s, g, "S3Endpoint");
    assert_eq!(ep.endpoint_type.value(), Some(&EndpointType::Gateway));
    assert!(
        ep.endpoint_type_default,
        "no VpcEndpointType: Gateway by default"
    );
    assert_eq!(se.on_task_route_tables.value(), Some(&false));
}

#[test]
fn endpoint_security_groups() {
    let (out, i) = case("endpoint_sg");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    let (cidr, _) = endpoint(&f, s, g, "CidrEndpoint");
    assert_eq!(cidr.admits_task.value(), Some(&true));
    let (by_ref, _) = endpoint(&f, s, g, "RefEndpoint");
    assert_eq!(by_ref.admits_task.value(), Some(&true));
    let Fact::Known { at, .. } = &by_ref.admits_task else {
        panic!()
    };
    assert_eq!(text(&out, *at), "!Ref TaskSecurityGroup");
    let (none, _) = endpoint(&f, s, g, "NoneEndpoint");
    assert_eq!(none.admits_task.value(), Some(&false));
    // The task egress allows 443 to the VPC CIDR only: fine for the interface endpoints, not
    // for the internet.
    assert_eq!(cidr.task_egress.value(), Some(&true));
    assert_eq!(s.egress_internet.value(), Some(&false));
}

#[test]
fn egress_only_internet_gateway_gives_no_ipv4() {
    let (out, i) = case("egress_only_igw");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    assert_eq!(subnets(s)[0].egress.value(), Some(&Egress::None));
    assert_eq!(s.private_only.value(), Some(&true));
}

#[test]
fn terraform_plan_no_egress_and_data_source_subnet() {
    let (out, i) = case("tf_plan");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "aws_ecs_service.no_egress");
    // Terraform removes the default egress rule: none left.
    assert_eq!(s.egress_internet.value(), Some(&false));
    let open = site(&f, g, "aws_ecs_service.open");
    assert_eq!(open.egress_internet.value(), Some(&true));
    // The subnet is a data source: known node, unknown route table and class.
    let sub = &subnets(s)[0];
    assert_eq!(
        addr(g, *sub.subnet.value().unwrap()),
        "data.aws_subnet.shared"
    );
    let Fact::Unknown { reason, .. } = &sub.route_table else {
        panic!("{:?}", sub.route_table)
    };
    assert!(reason.0.contains("data source"), "{reason}");
    assert!(!sub.egress.is_known());
    assert!(!s.private_only.is_known());
    assert!(
        !open.private_only.is_known(),
        "public IP, but the route is unknown"
    );
    let lines = explain(&f, g);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("data.aws_subnet.shared") && l.contains("route table")),
        "{lines:?}"
    );
}

/// The same infrastructure in CloudFormation YAML and JSON and a Terraform plan gives the same
/// facts (up to names). The HCL unit joins when the Terraform frontend loads it.
#[test]
fn equivalence_units_agree() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/equivalence");
    let out = load(&p);
    assert!(out.graphs.len() >= 3);
    let mut seen = Vec::new();
    for g in &out.graphs {
        let f = analyse(g);
        assert_eq!(f.sites.len(), 1, "{}", g.unit);
        let s = &f.sites[0];
        let sub = &subnets(s)[0];
        let private_rt = sub.route_table.value().map(|&r| g.node(r).kind);
        let summary = (
            s.public_ip.value().copied(),
            sub.cidr.value().copied(),
            private_rt,
            s.egress_internet.value().copied(),
            f.site_endpoints(s, &Service::EcrApi).count(),
            f.site_endpoints(s, &Service::EcrDkr).count(),
            f.site_endpoints(s, &Service::S3)
                .map(|(se, _)| se.on_task_route_tables.value().copied())
                .collect::<Vec<_>>(),
            f.site_endpoints(s, &Service::EcrDkr)
                .map(|(se, ep)| {
                    (
                        se.admits_task.value().copied(),
                        se.task_egress.value().copied(),
                        ep.private_dns.value().copied(),
                        ep.region.value().cloned(),
                    )
                })
                .collect::<Vec<_>>(),
        );
        seen.push((g.unit.clone(), summary, sub.egress.clone()));
    }
    let first = &seen[0].1;
    assert_eq!(first.4, 1);
    assert_eq!(first.6, vec![Some(true)]);
    assert_eq!(
        first.7,
        vec![(Some(true), Some(true), Some(true), Some("eu-west-1".into()))]
    );
    for (unit, s, _) in &seen {
        assert_eq!(s, first, "{unit}");
    }
    // Egress class: every unit proves there is no default route. (The plan leaves the route
    // table's inline routes "known after apply", but main.tf beside it writes none, so the plan
    // frontend leaves them out, as HCL does.)
    for (unit, _, egress) in &seen {
        assert_eq!(egress.value(), Some(&Egress::None), "{unit}");
    }
}

fn corpus(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

#[test]
fn corpus_isolated_vpc_without_nat() {
    let Some(p) = corpus(
        "aws-samples__container-patterns/pattern/ecs-cluster-isolated-vpc-no-nat-gateway/files/parent.yml",
    ) else {
        return;
    };
    let out = load(&p);
    let g = &out.graphs[0];
    let f = analyse(g);
    assert!(!f.sites.is_empty(), "{:#?}", explain(&f, g));
    let s = &f.sites[0];
    assert_eq!(s.private_only.value(), Some(&true), "{:#?}", explain(&f, g));
    for svc in [Service::EcrApi, Service::EcrDkr] {
        let eps: Vec<_> = f.site_endpoints(s, &svc).collect();
        assert!(!eps.is_empty(), "{svc:?}");
        for (se, _) in eps {
            assert_eq!(
                se.admits_task.value(),
                Some(&true),
                "{svc:?} {:#?}",
                explain(&f, g)
            );
        }
    }
}

#[test]
fn corpus_dual_stack_igw_without_public_ip() {
    let Some(p) = corpus(
        "aws-samples__container-patterns/pattern/dual-stack-ipv6-networking-ecs-fargate/files/parent.yml",
    ) else {
        return;
    };
    let out = load(&p);
    let g = &out.graphs[0];
    let f = analyse(g);
    assert!(!f.sites.is_empty());
    let s = &f.sites[0];
    assert!(
        subnets(s)
            .iter()
            .all(|x| x.egress.value() == Some(&Egress::Igw)),
        "{:#?}",
        explain(&f, g)
    );
    assert_eq!(s.public_ip.value(), Some(&false));
    assert_eq!(s.private_only.value(), Some(&true));
    assert!(f.site_endpoints(s, &Service::EcrDkr).count() > 0);
}

#[test]
fn corpus_imported_subnets_are_unknown() {
    let Some(dir) = corpus("nathanpeck__aws-cloudformation-fargate/service-stacks") else {
        return;
    };
    let out = load(&dir);
    assert!(out.graphs.len() >= 3);
    for g in &out.graphs {
        let f = analyse(g);
        assert!(!f.sites.is_empty(), "{}", g.unit);
        for s in &f.sites {
            let unknown = match &s.subnets {
                Fact::Unknown { .. } => true,
                Fact::Known { value, .. } => value.iter().all(|x| !x.subnet.is_known()),
                Fact::Absent => false,
            };
            assert!(unknown, "{}", g.unit);
            assert!(!s.private_only.is_known());
            let lines = explain(&f, g);
            assert!(lines.iter().any(|l| l.contains("ImportValue")), "{lines:?}");
        }
    }
}

#[test]
fn event_targets_and_schedules_are_run_sites() {
    let (out, i) = case("run_sites");
    let g = &out.graphs[i];
    let f = analyse(g);
    let kinds: Vec<(SiteKind, &str)> = f.sites.iter().map(|s| (s.kind, addr(g, s.node))).collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    let ev = f
        .sites
        .iter()
        .find(|s| s.kind == SiteKind::EventTarget)
        .unwrap();
    assert_eq!(ev.public_ip.value(), Some(&true));
    assert_eq!(subnets(ev)[0].egress.value(), Some(&Egress::None));
    assert_eq!(
        ev.private_only.value(),
        Some(&true),
        "no default route: a public IP does not help"
    );
    // No security group: the VPC default group, whose egress allows everything.
    assert!(matches!(
        ev.security_groups.value().unwrap()[0].value(),
        Some(SgRef::VpcDefault { managed: None, .. })
    ));
    assert_eq!(ev.egress_internet.value(), Some(&true));
    let sch = f
        .sites
        .iter()
        .find(|s| s.kind == SiteKind::Schedule)
        .unwrap();
    assert_eq!(sch.public_ip.value(), Some(&false));
    assert!(sch.public_ip_default);
    assert_eq!(sch.private_only.value(), Some(&true));
}

/// Terraform HCL shapes. Skipped, with a message, while the HCL frontend loads nothing.
#[test]
fn terraform_hcl_shapes() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/network/tf_hcl");
    let out = load(&p);
    let Some(g) = out.graphs.first() else {
        eprintln!(
            "skipped: the Terraform HCL frontend loaded nothing from {}",
            p.display()
        );
        return;
    };
    let f = analyse(g);
    assert_eq!(f.sites.len(), 4);

    let public = site(&f, g, "aws_ecs_service.public");
    let sub = &subnets(public)[0];
    assert_eq!(sub.egress.value(), Some(&Egress::Igw));
    assert_eq!(
        addr(g, sub.egress_route.unwrap()),
        "aws_route_table.public#route[0]"
    );
    assert_eq!(public.private_only.value(), Some(&false));
    // Terraform removes AWS's default egress rule: no egress at all.
    assert_eq!(public.egress_internet.value(), Some(&false));

    let nat = site(&f, g, "aws_ecs_service.behind_nat");
    assert_eq!(subnets(nat)[0].egress.value(), Some(&Egress::Nat));
    assert_eq!(nat.public_ip.value(), Some(&false));
    assert!(nat.public_ip_default);
    assert_eq!(
        nat.egress_internet.value(),
        Some(&true),
        "standalone egress rule"
    );

    let iso = site(&f, g, "aws_ecs_service.isolated");
    let sub = &subnets(iso)[0];
    assert!(!sub.route_table_explicit);
    assert_eq!(
        addr(g, *sub.route_table.value().unwrap()),
        "aws_default_route_table.main"
    );
    assert_eq!(sub.egress.value(), Some(&Egress::None));
    assert_eq!(iso.private_only.value(), Some(&true));
    let (se, ep) = endpoint(&f, iso, g, "aws_vpc_endpoint.ecr_dkr");
    assert_eq!(ep.service.value().unwrap().service, Service::EcrDkr);
    assert_eq!(
        ep.private_dns.value(),
        Some(&true),
        "aws_vpc_endpoint_private_dns"
    );
    assert_eq!(ep.vpc_dns_support.value(), Some(&true));
    assert_eq!(ep.vpc_dns_hostnames.value(), Some(&true));
    assert_eq!(ep.subnets.value().map(|v| v.len()), Some(1));
    assert_eq!(se.az_coverage.value(), Some(&true));
    assert_eq!(se.admits_task.value(), Some(&true));
    assert_eq!(se.task_egress.value(), Some(&true));
    let (se, ep) = endpoint(&f, iso, g, "aws_vpc_endpoint.s3");
    assert!(ep.endpoint_type_default);
    assert_eq!(se.on_task_route_tables.value(), Some(&true));
    assert_eq!(se.task_egress.value(), Some(&true));

    let (se, ep) = endpoint(&f, iso, g, "aws_vpc_endpoint.logs");
    assert_eq!(ep.service.value().unwrap().service, Service::Logs);
    // No security group: the VPC default group admits only its members, not the task's group.
    assert_eq!(se.admits_task.value(), Some(&false));
    let (_, ep) = endpoint(&f, iso, g, "aws_vpc_endpoint.secrets");
    let name = ep.service.value().unwrap();
    assert_eq!(
        (&name.service, name.confidence),
        (&Service::SecretsManager, Confidence::Suffix)
    );

    let shared = site(&f, g, "aws_ecs_service.shared");
    let sub = &subnets(shared)[0];
    assert_eq!(
        addr(g, *sub.subnet.value().unwrap()),
        "data.aws_subnet.shared"
    );
    assert!(!sub.route_table.is_known());
    assert!(!shared.private_only.is_known());
    assert!(
        !shared.egress_internet.is_known(),
        "default SG of an unknown VPC"
    );
}

#[test]
fn endpoints_under_conditions() {
    let (out, i) = case("conditional_endpoints");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    assert_eq!(
        f.site_endpoints(s, &Service::EcrApi).count(),
        0,
        "never created"
    );
    let dkr: Vec<_> = f.site_endpoints(s, &Service::EcrDkr).collect();
    assert_eq!(dkr.len(), 1);
    assert!(!dkr[0].1.exists.is_known());
    let lines = explain(&f, g);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("EcrDkrEndpoint") && l.contains("created")),
        "{lines:?}"
    );
    let (_, logs) = f.site_endpoints(s, &Service::Logs).next().unwrap();
    assert_eq!(logs.exists.value(), Some(&true));
}

/// Many run sites, subnets and endpoints sharing one route table and one security group, and
/// endpoints of another VPC: each site is paired with the endpoints of its own VPC only (time
/// is measured by scripts/scale_bench.sh, not here).
#[test]
fn scale() {
    use serde_json::json;
    const SUBNETS: usize = 300;
    const SERVICES: usize = 500;
    const ENDPOINTS: usize = 20;
    let r = |id: &str| json!({ "Ref": id });
    let mut res = serde_json::Map::new();
    res.insert(
        "Vpc".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/8"}}),
    );
    res.insert("Igw".into(), json!({"Type": "AWS::EC2::InternetGateway"}));
    res.insert(
        "Rt".into(),
        json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": r("Vpc")}}),
    );
    res.insert("Default".into(), json!({"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": r("Rt"), "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": r("Igw")}}));
    res.insert("Sg".into(), json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {"VpcId": r("Vpc"), "GroupDescription": "x",
        "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"}]}}));
    for i in 0..SUBNETS {
        res.insert(format!("S{i}"), json!({"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": r("Vpc"),
            "CidrBlock": format!("10.{}.{}.0/24", i / 256, i % 256), "AvailabilityZone": "eu-west-1a"}}));
        res.insert(
            format!("A{i}"),
            json!({"Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": r(&format!("S{i}")), "RouteTableId": r("Rt")}}),
        );
    }
    for i in 0..ENDPOINTS {
        res.insert(format!("E{i}"), json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcId": r("Vpc"),
            "ServiceName": format!("com.amazonaws.eu-west-1.svc{i}"), "VpcEndpointType": "Interface",
            "SubnetIds": [r("S0"), r("S1")], "SecurityGroupIds": [r("Sg")]}}));
    }
    res.insert(
        "Other".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "172.16.0.0/16"}}),
    );
    for i in 0..ENDPOINTS {
        res.insert(format!("O{i}"), json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcId": r("Other"),
            "ServiceName": format!("com.amazonaws.eu-west-1.svc{i}"), "VpcEndpointType": "Interface"}}));
    }
    for i in 0..SERVICES {
        res.insert(format!("Svc{i}"), json!({"Type": "AWS::ECS::Service", "Properties": {"LaunchType": "FARGATE",
            "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED", "SecurityGroups": [r("Sg")],
                "Subnets": [r(&format!("S{}", i % SUBNETS)), r(&format!("S{}", (i + 1) % SUBNETS))]}}}}));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.json");
    std::fs::write(&file, json!({"Resources": res}).to_string()).unwrap();
    let out = load(&file);
    let g = &out.graphs[0];
    let f = analyse(g);
    assert_eq!(f.sites.len(), SERVICES);
    assert_eq!(f.endpoints.len(), 2 * ENDPOINTS);
    assert!(f.sites.iter().all(|s| s.endpoints.len() == ENDPOINTS
        && s.endpoints
            .iter()
            .all(|e| e.in_task_vpc.value() == Some(&true))));
    assert!(f
        .sites
        .iter()
        .all(|s| s.private_only.value() == Some(&false)));
    assert!(f.sites.iter().all(|s| s
        .endpoints
        .iter()
        .all(|e| e.admits_task.value() == Some(&true))));
}

#[test]
fn vpc_default_security_group_by_reference() {
    let (out, i) = case("default_sg");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    let groups = s.security_groups.value().unwrap();
    assert!(matches!(
        groups[0].value(),
        Some(SgRef::VpcDefault { managed: None, .. })
    ));
    // The default group's own egress allows everything.
    assert_eq!(s.egress_internet.value(), Some(&true));
    // No group on the endpoint: the default group, which admits its members (the task).
    let (dkr, _) = endpoint(&f, s, g, "EcrDkrEndpoint");
    assert_eq!(dkr.admits_task.value(), Some(&true));
    let (api, _) = endpoint(&f, s, g, "EcrApiEndpoint");
    assert_eq!(api.admits_task.value(), Some(&true));
    let Fact::Known { at, .. } = &api.admits_task else {
        panic!()
    };
    assert_eq!(text(&out, *at), "!GetAtt Vpc.DefaultSecurityGroup");
    let (logs, _) = endpoint(&f, s, g, "LogsEndpoint");
    assert_eq!(logs.admits_task.value(), Some(&true));
}

#[test]
fn transit_gateway_and_private_nat() {
    let (out, i) = case("tgw_and_private_nat");
    let g = &out.graphs[i];
    let f = analyse(g);
    let tgw = site(&f, g, "TgwService");
    let sub = &subnets(tgw)[0];
    assert_eq!(sub.egress.value(), Some(&Egress::Other));
    let Fact::Known { at, .. } = &sub.egress else {
        panic!()
    };
    assert_eq!(text(&out, *at), "tgw-0123456789abcdef0");
    // Beyond a transit gateway, the internet or endpoints elsewhere: neither proven nor refuted.
    assert!(!sub.internet.is_known(), "{:?}", sub.internet);
    assert!(!tgw.private_only.is_known(), "{:?}", tgw.private_only);
    // No security group: the default group of the VPC (allow-all egress).
    assert_eq!(tgw.egress_internet.value(), Some(&true));

    let nat = site(&f, g, "Service");
    let sub = &subnets(nat)[0];
    assert_eq!(sub.egress.value(), Some(&Egress::None));
    let Fact::Known { at, .. } = &sub.egress else {
        panic!()
    };
    assert_eq!(text(&out, *at), "private");
    assert_eq!(nat.private_only.value(), Some(&true));
}

/// The whole corpus: no panic, and every proven fact is backed by what it claims.
#[test]
fn corpus_wide() {
    let Some(dir) = corpus("") else { return };
    let out = load(&dir);
    let (mut sites, mut private, mut internet, mut unknown) = (0, 0, 0, 0);
    for g in &out.graphs {
        let f = analyse(g);
        let _ = explain(&f, g);
        for s in &f.sites {
            sites += 1;
            match s.private_only.value() {
                Some(true) => {
                    private += 1;
                    // Proven private-only: every subnet known and classified.
                    assert!(subnets(s).iter().all(|x| x.egress.is_known()), "{}", g.unit);
                }
                Some(false) => internet += 1,
                None => unknown += 1,
            }
        }
    }
    eprintln!("corpus: {sites} run sites: {private} private-only, {internet} with internet, {unknown} unknown");
    assert!(sites > 0);
}

/// The reason of an unknown fact.
fn reason<T: std::fmt::Debug>(f: &Fact<T>) -> String {
    match f {
        Fact::Unknown { reason, .. } => reason.to_string(),
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn main_route_table_and_routes_beyond_the_configuration() {
    let (out, i) = case("main_table_and_opaque_routes");
    let g = &out.graphs[i];
    let f = analyse(g);
    // No association, a VPC created here, nothing touches its main route table: the local
    // route only.
    let s = site(&f, g, "aws_ecs_service.main_table");
    let sub = &subnets(s)[0];
    assert_eq!(addr(g, *sub.route_table.value().unwrap()), "aws_vpc.a");
    assert!(!sub.route_table_explicit);
    assert_eq!(sub.egress.value(), Some(&Egress::None));
    assert_eq!(s.private_only.value(), Some(&true));
    // A route written on `main_route_table_id` is on it.
    let s = site(&f, g, "aws_ecs_service.main_table_igw");
    let sub = &subnets(s)[0];
    assert_eq!(sub.egress.value(), Some(&Egress::Igw));
    assert_eq!(
        addr(g, sub.egress_route.unwrap()),
        "aws_route.b_main_default"
    );
    // A route to a peered VPC, VPN routes propagated (inline or standalone): endpoints or the
    // internet may be reached, no egress is not proven.
    for (service, what) in [
        ("aws_ecs_service.peered", "a VPC peering connection"),
        ("aws_ecs_service.vpn_inline", "propagating_vgws"),
        (
            "aws_ecs_service.vpn_propagated",
            "aws_vpn_gateway_route_propagation.vpn",
        ),
    ] {
        let s = site(&f, g, service);
        let sub = &subnets(s)[0];
        assert!(
            reason(&sub.egress).contains(what),
            "{service}: {:?}",
            sub.egress
        );
        assert!(!s.private_only.is_known(), "{service}");
    }
    // A default route to a virtual private gateway: Other, internet unknown.
    let s = site(&f, g, "aws_ecs_service.vgw_default");
    let sub = &subnets(s)[0];
    assert_eq!(sub.egress.value(), Some(&Egress::Other));
    assert!(reason(&sub.internet).contains("aws_route.vgw_default"));
    assert!(!s.private_only.is_known());
}

#[test]
fn main_route_table_unknown_when_an_association_may_name_the_subnet() {
    let (out, i) = case("main_table_unseen_tf");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "aws_ecs_service.main_table");
    let sub = &subnets(s)[0];
    let r = reason(&sub.route_table);
    assert!(r.contains("aws_route_table_association.extra"), "{r}");
    assert!(!s.private_only.is_known());
}

#[test]
fn main_route_table_cloudformation() {
    let (out, i) = case("main_table_cfn");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    let sub = &subnets(s)[0];
    assert_eq!(addr(g, *sub.route_table.value().unwrap()), "Vpc");
    assert_eq!(s.private_only.value(), Some(&true));
    let s = site(&f, g, "VpnService");
    assert!(reason(&subnets(s)[0].egress).contains("VpnPropagation"));
    assert!(!s.private_only.is_known());
    // A route on a table a custom resource returns may be on the main route table.
    let (out, i) = case("main_table_cfn_custom");
    let g = &out.graphs[i];
    let f = analyse(g);
    let s = site(&f, g, "Service");
    let r = reason(&subnets(s)[0].route_table);
    assert!(r.contains("MainDefaultRoute"), "{r}");
    assert!(!s.private_only.is_known());
}

#[test]
fn egress_any_needs_neither_subnets_nor_endpoints() {
    let (out, i) = case("egress_any");
    let g = &out.graphs[i];
    let f = analyse(g);
    let any = |a: &str| site(&f, g, a).egress_any.clone();
    // The subnets are a variable: not known, and not needed for this fact.
    assert!(!site(&f, g, "aws_ecs_service.none").subnets.is_known());
    assert_eq!(any("aws_ecs_service.none").value(), Some(&false));
    // A rule to 127.0.0.1/32 only: nothing leaves the task.
    assert_eq!(any("aws_ecs_service.loopback").value(), Some(&false));
    // One group without egress, one with a rule (port 22): egress exists.
    assert_eq!(any("aws_ecs_service.two").value(), Some(&true));
    // The only rule is created under an unknown condition.
    assert!(!any("aws_ecs_service.maybe").is_known());
    assert!(!any("aws_ecs_service.unknown_groups").is_known());
    // Only TCP 443 to the group itself, or to another group, and no endpoint is a member of
    // either: nothing the task pulls from is reachable.
    assert_eq!(any("aws_ecs_service.self_only").value(), Some(&false));
    assert_eq!(any("aws_ecs_service.to_other").value(), Some(&false));
    // Groups whose members are not all in the configuration: an existing group (data source),
    // the VPC's default group.
    assert!(!any("aws_ecs_service.to_existing").is_known());
    assert!(!any("aws_ecs_service.to_default").is_known());
    // An endpoint is a member of the group: the rule reaches it.
    let (out, i) = case("egress_self_members");
    let g = &out.graphs[i];
    let f = analyse(g);
    assert_eq!(
        site(&f, g, "aws_ecs_service.member").egress_any.value(),
        Some(&true)
    );
    // Another endpoint's groups are not known: it may be a member.
    assert!(!site(&f, g, "aws_ecs_service.other").egress_any.is_known());
    // A module that is not loaded may add rules to the group.
    let (out, i) = case("egress_any_unread");
    let g = &out.graphs[i];
    let f = analyse(g);
    assert!(!site(&f, g, "aws_ecs_service.app").egress_any.is_known());
}

#[test]
fn igw_unrouted_only_when_the_subnets_look_meant_to_be_public() {
    let (out, i) = case("igw_unrouted");
    let g = &out.graphs[i];
    let f = analyse(g);
    let iu = |a: &str| site(&f, g, a).igw_unrouted.clone();
    // Private on purpose: the VPC's gateway is routed by the public subnet's table.
    assert_eq!(iu("aws_ecs_service.private").value(), Some(&false));
    // A public IP asked for in subnets without a default route.
    assert_eq!(iu("aws_ecs_service.private_with_ip").value(), Some(&true));
    let s = site(&f, g, "aws_ecs_service.private_with_ip");
    assert_eq!(
        s.unrouted_igw.map(|n| addr(g, n)),
        Some("aws_internet_gateway.main")
    );
    assert!(!iu("aws_ecs_service.private_maybe_ip").is_known());
    // Routed to the gateway: not this case.
    assert_eq!(iu("aws_ecs_service.public").value(), Some(&false));
    // A gateway nothing routes to.
    assert_eq!(iu("aws_ecs_service.orphan").value(), Some(&true));
}
