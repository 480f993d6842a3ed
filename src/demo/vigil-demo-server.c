/* vigil-demo-server.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-demo-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include <libsoup/soup.h>

#include "vigil-demo-server.h"
#include "vigil-snapshot.h"
#include "vigil-time.h"

/* A live endpoint for the demo book: GET /usage?page=N answers in the
 * native format of design 2.1, each customer as seen at the time of the
 * request, so that polling it over time shows the book moving. Pages
 * past the last one are empty (so a "page" mapping stops on them too);
 * the others carry "next", the absolute URL of the following page.
 *
 * For per-customer endpoints (design 2.2) the same book is also served
 * as a list and its details:
 *
 *   GET /accounts?page=N  {"data": [{"id": ..., "name": ...}, ...],
 *                          "links": {"next": URL or null}}, paged as /usage
 *   GET /usage/ID         {"id": ..., "usage": {"api_calls_7d": ...,
 *                          "features": ..., "seats": ..., "seats_used": ...,
 *                          "last_active": ...}}, 404 for an unknown id
 *
 * With a latency set, every answer is held back that long without
 * blocking: the message is paused and a timeout resumes it, so any
 * number of requests wait at once, as they would on a slow remote
 * server. VIGIL_DEMO_LATENCY_MS sets the initial latency.
 *
 * The JSON is written by hand into one buffer: a page of 500 customers
 * is about 200 kB, and a benchmark polls 10,000 of them. */

struct _VigilDemoServer
{
  GObject     parent_instance;

  VigilDemo  *demo;
  SoupServer *server;
  char       *base_url;   /* "http://127.0.0.1:PORT", once listening */
  gint64      now;        /* 0 for the real time */
  guint64     n_requests;
  guint       page_size;
  guint       port;
  guint       latency;    /* milliseconds before each answer */
  GQueue      delayed;    /* of Delay, the answers held back */
};

/* An answer held back by the latency. */
typedef struct
{
  GList              link;      /* in VigilDemoServer.delayed; data is the Delay */
  VigilDemoServer   *self;      /* unowned: dispose drops every Delay */
  SoupServerMessage *msg;
  GSource           *source;
} Delay;

enum {
  PROP_0,
  PROP_DEMO,
  PROP_PAGE_SIZE,
  PROP_NOW,
  PROP_LATENCY,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VigilDemoServer, vigil_demo_server, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Writing JSON ------------------------------------------------------------ */

static void
append_json_string (GString    *out,
                    const char *text)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char *valid = NULL;
  const char *run;
  const char *p;

  g_assert (out != NULL);

  if (text == NULL)
    {
      g_string_append_len (out, "null", 4);
      return;
    }

