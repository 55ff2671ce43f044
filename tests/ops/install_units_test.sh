#!/usr/bin/env bash
# scripts/install-units into a temp folder, then `systemd-analyze verify` on every unit: no
# placeholder left, no warning, ExecStart binaries found (stubs stand in for the programs).
set -euo pipefail
src="$1"
command -v systemd-analyze >/dev/null || { echo "systemd-analyze is not installed: skipped"; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/prefix/bin" "$work/config"
for p in openspace-node openspace-kiosk; do printf '#!/bin/sh\nexit 0\n' > "$work/prefix/bin/$p"; chmod +x "$work/prefix/bin/$p"; done
cp "$src"/kiosk-config/*.toml "$work/config/"

out="$("$src/scripts/install-units" --prefix "$work/prefix" --user "$(id -un)" --config-dir "$work/config" \
        --dest "$work/units" --reset-at 06:45)"
echo "$out"
echo "$out" | grep -q "systemctl enable --now openspace-kiosk@room-a.service" || { echo "FAIL: no enable line for room-a"; exit 1; }
echo "$out" | grep -q "systemctl enable --now openspace-node.service" || { echo "FAIL: no enable line for the node"; exit 1; }

units=(openspace-node.service openspace-kiosk@.service openspace-reset.service openspace-reset.timer
       openspace-backup.service openspace-backup.timer)
for u in "${units[@]}"; do
  [ -f "$work/units/$u" ] || { echo "FAIL: $u was not installed"; exit 1; }
  if grep -n '@[A-Z_]*@' "$work/units/$u"; then echo "FAIL: placeholder left in $u"; exit 1; fi
done
grep -q '^OnCalendar=\*-\*-\* 06:45:00$' "$work/units/openspace-reset.timer" || { echo "FAIL: --reset-at not applied"; exit 1; }
grep -q "^ExecStart=$work/prefix/bin/openspace-node --config $work/config/node.toml$" "$work/units/openspace-node.service" ||
  { echo "FAIL: node ExecStart"; exit 1; }
grep -q '^WatchdogSec=30$' "$work/units/openspace-kiosk@.service" || { echo "FAIL: kiosk watchdog"; exit 1; }

# A template is verified through an instance of it.
ln -s "openspace-kiosk@.service" "$work/units/openspace-kiosk@room-a.service"
verify=("$work/units/openspace-node.service" "$work/units/openspace-kiosk@room-a.service"
        "$work/units/openspace-reset.service" "$work/units/openspace-reset.timer"
        "$work/units/openspace-backup.service" "$work/units/openspace-backup.timer")
rc=0
msgs="$(SYSTEMD_UNIT_PATH="$work/units:" systemd-analyze verify "${verify[@]}" 2>&1)" || rc=$?
# Unknown keys are only warnings for systemd; here any message is a failure.
if [ $rc -ne 0 ] || [ -n "$msgs" ]; then echo "FAIL: systemd-analyze verify (exit $rc):"; echo "$msgs"; exit 1; fi

# Wrong arguments: exit 2 with one line.
set +e
err="$("$src/scripts/install-units" --prefix "$work/prefix" --user "$(id -un)" --config-dir "$work/config" --dest "$work/u2" --reset-at 7:00 2>&1)"
rc=$?
set -e
[ $rc -eq 2 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] || { echo "FAIL: bad --reset-at gave exit $rc: $err"; exit 1; }
# An event with a timezone: the reset fires at that zone's 06:45, whatever the machine's zone.
sed -i 's|^# *timezone = .*|timezone = "America/New_York"|' "$work/config/event.toml"
"$src/scripts/install-units" --prefix "$work/prefix" --user "$(id -un)" --config-dir "$work/config" \
    --dest "$work/units-tz" --reset-at 06:45 >/dev/null
grep -q '^OnCalendar=\*-\*-\* 06:45:00 America/New_York$' "$work/units-tz/openspace-reset.timer" ||
  { echo "FAIL: the event's timezone is not in OnCalendar"; cat "$work/units-tz/openspace-reset.timer"; exit 1; }
msgs="$(SYSTEMD_UNIT_PATH="$work/units-tz:" systemd-analyze verify "$work/units-tz/openspace-reset.timer" 2>&1)" ||
  { echo "FAIL: verify with a timezone: $msgs"; exit 1; }
[ -z "$msgs" ] || { echo "FAIL: verify with a timezone: $msgs"; exit 1; }
# A machine of a standby pair: the node's drop-in orders it after etcd and Patroni.
out="$("$src/scripts/install-units" --prefix "$work/prefix" --user "$(id -un)" --config-dir "$work/config" \
        --dest "$work/units-standby" --standby)"
echo "$out" | grep -q "systemctl enable --now etcd.service patroni.service" || { echo "FAIL: no standby enable line"; exit 1; }
drop="$work/units-standby/openspace-node.service.d/standby.conf"
[ -f "$drop" ] || { echo "FAIL: the standby drop-in was not installed"; exit 1; }
grep -q '^After=etcd.service patroni.service$' "$drop" || { echo "FAIL: standby drop-in After="; exit 1; }
[ ! -e "$work/units/openspace-node.service.d" ] || { echo "FAIL: a drop-in without --standby"; exit 1; }
msgs="$(SYSTEMD_UNIT_PATH="$work/units-standby:" systemd-analyze verify "$work/units-standby/openspace-node.service" 2>&1)" ||
  { echo "FAIL: verify with the standby drop-in: $msgs"; exit 1; }
[ -z "$msgs" ] || { echo "FAIL: verify with the standby drop-in: $msgs"; exit 1; }
echo "ok: ${#units[@]} units installed and verified"
