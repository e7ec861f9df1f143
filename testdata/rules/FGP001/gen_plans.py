# Writes the `plan` cases of FGP001-FGP007 (testdata/rules/FGP00[1-7]/*-plan-*): what
# `terraform show -json` (Terraform 1.9.5, AWS provider 5.x) prints for small configurations,
# written by hand from the plan format like testdata/plan/gen_equivalence_plan.py (there is no
# terraform binary here). Expressions written with jsonencode() carry no `constant_value` in the
# plan's `configuration`, only their references, as Terraform prints them.
#
# Cases whose rule reads the execution role's policies also get the `.tf` sources in `tf/` (with
# `--tf-root` in `args`, and `.pullpathignore` so that the sources are not read as a second unit):
# without them, the role's computed `inline_policy` / `managed_policy_arns` ("known after apply")
# may hide attached policies and every permission stays unknown (see `pass-plan-no-tf-sources`).
#
# Run from the package root: python3 testdata/rules/FGP001/gen_plans.py
import copy, json, os

P = "registry.terraform.io/hashicorp/aws"
ROOT = "testdata/rules"
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"
REPO_ARN = "arn:aws:ecr:eu-west-1:123456789012:repository/app"
MANAGED_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TRUST = {"Version": "2012-10-17", "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}


def ref(*parts):
    out = []
    for p in parts:
        out += [p, p.rsplit(".", 1)[0]]
    return {"references": out}


def c(v):
    return {"constant_value": v}


def cj(v):
    return json.dumps(v, separators=(",", ":"), sort_keys=True)


# type -> (schema_version, attributes computed at create, defaults in `values`, sensitive_values)
SCHEMA = {
    "aws_ecr_repository": (0, ["arn", "id", "registry_id", "repository_url", "tags_all"],
                           {"force_delete": None, "image_tag_mutability": "MUTABLE", "tags": None, "timeouts": None},
                           {"encryption_configuration": [], "image_scanning_configuration": [], "tags_all": {}}),
    "aws_iam_role": (0, ["arn", "create_date", "id", "inline_policy", "managed_policy_arns", "name_prefix", "tags_all", "unique_id"],
                     {"description": None, "force_detach_policies": False, "max_session_duration": 3600, "path": "/", "permissions_boundary": None, "tags": None},
                     {"inline_policy": [], "managed_policy_arns": [], "tags_all": {}}),
    "aws_iam_role_policy": (0, ["id", "name_prefix"], {}, {}),
    "aws_iam_role_policy_attachment": (0, ["id"], {}, {}),
    "aws_cloudwatch_log_group": (0, ["arn", "id", "log_group_class", "name_prefix", "tags_all"],
                                 {"kms_key_id": None, "retention_in_days": 30, "skip_destroy": False, "tags": None}, {"tags_all": {}}),
    "aws_ecs_task_definition": (1, ["arn", "arn_without_revision", "id", "revision", "tags_all"],
                                {"cpu": "256", "ephemeral_storage": [], "inference_accelerator": [], "ipc_mode": None, "memory": "512",
                                 "network_mode": "awsvpc", "pid_mode": None, "placement_constraints": [], "proxy_configuration": [],
                                 "requires_compatibilities": ["FARGATE"], "runtime_platform": [], "skip_destroy": False, "tags": None,
                                 "task_role_arn": None, "track_latest": False, "volume": []},
                                {"ephemeral_storage": [], "inference_accelerator": [], "placement_constraints": [], "proxy_configuration": [],
                                 "requires_compatibilities": [False], "runtime_platform": [], "tags_all": {}, "volume": []}),
}


class Case:
    """One configuration, kept as a plan and (optionally) as the HCL it comes from."""

    def __init__(self, comment):
        self.R = []
        self.hcl = ['provider "aws" {\n  region = "eu-west-1"\n}\n']
        self.comment = comment

    def res(self, t, n, values, exprs, unknown=(), hcl=None):
        sv, computed, defaults, sens = SCHEMA[t]
        after = dict(defaults)
        after.update(values)
        unk = {k: True for k in computed}
        for k in unknown:
            unk[k] = True
        after = {k: v for k, v in after.items() if not unk.get(k)}
        self.R.append((f"{t}.{n}", t, n, sv, after, unk, sens, exprs))
        if hcl:
            self.hcl.append(hcl)

    def write(self, rule, name, sources):
        d = os.path.join(ROOT, rule, name)
        os.makedirs(d, exist_ok=True)
        R = sorted(self.R, key=lambda r: r[0])
        pv, rc, cfg, rel = [], [], [], set()

        def walk(e):
            if isinstance(e, dict):
                if "references" in e:
                    for r in e["references"]:
                        p = r.split(".")
                        if len(p) == 3:
                            rel.add((p[0] + "." + p[1], p[2]))
                else:
                    for v in e.values():
                        walk(v)
            elif isinstance(e, list):
                for v in e:
                    walk(v)

        for addr, t, n, sv, after, unk, sens, exprs in R:
            pv.append({"address": addr, "mode": "managed", "type": t, "name": n, "provider_name": P,
                       "schema_version": sv, "values": after, "sensitive_values": sens})
            rc.append({"address": addr, "mode": "managed", "type": t, "name": n, "provider_name": P,
                       "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unk,
                                  "before_sensitive": False, "after_sensitive": sens}})
            cfg.append({"address": addr, "mode": "managed", "type": t, "name": n, "provider_config_key": "aws",
                        "expressions": exprs, "schema_version": sv})
            walk(exprs)
        plan = {
            "format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": pv}},
            "resource_changes": rc,
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": P, "expressions": {"region": c("eu-west-1")}}},
                              "root_module": {"resources": cfg}},
            "relevant_attributes": [{"resource": r, "attribute": [a]} for r, a in sorted(rel)],
            "timestamp": "2026-11-28T20:30:00Z", "applyable": True, "complete": True, "errored": False,
        }
        with open(os.path.join(d, "plan.json"), "w") as f:
            json.dump(plan, f, indent=2)
            f.write("\n")
        if sources:
            os.makedirs(os.path.join(d, "tf"), exist_ok=True)
            with open(os.path.join(d, "tf", "main.tf"), "w") as f:
                f.write("".join("# " + l + "\n" for l in self.comment.strip().split("\n")))
                f.write("\n".join(self.hcl))
            with open(os.path.join(d, ".pullpathignore"), "w") as f:
                f.write("# tf/ holds the sources of plan.json, given with --tf-root (see args)\ntf/\n")
            with open(os.path.join(d, "args"), "w") as f:
                f.write(f"--tf-root={d}/tf\n")


