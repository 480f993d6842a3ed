/* vigil-store-schema.c: the database's file, its identity and its migrations
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"
/* O_PATH */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil-error.h"
#include "vigil-store-private.h"

/* "VIGL": PRAGMA application_id tells a Vigil database from any other
 * SQLite file, so that `--db` pointed at the wrong file changes nothing. */
#define VIGIL_APPLICATION_ID 0x5649474C

/* The schema a team's book began at: no Vigil made one at an earlier. */
#define FIRST_SHARED_VERSION 8

/* Forward migrations: migrations[i] takes user_version i to i + 1.
 * Never edit one that has shipped; add the next. */
static const char * const migrations[VIGIL_STORE_SCHEMA_VERSION] = {
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT"
  ") WITHOUT ROWID;"
  "CREATE TABLE sources ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('endpoint', 'file')),"
  "  url TEXT,"
  "  mapping TEXT,"
  "  interval_min INTEGER,"
  "  timeout_s INTEGER,"
  "  concurrency INTEGER,"
  "  max_bytes INTEGER,"
  "  header_names TEXT,"
  "  token_env TEXT,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE customers ("
  "  id INTEGER PRIMARY KEY,"
  "  source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,"
  "  external_id TEXT NOT NULL,"
  "  name TEXT,"
  "  plan TEXT,"
  "  owner TEXT,"
  "  segment TEXT,"
  "  latest_at INTEGER,"
  "  UNIQUE (source_id, external_id)"
  ");"
  "CREATE INDEX customers_owner ON customers (owner);"
  "CREATE TABLE features ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE"
  ");"
  /* One row per observation. The observed columns are append-only;
   * features is a JSON object from feature id to calls in the last 7
   * days (-1: used, count unknown): compact, and json_each() keeps
   * adoption over time queryable. The score columns are derived: each
   * measure's value (0..1) and points, its weight following from the
   * scorecard version and which measures were known; rescoring rewrites
   * them. Keeping them in the same row halves the writes of an import. */
  "CREATE TABLE snapshots ("
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  observed_at INTEGER NOT NULL,"
  "  last_active INTEGER,"
  "  mrr REAL,"
  "  seats INTEGER,"
  "  seats_used INTEGER,"
  "  api_calls_7d INTEGER,"
  "  features_used INTEGER,"
  "  open_tickets INTEGER,"
  "  nps INTEGER,"
  "  renewal_date TEXT,"
  "  plan TEXT,"
  "  features TEXT,"
  "  score_version INTEGER REFERENCES scorecards (version),"
  "  health REAL,"
  "  tier TEXT,"
  "  activity REAL, activity_pts REAL,"
  "  volume REAL, volume_pts REAL,"
  "  breadth REAL, breadth_pts REAL,"
  "  seats_util REAL, seats_util_pts REAL,"
  "  tickets REAL, tickets_pts REAL,"
  "  nps_score REAL, nps_score_pts REAL,"
  "  PRIMARY KEY (customer_id, observed_at)"
  ") WITHOUT ROWID;"
  "CREATE TABLE scorecards ("
  "  version INTEGER PRIMARY KEY,"
  "  definition TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE outcomes ("
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  day TEXT NOT NULL,"
  "  outcome TEXT NOT NULL CHECK (outcome IN ('churned', 'renewed')),"
  "  recorded_at INTEGER NOT NULL,"
  "  PRIMARY KEY (customer_id, day)"
  ");"
  "CREATE TABLE triggers ("
  "  id INTEGER PRIMARY KEY,"
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  rule TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('upsell', 'risk')),"
  "  first_seen INTEGER NOT NULL,"
  "  last_seen INTEGER NOT NULL,"
  "  cleared_at INTEGER,"
  "  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'acknowledged', 'snoozed', 'done')),"
  "  snoozed_until TEXT,"
  "  evidence TEXT"
  ");"
  "CREATE INDEX triggers_customer ON triggers (customer_id, rule);",

  /* 2: how each source was last polled, and the validators of its
   * pages for conditional requests. */
  "ALTER TABLE sources ADD COLUMN last_poll_at INTEGER;"
  "ALTER TABLE sources ADD COLUMN last_ok INTEGER;"
  "ALTER TABLE sources ADD COLUMN last_error TEXT;"
  "ALTER TABLE sources ADD COLUMN last_summary TEXT;"
  "ALTER TABLE sources ADD COLUMN next_due INTEGER;"
  "ALTER TABLE sources ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE sources ADD COLUMN keyring_token INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE source_validators ("
  "  source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,"
  "  url TEXT NOT NULL,"
  "  etag TEXT,"
  "  last_modified TEXT,"
  "  PRIMARY KEY (source_id, url)"
  ") WITHOUT ROWID;",

  /* 3: scores move to their own narrow table. Snapshots become purely
   * the observations, written once; a scorecard change rewrites only
   * (version, health, tier) per snapshot instead of every wide row,
   * which makes a full rescore several times faster. Each measure's
   * value and points follow from the snapshot and the scorecard
   * version, so they are computed when read. No foreign key: it would
   * cost a lookup per row written and keep a rescore from emptying the
   * table at once; a trigger on customers does the cascade instead. */
  "CREATE TABLE scores ("
  "  customer_id INTEGER NOT NULL,"
  "  observed_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  health REAL,"
  "  tier TEXT,"
  "  PRIMARY KEY (customer_id, observed_at)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER customers_delete_scores AFTER DELETE ON customers BEGIN"
  "  DELETE FROM scores WHERE customer_id = old.id;"
  "END;"
  "INSERT INTO scores (customer_id, observed_at, version, health, tier) "
  "  SELECT customer_id, observed_at, score_version, health, tier FROM snapshots "
  "  WHERE score_version IS NOT NULL ORDER BY customer_id, observed_at;"
  "CREATE TABLE snapshots_v3 ("
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  observed_at INTEGER NOT NULL,"
  "  last_active INTEGER,"
  "  mrr REAL,"
  "  seats INTEGER,"
  "  seats_used INTEGER,"
  "  api_calls_7d INTEGER,"
  "  features_used INTEGER,"
  "  open_tickets INTEGER,"
  "  nps INTEGER,"
  "  renewal_date TEXT,"
  "  plan TEXT,"
  "  features TEXT,"
  "  PRIMARY KEY (customer_id, observed_at)"
  ") WITHOUT ROWID;"
  "INSERT INTO snapshots_v3 SELECT customer_id, observed_at, last_active, mrr, seats, seats_used, "
  "  api_calls_7d, features_used, open_tickets, nps, renewal_date, plan, features FROM snapshots "
  "  ORDER BY customer_id, observed_at;"
  "DROP TABLE snapshots;"
  "ALTER TABLE snapshots_v3 RENAME TO snapshots;",

  /* 4: query parameters that carry a secret (design 2.3): their names
   * only, "\n"-joined; the values are in the keyring (names) or in the
   * environment ("NAME=VAR"); and the most records one poll of a source
   * may read (NULL: the default). */
  "ALTER TABLE sources ADD COLUMN query_secret_names TEXT;"
  "ALTER TABLE sources ADD COLUMN query_secret_env TEXT;"
  "ALTER TABLE sources ADD COLUMN max_records INTEGER;",

  /* 5: accounts (design 2.6). A customers row becomes an account, made
   * of records: what one source says about one company. Each customer
   * becomes an account of one record with the customer's id, so a
   * migrated book is the same book. A record keeps its own latest
   * attributes (name, plan, owner, segment) for the merged state; the
   * raw observations of the records of a multi-record account are kept
   * in observations, while snapshots hold the merged state, origins
   * naming the record that gave each field when not the display one. */
  "CREATE TABLE records ("
  "  id INTEGER PRIMARY KEY,"
  "  source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,"
  "  external_id TEXT NOT NULL,"
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  detached INTEGER NOT NULL DEFAULT 0,"
  "  name TEXT,"
  "  plan TEXT,"
  "  owner TEXT,"
  "  segment TEXT,"
  "  latest_at INTEGER,"
  "  UNIQUE (source_id, external_id)"
  ");"
  "CREATE INDEX records_customer ON records (customer_id);"
  "CREATE TABLE record_keys ("
  "  key TEXT NOT NULL,"
  "  record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (key, record_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX record_keys_record ON record_keys (record_id);"
  "CREATE TABLE observations ("
  "  record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,"
  "  observed_at INTEGER NOT NULL,"
  "  last_active INTEGER,"
  "  mrr REAL,"
  "  seats INTEGER,"
  "  seats_used INTEGER,"
  "  api_calls_7d INTEGER,"
  "  features_used INTEGER,"
  "  open_tickets INTEGER,"
  "  nps INTEGER,"
  "  renewal_date TEXT,"
  "  plan TEXT,"
  "  features TEXT,"
  "  PRIMARY KEY (record_id, observed_at)"
  ") WITHOUT ROWID;"
  "ALTER TABLE snapshots ADD COLUMN origins TEXT;"
  "INSERT INTO records (id, source_id, external_id, customer_id, name, plan, owner, segment, latest_at) "
  "  SELECT id, source_id, external_id, id, name, plan, owner, segment, latest_at FROM customers "
  "  ORDER BY id;",

  /* 6: one copy of history (design 2.6). An account's main record is
   * the one whose observations its snapshots hold without a copy in
   * observations: every account of one record has its record as main.
   * An account of several records merged by schema 5 has none until it
   * is next rebuilt (all its raw observations are in observations, and
   * its origins name records other than the display record). */
  "ALTER TABLE customers ADD COLUMN main_record INTEGER;"
  "UPDATE customers SET main_record = (SELECT min (r.id) FROM records r WHERE r.customer_id = customers.id) "
  "  WHERE (SELECT count(*) FROM records r WHERE r.customer_id = customers.id) = 1;",

  /* 7: a connector that breaks quietly (design 2.5). What the last
   * successful poll of each source brought, to compare the next one
   * with: its records (with an id; NULL before the first poll), the
   * fingerprint of their values and, in source_field_counts, how many
   * records knew each field; the successful polls in a row that brought
   * nothing new; and the mark: since when the source is suspect (NULL
   * when it is not), with the figures of each reason that holds (the
   * records and the previous poll's when they fell below half, the
   * fields no record knew any more). */
  "ALTER TABLE sources ADD COLUMN baseline_records INTEGER;"
  "ALTER TABLE sources ADD COLUMN baseline_fingerprint TEXT;"
  "ALTER TABLE sources ADD COLUMN stalled_polls INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE sources ADD COLUMN suspect_since INTEGER;"
  "ALTER TABLE sources ADD COLUMN suspect_records INTEGER;"
  "ALTER TABLE sources ADD COLUMN suspect_previous_records INTEGER;"
  "ALTER TABLE sources ADD COLUMN suspect_fields TEXT;"
  "CREATE TABLE source_field_counts ("
  "  source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,"
  "  field TEXT NOT NULL,"
  "  known INTEGER NOT NULL,"
  "  PRIMARY KEY (source_id, field)"
  ") WITHOUT ROWID;",

  /* 8: the CSM's day (design 3.4, 3.5, 5). When and by whom a trigger
   * was last put in its state, and its customer's tier then (a trigger
   * marked done stays quiet unless the tier gets worse); touches the
   * CSM logs (notes, calls, emails, meetings, QBRs); the CSM's pulse
   * (sentiment) with its history; the events of an account's timeline
   * that nothing else keeps (a trigger's state changes, records linked
   * or unlinked, sources added), detail a JSON object; and saved views
   * of the portfolio, definition a JSON object. An author is the name
   * the CSM goes by (design 5): a row belongs to whoever wrote it. */
  "ALTER TABLE triggers ADD COLUMN state_at INTEGER;"
  "ALTER TABLE triggers ADD COLUMN state_by TEXT;"
  "ALTER TABLE triggers ADD COLUMN state_tier TEXT;"
  "CREATE TABLE touches ("
  "  id INTEGER PRIMARY KEY,"
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('note', 'call', 'email', 'meeting', 'qbr')),"
  "  at INTEGER NOT NULL,"
  "  body TEXT NOT NULL,"
  "  author TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  edited_at INTEGER"
  ");"
  "CREATE INDEX touches_customer ON touches (customer_id, at);"
  "CREATE TABLE pulses ("
  "  id INTEGER PRIMARY KEY,"
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  at INTEGER NOT NULL,"
  "  sentiment TEXT NOT NULL CHECK (sentiment IN ('green', 'yellow', 'red')),"
  "  reason TEXT,"
  "  body TEXT,"
  "  author TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX pulses_customer ON pulses (customer_id, at);"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  at INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  detail TEXT,"
  "  author TEXT"
  ");"
  "CREATE INDEX events_customer ON events (customer_id, at);"
  "CREATE TABLE views ("
  "  name TEXT PRIMARY KEY,"
  "  definition TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ") WITHOUT ROWID;",

  /* 8 -> 9 changed a team's book only (shared_migrations[]): its
   * references checked a statement at a time, its notifications naming
   * the table, room on the pages of the tables a poll updates. */
  "-- nothing changes in a file",
};

