# The network-rule fixture cases (FGP016, FGP020-FGP024), written by gen_fixtures.py:
#   python3 testdata/rules/FGP021/gen_fixtures.py
from gen_fixtures import ECR_IMAGE, BASE_EP

DOCKER = "nginx:1.27"
ECR_PUBLIC = "public.ecr.aws/nginx/nginx:1.27"
GHCR = "ghcr.io/stefanprodan/podinfo:6.7.0"
C = {}


def case(rule, name, about, **s):
    C[(rule, name)] = dict(about=about, **s)


# ---- FGP016: non-ECR registry, no internet path
case("FGP016", "fail-tf-dockerhub-private-only",
     "A Docker Hub image in private-only subnets: the VPC has every ECR endpoint and a logs\n"
     "endpoint, but no NAT gateway, and no endpoint can reach registry-1.docker.io.",
     net="private", endpoints=BASE_EP, image=DOCKER)
case("FGP016", "pass-tf-dockerhub-behind-nat",
     "The fix: the private subnets route 0.0.0.0/0 to a NAT gateway in a public subnet, so the\n"
     "Docker Hub image is pulled over the internet (no endpoints needed).",
     net="nat", endpoints=[], image=DOCKER)
case("FGP016", "fail-tf-ghcr-public-subnet-no-ip",
     "A ghcr.io image in public subnets (default route to an internet gateway), but the service\n"
     "does not set assign_public_ip: the task ENI has no public IP and cannot use the gateway.",
     net="public", public_ip=None, endpoints=[], image=GHCR)
case("FGP016", "pass-tf-ghcr-public-ip",
     "The fix: the same public subnets with assign_public_ip = true on the service.",
     net="public", public_ip=True, endpoints=[], image=GHCR)
case("FGP016", "pass-tf-dockerhub-transit-gateway",
     "Private subnets whose default route goes to a transit gateway (centralised egress in a\n"
     "network account): whether that reaches the internet is not visible here, so no finding.",
     net="tgw", endpoints=[], image=DOCKER)
case("FGP016", "pass-tf-dockerhub-subnets-from-variable",
     "The task subnets come from a variable: their route tables are not known, so no finding.",
     net="subnet_var", endpoints=[], image=DOCKER)
case("FGP016", "fail-cfn-ecr-public-private-only",
     "An ECR Public image in private-only subnets with the ECR and logs endpoints: ECR Public\n"
     "(public.ecr.aws) is not served by the ECR interface endpoints, and there is no NAT gateway.",
     net="private", endpoints=BASE_EP, image=ECR_PUBLIC)
case("FGP016", "pass-cfn-ecr-public-behind-nat",
     "The fix: a NAT gateway in a public subnet and a default route to it from the private subnets.",
     net="nat", endpoints=[], image=ECR_PUBLIC)
case("FGP016", "fail-cfn-dockerhub-some-private-only",
     "A Docker Hub image in two subnets: PrivateSubnetA routes to a NAT gateway, PrivateSubnetB has no\n"
     "default route. Tasks placed in PrivateSubnetB cannot pull the image (warning).",
     net="mixed", endpoints=["logs"], image=DOCKER, json=True)
case("FGP016", "pass-cfn-dockerhub-both-subnets-behind-nat",
     "The fix: both private subnets route to the NAT gateway.",
     net="nat", endpoints=[], image=DOCKER, json=True)
case("FGP016", "fail-plan-dockerhub-private-only",
     "A Docker Hub image in private-only subnets (plan, with the configuration beside it): subnet\n"
     "and endpoint ids are unknown before apply, the references still tie them together.",
     net="private", endpoints=BASE_EP, image=DOCKER)
case("FGP016", "pass-plan-dockerhub-behind-nat",
     "The fix, planned: a NAT gateway and a default route to it from the private subnets.",
     net="nat", endpoints=[], image=DOCKER)

# ---- FGP020: public subnet without public IP
case("FGP020", "fail-tf-public-no-ip",
     "An ECR image in public subnets (default route to an internet gateway), no VPC endpoints, and\n"
     "no assign_public_ip on the service (default false): the task cannot reach ECR.",
     net="public", public_ip=None, endpoints=[], image=ECR_IMAGE)
case("FGP020", "fail-tf-map-public-ip-on-launch",
     "Public subnets with map_public_ip_on_launch = true: that subnet setting does not give a\n"
     "Fargate task ENI a public IP; only the service's assign_public_ip does.",
     net="public", public_ip=None, map_public_ip=True, endpoints=[], image=ECR_IMAGE)
