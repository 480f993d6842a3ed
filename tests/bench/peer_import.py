#!/usr/bin/env python3
# peer_import.py: the straightforward Python peer of `vigil import`
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Import a usage history the way `vigil import` does, in plain Python.

    peer_import.py [--vigil VIGIL] DB FILE

The benchmark (design 7) compares Vigil with "a straightforward Python
script doing the same work". This is that script: standard library only
(csv, json, sqlite3), written the way a competent Python developer would,
neither deliberately slow nor heroically optimised.

It does what one Vigil import does for each record: parse the native
fields of design 2.1 with the same unknown and range rules, get or create
the customer (ids cached in a dict), intern features into the features
table and store the same compact JSON (feature id -> calls), insert the
snapshot unless it is already stored, compute the default score of
design 3.1 and insert it with each measure's value and points; at the end
it writes each customer's latest name, plan, owner and segment. All in
one transaction.

The database is created by Vigil itself (`vigil --db DB scores`), so both
write the same schema. The Vigil binary comes from --vigil, else from
$VIGIL_BINARY, else `vigil` on the PATH.
"""

import argparse
import csv
import datetime
import json
import math
import os
import re
import subprocess
import sys
import time

import sqlite3

SOURCE_NAME = "imported"
MAX_COUNT = 10**15
MAX_NPS = 10
MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z
FEATURE_USED_NO_COUNT = -1

FIELDS = (
    "id", "name", "plan", "owner", "segment", "mrr", "seats", "seats_used",
    "renewal_date", "last_active", "api_calls_7d", "features", "features_used",
    "open_tickets", "nps", "observed_at",
)
STRING_FIELDS = ("name", "plan", "owner", "segment")
COUNT_FIELDS = {
    "seats": MAX_COUNT, "seats_used": MAX_COUNT, "api_calls_7d": MAX_COUNT,
    "features_used": MAX_COUNT, "open_tickets": MAX_COUNT, "nps": MAX_NPS,
}
TIME_FIELDS = ("last_active", "observed_at")
MEASURES = ("activity", "volume", "breadth", "seats", "tickets", "nps")

# C's isspace() in the "C" locale: what g_strstrip() removes.
ASCII_SPACE = " \t\n\v\f\r"

ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?)?\Z")
DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
EPOCH_DAY = datetime.date(1970, 1, 1).toordinal()

SQL_INSERT_SOURCE = ("INSERT INTO sources (name, kind, created_at) VALUES (?, 'file', ?) "
                     "ON CONFLICT (name) DO NOTHING")
SQL_INSERT_CUSTOMER = ("INSERT INTO customers (source_id, external_id) VALUES (?, ?) "
                       "ON CONFLICT (source_id, external_id) DO NOTHING")
SQL_LOOKUP_CUSTOMER = "SELECT id FROM customers WHERE source_id = ? AND external_id = ?"
SQL_INSERT_FEATURE = "INSERT INTO features (name) VALUES (?) ON CONFLICT (name) DO NOTHING"
SQL_LOOKUP_FEATURE = "SELECT id FROM features WHERE name = ?"
# The observation, then its score (Vigil's schema: scores apart).
SQL_INSERT_SNAPSHOT = (
    "INSERT INTO snapshots (customer_id, observed_at, last_active, mrr, seats, seats_used, "
    "api_calls_7d, features_used, open_tickets, nps, renewal_date, plan, features) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (customer_id, observed_at) DO NOTHING")
SQL_INSERT_SCORE = (
    "INSERT INTO scores (customer_id, observed_at, version, health, tier) VALUES (?, ?, ?, ?, ?)")
# An older backfill only fills gaps in what newer snapshots said.
SQL_UPDATE_CUSTOMER = (
    "UPDATE customers SET "
    "name = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?2, name) ELSE coalesce (name, ?2) END, "
    "plan = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?3, plan) ELSE coalesce (plan, ?3) END, "
    "owner = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?4, owner) ELSE coalesce (owner, ?4) END, "
    "segment = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?5, segment) ELSE coalesce (segment, ?5) END, "
    "latest_at = max (coalesce (latest_at, ?6), ?6) WHERE id = ?1")


# Parsing ---------------------------------------------------------------------

def days_from_civil(year, month, day):
    return datetime.date(year, month, day).toordinal() - EPOCH_DAY


def parse_iso8601(text):
    """Unix seconds for an ISO 8601 timestamp or date (UTC unless it says), or None."""
    m = ISO_RE.match(text)
    if m:
        year, month, day, hour, minute, second, _, sign, oh, om = m.groups()
        try:
            days = days_from_civil(int(year), int(month), int(day))
        except ValueError:
            return None
        if hour is None:
            return days * 86400
        hour, minute, second = int(hour), int(minute), int(second or 0)
        if hour > 23 or minute > 59 or second > 60:
            return None
        offset = 0
        if sign:
            oh, om = int(oh), int(om or 0)
            if oh > 23 or om > 59:
                return None
            offset = (oh * 3600 + om * 60) * (-1 if sign == "-" else 1)
        return days * 86400 + hour * 3600 + minute * 60 + second - offset
    # Rarer shapes (week dates, ordinal dates) as Python reads them.
    try:
        dt = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp())


def parse_date(text):
    """Days since 1970-01-01 of YYYY-MM-DD, or None."""
    m = DATE_RE.match(text)
    if not m:
        return None
    try:
        return days_from_civil(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def format_date(days):
    return datetime.date.fromordinal(days + EPOCH_DAY).isoformat()


def parse_float(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def to_count(value, limit):
    if isinstance(value, bool) or not math.isfinite(value) or value < 0 or value > limit \
            or value != math.floor(value):
        return None
    return int(value)


class Record:
    """One snapshot: the fields of design 2.1, None where unknown."""

    __slots__ = ("id", "name", "plan", "owner", "segment", "mrr", "seats", "seats_used",
                 "renewal_date", "last_active", "api_calls_7d", "features", "features_used",
                 "open_tickets", "nps", "observed_at", "unknown")

    def __init__(self):
        self.id = self.name = self.plan = self.owner = self.segment = None
        self.mrr = self.seats = self.seats_used = self.renewal_date = None
        self.last_active = self.api_calls_7d = self.features = self.features_used = None
        self.open_tickets = self.nps = self.observed_at = None
        self.unknown = 0

    def reject(self, field):
        """A value was given but is unusable: unknown, and counted."""
        setattr(self, field, None)
        self.unknown += 1

    def set_number(self, field, value):
        if field == "mrr":
            if math.isfinite(value) and 0 <= value < 1e15:
                self.mrr = value
            else:
                self.reject(field)
        elif field in COUNT_FIELDS:
            count = to_count(value, COUNT_FIELDS[field])
            if count is None:
                self.reject(field)
            else:
                setattr(self, field, count)
        elif field in TIME_FIELDS:
            seconds = to_count(value, MAX_EPOCH)  # epoch seconds, years 1970..9999
            if seconds is None:
                self.reject(field)
            else:
                setattr(self, field, seconds)
        elif field == "id":
            if math.isfinite(value) and value == math.floor(value) and abs(value) < 9e15:
                self.id = str(int(value))
            else:
                self.reject(field)
        else:
            self.reject(field)

    def set_features(self, value):
        """From the parsed JSON: an object of calls or an array of names."""
        if isinstance(value, dict):
            features = []
            for name, calls in value.items():
                if calls is None:
                    continue
                if isinstance(calls, (int, float)) and to_count(calls, MAX_COUNT) is not None:
                    features.append((name, int(calls)))
                else:
                    self.unknown += 1
            self.features = features
        elif isinstance(value, list):
            features = []
            for name in value:
                if isinstance(name, str) and name:
                    features.append((name, FEATURE_USED_NO_COUNT))
                else:
                    self.unknown += 1
            self.features = features
        elif value is not None:
            self.reject("features")

    def set_text(self, field, text):
        """From text, as a CSV cell holds it: empty or `null` is unknown."""
        stripped = text.strip(ASCII_SPACE)
        if not stripped or stripped.lower() == "null":
            return
        if field == "id" or field in STRING_FIELDS:
            setattr(self, field, stripped)
        elif field in TIME_FIELDS:
            seconds = parse_iso8601(stripped)
            if seconds is not None:
                setattr(self, field, seconds)
            else:
                number = parse_float(stripped)
                if number is None:
                    self.reject(field)
                else:
                    self.set_number(field, number)
        elif field == "renewal_date":
            day = parse_date(stripped)
            if day is None:
                seconds = parse_iso8601(stripped)
                day = seconds // 86400 if seconds is not None else None
            if day is None:
                self.reject(field)
            else:
                self.renewal_date = day
        elif field == "features":
            try:
                self.set_features(json.loads(text))
            except ValueError:
                self.reject(field)
        else:
            number = parse_float(stripped)
            if number is None:
                self.reject(field)
            else:
                self.set_number(field, number)

    def set_json(self, field, value):
        """From a JSON value: numbers as strings are accepted too."""
        if value is None:
            return
        if field == "features":
            self.set_features(value)
        elif isinstance(value, str):
            if field == "id" and not value.strip(ASCII_SPACE):
                self.reject(field)  # an explicit empty id is unusable
            else:
                self.set_text(field, value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) \
                and field not in STRING_FIELDS and field != "renewal_date":
            try:
                self.set_number(field, float(value))
            except OverflowError:
                self.reject(field)
        else:
            self.reject(field)

    def features_used_count(self):
        """Features with calls (or named), else the count given."""
        if self.features is None:
            return self.features_used
        return sum(1 for _, calls in self.features if calls > 0 or calls == FEATURE_USED_NO_COUNT)


def record_from_object(obj):
    record = Record()
    if isinstance(obj, dict):
        for field in FIELDS:
            if field in obj:
                record.set_json(field, obj[field])
    return record


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise ValueError("the file is empty")
        columns = [name.strip(ASCII_SPACE).lower() for name in header]
        columns = [name if name in FIELDS else None for name in columns]
        if "id" not in columns:
            raise ValueError("the CSV header has no “id” column")
        for row in reader:
            if len(row) != len(columns):
                raise ValueError(f"line {reader.line_num}: {len(row)} fields, "
                                 f"but the header has {len(columns)}")
            record = Record()
            for field, text in zip(columns, row):
                if field is not None:
                    record.set_text(field, text)
            yield record


def read_json_lines(path):
    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise ValueError(f"line {number}: {e}") from None
            yield record_from_object(obj)


def read_json_document(path):
    with open(path, encoding="utf-8-sig") as f:
        root = json.load(f)
    if isinstance(root, dict) and isinstance(root.get("customers"), list):
        root = root["customers"]
    if not isinstance(root, list):
        raise ValueError("a JSON document must be an array of records "
                         "or an object with a “customers” array")
    for obj in root:
        yield record_from_object(obj)


def detect_format(path):
    """By content, as Vigil does: JSON document, JSON Lines or CSV."""
    with open(path, "rb") as f:
        head = f.read(65536)
    text = head.decode("utf-8", "replace").lstrip("\ufeff").lstrip()
    if text.startswith("["):
        return "json"
    if not text.startswith("{"):
        return "csv"
    try:
        first = json.loads(text.split("\n", 1)[0])
    except ValueError:
        return "json"
    if isinstance(first, dict) and isinstance(first.get("customers"), list):
        return "json"
    return "jsonl"


# Scoring ---------------------------------------------------------------------

def round_points(value):
    """To a millionth of a point, halves away from zero, like C's round()."""
    return math.copysign(math.floor(abs(value) * 1e6 + 0.5), value) / 1e6


