#!/usr/bin/env python3
"""scripts/demo in its quick mode (no setup, no kiosks): the node starts, the sample sessions are
on the board (past, now and later, names in several scripts), the phone view shows them, and
SIGINT (Ctrl-C) stops everything with exit 0. Usage: demo_test.py SOURCE_DIR BUILD_DIR"""
import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

src, build = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


with tempfile.TemporaryDirectory() as work:
    env = dict(os.environ, DEMO_SKIP_SETUP="1", BUILD_DIR=build)
    demo = subprocess.Popen(
        [os.path.join(src, "scripts", "demo"), "--no-kiosks", "--duration", "60", "--dir", work, "--port", str(free_port())],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    # Wait for the line with the phone view URL, with a deadline.
    sel = selectors.DefaultSelector()
    sel.register(demo.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 30
    output, url = "", None
    # Raw reads: a buffered reader could hold the line while select() waits on the pipe.
    while url is None and time.monotonic() < deadline:
        if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        chunk = os.read(demo.stdout.fileno(), 65536)
        if not chunk:
            break
        output += chunk.decode(errors="replace")
        m = re.search(r"on this machine: (http://127\.0\.0\.1:\d+)/", output)
        if m:
            url = m.group(1)
    if url is None:
        demo.kill()
        print(output)
        print("FAIL the demo did not print the phone view URL within 30 s")
        sys.exit(1)

    board = json.load(urllib.request.urlopen(url + "/api/v1/board", timeout=10))
    claimed = [c for c in board["cells"] if c["state"] == "claimed"]
    titles = {c["title"] for c in claimed}
    hosts = {c["host"] for c in claimed}
    today = board["event"]["days"][0]
    check(board["event"]["days"][0] == time.strftime("%Y-%m-%d"), "the event starts today")
    check(len(board["event"]["days"]) == 3, "three event days")
    check("Async IO Q&A" in titles, "the session running now is on the board")
    check("Packaging BoF, part 2" in titles or "Rust for Pythonistas" in titles, "later sessions are on the board")
    check({"José", "Σοφία", "Юлия", "Łukasz"} & hosts == {"José", "Σοφία", "Юлия", "Łukasz"} or time.localtime().tm_hour < 3,
          "hosts in Latin, Greek and Cyrillic script: %s" % sorted(hosts))
    now = time.strftime("%H:%M")
    past = [c for c in claimed if c["day"] == today and c["end"] <= now]
    check(len(past) >= 1 or time.localtime().tm_hour == 0, "at least one session in a slot that has ended (%d)" % len(past))
    check(board["announcement"] is not None, "the welcome announcement is set")
    check(any(c["state"] == "blocked" for c in board["cells"]), "one cell is blocked")
    # The evening: a lightning sheet with a few talks, two groups, one session over its room's seats.
    early = time.localtime().tm_hour < 21
    sheets = [s for s in board.get("lightning", []) if s["day"] == today]
    check(len(sheets) == 1, "today has a lightning-talk sheet")
    check(not early or (sheets and len(sheets[0]["signups"]) == 3), "three lightning talks signed up")
    check(not early or len(board.get("groups", [])) == 2, "two evening groups")
    capacity = {r["id"]: r.get("capacity", 0) for r in board["rooms"]}
    crowded = [c for c in claimed if capacity.get(c["room"], 0) and c.get("interest", 0) > capacity[c["room"]]]
    check(len(crowded) == 1, "one session has more \"I'll come\" than its room has seats")
    page = urllib.request.urlopen(url + "/", timeout=10).read().decode()
    check("Async IO Q&amp;A" in page and "by Σοφία" in page, "the phone view shows the session running now")

    demo.send_signal(signal.SIGINT)
    try:
        rest, _ = demo.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        demo.kill()
        rest = ""
        check(False, "the demo stops within 20 s of Ctrl-C")
    output += (rest or b"").decode(errors="replace") if isinstance(rest, bytes) else rest
    check(demo.returncode == 0, "Ctrl-C: exit 0 (got %s)" % demo.returncode)
    try:
        urllib.request.urlopen(url + "/healthz", timeout=2)
        check(False, "the node is stopped after Ctrl-C")
    except OSError:
        check(True, "the node is stopped after Ctrl-C")

if failures:
    print(output)
    sys.exit(1)
print("ok: the demo runs and stops cleanly")