/* design 1: a team's book on PostgreSQL, at schema VIGIL_STORE_SCHEMA_VERSION:
 * the tables of migrations[] as they stand after the last, in schema
 * vigil. PostgreSQL books began at schema 8 (FIRST_SHARED_VERSION), so
 * they were never at an earlier one; from 8 -> 9 on each migration has a
 * text for each engine, migrations[] for a file and shared_migrations[]
 * for a team's book.
 * Types: bigint for SQLite's INTEGER (identity columns BY DEFAULT, so
 * that a copied book keeps its ids), double precision for REAL, text
 * COLLATE "C" for TEXT (text compares and sorts by its bytes, as on
 * SQLite, whatever the server's locale), json for events.detail. */
static gboolean insert_default_scorecard (VigilStore  *self,
                                          GError     **error);

/* A book a newer Vigil wrote, at schema @version, on either engine: left
 * as it is (design 2.3). */
static gboolean
refuse_newer_schema (VigilStore  *self,
                     gint64       version,
                     GError     **error)
{
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NEWER_SCHEMA,
               _("%s was written by a newer Vigil (schema %" PRId64
                 ", this Vigil knows up to %d); it was left unchanged. "
                 "Update Vigil to open it."),
               self->path, version, VIGIL_STORE_SCHEMA_VERSION);
  return FALSE;
}