class Scorecard:
    """The scorecard in use, read from the database (design 3.1)."""

    def __init__(self, version, definition):
        self.version = version
        spec = json.loads(definition)
        self.weights = {m: spec["measures"][m]["weight"] for m in MEASURES}
        self.targets = {m: spec["measures"][m]["target"] for m in MEASURES}
        self.healthy = spec["tiers"]["healthy"]
        self.at_risk = spec["tiers"]["at-risk"]

    def measure(self, name, record):
        """The measure's value, 0..1, or None when its input is unknown."""
        target = self.targets[name]
        if name == "activity":
            if record.last_active is None or record.observed_at is None:
                return None
            hours = (record.observed_at - record.last_active) / 3600.0
            return min(max(1.0 - hours / target, 0.0), 1.0)
        if name == "volume":
            if record.api_calls_7d is None:
                return None
            return min(record.api_calls_7d / target, 1.0)
        if name == "breadth":
            used = record.features_used_count()
            return None if used is None else min(used / target, 1.0)
        if name == "seats":
            if record.seats is None or record.seats_used is None or record.seats == 0:
                return None
            return min(record.seats_used / record.seats / target, 1.0)
        if name == "tickets":
            if record.open_tickets is None:
                return None
            return min(max(1.0 - record.open_tickets / target, 0.0), 1.0)
        if name == "nps":
            return None if record.nps is None else min(record.nps / target, 1.0)
        raise KeyError(name)

    def compute(self, record):
        """(health, tier, [value, points] per measure); None where unknown."""
        values = {}
        known_weight = 0.0
        for name in MEASURES:
            value = self.measure(name, record) if self.weights[name] > 0 else None
            values[name] = value
            if value is not None:
                known_weight += self.weights[name]
        if known_weight <= 0:
            return None, None, [None] * (2 * len(MEASURES))

        health = 0.0
        columns = []
        for name in MEASURES:
            value = values[name]
            if value is None:
                columns += [None, None]
                continue
            weight = self.weights[name]
            columns += [value, round_points(value * weight * 100.0 / known_weight)]
            health += value * weight
        health = round_points(health * 100.0 / known_weight)
        if health >= self.healthy:
            tier = "healthy"
        elif health >= self.at_risk:
            tier = "at-risk"
        else:
            tier = "high-risk"
        return health, tier, columns


