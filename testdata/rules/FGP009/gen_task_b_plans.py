# Writes the plan cases of FGP009, FGP010, FGP011 and FGP014: what `terraform show -json`
# (Terraform 1.9.5, AWS provider 5.x) prints for the configuration described in each case's
# comment. Written by hand from the plan format (no terraform binary here), in the manner of
# testdata/plan/gen_equivalence_plan.py. `container_definitions` is written the way the provider
# normalises it (its StateFunc: known keys only, sorted). Values computed at apply (ARNs, ids)
# are in `after_unknown`, and `configuration` says which resource attribute they come from. The
# execution role exists already (a `no-op` change whose values come from the state): see
# new_exec_role for a role created by the same plan.
# Run from the package root: python3 testdata/rules/FGP009/gen_task_b_plans.py
import json, os, sys

P = "registry.terraform.io/hashicorp/aws"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def ref(*parts):
    out = []
    for p in parts:
        out += [p, p.rsplit('.', 1)[0]]
    return {"references": out}

def c(v):
    return {"constant_value": v}

def cd(containers):
    return json.dumps(containers, separators=(',', ':'), sort_keys=True)

def doc(statements):
    return json.dumps({"Statement": statements, "Version": "2012-10-17"}, separators=(',', ':'), sort_keys=True)

TRUST = doc([{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}])
EXEC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

