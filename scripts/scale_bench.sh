#!/usr/bin/env bash
# Scale benchmark (issue 9, items 10 and 11): wall time and peak memory of `pullpath check`
#   - over the shared corpus (target: peak RSS under 200 MB);
#   - over one generated Terraform root of 1,000, 3,000 and 10,000 Fargate services
#     (scripts/gen_root.py: one VPC per 250 services, each with the full endpoint set; one
#     service in ten in a VPC without a `logs` endpoint, an FGP022 finding), and the time
#     exponent log(t10000/t1000)/log(10) (target: at most 1.15);
#   - text against JSON output for a root of 7,000 findings (target: text within 3x of JSON).
# Usage: scripts/scale_bench.sh [pullpath binary] (default: target/release/pullpath, built).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/pullpath}
if [ "$BIN" = target/release/pullpath ]; then cargo build --release --quiet; fi
BIN=$(realpath "$BIN")
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 2; }
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
# Prints "seconds peak-KiB" of one run (exit 1, findings, is an expected outcome).
measure() {
    { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$DIR/err" || true; } 2>/dev/null
    tail -n 1 "$DIR/err"
}
echo "pullpath: $BIN, $(nproc) cores"
if [ -d ../shared/corpus ]; then
    read -r t m < <(measure "$BIN" check ../shared/corpus --format json)
    echo "corpus: $t s, peak RSS $((m / 1024)) MiB"
fi
declare -A secs
for n in 1000 3000 10000; do
    python3 scripts/gen_root.py "$DIR/s$n" "$n" --vpcs $((n / 250))
    read -r t m < <(cd "$DIR" && measure "$BIN" check "s$n" --format json)
    secs[$n]=$t
    echo "one root, $n services: $t s, peak RSS $((m / 1024)) MiB"
    rm -rf "${DIR:?}/s$n"
done
awk -v a="${secs[1000]}" -v b="${secs[10000]}" \
    'BEGIN { printf "time exponent 1,000 -> 10,000 services: %.2f\n", log(b / a) / log(10) }'
python3 scripts/gen_root.py "$DIR/f7000" 7000 --vpcs 28 --findings all
read -r tj _ < <(cd "$DIR" && measure "$BIN" check f7000 --format json)
read -r tt _ < <(cd "$DIR" && measure "$BIN" check f7000 --format text --color never)
n=$(cd "$DIR" && "$BIN" check f7000 --format json 2>/dev/null | grep -c '"rule":' || true)
awk -v j="$tj" -v t="$tt" -v n="$n" \
    'BEGIN { printf "%d findings: json %.2f s, text %.2f s (text/json %.2f)\n", n, j, t, t / j }'