# --- building blocks ---------------------------------------------------------------------

def hcl_doc(doc, indent="  "):
    """A policy document as HCL jsonencode({...}) text."""
    def val(v, ind):
        if isinstance(v, str):
            if v.startswith("${ref:") and v.endswith("}") and v.count("${") == 1:
                return v[6:-1]
            return json.dumps(v.replace("${ref:", "${"))
        if isinstance(v, list):
            if all(isinstance(x, str) for x in v) and len(v) <= 3:
                return "[" + ", ".join(val(x, ind) for x in v) + "]"
            inner = ind + "  "
            return "[\n" + "".join(f"{inner}{val(x, inner)},\n" for x in v) + ind + "]"
        if isinstance(v, dict):
            inner = ind + "  "
            w = max(len(k if k.replace("_", "").isalnum() else json.dumps(k)) for k in v)
            lines = []
            for k, x in v.items():
                key = k if k.replace("_", "").isalnum() else json.dumps(k)
                lines.append(f"{inner}{key.ljust(w)} = {val(x, inner)}\n")
            return "{\n" + "".join(lines) + ind + "}"
        return json.dumps(v)
    return "jsonencode(" + val(doc, indent) + ")"


def strip_refs(doc):
    """The planned JSON of a document written with `${ref:...}` leaves (they are unknown)."""
    return json.loads(json.dumps(doc).replace("${ref:", "").replace("}\"", "\""))


def role(case, trust=TRUST):
    case.res("aws_iam_role", "exec", {"assume_role_policy": cj(trust), "name": "app-exec"},
             {"assume_role_policy": {}, "name": c("app-exec")},
             hcl=f'resource "aws_iam_role" "exec" {{\n  name               = "app-exec"\n  assume_role_policy = {hcl_doc(trust)}\n}}\n')


def managed(case, arn=MANAGED_ARN):
    case.res("aws_iam_role_policy_attachment", "exec", {"policy_arn": arn, "role": "app-exec"},
             {"policy_arn": c(arn), "role": ref("aws_iam_role.exec.name")},
             hcl=f'resource "aws_iam_role_policy_attachment" "exec" {{\n  role       = aws_iam_role.exec.name\n  policy_arn = "{arn}"\n}}\n')


