#!/usr/bin/env bash
# The standby examples of kiosk-config/standby/ (docs/deploy.md "A standby node") as an operator
# would install them: patroni.yml passes `patroni --validate-config` (its listen addresses moved
# to free loopback ports, as this machine has no 192.168.10.2), and etcd.env names three members.
set -euo pipefail
src="$1"
command -v patroni >/dev/null || { echo "patroni is not installed (scripts/setup installs it): skipped"; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sed -e "s/^  listen: 192\.168\.10\.2:8008$/  listen: 127.0.0.1:$(free_port)/" \
    -e "s/^  listen: 192\.168\.10\.2:5432$/  listen: 127.0.0.1:$(free_port)/" "$src/kiosk-config/standby/patroni.yml" > "$work/config.yml"
! cmp -s "$work/config.yml" "$src/kiosk-config/standby/patroni.yml" || { echo "FAIL: the listen lines were not found"; exit 1; }
if ! out="$(patroni --validate-config "$work/config.yml" 2>&1)"; then echo "FAIL: patroni --validate-config: $out"; exit 1; fi
[ -z "$out" ] || { echo "FAIL: patroni --validate-config said: $out"; exit 1; }
grep -q '^    synchronous_mode: true$' "$src/kiosk-config/standby/patroni.yml" || { echo "FAIL: synchronous_mode"; exit 1; }
# Patroni's rule: loop_wait + 2 x retry_timeout <= ttl.
ttl=$(sed -n 's/^    ttl: //p' "$src/kiosk-config/standby/patroni.yml")
loop=$(sed -n 's/^    loop_wait: //p' "$src/kiosk-config/standby/patroni.yml")
retry=$(sed -n 's/^    retry_timeout: //p' "$src/kiosk-config/standby/patroni.yml")
[ $((loop + 2 * retry)) -le "$ttl" ] || { echo "FAIL: loop_wait $loop + 2 x retry_timeout $retry > ttl $ttl"; exit 1; }
members=$(sed -n 's/^ETCD_INITIAL_CLUSTER="\(.*\)"$/\1/p' "$src/kiosk-config/standby/etcd.env" | tr ',' '\n' | wc -l)
[ "$members" -eq 3 ] || { echo "FAIL: etcd.env names $members members, not 3"; exit 1; }
echo "ok: patroni.yml validates (ttl $ttl, loop_wait $loop, retry_timeout $retry); etcd.env has 3 members"
