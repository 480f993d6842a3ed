#!/usr/bin/env python3
# reliability.py: Vigil broken on purpose (issue 9): killed, starved of disk, denied writes,
# run twice at once, handed hostile databases, and searched for a token it must not keep
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: reliability.py [--long] [--seed N] [--keep] SUITE
#
# Suites (each one meson test):
#   crash        SIGKILL `vigil import` and `vigil poll` at random moments spread over their whole
#                run; after each kill the database passes PRAGMA integrity_check, the import or
#                poll is wholly in or wholly out, nothing committed before is lost, and the next
#                run completes. Bulk imports (into a new database, without the WAL) too: the next
#                open rolls their journal back. Default: 50 import kills, 8 bulk import kills
#                and 20 poll kills; --long: 1000 + 200 + 400.
#   read-only    a read-only database file, and a writable file in a read-only folder (no WAL
#                can be created): a clear error, exit 1, every byte unchanged.
#   full-disk    writes that fail: a file size limit (RLIMIT_FSIZE, any user) and a full tmpfs
#                (needs mount rights; skipped with a message otherwise): a clear error, exit 1,
#                the database valid and its history intact; the same import succeeds once
#                there is room again.
#   concurrency  two imports of different sources and a poll at once on one database: all
#                succeed, no write is lost. Then a poll and a bulk import raced into empty
#                books (8 times; --long: 40): both succeed, nothing lost.
#   hostile-db   truncated files, a schema from the future, hand-edited wrong types,
#                symlinks: refused with a clear error or handled; never a crash.
#   crash-postgresql
#                crash on a team's book (run through tests/with-postgres.sh): import and poll
#                killed; amcheck instead of integrity_check; the same wholly-in-or-out checks.
#                Default: 16 import kills and 10 poll kills; --long: 300 + 200.
#   secrets      a source with --token-env polled against a loopback server that demands the
#                token: the token is nowhere in the database, its WAL, stdout, stderr or logs.
#
# Environment: VIGIL_BINARY (the vigil executable), VIGIL_BENCH_GEN (optional: the history
# generator; without it the CSV is written here). Standard library only.

import argparse
import hashlib
import http.server
import json
import os
import re
import random
import shutil
import signal
import socketserver
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time

VIGIL = os.environ.get('VIGIL_BINARY', 'vigil')
SKIP = 77

FEATURES = ['reports', 'workflow-automation', 'api', 'sso', 'exports', 'alerts', 'dashboards',
            'audit-log']


def log(*args):
    print(*args, flush=True)


def vigil_env(extra=None):
    env = dict(os.environ)
    env['VIGIL_NO_WINDOW'] = '1'
    env.pop('VIGIL_DB', None)
    if extra:
        env.update(extra)
    return env


def run_vigil(db, *args, env=None, timeout=120, check=None):
    """Runs vigil to completion; returns the CompletedProcess (text)."""
    proc = subprocess.run([VIGIL, '--db', db, *args], env=vigil_env(env), capture_output=True,
                          text=True, errors='replace', timeout=timeout)
    if proc.returncode < 0 or proc.returncode >= 128:
        raise AssertionError('vigil %s crashed (status %d): %s' % (' '.join(args), proc.returncode,
                                                                   proc.stderr[-2000:]))
    if check is not None and proc.returncode != check:
        raise AssertionError('vigil %s: exit %d, expected %d\nstdout: %s\nstderr: %s'
                             % (' '.join(args), proc.returncode, check, proc.stdout[-2000:],
                                proc.stderr[-2000:]))
    return proc


def write_csv(path, customers, days, first_day=20000, seed=1):
    """A native CSV history: one row per customer per day (design 2.1)."""
    rng = random.Random(seed)
    with open(path, 'w', newline='') as f:
        f.write('id,name,plan,owner,segment,mrr,seats,seats_used,renewal_date,last_active,'
                'api_calls_7d,features,features_used,open_tickets,nps,observed_at\n')
        for d in range(days):
            day = first_day + d
            ts = time.strftime('%Y-%m-%dT12:00:00Z', time.gmtime(day * 86400))
            act = time.strftime('%Y-%m-%dT09:00:00Z', time.gmtime(day * 86400))
            for c in range(customers):
                feats = {n: rng.randrange(0, 200) for n in FEATURES[:rng.randrange(0, 8)]}
                cell = json.dumps(feats).replace('"', '""')
                f.write('cust-%d,"Customer %d, Inc.",pro,Owner %d,EMEA,%.2f,%d,%d,2027-03-01,%s,'
                        '%d,"%s",,%d,%d,%s\n'
                        % (c, c, c % 7, 100 + c % 900, 50, rng.randrange(0, 51), act,
                           rng.randrange(0, 6000), cell, rng.randrange(0, 5), rng.randrange(0, 11),
                           ts))
    return customers * days


def make_history(path, customers, days, seed=1):
    gen = os.environ.get('VIGIL_BENCH_GEN')
    if gen and os.access(gen, os.X_OK):
        subprocess.run([gen, '--customers', str(customers), '--days', str(days), '--format', 'csv',
                        '--output', path, '--seed', str(seed)], check=True, capture_output=True)
        return customers * days
    return write_csv(path, customers, days, seed=seed)


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def db_files(db):
    return [p for p in (db, db + '-wal', db + '-shm') if os.path.exists(p)]


def checksums(db):
    return {p: sha256(p) for p in db_files(db)}


class Db:
    """Looks at a Vigil database with Python's sqlite3, as a second opinion."""

    def __init__(self, path):
        self.path = path

    def query(self, sql, *params):
        con = sqlite3.connect(self.path, timeout=60)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def integrity(self):
        rows = self.query('PRAGMA integrity_check')
        return rows == [('ok',)], rows

    def has_schema(self):
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE name = 'snapshots'"))

    def count(self, source=None):
        if not self.has_schema():
            return 0
        if source is None:
            return self.query('SELECT count(*) FROM snapshots')[0][0]
        return self.query('SELECT count(*) FROM snapshots s JOIN customers c ON c.id = s.customer_id '
                          'JOIN sources src ON src.id = c.source_id WHERE src.name = ?',
                          source)[0][0]

    def state(self):
        """What an import changes: snapshots, scores, customers, triggers, sources."""
        if not self.has_schema():
            return (0, 0, 0, 0, 0)
        return tuple(self.query('SELECT count(*) FROM ' + t)[0][0]
                     for t in ('snapshots', 'scores', 'customers', 'triggers', 'sources'))