/* design 1.1: who may change what on a team's book. vigil.people says
 * which database role is which person, by the owner name the sources
 * give customers, and of which kind; vigil.acts_on () whether the role
 * running the statement may act on a customer: a manager or the ops on
 * every one, a CSM on those they own. Row-level security lets every
 * role read every row of the tables a CSM's actions write, and write
 * only rows of customers it acts on: an insert or update of another's
 * is refused (SQLSTATE 42501; an update matches every row, so that it
 * is refused rather than changing nothing), a delete finds none. The
 * book's owner, the role that made it (the poller's), is not held by
 * row-level security, as PostgreSQL exempts a table's owner. Not
 * SECURITY DEFINER: current_user must be the caller. */
#define LANE_POLICIES(table) \
  "ALTER TABLE vigil." table " ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY reads ON vigil." table " FOR SELECT USING (true);" \
  "CREATE POLICY adds ON vigil." table " FOR INSERT WITH CHECK (vigil.acts_on (customer_id));" \
  "CREATE POLICY changes ON vigil." table " FOR UPDATE USING (true) WITH CHECK (vigil.acts_on (customer_id));" \
  "CREATE POLICY removes ON vigil." table " FOR DELETE USING (vigil.acts_on (customer_id));"
#define ACCESS_SCHEMA \
  "CREATE TABLE vigil.people (role text COLLATE \"C\" PRIMARY KEY, owner text COLLATE \"C\" NOT NULL," \
  "  kind text COLLATE \"C\" NOT NULL CHECK (kind IN ('csm', 'manager', 'ops')));" \
  "CREATE FUNCTION vigil.acts_on (customer bigint) RETURNS boolean LANGUAGE sql STABLE" \
  "  SET search_path = pg_catalog, pg_temp AS" \
  "  $$ SELECT EXISTS (SELECT 1 FROM vigil.people p WHERE p.role = current_user" \
  "    AND (p.kind IN ('manager', 'ops')" \
  "      OR p.owner = (SELECT c.owner FROM vigil.customers c WHERE c.id = customer))) $$;" \
  LANE_POLICIES ("triggers") LANE_POLICIES ("touches") LANE_POLICIES ("pulses") \
  LANE_POLICIES ("outcomes") LANE_POLICIES ("events")

/* design 1: the references a poll writes most (its accounts' and
 * records' sources, its records', snapshots' and triggers' accounts)
 * are checked once a statement, not once a row as a foreign key is: a
 * foreign key's check is a query of its own for every row, most of what
 * the server did for a poll of 10,000 new customers (inserts of
 * snapshots, accounts and records three to four times slower). The
 * rules are a foreign key's: a row added must refer to a row that is
 * there, which is locked (FOR KEY SHARE) until the transaction ends, so
 * that no other can remove it meanwhile; a reference changed is checked
 * the same way, row by row (rare: accounts joining); an id rows refer to
 * may not change; removing a row removes the rows that refer to it.
 * Each id is looked up by the key (enable_seqscan off: the plan is made
 * once a session, maybe while the table was small, and a scan of the
 * whole table for every statement made the poll slower, not faster).
 * SECURITY DEFINER: as a foreign key's checks and cascades, they act as
 * the tables' owner, whatever the role that wrote (a CSM may not lock
 * accounts, and row-level security does not hide rows from them). */
#define CHECKED_REFERENCE_FUNCTIONS(column, parent) \
  "CREATE FUNCTION vigil.check_" column "s () RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER" \
  "  SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS" \
  "  $$ BEGIN" \
  "    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT " column " FROM added) AS wanted" \
  "               WHERE NOT EXISTS (SELECT 1 FROM vigil." parent " p WHERE p.id = wanted." column \
  "                                 FOR KEY SHARE OF p)) THEN" \
  "      RAISE EXCEPTION 'insert or update on table \"%\" violates foreign key constraint \"%_" column "_fkey\"'," \
  "        TG_TABLE_NAME, TG_TABLE_NAME USING ERRCODE = 'foreign_key_violation'," \
  "        DETAIL = 'Key (" column ") is not present in table \"" parent "\".';" \
  "    END IF;" \
  "    RETURN NULL;" \
  "  END $$;" \
  "CREATE FUNCTION vigil.check_" column " () RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER" \
  "  SET search_path = pg_catalog, pg_temp AS" \
  "  $$ BEGIN" \
  "    PERFORM 1 FROM vigil." parent " p WHERE p.id = NEW." column " FOR KEY SHARE OF p;" \
  "    IF NOT FOUND THEN" \
  "      RAISE EXCEPTION 'insert or update on table \"%\" violates foreign key constraint \"%_" column "_fkey\"'," \
  "        TG_TABLE_NAME, TG_TABLE_NAME USING ERRCODE = 'foreign_key_violation'," \
  "        DETAIL = format ('Key (" column ")=(%s) is not present in table \"" parent "\".', NEW." column ");" \
  "    END IF;" \
  "    RETURN NULL;" \
  "  END $$;"
