#!/usr/bin/env bash
# Wall time and peak memory of `pullpath graph` over the shared corpus (or the paths given), in
# release mode. Usage: scripts/bench.sh [RUNS] [PATH...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(../shared/corpus)
cargo build --release --quiet
bin=target/release/pullpath
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 2; }
echo "pullpath graph ${paths[*]} --format json, $runs runs, $(nproc) cores"
times=()
for _ in $(seq "$runs"); do
  # %e wall seconds, %M peak resident set in KiB; exit 1 (input errors) is an expected outcome
  out=$(/usr/bin/time -f "%e %M" "$bin" graph "${paths[@]}" --format json 2>&1 >/dev/null | tail -n 1)
  times+=("$out")
  echo "  wall ${out% *} s, peak RSS $(( ${out#* } / 1024 )) MiB"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1; if ($2>m) m=$2} END {printf "median wall %s s, max peak RSS %d MiB\n", a[int((NR+1)/2)], m/1024}'