  /* Text is UTF-8 passed through; anything else is made valid first. */
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (run = p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;

      switch (c)
        {
        case '"':
          g_string_append_len (out, "\\\"", 2);
          break;
        case '\\':
          g_string_append_len (out, "\\\\", 2);
          break;
        case '\b':
          g_string_append_len (out, "\\b", 2);
          break;
        case '\f':
          g_string_append_len (out, "\\f", 2);
          break;
        case '\n':
          g_string_append_len (out, "\\n", 2);
          break;
        case '\r':
          g_string_append_len (out, "\\r", 2);
          break;
        case '\t':
          g_string_append_len (out, "\\t", 2);
          break;
        default:
          {
            char escape[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

            g_string_append_len (out, escape, sizeof escape);
          }
          break;
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
append_int64 (GString *out,
              gint64   value)
{
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (value < 0)
    *--p = '-';

  g_string_append_len (out, p, digits + sizeof digits - p);
}

/* The shortest of %.15g and %.17g that reads back as @value. */
static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_assert (isfinite (value));

  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  if (g_ascii_strtod (buffer, NULL) != value)
    g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  g_string_append (out, buffer);
}

static void
append_digits (char *p,
               int   value,
               int   width)
{
  for (int i = width - 1; i >= 0; i--)
    {
      p[i] = (char) ('0' + value % 10);
      value /= 10;
    }
}

/* "YYYY-MM-DD" for a day since the epoch, quoted. */
static void
append_date (GString *out,
             gint32   day)
{
  char text[12] = "\"0000-00-00\"";
  int y, m, d;

  vigil_date_to_civil (day, &y, &m, &d);
  if (y < 0 || y > 9999)
    {
      g_autofree char *date = vigil_date_format (day);

      append_json_string (out, date);
      return;
    }
  append_digits (text + 1, y, 4);
  append_digits (text + 6, m, 2);
  append_digits (text + 9, d, 2);
  g_string_append_len (out, text, sizeof text);
}

/* "YYYY-MM-DDTHH:MM:SSZ" for Unix seconds, quoted. */
static void
append_time (GString *out,
             gint64   time)
{
  char text[22] = "\"0000-00-00T00:00:00Z\"";
  gint32 day = vigil_time_get_day (time);
  gint64 second = time - (gint64) day * 86400;
  int y, m, d;

  vigil_date_to_civil (day, &y, &m, &d);
  if (y < 0 || y > 9999)
    {
      g_autofree char *formatted = vigil_time_format (time);

      append_json_string (out, formatted);
      return;
    }
  append_digits (text + 1, y, 4);
  append_digits (text + 6, m, 2);
  append_digits (text + 9, d, 2);
  append_digits (text + 12, (int) (second / 3600), 2);
  append_digits (text + 15, (int) (second / 60 % 60), 2);
  append_digits (text + 18, (int) (second % 60), 2);
  g_string_append_len (out, text, sizeof text);
}

/* Each member but the first starts with a comma; @key is written as is. */
static void
append_key (GString    *out,
            const char *key)
{
  g_string_append_len (out, ",\"", 2);
  g_string_append (out, key);
  g_string_append_len (out, "\":", 2);
}

static void
append_text_member (GString    *out,
                    const char *key,
                    const char *value)
{
  if (value == NULL)
    return;
  append_key (out, key);
  append_json_string (out, value);
}

static void
append_int_member (GString    *out,
                   const char *key,
                   gint64      value)
{
  if (value == VIGIL_UNKNOWN)
    return;
  append_key (out, key);
  append_int64 (out, value);
}

static void
append_features (GString *out,
                 GArray  *features)
{
  gboolean counted = TRUE;
  gboolean first = TRUE;

  for (guint i = 0; i < features->len; i++)
    if (g_array_index (features, VigilFeatureUsage, i).calls == VIGIL_FEATURE_USED_NO_COUNT)
      counted = FALSE;

  /* Calls per feature when every count is known, else the names in use. */
  append_key (out, "features");
  g_string_append_c (out, counted ? '{' : '[');
  for (guint i = 0; i < features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (features, VigilFeatureUsage, i);

      if (!counted && usage->calls == 0)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_json_string (out, usage->name);
      if (counted)
        {
          g_string_append_c (out, ':');
          append_int64 (out, usage->calls);
        }
    }
  g_string_append_c (out, counted ? '}' : ']');
}

/* One customer in the native format; unknown values are left out. */
static void
append_snapshot (GString             *out,
                 const VigilSnapshot *snapshot)
{
  g_string_append_len (out, "{\"id\":", 6);
  append_json_string (out, snapshot->customer_id);
  append_text_member (out, "name", snapshot->name);
  append_text_member (out, "plan", snapshot->plan);
  append_text_member (out, "owner", snapshot->owner);
  append_text_member (out, "segment", snapshot->segment);
  if (isfinite (snapshot->mrr))
    {
      append_key (out, "mrr");
      append_double (out, snapshot->mrr);
    }
  append_int_member (out, "seats", snapshot->seats);
  append_int_member (out, "seats_used", snapshot->seats_used);
  if (snapshot->renewal_day != VIGIL_UNKNOWN_DAY)
    {
      append_key (out, "renewal_date");
      append_date (out, snapshot->renewal_day);
    }
  if (snapshot->last_active != VIGIL_UNKNOWN)
    {
      append_key (out, "last_active");
      append_time (out, snapshot->last_active);
    }
  append_int_member (out, "api_calls_7d", snapshot->api_calls_7d);
  if (snapshot->features != NULL)
    append_features (out, snapshot->features);
  else
    append_int_member (out, "features_used", snapshot->features_used);
  append_int_member (out, "open_tickets", snapshot->open_tickets);
  append_int_member (out, "nps", snapshot->nps);
  if (snapshot->observed_at != VIGIL_UNKNOWN)
    {
      append_key (out, "observed_at");
      append_time (out, snapshot->observed_at);
    }
  g_string_append_c (out, '}');
}

/* Requests ---------------------------------------------------------------- */

static gint64
vigil_demo_server_get_now (VigilDemoServer *self)
{
  g_assert (VIGIL_IS_DEMO_SERVER (self));

  if (self->now != 0)
    return self->now;
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
set_text_response (SoupServerMessage *msg,
                   guint              status,
                   const char        *text)
{
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_COPY, text, strlen (text));
}

/* Page numbers count from 1: digits only, no sign, no spaces. */
static gboolean
parse_page (const char *text,
            guint64    *out_page)
{
  g_assert (out_page != NULL);

  if (text == NULL)
    {
      *out_page = 1;
      return TRUE;
    }
  if (!g_ascii_isdigit (text[0]))
    return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT64, out_page, NULL);
}

/* The customers [first, end) of @page; pages past the end are empty,
 * without overflow for huge numbers. */
static void
get_page_range (VigilDemoServer *self,
                guint64          page,
                guint64         *out_first,
                guint64         *out_end)
{
  guint n_customers;

  g_assert (VIGIL_IS_DEMO_SERVER (self));
  g_assert (page >= 1);

  n_customers = vigil_demo_get_n_customers (self->demo);
  if (page - 1 < (n_customers + (guint64) self->page_size - 1) / self->page_size)
    {
      *out_first = (page - 1) * self->page_size;
      *out_end = MIN (*out_first + self->page_size, n_customers);
    }
  else
    *out_first = *out_end = n_customers;
}

/* The absolute URL of @page of @path, quoted. */
static void
append_page_url (VigilDemoServer *self,
                 GString         *out,
                 const char      *path,
                 guint64          page)
{
  g_assert (VIGIL_IS_DEMO_SERVER (self));

  g_string_append_c (out, '"');
  g_string_append (out, self->base_url);
  g_string_append (out, path);
  g_string_append_len (out, "?page=", 6);
  append_int64 (out, (gint64) page);
  g_string_append_c (out, '"');
}

/* Answers 200 with @out, a JSON document, which is freed. */
static void
set_json_response (SoupServerMessage *msg,
                   GString           *out)
{
  gsize length = out->len;

  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (out, FALSE), length);
}

/* The page number of @query, or FALSE after answering 400. */
static gboolean
get_query_page (SoupServerMessage *msg,
                GHashTable        *query,
                guint64           *out_page)
{
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  if (parse_page (query != NULL ? g_hash_table_lookup (query, "page") : NULL, out_page))
    return TRUE;
  set_text_response (msg, SOUP_STATUS_BAD_REQUEST, "bad page number\n");
  return FALSE;
}

typedef void (*AppendRecord) (GString *out, const VigilSnapshot *snapshot);

/* The customers first..end at @now, each written by @append, comma-separated. */
static void
append_records (VigilDemoServer *self,
                GString         *out,
                guint64          first,
                guint64          end,
                AppendRecord     append)
{
  VigilSnapshot snapshot = { 0 };
  gint64 now = vigil_demo_server_get_now (self);

  vigil_snapshot_clear (&snapshot);
  for (guint64 i = first; i < end; i++)
    {
      if (i != first)
        g_string_append_c (out, ',');
      vigil_demo_fill_snapshot (self->demo, (guint) i, now, &snapshot);
      append (out, &snapshot);
    }
  vigil_snapshot_clear (&snapshot);
}

static void
append_account (GString             *out,
                const VigilSnapshot *snapshot)
{
  g_string_append_len (out, "{\"id\":", 6);
  append_json_string (out, snapshot->customer_id);
  append_text_member (out, "name", snapshot->name);
  g_string_append_c (out, '}');
}

static void
handle_usage (VigilDemoServer   *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autoptr(GString) out = NULL;
  guint64 page;
  guint64 first;
  guint64 end;

  g_assert (VIGIL_IS_DEMO_SERVER (self));
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  if (!get_query_page (msg, query, &page))
    return;
  get_page_range (self, page, &first, &end);

  /* Roughly 400 bytes a customer; the buffer grows if that is short. */
  out = g_string_sized_new (64 + (gsize) (end - first) * 448);
  g_string_append_len (out, "{\"customers\":[", 14);
  append_records (self, out, first, end, append_snapshot);
  g_string_append_c (out, ']');
  if (end < vigil_demo_get_n_customers (self->demo))
    {
      g_string_append_len (out, ",\"next\":", 8);
      append_page_url (self, out, "/usage", page + 1);
    }
  g_string_append_len (out, "}\n", 2);

  set_json_response (msg, g_steal_pointer (&out));
}

/* The list without the usage: ids and names only. */
static void
handle_accounts (VigilDemoServer   *self,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  g_autoptr(GString) out = NULL;
  guint64 page;
  guint64 first;
  guint64 end;

  g_assert (VIGIL_IS_DEMO_SERVER (self));
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  if (!get_query_page (msg, query, &page))
    return;
  get_page_range (self, page, &first, &end);

  out = g_string_sized_new (64 + (gsize) (end - first) * 64);
  g_string_append_len (out, "{\"data\":[", 9);
  append_records (self, out, first, end, append_account);
  g_string_append_len (out, "],\"links\":{\"next\":", 18);
  if (end < vigil_demo_get_n_customers (self->demo))
    append_page_url (self, out, "/accounts", page + 1);
  else
    g_string_append_len (out, "null", 4);
  g_string_append_len (out, "}}\n", 3);

  set_json_response (msg, g_steal_pointer (&out));
}

/* The index of the customer whose id is @id, exactly as the demo
 * writes it ("acct-00042", never "acct-42"), or FALSE. */
static gboolean
lookup_customer (VigilDemoServer *self,
                 const char      *id,
                 guint           *out_index)
{
  char expected[32];
  guint64 index;

  g_assert (VIGIL_IS_DEMO_SERVER (self));
  g_assert (out_index != NULL);

  if (!g_str_has_prefix (id, "acct-") || !g_ascii_isdigit (id[5]))
    return FALSE;
  if (!g_ascii_string_to_unsigned (id + 5, 10, 0, G_MAXUINT, &index, NULL) ||
      index >= vigil_demo_get_n_customers (self->demo))
    return FALSE;

  g_snprintf (expected, sizeof expected, "acct-%05u", (guint) index);
  if (strcmp (id, expected) != 0)
    return FALSE;

  *out_index = (guint) index;
  return TRUE;
}

/* One customer's usage; @escaped_id is the path segment, still
 * percent-encoded. */
static void
handle_detail (VigilDemoServer   *self,
               SoupServerMessage *msg,
               const char        *escaped_id)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *id = NULL;
  VigilSnapshot snapshot = { 0 };
  gsize usage_start;
  guint index;