/* @table's @column refers to an id of the table vigil.check_@column()
 * reads: checked after each statement that adds rows, and after each
 * row whose @column changes. */
#define CHECKED_REFERENCE(table, column) \
  "CREATE TRIGGER " table "_" column "_added AFTER INSERT ON vigil." table \
  "  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION vigil.check_" column "s ();" \
  "CREATE TRIGGER " table "_" column "_moved AFTER UPDATE OF " column " ON vigil." table \
  "  FOR EACH ROW WHEN (OLD." column " IS DISTINCT FROM NEW." column ")" \
  "  EXECUTE FUNCTION vigil.check_" column " ();"
/* The checked references, what removing sources and accounts removes
 * with them (scores too, which never had a foreign key: design 2.4), and
 * their ids kept while rows refer to them. */
#define CHECKED_REFERENCES \
  CHECKED_REFERENCE_FUNCTIONS ("source_id", "sources") \
  CHECKED_REFERENCE_FUNCTIONS ("customer_id", "customers") \
  CHECKED_REFERENCE ("customers", "source_id") \
  CHECKED_REFERENCE ("records", "source_id") \
  CHECKED_REFERENCE ("records", "customer_id") \
  CHECKED_REFERENCE ("snapshots", "customer_id") \
  CHECKED_REFERENCE ("triggers", "customer_id") \
  "CREATE FUNCTION vigil.sources_removed () RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER" \
  "  SET search_path = pg_catalog, pg_temp AS" \
  "  $$ BEGIN" \
  "    DELETE FROM vigil.customers c USING removed o WHERE c.source_id = o.id;" \
  "    DELETE FROM vigil.records r USING removed o WHERE r.source_id = o.id;" \
  "    RETURN NULL;" \
  "  END $$;" \
  "CREATE TRIGGER sources_removed AFTER DELETE ON vigil.sources" \
  "  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION vigil.sources_removed ();" \
  "CREATE FUNCTION vigil.customers_removed () RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER" \
  "  SET search_path = pg_catalog, pg_temp AS" \
  "  $$ BEGIN" \
  "    DELETE FROM vigil.scores k USING removed o WHERE k.customer_id = o.id;" \
  "    DELETE FROM vigil.snapshots s USING removed o WHERE s.customer_id = o.id;" \
  "    DELETE FROM vigil.triggers t USING removed o WHERE t.customer_id = o.id;" \
  "    DELETE FROM vigil.records r USING removed o WHERE r.customer_id = o.id;" \
  "    RETURN NULL;" \
  "  END $$;" \
  "CREATE TRIGGER customers_removed AFTER DELETE ON vigil.customers" \
  "  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION vigil.customers_removed ();" \
  "CREATE FUNCTION vigil.keep_referred_id () RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER" \
  "  SET search_path = pg_catalog, pg_temp AS" \
  "  $$ BEGIN" \
  "    IF (TG_TABLE_NAME = 'sources'" \
  "        AND (EXISTS (SELECT 1 FROM vigil.customers WHERE source_id = OLD.id)" \
  "             OR EXISTS (SELECT 1 FROM vigil.records WHERE source_id = OLD.id)))" \
  "       OR (TG_TABLE_NAME = 'customers'" \
  "           AND (EXISTS (SELECT 1 FROM vigil.records WHERE customer_id = OLD.id)" \
  "                OR EXISTS (SELECT 1 FROM vigil.snapshots WHERE customer_id = OLD.id)" \
  "                OR EXISTS (SELECT 1 FROM vigil.triggers WHERE customer_id = OLD.id))) THEN" \
  "      RAISE EXCEPTION 'update on table \"%\" changes an id other rows refer to', TG_TABLE_NAME" \
  "        USING ERRCODE = 'foreign_key_violation';" \
  "    END IF;" \
  "    RETURN NULL;" \
  "  END $$;" \
  "CREATE TRIGGER sources_id_kept AFTER UPDATE OF id ON vigil.sources" \
  "  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION vigil.keep_referred_id ();" \
  "CREATE TRIGGER customers_id_kept AFTER UPDATE OF id ON vigil.customers" \
  "  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION vigil.keep_referred_id ();"

/* design 1: the tables every poll updates a row of a customer in
 * (customers' and records' latest time and attributes, the triggers'
 * last seen) leave more than half of each page free, so that the new
 * version of a row fits on its page: a HOT update, which adds no index
 * entry (full pages made every one of a daily poll's 20,000 row
 * versions add three; updating them all took 337 ms, 72 ms with room).
 * 70 % full left room for fewer than half a page's rows to change. */
#define SHARED_UPDATED_FILLFACTOR "45"