def inline(case, name, doc, refs=()):
    """An inline policy; `refs` lists the resource attributes it references (then it is unknown
    until apply)."""
    values = {"name": name, "role": "app-exec"}
    unknown = []
    if refs:
        unknown = ["policy"]
    else:
        values["policy"] = cj(doc)
    case.res("aws_iam_role_policy", name, values,
             {"name": c(name), "policy": ref(*refs) if refs else {}, "role": ref("aws_iam_role.exec.name")},
             unknown=unknown,
             hcl=f'resource "aws_iam_role_policy" "{name}" {{\n  name   = "{name}"\n  role   = aws_iam_role.exec.name\n  policy = {hcl_doc(doc)}\n}}\n')


def log_group(case):
    case.res("aws_cloudwatch_log_group", "app", {"name": "/ecs/app"}, {"name": c("/ecs/app"), "retention_in_days": c(30)},
             hcl='resource "aws_cloudwatch_log_group" "app" {\n  name              = "/ecs/app"\n  retention_in_days = 30\n}\n')


def repository(case):
    case.res("aws_ecr_repository", "app", {"name": "app"}, {"name": c("app")},
             hcl='resource "aws_ecr_repository" "app" {\n  name = "app"\n}\n')


def task_definition(case, logs=False, create_group=False, with_role=True, declared=False):
    cd = {"essential": True, "image": IMAGE, "name": "app"}
    hcl_c = {"name": "app", "image": IMAGE, "essential": True}
    refs = []
    if logs:
        o = {"awslogs-group": "/ecs/app", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "app"}
        ho = {"awslogs-group": "${ref:aws_cloudwatch_log_group.app.name}", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "app"}
        if create_group:
            o = {"awslogs-create-group": "true", "awslogs-group": "/ecs/app", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "app"}
            ho = {"awslogs-group": "/ecs/app", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "app", "awslogs-create-group": "true"}
            if declared:
                ho["awslogs-group"] = "${ref:aws_cloudwatch_log_group.app.name}"
                refs = ["aws_cloudwatch_log_group.app.name"]
        else:
            refs = ["aws_cloudwatch_log_group.app.name"]
        cd["logConfiguration"] = {"logDriver": "awslogs", "options": o}
        hcl_c["logConfiguration"] = {"logDriver": "awslogs", "options": ho}
    values = {"container_definitions": cj([cd]), "family": "app"}
    exprs = {"container_definitions": ref(*refs) if refs else {}, "cpu": c("256"), "family": c("app"), "memory": c("512"),
             "network_mode": c("awsvpc"), "requires_compatibilities": c(["FARGATE"])}
    unknown = []
    role_line = ""
    if with_role:
        exprs["execution_role_arn"] = ref("aws_iam_role.exec.arn")
        unknown = ["execution_role_arn"]
        role_line = "  execution_role_arn       = aws_iam_role.exec.arn\n"
    else:
        values["execution_role_arn"] = None
    case.res("aws_ecs_task_definition", "app", values, exprs, unknown=unknown,
             hcl='resource "aws_ecs_task_definition" "app" {\n  family                   = "app"\n'
                 '  requires_compatibilities = ["FARGATE"]\n  network_mode             = "awsvpc"\n'
                 '  cpu                      = "256"\n  memory                   = "512"\n' + role_line +
                 f'  container_definitions    = {hcl_doc([hcl_c])}\n}}\n')


def stmt(actions, resource, **kw):
    s = {"Effect": "Allow", "Action": actions, "Resource": resource}
    s.update(kw)
    return s


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


AUTH = stmt("ecr:GetAuthorizationToken", "*")
PULL = stmt(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], REPO_ARN)


# --- FGP001 ------------------------------------------------------------------------------
k = Case("A Fargate task definition with an ECR image and no execution role.")
task_definition(k, with_role=False)
k.write("FGP001", "fail-plan-ecr-image-no-role", sources=False)

k = Case("The execution role is created in the same apply: its ARN is unknown in the plan, but set.")
role(k); managed(k); task_definition(k)
k.write("FGP001", "pass-plan-role-unknown-before-apply", sources=False)

# --- FGP002 ------------------------------------------------------------------------------
t = copy.deepcopy(TRUST); t["Statement"][0]["Principal"]["Service"] = "ecs.amazonaws.com"
k = Case("The execution role trusts the ECS service, not ECS tasks.")
role(k, trust=t); managed(k); task_definition(k)
k.write("FGP002", "fail-plan-trusts-ecs-service", sources=False)

k = Case("The fix: the execution role trusts ecs-tasks.amazonaws.com.")
role(k); managed(k); task_definition(k)
k.write("FGP002", "pass-plan-trusts-ecs-tasks", sources=False)

# --- FGP003 ------------------------------------------------------------------------------
k = Case("The execution role may read the repository but was never given ecr:GetAuthorizationToken.")
role(k); inline(k, "ecr_pull", doc(PULL)); task_definition(k)
k.write("FGP003", "fail-plan-auth-token-missing", sources=True)

