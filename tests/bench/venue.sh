#!/usr/bin/env bash
# Venue benchmark part: N phones long-polling like the phone page, plus 100 kiosk long-pollers
# and 10 claims, at N = 0, 1,000, 3,000 and 10,000; one connection flooding a header for 12 s;
# 2,000 silent connections. One epoll thread drives every client (venue_bench), against the
# real openspace-node on 127.0.0.1.
# Usage: tests/bench/venue.sh [BUILD_DIR] [--quick]
#   --quick: N = 0 and 1,000 with a 10 s quiet window, a 3 s flood, 500 silent connections.
# Results go to docs/benchmarks.md ("Venue") by hand, with the machine and the command.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
quick="${2:-}"
if [[ "$build" == "--quick" ]]; then quick="--quick"; build="$root/build"; fi
ninja -C "$build" -j2 venue_bench openspace-node >/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
phones=(0 1000 3000 10000); quiet=30; flood=12; silent=2000
if [[ "$quick" == "--quick" ]]; then phones=(0 1000); quiet=10; flood=3; silent=500; fi
echo "# venue bench: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
for n in "${phones[@]}"; do
  echo "## venue_bench --phones $n --kiosks 100 --claims 10 --quiet-seconds $quiet"
  "$build/tests/integration/venue_bench" --phones "$n" --kiosks 100 --claims 10 --quiet-seconds "$quiet"
done
echo "## venue_bench --flood $flood"
"$build/tests/integration/venue_bench" --flood "$flood"
echo "## venue_bench --silent $silent"
"$build/tests/integration/venue_bench" --silent "$silent"
