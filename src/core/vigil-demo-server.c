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
 * native format of DESIGN 2.1, each customer as seen at the time of the
 * request, so that polling it over time shows the book moving. Pages
 * past the last one are empty (so a "page" mapping stops on them too);
 * the others carry "next", the absolute URL of the following page.
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
};

enum {
  PROP_0,
  PROP_DEMO,
  PROP_PAGE_SIZE,
  PROP_NOW,
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

static void
handle_usage (VigilDemoServer   *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autoptr(GString) out = NULL;
  VigilSnapshot snapshot = { 0 };
  guint64 page;
  guint64 first;
  guint64 end;
  guint n_customers;
  gint64 now;

  g_assert (VIGIL_IS_DEMO_SERVER (self));
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  if (!parse_page (query != NULL ? g_hash_table_lookup (query, "page") : NULL, &page))
    {
      set_text_response (msg, SOUP_STATUS_BAD_REQUEST, "bad page number\n");
      return;
    }

  n_customers = vigil_demo_get_n_customers (self->demo);
  now = vigil_demo_server_get_now (self);

  /* Pages past the end are empty, without overflow for huge numbers. */
  if (page - 1 < (n_customers + (guint64) self->page_size - 1) / self->page_size)
    {
      first = (page - 1) * self->page_size;
      end = MIN (first + self->page_size, n_customers);
    }
  else
    first = end = n_customers;

  /* Roughly 400 bytes a customer; the buffer grows if that is short. */
  out = g_string_sized_new (64 + (gsize) (end - first) * 448);
  g_string_append_len (out, "{\"customers\":[", 14);

  vigil_snapshot_clear (&snapshot);
  for (guint64 i = first; i < end; i++)
    {
      if (i != first)
        g_string_append_c (out, ',');
      vigil_demo_fill_snapshot (self->demo, (guint) i, now, &snapshot);
      append_snapshot (out, &snapshot);
    }
  vigil_snapshot_clear (&snapshot);

  g_string_append_c (out, ']');
  if (end < n_customers)
    {
      g_string_append_len (out, ",\"next\":\"", 9);
      g_string_append (out, self->base_url);
      g_string_append_len (out, "/usage?page=", 12);
      append_int64 (out, (gint64) page + 1);
      g_string_append_c (out, '"');
    }
  g_string_append_len (out, "}\n", 2);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  {
    gsize length = out->len;

    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                      g_string_free (g_steal_pointer (&out), FALSE),
                                      length);
  }
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
  gboolean is_usage;

  g_assert (SOUP_IS_SERVER (server));
  g_assert (VIGIL_IS_DEMO_SERVER (self));

  self->n_requests++;

  is_usage = g_strcmp0 (path, "/usage") == 0;
  if (!is_usage && g_strcmp0 (path, "/health") != 0)
    {
      set_text_response (msg, SOUP_STATUS_NOT_FOUND, "not found\n");
      return;
    }

  /* HEAD is answered like GET; libsoup leaves the body out. */
  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      set_text_response (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method not allowed\n");
      return;
    }

  if (is_usage)
    handle_usage (self, msg, query);
  else
    set_text_response (msg, SOUP_STATUS_OK, "ok");
}

/* GObject ----------------------------------------------------------------- */

static void
vigil_demo_server_dispose (GObject *object)
{
  VigilDemoServer *self = (VigilDemoServer *) object;

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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vigil_demo_server_init (VigilDemoServer *self)
{
  self->page_size = VIGIL_DEMO_SERVER_DEFAULT_PAGE_SIZE;
}

/* Public API -------------------------------------------------------------- */

/**
 * vigil_demo_server_new:
 * @demo: the book of customers to serve
 * @page_size: customers per page, or 0 for the default (500)
 *
 * Returns: (transfer full): a server, not yet listening
 */
VigilDemoServer *
vigil_demo_server_new (VigilDemo *demo,
                       guint      page_size)
{
  g_return_val_if_fail (VIGIL_IS_DEMO (demo), NULL);

  return g_object_new (VIGIL_TYPE_DEMO_SERVER,
                       "demo", demo,
                       "page-size", page_size,
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