  g_assert (VIGIL_IS_DEMO_SERVER (self));
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  /* NULL for a bad escape or an encoded NUL or slash. */
  id = g_uri_unescape_string (escaped_id, "/");
  if (id == NULL || !lookup_customer (self, id, &index))
    {
      set_text_response (msg, SOUP_STATUS_NOT_FOUND, "no such customer\n");
      return;
    }

  vigil_snapshot_clear (&snapshot);
  vigil_demo_fill_snapshot (self->demo, index, vigil_demo_server_get_now (self), &snapshot);

  out = g_string_sized_new (512);
  g_string_append_len (out, "{\"id\":", 6);
  append_json_string (out, snapshot.customer_id);
  g_string_append_len (out, ",\"usage\":{", 10);

  /* Unknown values are left out; each member starts with a comma,
   * which the first one then loses. */
  usage_start = out->len;
  append_int_member (out, "api_calls_7d", snapshot.api_calls_7d);
  if (snapshot.features != NULL)
    append_features (out, snapshot.features);
  else
    append_int_member (out, "features_used", snapshot.features_used);
  append_int_member (out, "seats", snapshot.seats);
  append_int_member (out, "seats_used", snapshot.seats_used);
  if (snapshot.last_active != VIGIL_UNKNOWN)
    {
      append_key (out, "last_active");
      append_time (out, snapshot.last_active);
    }
  if (out->len > usage_start)
    g_string_erase (out, usage_start, 1);
  g_string_append_len (out, "}}\n", 3);