static const char shared_schema[] =
  "CREATE SCHEMA vigil;"
  "CREATE TABLE vigil.schema_info (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),"
  "  application_id integer NOT NULL, version integer NOT NULL);"
  "CREATE TABLE vigil.meta (key text COLLATE \"C\" PRIMARY KEY, value text COLLATE \"C\");"
  "CREATE TABLE vigil.sources ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  name text COLLATE \"C\" NOT NULL UNIQUE,"
  "  kind text COLLATE \"C\" NOT NULL CHECK (kind IN ('endpoint', 'file')),"
  "  url text COLLATE \"C\", mapping text COLLATE \"C\","
  "  interval_min bigint, timeout_s bigint, concurrency bigint, max_bytes bigint,"
  "  header_names text COLLATE \"C\", token_env text COLLATE \"C\", created_at bigint NOT NULL,"
  "  last_poll_at bigint, last_ok bigint, last_error text COLLATE \"C\", last_summary text COLLATE \"C\","
  "  next_due bigint, failures bigint NOT NULL DEFAULT 0, keyring_token bigint NOT NULL DEFAULT 0,"
  "  query_secret_names text COLLATE \"C\", query_secret_env text COLLATE \"C\", max_records bigint,"
  "  baseline_records bigint, baseline_fingerprint text COLLATE \"C\","
  "  stalled_polls bigint NOT NULL DEFAULT 0,"
  "  suspect_since bigint, suspect_records bigint, suspect_previous_records bigint,"
  "  suspect_fields text COLLATE \"C\");"
  "CREATE TABLE vigil.customers ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  source_id bigint NOT NULL,"
  "  external_id text COLLATE \"C\" NOT NULL, name text COLLATE \"C\", plan text COLLATE \"C\","
  "  owner text COLLATE \"C\", segment text COLLATE \"C\", latest_at bigint, main_record bigint,"
  "  UNIQUE (source_id, external_id)) WITH (fillfactor = " SHARED_UPDATED_FILLFACTOR ");"
  "CREATE INDEX customers_owner ON vigil.customers (owner);"
  "CREATE TABLE vigil.features (id bigint PRIMARY KEY, name text COLLATE \"C\" NOT NULL UNIQUE);"
  "CREATE TABLE vigil.scorecards (version bigint PRIMARY KEY, definition text COLLATE \"C\" NOT NULL,"
  "  created_at bigint NOT NULL);"
  "CREATE TABLE vigil.outcomes ("
  "  customer_id bigint NOT NULL REFERENCES vigil.customers (id) ON DELETE CASCADE,"
  "  day text COLLATE \"C\" NOT NULL"
  "    CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' AND CAST (day AS date) IS NOT NULL),"
  "  outcome text COLLATE \"C\" NOT NULL CHECK (outcome IN ('churned', 'renewed')),"
  "  recorded_at bigint NOT NULL, PRIMARY KEY (customer_id, day));"
  "CREATE TABLE vigil.triggers ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  customer_id bigint NOT NULL,"
  "  rule text COLLATE \"C\" NOT NULL, kind text COLLATE \"C\" NOT NULL CHECK (kind IN ('upsell', 'risk')),"
  "  first_seen bigint NOT NULL, last_seen bigint NOT NULL, cleared_at bigint,"
  "  state text COLLATE \"C\" NOT NULL DEFAULT 'new'"
  "    CHECK (state IN ('new', 'acknowledged', 'snoozed', 'done')),"
  "  snoozed_until text COLLATE \"C\", evidence text COLLATE \"C\", state_at bigint,"
  "  state_by text COLLATE \"C\", state_tier text COLLATE \"C\") WITH (fillfactor = " SHARED_UPDATED_FILLFACTOR ");"
  "CREATE INDEX triggers_customer ON vigil.triggers (customer_id, rule);"
  "CREATE TABLE vigil.source_validators ("
  "  source_id bigint NOT NULL REFERENCES vigil.sources (id) ON DELETE CASCADE,"
  "  url text COLLATE \"C\" NOT NULL, etag text COLLATE \"C\", last_modified text COLLATE \"C\","
  "  PRIMARY KEY (source_id, url));"
  "CREATE TABLE vigil.scores (customer_id bigint NOT NULL, observed_at bigint NOT NULL,"
  "  version bigint NOT NULL, health double precision, tier text COLLATE \"C\","
  "  CONSTRAINT scores_pkey PRIMARY KEY (customer_id, observed_at));"
  "CREATE TABLE vigil.snapshots ("
  "  customer_id bigint NOT NULL,"
  "  observed_at bigint NOT NULL,"
  "  last_active bigint, mrr double precision, seats bigint, seats_used bigint, api_calls_7d bigint,"
  "  features_used bigint, open_tickets bigint, nps bigint, renewal_date text COLLATE \"C\","
  "  plan text COLLATE \"C\", features text COLLATE \"C\", origins text COLLATE \"C\","
  "  PRIMARY KEY (customer_id, observed_at));"
  "CREATE TABLE vigil.records ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  source_id bigint NOT NULL,"
  "  external_id text COLLATE \"C\" NOT NULL,"
  "  customer_id bigint NOT NULL,"
  "  detached bigint NOT NULL DEFAULT 0, name text COLLATE \"C\", plan text COLLATE \"C\","
  "  owner text COLLATE \"C\", segment text COLLATE \"C\", latest_at bigint,"
  "  UNIQUE (source_id, external_id)) WITH (fillfactor = " SHARED_UPDATED_FILLFACTOR ");"
  "CREATE INDEX records_customer ON vigil.records (customer_id);"
  "CREATE TABLE vigil.record_keys (key text COLLATE \"C\" NOT NULL,"
  "  record_id bigint NOT NULL REFERENCES vigil.records (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (key, record_id));"
  "CREATE INDEX record_keys_record ON vigil.record_keys (record_id);"
  "CREATE TABLE vigil.observations ("
  "  record_id bigint NOT NULL REFERENCES vigil.records (id) ON DELETE CASCADE,"
  "  observed_at bigint NOT NULL,"
  "  last_active bigint, mrr double precision, seats bigint, seats_used bigint, api_calls_7d bigint,"
  "  features_used bigint, open_tickets bigint, nps bigint, renewal_date text COLLATE \"C\","
  "  plan text COLLATE \"C\", features text COLLATE \"C\", PRIMARY KEY (record_id, observed_at));"
  "CREATE TABLE vigil.source_field_counts ("
  "  source_id bigint NOT NULL REFERENCES vigil.sources (id) ON DELETE CASCADE,"
  "  field text COLLATE \"C\" NOT NULL, known bigint NOT NULL, PRIMARY KEY (source_id, field));"
  "CREATE TABLE vigil.touches ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  customer_id bigint NOT NULL REFERENCES vigil.customers (id) ON DELETE CASCADE,"
  "  kind text COLLATE \"C\" NOT NULL CHECK (kind IN ('note', 'call', 'email', 'meeting', 'qbr')),"
  "  at bigint NOT NULL, body text COLLATE \"C\" NOT NULL, author text COLLATE \"C\" NOT NULL,"
  "  created_at bigint NOT NULL, edited_at bigint);"
  "CREATE INDEX touches_customer ON vigil.touches (customer_id, at);"
  "CREATE TABLE vigil.pulses ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  customer_id bigint NOT NULL REFERENCES vigil.customers (id) ON DELETE CASCADE,"
  "  at bigint NOT NULL,"
  "  sentiment text COLLATE \"C\" NOT NULL CHECK (sentiment IN ('green', 'yellow', 'red')),"
  "  reason text COLLATE \"C\", body text COLLATE \"C\", author text COLLATE \"C\" NOT NULL,"
  "  created_at bigint NOT NULL);"
  "CREATE INDEX pulses_customer ON vigil.pulses (customer_id, at);"
  "CREATE TABLE vigil.events ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  customer_id bigint NOT NULL REFERENCES vigil.customers (id) ON DELETE CASCADE,"
  "  at bigint NOT NULL, kind text COLLATE \"C\" NOT NULL, detail json, author text COLLATE \"C\");"
  "CREATE INDEX events_customer ON vigil.events (customer_id, at);"
  "CREATE TABLE vigil.views (name text COLLATE \"C\" PRIMARY KEY, definition text COLLATE \"C\" NOT NULL,"
  "  created_at bigint NOT NULL, updated_at bigint NOT NULL);"
  CHECKED_REFERENCES ACCESS_SCHEMA;

