#!/usr/bin/env bash
# Web view and exports benchmark: render times of the phone page, calendar and CSV for a full
# board, the same through a real node over HTTP, and an online backup.
# Usage: tests/bench/web.sh [BUILD_DIR] [web_bench options: --rooms R --slots S --days D --requests N]
# Results go to docs/benchmarks.md ("Web view and exports") by hand, with the machine and command.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build"
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then build="$1"; shift; fi
ninja -C "$build" -j2 web_bench openspace-node >/dev/null
echo "# web bench: $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), web_bench $*"
"$build/tests/web/web_bench" "$@"
