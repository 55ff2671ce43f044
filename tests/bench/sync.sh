#!/usr/bin/env bash
# Sync benchmark part: N simulated kiosks (replica + SyncWorker each) against one real node.
# Usage: tests/bench/sync.sh [BUILD_DIR] [--quick]
#   --quick: 10 and 50 kiosks, 10 claims, a 5 s outage (about half a minute);
#   default: 10, 50 and 100 kiosks, 30 claims, a 60 s outage each (about four minutes).
# Results go to docs/benchmarks.md ("Sync") by hand, with the machine and the command.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
quick="${2:-}"
if [[ "$build" == "--quick" ]]; then quick="--quick"; build="$root/build"; fi
ninja -C "$build" -j2 sync_bench openspace-node >/dev/null
args=(--kiosks 10,50,100 --claims 30 --outage-s 60)
[[ "$quick" == "--quick" ]] && args=(--kiosks 10,50 --claims 10 --outage-s 5)
echo "# sync bench: $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), sync_bench ${args[*]}"
"$build/tests/sync/sync_bench" "${args[@]}"