k = Case("The fix: ecr:GetAuthorizationToken on \"*\".")
role(k); inline(k, "ecr_pull", doc(AUTH, PULL)); task_definition(k)
k.write("FGP003", "pass-plan-auth-token-granted", sources=True)

k = Case("The failing configuration, but without its .tf sources: the role's computed inline_policy\n"
         "and managed_policy_arns are unknown in the plan and may hold more policies, so nothing is\n"
         "reported.")
role(k); inline(k, "ecr_pull", doc(PULL)); task_definition(k)
k.write("FGP003", "pass-plan-no-tf-sources", sources=False)

k = Case("The policy names the repository by reference: its ARN, and so the whole policy, is unknown\n"
         "until apply. Nothing is reported.")
repository(k)
role(k); inline(k, "ecr_pull", doc(stmt(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "${ref:aws_ecr_repository.app.arn}")),
                refs=["aws_ecr_repository.app.arn"])
task_definition(k)
k.write("FGP003", "pass-plan-policy-unknown-before-apply", sources=True)

# --- FGP004 ------------------------------------------------------------------------------
k = Case("One statement for every pull action, scoped to the repository: ecr:GetAuthorizationToken has\n"
         "no resource-level permissions, so it is never granted.")
role(k); inline(k, "ecr_pull", doc(stmt(["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], REPO_ARN)))
task_definition(k)
k.write("FGP004", "fail-plan-auth-token-scoped-to-repository", sources=True)

k = Case("The fix: ecr:GetAuthorizationToken in its own statement on \"*\".")
role(k); inline(k, "ecr_pull", doc(AUTH, PULL)); task_definition(k)
k.write("FGP004", "pass-plan-auth-token-on-star", sources=True)

# --- FGP005 ------------------------------------------------------------------------------
k = Case("The managed execution policy without its service-role/ path: the attachment fails.")
role(k); managed(k, arn="arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy"); task_definition(k)
k.write("FGP005", "fail-plan-execution-policy-without-service-role-path", sources=False)

k = Case("The fix: the managed execution policy with its service-role/ path.")
role(k); managed(k); task_definition(k)
k.write("FGP005", "pass-plan-execution-policy-with-service-role-path", sources=False)

# --- FGP006 ------------------------------------------------------------------------------
k = Case("awslogs, and an execution policy written for the ECR pull only.")
log_group(k); role(k); inline(k, "execution", doc(AUTH, PULL)); task_definition(k, logs=True)
k.write("FGP006", "fail-plan-no-log-permissions", sources=True)

k = Case("The fix: log stream permissions on the log group's streams.")
log_group(k); role(k)
inline(k, "execution", doc(AUTH, PULL, stmt(["logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:eu-west-1:*:log-group:/ecs/app:*")))
task_definition(k, logs=True)
k.write("FGP006", "pass-plan-log-permissions-granted", sources=True)

k = Case("The log statement names the log group's ARN, unknown until apply: so is the policy, and\n"
         "nothing is reported.")
log_group(k); role(k)
inline(k, "execution", doc(AUTH, PULL, stmt(["logs:CreateLogStream", "logs:PutLogEvents"], "${ref:aws_cloudwatch_log_group.app.arn}:*")),
       refs=["aws_cloudwatch_log_group.app.arn"])
task_definition(k, logs=True)
k.write("FGP006", "pass-plan-log-policy-unknown-before-apply", sources=True)

# --- FGP007 ------------------------------------------------------------------------------
k = Case("awslogs-create-group, and only the managed execution policy, which lacks logs:CreateLogGroup.")
role(k); managed(k); task_definition(k, logs=True, create_group=True)
k.write("FGP007", "fail-plan-create-group-managed-policy-only", sources=True)

k = Case("The fix: logs:CreateLogGroup on the group, next to the managed execution policy.")
role(k); managed(k)
inline(k, "create_log_group", doc(stmt("logs:CreateLogGroup", "arn:aws:logs:eu-west-1:*:log-group:/ecs/app:*")))
task_definition(k, logs=True, create_group=True)
k.write("FGP007", "pass-plan-create-group-allowed", sources=True)

k = Case("awslogs-create-group and only the managed execution policy, but the log group is declared:\n"
         "the awslogs driver creates the stream first and calls CreateLogGroup only when the group\n"
         "does not exist, so the permission is never used.")
role(k); managed(k); log_group(k)
task_definition(k, logs=True, create_group=True, declared=True)
k.write("FGP007", "pass-plan-create-group-log-group-declared", sources=True)
