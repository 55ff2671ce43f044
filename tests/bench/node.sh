#!/usr/bin/env bash
# Node benchmark part: durable commits vs claims/s over HTTP, GET /api/v1/board with wrk, 500
# long-polls woken by claims, node RSS. Against the real openspace-node on 127.0.0.1.
# Usage: tests/bench/node.sh [BUILD_DIR] [--quick]
#   --quick: 100 long-polls and 3 s of wrk (a few seconds); default: 500 long-polls, 10 s of wrk.
# Results go to docs/benchmarks.md ("Node") by hand, with the machine and the command.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
quick="${2:-}"
if [[ "$build" == "--quick" ]]; then quick="--quick"; build="$root/build"; fi
command -v wrk >/dev/null || { echo "node bench: wrk is missing (scripts/setup installs it)" >&2; exit 1; }
ninja -C "$build" -j2 node_bench openspace-node >/dev/null
args=(--pollers 500 --wrk-seconds 10)
[[ "$quick" == "--quick" ]] && args=(--pollers 100 --wrk-seconds 3)
# Several hundred client threads and sockets in one process.
ulimit -n 8192 2>/dev/null || true
echo "# node bench: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), node_bench ${args[*]}"
"$build/tests/integration/node_bench" "${args[@]}"