class Plan:
    def __init__(self, comment):
        self.comment = comment
        self.managed = []
        self.data = []
        self.role_arn = None

    def res(self, t, n, values, unknown=(), exprs=None, provider_key="aws", action="create"):
        self.managed.append((t, n, values, list(unknown), exprs or {}, provider_key, action))

    def data_source(self, t, n, values, exprs=None, provider_key="aws"):
        self.data.append((t, n, values, exprs or {}, provider_key))

    # Common pieces -------------------------------------------------------------------------
    def exec_role(self, managed=True, account="123456789012"):
        # The role and its managed-policy attachment exist already (created by an earlier apply):
        # `no-op` changes whose values, ARN included, come from the state.
        arn = f"arn:aws:iam::{account}:role/app-exec"
        self.res("aws_iam_role", "exec",
                 {"arn": arn, "assume_role_policy": TRUST, "create_date": "2026-10-02T09:14:00Z",
                  "description": "", "force_detach_policies": False, "id": "app-exec",
                  "inline_policy": [], "managed_policy_arns": [EXEC_POLICY] if managed else [],
                  "max_session_duration": 3600, "name": "app-exec", "name_prefix": "", "path": "/",
                  "permissions_boundary": None, "tags": {}, "tags_all": {},
                  "unique_id": "AROAEXAMPLEEXECROLE01"},
                 [], {"assume_role_policy": c(TRUST), "name": c("app-exec")}, action="no-op")
        self.role_arn = arn
        if managed:
            self.res("aws_iam_role_policy_attachment", "exec",
                     {"id": "app-exec-20261002091400000000000001", "policy_arn": EXEC_POLICY,
                      "role": "app-exec"}, [],
                     {"policy_arn": c(EXEC_POLICY), "role": ref("aws_iam_role.exec.name")},
                     action="no-op")

    def new_exec_role(self, managed=True):
        # A role created by this plan: its ARN, and `inline_policy` / `managed_policy_arns`
        # (computed from the attachments), are known only after apply.
        self.role_arn = None
        self.res("aws_iam_role", "exec",
                 {"assume_role_policy": TRUST, "description": None, "force_detach_policies": False,
                  "max_session_duration": 3600, "name": "app-exec", "path": "/",
                  "permissions_boundary": None, "tags": None},
                 ["arn", "create_date", "id", "inline_policy", "managed_policy_arns", "name_prefix",
                  "tags_all", "unique_id"],
                 {"assume_role_policy": c(TRUST), "name": c("app-exec")})
        if managed:
            self.res("aws_iam_role_policy_attachment", "exec",
                     {"policy_arn": EXEC_POLICY, "role": "app-exec"}, ["id"],
                     {"policy_arn": c(EXEC_POLICY), "role": ref("aws_iam_role.exec.name")})

    def role_policy(self, name, statements, exprs_refs=()):
        # The policy JSON is known at plan time only when every value in it is known.
        text = doc(statements)
        self.res("aws_iam_role_policy", name,
                 {"name": name, "name_prefix": None, "policy": text, "role": "app-exec"},
                 ["id"],
                 {"name": c(name),
                  "policy": {"references": list(exprs_refs)} if exprs_refs else c(text),
                  "role": ref("aws_iam_role.exec.id")})

    def role_policy_unknown(self, name, exprs_refs):
        self.res("aws_iam_role_policy", name, {"name": name, "name_prefix": None},
                 ["id", "policy", "role"],
                 {"name": c(name), "policy": {"references": list(exprs_refs)},
                  "role": ref("aws_iam_role.exec.id")})

    def task(self, containers, cd_refs=(), name="app", role_expr=None):
        text = cd(containers)
        role_unknown = ["execution_role_arn"] if self.role_arn is None else []
        self.res("aws_ecs_task_definition", name,
                 {"container_definitions": text, "cpu": "256", "execution_role_arn": self.role_arn, "ephemeral_storage": [], "family": name,
                  "inference_accelerator": [], "ipc_mode": None, "memory": "512",
                  "network_mode": "awsvpc", "pid_mode": None, "placement_constraints": [],
                  "proxy_configuration": [], "requires_compatibilities": ["FARGATE"],
                  "runtime_platform": [], "skip_destroy": False, "tags": None, "task_role_arn": None,
                  "track_latest": False, "volume": []},
                 ["arn", "arn_without_revision", "id", "revision", "tags_all"] + role_unknown,
                 {"container_definitions": {"references": list(cd_refs)} if cd_refs else c(text),
                  "cpu": c("256"), "execution_role_arn": role_expr or ref("aws_iam_role.exec.arn"),
                  "family": c(name), "memory": c("512"), "network_mode": c("awsvpc"),
                  "requires_compatibilities": c(["FARGATE"])})

    def task_unknown_cd(self, cd_refs, name="app"):
        self.res("aws_ecs_task_definition", name,
                 {"cpu": "256", "execution_role_arn": self.role_arn, "family": name, "memory": "512", "network_mode": "awsvpc",
                  "requires_compatibilities": ["FARGATE"], "skip_destroy": False, "tags": None,
                  "task_role_arn": None, "track_latest": False},
                 ["arn", "arn_without_revision", "container_definitions", "id", "revision", "tags_all"],
                 {"container_definitions": {"references": list(cd_refs)}, "cpu": c("256"),
                  "execution_role_arn": ref("aws_iam_role.exec.arn"), "family": c(name),
                  "memory": c("512"), "network_mode": c("awsvpc"),
                  "requires_compatibilities": c(["FARGATE"])})

    # Output ------------------------------------------------------------------------------------
    def write(self, case_dir, providers=None):
        providers = providers or {"aws": {"name": "aws", "full_name": P,
                                          "expressions": {"region": c("eu-west-1")}}}
        pv, rc, cfg = [], [], []
        for t, n, values, unknown, exprs, pk, action in sorted(self.managed, key=lambda r: f"{r[0]}.{r[1]}"):
            addr = f"{t}.{n}"
            pv.append({"address": addr, "mode": "managed", "type": t, "name": n,
                       "provider_name": P, "schema_version": 0, "values": values,
                       "sensitive_values": {}})
            rc.append({"address": addr, "mode": "managed", "type": t, "name": n,
                       "provider_name": P,
                       "change": {"actions": [action],
                                  "before": values if action == "no-op" else None,
                                  "after": values,
                                  "after_unknown": {k: True for k in unknown},
                                  "before_sensitive": {} if action == "no-op" else False,
                                  "after_sensitive": {}}})
            cfg.append({"address": addr, "mode": "managed", "type": t, "name": n,
                        "provider_config_key": pk, "expressions": exprs, "schema_version": 0})
        prior = []
        for t, n, values, exprs, pk in self.data:
            addr = f"data.{t}.{n}"
            prior.append({"address": addr, "mode": "data", "type": t, "name": n,
                          "provider_name": P, "schema_version": 0, "values": values,
                          "sensitive_values": {}})
            cfg.append({"address": addr, "mode": "data", "type": t, "name": n,
                        "provider_config_key": pk, "expressions": exprs, "schema_version": 0})
        plan = {"format_version": "1.2", "terraform_version": "1.9.5",
                "planned_values": {"root_module": {"resources": pv}},
                "resource_changes": rc}
        if prior:
            plan["prior_state"] = {"format_version": "1.0", "terraform_version": "1.9.5",
                                   "values": {"root_module": {"resources": prior}}}
        plan["configuration"] = {"provider_config": providers, "root_module": {"resources": cfg}}
        plan.update({"timestamp": "2026-11-28T21:00:00Z", "applyable": True, "complete": True,
                     "errored": False})
        os.makedirs(case_dir, exist_ok=True)
        with open(os.path.join(case_dir, "plan.json"), "w") as f:
            json.dump(plan, f, indent=2)
            f.write("\n")
        with open(os.path.join(case_dir, "README.md"), "w") as f:
            f.write(self.comment.strip() + "\n")

IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2"
cases = {}

# FGP009 ------------------------------------------------------------------------------------------
TOKEN = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/api-token"
def fgp009(grant):
    p = Plan(("Plan of a new task definition and execution role. The API token is an existing "
              "Parameter Store parameter named by its ARN; "
              + ("an inline policy allows `ssm:GetParameters` on it." if grant else
                 "the role only has AmazonECSTaskExecutionRolePolicy (no `ssm:GetParameters`).")
              + " The role ARN is known only after apply."))
    p.exec_role()
    if grant:
        p.role_policy("read-parameters", [{"Action": "ssm:GetParameters", "Effect": "Allow", "Resource": TOKEN}])
    p.task([{"essential": True, "image": IMAGE, "name": "app",
             "secrets": [{"name": "API_TOKEN", "valueFrom": TOKEN}]}])
    return p
cases["FGP009/fail-plan-ssm-parameter"] = fgp009(False)
cases["FGP009/pass-plan-ssm-parameter"] = fgp009(True)

p = Plan("Plan where the secret is created in the same run: its ARN, and so `container_definitions`, "
         "are known only after apply. Nothing can be said before apply: no finding.")
p.exec_role()
p.res("aws_secretsmanager_secret", "db",
      {"description": None, "force_overwrite_replica_secret": False, "kms_key_id": None,
       "name": "prod/app/db-password", "recovery_window_in_days": 30, "tags": None},
      ["arn", "id", "name_prefix", "policy", "replica", "tags_all"],
      {"name": c("prod/app/db-password")})
p.task_unknown_cd(["aws_secretsmanager_secret.db.arn", "aws_secretsmanager_secret.db"])
cases["FGP009/pass-plan-container-definitions-unknown"] = p

