#!/usr/bin/env python3
# bench-memory.py: peak resident memory of `vigil poll` on answers of a million records
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peak resident memory of one `vigil poll`, whatever the shape of the answer.

    bench-memory.py [--records N] [--page-size N] [--no-over-limit] [--keep]

design 2.3 and 7: a poll of 1,000,000 records of any shape stays under
256 MB peak RSS. This serves native-format answers from a loopback HTTP
server (127.0.0.1, a free port, standard library only) and runs, each on a
fresh database, `vigil source add` (untimed) then `vigil poll`, reading the
poll's peak resident set as /usr/bin/time reports it (the kernel's
getrusage of that child, "Maximum resident set size" of time -v):

  empty       N records `{}` in one page (3 MB for a million)
  id          N records `{"id": "c0000001"}` in one page
  id, paged   the same N records in pages of --page-size (relative `next`)
  full, paged N records with every native field (330 MB for a million), paged
  over limit  a page of `{}` just under the default --max-bytes (64 MiB,
              22 million records): refused past --max-records, nothing stored

Each poll's own summary is checked (N read, and for the id cases N
stored), so a figure is only printed for a poll that did the work.

Environment:
  VIGIL_BINARY   the vigil binary (default: the script's ../../build/src/vigil)
  TMPDIR         where the databases go

Exit status: 0 when every poll did its work (the goal met or not: it is
reported, not enforced), 1 otherwise.
"""

import argparse
import http.server
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

GOAL_MB = 256
MAX_BYTES = 64 * 1024 * 1024
# A poll that balloons is stopped here rather than take the machine down.
ADDRESS_SPACE_LIMIT = 8 * 1024 * 1024 * 1024
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def empty_records(n):
    return "[" + ",".join(["{}"] * n) + "]"


def id_records(first, n):
    return "[" + ",".join('{"id":"c%07d"}' % i for i in range(first, first + n)) + "]"


PLANS = ("starter", "pro", "enterprise")
SEGMENTS = ("EMEA", "AMER", "APAC")


def full_records(first, n):
    """Records with every native field (design 2.1), about 330 bytes each."""
    return "[" + ",".join(
        '{"id":"c%07d","name":"Customer %d","plan":"%s","owner":"Owner %d","segment":"%s",'
        '"mrr":%d.5,"seats":50,"seats_used":%d,"renewal_date":"2027-03-01",'
        '"last_active":"2026-11-21T10:00:00Z","api_calls_7d":%d,'
        '"features":{"reports":40,"workflow-automation":%d,"api":7},"open_tickets":%d,"nps":%d,'
        '"observed_at":"2026-11-21T12:00:00Z"}'
        % (i, i, PLANS[i % 3], i % 50, SEGMENTS[i % 3], 100 + i % 5000, i % 51, i % 9000,
           i % 300, i % 5, i % 11)
        for i in range(first, first + n)) + "]"


def page(records, next_page=None):
    tail = ', "next": "%s"' % next_page if next_page else ""
    return ('{"customers": %s%s}' % (records, tail)).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    bodies = {}
    records = 0
    page_size = 1

    def paged(self):
        """/paged/KIND/P: page P of KIND (id or full), made when asked."""
        parts = self.path.split("/")
        if len(parts) != 4 or parts[2] not in ("id", "full") or not parts[3].isdigit():
            return None
        p = int(parts[3])
        first = p * self.page_size
        if first >= self.records:
            return None
        count = min(self.page_size, self.records - first)
        make = id_records if parts[2] == "id" else full_records
        return page(make(first, count), "%d" % (p + 1) if first + count < self.records else None)

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        body = self.bodies.get(self.path) or (self.paged() if self.path.startswith("/paged/") else None)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def run_poll(vigil, tmp, url, name):
    """Adds the source, polls it; returns (seconds, peak RSS KiB, exit status, output)."""
    db = os.path.join(tmp, "vigil.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    subprocess.run([vigil, "--db", db, "source", "add", name, url],
                   check=True, stdout=subprocess.DEVNULL)

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))

    # The peak of the poll alone: a child forked from this process (which
    # holds the answers) would count this process's pages until its exec,
    # so /usr/bin/time, small, forks it and reports what the kernel says.
    command = [vigil, "--db", db, "poll", name]
    report = os.path.join(tmp, "time")
    if TIME:
        command = [TIME, "-f", "%M", "-o", report] + command
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=limit)
    output = child.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    peak_kb = usage.ru_maxrss
    if TIME:
        with open(report) as f:
            lines = f.read().split()
        peak_kb = int(lines[-1])
    return seconds, peak_kb, os.waitstatus_to_exitcode(status), output.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000000)
    parser.add_argument("--page-size", type=int, default=10000)
    parser.add_argument("--no-over-limit", action="store_true",
                        help="skip the 64 MiB page of 22 million records")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    vigil = os.environ.get("VIGIL_BINARY", os.path.join(here, "..", "..", "build", "src", "vigil"))
    if not os.access(vigil, os.X_OK):
        sys.exit("bench-memory.py: no vigil binary at %s (build it, or set VIGIL_BINARY)" % vigil)
    n = args.records

    bodies = {"/empty": page(empty_records(n)), "/id": page(id_records(0, n))}
    pages = (n + args.page_size - 1) // args.page_size
    over = (MAX_BYTES - 64) // 3
    if not args.no_over_limit:
        bodies["/over"] = page(empty_records(over))
    Handler.bodies = bodies
    Handler.records = n
    Handler.page_size = args.page_size

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % server.server_address[1]

    stored = "%d read, %d stored" % (n, n)
    # name, path, records, pages, body bytes, what the poll must say, its exit status
    cases = [
        ("empty", "/empty", n, 1, len(bodies["/empty"]), "%d read, 0 stored" % n, 0),
        ("id", "/id", n, 1, len(bodies["/id"]), stored, 0),
        ("id, paged", "/paged/id/0", n, pages, len(bodies["/id"]), stored, 0),
        ("full, paged", "/paged/full/0", n, pages, len(full_records(0, n)), stored, 0),
    ]
    if not args.no_over_limit:
        cases.append(("over limit", "/over", over, 1, len(bodies["/over"]), "more than 1000000 records", 1))

    tmp = tempfile.mkdtemp(prefix="vigil-bench-memory.", dir=os.environ.get("TMPDIR"))
    print("Vigil memory benchmark: peak RSS of one `vigil poll`, goal < %d MB (design 7)" % GOAL_MB)
    print("  vigil:  %s" % os.path.abspath(vigil))
    print("  server: %s (in this process)" % base)
    print("  files:  %s" % tmp)
    if not TIME:
        print("  NOTE: /usr/bin/time is missing: the peaks include this script's pages, forked")
    print()
    print("  %-11s %10s %6s %9s %8s %9s  %s" % ("case", "records", "pages", "body MB", "s", "peak MB", "goal"))
    ok = True
    try:
        for name, path, records, n_pages, body_bytes, expect, expect_status in cases:
            seconds, rss_kb, status, output = run_poll(vigil, tmp, base + path, "bench")
            did_work = status == expect_status and expect in output
            peak_mb = rss_kb / 1024
            verdict = ("PASS" if peak_mb < GOAL_MB else "MISS") if did_work else "FAILED"
            print("  %-11s %10d %6d %9.1f %8.2f %9.1f  %s" % (name, records, n_pages, body_bytes / 1e6,
                                                            seconds, peak_mb, verdict))
            print("      vigil poll (exit %d): %s" % (status, output.splitlines()[-1] if output else ""))
            if not did_work:
                print("      expected exit %d and “%s”" % (expect_status, expect))
                ok = False
    finally:
        server.shutdown()
        if args.keep:
            print("Kept the files in %s" % tmp)
        else:
            shutil.rmtree(tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