  vigil_snapshot_clear (&snapshot);

  set_json_response (msg, g_steal_pointer (&out));
}

/* Delays ------------------------------------------------------------------ */

static void
delay_free (Delay *delay)
{
  g_assert (delay != NULL);

  if (delay->source != NULL)
    g_source_destroy (delay->source);
  g_clear_pointer (&delay->source, g_source_unref);
  g_clear_object (&delay->msg);
  g_free (delay);
}

static gboolean
delay_done_cb (gpointer user_data)
{
  Delay *delay = user_data;

  g_assert (delay != NULL);
  g_assert (VIGIL_IS_DEMO_SERVER (delay->self));

  g_queue_unlink (&delay->self->delayed, &delay->link);

  /* A no-op if the client has gone meanwhile. */
  soup_server_message_unpause (delay->msg);
  delay_free (delay);

  return G_SOURCE_REMOVE;
}

/* Holds back @msg, answered already, for the latency. */
static void
delay_response (VigilDemoServer   *self,
                SoupServerMessage *msg)
{
  Delay *delay;

  g_assert (VIGIL_IS_DEMO_SERVER (self));
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));
  g_assert (self->latency > 0);

  delay = g_new0 (Delay, 1);
  delay->link.data = delay;
  delay->self = self;
  delay->msg = g_object_ref (msg);
  /* In the context the server answers in, like its sockets. */
  delay->source = g_timeout_source_new (self->latency);
  g_source_set_callback (delay->source, delay_done_cb, delay, NULL);
  g_source_set_static_name (delay->source, "[vigil] demo server latency");
  g_source_attach (delay->source, g_main_context_get_thread_default ());
  g_queue_push_tail_link (&self->delayed, &delay->link);

  soup_server_message_pause (msg);
}