case("FGP020", "pass-tf-assign-public-ip",
     "The fix: assign_public_ip = true on the service.",
     net="public", public_ip=True, endpoints=[], image=ECR_IMAGE)
case("FGP020", "pass-tf-public-no-ip-with-endpoints",
     "Public subnets without a public IP, but every endpoint the task needs (ecr.api, ecr.dkr,\n"
     "the S3 gateway on the subnets' route table, logs) exists and is usable: the pull works.",
     net="public", public_ip=False, endpoints=BASE_EP, image=ECR_IMAGE)
case("FGP020", "fail-cfn-public-ip-disabled",
     "An ECR image in public subnets with AssignPublicIp: DISABLED and no VPC endpoints.",
     net="public", public_ip=False, endpoints=[], image=ECR_IMAGE, json=True)
case("FGP020", "pass-cfn-public-ip-enabled",
     "The fix: AssignPublicIp: ENABLED.",
     net="public", public_ip=True, endpoints=[], image=ECR_IMAGE, json=True)
case("FGP020", "fail-cfn-map-public-ip-on-launch",
     "Public subnets with MapPublicIpOnLaunch: true and no AssignPublicIp on the service: the\n"
     "subnet setting does not apply to Fargate task ENIs.",
     net="public", public_ip=None, map_public_ip=True, endpoints=[], image=ECR_IMAGE)
case("FGP020", "pass-cfn-map-public-ip-and-assign-public-ip",
     "The fix: AssignPublicIp: ENABLED on the service (MapPublicIpOnLaunch kept for other uses).",
     net="public", public_ip=True, map_public_ip=True, endpoints=[], image=ECR_IMAGE)
case("FGP020", "fail-plan-public-no-ip",
     "A plan alone (no sources): public subnets, assign_public_ip false, no endpoints.",
     net="public", public_ip=False, endpoints=[], image=ECR_IMAGE, sources=False)
case("FGP020", "pass-plan-assign-public-ip",
     "A plan alone (no sources): the fix, assign_public_ip = true.",
     net="public", public_ip=True, endpoints=[], image=ECR_IMAGE, sources=False)

# ---- FGP021: private-only, ECR image, missing ecr.api / ecr.dkr / s3
case("FGP021", "fail-tf-missing-ecr-dkr",
     "Private-only subnets and an ECR image: ecr.api, the S3 gateway and logs endpoints exist,\n"
     "the ecr.dkr endpoint does not.",
     net="private", endpoints=["ecr.api", "s3", "logs"], image=ECR_IMAGE)