# Import ----------------------------------------------------------------------

class Importer:
    def __init__(self, db):
        self.db = db
        self.customers = {}      # external id -> [row id, latest_at, name, plan, owner, segment]
        self.feature_ids = dict(db.execute("SELECT name, id FROM features"))
        self.stats = dict(read=0, stored=0, duplicates=0, skipped=0, unknown=0)
        version, definition = db.execute(
            "SELECT version, definition FROM scorecards ORDER BY version DESC LIMIT 1").fetchone()
        self.scorecard = Scorecard(version, definition)
        now = int(time.time())
        db.execute(SQL_INSERT_SOURCE, (SOURCE_NAME, now))
        self.source_id = db.execute("SELECT id FROM sources WHERE name = ?",
                                    (SOURCE_NAME,)).fetchone()[0]
        self.default_observed_at = now

    def customer(self, external_id):
        state = self.customers.get(external_id)
        if state is None:
            self.db.execute(SQL_INSERT_CUSTOMER, (self.source_id, external_id))
            row_id = self.db.execute(SQL_LOOKUP_CUSTOMER,
                                     (self.source_id, external_id)).fetchone()[0]
            state = [row_id, None, None, None, None, None]
            self.customers[external_id] = state
        return state

    def feature_id(self, name):
        feature_id = self.feature_ids.get(name)
        if feature_id is None:
            self.db.execute(SQL_INSERT_FEATURE, (name,))
            feature_id = self.db.execute(SQL_LOOKUP_FEATURE, (name,)).fetchone()[0]
            self.feature_ids[name] = feature_id
        return feature_id

    def encode_features(self, features):
        if features is None:
            return None
        return "{" + ",".join(f'"{self.feature_id(name)}":{calls}'
                              for name, calls in features) + "}"

    def add(self, record):
        self.stats["read"] += 1
        self.stats["unknown"] += record.unknown
        if record.id is None:
            self.stats["skipped"] += 1
            return
        if record.observed_at is None:
            record.observed_at = self.default_observed_at

        state = self.customer(record.id)
        customer_id = state[0]
        renewal = format_date(record.renewal_date) if record.renewal_date is not None else None
        health, tier, _ = self.scorecard.compute(record)
        cursor = self.db.execute(SQL_INSERT_SNAPSHOT, (
            customer_id, record.observed_at, record.last_active, record.mrr, record.seats,
            record.seats_used, record.api_calls_7d, record.features_used_count(),
            record.open_tickets, record.nps, renewal, record.plan,
            self.encode_features(record.features)))
        if cursor.rowcount == 0:
            self.stats["duplicates"] += 1
            return
        self.db.execute(SQL_INSERT_SCORE, (customer_id, record.observed_at,
                                           self.scorecard.version, health, tier))

        # The newest snapshot's attributes win; older ones only fill gaps.
        newer = state[1] is None or record.observed_at >= state[1]
        for slot, value in ((2, record.name), (3, record.plan),
                            (4, record.owner), (5, record.segment)):
            if value is not None and (newer or state[slot] is None):
                state[slot] = value
        if newer:
            state[1] = record.observed_at
        self.stats["stored"] += 1

    def finish(self):
        self.db.executemany(SQL_UPDATE_CUSTOMER, (
            (row_id, name, plan, owner, segment, latest_at)
            for row_id, latest_at, name, plan, owner, segment in self.customers.values()
            if latest_at is not None))


