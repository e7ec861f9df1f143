#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (cargo-fuzz, libFuzzer) on the nightly toolchain, seeded from
# testdata/ and ../shared/corpus (copied into fuzz/corpus/, which git ignores).
#
#   scripts/fuzz.sh [--time SECONDS] [--runs N] [TARGET...]
#
# Each target runs until SECONDS (default 1800) or N executions (default: no limit), whichever
# comes first. Targets: hcl json yaml (the parsers) and check_tf check_json check_yaml (the whole
# pipeline and both reporters on one file). A crash is saved under fuzz/artifacts/TARGET/; copy
# it to testdata/fuzz/TARGET/ so that `cargo test` (tests/fuzz_regressions.rs) replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
time=1800
runs=-1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(hcl json yaml check_tf check_json check_yaml)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

# Seeds: every file of the right kind under 64 KiB (libFuzzer's -max_len below).
seed() {
  local target="$1"; shift
  local dir="fuzz/corpus/$target"
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return 0
  local roots=(testdata)
  [ -d ../shared/corpus ] && roots+=(../shared/corpus)
  local n=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    cp "$f" "$dir/seed-$n"
  done < <(find "${roots[@]}" -type f -size -64k \( "$@" \) -print0)
  echo "$target: $n seeds"
}
for t in "${targets[@]}"; do
  case "$t" in
    hcl|check_tf) seed "$t" -name '*.tf' -o -name '*.tfvars' ;;
    json|check_json) seed "$t" -name '*.json' ;;
    yaml|check_yaml) seed "$t" -name '*.yaml' -o -name '*.yml' -o -name '*.template' ;;
    *) echo "unknown target: $t" >&2; exit 2 ;;
  esac
done

# No sanitizer (safe Rust; the speed goes to executions), debug assertions on (overflow checks).
for t in "${targets[@]}"; do
  echo "== $t"
  cargo +nightly fuzz run -s none -a "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$time" -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1
done