/* Callbacks --------------------------------------------------------------- */

static void
server_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  VigilDemoServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *detail_id = NULL;

  g_assert (SOUP_IS_SERVER (server));
  g_assert (VIGIL_IS_DEMO_SERVER (self));

  self->n_requests++;

  /* The path is still percent-encoded: a slash in an id is "%2F". */
  if (path != NULL && g_str_has_prefix (path, "/usage/") && path[7] != '\0' &&
      strchr (path + 7, '/') == NULL)
    detail_id = path + 7;

  if (detail_id == NULL &&
      g_strcmp0 (path, "/usage") != 0 &&
      g_strcmp0 (path, "/accounts") != 0 &&
      g_strcmp0 (path, "/health") != 0)
    set_text_response (msg, SOUP_STATUS_NOT_FOUND, "not found\n");
  /* HEAD is answered like GET; libsoup leaves the body out. */
  else if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      set_text_response (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method not allowed\n");
    }
  else if (detail_id != NULL)
    handle_detail (self, msg, detail_id);
  else if (strcmp (path, "/usage") == 0)
    handle_usage (self, msg, query);
  else if (strcmp (path, "/accounts") == 0)
    handle_accounts (self, msg, query);
  else
    set_text_response (msg, SOUP_STATUS_OK, "ok");

  /* The answer is ready now; the latency only holds it back. */
  if (self->latency > 0)
    delay_response (self, msg);
}

