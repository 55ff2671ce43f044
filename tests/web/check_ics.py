#!/usr/bin/env python3
"""Parses a calendar written by openspace's ics::calendar with the icalendar package and checks
what a calendar program would show. Exit 77 (skipped) when icalendar is not installed."""
import sys
from datetime import datetime, timezone

try:
    import icalendar
except ImportError:
    print("python3-icalendar is not installed: skipped")
    sys.exit(77)

path = sys.argv[1]
raw = open(path, "rb").read()
assert b"\n" not in raw.replace(b"\r\n", b""), "a bare LF in the file"
for line in raw.split(b"\r\n"):
    assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
    line.decode("utf-8")  # every physical line is whole UTF-8

cal = icalendar.Calendar.from_ical(raw)
tz = [c for c in cal.walk("VTIMEZONE")]
assert len(tz) == 1 and str(tz[0]["TZID"]) == "America/New_York", tz
events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
assert set(events) == {"claim-0001@openspace-board", "claim-0002@openspace-board",
                       "lightning-2030-03-09-1730@openspace-board", "group-group-0001@openspace-board"}, events.keys()

a = events["claim-0001@openspace-board"]
assert str(a["SUMMARY"]) == "Packaging BoF"
assert str(a["LOCATION"]) == "Room A, Level 2; by the café, left", str(a["LOCATION"])
assert str(a["DESCRIPTION"]) == "Host: José"
assert str(a["URL"]) == "http://127.0.0.1:8080/s/claim-0001"
# Saturday 9 March 2030, 10:00 EST (UTC-5).
start = a.decoded("DTSTART")
assert start.astimezone(timezone.utc) == datetime(2030, 3, 9, 15, 0, tzinfo=timezone.utc), start

b = events["claim-0002@openspace-board"]
assert str(b["SUMMARY"]) == "Async IO Q&A; part 1, maybe", str(b["SUMMARY"])
desc = str(b["DESCRIPTION"])
assert desc.startswith("Host: Σοφία\n\nЮлия и Łukasz; Σοφία, José \\ 😀 "), desc[:60]
assert desc.count("😀") == 20
# Monday 11 March 2030, 14:00 EDT (UTC-4): after the switch to daylight time.
start = b.decoded("DTSTART")
end = b.decoded("DTEND")
assert start.astimezone(timezone.utc) == datetime(2030, 3, 11, 18, 0, tzinfo=timezone.utc), start
assert (end - start).total_seconds() == 3600

# The lightning sheet: 17:30 EST for 12 talks of 5 minutes, the numbered line-up.
lt = events["lightning-2030-03-09-1730@openspace-board"]
assert str(lt["SUMMARY"]) == "Lightning talks"
start = lt.decoded("DTSTART")
assert start.astimezone(timezone.utc) == datetime(2030, 3, 9, 22, 30, tzinfo=timezone.utc), start
assert (lt.decoded("DTEND") - start).total_seconds() == 60 * 60
desc = str(lt["DESCRIPTION"])
assert desc.startswith("1 · 17:30 · Emacs; in 5, minutes — Юлия\n2 · 17:35 · Vim \\ 😀 — Łukasz\n\n"), desc
assert "2 of 12 places taken" in desc, desc
assert str(lt["URL"]) == "http://127.0.0.1:8080/?day=2030-03-09#lightning"

# The group: 23:30 EDT for two hours, so it ends on the next day.
g = events["group-group-0001@openspace-board"]
assert str(g["SUMMARY"]) == "Dinner, then a walk", str(g["SUMMARY"])
assert str(g["LOCATION"]) == "Main entrance; by the café", str(g["LOCATION"])
assert str(g["DESCRIPTION"]) == "5 of 8 going · by Σοφία\nContinues “Async IO Q&A; part 1, maybe”\nJoin at any board.", str(g["DESCRIPTION"])
start = g.decoded("DTSTART")
end = g.decoded("DTEND")
assert start.astimezone(timezone.utc) == datetime(2030, 3, 12, 3, 30, tzinfo=timezone.utc), start
assert (end - start).total_seconds() == 2 * 3600
print("ok:", len(events), "events parsed")
