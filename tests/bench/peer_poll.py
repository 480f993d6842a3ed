#!/usr/bin/env python3
# peer_poll.py: the straightforward Python peer of `vigil poll`
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Poll a native-format usage endpoint the way `vigil poll` does, in plain Python.

    peer_poll.py [--vigil VIGIL] [--source NAME] DB URL

The poll benchmark (design 7) compares Vigil with "a straightforward
Python script doing the same work". This is that script: standard library
only (urllib.request, json, sqlite3), written the way a competent Python
developer would, neither deliberately slow nor heroically optimised. It
opens a new connection per page, as urllib does.

It fetches URL, follows the native format's "next" (design 2.1) across
pages (refusing a page loop, as Vigil does), parses every record with the
rules of peer_import.py, then in one transaction stores and scores all of
them exactly as one Vigil ingest does (peer_import.Importer: customers,
features, snapshots and their scores, each customer's
latest attributes) under the endpoint source NAME (default "demo"), and
records the poll's outcome on the source as `vigil poll` does.

The database and its schema are Vigil's own: when DB does not exist yet it
is created with `vigil --db DB scores` (the binary from --vigil, else
$VIGIL_BINARY, else `vigil` on the PATH), like peer_import.py does.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import sqlite3

import peer_import
from peer_import import Importer, create_database, record_from_object

USER_AGENT = "vigil-peer-poll/1"
TIMEOUT_S = 30
INTERVAL_MIN = 60

SQL_INSERT_ENDPOINT = ("INSERT INTO sources (name, kind, url, interval_min, timeout_s, created_at) "
                       "VALUES (?, 'endpoint', ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")
SQL_RECORD_POLL = ("UPDATE sources SET last_poll_at = ?2, last_ok = ?3, last_error = NULL, "
                   "last_summary = ?4, next_due = ?5, failures = 0 WHERE id = ?1")


def fetch_all(url):
    """Every record of every page, following "next"; (records, pages)."""
    records = []
    seen = set()
    pages = 0
    while url:
        if url in seen:
            raise ValueError(f"page loop: {url} was already fetched in this poll")
        seen.add(url)
        request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                       "User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            document = json.load(response)
        pages += 1
        if not isinstance(document, dict) or not isinstance(document.get("customers"), list):
            raise ValueError(f"{url}: the response has no “customers” array")
        records.extend(document["customers"])
        next_url = document.get("next")
        url = urllib.parse.urljoin(url, next_url) if isinstance(next_url, str) and next_url else None
    return records, pages


def main():
    parser = argparse.ArgumentParser(description="Poll a usage endpoint like `vigil poll`.")
    parser.add_argument("--vigil", default=os.environ.get("VIGIL_BINARY", "vigil"),
                        help="the vigil binary that creates the schema (default: $VIGIL_BINARY)")
    parser.add_argument("--source", default="demo", help="the source's name (default: demo)")
    parser.add_argument("db")
    parser.add_argument("url")
    args = parser.parse_args()

    clock = time.monotonic()
    if not os.path.exists(args.db):
        create_database(args.vigil, args.db)

    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA cache_size = -32768")

    # The source, as `vigil source add NAME URL` would have registered it.
    started_at = int(time.time())
    db.execute(SQL_INSERT_ENDPOINT, (args.source, args.url, INTERVAL_MIN, TIMEOUT_S, started_at))

    try:
        objects, pages = fetch_all(args.url)
    except (OSError, ValueError, urllib.error.URLError) as e:
        print(f"{args.source}: FAILED, nothing stored: {e}", file=sys.stderr)
        return 1

    # One ingest, as peer_import's, under this endpoint source.
    peer_import.SOURCE_NAME = args.source
    db.execute("BEGIN IMMEDIATE")
    try:
        importer = Importer(db)
        importer.default_observed_at = started_at  # the poll's start, as Vigil
        for obj in objects:
            importer.add(record_from_object(obj))
        importer.finish()
        s = importer.stats
        summary = (f"{s['read']} read, {s['stored']} stored, {s['duplicates']} already stored, "
                   f"{s['skipped']} skipped without id, {s['unknown']} unusable values")
        now = int(time.time())
        db.execute(SQL_RECORD_POLL, (importer.source_id, now, 1, summary,
                                     now + INTERVAL_MIN * 60))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.close()

    print(f"{args.source}: {summary} ({time.monotonic() - clock:.2f} s, {pages} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