class PgDb:
    """Looks at a team's book on the private PostgreSQL cluster (tests/with-postgres.sh) with
    psql, as a second opinion: the same questions as Db, its tables found through the search
    path. Parameters are this script's own numbers and names, written in as literals."""

    def __init__(self, location):
        self.location = location

    def _literal(self, value):
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    def _psql(self, sql):
        env = dict(os.environ)
        env['PGOPTIONS'] = '-c search_path=vigil'
        return subprocess.run(['psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', self.location,
                               '-c', sql], env=env, capture_output=True, text=True, timeout=120)

    def query(self, sql, *params):
        parts = sql.split('?')
        if len(parts) != len(params) + 1:
            raise ValueError('%d parameters for %s' % (len(params), sql))
        text = parts[0] + ''.join(self._literal(p) + rest for p, rest in zip(params, parts[1:]))
        proc = self._psql(text)
        if proc.returncode != 0:
            raise AssertionError('psql: %s: %s' % (text, proc.stderr))
        rows = []
        for line in proc.stdout.splitlines():
            rows.append(tuple(int(v) if re.fullmatch(r'-?[0-9]+', v) else v for v in line.split('|')))
        return rows

    def integrity(self):
        """amcheck: every B-tree index of the book agrees with its table, and no table's heap
        is corrupt (no row of verify_heapam)."""
        indexes = self.query("SELECT count (public.bt_index_check (c.oid, true)) FROM pg_index i "
                             "JOIN pg_class c ON c.oid = i.indexrelid "
                             "JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "JOIN pg_am a ON a.oid = c.relam WHERE n.nspname = 'vigil' AND a.amname = 'btree'")
        heap = self.query("SELECT c.relname, v.msg FROM pg_class c "
                          "JOIN pg_namespace n ON n.oid = c.relnamespace, "
                          "LATERAL public.verify_heapam (c.oid) v WHERE n.nspname = 'vigil' AND c.relkind = 'r'")
        return heap == [], (indexes, heap)

    def has_schema(self):
        return self.query("SELECT CASE WHEN to_regclass ('vigil.snapshots') IS NULL THEN 0 ELSE 1 END") == [(1,)]

    count = Db.count
    state = Db.state


def on_postgresql():
    return os.environ.get('VIGIL_TEST_ENGINE') == 'postgresql'


def new_book(work, name):
    """Where a new book goes: a file in the work folder, or on PostgreSQL a new database of the
    cluster (with amcheck, for PgDb.integrity)."""
    if not on_postgresql():
        return os.path.join(work, name + '.db')
    cluster = os.environ['VIGIL_TEST_PG']
    database = 'reliability_' + re.sub(r'[^a-z0-9]', '_', name.lower())
    admin = PgDb(cluster)
    admin.query('DROP DATABASE IF EXISTS %s WITH (FORCE)' % database)
    admin.query('CREATE DATABASE %s TEMPLATE template0' % database)
    location = '%s dbname=%s' % (cluster, database)
    PgDb(location).query('CREATE EXTENSION amcheck SCHEMA public')
    return location


def open_db(location):
    return PgDb(location) if on_postgresql() else Db(location)


def book_exists(location):
    return on_postgresql() or os.path.exists(location)


# A loopback usage endpoint --------------------------------------------------------------------

class UsageServer:
    """Serves N customers in the native format, in pages. Every poll (a request without a page)
    starts a generation; all its pages carry one observed_at, so one poll stores exactly N new
    snapshots. Optionally demands a bearer token, or dribbles its answer."""

    def __init__(self, customers, page_size=500, token=None):
        self.customers = customers
        self.page_size = page_size
        self.token = token
        self.generation = 0
        self.lock = threading.Lock()
        self.authorizations = []
        self.pages = []
        for first in range(0, customers, page_size):
            records = []
            for i in range(first, min(first + page_size, customers)):
                records.append('{"id":"c%d","name":"Customer %d","plan":"pro","owner":"Owner %d",'
                               '"mrr":%d.5,"seats":50,"seats_used":%d,"api_calls_7d":%d,'
                               '"last_active":"2026-11-20T10:00:00Z","features":{"reports":%d,'
                               '"api":%d},"observed_at":"@OBSERVED@"}'
                               % (i, i, i % 5, 100 + i % 700, i % 51, (i * 37) % 6000,
                                  i % 90, i % 13))
            self.pages.append(','.join(records))
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.handle(self)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request, client_address):
                # A killed client resets its connections: expected here.
                if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                    super().handle_error(request, client_address)

        self.httpd = Server(('127.0.0.1', 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = 'http://127.0.0.1:%d/usage' % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, req):
        auth = req.headers.get('Authorization')
        with self.lock:
            self.authorizations.append(auth)
        if self.token is not None and auth != 'Bearer ' + self.token:
            body = b'{"error": "unauthorized"}'
            req.send_response(401)
            req.send_header('Content-Type', 'application/json')
            req.send_header('Content-Length', str(len(body)))
            req.end_headers()
            req.wfile.write(body)
            return
        page, gen = 0, None
        if '?' in req.path:
            for part in req.path.split('?', 1)[1].split('&'):
                key, _, value = part.partition('=')
                if key == 'page':
                    page = int(value)
                elif key == 'gen':
                    gen = int(value)
        if gen is None:
            with self.lock:
                self.generation += 1
                gen = self.generation
        observed = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(1700000000 + gen * 60))
        body = '{"customers":[' + self.pages[page].replace('@OBSERVED@', observed) + ']'
        if page + 1 < len(self.pages):
            body += ',"next":"%s?page=%d&gen=%d"' % (self.url, page + 1, gen)
        body = (body + '}').encode()
        req.send_response(200)
        req.send_header('Content-Type', 'application/json')
        req.send_header('Content-Length', str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# crash ----------------------------------------------------------------------------------------

def kill_at(argv, delay, env=None):
    """Starts argv, SIGKILLs it after delay seconds. Returns (killed, returncode)."""
    proc = subprocess.Popen(argv, env=vigil_env(env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed = True
    err = proc.stderr.read().decode(errors='replace')
    proc.stderr.close()
    if not killed and proc.returncode != 0:
        raise AssertionError('%s: exit %d before the kill: %s' % (argv, proc.returncode, err))
    return killed


def timed(fn):
    t0 = time.monotonic()
    fn()
    return time.monotonic() - t0


def crash_import(work, kills, rng, customers, days, rotate):
    csv = os.path.join(work, 'history.csv')
    rows = make_history(csv, customers, days)
    log('# import file: %d rows, %d bytes' % (rows, os.path.getsize(csv)))

    calib_db = new_book(work, 'calib')
    duration = timed(lambda: run_vigil(calib_db, 'import', csv, check=0))
    log('# an uninterrupted import takes %.2f s; kills land in [0, %.2f s)' % (duration,
                                                                              duration * 1.05))

    survived = attempts = in_count = out_count = lost = 0
    db = None
    run = 0
    while survived < kills:
        attempts += 1
        if attempts > kills * 4:
            raise AssertionError('too many imports finished before their kill')
        if db is None or run % rotate == 0:
            db = new_book(work, 'import-%d' % run)
        run += 1
        source = 'run-%d' % run
        vdb = open_db(db)
        before = vdb.state() if book_exists(db) else (0, 0, 0, 0, 0)
        before_total = vdb.count() if book_exists(db) else 0
        delay = rng.uniform(0, duration * 1.05)
        killed = kill_at([VIGIL, '--db', db, 'import', csv, '--source', source], delay)

        if book_exists(db):
            ok, detail = vdb.integrity()
            if not ok:
                raise AssertionError('import kill at %.3f s: integrity_check: %s' % (delay, detail))
        n = vdb.count(source) if book_exists(db) else 0
        if n not in (0, rows):
            raise AssertionError('import kill at %.3f s: %d of %d rows stored' % (delay, n, rows))
        total = vdb.count() if book_exists(db) else 0
        if total < before_total:
            lost += before_total - total
            raise AssertionError('import kill at %.3f s: %d committed snapshots lost'
                                 % (delay, before_total - total))
        after_kill = vdb.state() if book_exists(db) else (0, 0, 0, 0, 0)

        # The next run completes, and holds exactly the file.
        run_vigil(db, 'import', csv, '--source', source, check=0)
        if vdb.count(source) != rows:
            raise AssertionError('import after a kill at %.3f s: %d rows, expected %d'
                                 % (delay, vdb.count(source), rows))
        after = vdb.state()
        # Wholly in or wholly out: the killed import left its observations (snapshots, their
        # scores, customers) as they were before, or as the finished import leaves them (then
        # the rerun found every row already there). Triggers are derived afterwards, in their own
        # transaction, and brought up to date by the next import or poll (vigil-ingest.c).
        if after_kill[:3] not in (before[:3], after[:3]):
            raise AssertionError('import kill at %.3f s: state %s is neither %s nor %s'
                                 % (delay, after_kill, before, after))
        if killed:
            survived += 1
            if n == rows:
                in_count += 1
            else:
                out_count += 1
    log('# import: %d kill points survived (%d wholly in, %d wholly out), %d runs finished '
        'before their kill, snapshots lost: %d' % (survived, in_count, out_count,
                                                   attempts - survived, lost))
    return survived


def journal_mode(db):
    con = sqlite3.connect(db, timeout=60)
    try:
        return con.execute('PRAGMA journal_mode').fetchone()[0]
    finally:
        con.close()


def crash_bulk_import(work, kills, rng, customers, days):
    """design 2.5: an import into a database without history is written through the rollback
    journal, not the WAL. Killed anywhere (the file large enough that pages reach the database
    before the commit), the next Vigil to open the file rolls the journal back: the database is
    valid, in WAL mode again, holds nothing of the import or all of it, and takes it again."""
    csv = os.path.join(work, 'bulk.csv')
    rows = make_history(csv, customers, days, seed=3)
    log('# bulk import file: %d rows, %d bytes' % (rows, os.path.getsize(csv)))
    calib_db = os.path.join(work, 'bulk-calib.db')
    duration = timed(lambda: run_vigil(calib_db, 'import', csv, check=0))
    log('# an uninterrupted bulk import takes %.2f s; kills land in [0, %.2f s)'
        % (duration, duration * 1.05))

    # A bulk import spools its rows and writes the database only after the last one (design
    # 2.5), a part of its time: kills go on past the count until one has landed there.
    survived = attempts = in_count = journals = spilled = 0
    max_attempts = max(kills * 4, 60)
    while survived < kills or spilled == 0:
        attempts += 1
        if attempts > max_attempts:
            if survived < kills:
                raise AssertionError('too many bulk imports finished before their kill')
            break
        db = os.path.join(work, 'bulk-%d.db' % attempts)
        delay = rng.uniform(0, duration * 1.05)
        killed = kill_at([VIGIL, '--db', db, 'import', csv], delay)
        if not os.path.exists(db):
            continue
        if os.path.exists(db + '-journal'):
            journals += 1
            # Pages of the import already in the database file, to be undone.
            spilled += os.path.getsize(db) > 4 << 20
        # Vigil is the first to open it again: it must roll a hot journal back itself.
        run_vigil(db, 'scores', check=0)
        if os.path.exists(db + '-journal'):
            raise AssertionError('bulk import kill at %.3f s: the journal outlived the next open'
                                 % delay)
        vdb = Db(db)
        ok, detail = vdb.integrity()
        if not ok:
            raise AssertionError('bulk import kill at %.3f s: integrity_check: %s' % (delay, detail))
        if journal_mode(db) != 'wal':
            raise AssertionError('bulk import kill at %.3f s: the database is in %s mode, not WAL'
                                 % (delay, journal_mode(db)))
        n = vdb.count()
        if n not in (0, rows):
            raise AssertionError('bulk import kill at %.3f s: %d of %d rows stored' % (delay, n, rows))
        state = vdb.state()
        if n == 0 and state[:3] != (0, 0, 0):
            raise AssertionError('bulk import kill at %.3f s: left %s behind' % (delay, state))
        run_vigil(db, 'import', csv, check=0)
        if vdb.count() != rows:
            raise AssertionError('bulk import after a kill at %.3f s: %d rows, expected %d'
                                 % (delay, vdb.count(), rows))
        if killed:
            survived += 1
            in_count += n == rows
        for path in [db] + [db + suffix for suffix in ('-wal', '-shm', '-journal')]:
            if os.path.exists(path):
                os.remove(path)
    log('# bulk import: %d kill points survived (%d wholly in, %d wholly out; %d with a hot '
        'journal, %d of them with pages in the database to undo), %d runs finished before their '
        'kill' % (survived, in_count, survived - in_count, journals, spilled, attempts - survived))
    if spilled == 0:
        raise AssertionError('no kill landed while a bulk import was writing the database')
    return survived


def crash_poll(work, kills, rng, customers):
    server = UsageServer(customers)
    try:
        db = new_book(work, 'poll')
        run_vigil(db, 'source', 'add', 'live', server.url, '--timeout', '30', check=0)
        duration = timed(lambda: run_vigil(db, 'poll', 'live', check=0))
        log('# a poll of %d customers takes %.2f s; kills land in [0, %.2f s)'
            % (customers, duration, duration * 1.05))
        vdb = open_db(db)
        survived = attempts = in_count = 0
        while survived < kills:
            attempts += 1
            if attempts > kills * 4:
                raise AssertionError('too many polls finished before their kill')
            before = vdb.count('live')
            delay = rng.uniform(0, duration * 1.05)
            killed = kill_at([VIGIL, '--db', db, 'poll', 'live'], delay)
            ok, detail = vdb.integrity()
            if not ok:
                raise AssertionError('poll kill at %.3f s: integrity_check: %s' % (delay, detail))
            n = vdb.count('live')
            if n not in (before, before + customers):
                raise AssertionError('poll kill at %.3f s: %d snapshots, expected %d or %d'
                                     % (delay, n, before, before + customers))
            partial = vdb.query('SELECT observed_at, count(*) FROM snapshots GROUP BY observed_at '
                                'HAVING count(*) != ?', customers)
            if partial:
                raise AssertionError('poll kill at %.3f s: partial polls stored: %s'
                                     % (delay, partial[:5]))
            run_vigil(db, 'poll', 'live', check=0)
            if vdb.count('live') != n + customers:
                raise AssertionError('poll after a kill: %d snapshots, expected %d'
                                     % (vdb.count('live'), n + customers))
            if killed:
                survived += 1
                in_count += n != before
        log('# poll: %d kill points survived (%d wholly in, %d wholly out), %d runs finished '
            'before their kill, snapshots lost: 0' % (survived, in_count, survived - in_count,
                                                      attempts - survived))
        return survived
    finally:
        server.close()


def suite_crash(work, args):
    seed = args.seed if args.seed is not None else 20261123
    rng = random.Random(seed)
    log('# seed %d (reproduce with --seed %d)' % (seed, seed))
    if args.long:
        a = crash_import(work, 1000, rng, 2000, 40, rotate=20)
        c = crash_bulk_import(work, 200, rng, 1000, 150)
        b = crash_poll(work, 400, rng, 20000)
    else:
        a = crash_import(work, 50, rng, 1000, 20, rotate=5)
        c = crash_bulk_import(work, 6, rng, 1000, 150)
        b = crash_poll(work, 20, rng, 5000)
    log('# crash: %d kill points survived (import %d, bulk import %d, poll %d); bytes lost: 0'
        % (a + b + c, a, c, b))


# read-only ------------------------------------------------------------------------------------

def populated_db(work, name, rows=(200, 5)):
    db = os.path.join(work, name)
    csv = os.path.join(work, name + '.csv')
    if not os.path.exists(csv):
        write_csv(csv, rows[0], rows[1], seed=7)
    run_vigil(db, 'import', csv, check=0)
    # A quiet database: everything checkpointed into the main file.
    con = sqlite3.connect(db)
    con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    con.close()
    return db, csv


def expect_clear_failure(proc, what, words):
    if proc.returncode != 1:
        raise AssertionError('%s: exit %d, expected 1\nstdout: %s\nstderr: %s'
                             % (what, proc.returncode, proc.stdout, proc.stderr))
    err = proc.stderr.strip()
    if not err or not any(w in err.lower() for w in words):
        raise AssertionError('%s: unclear error: %r' % (what, err))
    if 'Traceback' in err or 'CRITICAL' in err or 'assertion' in err.lower():
        raise AssertionError('%s: not a clean error: %r' % (what, err))
    log('# %s: exit 1: %s' % (what, err.splitlines()[0]))


def drop_privileges():
    """Root ignores file modes: the read-only checks run as nobody when we are root."""
    if os.getuid() == 0:
        return {'user': 65534, 'group': 65534, 'extra_groups': []}
    return {}


# Where the unprivileged user finds what it needs: a build tree may sit in
# a folder only its owner can enter (a CI clone in a mktemp -d folder).
UNPRIVILEGED = {'binary': None, 'env': {}}


def share_with_unprivileged(work):
    binary = os.path.join(work, 'vigil-unprivileged')
    shutil.copy(VIGIL, binary)
    os.chmod(binary, 0o755)
    UNPRIVILEGED['binary'] = binary
    options = os.environ.get('LSAN_OPTIONS', '')
    match = re.search(r'suppressions=([^:]+)', options)
    if match:
        suppressions = os.path.join(work, 'lsan.supp')
        shutil.copy(match.group(1), suppressions)
        os.chmod(suppressions, 0o644)
        UNPRIVILEGED['env']['LSAN_OPTIONS'] = options.replace(match.group(1), suppressions)


def run_as(kwargs, db, *args):
    binary = UNPRIVILEGED['binary'] if kwargs and UNPRIVILEGED['binary'] else VIGIL
    proc = subprocess.run([binary, '--db', db, *args],
                          env=vigil_env({'HOME': '/tmp', **(UNPRIVILEGED['env'] if kwargs else {})}),
                          capture_output=True, text=True, errors='replace', timeout=120, **kwargs)
    if proc.returncode < 0 or proc.returncode >= 128:
        raise AssertionError('vigil %s crashed (%d): %s' % (args, proc.returncode, proc.stderr))
    return proc


def suite_read_only(work, args):
    priv = drop_privileges()
    if priv:
        os.chmod(work, 0o755)
        share_with_unprivileged(work)
    db, csv = populated_db(work, 'ro.db')
    other = os.path.join(work, 'other.csv')
    write_csv(other, 50, 2, first_day=20100, seed=3)
    os.chmod(other, 0o644)
    os.chmod(csv, 0o644)
    tried = 0

    # 1. The file is read-only (0444), its folder writable.
    folder = os.path.join(work, 'ro-file')
    os.mkdir(folder)
    ro = os.path.join(folder, 'vigil.db')
    shutil.copy(db, ro)
    os.chmod(ro, 0o444)
    if priv:
        os.chown(folder, 65534, 65534)
    before = checksums(ro)
    expect_clear_failure(run_as(priv, ro, 'import', other, '--source', 'new'),
                         'import into a read-only file', ['read', 'only', 'permission', 'denied',
                                                          'cannot', 'write'])
    tried += 1
    assert {p: h for p, h in checksums(ro).items() if p == ro} == {ro: before[ro]}, \
        'the read-only file changed'
    # Reading still works, or fails clearly.
    proc = run_as(priv, ro, 'scores', '--format', 'csv')
    log('# scores on a read-only file: exit %d' % proc.returncode)
    tried += 1

    # 2. The file is writable but its folder is not: no -wal or -shm can be created.
    folder2 = os.path.join(work, 'ro-dir')
    os.mkdir(folder2)
    ro2 = os.path.join(folder2, 'vigil.db')
    shutil.copy(db, ro2)
    if priv:
        os.chown(ro2, 65534, 65534)
    os.chmod(ro2, 0o644)
    os.chmod(folder2, 0o555)
    before = checksums(ro2)
    proc = run_as(priv, ro2, 'import', other, '--source', 'new')
    tried += 1
    os.chmod(folder2, 0o755)
    expect_clear_failure(proc, 'import with the folder read-only',
                         ['read', 'only', 'permission', 'denied', 'cannot', 'unable', 'open',
                          'write'])
    if checksums(ro2) != before:
        raise AssertionError('the database in a read-only folder changed: %s -> %s'
                             % (before, checksums(ro2)))
    if Db(ro2).count() != Db(db).count():
        raise AssertionError('history lost in the read-only folder')

    # 3. A database that does not exist yet, in a read-only folder.
    missing = os.path.join(folder2, 'new.db')
    os.chmod(folder2, 0o555)
    proc = run_as(priv, missing, 'import', other)
    os.chmod(folder2, 0o755)
    tried += 1
    expect_clear_failure(proc, 'a new database in a read-only folder',
                         ['permission', 'denied', 'cannot', 'unable', 'read', 'write'])
    if os.path.exists(missing):
        raise AssertionError('a database appeared in a read-only folder')
    log('# read-only: %d hostile setups tried, bytes changed: 0' % tried)


# full disk ------------------------------------------------------------------------------------

def fsize_limited(limit):
    def pre():
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


def check_full_disk_run(db, proc, what, before_count, before_sources):
    expect_clear_failure(proc, what, ['full', 'disk', 'space', 'write', 'i/o', 'large', 'error'])
    vdb = Db(db)
    ok, detail = vdb.integrity()
    if not ok:
        raise AssertionError('%s: integrity_check: %s' % (what, detail))
    if vdb.count() != before_count:
        raise AssertionError('%s: %d snapshots, expected %d' % (what, vdb.count(), before_count))
    if vdb.count('big') != 0:
        raise AssertionError('%s: part of the import stored' % what)
    if sorted(vdb.query('SELECT name FROM sources')) != before_sources:
        raise AssertionError('%s: sources changed' % what)


def suite_full_disk(work, args):
    big = os.path.join(work, 'big.csv')
    big_rows = write_csv(big, 2000, 15, first_day=20200, seed=5)
    tried = 0

    # 1. RLIMIT_FSIZE: writes past the limit fail (EFBIG), as on a full disk.
    db, _ = populated_db(work, 'fsize.db')
    vdb = Db(db)
    before = vdb.count()
    sources = sorted(vdb.query('SELECT name FROM sources'))
    limit = os.path.getsize(db) + 256 * 1024
    for i in range(2):
        proc = subprocess.run([VIGIL, '--db', db, 'import', big, '--source', 'big'],
                              env=vigil_env(), capture_output=True, text=True, errors='replace',
                              preexec_fn=fsize_limited(limit), timeout=300)
        if proc.returncode < 0 or proc.returncode >= 128:
            raise AssertionError('import at the file size limit crashed (%d): %s'
                                 % (proc.returncode, proc.stderr))
        check_full_disk_run(db, proc, 'import past a file size limit (%d)' % (i + 1), before,
                            sources)
        tried += 1
    run_vigil(db, 'import', big, '--source', 'big', check=0)
    if vdb.count('big') != big_rows:
        raise AssertionError('import after the limit lifted: %d rows' % vdb.count('big'))

    # 2. A real full file system: a small tmpfs (needs mount rights).
    mnt = os.path.join(work, 'tmpfs')
    os.mkdir(mnt)
    mounted = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        log('# SKIP full tmpfs: cannot mount a tmpfs here (%s); the file size limit covered it'
            % (mounted.stderr.strip() or 'not permitted'))
    else:
        try:
            db2 = os.path.join(mnt, 'vigil.db')
            shutil.copy(populated_db(work, 'tmpfs-src.db')[0], db2)
            vdb2 = Db(db2)
            before2 = vdb2.count()
            sources2 = sorted(vdb2.query('SELECT name FROM sources'))
            # Fill what room is left, but for a little.
            filler = os.path.join(mnt, 'filler')
            with open(filler, 'wb') as f:
                try:
                    while True:
                        f.write(b'\0' * 65536)
                        f.flush()
                except OSError:
                    pass
            os.truncate(filler, max(0, os.path.getsize(filler) - 64 * 1024))
            proc = run_vigil(db2, 'import', big, '--source', 'big')
            check_full_disk_run(db2, proc, 'import into a full tmpfs', before2, sources2)
            tried += 1
            proc = run_vigil(db2, 'poll')
            tried += 1
            os.unlink(filler)
            small = os.path.join(work, 'small.csv')
            write_csv(small, 100, 2, first_day=20300, seed=9)
            run_vigil(db2, 'import', small, '--source', 'big', check=0)
            if vdb2.count('big') != 200 or vdb2.count() != before2 + 200:
                raise AssertionError('import after freeing room: %d' % vdb2.count('big'))
        finally:
            subprocess.run(['umount', mnt])
    log('# full disk: %d failing writes tried, snapshots lost: 0' % tried)


# concurrency ----------------------------------------------------------------------------------

def suite_concurrency(work, args):
    a_csv = os.path.join(work, 'a.csv')
    b_csv = os.path.join(work, 'b.csv')
    scale = 3 if args.long else 1
    a_rows = make_history(a_csv, 2000, 20 * scale, seed=11)
    b_rows = write_csv(b_csv, 1500, 20 * scale, first_day=20100, seed=12)
    server = UsageServer(5000)
    rounds = 10 if args.long else 2
    try:
        db = os.path.join(work, 'shared.db')
        run_vigil(db, 'source', 'add', 'live', server.url, check=0)
        for r in range(rounds):
            procs = [
                ('import a', subprocess.Popen([VIGIL, '--db', db, 'import', a_csv, '--source',
                                               'a%d' % r], env=vigil_env(),
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)),
                ('import b', subprocess.Popen([VIGIL, '--db', db, 'import', b_csv, '--source',
                                               'b%d' % r], env=vigil_env(),
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)),
                ('poll', subprocess.Popen([VIGIL, '--db', db, 'poll', 'live'], env=vigil_env(),
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)),
            ]
            t0 = time.monotonic()
            for name, p in procs:
                out, err = p.communicate(timeout=300)
                if p.returncode != 0:
                    raise AssertionError('%s (round %d) failed: exit %d\n%s\n%s'
                                         % (name, r, p.returncode, out.decode(errors='replace'),
                                            err.decode(errors='replace')))
                if b'locked' in err:
                    raise AssertionError('%s: "database is locked" surprise: %s' % (name, err))
            log('# round %d: two imports and a poll at once, all done in %.2f s'
                % (r, time.monotonic() - t0))
        vdb = Db(db)
        for r in range(rounds):
            if vdb.count('a%d' % r) != a_rows or vdb.count('b%d' % r) != b_rows:
                raise AssertionError('lost writes: a%d %d/%d, b%d %d/%d'
                                     % (r, vdb.count('a%d' % r), a_rows, r, vdb.count('b%d' % r),
                                        b_rows))
        if vdb.count('live') != 5000 * rounds:
            raise AssertionError('lost poll writes: %d/%d' % (vdb.count('live'), 5000 * rounds))
        ok, detail = vdb.integrity()
        assert ok, detail
        log('# concurrency: %d rounds of 3 writers, %d snapshots, none lost'
            % (rounds, vdb.count()))
        races = 40 if args.long else 8
        empty_book_races(work, a_csv, a_rows, server, races, args)
        log('# concurrency: %d polls raced a bulk import into an empty book, none lost' % races)
    finally:
        server.close()


def empty_book_races(work, csv, rows, server, races, args):
    """A poll and an import started together on a book without history, the import a moment
    later: the import may take the bulk path (design 2.5), leaving the write-ahead log, which it
    may do only while no other connection has the file open. The poll holds the file open through
    two connections (its reader and its writer); both must succeed, and the poll's snapshots stay."""
    rng = random.Random(args.seed if args.seed is not None else 20261207)
    for race in range(races):
        db = os.path.join(work, 'race-%d.db' % race)
        run_vigil(db, 'source', 'add', 'live', server.url, check=0)
        poll = subprocess.Popen([VIGIL, '--db', db, 'poll', 'live'], env=vigil_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0, 0.15))
        imp = subprocess.Popen([VIGIL, '--db', db, 'import', csv, '--source', 'a'], env=vigil_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for name, p in (('poll', poll), ('import', imp)):
            out, err = p.communicate(timeout=300)
            if p.returncode != 0:
                raise AssertionError('race %d: %s failed: exit %d\n%s'
                                     % (race, name, p.returncode, err.decode(errors='replace')))
        vdb = Db(db)
        if vdb.count('live') != 5000 or vdb.count('a') != rows:
            raise AssertionError('race %d: lost writes: live %d/5000, a %d/%d'
                                 % (race, vdb.count('live'), vdb.count('a'), rows))
        ok, detail = vdb.integrity()
        assert ok, 'race %d: %s' % (race, detail)
        os.remove(db)


# hostile databases ----------------------------------------------------------------------------

READERS = [('scores', '--format', 'json'), ('triggers',), ('source', 'list'),
           ('history', 'cust-1'), ('churn-model',)]


def probe(db, what, results, allow_ok=True):
    """Runs every reader and an import on db: never a crash, a clear message when refused."""
    for args in READERS + [('import', results['csv'], '--source', 'probe')]:
        proc = run_vigil(db, *args)
        line = (proc.stderr.strip().splitlines() or [''])[0]
        if proc.returncode != 0:
            if not line:
                raise AssertionError('%s: vigil %s failed without a message' % (what, args[0]))
            if 'CRITICAL' in proc.stderr or 'assertion' in proc.stderr.lower():
                raise AssertionError('%s: vigil %s: %s' % (what, args[0], proc.stderr))
        elif not allow_ok:
            raise AssertionError('%s: vigil %s accepted it' % (what, args[0]))
        results['tried'] += 1
        results['lines'].append('%s / %s: exit %d %s' % (what, args[0], proc.returncode, line))


def suite_hostile_db(work, args):
    db, csv = populated_db(work, 'good.db', rows=(300, 10))
    results = {'tried': 0, 'lines': [], 'csv': csv}
    size = os.path.getsize(db)

    # Truncated: to every interesting length (inside the header, a page, half, all but a page).
    for cut in (0, 50, 100, 4096, 8192, size // 2, size - 8192, size - 1):
        bad = os.path.join(work, 'trunc-%d.db' % cut)
        shutil.copy(db, bad)
        os.truncate(bad, cut)
        probe(bad, 'truncated to %d bytes' % cut, results)
        if os.path.getsize(bad) > 0 and cut >= 100:
            # Refused or repaired: never silently half-read as a good database.
            pass

    # Garbage pages inside a good file.
    bad = os.path.join(work, 'garbage.db')
    shutil.copy(db, bad)
    rng = random.Random(99)
    with open(bad, 'r+b') as f:
        for _ in range(8):
            f.seek(rng.randrange(8192, size))
            f.write(bytes(rng.randrange(256) for _ in range(512)))
    probe(bad, 'random bytes over pages', results)

    # A schema from the future: refused, unchanged.
    future = os.path.join(work, 'future.db')
    shutil.copy(db, future)
    con = sqlite3.connect(future)
    con.execute('PRAGMA user_version = 99')
    con.close()
    before = checksums(future)
    probe(future, 'user_version 99', results, allow_ok=False)
    if checksums(future) != before:
        raise AssertionError('a database from the future was changed')

    # Wrong types, edited by hand.
    edited = os.path.join(work, 'edited.db')
    shutil.copy(db, edited)
    con = sqlite3.connect(edited)
    cols = {r[1]: r[2] for r in con.execute('PRAGMA table_info(snapshots)')}
    for col in cols:
        if col in ('customer_id', 'observed_at'):
            continue
        con.execute("UPDATE snapshots SET %s = 'not a number' WHERE customer_id %% 3 = 0" % col)
        con.execute("UPDATE snapshots SET %s = x'00ff10' WHERE customer_id %% 3 = 1" % col)
        con.execute("UPDATE snapshots SET %s = 1e308 WHERE customer_id %% 5 = 2" % col)
    con.execute("UPDATE OR IGNORE snapshots SET observed_at = 'yesterday' WHERE customer_id % 7 = 0")
    con.execute("UPDATE OR IGNORE snapshots SET observed_at = -9223372036854775808 WHERE customer_id % 11 = 0")
    for col, in con.execute("SELECT name FROM pragma_table_info('customers') "
                            "WHERE name NOT IN ('id', 'source_id')").fetchall():
        con.execute("UPDATE OR IGNORE customers SET %s = x'ff00fe' WHERE id %% 2 = 0" % col)
    for table in ('scores', 'triggers', 'scorecards', 'sources', 'meta'):
        for col, in con.execute("SELECT name FROM pragma_table_info(?) WHERE pk = 0",
                                (table,)).fetchall():
            try:
                con.execute("UPDATE %s SET %s = 'garbage' WHERE rowid %% 2 = 0" % (table, col))
            except sqlite3.DatabaseError:
                pass
    con.commit()
    con.close()
    probe(edited, 'hand-edited wrong types', results)
    for extra in (('report', '--output', os.path.join(work, 'r.pdf')),
                  ('scorecard', 'show'), ('scores', '--format', 'csv'), ('scores',)):
        proc = run_vigil(edited, *extra)
        results['tried'] += 1
        results['lines'].append('hand-edited / %s: exit %d' % (extra[0], proc.returncode))

    # JSON nested 100,000 deep where Vigil keeps its own JSON: the scorecard, the churn model.
    deep = os.path.join(work, 'deep.db')
    shutil.copy(db, deep)
    con = sqlite3.connect(deep)
    nested = '{"measures": ' + '[' * 100000 + ']' * 100000 + '}'
    con.execute('UPDATE scorecards SET definition = ?', (nested,))
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('churn_model', ?)", (nested,))
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('churn_status', ?)",
                ('{"refit_in_use": true}',))
    con.commit()
    con.close()
    probe(deep, 'JSON nested 100,000 deep in the scorecard and churn model', results)

    # Symlinks: to a Vigil database (followed, works), to a foreign file (refused, unchanged),
    # dangling (a new database where it points, or a clear error), a loop (a clear error).
    link = os.path.join(work, 'link.db')
    target = os.path.join(work, 'target.db')
    shutil.copy(db, target)
    os.symlink(target, link)
    run_vigil(link, 'scores', check=0)
    run_vigil(link, 'import', os.path.join(work, 'good.db.csv'), '--source', 'via-link', check=0)
    if Db(target).count('via-link') == 0:
        raise AssertionError('an import through a symlink did not reach its target')
    if not os.path.islink(link):
        raise AssertionError('the symlink was replaced by a file')
    results['tried'] += 2
    notes = os.path.join(work, 'notes.txt')
    with open(notes, 'w') as f:
        f.write('My notes, not a database.\n' * 100)
    before = sha256(notes)
    link2 = os.path.join(work, 'link2.db')
    os.symlink(notes, link2)
    probe(link2, 'symlink to a text file', results, allow_ok=False)
    if sha256(notes) != before:
        raise AssertionError('the file behind a symlink was changed')
    loop = os.path.join(work, 'loop.db')
    os.symlink(loop, loop)
    probe(loop, 'symlink loop', results, allow_ok=False)
    dangling = os.path.join(work, 'dangling.db')
    os.symlink(os.path.join(work, 'nowhere', 'x.db'), dangling)
    probe(dangling, 'dangling symlink', results)
    # A directory where the file should be.
    folder = os.path.join(work, 'adir.db')
    os.mkdir(folder)
    probe(folder, 'a folder', results, allow_ok=False)

    for line in results['lines']:
        log('# ' + line)
    log('# hostile databases: %d runs, no crash' % results['tried'])


# secrets --------------------------------------------------------------------------------------

def suite_secrets(work, args):
    token = 'vigil-secret-' + hashlib.sha256(os.urandom(16)).hexdigest()[:24]
    server = UsageServer(300, token=token)
    outputs = []
    try:
        db = os.path.join(work, 'secrets.db')
        env = {'VIGIL_TEST_TOKEN': token, 'G_MESSAGES_DEBUG': 'all'}

        def go(*argv, check=None, extra=None):
            e = dict(env)
            if extra:
                e.update(extra)
            proc = run_vigil(db, *argv, env=e, check=check)
            outputs.append((' '.join(argv), proc.stdout + proc.stderr))
            return proc

        go('source', 'add', 'crm', server.url, '--token-env', 'VIGIL_TEST_TOKEN', check=0)
        go('poll', 'crm', check=0)
        if server.authorizations[-1] != 'Bearer ' + token:
            raise AssertionError('the token was not sent')
        if Db(db).count('crm') != 300:
            raise AssertionError('the poll with a token stored %d' % Db(db).count('crm'))
        # A wrong token and a missing one: the errors name the variable, never a token.
        go('poll', 'crm', check=1, extra={'VIGIL_TEST_TOKEN': token + '-wrong'})
        go('poll', 'crm', check=1, extra={'VIGIL_TEST_TOKEN': ''})
        go('source', 'list')
        go('scores', '--format', 'json')
        go('poll', 'crm', check=0)
        # A killed poll leaves no token in its WAL either.
        kill_at([VIGIL, '--db', db, 'poll', 'crm'], 0.05, env=env)

        needle = token.encode()
        for path in db_files(db):
            with open(path, 'rb') as f:
                data = f.read()
            if needle in data or token[::-1].encode() in data:
                raise AssertionError('the token is in %s' % path)
            log('# %s: %d bytes, token absent' % (os.path.basename(path), len(data)))
        for what, text in outputs:
            if token in text:
                raise AssertionError('the token is in the output of vigil %s' % what)
        log('# %d command outputs (stdout, stderr, G_MESSAGES_DEBUG=all): token absent'
            % len(outputs))
        # Anything else Vigil wrote under its home.
        for root, _, files in os.walk(work):
            for name in files:
                path = os.path.join(root, name)
                with open(path, 'rb') as f:
                    if needle in f.read():
                        raise AssertionError('the token is in %s' % path)
    finally:
        server.close()


def suite_crash_postgresql(work, args):
    """crash on a team's book: vigil import and vigil poll killed at random moments, the
    server left running. After each kill the book passes amcheck, the import or poll is wholly
    in or wholly out (the server rolled the killed client's transaction back), nothing
    committed before is lost, and the next run completes."""
    if not os.environ.get('VIGIL_TEST_PG') or shutil.which('psql') is None:
        log('1..0 # SKIP no PostgreSQL cluster and psql: run it through tests/with-postgres.sh')
        sys.exit(SKIP)
    os.environ['VIGIL_TEST_ENGINE'] = 'postgresql'
    seed = args.seed if args.seed is not None else 20261207
    rng = random.Random(seed)
    log('# seed %d (reproduce with --seed %d)' % (seed, seed))
    if args.long:
        a = crash_import(work, 300, rng, 1000, 20, rotate=20)
        b = crash_poll(work, 200, rng, 5000)
    else:
        a = crash_import(work, 16, rng, 500, 20, rotate=4)
        b = crash_poll(work, 10, rng, 2000)
    log('# crash on PostgreSQL: %d kill points survived (import %d, poll %d); rows lost: 0'
        % (a + b, a, b))


SUITES = {
    'crash': suite_crash,
    'crash-postgresql': suite_crash_postgresql,
    'read-only': suite_read_only,
    'full-disk': suite_full_disk,
    'concurrency': suite_concurrency,
    'hostile-db': suite_hostile_db,
    'secrets': suite_secrets,
}


def main():
    parser = argparse.ArgumentParser(description='Vigil broken on purpose (issue 9).')
    parser.add_argument('suite', choices=sorted(SUITES))
    parser.add_argument('--long', action='store_true', help='many more kills and rounds')
    parser.add_argument('--seed', type=int, help='the random seed (printed)')
    parser.add_argument('--keep', action='store_true', help='keep the work folder')
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix='vigil-%s-' % args.suite)
    # Vigil's own files (keyring, settings, caches) stay inside the work folder.
    os.environ['HOME'] = work
    os.environ['XDG_DATA_HOME'] = os.path.join(work, 'data')
    os.environ['XDG_CONFIG_HOME'] = os.path.join(work, 'config')
    os.environ['XDG_CACHE_HOME'] = os.path.join(work, 'cache')
    t0 = time.monotonic()
    try:
        SUITES[args.suite](work, args)
    except AssertionError as e:
        log('FAIL: %s' % e)
        log('# work folder kept: %s' % work)
        return 1
    log('# %s: passed in %.1f s' % (args.suite, time.monotonic() - t0))
    if not args.keep:
        for root, dirs, _ in os.walk(work):
            for d in dirs:
                try:
                    os.chmod(os.path.join(root, d), 0o755)
                except OSError:
                    pass
        shutil.rmtree(work, ignore_errors=True)
    else:
        log('# work folder kept: %s' % work)
    return 0


if __name__ == '__main__':
    sys.exit(main())