# FGP010 ------------------------------------------------------------------------------------------
HUB = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub/ci-AbCdEf"
def fgp010(grant):
    p = Plan(("Plan of a task pulling a private Docker Hub image with credentials read by a data "
              "source (known at plan time); "
              + ("an inline policy allows `secretsmanager:GetSecretValue` on the secret." if grant else
                 "the execution role only has AmazonECSTaskExecutionRolePolicy.")))
    p.exec_role()
    p.data_source("aws_secretsmanager_secret", "dockerhub",
                  {"arn": HUB, "description": "Docker Hub pull credentials", "id": HUB,
                   "kms_key_id": "", "name": "dockerhub/ci", "policy": "", "tags": {}},
                  {"name": c("dockerhub/ci")})
    if grant:
        p.role_policy("registry-credentials",
                      [{"Action": "secretsmanager:GetSecretValue", "Effect": "Allow", "Resource": HUB}],
                      ["data.aws_secretsmanager_secret.dockerhub.arn", "data.aws_secretsmanager_secret.dockerhub"])
    p.task([{"essential": True, "image": "myorg/private-app:2.1", "name": "app",
             "repositoryCredentials": {"credentialsParameter": HUB}}],
           ["data.aws_secretsmanager_secret.dockerhub.arn", "data.aws_secretsmanager_secret.dockerhub"])
    return p
cases["FGP010/fail-plan-no-getsecretvalue"] = fgp010(False)
cases["FGP010/pass-plan-getsecretvalue"] = fgp010(True)
p = fgp010(True)
p.comment += (" The data source reports `kms_key_id = \"\"`: the secret uses the AWS managed key, so no "
              "`kms:Decrypt` is needed.")
cases["FGP011/pass-plan-data-source-default-key"] = p

# FGP011 ------------------------------------------------------------------------------------------
def fgp011(grant):
    p = Plan(("Plan of a SecureString parameter encrypted with a new customer managed key, read by "
              "name (`valueFrom = aws_ssm_parameter.token.name`). The role may call "
              "`ssm:GetParameters`; "
              + ("an inline policy allows `kms:Decrypt` (on `*`: the key ARN is known only after apply)." if grant
                 else "nothing allows `kms:Decrypt` on the key.")))
    p.exec_role()
    p.res("aws_kms_key", "app",
          {"bypass_policy_lockout_safety_check": False, "customer_master_key_spec": "SYMMETRIC_DEFAULT",
           "custom_key_store_id": None, "deletion_window_in_days": 7, "description": "app secrets",
           "enable_key_rotation": True, "is_enabled": True, "key_usage": "ENCRYPT_DECRYPT",
           "tags": None},
          ["arn", "id", "key_id", "multi_region", "policy", "rotation_period_in_days", "tags_all"],
          {"deletion_window_in_days": c(7), "description": c("app secrets"),
           "enable_key_rotation": c(True)})
    p.res("aws_ssm_parameter", "token",
          {"allowed_pattern": None, "data_type": "text", "description": None, "name": "/app/api-token",
           "overwrite": None, "tags": None, "tier": "Standard", "type": "SecureString",
           "value": "placeholder", "value_wo": None},
          ["arn", "id", "insecure_value", "key_id", "tags_all", "version"],
          {"key_id": ref("aws_kms_key.app.arn"), "name": c("/app/api-token"),
           "type": c("SecureString"), "value": c("placeholder")})
    p.role_policy("read-parameters", [{"Action": "ssm:GetParameters", "Effect": "Allow",
                                       "Resource": "arn:aws:ssm:eu-west-1:*:parameter/app/*"}])
    if grant:
        p.role_policy("decrypt-parameters", [{"Action": "kms:Decrypt", "Effect": "Allow", "Resource": "*"}])
    p.task([{"essential": True, "image": IMAGE, "name": "app",
             "secrets": [{"name": "API_TOKEN", "valueFrom": "/app/api-token"}]}],
           ["aws_ssm_parameter.token.name", "aws_ssm_parameter.token"])
    return p
cases["FGP011/fail-plan-securestring-cmk"] = fgp011(False)
cases["FGP011/pass-plan-securestring-cmk"] = fgp011(True)