/* design 1: what each table's statement triggers call after a write (see
 * create_shared_notifications ()); a NOTIFY of the writer and the table. */
#define NOTIFY_CHANGE_FUNCTION \
  "CREATE OR REPLACE FUNCTION vigil.notify_change () RETURNS trigger LANGUAGE plpgsql AS" \
  "  $$ BEGIN" \
  "    PERFORM pg_notify ('" VIGIL_STORE_CHANNEL "'," \
  "                       coalesce (current_setting ('vigil.writer', true), '')" \
  "                       || ' ' || TG_TABLE_NAME);" \
  "    RETURN NULL;" \
  "  END $$;"

/* A team's book's migrations: shared_migrations[i] takes it from schema
 * FIRST_SHARED_VERSION + i to the next, as migrations[] does a file. Never
 * edit one that has shipped; add the next. */
static const char * const shared_migrations[VIGIL_STORE_SCHEMA_VERSION - FIRST_SHARED_VERSION] = {
  /* 8 -> 9: the references a poll writes most are checked a statement
   * at a time instead of by foreign keys, a notification names the table
   * written, and the tables a poll updates leave room on their pages
   * (SHARED_UPDATED_FILLFACTOR: the rows there now move to pages with
   * room when next updated). Books at 8 were made both ways (Vigil
   * changed them at 8 before this migration), so whatever of either the
   * book has goes, and the new is made whole. */
  "DROP TRIGGER IF EXISTS customers_delete_scores ON vigil.customers;"
  "DROP FUNCTION IF EXISTS vigil.customers_delete_scores ();"
  "ALTER TABLE vigil.customers DROP CONSTRAINT IF EXISTS customers_source_id_fkey;"
  "ALTER TABLE vigil.records DROP CONSTRAINT IF EXISTS records_source_id_fkey,"
  "  DROP CONSTRAINT IF EXISTS records_customer_id_fkey;"
  "ALTER TABLE vigil.snapshots DROP CONSTRAINT IF EXISTS snapshots_customer_id_fkey;"
  "ALTER TABLE vigil.triggers DROP CONSTRAINT IF EXISTS triggers_customer_id_fkey;"
  "ALTER TABLE vigil.customers SET (fillfactor = " SHARED_UPDATED_FILLFACTOR ");"
  "ALTER TABLE vigil.records SET (fillfactor = " SHARED_UPDATED_FILLFACTOR ");"
  "ALTER TABLE vigil.triggers SET (fillfactor = " SHARED_UPDATED_FILLFACTOR ");"
  "DROP FUNCTION IF EXISTS vigil.check_source_ids (), vigil.check_source_id (),"
  "  vigil.check_customer_ids (), vigil.check_customer_id (), vigil.sources_removed (),"
  "  vigil.customers_removed (), vigil.keep_referred_id () CASCADE;"
  CHECKED_REFERENCES
  NOTIFY_CHANGE_FUNCTION,
};

/* Where a PostgreSQL database stands: *@out_version 0 when it has no
 * schema vigil (a new book), else the version its schema_info holds.
 * A schema vigil that is not Vigil's, or a newer one, is refused and
 * left unchanged. Other schemas are other applications': none of
 * Vigil's business. */
static gboolean
check_shared_identity (VigilStore  *self,
                       gint64      *out_version,
                       GError     **error)
{
  gint64 has_schema = 0, has_info = 0, application_id = 0;

  *out_version = 0;
  if (!_vigil_store_query_int (self, "SELECT CASE WHEN to_regnamespace ('vigil') IS NULL THEN 0 ELSE 1 END",
                               &has_schema, error))
    return FALSE;
  if (!has_schema)
    return TRUE;
  if (!_vigil_store_query_int (self, "SELECT CASE WHEN to_regclass ('vigil.schema_info') IS NULL "
                               "THEN 0 ELSE 1 END", &has_info, error) ||
      (has_info &&
       (!_vigil_store_query_int (self, "SELECT application_id FROM vigil.schema_info", &application_id, error) ||
        !_vigil_store_query_int (self, "SELECT version FROM vigil.schema_info", out_version, error))))
    return FALSE;
  if (application_id != VIGIL_APPLICATION_ID)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_A_DATABASE,
                   _("%s has a schema vigil that is not a Vigil book; it was left unchanged"), self->path);
      return FALSE;
    }
  if (*out_version > VIGIL_STORE_SCHEMA_VERSION)
    return refuse_newer_schema (self, *out_version, error);
  return TRUE;
}

/* design 1: every transaction that writes the book tells the windows
 * watching it, once for each table it wrote, when it commits
 * (PostgreSQL sends a NOTIFY at commit and folds a transaction's equal
 * ones into one), whoever wrote: a Vigil, whose connections name their
 * process in vigil.writer, or anyone else. The payload is the writer
 * and the table, "host:pid table", so that a window reads again only
 * what a commit changed (VigilBookWatch). Statement triggers, so a
 * poll's thousands of rows cost one call per statement, not per row. */