/* GObject ----------------------------------------------------------------- */

static void
vigil_demo_server_dispose (GObject *object)
{
  VigilDemoServer *self = (VigilDemoServer *) object;
  GList *link;

  /* Answers still held back are dropped with their connections. */
  while ((link = g_queue_pop_head_link (&self->delayed)) != NULL)
    delay_free (link->data);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->demo);

  G_OBJECT_CLASS (vigil_demo_server_parent_class)->dispose (object);
}

static void
vigil_demo_server_finalize (GObject *object)
{
  VigilDemoServer *self = (VigilDemoServer *) object;

  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (vigil_demo_server_parent_class)->finalize (object);
}

static void
vigil_demo_server_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VigilDemoServer *self = VIGIL_DEMO_SERVER (object);

  switch (prop_id)
    {
    case PROP_DEMO:
      g_value_set_object (value, self->demo);
      break;

    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;

    case PROP_NOW:
      g_value_set_int64 (value, self->now);
      break;

    case PROP_LATENCY:
      g_value_set_uint (value, self->latency);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_demo_server_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VigilDemoServer *self = VIGIL_DEMO_SERVER (object);

  switch (prop_id)
    {
    case PROP_DEMO:
      self->demo = g_value_dup_object (value);
      break;

    case PROP_PAGE_SIZE:
      self->page_size = g_value_get_uint (value);
      if (self->page_size == 0)
        self->page_size = VIGIL_DEMO_SERVER_DEFAULT_PAGE_SIZE;
      break;

    case PROP_NOW:
      vigil_demo_server_set_now (self, g_value_get_int64 (value));
      break;

    case PROP_LATENCY:
      vigil_demo_server_set_latency (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_demo_server_class_init (VigilDemoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_demo_server_dispose;
  object_class->finalize = vigil_demo_server_finalize;
  object_class->get_property = vigil_demo_server_get_property;
  object_class->set_property = vigil_demo_server_set_property;

  properties[PROP_DEMO] =
    g_param_spec_object ("demo", NULL, NULL,
                         VIGIL_TYPE_DEMO,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  /* 0 means the default, 500. */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL,
                       0, G_MAXUINT, VIGIL_DEMO_SERVER_DEFAULT_PAGE_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_NOW] =
    g_param_spec_int64 ("now", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  /* Milliseconds each answer is held back. */
  properties[PROP_LATENCY] =
    g_param_spec_uint ("latency", NULL, NULL,
                       0, VIGIL_DEMO_SERVER_MAX_LATENCY, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vigil_demo_server_init (VigilDemoServer *self)
{
  self->page_size = VIGIL_DEMO_SERVER_DEFAULT_PAGE_SIZE;
  g_queue_init (&self->delayed);
}

/* Public API -------------------------------------------------------------- */

/**
 * vigil_demo_server_new:
 * @demo: the book of customers to serve
 * @page_size: customers per page, or 0 for the default (500)
 *
 * The latency starts as VIGIL_DEMO_LATENCY_MS in the environment, in
 * milliseconds (digits only, at most %VIGIL_DEMO_SERVER_MAX_LATENCY),
 * else 0; anything else there is ignored.
 *
 * Returns: (transfer full): a server, not yet listening
 */
VigilDemoServer *
vigil_demo_server_new (VigilDemo *demo,
                       guint      page_size)
{
  const char *env;
  guint64 latency = 0;

  g_return_val_if_fail (VIGIL_IS_DEMO (demo), NULL);

  env = g_getenv ("VIGIL_DEMO_LATENCY_MS");
  if (env != NULL &&
      (!g_ascii_isdigit (env[0]) ||
       !g_ascii_string_to_unsigned (env, 10, 0, VIGIL_DEMO_SERVER_MAX_LATENCY, &latency, NULL)))
    {
      g_debug ("Ignoring VIGIL_DEMO_LATENCY_MS=%s: not a number of milliseconds", env);
      latency = 0;
    }

  return g_object_new (VIGIL_TYPE_DEMO_SERVER,
                       "demo", demo,
                       "page-size", page_size,
                       "latency", (guint) latency,
                       NULL);
}

/**
 * vigil_demo_server_listen:
 * @port: the TCP port, or 0 for any free one
 *
 * Starts answering on 127.0.0.1 only, in the thread-default main
 * context; requests are served while that context runs.
 *
 * Returns: %TRUE if listening, else %FALSE with @error set
 */
gboolean
vigil_demo_server_listen (VigilDemoServer  *self,
                          guint             port,
                          GError          **error)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  GSList *uris;

  g_return_val_if_fail (VIGIL_IS_DEMO_SERVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  server = soup_server_new ("server-header", "vigil-demo-server ", NULL);
  soup_server_add_handler (server, NULL, server_request_cb, self, NULL);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, (guint16) port);
  if (!soup_server_listen (server, address, 0, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  g_assert (uris != NULL);
  self->port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  self->server = g_steal_pointer (&server);
  return TRUE;
}

/**
 * vigil_demo_server_get_port:
 *
 * Returns: the port listened on, or 0 before vigil_demo_server_listen()
 */
guint
vigil_demo_server_get_port (VigilDemoServer *self)
{
  g_return_val_if_fail (VIGIL_IS_DEMO_SERVER (self), 0);

  return self->port;
}

/**
 * vigil_demo_server_get_url:
 *
 * Returns: (transfer full) (nullable): the URL of the first page,
 *   "http://127.0.0.1:PORT/usage", or %NULL before listening
 */
char *
vigil_demo_server_get_url (VigilDemoServer *self)
{
  g_return_val_if_fail (VIGIL_IS_DEMO_SERVER (self), NULL);

  if (self->base_url == NULL)
    return NULL;
  return g_strconcat (self->base_url, "/usage", NULL);
}

/**
 * vigil_demo_server_set_now:
 * @now: Unix seconds (UTC) to serve the book at, or 0 for the real time
 *
 * Fixes the clock, for tests.
 */
void
vigil_demo_server_set_now (VigilDemoServer *self,
                           gint64           now)
{
  g_return_if_fail (VIGIL_IS_DEMO_SERVER (self));

  if (self->now == now)
    return;

  self->now = now;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOW]);
}

/**
 * vigil_demo_server_get_n_requests:
 *
 * Returns: how many HTTP requests were answered, whatever their path
 *   or status
 */
guint64
vigil_demo_server_get_n_requests (VigilDemoServer *self)
{
  g_return_val_if_fail (VIGIL_IS_DEMO_SERVER (self), 0);

  return self->n_requests;
}

/**
 * vigil_demo_server_get_latency:
 *
 * Returns: the milliseconds each answer is held back
 */
guint
vigil_demo_server_get_latency (VigilDemoServer *self)
{
  g_return_val_if_fail (VIGIL_IS_DEMO_SERVER (self), 0);

  return self->latency;
}

/**
 * vigil_demo_server_set_latency:
 * @ms: milliseconds to hold back each answer, or 0 to answer at once
 *
 * Simulates a slow server without blocking it: requests arriving
 * together wait together. The answer is made when the request arrives;
 * a change applies to requests arriving afterwards.
 */
void
vigil_demo_server_set_latency (VigilDemoServer *self,
                               guint            ms)
{
  g_return_if_fail (VIGIL_IS_DEMO_SERVER (self));
  g_return_if_fail (ms <= VIGIL_DEMO_SERVER_MAX_LATENCY);

  if (self->latency == ms)
    return;

  self->latency = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY]);
}
