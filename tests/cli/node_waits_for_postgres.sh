#!/usr/bin/env bash
# A node whose PostgreSQL board cannot be reached yet waits for it (one line saying so) instead of
# exiting into systemd's restart limit, and a SIGTERM during the wait ends it with exit 0.
set -euo pipefail
node="$1" src="$2"
work="$(mktemp -d)"
trap '[ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cp "$src/kiosk-config/event.toml" "$src/kiosk-config/node.toml" "$work/"
# A loopback port nothing listens on: bind one, note it, let it go.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
printf '\n[store]\npostgres = "host=127.0.0.1 port=%s dbname=openspace connect_timeout=2"\n' "$port" >> "$work/node.toml"
"$node" --config "$work/node.toml" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 200); do
  grep -q "waiting for PostgreSQL" "$work/err" && break
  kill -0 "$pid" 2>/dev/null || { echo "FAIL: the node exited: $(cat "$work/err")"; exit 1; }
  sleep 0.05
done
grep -q "openspace-node: waiting for PostgreSQL: cannot connect to PostgreSQL" "$work/err" || { echo "FAIL: no waiting line: $(cat "$work/err")"; exit 1; }
if grep -q listening "$work/out"; then echo "FAIL: listening without a database"; exit 1; fi
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || { echo "FAIL: exit $rc after SIGTERM: $(cat "$work/err")"; exit 1; }
grep -q "stopped before PostgreSQL could be reached" "$work/err" || { echo "FAIL: no stop line"; exit 1; }
echo "ok: waited for PostgreSQL, stopped on SIGTERM"