def create_database(vigil, path):
    """Let Vigil create (or migrate) the database, so the schema is its own."""
    subprocess.run([vigil, "--db", path, "scores"], check=True,
                   stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description="Import a usage history like `vigil import`.")
    parser.add_argument("--vigil", default=os.environ.get("VIGIL_BINARY", "vigil"),
                        help="the vigil binary that creates the schema (default: $VIGIL_BINARY)")
    parser.add_argument("db")
    parser.add_argument("file")
    args = parser.parse_args()

    create_database(args.vigil, args.db)

    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA cache_size = -32768")

    readers = {"csv": read_csv, "jsonl": read_json_lines, "json": read_json_document}
    fmt = detect_format(args.file)

    db.execute("BEGIN IMMEDIATE")
    try:
        importer = Importer(db)
        for record in readers[fmt](args.file):
            importer.add(record)
        importer.finish()
        db.execute("COMMIT")
    except (ValueError, UnicodeDecodeError, csv.Error) as e:
        db.execute("ROLLBACK")
        print(f"peer_import: import failed, nothing was stored: {args.file}: {e}",
              file=sys.stderr)
        return 1
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.close()

    s = importer.stats
    print(f"Imported {args.file} ({fmt}) into source “{SOURCE_NAME}”:\n"
          f"  {s['read']} records read\n"
          f"  {s['stored']} snapshots stored and scored\n"
          f"  {s['duplicates']} already stored before\n"
          f"  {s['skipped']} records skipped: no usable id\n"
          f"  {s['unknown']} values unusable (wrong type or out of range), stored as unknown")
    return 0


if __name__ == "__main__":
    sys.exit(main())
