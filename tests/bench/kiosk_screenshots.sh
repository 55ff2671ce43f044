#!/usr/bin/env bash
# Documentation screenshots of the kiosk, from the REAL kiosk under Xvfb against the REAL node:
# room board (landscape, portrait), claim dialog with keyboard, confirmation with QR, offline,
# lost claim, staff panel, hallway, a typo mended mid-title, a kiosk started with the node down,
# a twelve-slot day late in the evening (past slots folded), and the board in German, French and
# Spanish, the scheduled talks next door (a line under each slot, the list of one slot), the
# lightning-talk sheet and its sign-up, tonight's groups, a session's detail with "I'll come",
# the staff's crowded mark with larger rooms, and a moved session.
# Writes docs/screenshots/*.png.
#   tests/bench/kiosk_screenshots.sh            BUILD_DIR (default build) names the build folder.
# The event's time zone is chosen so that it is early afternoon at the venue right now: the board
# then shows past, current and upcoming slots whatever time the script runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
NODE="$BUILD_DIR/app/node/openspace-node"
KIOSK="$BUILD_DIR/app/kiosk/openspace-kiosk"
OUT=docs/screenshots
for b in "$NODE" "$KIOSK"; do [ -x "$b" ] || { echo "kiosk_screenshots: build $b first" >&2; exit 1; }; done
mkdir -p "$OUT"
WORK=$(mktemp -d)
NODE_PID=""
WEB_PID=""
cleanup() {
  [ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null
  [ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null && wait "$NODE_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${KEEP_WORK:-}" ] && trap '[ -n "$NODE_PID" ] && kill "$NODE_PID"; echo "kept $WORK"' EXIT

# [SECTION] Event: a zone where it is 13:00-15:59 now, today and the next two days there.
read -r TZNAME TODAY DAY2 DAY3 < <(python3 - <<'PY'
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
zones = ["Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Chicago",
         "America/New_York", "America/Halifax", "America/Sao_Paulo", "Atlantic/South_Georgia", "Atlantic/Azores",
         "Europe/London", "Europe/Berlin", "Europe/Athens", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
         "Asia/Dhaka", "Asia/Bangkok", "Asia/Singapore", "Asia/Tokyo", "Australia/Brisbane", "Pacific/Noumea",
         "Pacific/Fiji", "Pacific/Tongatapu", "Pacific/Kiritimati"]
best = min(zones, key=lambda z: abs(datetime.now(ZoneInfo(z)).hour + datetime.now(ZoneInfo(z)).minute / 60 - 14.5))
d = datetime.now(ZoneInfo(best)).date()
print(best, d, d + timedelta(days=1), d + timedelta(days=2))
PY
)
echo "kiosk_screenshots: venue time zone $TZNAME, days $TODAY $DAY2 $DAY3"

cat > "$WORK/event.toml" <<TOML
name = "Open Spaces at PyCon"
days = ["$TODAY", "$DAY2", "$DAY3"]
timezone = "$TZNAME"
backchannel = "#pycon"
[[rooms]]
id = "A"
name = "Room A"
capacity = 30
where = "Level 2, beside registration"
[[rooms]]
id = "B"
name = "Room B"
capacity = 20
where = "Level 2, end of the hall"
[[rooms]]
id = "C"
name = "Room C"
capacity = 40
where = "Level 3, by the stairs"
[[rooms]]
id = "D"
name = "Room D"
capacity = 80
where = "Level 3, garden side"
[[rooms]]
id = "E"
name = "Room E"
capacity = 150
where = "Ground floor, café"
TOML
for s in 09 10 11 13 14 15 16 17; do
  printf '[[slots]]\nstart = "%s:00"\nend = "%02d:00"\n' "$s" $((10#$s + 1)) >> "$WORK/event.toml"
done
printf '[[lightning]]\nstart = "18:00"\ntalks = 12\nminutes = 5\ncloses = "17:55"\n' >> "$WORK/event.toml"
PIN_HASH=$("$NODE" hash-pin 2468)
cat > "$WORK/node.toml" <<TOML
[node]
listen = "127.0.0.1:0"
database = "node.db"
event = "event.toml"
[auth]
staff_pin = "$PIN_HASH"
[auth.kiosks]
room-a = "screenshot-token-room-a"
room-b = "screenshot-token-room-b"
hallway-1 = "screenshot-token-hallway"
seed-1 = "screenshot-token-seed-1"
seed-2 = "screenshot-token-seed-2"
TOML

start_node() {  # [node.toml, default $WORK/node.toml]
  "$NODE" --config "${1:-$WORK/node.toml}" > "$WORK/node.out" 2> "$WORK/node.log" &
  NODE_PID=$!
  for _ in $(seq 200); do grep -q "listening on" "$WORK/node.out" 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$WORK/node.out" | head -1)
  [ -n "$URL" ] || { echo "kiosk_screenshots: the node did not start" >&2; cat "$WORK/node.log" >&2; exit 1; }
}
stop_node() { kill "$NODE_PID"; wait "$NODE_PID" || true; NODE_PID=""; }
start_node
echo "kiosk_screenshots: node at $URL"

claim() {  # token day room start title host [description]
  local body
  body=$(python3 -c 'import json,sys,uuid; a=sys.argv[1:]; print(json.dumps({"claim_id":"seed-"+uuid.uuid4().hex[:12],"day":a[0],"room":a[1],"start":a[2],"title":a[3],"host":a[4],"description":a[5] if len(a)>5 else ""}))' "$2" "$3" "$4" "$5" "$6" "${7:-}")
  curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data "$body" "$URL/api/v1/claims"
}
T1=screenshot-token-seed-1 T2=screenshot-token-seed-2
claim $T1 "$TODAY" B 14:00 "Async IO Q&A" "Σοφία" "Bring your event loop questions."
claim $T1 "$TODAY" C 14:00 "Packaging BoF" "José"
claim $T1 "$TODAY" D 15:00 "Rust extensions for Python" "Юлия"
claim $T1 "$TODAY" A 16:00 "Testing with hypothesis" "Łukasz"
claim $T1 "$TODAY" E 16:00 "Diversity in open source: lunch follow-up" "Amara"
claim $T2 "$TODAY" B 17:00 "Type hints in practice" "Chen Wei"
claim $T2 "$TODAY" C 15:00 "Teaching Python to kids" "Nguyễn Thị Mai"
claim $T2 "$DAY2" A 09:00 "Morning coffee & code review" "Søren"
claim $T2 "$DAY2" B 10:00 "Scientific Python sprint planning" "Ana María"
STAFF=$(curl -fsS -X POST -H 'Content-Type: application/json' --data '{"pin":"2468"}' "$URL/api/v1/staff/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
  --data '{"label":"Lightning talks"}' "$URL/api/v1/cells/$TODAY/E/15:00/block"
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
  --data '{"text":"Dinner groups meet at 18:00 by the registration desk."}' "$URL/api/v1/announcement"

# The evening: lightning talks signed up, two groups, and more "I'll come" for the Async IO Q&A
# than Room B's 20 seats.
post() {  # token path json
  curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data "$3" "$URL$2"
}
n=0
for t in "Emacs in five minutes|Ana Ruiz" "My first CPython patch|Chen Wei" "Why CRDTs are fun|Łukasz" \
         "Accessibility checks in CI|Amara" "A tiny Forth in Python|Søren"; do
  n=$((n + 1))
  post $T1 /api/v1/lightning "{\"signup_id\":\"seed-talk-$n\",\"day\":\"$TODAY\",\"start\":\"18:00\",\"title\":\"${t%|*}\",\"speaker\":\"${t#*|}\"}"
done
ASYNC_ID=$(curl -fsS "$URL/api/v1/board" | python3 -c 'import json,sys; print(next(c["claim_id"] for c in json.load(sys.stdin)["cells"] if c.get("title") == "Async IO Q&A"))')
post $T1 /api/v1/groups "{\"group_id\":\"seed-group-1\",\"day\":\"$TODAY\",\"time\":\"19:30\",\"title\":\"Dinner: Async IO, continued\",\"where\":\"Main entrance\",\"seats\":8,\"host\":\"Σοφία\",\"continues\":\"$ASYNC_ID\"}"
post $T2 /api/v1/groups "{\"group_id\":\"seed-group-2\",\"day\":\"$TODAY\",\"time\":\"20:00\",\"title\":\"Board games\",\"where\":\"Café, ground floor\",\"seats\":4,\"host\":\"Søren\"}"
for j in 1 2 3 4 5; do post $T2 /api/v1/groups/seed-group-1/join "{\"join_id\":\"seed-join-1-$j\"}"; done
for j in 1 2 3 4; do post $T1 /api/v1/groups/seed-group-2/join "{\"join_id\":\"seed-join-2-$j\"}"; done
for j in $(seq 1 26); do
  post "screenshot-token-seed-$(( j % 2 + 1 ))" "/api/v1/claims/$ASYNC_ID/interest" "{\"interest_id\":\"seed-interest-$j\"}"
done

# The conference's programme next door (frab schedule.xml; dates without an offset are venue
# time): talks beside the open spaces today; imported twice, the second time without one talk,
# which the board then keeps as cancelled.
schedule_xml() {  # [leave_out_guid]
  python3 - "$TODAY" "${1:-}" <<'PY'
import sys
day, leave = sys.argv[1], sys.argv[2]
talks = [("k-1", "13:30", "01:00", "Hall 1", "Keynote: Python in the next decade", "Ana Ruiz"),
         ("t-2", "14:00", "00:45", "Hall 2", "Async IO in depth", "Łukasz Langa"),
         ("t-3", "14:15", "00:30", "Hall 3", "Packaging without tears", "Chen Wei"),
         ("t-4", "15:00", "00:45", "Hall 1", "Typing the untypeable", "Amara Okafor"),
         ("t-5", "15:30", "00:30", "Hall 2", "Profiling in production", "Søren Berg"),
         ("t-6", "16:00", "01:00", "Hall 1", "Lightning talks", "")]
print('<?xml version="1.0" encoding="utf-8"?><schedule><conference><title>PyCon</title></conference>')
print('<day index="1" date="%s">' % day)
for guid, start, dur, room, title, who in talks:
    if guid == leave: continue
    persons = "<persons><person>%s</person></persons>" % who if who else ""
    print('<room name="%s"><event guid="%s" id="%s"><date>%sT%s:00</date><start>%s</start><duration>%s</duration>'
          '<room>%s</room><title>%s</title>%s</event></room>' % (room, guid, guid, day, start, start, dur, room, title, persons))
print('</day></schedule>')
PY
}
schedule_xml > "$WORK/schedule.xml"
schedule_xml t-5 > "$WORK/schedule2.xml"
# The second version is published on a web server (as pretalx would), so the staff panel offers
# to import it again from there.
mkdir -p "$WORK/web"
cp "$WORK/schedule2.xml" "$WORK/web/schedule.xml"
WEB_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory "$WORK/web" >/dev/null 2>&1 &
WEB_PID=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/schedule.xml" 2>/dev/null && break; sleep 0.05; done
SCHEDULE_URL="http://127.0.0.1:$WEB_PORT/schedule.xml"
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $STAFF" --data-binary "@$WORK/schedule.xml" \
  "$URL/api/v1/schedule?source=schedule.xml"
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $STAFF" --data-binary "@$WORK/web/schedule.xml" \
  "$URL/api/v1/schedule?source=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SCHEDULE_URL")"

kiosk_config() {  # name id mode room token
  local f="$WORK/$1.toml"
  { echo "[kiosk]"; echo "id = \"$2\""; echo "mode = \"$3\""; [ -n "$4" ] && echo "room = \"$4\""
    echo "node = \"$URL\""; echo "token = \"$5\""; echo "replica = \"$1.db\""
    echo "[ui]"; echo 'renderer = "auto"'; if [ -n "${UI_LANGUAGE:-}" ]; then echo "language = \"$UI_LANGUAGE\""; fi
    if [ -n "${UI_THEME:-}" ]; then echo "theme = \"$UI_THEME\""; fi; } > "$f"
  echo "$f"
}

shot() {  # name screen(WxH) config [kiosk args...]
  local name=$1 screen=$2 config=$3
  shift 3
  local w=${screen%x*} h=${screen#*x}
  xvfb-run -a -s "-screen 0 ${screen}x24 -nolisten tcp" "$KIOSK" --config "$config" --windowed "${w}x${h}" \
    --screenshot "$OUT/$name.png" --frames 3 "$@" 2> "$WORK/$name.log" \
    || { echo "kiosk_screenshots: $name failed" >&2; cat "$WORK/$name.log" >&2; exit 1; }
  echo "kiosk_screenshots: $OUT/$name.png ($(stat -c %s "$OUT/$name.png") bytes)"
}

# [SECTION] Screens
ROOM=$(kiosk_config room-a room-a room A screenshot-token-room-a)
shot room-board 1920x1080 "$ROOM"
shot room-board-portrait 1080x1920 "$(kiosk_config portrait room-a room A screenshot-token-room-a)"
shot claim-dialog 1920x1080 "$(kiosk_config claim room-a room A screenshot-token-room-a)" --scene claim
shot claim-caret 1920x1080 "$(kiosk_config edit room-a room A screenshot-token-room-a)" --scene edit
shot confirmation 1920x1080 "$(kiosk_config confirm room-a room A screenshot-token-room-a)" --scene confirmation
shot staff-panel 1920x1080 "$(kiosk_config staff room-a room A screenshot-token-room-a)" --scene staff --pin 2468
shot hallway 1920x1080 "$(kiosk_config hallway hallway-1 hallway "" screenshot-token-hallway)"
shot staff-schedule 1920x1080 "$(kiosk_config schedule room-a room A screenshot-token-room-a)" --scene schedule --pin 2468
shot talks-list 1920x1080 "$(kiosk_config talks room-a room A screenshot-token-room-a)" --scene talks
# The venue's language ([ui] language): the same screens in German, French and Spanish.
UI_LANGUAGE=de shot board-de 1920x1080 "$(UI_LANGUAGE=de kiosk_config board-de room-a room A screenshot-token-room-a)"
UI_LANGUAGE=fr shot claim-dialog-fr 1920x1080 "$(UI_LANGUAGE=fr kiosk_config claim-fr room-a room A screenshot-token-room-a)" --scene claim
UI_THEME=light shot room-board-light 1920x1080 "$(UI_THEME=light kiosk_config light room-a room A screenshot-token-room-a)"
UI_LANGUAGE=es shot hallway-es 1920x1080 "$(UI_LANGUAGE=es kiosk_config hallway-es hallway-1 hallway "" screenshot-token-hallway)"

# Lightning talks, evening groups, a session's detail, the crowded mark for staff; then a move.
shot lightning 1920x1080 "$(kiosk_config lightning room-a room A screenshot-token-room-a)" --scene lightning
shot lightning-signup 1920x1080 "$(kiosk_config signup room-a room A screenshot-token-room-a)" --scene signup
shot tonight 1920x1080 "$(kiosk_config tonight room-a room A screenshot-token-room-a)" --scene tonight
shot session-detail 1920x1080 "$(kiosk_config session room-a room A screenshot-token-room-a)" --scene session
shot crowded-staff 1920x1080 "$(kiosk_config crowded room-a room A screenshot-token-room-a)" --scene crowded --pin 2468
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
  --data "{\"day\":\"$TODAY\",\"room\":\"E\",\"start\":\"14:00\"}" "$URL/api/v1/claims/$ASYNC_ID/move"
shot moved 1920x1080 "$(kiosk_config moved room-b room B screenshot-token-room-b)"

# Lost: this replica learns the board, then another board takes the cell this one will claim.
LOST=$(kiosk_config lost room-a room A screenshot-token-room-a)
xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" "$KIOSK" --config "$LOST" --windowed 1920x1080 \
  --screenshot "$WORK/lost-before.png" --frames 2 2> "$WORK/lost-before.log"
# The cell the lost scene will claim: Room A's earliest open cell that has not ended (the same
# rule as the scene), read from the node's board, which the replica has just copied.
NEXT_OPEN=$(curl -fsS "$URL/api/v1/board" | python3 -c '
import json, sys
from datetime import datetime
from zoneinfo import ZoneInfo
now = datetime.now(ZoneInfo(sys.argv[1]))
today, hm = now.strftime("%Y-%m-%d"), now.strftime("%H:%M")
cells = sorted((c["day"], c["start"], c["end"]) for c in json.load(sys.stdin)["cells"]
               if c["room"] == "A" and c["state"] == "open")
print(next("%s %s" % (d, s) for d, s, e in cells if d > today or (d == today and e > hm)))
' "$TZNAME")
read -r LOST_DAY LOST_START <<< "$NEXT_OPEN"
claim screenshot-token-room-b "$LOST_DAY" A "$LOST_START" "Property-based testing BoF" "Mateo"
shot lost-claim 1920x1080 "$LOST" --scene lost

# Offline: the node goes away; the kiosk keeps its board and saves a claim for later.
OFFLINE=$(kiosk_config offline room-a room A screenshot-token-room-a)
xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" "$KIOSK" --config "$OFFLINE" --windowed 1920x1080 \
  --screenshot "$WORK/offline-before.png" --frames 2 2> "$WORK/offline-before.log"
# Started with the node down: a replica from earlier, no answer since the start.
OFFSTART=$(kiosk_config offstart room-a room A screenshot-token-room-a)
xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" "$KIOSK" --config "$OFFSTART" --windowed 1920x1080 \
  --screenshot "$WORK/offstart-before.png" --frames 2 2> "$WORK/offstart-before.log"
stop_node
shot offline 1920x1080 "$OFFLINE" --scene offline
shot offline-at-start 1920x1080 "$OFFSTART"

# [SECTION] A long day late in the evening: twelve hourly slots 09:00-21:00, venue time ~20:30,
# so eleven slots have gone by and fold into "Earlier today". The node refuses claims on slots
# that have ended, so the day's earlier sessions are written into its database while it is
# stopped (as if they had been claimed in the morning); the kiosk then fetches the whole board.
read -r LATE_TZ LATE_DAY < <(python3 - <<'PY'
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones
zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))
late = min(zones, key=lambda z: abs(datetime.now(ZoneInfo(z)).hour + datetime.now(ZoneInfo(z)).minute / 60 - 20.5))
print(late, datetime.now(ZoneInfo(late)).date())
PY
)
mkdir -p "$WORK/late"
{ echo 'name = "Open Spaces at PyCon"'; echo "days = [\"$LATE_DAY\"]"; echo "timezone = \"$LATE_TZ\""
  for r in A B C D E F; do printf '[[rooms]]\nid = "%s"\nname = "Room %s"\n' "$r" "$r"; done
  for h in $(seq 9 20); do printf '[[slots]]\nstart = "%02d:00"\nend = "%02d:00"\n' "$h" $((h + 1)); done
} > "$WORK/late/event.toml"
sed -e 's|database = "node.db"|database = "late/node.db"|' -e 's|event = "event.toml"|event = "late/event.toml"|' \
  "$WORK/node.toml" > "$WORK/late-node.toml"
start_node "$WORK/late-node.toml"  # creates the database
stop_node
sqlite3 "$WORK/late/node.db" <<SQL
UPDATE cells SET state = 'claimed', title = 'Packaging BoF', host = 'José', claim_id = 'seed-late-0001' WHERE day = '$LATE_DAY' AND room = 'A' AND start = '10:00';
UPDATE cells SET state = 'claimed', title = 'Async IO Q&A', host = 'Σοφία', claim_id = 'seed-late-0002' WHERE day = '$LATE_DAY' AND room = 'B' AND start = '13:00';
UPDATE cells SET state = 'claimed', title = 'Teaching Python to kids', host = 'Nguyễn Thị Mai', claim_id = 'seed-late-0003' WHERE day = '$LATE_DAY' AND room = 'C' AND start = '16:00';
SQL
start_node "$WORK/late-node.toml"
echo "kiosk_screenshots: late node at $URL ($LATE_TZ, $LATE_DAY)"
claim $T2 "$LATE_DAY" A 20:00 "Evening lightning talks" "Amara"
claim $T2 "$LATE_DAY" D 20:00 "Hallway track: what we learned" "Søren"
shot board-folded-late 1920x1080 "$(kiosk_config late room-a room A screenshot-token-room-a)"
shot board-folded-late-portrait 1080x1920 "$(kiosk_config lateport room-a room A screenshot-token-room-a)"
stop_node
