#!/usr/bin/env bash
# Standby benchmark part: the node bench (claims/s, GET /api/v1/board with wrk, long-polls woken
# by a claim, and with PostgreSQL also across two node processes) on the SQLite default and on a
# PostgreSQL board with a synchronous standby (3 etcd + 2 PostgreSQL under Patroni on loopback,
# osb-test-cluster), in the same run; then the failover time over 5 runs (tests/bench/failover.sh).
# Usage: tests/bench/standby.sh [BUILD_DIR] [--quick]
#   --quick: 100 long-polls, 3 s of wrk, 2 failover runs; default: 500 long-polls, 10 s of wrk, 5 runs.
# Results go to docs/benchmarks.md ("Standby") by hand, with the machine and the command.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
quick="${2:-}"
if [[ "$build" == "--quick" ]]; then quick="--quick"; build="$root/build"; fi
build="$(cd "$build" && pwd)"
command -v wrk >/dev/null || { echo "standby bench: wrk is missing (scripts/setup installs it)" >&2; exit 1; }
ninja -C "$build" -j2 node_bench openspace-node osb-test-cluster test_failover >/dev/null
args=(--pollers 500 --wrk-seconds 10)
runs=5
[[ "$quick" == "--quick" ]] && args=(--pollers 100 --wrk-seconds 3) && runs=2
ulimit -n 8192 2>/dev/null || true
echo "# standby bench: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), node_bench ${args[*]}"

echo "## SQLite (the default)"
"$build/tests/integration/node_bench" "${args[@]}"

echo "## PostgreSQL with a synchronous standby (Patroni, etcd)"
coproc CLUSTER { exec "$build/tests/failover/osb-test-cluster"; }
cluster_pid=$CLUSTER_PID
# SIGTERM makes it tear the cluster down (processes and data folders); wait until it has.
stop_cluster() {
  kill -TERM "$cluster_pid" 2>/dev/null || true
  while kill -0 "$cluster_pid" 2>/dev/null; do sleep 0.2; done
}
trap stop_cluster EXIT
conninfo=""
while IFS= read -r -u "${CLUSTER[0]}" line; do
  echo "$line"
  if [[ "$line" == conninfo:* ]]; then conninfo="${line#conninfo: }"; break; fi
done
[[ -n "$conninfo" ]] || { echo "standby bench: the cluster did not come up" >&2; exit 1; }
"$build/tests/integration/node_bench" "${args[@]}" --postgres "$conninfo"
stop_cluster
trap - EXIT

echo "## Failover, $runs runs"
NO_BUILD=1 "$root/tests/bench/failover.sh" "$runs" "$build"