static const char *const shared_watched_tables[] = {
  "meta", "sources", "customers", "features", "scorecards", "outcomes", "triggers",
  "source_validators", "scores", "snapshots", "records", "record_keys", "observations",
  "source_field_counts", "touches", "pulses", "events", "views",
};

static gboolean
create_shared_notifications (VigilStore  *self,
                             GError     **error)
{
  const char *doing = _("Creating the database");

  if (!_vigil_store_exec_sql (self, NOTIFY_CHANGE_FUNCTION, doing, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (shared_watched_tables); i++)
    {
      /* Our own table names, no data. */
      g_autofree char *sql = g_strdup_printf ("CREATE TRIGGER %s_notify_change"
                                              "  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vigil.%s"
                                              "  FOR EACH STATEMENT EXECUTE FUNCTION vigil.notify_change ()",
                                              shared_watched_tables[i], shared_watched_tables[i]);

      if (!_vigil_store_exec_sql (self, sql, doing, error))
        return FALSE;
    }
  return TRUE;
}

/* Begins the transaction that makes or migrates a team's book, under the
 * migration lock, and tells where the book stands in it. */
static gboolean
begin_under_migration_lock (VigilStore  *self,
                            const char  *doing,
                            gint64      *out_version,
                            GError     **error)
{
  if (!_vigil_store_exec_sql (self, "BEGIN", doing, error))
    return FALSE;
  if (_vigil_store_exec_sql (self, "SELECT pg_advisory_xact_lock (" VIGIL_STORE_LOCK_MIGRATION ")", doing, error) &&
      check_shared_identity (self, out_version, error))
    return TRUE;
  vigil_sql_exec (self->db, "ROLLBACK");
  return FALSE;
}

/* Creates the book's tables in a database that has none, in one
 * transaction, under the migration lock: two Vigils opening a new book
 * at once create it once (the second finds it made). */
static gboolean
create_shared_schema (VigilStore  *self,
                      GError     **error)
{
  const char *doing = _("Creating the database");
  g_autofree char *set_identity = NULL;
  gint64 version = 0;

  if (!begin_under_migration_lock (self, doing, &version, error))
    return FALSE;
  if (version == 0)
    {
      /* Our own constants, no data. */
      set_identity = g_strdup_printf ("INSERT INTO vigil.schema_info (application_id, version) "
                                      "VALUES (%d, %d)", VIGIL_APPLICATION_ID, VIGIL_STORE_SCHEMA_VERSION);
      if (!_vigil_store_exec_sql (self, shared_schema, doing, error) ||
          !create_shared_notifications (self, error) ||
          !_vigil_store_exec_sql (self, set_identity, doing, error) ||
          !insert_default_scorecard (self, error))
        goto fail;
    }
  if (!_vigil_store_exec_sql (self, "COMMIT", doing, error))
    goto fail;
  return TRUE;

fail:
  vigil_sql_exec (self->db, "ROLLBACK");
  return FALSE;
}

/* Only the book's owner (or a role that is a member of it) may change its
 * tables: another role is told who may, and the book is left as it is. */
static gboolean
check_shared_owner (VigilStore  *self,
                    gint64       version,
                    GError     **error)
{
  const char *doing = _("Updating the database");
  VigilSqlStmt *stmt = NULL;
  g_autofree char *owner = NULL;
  gboolean may = FALSE;
  gboolean ok;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, "SELECT CASE WHEN pg_has_role (c.relowner, 'USAGE') THEN 1 ELSE 0 END, "
                                     "pg_get_userbyid (c.relowner) FROM pg_class c "
                                     "WHERE c.oid = CAST ('vigil.schema_info' AS regclass)",
                                     doing, error)))
    return FALSE;
  if ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      may = vigil_sql_column_int64 (stmt, 0) != 0;
      owner = g_strdup ((const char *) vigil_sql_column_text (stmt, 1));
      rc = vigil_sql_step (stmt);
    }
  ok = _vigil_store_finish_cached_rows (self, stmt, rc, doing, error);
  vigil_sql_finalize (stmt);
  if (!ok || may)
    return ok;
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION,
               _("%s is a team's book at schema %" PRId64 ", and this Vigil needs schema %d. "
                 "Only its owner, the role %s, may update it: run Vigil once as that role "
                 "(for example, the team's poller). The book was left unchanged."),
               self->path, version, VIGIL_STORE_SCHEMA_VERSION, owner != NULL ? owner : "?");
  return FALSE;
}

/* Takes a team's book forward to @target_version in one transaction,
 * under the migration lock: of two Vigils opening it at once, the second
 * finds it done. */
static gboolean
migrate_shared_schema (VigilStore  *self,
                       gint64       target_version,
                       GError     **error)
{
  const char *doing = _("Updating the database");
  g_autofree char *set_version = NULL;
  gint64 version = 0;

  if (!begin_under_migration_lock (self, doing, &version, error))
    return FALSE;
  if (version < target_version && !check_shared_owner (self, version, error))
    goto fail;
  for (gint64 v = version; v < target_version; v++)
    if (!_vigil_store_exec_sql (self, shared_migrations[v - FIRST_SHARED_VERSION], doing, error))
      goto fail;
  /* Our own constant, no data. */
  set_version = g_strdup_printf ("UPDATE vigil.schema_info SET version = %" G_GINT64_FORMAT, target_version);
  if (!_vigil_store_exec_sql (self, set_version, doing, error) ||
      !_vigil_store_exec_sql (self, "COMMIT", doing, error))
    goto fail;
  return TRUE;

fail:
  vigil_sql_exec (self->db, "ROLLBACK");
  return FALSE;
}

/**
 * _vigil_store_open_shared_schema:
 *
 * A team's book on PostgreSQL (design 1), checked as a file is: a new
 * database gets the book's tables at @target_version; an older book is
 * migrated forward; one at that version is opened as it is; a foreign or
 * newer one is refused.
 */
gboolean
_vigil_store_open_shared_schema (VigilStore  *self,
                                 gint64       target_version,
                                 GError     **error)
{
  gint64 version = 0;

  g_return_val_if_fail (target_version == VIGIL_STORE_SCHEMA_VERSION, FALSE);

  if (!check_shared_identity (self, &version, error))
    return FALSE;
  if (version == 0)
    return create_shared_schema (self, error);
  if (version < FIRST_SHARED_VERSION)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_A_DATABASE,
                   _("%s holds a Vigil book at schema %" PRId64 ", which no Vigil made on PostgreSQL; "
                     "it was left unchanged"), self->path, version);
      return FALSE;
    }
  if (version < target_version)
    return migrate_shared_schema (self, target_version, error);
  return TRUE;
}