# FGP014 ------------------------------------------------------------------------------------------
SHARED_IMAGE = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/shared/app:1.4.2"
def fgp014(grant, registry_policy=False, org=False):
    principals = ["arn:aws:iam::333333333333:root"] + (["arn:aws:iam::222222222222:root"] if grant else [])
    stmt = {"Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Effect": "Allow",
            "Principal": {"AWS": principals if len(principals) > 1 else principals[0]},
            "Sid": "AllowPullFromWorkloadAccounts"}
    if org:
        stmt = {"Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Effect": "Allow",
                "Principal": "*", "Sid": "AllowPullFromOrganization",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    pol = doc([stmt])
    p = Plan(("Plan of a configuration that manages the shared ECR repository in account 111111111111 "
              "(provider `aws.shared`) and the task in account 222222222222 (`data.aws_caller_identity`, "
              "read at plan time); the task names its execution role (managed by the platform stack) by ARN. "
              "The repository policy allows "
              + ("every principal of the organisation (`aws:PrincipalOrgID`) to pull; whether "
                 "222222222222 belongs to it is not visible." if org else
                 "both workload accounts 333333333333 and 222222222222." if grant else
                 "only account 333333333333 to pull.")
              + (" The registry policy of 111111111111 (V2 scope, the default, which applies to every "
                 "ECR action) allows account 222222222222 to pull every repository: the pull can "
                 "succeed, nothing must be reported." if registry_policy else "")))
    p.data_source("aws_caller_identity", "current",
                  {"account_id": "222222222222", "arn": "arn:aws:sts::222222222222:assumed-role/deploy/ci",
                   "id": "222222222222", "user_id": "AROAEXAMPLE:ci"}, {})
    p.res("aws_ecr_repository", "shared",
          {"encryption_configuration": [], "force_delete": None, "image_scanning_configuration": [],
           "image_tag_mutability": "MUTABLE", "name": "shared/app", "tags": None, "timeouts": None},
          ["arn", "id", "registry_id", "repository_url", "tags_all"],
          {"name": c("shared/app")}, provider_key="aws.shared")
    p.res("aws_ecr_repository_policy", "shared",
          {"policy": pol, "repository": "shared/app"}, ["id", "registry_id"],
          {"policy": c(pol), "repository": ref("aws_ecr_repository.shared.name")},
          provider_key="aws.shared")
    if registry_policy:
        rp = doc([{"Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Effect": "Allow",
                   "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
                   "Resource": "arn:aws:ecr:eu-west-1:111111111111:repository/*",
                   "Sid": "AllowPullFromWorkloadAccount"}])
        p.res("aws_ecr_registry_policy", "shared", {"policy": rp}, ["id", "registry_id"],
              {"policy": c(rp)}, provider_key="aws.shared")
    # The execution role belongs to the workload's platform stack: the task names it by ARN.
    p.role_arn = "arn:aws:iam::222222222222:role/platform-ecs-task-execution"
    p.task([{"essential": True, "image": SHARED_IMAGE, "name": "app"}], role_expr=c(p.role_arn))
    return p
PROVIDERS_2 = {"aws": {"name": "aws", "full_name": P, "expressions": {"region": c("eu-west-1"),
                                                                      "allowed_account_ids": c(["222222222222"])}},
               "aws.shared": {"name": "aws", "full_name": P, "alias": "shared",
                              "expressions": {"region": c("eu-west-1"),
                                              "allowed_account_ids": c(["111111111111"])}}}
cases["FGP014/fail-plan-repository-policy-other-account"] = (fgp014(False), PROVIDERS_2)
cases["FGP014/pass-plan-repository-policy-grants-account"] = (fgp014(True), PROVIDERS_2)
cases["FGP014/pass-plan-registry-policy-grants-pull"] = (fgp014(False, registry_policy=True), PROVIDERS_2)
cases["FGP014/pass-plan-org-condition"] = (fgp014(False, org=True), PROVIDERS_2)

for name, p in cases.items():
    providers = None
    if isinstance(p, tuple):
        p, providers = p
    p.write(os.path.join(ROOT, name), providers)
print(len(cases))
