#!/usr/bin/env bash
# Measures text output against JSON output on inputs built to stress the reporter (issue 9):
#   - many.tf: 10,000 Fargate task definitions without an execution role in one file
#     (10,000 FGP001 findings);
#   - big-plan.json: a one-line `terraform show -json` plan of about 50 MB whose 200 task
#     definitions (FGP001 findings) sit behind megabytes of other values, past column 65,535.
# Text should take about the time JSON takes (within ~3x) and print bounded snippets.
# Usage: scripts/render_bench.sh [pullpath binary] (default: target/release/pullpath, built).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/pullpath}
if [ "$BIN" = target/release/pullpath ]; then cargo build --release --quiet; fi
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 - "$DIR" <<'PY'
import json, sys
d = sys.argv[1]
with open(f"{d}/many.tf", "w") as f:
    for i in range(10000):
        f.write(f'''resource "aws_ecs_task_definition" "t{i}" {{
  family                   = "t{i}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{{ name = "app", image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:{i}" }}])
}}
''')
def task(i):
    return {"address": f"aws_ecs_task_definition.t{i}", "mode": "managed",
            "type": "aws_ecs_task_definition", "name": f"t{i}",
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1,
            "values": {"family": f"t{i}", "requires_compatibilities": ["FARGATE"],
                       "network_mode": "awsvpc", "cpu": "256", "memory": "512",
                       "execution_role_arn": None,
                       "container_definitions": json.dumps([{"name": "app",
                           "image": f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:{i}"}])}}
def filler(i):
    return {"address": f"aws_s3_object.f{i}", "mode": "managed", "type": "aws_s3_object",
            "name": f"f{i}", "provider_name": "registry.terraform.io/hashicorp/aws",
            "schema_version": 0, "values": {"bucket": "b", "key": f"k{i}", "content": "x" * 250_000}}
resources = []
for i in range(200):
    resources.append(filler(i))
    resources.append(task(i))
plan = {"format_version": "1.2", "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": resources}}}
with open(f"{d}/big-plan.json", "w") as f:
    json.dump(plan, f, separators=(",", ":"))
PY
ls -l "$DIR"
measure() { # file format
    local start end
    start=$(date +%s.%N)
    "$BIN" check "$1" --format "$2" --color never --max-file-size 100000000 >"$DIR/out.$2" || true
    end=$(date +%s.%N)
    printf '%-14s %-5s %6.2f s  %10d bytes out, longest line %d\n' "$(basename "$1")" "$2" \
        "$(echo "$end - $start" | bc)" "$(wc -c <"$DIR/out.$2")" "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$DIR/out.$2")"
}
for f in many.tf big-plan.json; do
    measure "$DIR/$f" json
    measure "$DIR/$f" text
done