case("FGP021", "pass-tf-all-endpoints",
     "The fix: the ecr.dkr interface endpoint, with private DNS, in the task subnets.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE)
case("FGP021", "fail-tf-some-private-only",
     "An ECR image in two subnets: private_a routes to a NAT gateway, private_b has no default\n"
     "route and the VPC has no ECR endpoints. Tasks placed in private_b fail (warning).",
     net="mixed", endpoints=["logs"], image=ECR_IMAGE)
case("FGP021", "pass-tf-behind-nat",
     "An ECR image in private subnets behind a NAT gateway: no endpoints needed.",
     net="nat", endpoints=[], image=ECR_IMAGE)
case("FGP021", "pass-tf-transit-gateway",
     "Private subnets whose default route goes to a transit gateway: internet-capable, unknown.",
     net="tgw", endpoints=[], image=ECR_IMAGE)
case("FGP021", "pass-tf-subnets-from-variable",
     "The task subnets come from a variable: their route tables are not known, so no finding.",
     net="subnet_var", endpoints=[], image=ECR_IMAGE)
case("FGP021", "pass-tf-endpoints-registry-module",
     "Private-only subnets whose endpoints come from terraform-aws-modules/vpc/aws//modules/vpc-endpoints,\n"
     "installed by terraform init (.terraform/modules): the endpoints are seen through the module.",
     net="private", endpoints=BASE_EP, module=True, module_installed=True, image=ECR_IMAGE)
case("FGP021", "pass-tf-endpoints-registry-module-not-installed",
     "The same configuration before terraform init: the module's endpoints are not visible, so\n"
     "nothing is known about them and nothing is reported.",
     net="private", endpoints=BASE_EP, module=True, image=ECR_IMAGE)
case("FGP021", "fail-cfn-missing-s3",
     "Private-only subnets and an ECR image: ecr.api, ecr.dkr and logs endpoints exist, the S3\n"
     "gateway endpoint (image layers) does not.",
     net="private", endpoints=["ecr.api", "ecr.dkr", "logs"], image=ECR_IMAGE)
case("FGP021", "pass-cfn-all-endpoints",
     "The fix: an S3 gateway endpoint on the private route table.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE)
case("FGP021", "fail-cfn-missing-ecr-api",
     "Private-only subnets and an ECR image: ecr.dkr, S3 and logs endpoints exist, ecr.api\n"
     "(the registry auth token) does not.",
     net="private", endpoints=["ecr.dkr", "s3", "logs"], image=ECR_IMAGE, json=True)
case("FGP021", "pass-cfn-ecr-api-endpoint",
     "The fix: the ecr.api interface endpoint with private DNS.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, json=True)
case("FGP021", "fail-plan-missing-ecr-dkr",
     "Planned: private-only subnets, ECR image, no ecr.dkr endpoint.",
     net="private", endpoints=["ecr.api", "s3", "logs"], image=ECR_IMAGE)
case("FGP021", "pass-plan-all-endpoints",
     "Planned: the fix, every endpoint present.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE)
case("FGP021", "pass-plan-subnets-from-variable",
     "Planned: the task subnets are ids given in a variable (subnets of another stack): their\n"
     "route tables are not in the plan, so nothing is reported.",
     net="subnet_var", endpoints=[], image=ECR_IMAGE,
     var_values={"subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]})

# ---- FGP022: logs
case("FGP022", "fail-tf-missing-logs",
     "Private-only subnets, every ECR endpoint, a container logging with awslogs, and no\n"
     "CloudWatch Logs endpoint.",
     net="private", endpoints=["ecr.api", "ecr.dkr", "s3"], image=ECR_IMAGE)
case("FGP022", "pass-tf-logs-endpoint",
     "The fix: a logs interface endpoint with private DNS in the task subnets.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE)
case("FGP022", "pass-tf-behind-nat",
     "awslogs in private subnets behind a NAT gateway: no logs endpoint needed.",
     net="nat", endpoints=[], image=ECR_IMAGE)
case("FGP022", "fail-cfn-missing-logs",
     "Private-only subnets, every ECR endpoint, awslogs, no CloudWatch Logs endpoint.",
     net="private", endpoints=["ecr.api", "ecr.dkr", "s3"], image=ECR_IMAGE)
case("FGP022", "pass-cfn-logs-endpoint",
     "The fix: a logs interface endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE)
case("FGP022", "fail-plan-missing-logs",
     "Planned: private-only subnets, awslogs, no logs endpoint.",
     net="private", endpoints=["ecr.api", "ecr.dkr", "s3"], image=ECR_IMAGE)
case("FGP022", "pass-plan-logs-endpoint",
     "Planned: the fix.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE)

# ---- FGP023: secretsmanager
EP_SM = BASE_EP + ["secretsmanager"]
case("FGP023", "fail-tf-missing-secretsmanager",
     "Private-only subnets with the ECR and logs endpoints; a container secret comes from Secrets\n"
     "Manager (the execution role may read it), but there is no secretsmanager endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, secrets=["sm"])
case("FGP023", "pass-tf-secretsmanager-endpoint",
     "The fix: a secretsmanager interface endpoint with private DNS.",
     net="private", endpoints=EP_SM, image=ECR_IMAGE, secrets=["sm"])
case("FGP023", "fail-cfn-missing-secretsmanager",
     "Private-only subnets, a Secrets Manager secret in the container, no secretsmanager endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, secrets=["sm"], json=True)
case("FGP023", "pass-cfn-secretsmanager-endpoint",
     "The fix: a secretsmanager interface endpoint.",
     net="private", endpoints=EP_SM, image=ECR_IMAGE, secrets=["sm"], json=True)
case("FGP023", "fail-plan-missing-secretsmanager",
     "Planned: private-only subnets, a Secrets Manager secret, no secretsmanager endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, secrets=["sm"])
case("FGP023", "pass-plan-secretsmanager-endpoint",
     "Planned: the fix.",
     net="private", endpoints=EP_SM, image=ECR_IMAGE, secrets=["sm"])
case("FGP023", "pass-tf-ssm-secret-only",
     "A Parameter Store secret only (with its ssm endpoint): no secretsmanager endpoint is needed.",
     net="private", endpoints=BASE_EP + ["ssm"], image=ECR_IMAGE, secrets=["ssm"])

# ---- FGP024: ssm
EP_SSM = BASE_EP + ["ssm"]
case("FGP024", "fail-tf-missing-ssm",
     "Private-only subnets with the ECR and logs endpoints; a container secret comes from\n"
     "Parameter Store, but there is no ssm endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, secrets=["ssm"])
case("FGP024", "pass-tf-ssm-endpoint",
     "The fix: an ssm interface endpoint with private DNS.",
     net="private", endpoints=EP_SSM, image=ECR_IMAGE, secrets=["ssm"])
case("FGP024", "fail-cfn-missing-ssm",
     "Private-only subnets, a Parameter Store secret in the container, no ssm endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, secrets=["ssm"])
case("FGP024", "pass-cfn-ssm-endpoint",
     "The fix: an ssm interface endpoint.",
     net="private", endpoints=EP_SSM, image=ECR_IMAGE, secrets=["ssm"])
case("FGP024", "fail-plan-missing-ssm",
     "Planned: private-only subnets, a Parameter Store secret, no ssm endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, secrets=["ssm"])
case("FGP024", "pass-plan-ssm-endpoint",
     "Planned: the fix.",
     net="private", endpoints=EP_SSM, image=ECR_IMAGE, secrets=["ssm"])
case("FGP024", "pass-cfn-ssm-behind-nat",
     "A Parameter Store secret in private subnets behind a NAT gateway: no ssm endpoint needed.",
     net="nat", endpoints=[], image=ECR_IMAGE, secrets=["ssm"])

case("FGP016", "pass-cfn-dockerhub-transit-gateway",
     "Private subnets whose default route goes to a transit gateway shared by the network account:\n"
     "whether that reaches the internet is not visible here, so no finding.",
     net="tgw", endpoints=[], image=DOCKER, json=True)
case("FGP021", "pass-cfn-subnets-from-parameter",
     "The task subnets are a stack parameter (subnets of a shared VPC): their route tables are not\n"
     "in the template, so nothing is reported.",
     net="subnet_var", endpoints=[], image=ECR_IMAGE)
case("FGP021", "pass-tf-platform-version-1-3-0",
     "Private-only subnets, a service pinned to Fargate platform version 1.3.0, with the ecr.dkr,\n"
     "S3 and logs endpoints but no ecr.api: before 1.4.0 the registry auth did not go through the\n"
     "task's network interface, so ecr.api is not needed (the legacy version itself is FGP051's).",
     net="private", endpoints=["ecr.dkr", "s3", "logs"], image=ECR_IMAGE, platform_version="1.3.0")
case("FGP022", "fail-cfn-scheduled-task-missing-logs",
     "A scheduled task (EventBridge rule target) in private-only subnets with the ECR endpoints,\n"
     "awslogs, and no CloudWatch Logs endpoint.",
     net="private", endpoints=["ecr.api", "ecr.dkr", "s3"], image=ECR_IMAGE, site="schedule")
case("FGP022", "pass-cfn-scheduled-task-logs-endpoint",
     "The fix: a logs interface endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, site="schedule")
case("FGP022", "fail-tf-scheduled-task-missing-logs",
     "A scheduled task (aws_cloudwatch_event_target with ecs_target) in private-only subnets with the\n"
     "ECR endpoints, awslogs, and no CloudWatch Logs endpoint.",
     net="private", endpoints=["ecr.api", "ecr.dkr", "s3"], image=ECR_IMAGE, site="schedule")
case("FGP022", "pass-tf-scheduled-task-logs-endpoint",
     "The fix: a logs interface endpoint.",
     net="private", endpoints=BASE_EP, image=ECR_IMAGE, site="schedule")
case("FGP021", "fail-cfn-subnets-on-main-route-table",
     "The task subnets have no route table association: they use the main route table of the VPC\n"
     "created here, to which a template cannot add a route: the local route only.",
     net="private", endpoints=[], image=ECR_IMAGE, no_assoc=True, json=True)
case("FGP016", "fail-tf-dockerhub-subnets-on-main-route-table",
     "The task subnets have no route table association: they use the main route table of\n"
     "aws_vpc.main, which this configuration creates and nothing edits: the local route only.",
     net="private", endpoints=[], image=DOCKER, no_assoc=True)

CASES = C
