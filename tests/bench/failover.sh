#!/usr/bin/env bash
# Failover benchmark: runs the failover test (tests/failover: 3 etcd, 2 PostgreSQL under Patroni,
# 2 nodes, kiosks, kill -9 of the primary's machine during 1,000 claims) RUNS times and prints each
# run's summary line, then min / median / max of the promotion time and of the time from the kill
# to the first claim answered, and the loss count over all runs.
# Usage: tests/bench/failover.sh [RUNS] [BUILD_DIR]      (RUNS defaults to 5)
#   NO_BUILD=1 skips building test_failover and openspace-node first.
# Results go to docs/benchmarks.md ("Failover") by hand, with the machine and the command.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-5}"
build="$(cd "${2:-$root/build}" && pwd)"
[[ "$runs" =~ ^[0-9]+$ && "$runs" -ge 1 ]] || { echo "usage: $0 [RUNS] [BUILD_DIR]" >&2; exit 2; }
if [[ "${NO_BUILD:-}" != 1 ]]; then
  cmake --build "$build" -j2 --target test_failover openspace-node >/dev/null
fi
test="$build/tests/failover/test_failover"
[[ -x "$test" ]] || { echo "failover bench: $test is missing (configure with libpq-dev installed)" >&2; exit 1; }

logs="$(mktemp -d /tmp/osb-bench-failover-XXXXXX)"
echo "# failover bench: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $runs runs"
failed=0
summaries=()
for i in $(seq 1 "$runs"); do
  log="$logs/run-$i.log"
  if (cd "$build" && "$test" >"$log" 2>&1) && grep -q '^failover: ' "$log"; then
    line="$(grep '^failover: ' "$log")"
    summaries+=("$line")
    echo "run $i: $line"
    echo "run $i: $(grep '^failover details: ' "$log" | sed 's/^failover details: //')"
  else
    failed=$((failed + 1))
    echo "run $i: FAILED (log: $log)"
    grep -E '^failover: |ERROR|logged:' "$log" | head -20 | sed 's/^/  /' || true
  fi
done

stats() {  # min / median / max of the numbers on stdin, one a line
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "min %.1f s, median %.1f s, max %.1f s\n", v[1], m, v[NR] }'
}
if ((${#summaries[@]} > 0)); then
  printf '%s\n' "${summaries[@]}" > "$logs/summaries.txt"
  echo "promoted:             $(sed -n 's/.*promoted in \([0-9.-]*\) s.*/\1/p' "$logs/summaries.txt" | stats)"
  echo "first claim answered: $(sed -n 's/.*first claim answered \([0-9.-]*\) s after the kill.*/\1/p' "$logs/summaries.txt" | stats)"
  echo "acknowledged claims lost over all runs: $(sed -n 's/.*lost \([0-9]*\),.*/\1/p' "$logs/summaries.txt" | awk '{ s += $1 } END { print s + 0 }')," \
       "409s contradicted: $(sed -n 's/.*contradicted \([0-9]*\),.*/\1/p' "$logs/summaries.txt" | awk '{ s += $1 } END { print s + 0 }')," \
       "runs with seq gaps: $(grep -c 'WITH GAPS' "$logs/summaries.txt" || true)"
fi
echo "runs: $runs, failed: $failed"
if ((failed == 0)); then rm -rf "$logs"; fi
exit $((failed > 0))