/* SQLite only (PRAGMA application_id, user_version, sqlite_schema):
 * design 2.4, plan C.2. */
gboolean
_vigil_store_check_identity (VigilStore  *self,
                             gint64      *out_version,
                             GError     **error)
{
  gint64 application_id = 0;
  gint64 n_objects = 0;

  if (!_vigil_store_query_int (self, "PRAGMA application_id", &application_id, error) ||
      !_vigil_store_query_int (self, "PRAGMA user_version", out_version, error) ||
      !_vigil_store_query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  if (application_id != VIGIL_APPLICATION_ID && (n_objects > 0 || *out_version != 0))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_A_DATABASE,
                   _("%s is an SQLite database of another application, not a Vigil database; "
                     "it was left unchanged"), self->path);
      return FALSE;
    }

  if (*out_version > VIGIL_STORE_SCHEMA_VERSION)
    return refuse_newer_schema (self, *out_version, error);

  return TRUE;
}

static gboolean
insert_default_scorecard (VigilStore  *self,
                          GError     **error)
{
  g_autoptr(VigilScorecard) scorecard = vigil_scorecard_new_default ();

  return _vigil_store_insert_scorecard (self, scorecard, _("Creating the database"), error);
}

/* SQLite only for now: the schema's version is PRAGMA user_version
 * (plan C.2). */
gboolean
_vigil_store_migrate (VigilStore  *self,
                      gint64       from_version,
                      gint64       to_version,
                      GError     **error)
{
  g_autofree char *set_version = NULL;
  g_autofree char *set_application = NULL;

  if (from_version >= to_version)
    return TRUE;

  if (!_vigil_store_exec_sql (self, "BEGIN IMMEDIATE", _("Updating the database"), error))
    return FALSE;

  for (gint64 v = from_version; v < to_version; v++)
    {
      if (!_vigil_store_exec_sql (self, migrations[v], _("Updating the database"), error))
        goto fail;
      if (v == 0 && !insert_default_scorecard (self, error))
        goto fail;
    }

  /* PRAGMAs take no parameters; both values are our own constants. */
  set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, to_version);
  set_application = g_strdup_printf ("PRAGMA application_id = %d", VIGIL_APPLICATION_ID);
  if (!_vigil_store_exec_sql (self, set_version, _("Updating the database"), error) ||
      !_vigil_store_exec_sql (self, set_application, _("Updating the database"), error) ||
      !_vigil_store_exec_sql (self, "COMMIT", _("Updating the database"), error))
    goto fail;

  return TRUE;

fail:
  vigil_sql_exec (self->db, "ROLLBACK");
  return FALSE;
}

/* The files SQLite keeps beside a database: the write-ahead log, its
 * shared-memory index, and the rollback journal of a migration. */
static const char * const database_file_suffixes[] = { "", "-wal", "-shm", "-journal" };

/* design 2.4: the database is private to its user, whatever the umask.
 * A missing database is created empty with mode 0600 before SQLite opens
 * it; SQLite then gives its -wal and -shm files the database's mode. */
static gboolean
create_private_database (VigilStore  *self,
                         GError     **error)
{
  int fd = g_open (self->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd >= 0)
    {
      close (fd);
      return TRUE;
    }

  if (errno == EEXIST)
    return TRUE;

  {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Cannot create %s: %s"), self->path, g_strerror (saved_errno));
    return FALSE;
  }
}

/* Changes the mode of the file @fd holds, a descriptor opened with
 * O_PATH (which fchmod() refuses): through its name in /proc, which
 * names that very file, not whatever the path may name by now. */
static int
chmod_path_descriptor (int    fd,
                       mode_t mode)
{
  g_autofree char *name = g_strdup_printf ("/proc/self/fd/%d", fd);

  return chmod (name, mode);
}

/* An existing database (and its companions) that other users can read
 * is made private when it is ours; someone else's is left as it is. The
 * store is opened by every front end, and the person running it is the
 * one to tell, so the notice goes to standard error, once per file.
 *
 * The mode is read and changed through one descriptor, so the file
 * checked is the file changed. The database's own path may be a link
 * the user made; a companion (-wal, -shm, -journal) that is a symbolic
 * link is not followed: whoever can write to the folder could point it
 * at another of the user's files.
 *
 * The descriptor is an O_PATH one, which does not open the file: closing
 * any other descriptor of a file drops every POSIX lock the process
 * holds on it (fcntl(2)), and another store of this process may have the
 * database open. Its SQLite connection would go on as if it still held
 * its locks, and another process could then leave the write-ahead log
 * and delete it under this one's writes, which would be lost. Linux
 * does not drop a process's locks when an O_PATH descriptor closes. */
static void
tighten_database_files (VigilStore *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (database_file_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (self->path, database_file_suffixes[i], NULL);
      int flags = O_PATH | O_CLOEXEC | (i > 0 ? O_NOFOLLOW : 0);
      int fd = g_open (file, flags, 0);
      struct stat st;

      if (fd < 0)
        continue;
      if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || (st.st_mode & 077) == 0)
        {
          close (fd);
          continue;
        }

      if (st.st_uid != geteuid ())
        g_printerr (_("Warning: %s can be read by other users, and it is not yours, so Vigil "
                      "left its permissions alone (mode %04o)\n"),
                    file, (unsigned) (st.st_mode & 07777));
      else if (chmod_path_descriptor (fd, st.st_mode & 0700) != 0)
        g_printerr (_("Warning: %s can be read by other users and could not be made private: %s\n"),
                    file, g_strerror (errno));
      else
        g_printerr (_("%s could be read by other users; it is now private to you (mode %04o)\n"),
                    file, (unsigned) (st.st_mode & 0700));
      close (fd);
    }
}

/* The folder of the database, and the database when missing, are
 * created private to the user; an existing database is made private.
 * SQLite only: the database is a file (design 2.4, plan C.2). */
gboolean
_vigil_store_prepare_file (VigilStore  *self,
                           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  tighten_database_files (self);
  return create_private_database (self, error);
}
