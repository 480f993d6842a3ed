/* vigil-poller.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-poller"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>
#ifdef G_OS_UNIX
#include <netinet/in.h>
#include <netinet/tcp.h>
#endif

#include "vigil-error.h"
#include "vigil-link-header.h"
#include "vigil-mapping.h"
#include "vigil-poller.h"
#include "vigil-preview-private.h"
#include "vigil-secrets.h"
#include "vigil-url.h"

/* One poll of one source: fetch every page (design 2.2 pagination),
 * each body bounded while it streams, and read it off the main thread
 * straight into the poll's one transaction, opened with the first page:
 * a page's records are stored (or, with per-customer details, kept until
 * their details are in) before the next page is fetched, so memory
 * follows one page, not the whole answer. Any failure fails the poll as
 * a whole and rolls the transaction back: nothing of it is stored
 * (design 2.3).
 *
 * Every request stays on its origin: pages on the source URL's, detail
 * requests on the detail_url's. A next page or a redirect elsewhere
 * fails the poll before anything is sent there, so the secrets (token,
 * header values, query secrets) only ever go where the user sent them
 * (design 2.3). */

#define READ_CHUNK 65536

/* Connection errors, 429 and 5xx are tried again this many times, after
 * 0.5 s, 1 s, 2 s (plus up to half again of jitter), or after what the
 * server's Retry-After asks, if that is no more than a minute. */
#define DEFAULT_MAX_RETRIES 3
#define DEFAULT_RETRY_BASE_MS 500
#define MAX_RETRY_AFTER_S 60

/* How often a long page looks whether the poll was cancelled. */
#define CANCEL_CHECK_EVERY 4096

struct _VigilPoller
{
  GObject      parent_instance;

  SoupSession *session;
  guint        max_retries;
  guint        retry_base_ms;
  guint        max_pages;
  gint64       now;          /* the polls' time, for tests; -1: the clock's */

  /* SQLite has one writer, and a poll holds its transaction from its
   * first page to its last: polls of several sources run side by side,
   * but one at a time writes; the others wait here with their first page
   * rather than time out on the database's lock. */
  GTask       *writing;
  GQueue       waiting;       /* of GTask, a reference each */
  guint        resume_id;

  /* libsoup's connection id → its TCP socket (a GWeakRef: the
   * connection owns it), to ACK each answer as it comes (see
   * ack_answers_promptly()). */
  GHashTable  *sockets;
};

G_DEFINE_FINAL_TYPE (VigilPoller, vigil_poller, G_TYPE_OBJECT)

/* One page, from its body to its records stored. */
typedef struct
{
  GBytes        *body;        /* until it is read */
  GPtrArray     *snapshots;   /* of VigilSnapshot waiting for their details; NULL without */
  VigilPageInfo  info;        /* what it says of the next pages */
  guint64        n_records;   /* in its array, those without a usable id too */
  char          *last_id;     /* of its last record with a usable id */
} PageResult;

typedef struct
{
  VigilStore   *store;
  VigilSource  *source;
  VigilMapping *mapping;
  char         *token;
  GPtrArray    *headers;      /* name, value, name, value… from the keyring */
  GPtrArray    *query_secrets;/* name, value… added to each request's query */
  char         *origin;       /* the source URL's: pages stay on it */
  char         *detail_origin;/* the detail_url's, if the mapping has one */
  gint64        started_at;   /* the poll's time: its placeholders' "now" too */

  char         *url;          /* the page being fetched */
  char         *body;         /* and, for a POST, its JSON body */
  SoupMessage  *message;      /* its answer */
  PageResult   *page;         /* and what it holds */
  guint         pages;
  gint64        page_number;  /* for the page style */
  guint64       offset;       /* for the offset style */
  guint64       records;      /* read so far, for the source's max_records */
  VigilStore   *writer;       /* the poll's own connection, and on it */
  VigilIngest  *ingest;       /* its transaction, from the first page on */
  GCancellable *details_cancellable;
  guint         next_detail;  /* index into the page's snapshots */
  guint         in_flight;
  guint         max_in_flight;
  gboolean      returned;
  gboolean      locked;       /* holds the source's poll lock (lock_source()) */
  GError       *error;        /* the poll's, while its transaction rolls back */
  GHashTable   *seen;         /* requests made in this poll (see request_key()) */
  char         *etag;         /* validators: sent with the first page, */
  char         *last_modified;/* then what it answered, kept on success */
  VigilPollResult result;
} PollJob;

static void
page_result_free (PageResult *page)
{
  g_clear_pointer (&page->body, g_bytes_unref);
  g_clear_pointer (&page->snapshots, g_ptr_array_unref);
  vigil_page_info_clear (&page->info);
  g_free (page->last_id);
  g_free (page);
}

static void
poll_job_free (PollJob *job)
{
  g_clear_object (&job->store);
  g_clear_pointer (&job->source, vigil_source_free);
  g_clear_object (&job->mapping);
  if (job->token != NULL)
    {
      /* Do not leave the token lying in freed memory. */
      memset (job->token, 0, strlen (job->token));
      g_free (job->token);
    }
  g_clear_pointer (&job->headers, g_ptr_array_unref);
  g_clear_pointer (&job->query_secrets, g_ptr_array_unref);
  g_free (job->origin);
  g_free (job->detail_origin);
  g_free (job->url);
  g_free (job->body);
  g_free (job->etag);
  g_free (job->last_modified);
  g_clear_object (&job->message);
  g_clear_pointer (&job->page, page_result_free);
  /* Rolled back already, unless the poll never returned. */
  g_clear_object (&job->ingest);
  g_clear_object (&job->writer);
  g_clear_error (&job->error);
  g_clear_object (&job->details_cancellable);
  g_clear_pointer (&job->seen, g_hash_table_unref);
  g_free (job);
}

static void fetch_page (GTask *task);
static void start_details (GTask *task);
static void read_page (GTask *task);

/* Runs @func on a worker thread with the poll @task as its task data,
 * then @done on this thread with the poll task (a reference of its own)
 * as user data: storing a big page takes a while, and the main loop (a
 * window) must not wait for it. */
static void
run_in_thread (GTask               *task,
               GTaskThreadFunc      func,
               GAsyncReadyCallback  done)
{
  GTask *thread_task = g_task_new (NULL, NULL, done, g_object_ref (task));

  g_task_set_task_data (thread_task, g_object_ref (task), g_object_unref);
  g_task_run_in_thread (thread_task, func);
  g_object_unref (thread_task);
}

static PollJob *
thread_job (gpointer task_data)
{
  return g_task_get_task_data (G_TASK (task_data));
}

/* The one writer ----------------------------------------------------------- */

static gboolean
claim_writer (VigilPoller *self,
              GTask       *task)
{
  if (self->writing == NULL)
    self->writing = task;
  if (self->writing == task)
    return TRUE;
  g_queue_push_tail (&self->waiting, g_object_ref (task));
  return FALSE;
}

static gboolean
resume_waiting_cb (gpointer user_data)
{
  VigilPoller *self = user_data;
  GTask *task;

  self->resume_id = 0;
  if (self->writing != NULL || (task = g_queue_pop_head (&self->waiting)) == NULL)
    return G_SOURCE_REMOVE;
  self->writing = task;
  read_page (task);
  return G_SOURCE_REMOVE;
}

static void
release_writer (VigilPoller *self,
                GTask       *task)
{
  if (self->writing != task)
    return;
  self->writing = NULL;
  /* Once the poll that ends has been handed to its caller, who may
   * record its outcome before the next poll takes the database. */
  if (!g_queue_is_empty (&self->waiting) && self->resume_id == 0)
    self->resume_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, resume_waiting_cb,
                                       g_object_ref (self), g_object_unref);
}

/* Ending a poll ------------------------------------------------------------ */

/* A poll's error goes to a terminal and into the database, and much of
 * it is the server's (links, excerpts of its answer): whatever put it
 * there, it leaves without control characters. */
static void
make_printable (GError *error)
{
  char *printable = vigil_text_printable (error->message, -1);

  g_free (error->message);
  error->message = printable;
}

static void
return_poll (GTask  *task,
             GError *error)
{
  PollJob *job = g_task_get_task_data (task);

  release_writer (g_task_get_source_object (task), task);
  /* Nobody records a cancelled poll's outcome, which releases the lock
   * of any other (vigil_poll_record_outcome()). */
  if (job->locked && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      vigil_store_unlock_source (job->store, job->source->id);
      job->locked = FALSE;
    }
  if (error != NULL)
    {
      make_printable (error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
roll_back_thread (GTask        *thread_task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PollJob *job = thread_job (task_data);

  vigil_ingest_abort (job->ingest);
  g_clear_object (&job->ingest);
  g_clear_object (&job->writer);
  g_task_return_boolean (thread_task, TRUE);
}

static void
rolled_back_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PollJob *job = g_task_get_task_data (task);

  return_poll (task, g_steal_pointer (&job->error));
}

/* The poll's first error ends it: the requests still out are dropped,
 * and what it stored so far is rolled back before the poll returns, so
 * that its caller finds the database free and as it was. */
static void
fail_poll (GTask  *task,
           GError *error)
{
  PollJob *job = g_task_get_task_data (task);

  if (job->returned)
    {
      g_error_free (error);
      return;
    }
  job->returned = TRUE;
  g_cancellable_cancel (job->details_cancellable);
  if (job->ingest == NULL)
    {
      return_poll (task, error);
      return;
    }
  job->error = error;
  run_in_thread (task, roll_back_thread, rolled_back_cb);
}

/* Commits what every page stored, or nothing. */
static void
commit_thread (GTask        *thread_task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PollJob *job = thread_job (task_data);
  g_autoptr(GError) error = NULL;
  gboolean ok = vigil_ingest_commit (job->ingest, &error);

  if (ok)
    {
      job->result.stats = *vigil_ingest_get_stats (job->ingest);
      job->result.census.stored = job->result.stats.stored;
      job->result.pages = job->pages;
      job->result.max_in_flight = job->max_in_flight;
      /* Only a poll that was stored may make the next one conditional. */
      ok = vigil_store_set_validators (job->writer, job->source->id, job->source->url,
                                       job->etag, job->last_modified, &error);
    }
  /* The connection closes here, before the caller writes the outcome. */
  g_clear_object (&job->ingest);
  g_clear_object (&job->writer);

  if (!ok)
    g_task_return_error (thread_task, g_steal_pointer (&error));
  else
    g_task_return_boolean (thread_task, TRUE);
}

static void
committed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  return_poll (task, error);
}

/* Reading a page ----------------------------------------------------------- */

/* Moves what @snapshot holds into a new snapshot, leaving it empty. */
static VigilSnapshot *
take_snapshot (VigilSnapshot *snapshot)
{
  VigilSnapshot *taken = g_new (VigilSnapshot, 1);

  *taken = *snapshot;
  memset (snapshot, 0, sizeof *snapshot);
  vigil_snapshot_clear (snapshot);
  return taken;
}

/* Counted for the comparison with the next poll (design 2.5), as the
 * store receives it, then stored. */
static gboolean
store_record (PollJob        *job,
              VigilSnapshot  *snapshot,
              GError        **error)
{
  vigil_poll_census_add (&job->result.census, snapshot);
  return vigil_ingest_add (job->ingest, snapshot, error);
}

/* One record of the page: counted against the source's limit, then
 * stored, or kept for its details. */
static gboolean
take_record (VigilSnapshot  *snapshot,
             gpointer        user_data,
             GError        **error)
{
  GTask *task = user_data;
  PollJob *job = g_task_get_task_data (task);

  if (++job->records > (guint64) job->source->max_records)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("source “%s” answered more than %" PRId64 " records (--max-records): refused"),
                   job->source->name, (int64_t) job->source->max_records);
      return FALSE;
    }
  if (job->records % CANCEL_CHECK_EVERY == 0 &&
      g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), error))
    return FALSE;
  /* What the offset and last-id styles ask the next page by. */
  job->page->n_records++;
  if (snapshot->customer_id != NULL)
    {
      g_free (job->page->last_id);
      job->page->last_id = g_strdup (snapshot->customer_id);
    }

  if (job->page->snapshots != NULL)
    {
      g_ptr_array_add (job->page->snapshots, take_snapshot (snapshot));
      return TRUE;
    }
  return store_record (job, snapshot, error);
}

/* Opens the poll's transaction on a connection of its own. */
static gboolean
begin_storing (PollJob  *job,
               GError  **error)
{
  if (!(job->writer = vigil_store_open (vigil_store_get_path (job->store), error)))
    return FALSE;
  job->ingest = vigil_ingest_begin (job->writer, job->source->name, job->started_at, error);
  if (job->ingest == NULL)
    return FALSE;
  /* design 2.5: records of one poll that share an id make one row. */
  vigil_ingest_set_merge (job->ingest, vigil_mapping_get_merge (job->mapping));
  return TRUE;
}

static void
read_page_thread (GTask        *thread_task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PollJob *job = thread_job (task_data);
  PageResult *page = job->page;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (page->body, &length);

  if ((job->ingest == NULL && !begin_storing (job, &error)) ||
      !vigil_mapping_read_page (job->mapping, data, length, take_record, task_data, &page->info, &error))
    {
      g_task_return_error (thread_task, g_steal_pointer (&error));
      return;
    }
  /* Read: not needed while the next page is fetched, during which the
   * writer stores this one. */
  g_clear_pointer (&page->body, g_bytes_unref);
  vigil_ingest_write_now (job->ingest);
  g_task_return_boolean (thread_task, TRUE);
}


/* @url without the query secrets a server may have echoed into a link:
 * they are added again when requesting, and must not reach an error
 * message. NULL if @url does not parse. */
static char *
strip_query_secrets (const char *url,
                     GPtrArray  *query_secrets)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (query_secrets == NULL || query_secrets->len == 0)
    return g_strdup (url);
  for (guint i = 0; i + 1 < query_secrets->len; i += 2)
    g_ptr_array_add (names, g_ptr_array_index (query_secrets, i));
  g_ptr_array_add (names, NULL);
  return vigil_url_remove_query_params (url, (const char * const *) names->pdata);
}

/* @next (taken) if it is on the source's origin, without any query
 * secret echoed into it; NULL with @error set, naming both origins, if
 * it is elsewhere: nothing is sent there. */
static char *
check_next_page (PollJob  *job,
                 char     *next,
                 GError  **error)
{
  g_autofree char *url = next;
  g_autofree char *origin = vigil_url_get_origin (url, NULL);
  char *stripped;

  if (origin == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("%s: the next page link is not an http(s) URL"), job->url);
      return NULL;
    }
  if (g_strcmp0 (origin, job->origin) != 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s: next page is on %s, not on the source's %s: refused"),
                   job->url, origin, job->origin);
      return NULL;
    }
  if ((stripped = strip_query_secrets (url, job->query_secrets)) == NULL)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("%s: the next page link is not an http(s) URL"), job->url);
  return stripped;
}

/* The next page's URL a server gave (a next-url pointer's, resolved
 * against the request, or a Link header's), checked; NULL without one
 * or with @error set. */
static char *
server_next_page (PollJob     *job,
                  PageResult  *page,
                  GError     **error)
{
  char *next;

  if (vigil_mapping_get_pagination (job->mapping) == VIGIL_PAGINATION_LINK_HEADER)
    {
      const char *link = soup_message_headers_get_list (soup_message_get_response_headers (job->message),
                                                        "Link");

      next = link != NULL ? vigil_link_header_find_next (link, job->url) : NULL;
    }
  else
    {
      if (page->info.next == NULL)
        return NULL;
      next = g_uri_resolve_relative (job->url, page->info.next, G_URI_FLAGS_NONE, NULL);
      if (next == NULL || !(g_str_has_prefix (next, "http://") || g_str_has_prefix (next, "https://")))
        {
          g_free (next);
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                       _("the next page link is not an http(s) URL"));
          return NULL;
        }
    }
  return next != NULL ? check_next_page (job, next, error) : NULL;
}

/* Sets the request for a page, job->url and (for a POST) job->body:
 * @base with the mapping's query, and @params in the query of a GET or
 * the body of a POST (design 2.2). */
static gboolean
set_page_request (PollJob                 *job,
                  const char              *base,
                  const VigilPagingParam  *params,
                  guint                    n_params,
                  GError                 **error)
{
  char *url = vigil_mapping_build_list_url (job->mapping, base, job->started_at, params, n_params);

  if (url == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("“%s” is not a valid URL"), base);
      return FALSE;
    }
  g_free (job->url);
  job->url = url;
  g_free (job->body);
  job->body = vigil_mapping_build_list_body (job->mapping, job->started_at, params, n_params);
  return TRUE;
}

/* The offset and, if the mapping names it, the page size: the offset
 * style's values, in @params; the texts are @offset and @limit's. */
static guint
offset_params (PollJob           *job,
               VigilPagingParam  *params,
               char             **offset,
               char             **limit)
{
  const char *limit_param = vigil_mapping_get_limit_param (job->mapping);

  *offset = g_strdup_printf ("%" G_GUINT64_FORMAT, job->offset);
  params[0] = (VigilPagingParam) { vigil_mapping_get_page_param (job->mapping), *offset, TRUE };
  if (limit_param == NULL)
    return 1;
  *limit = g_strdup_printf ("%" G_GINT64_FORMAT, vigil_mapping_get_page_limit (job->mapping));
  params[1] = (VigilPagingParam) { limit_param, *limit, TRUE };
  return 2;
}

/* Whether the offset style asks for another page after @page, the
 * offset advanced by all the records in its array (those skipped for
 * want of an id too: the server counted them). An empty page ends the
 * pages; a total, when the mapping points at one, ends them once
 * reached; without it a page shorter than the limit does, unless the
 * page says more follow. */
static gboolean
offset_advance (PollJob    *job,
                PageResult *page)
{
  if (page->n_records == 0)
    return FALSE;
  job->offset += page->n_records;
  if (page->info.total >= 0)
    return job->offset < (guint64) page->info.total;
  return page->n_records >= (guint64) vigil_mapping_get_page_limit (job->mapping) ||
         page->info.more == VIGIL_PAGE_MORE_TRUE;
}

/* The first page's request. */
static gboolean
first_page_request (PollJob  *job,
                    GError  **error)
{
  g_autofree char *number = NULL;
  g_autofree char *limit = NULL;
  VigilPagingParam params[2];
  guint n_params = 0;

  switch (vigil_mapping_get_pagination (job->mapping))
    {
    case VIGIL_PAGINATION_PAGE:
      number = g_strdup_printf ("%" G_GINT64_FORMAT, job->page_number);
      params[n_params++] = (VigilPagingParam) { vigil_mapping_get_page_param (job->mapping), number, TRUE };
      break;

    case VIGIL_PAGINATION_OFFSET:
      n_params = offset_params (job, params, &number, &limit);
      break;

    default:
      break;
    }
  return set_page_request (job, job->source->url, params, n_params, error);
}

/* Sets the request for the page after job->page; *@out_last when that
 * was the last page (design 2.2). */
static gboolean
next_page_request (PollJob   *job,
                   gboolean  *out_last,
                   GError   **error)
{
  PageResult *page = job->page;
  const char *param = vigil_mapping_get_page_param (job->mapping);
  g_autofree char *next = NULL;
  g_autofree char *number = NULL;
  g_autofree char *limit = NULL;
  VigilPagingParam params[2];
  guint n_params = 0;

  *out_last = TRUE;
  /* "more": false ends the pages, whatever else the page says. */
  if (page->info.more == VIGIL_PAGE_MORE_FALSE)
    return TRUE;

  switch (vigil_mapping_get_pagination (job->mapping))
    {
    case VIGIL_PAGINATION_NEXT_URL:
    case VIGIL_PAGINATION_LINK_HEADER:
      if ((next = server_next_page (job, page, error)) == NULL)
        return *error == NULL;
      break;

    case VIGIL_PAGINATION_CURSOR:
      if (page->info.next == NULL)
        return TRUE;
      params[n_params++] = (VigilPagingParam) { param, page->info.next, page->info.next_is_number };
      break;

    case VIGIL_PAGINATION_PAGE:
      if (page->n_records == 0)
        return TRUE;
      number = g_strdup_printf ("%" G_GINT64_FORMAT, ++job->page_number);
      params[n_params++] = (VigilPagingParam) { param, number, TRUE };
      break;

    case VIGIL_PAGINATION_LAST_ID:
      if (page->n_records == 0)
        return TRUE;
      /* design 2.2: the pagination's own pointer when it names one */
      if (vigil_mapping_get_page_pointer (job->mapping) != NULL)
        {
          g_free (page->last_id);
          page->last_id = g_strdup (page->info.last_id);
        }
      if (page->last_id == NULL)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                       _("%s: none of the page's %" PRIu64 " records has a usable id, so the "
                         "next page cannot be asked for (pagination last-id)"), job->url,
                       (uint64_t) page->n_records);
          return FALSE;
        }
      params[n_params++] = (VigilPagingParam) { param, page->last_id, FALSE };
      break;

    case VIGIL_PAGINATION_OFFSET:
      if (!offset_advance (job, page))
        return TRUE;
      n_params = offset_params (job, params, &number, &limit);
      break;

    case VIGIL_PAGINATION_NONE:
    default:
      return TRUE;
    }

  *out_last = FALSE;
  return set_page_request (job, next != NULL ? next : job->source->url, params, n_params, error);
}

/* What makes a request the same as another: its URL and, for a POST,
 * its body (a search asks one URL for every page). */
static char *
request_key (const char *url,
             const char *body)
{
  return body != NULL ? g_strconcat (url, "\n", body, NULL) : g_strdup (url);
}

/* Fetches the next page, or commits after the last. Takes over @task. */
static void
next_page (GTask *task)
{
  g_autoptr(GTask) owned = task;
  PollJob *job = g_task_get_task_data (task);
  VigilPoller *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  gboolean last;

  if (!next_page_request (job, &last, &error))
    {
      fail_poll (task, g_steal_pointer (&error));
      return;
    }
  if (last)
    {
      run_in_thread (task, commit_thread, committed_cb);
      return;
    }

  key = request_key (job->url, job->body);
  if (g_hash_table_contains (job->seen, key))
    {
      fail_poll (task, job->body != NULL
                       ? g_error_new (VIGIL_ERROR, VIGIL_ERROR_PARSE,
                                      _("page loop: %s was already asked with the same body in this poll"),
                                      job->url)
                       : g_error_new (VIGIL_ERROR, VIGIL_ERROR_PARSE,
                                      _("page loop: %s was already fetched in this poll"), job->url));
      return;
    }
  if (job->pages >= self->max_pages)
    {
      fail_poll (task, g_error_new (VIGIL_ERROR, VIGIL_ERROR_PARSE,
                                    _("%s: more than %u pages: stopped"), job->source->url, self->max_pages));
      return;
    }

  fetch_page (g_steal_pointer (&owned));
}

static void
page_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PollJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_prefix_error (&error, "%s: ", job->url);
      fail_poll (task, g_steal_pointer (&error));
      return;
    }

  if (job->page->snapshots != NULL && job->page->snapshots->len > 0)
    {
      job->next_detail = 0;
      start_details (g_steal_pointer (&task));
    }
  else
    next_page (g_steal_pointer (&task));
}

/* A page's records with their details in: stored. */
static void
store_page_thread (GTask        *thread_task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  PollJob *job = thread_job (task_data);
  g_autoptr(GPtrArray) snapshots = g_steal_pointer (&job->page->snapshots);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < snapshots->len; i++)
    if (!store_record (job, g_ptr_array_index (snapshots, i), &error))
      {
        g_task_return_error (thread_task, g_steal_pointer (&error));
        return;
      }
  vigil_ingest_write_now (job->ingest);
  g_task_return_boolean (thread_task, TRUE);
}

static void
page_stored_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    fail_poll (task, g_steal_pointer (&error));
  else
    next_page (g_steal_pointer (&task));
}

/* Fetching one URL ---------------------------------------------------------
 *
 * A GET with the poll's secrets, bounded by max_bytes while it streams,
 * tried again after connection errors, 429 and 5xx, following redirects
 * on its own origin only. Pages and per-customer details both go
 * through it. */

typedef struct
{
  char         *url;          /* without the query secrets, as shown */
  char         *origin;       /* where it may go: the source's or the detail_url's */
  gboolean      detail;       /* a detail request, on the detail_url's origin */
  GBytes       *request_body; /* a POST's JSON body; NULL for a GET */
  guint         redirects;
  char         *token;
  GStrv         mapping_headers; /* name, value…: the mapping's, not secret */
  GPtrArray    *headers;
  GPtrArray    *query_secrets;
  char         *etag;
  char         *last_modified;
  gint64        max_bytes;
  guint         attempt;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
  guint         timeout_s;    /* for the whole answer, not just a pause */
  GCancellable *cancellable;  /* the fetch's own: the deadline cancels it */
  GCancellable *outer;        /* the caller's, relayed to it */
  gulong        outer_id;
  guint         deadline_id;
  gboolean      timed_out;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_pointer (&fetch->headers, g_ptr_array_unref);
  g_clear_pointer (&fetch->mapping_headers, g_strfreev);
  g_clear_pointer (&fetch->request_body, g_bytes_unref);
  g_clear_pointer (&fetch->query_secrets, g_ptr_array_unref);
  g_free (fetch->url);
  g_free (fetch->origin);
  if (fetch->token != NULL)
    {
      memset (fetch->token, 0, strlen (fetch->token));
      g_free (fetch->token);
    }
  g_free (fetch->etag);
  g_free (fetch->last_modified);
  g_clear_object (&fetch->message);
  g_clear_object (&fetch->stream);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_clear_handle_id (&fetch->deadline_id, g_source_remove);
  if (fetch->outer != NULL)
    g_cancellable_disconnect (fetch->outer, fetch->outer_id);
  g_clear_object (&fetch->outer);
  g_clear_object (&fetch->cancellable);
  g_free (fetch);
}

/* libsoup's timeout is for a pause in the answer; an endpoint that
 * sends a byte every few seconds never pauses that long. The deadline
 * bounds the whole answer. */
static gboolean
fetch_deadline_cb (gpointer user_data)
{
  Fetch *fetch = user_data;

  fetch->deadline_id = 0;
  fetch->timed_out = TRUE;
  g_cancellable_cancel (fetch->cancellable);
  return G_SOURCE_REMOVE;
}

static void
relay_cancel_cb (GCancellable *outer,
                 GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/* A cancellation by the deadline is a timeout, and says so. */
static void
fetch_explain_error (Fetch   *fetch,
                     GError **error)
{
  if (fetch->timed_out && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   ngettext ("no complete answer within %u second", "no complete answer within %u seconds",
                             fetch->timeout_s), fetch->timeout_s);
    }
}

static void fetch_send (GTask *task);

static gboolean
fetch_retry_cb (gpointer user_data)
{
  fetch_send (user_data);
  return G_SOURCE_REMOVE;
}

/* Seconds a Retry-After header asks for, or -1 without a usable one. */
static gint64
parse_retry_after (SoupMessage *message)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                    "Retry-After");
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (value == NULL)
    return -1;
  if (g_ascii_isdigit (*value))
    {
      guint64 seconds;

      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
        return -1;
      return (gint64) seconds;
    }
  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return MAX (0, g_date_time_difference (date, now) / G_USEC_PER_SEC);
}

static gboolean
is_retryable_error (const GError *error)
{
  /* Never TLS: a bad certificate does not get better by asking again. */
  return error->domain == G_IO_ERROR &&
         (error->code == G_IO_ERROR_CONNECTION_REFUSED ||
          error->code == G_IO_ERROR_CONNECTION_CLOSED ||
          error->code == G_IO_ERROR_BROKEN_PIPE ||
          error->code == G_IO_ERROR_HOST_UNREACHABLE ||
          error->code == G_IO_ERROR_NETWORK_UNREACHABLE ||
          error->code == G_IO_ERROR_NOT_CONNECTED);
}

/* Schedules another try, if one is left; takes over @task when it does. */
static gboolean
fetch_retry_later (GTask  *task,
                   gint64  retry_after_s)
{
  VigilPoller *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  guint delay_ms;

  if (fetch->attempt >= self->max_retries || retry_after_s > MAX_RETRY_AFTER_S)
    return FALSE;

  if (retry_after_s >= 0)
    delay_ms = (guint) retry_after_s * 1000;
  else
    {
      delay_ms = self->retry_base_ms << fetch->attempt;
      delay_ms += g_random_int_range (0, (gint32) delay_ms / 2 + 1);
    }
  fetch->attempt++;
  /* The wait is not part of any try's answer. */
  g_clear_handle_id (&fetch->deadline_id, g_source_remove);
  g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, fetch_retry_cb, task, NULL);
  return TRUE;
}

static void fetch_read_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
fetch_read_more (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   fetch->cancellable, fetch_read_cb, task);
}

static gboolean
too_large (GTask  *task,
           gint64  size)
{
  Fetch *fetch = g_task_get_task_data (task);

  if (size <= fetch->max_bytes)
    return FALSE;
  g_task_return_new_error (task, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("%s: the response is larger than %" PRId64 " bytes (--max-bytes)"),
                           fetch->url, fetch->max_bytes);
  return TRUE;
}

static void
fetch_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);

  if (bytes == NULL)
    {
      fetch_explain_error (fetch, &error);
      g_prefix_error (&error, "%s: ", fetch->url);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      g_input_stream_close (fetch->stream, NULL, NULL);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&fetch->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  /* Bounded while it streams, never after the fact. */
  if (too_large (task, (gint64) (fetch->body->len + g_bytes_get_size (bytes))))
    return;

  g_byte_array_append (fetch->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  fetch_read_more (g_steal_pointer (&task));
}

/* The error for a request that would leave @fetch's origin for
 * @origin: it names both, and nothing is sent. */
static GError *
origin_refused (const Fetch *fetch,
                const char  *origin,
                gboolean     redirect)
{
  if (redirect)
    return g_error_new (VIGIL_ERROR, VIGIL_ERROR_INVALID,
                        fetch->detail ? _("%s: redirected to %s, not to the detail_url's %s: refused")
                                      : _("%s: redirected to %s, not to the source's %s: refused"),
                        fetch->url, origin, fetch->origin);
  return g_error_new (VIGIL_ERROR, VIGIL_ERROR_INVALID,
                      fetch->detail ? _("%s is on %s, not on the detail_url's %s: refused")
                                    : _("%s is on %s, not on the source's %s: refused"),
                      fetch->url, origin, fetch->origin);
}

static gboolean
is_followed_redirect (guint status)
{
  return status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND ||
         status == SOUP_STATUS_SEE_OTHER || status == SOUP_STATUS_TEMPORARY_REDIRECT ||
         status == SOUP_STATUS_PERMANENT_REDIRECT;
}

/* Vigil's redirect policy, not libsoup's: the Location, resolved against
 * the request, must be on the fetch's origin, and at most
 * VIGIL_URL_MAX_REDIRECTS are followed. Takes over @task. */
static void
fetch_follow_redirect (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (fetch->message),
                                                       "Location");
  g_autofree char *target = NULL;
  g_autofree char *origin = NULL;
  char *stripped;

  if (location == NULL || *location == '\0')
    {
      g_task_return_new_error (task, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("%s: HTTP %u without a Location"),
                               fetch->url, soup_message_get_status (fetch->message));
      g_object_unref (task);
      return;
    }
  target = g_uri_resolve_relative (fetch->url, location, SOUP_HTTP_URI_FLAGS, NULL);
  if (target == NULL || (origin = vigil_url_get_origin (target, NULL)) == NULL ||
      (stripped = strip_query_secrets (target, fetch->query_secrets)) == NULL)
    {
      g_task_return_new_error (task, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("%s: redirected to something that is not an http(s) URL"), fetch->url);
      g_object_unref (task);
      return;
    }
  if (g_strcmp0 (origin, fetch->origin) != 0)
    {
      g_free (stripped);
      g_task_return_error (task, origin_refused (fetch, origin, TRUE));
      g_object_unref (task);
      return;
    }
  /* 301, 302 and 303 turn a POST into a GET (RFC 9110 §15.4), which
   * would ask for something else than the search: only 307 and 308
   * keep the method and body. */
  if (fetch->request_body != NULL && soup_message_get_status (fetch->message) != SOUP_STATUS_TEMPORARY_REDIRECT &&
      soup_message_get_status (fetch->message) != SOUP_STATUS_PERMANENT_REDIRECT)
    {
      g_free (stripped);
      g_task_return_new_error (task, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("%s: HTTP %u would turn the POST into a GET without its body: refused "
                                 "(give the source the URL it redirects to)"),
                               fetch->url, soup_message_get_status (fetch->message));
      g_object_unref (task);
      return;
    }
  if (fetch->redirects >= VIGIL_URL_MAX_REDIRECTS)
    {
      g_free (stripped);
      g_task_return_new_error (task, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("%s: more than %d redirects: stopped"), fetch->url, VIGIL_URL_MAX_REDIRECTS);
      g_object_unref (task);
      return;
    }

  fetch->redirects++;
  g_free (fetch->url);
  fetch->url = stripped;
  fetch_send (task);
}

static void
fetch_send_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  guint status;

  if (stream == NULL)
    {
      /* Transport, timeout and TLS errors alike; TLS is never ignored. */
      if (is_retryable_error (error) && fetch_retry_later (task, -1))
        {
          g_steal_pointer (&task);
          return;
        }
      fetch_explain_error (fetch, &error);
      g_prefix_error (&error, "%s: ", fetch->url);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (fetch->message);
  if (is_followed_redirect (status))
    {
      /* Its body is not wanted; closing it frees the connection. */
      g_clear_object (&stream);
      fetch_follow_redirect (g_steal_pointer (&task));
      return;
    }
  if (status == SOUP_STATUS_NOT_MODIFIED && (fetch->etag != NULL || fetch->last_modified != NULL))
    {
      g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if ((status == 429 || status >= 500) && fetch_retry_later (task, parse_retry_after (fetch->message)))
    {
      g_steal_pointer (&task);
      return;
    }
  if (status >= 400)
    {
      /* The server's words, for a terminal and the database: no escapes. */
      const char *phrase = soup_message_get_reason_phrase (fetch->message);
      g_autofree char *reason = vigil_text_printable (phrase != NULL ? phrase : "", -1);

      g_task_return_new_error (task, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("%s: HTTP %u %s"), fetch->url,
                               status, reason);
      return;
    }
  if (status < 200 || status >= 300)
    {
      g_task_return_new_error (task, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("%s: unexpected HTTP status %u"), fetch->url, status);
      return;
    }
  if (too_large (task, soup_message_headers_get_content_length (soup_message_get_response_headers (fetch->message))))
    return;

  /* Of its announced size (within the limit): grown by doubling, a body
   * would take up to twice its size. */
  fetch->body = g_byte_array_sized_new ((guint) MIN (soup_message_headers_get_content_length (
                                          soup_message_get_response_headers (fetch->message)),
                                        fetch->max_bytes));
  fetch->stream = g_steal_pointer (&stream);
  fetch_read_more (g_steal_pointer (&task));
}

/* Answers ACKed as they come (design 2.5). A server that writes an
 * answer in pieces with Nagle's algorithm on (Python's http.server
 * sends the headers, then the body 64 KiB at a time) holds back a last
 * small piece until what it sent before is ACKed. On a kept-alive
 * connection Linux delays that ACK by up to 40 ms, having seen this
 * side send (the next request) soon after it last received: every
 * such page would wait that long for nothing. So once a request is
 * written, its connection's socket leaves that mode (TCP_QUICKACK);
 * nothing else of the connection changes. libsoup shows a connection's
 * socket only when it connects, so the sockets are kept by connection
 * id, weakly: the connections own them. */

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
forget_closed_sockets (VigilPoller *self)
{
  GHashTableIter iter;
  gpointer ref;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &ref))
    {
      g_autoptr(GSocket) socket = g_weak_ref_get (ref);

      if (socket == NULL || g_socket_is_closed (socket))
        g_hash_table_iter_remove (&iter);
    }
}

static void
connection_event_cb (SoupMessage        *message,
                     GSocketClientEvent  event,
                     GIOStream          *connection,
                     VigilPoller        *self)
{
  guint64 id = soup_message_get_connection_id (message);
  GWeakRef *ref;

  if (self->sockets == NULL || event != G_SOCKET_CLIENT_CONNECTED || !G_IS_TCP_CONNECTION (connection))
    return;
  forget_closed_sockets (self);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)));
  g_hash_table_replace (self->sockets, g_memdup2 (&id, sizeof id), ref);
}

static void
request_written_cb (SoupMessage *message,
                    VigilPoller *self)
{
#ifdef TCP_QUICKACK
  guint64 id = soup_message_get_connection_id (message);
  GWeakRef *ref = self->sockets != NULL ? g_hash_table_lookup (self->sockets, &id) : NULL;
  g_autoptr(GSocket) socket = ref != NULL ? g_weak_ref_get (ref) : NULL;

  /* Only a hint to the kernel: the answer comes either way. */
  if (socket != NULL && !g_socket_is_closed (socket))
    g_socket_set_option (socket, IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
#endif
}

/* A GET, or the POST of @fetch's body, to @uri. Made again for each
 * try, which sends the same body: a POST search is asked again after
 * the failures a GET is (design 2.5). */
static SoupMessage *
new_message (Fetch *fetch,
             GUri  *uri)
{
  SoupMessage *message;

  if (fetch->request_body == NULL)
    return soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  soup_message_set_request_body_from_bytes (message, "application/json", fetch->request_body);
  return message;
}

/* The request for @uri (@fetch's URL, parsed), with the query secrets
 * added; copies of their values are wiped. */
static SoupMessage *
new_request (Fetch *fetch,
             GUri  *uri)
{
  g_autoptr(GUri) with_secrets = NULL;
  char *url;

  if (fetch->query_secrets == NULL || fetch->query_secrets->len == 0)
    return new_message (fetch, uri);

  url = g_strdup (fetch->url);
  for (guint i = 0; url != NULL && i + 1 < fetch->query_secrets->len; i += 2)
    {
      char *next = vigil_url_set_query_param (url, g_ptr_array_index (fetch->query_secrets, i),
                                              g_ptr_array_index (fetch->query_secrets, i + 1));

      memset (url, 0, strlen (url));
      g_free (url);
      url = next;
    }
  if (url == NULL)
    return NULL;
  with_secrets = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  memset (url, 0, strlen (url));
  g_free (url);
  return with_secrets != NULL ? new_message (fetch, with_secrets) : NULL;
}

static void
fetch_send (GTask *task)
{
  VigilPoller *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *origin = NULL;
  SoupMessageHeaders *headers;

  g_clear_object (&fetch->message);
  uri = g_uri_parse (fetch->url, SOUP_HTTP_URI_FLAGS, NULL);
  origin = uri != NULL ? vigil_url_origin_of (uri) : NULL;
  /* The last guard: whatever led here, no request leaves its origin,
   * so no secret is sent anywhere else. */
  if (origin != NULL && g_strcmp0 (origin, fetch->origin) != 0)
    {
      g_task_return_error (task, origin_refused (fetch, origin, FALSE));
      g_object_unref (task);
      return;
    }
  if (origin == NULL || (fetch->message = new_request (fetch, uri)) == NULL)
    {
      g_task_return_new_error (task, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("“%s” is not a valid URL"), fetch->url);
      g_object_unref (task);
      return;
    }
  /* And on what is sent: the message's own URI, the query secrets in it,
   * not the text it was made from. */
  g_free (origin);
  origin = vigil_url_origin_of (soup_message_get_uri (fetch->message));
  if (origin == NULL || g_strcmp0 (origin, fetch->origin) != 0)
    {
      g_task_return_error (task, origin != NULL ? origin_refused (fetch, origin, FALSE)
                                                : g_error_new (VIGIL_ERROR, VIGIL_ERROR_INVALID,
                                                               _("“%s” is not a valid URL"), fetch->url));
      g_object_unref (task);
      return;
    }
  /* Redirects are followed by fetch_follow_redirect(), on the origin. */
  soup_message_add_flags (fetch->message, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect_object (fetch->message, "network-event", G_CALLBACK (connection_event_cb), self, 0);
  g_signal_connect_object (fetch->message, "wrote-body", G_CALLBACK (request_written_cb), self, 0);

  headers = soup_message_get_request_headers (fetch->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  /* The mapping's headers (an API version, another Accept), then the
   * secret ones, which win where both name one. */
  for (guint i = 0; fetch->mapping_headers != NULL && fetch->mapping_headers[i] != NULL; i += 2)
    soup_message_headers_replace (headers, fetch->mapping_headers[i], fetch->mapping_headers[i + 1]);
  for (guint i = 0; fetch->headers != NULL && i + 1 < fetch->headers->len; i += 2)
    soup_message_headers_replace (headers, g_ptr_array_index (fetch->headers, i),
                                  g_ptr_array_index (fetch->headers, i + 1));
  if (fetch->etag != NULL)
    soup_message_headers_replace (headers, "If-None-Match", fetch->etag);
  if (fetch->last_modified != NULL)
    soup_message_headers_replace (headers, "If-Modified-Since", fetch->last_modified);
  if (fetch->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", fetch->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
      memset (authorization, 0, strlen (authorization));
    }

  /* Each try has the whole timeout for its answer. */
  g_clear_handle_id (&fetch->deadline_id, g_source_remove);
  if (fetch->timeout_s > 0)
    fetch->deadline_id = g_timeout_add_seconds (fetch->timeout_s, fetch_deadline_cb, fetch);
  soup_session_send_async (self->session, fetch->message, G_PRIORITY_DEFAULT,
                           fetch->cancellable, fetch_send_cb, task);
}

/* Fetches @url, a page or (@detail) a detail request, with the poll's
 * secrets and the mapping's headers, a POST of @body when it is given;
 * the result is its body (empty for a 304 answer to @etag or
 * @last_modified). */
static void
fetch_async (VigilPoller         *self,
             const char          *url,
             const char          *body,
             const PollJob       *job,
             gboolean             detail,
             gboolean             conditional,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->url = g_strdup (url);
  fetch->request_body = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  fetch->mapping_headers = g_strdupv ((char **) vigil_mapping_get_headers (job->mapping));
  fetch->detail = detail;
  fetch->origin = g_strdup (detail ? job->detail_origin : job->origin);
  fetch->token = g_strdup (job->token);
  fetch->headers = job->headers != NULL ? g_ptr_array_ref (job->headers) : NULL;
  fetch->query_secrets = job->query_secrets != NULL ? g_ptr_array_ref (job->query_secrets) : NULL;
  /* A body is one GByteArray, its length a guint; a limit stored before
   * sources were held to that (design 2.3) is read as the most it can be. */
  fetch->max_bytes = MIN (job->source->max_bytes, (gint64) G_MAXUINT);
  fetch->timeout_s = job->source->timeout_s;
  fetch->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      fetch->outer = g_object_ref (cancellable);
      fetch->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (relay_cancel_cb),
                                               fetch->cancellable, NULL);
    }
  if (conditional)
    {
      fetch->etag = g_strdup (job->etag);
      fetch->last_modified = g_strdup (job->last_modified);
    }
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  fetch_send (task);
}

/* @out_url: (optional): the URL answered, after any redirects */
static GBytes *
fetch_finish (GAsyncResult  *result,
              SoupMessage  **out_message,
              char         **out_url,
              GError       **error)
{
  Fetch *fetch = g_task_get_task_data (G_TASK (result));

  if (out_message != NULL)
    *out_message = fetch->message != NULL ? g_object_ref (fetch->message) : NULL;
  if (out_url != NULL)
    *out_url = g_strdup (fetch->url);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Per-customer details ------------------------------------------------- */

typedef struct
{
  GTask         *poll;
  VigilSnapshot *snapshot;
} DetailRequest;

static void
detail_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  DetailRequest *request = user_data;
  g_autoptr(GTask) task = request->poll;
  VigilSnapshot *snapshot = request->snapshot;
  PollJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fetch_finish (result, NULL, NULL, &error);

  g_free (request);
  job->in_flight--;
  if (job->returned)
    return;
  if (body == NULL)
    {
      fail_poll (task, g_steal_pointer (&error));
      return;
    }

  if (!vigil_mapping_read_detail (job->mapping, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  snapshot, &error))
    {
      fail_poll (task, g_error_new (VIGIL_ERROR, VIGIL_ERROR_PARSE, _("a detail response is not JSON: %s"),
                                    error->message));
      return;
    }
  job->result.details++;

  start_details (g_steal_pointer (&task));
}

/* Keeps up to the source's concurrency of detail requests in flight for
 * the page's records; stores them when the last has come back. Takes
 * over @task. */
static void
start_details (GTask *task)
{
  VigilPoller *self = g_task_get_source_object (task);
  PollJob *job = g_task_get_task_data (task);
  GPtrArray *snapshots = job->page->snapshots;

  while (job->in_flight < job->source->concurrency && job->next_detail < snapshots->len)
    {
      VigilSnapshot *snapshot = g_ptr_array_index (snapshots, job->next_detail++);
      g_autofree char *url = NULL;
      g_autoptr(GError) error = NULL;
      DetailRequest *request;

      if (snapshot->customer_id == NULL)
        continue;
      /* An id that cannot go into the detail_url fails the poll, as a
       * detail request that fails does (design 2.3). */
      if (!(url = vigil_mapping_expand_detail_url (job->mapping, snapshot->customer_id, &error)))
        {
          fail_poll (task, g_steal_pointer (&error));
          break;
        }
      request = g_new0 (DetailRequest, 1);
      request->poll = g_object_ref (task);
      request->snapshot = snapshot;
      job->in_flight++;
      job->max_in_flight = MAX (job->max_in_flight, job->in_flight);
      fetch_async (self, url, NULL, job, TRUE, FALSE, job->details_cancellable, detail_cb, request);
    }

  if (job->in_flight == 0 && job->next_detail >= snapshots->len && !job->returned)
    run_in_thread (task, store_page_thread, page_stored_cb);
  g_object_unref (task);
}

/* Pages -------------------------------------------------------------------- */

/* Reads the page's body into the poll's transaction, once no other poll
 * of this poller is writing. Takes over @task. */
static void
read_page (GTask *task)
{
  VigilPoller *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!claim_writer (self, task))
    {
      g_object_unref (task);
      return;
    }
  /* It may have waited for another poll long enough to be cancelled. */
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    fail_poll (task, g_steal_pointer (&error));
  else
    run_in_thread (task, read_page_thread, page_read_cb);
  g_object_unref (task);
}

static void
page_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PollJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *answered = NULL;

  g_clear_object (&job->message);
  body = fetch_finish (result, &job->message, &answered, &error);
  if (body == NULL)
    {
      fail_poll (task, g_steal_pointer (&error));
      return;
    }
  /* After a redirect, relative links resolve against where it led. */
  if (g_strcmp0 (answered, job->url) != 0)
    {
      g_hash_table_add (job->seen, request_key (answered, job->body));
      g_free (job->url);
      job->url = g_steal_pointer (&answered);
    }

  if (job->pages == 0)
    {
      SoupMessageHeaders *response = soup_message_get_response_headers (job->message);

      if (soup_message_get_status (job->message) == SOUP_STATUS_NOT_MODIFIED)
        {
          job->result.not_modified = TRUE;
          job->result.census.not_modified = TRUE;
          return_poll (task, NULL);
          return;
        }
      g_clear_pointer (&job->etag, g_free);
      g_clear_pointer (&job->last_modified, g_free);
      /* Validators are a GET's: a POST's answer is not a resource's
       * state that a later request could ask about. */
      if (job->body == NULL)
        {
          job->etag = g_strdup (soup_message_headers_get_one (response, "ETag"));
          job->last_modified = g_strdup (soup_message_headers_get_one (response, "Last-Modified"));
        }
    }
  job->pages++;

  g_clear_pointer (&job->page, page_result_free);
  job->page = g_new0 (PageResult, 1);
  job->page->body = g_steal_pointer (&body);
  if (vigil_mapping_get_detail_url (job->mapping) != NULL)
    job->page->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_snapshot_free);
  read_page (g_steal_pointer (&task));
}

static void
fetch_page (GTask *task)
{
  VigilPoller *self = g_task_get_source_object (task);
  PollJob *job = g_task_get_task_data (task);

  g_hash_table_add (job->seen, request_key (job->url, job->body));
  /* Only a GET asks conditionally (RFC 9110 §13.1). */
  fetch_async (self, job->url, job->body, job, FALSE, job->pages == 0 && job->body == NULL,
               g_task_get_cancellable (task), page_fetched_cb, task);
}

static void
vigil_poller_dispose (GObject *object)
{
  VigilPoller *self = (VigilPoller *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->sockets, g_hash_table_unref);
  g_clear_handle_id (&self->resume_id, g_source_remove);
  g_queue_clear_full (&self->waiting, g_object_unref);

  G_OBJECT_CLASS (vigil_poller_parent_class)->dispose (object);
}

static void
vigil_poller_class_init (VigilPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_poller_dispose;
}

static void
vigil_poller_init (VigilPoller *self)
{
  /* Kept-alive connections; gzip and deflate are decoded by default. */
  self->session = soup_session_new_with_options ("user-agent", "Vigil/" PACKAGE_VERSION " ",
                                                 "max-conns-per-host", 64,
                                                 "max-conns", 128,
                                                 NULL);
  self->sockets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) weak_ref_free);
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->retry_base_ms = DEFAULT_RETRY_BASE_MS;
  self->max_pages = VIGIL_POLLER_MAX_PAGES;
  self->now = -1;
}

/**
 * vigil_poller_set_now:
 * @now: the time the polls take as theirs, Unix seconds (tests fix it),
 *   or -1 for the clock's
 *
 * A poll's time is when it starts: the time of its snapshots that give
 * none, and the "now" of its mapping's time placeholders, one for all
 * its pages (design 2.2).
 */
void
vigil_poller_set_now (VigilPoller *self,
                      gint64       now)
{
  g_return_if_fail (VIGIL_IS_POLLER (self));
  g_return_if_fail (now >= -1);

  self->now = now;
}

/**
 * vigil_poller_set_max_pages:
 * @max_pages: the most pages one poll may fetch (tests lower it)
 */
void
vigil_poller_set_max_pages (VigilPoller *self,
                            guint        max_pages)
{
  g_return_if_fail (VIGIL_IS_POLLER (self));
  g_return_if_fail (max_pages > 0);

  self->max_pages = max_pages;
}

/**
 * vigil_poller_set_tls_database:
 * @database: the certificate authorities to trust instead of the
 *   system's (tests trust their own loopback server's certificate)
 *
 * Certificates are verified as ever; only the anchors change.
 */
void
vigil_poller_set_tls_database (VigilPoller  *self,
                               GTlsDatabase *database)
{
  g_return_if_fail (VIGIL_IS_POLLER (self));
  g_return_if_fail (G_IS_TLS_DATABASE (database));

  g_object_set (self->session, "tls-database", database, NULL);
}

/**
 * vigil_poller_set_retries:
 * @max_retries: further tries of a request after a retryable failure
 * @base_delay_ms: the wait before the first, doubling for each next one
 */
void
vigil_poller_set_retries (VigilPoller *self,
                          guint        max_retries,
                          guint        base_delay_ms)
{
  g_return_if_fail (VIGIL_IS_POLLER (self));

  self->max_retries = max_retries;
  self->retry_base_ms = MAX (1, base_delay_ms);
}

/**
 * vigil_poller_new:
 *
 * Returns: (transfer full): a poller with its own HTTP session
 */
VigilPoller *
vigil_poller_new (void)
{
  return g_object_new (VIGIL_TYPE_POLLER, NULL);
}

/* The value of environment variable @variable, or NULL with @error set
 * saying what it should hold. */
static char *
secret_from_env (const char  *variable,
                 const char  *what,
                 GError     **error)
{
  const char *value = g_getenv (variable);

  if (value == NULL || *value == '\0')
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   /* Translators: the first %s is the variable's name, the second
                    * "the token" or "the NAME query parameter". */
                   _("the environment variable %s, which should hold %s, is not set"), variable, what);
      return NULL;
    }
  return g_strdup (value);
}

/* @key's value of @source from the keyring, or NULL with @error set
 * (@missing when the keyring holds none). */
static char *
secret_from_keyring (const char         *database,
                     const VigilSource  *source,
                     const char         *key,
                     const char         *missing,
                     GCancellable       *cancellable,
                     GError            **error)
{
  GError *local_error = NULL;
  char *value = vigil_secrets_lookup (database, source->name, key, cancellable, &local_error);
  char *copy;

  if (value == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (VIGIL_ERROR, VIGIL_ERROR_INVALID, missing);
      g_propagate_error (error, local_error);
      return NULL;
    }
  copy = g_strdup (value);
  secret_password_free (value);
  return copy;
}

/* The token, header values and query secrets of @source, from the
 * keyring or the environment; the keyring is asked only for what the
 * source keeps there. */
static gboolean
load_secrets (PollJob            *job,
              const char         *database,
              const VigilSource  *source,
              GCancellable       *cancellable,
              GError            **error)
{
  job->headers = g_ptr_array_new_with_free_func (vigil_secrets_wipe_free);
  job->query_secrets = g_ptr_array_new_with_free_func (vigil_secrets_wipe_free);

  if (source->keyring_token)
    {
      g_autofree char *missing = g_strdup_printf (_("the keyring holds no token for source “%s”; "
                                                    "add the source again"), source->name);

      if (!(job->token = secret_from_keyring (database, source, NULL, missing, cancellable, error)))
        return FALSE;
    }
  else if (source->token_env != NULL &&
           /* Translators: fills the second %s of "the environment variable
            * %s, which should hold %s, is not set". */
           !(job->token = secret_from_env (source->token_env, _("the token"), error)))
    return FALSE;

  for (guint i = 0; source->header_names != NULL && source->header_names[i] != NULL; i++)
    {
      const char *name = source->header_names[i];
      g_autofree char *missing = g_strdup_printf (_("the keyring holds no value for the %s header of "
                                                    "source “%s”"), name, source->name);
      char *value = secret_from_keyring (database, source, name, missing, cancellable, error);

      if (value == NULL)
        return FALSE;
      g_ptr_array_add (job->headers, g_strdup (name));
      g_ptr_array_add (job->headers, value);
    }

  for (guint i = 0; source->query_secret_names != NULL && source->query_secret_names[i] != NULL; i++)
    {
      const char *name = source->query_secret_names[i];
      g_autofree char *key = vigil_secrets_query_key (name);
      g_autofree char *missing = g_strdup_printf (_("the keyring holds no value for the %s query parameter "
                                                    "of source “%s”"), name, source->name);
      char *value = secret_from_keyring (database, source, key, missing, cancellable, error);

      if (value == NULL)
        return FALSE;
      g_ptr_array_add (job->query_secrets, g_strdup (name));
      g_ptr_array_add (job->query_secrets, value);
    }

  for (guint i = 0; source->query_secret_env != NULL && source->query_secret_env[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *variable = NULL;
      g_autofree char *what = NULL;
      char *value;

      if (!vigil_source_split_query_secret_env (source->query_secret_env[i], &name, &variable))
        {
          g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("a query secret of the source is not NAME=VAR; edit the source"));
          return FALSE;
        }
      /* Translators: fills the second %s of "the environment variable %s,
       * which should hold %s, is not set"; %s is the parameter's name. */
      what = g_strdup_printf (_("the %s query parameter"), name);
      if (!(value = secret_from_env (variable, what, error)))
        return FALSE;
      g_ptr_array_add (job->query_secrets, g_steal_pointer (&name));
      g_ptr_array_add (job->query_secrets, value);
    }
  return TRUE;
}

/* What a poll and a preview set up alike: the mapping, the origins
 * requests may go to, the first page's request and the secrets. */
static gboolean
prepare_job (VigilPoller        *self,
             PollJob            *job,
             const char         *database,
             const VigilSource  *source,
             GCancellable       *cancellable,
             GError            **error)
{
  job->source = vigil_source_copy (source);
  job->started_at = self->now >= 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
  job->url = g_strdup (source->url);
  job->mapping = source->mapping != NULL ? vigil_mapping_new_from_data (source->mapping, -1, error)
                                         : vigil_mapping_new_native ();
  if (job->mapping == NULL)
    return FALSE;
  /* The origins requests may go to, and the secrets with them. */
  if (!(job->origin = vigil_url_get_origin (source->url, error)))
    return FALSE;
  if (vigil_mapping_get_detail_url (job->mapping) != NULL)
    {
      /* {id} is never in the host (see the mapping): any id will do. */
      g_autofree char *example = vigil_mapping_expand_detail_url (job->mapping, "id", NULL);

      if (!(job->detail_origin = vigil_url_get_origin (example, error)))
        return FALSE;
    }
  job->page_number = vigil_mapping_get_page_start (job->mapping);
  return first_page_request (job, error) && load_secrets (job, database, source, cancellable, error);
}

/* design 2.5: on a team's book, a source is polled by one Vigil at a
 * time. Takes the source's poll lock for the poll; a source another
 * Vigil polls now, or polled since the caller read it (its copy is
 * older than the book's), is refused with VIGIL_ERROR_BUSY. A file's
 * lock is always free (vigil_store_try_lock_source()). */
static gboolean
lock_source (VigilStore         *store,
             const VigilSource  *source,
             gboolean           *out_locked,
             GError            **error)
{
  g_autoptr(VigilSource) stored = NULL;
  gboolean locked;

  *out_locked = FALSE;
  if (source->id <= 0)
    return TRUE;
  if (!vigil_store_try_lock_source (store, source->id, &locked, error))
    return FALSE;
  if (locked && vigil_store_is_shared (store))
    {
      if (!(stored = vigil_store_get_source (store, source->name, error)))
        {
          vigil_store_unlock_source (store, source->id);
          return FALSE;
        }
      locked = stored->last_poll_at == source->last_poll_at && stored->next_due == source->next_due;
      if (!locked)
        vigil_store_unlock_source (store, source->id);
    }
  if (!locked)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_BUSY, _("“%s” is polled by another Vigil"), source->name);
      return FALSE;
    }
  *out_locked = TRUE;
  return TRUE;
}

/**
 * vigil_poller_poll_async:
 * @store: where the poll is stored
 * @source: the source to poll (copied)
 *
 * Polls every page of @source and stores them in one transaction,
 * page by page as they come. Nothing of a failed poll is stored, nor of
 * one that reads more than the source's max_records; recording the
 * outcome on the source is the caller's (see vigil_poll_record_outcome()).
 *
 * On a team's book the poll holds the source's poll lock on @store's
 * connection (design 2.5) until its outcome is recorded, or until it
 * is cancelled: a source another Vigil is polling, or polled since
 * @source was read, fails at once with %VIGIL_ERROR_BUSY, which is no
 * failure of the source (nothing to record).
 */
void
vigil_poller_poll_async (VigilPoller         *self,
                         VigilStore          *store,
                         VigilSource         *source,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  PollJob *job;

  g_return_if_fail (VIGIL_IS_POLLER (self));
  g_return_if_fail (VIGIL_IS_STORE (store));
  g_return_if_fail (source != NULL && source->url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_poller_poll_async);

  job = g_new0 (PollJob, 1);
  job->store = g_object_ref (store);
  job->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) poll_job_free);

  if (!prepare_job (self, job, vigil_store_get_path (store), source, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->detail_origin != NULL)
    {
      /* Cancelled with the poll, and by the first failing detail. */
      job->details_cancellable = g_cancellable_new ();
      if (cancellable != NULL)
        g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                                 job->details_cancellable, G_CONNECT_SWAPPED);
    }

  if (source->id > 0 &&
      !vigil_store_get_validators (store, source->id, source->url, &job->etag, &job->last_modified, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!lock_source (store, source, &job->locked, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_object_set (self->session, "timeout", source->timeout_s, NULL);
  fetch_page (g_steal_pointer (&task));
}

/**
 * vigil_poller_poll_finish:
 * @out_result: (out caller-allocates) (optional): what the poll read and stored
 */
gboolean
vigil_poller_poll_finish (VigilPoller      *self,
                          GAsyncResult     *result,
                          VigilPollResult  *out_result,
                          GError          **error)
{
  g_return_val_if_fail (VIGIL_IS_POLLER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out_result != NULL)
    *out_result = ((PollJob *) g_task_get_task_data (G_TASK (result)))->result;
  return TRUE;
}

/* Previews ------------------------------------------------------------------ */

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PollJob *job = task_data;
  const char *content_type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (job->message), NULL);
  g_autofree char *url = vigil_text_printable (job->url, -1);
  GError *error = NULL;
  VigilPreview *preview;

  preview = vigil_preview_new_from_bytes (url, job->page->body, content_type,
                                          g_object_get_data (G_OBJECT (task), "link-next"), job->started_at,
                                          &error);
  if (preview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, preview, g_object_unref);
}

static void
preview_fetched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PollJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *answered = NULL;
  GBytes *body;
  const char *link;

  body = fetch_finish (result, &job->message, &answered, &error);
  if (body == NULL)
    {
      /* The server's words first made printable: the explanation is on
       * a line of its own. */
      make_printable (error);
      _vigil_preview_explain_fetch_error (&error, job->message != NULL ? soup_message_get_status (job->message) : 0);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_free (job->url);
  job->url = g_steal_pointer (&answered);
  job->page = g_new0 (PageResult, 1);
  job->page->body = body;
  /* A Link header's next page, for a person choosing how pages go. */
  link = soup_message_headers_get_list (soup_message_get_response_headers (job->message), "Link");
  if (link != NULL)
    g_object_set_data_full (G_OBJECT (task), "link-next", vigil_link_header_find_next (link, job->url), g_free);
  g_task_run_in_thread (task, preview_thread);
}

/* @names without its first name, which is returned. */
static char *
take_first_name (GStrv *names)
{
  char *first;
  GStrv rest;

  if (*names == NULL || (*names)[0] == NULL)
    return NULL;
  first = g_strdup ((*names)[0]);
  rest = (*names)[1] != NULL ? g_strdupv (*names + 1) : NULL;
  g_strfreev (*names);
  *names = rest;
  return first;
}

/**
 * vigil_poller_preview_async:
 * @source: the source to look at (copied), saved or not
 * @database: the database whose keyring entries hold the source's
 *   secrets, if it keeps any there
 * @given: (nullable): secrets typed but not yet kept, sent instead of the
 *   source's own: the token, the first header's value, the first query
 *   secret's
 *
 * Fetches the first page of @source as its poll would (the same
 * request, origin, secrets, size limit, redirects, retries and timeout)
 * and checks it, without storing anything (design 5). Why it failed is
 * said in words (%VIGIL_PREVIEW_ERROR).
 */
void
vigil_poller_preview_async (VigilPoller             *self,
                            VigilSource             *source,
                            const char              *database,
                            const VigilGivenSecrets *given,
                            GCancellable            *cancellable,
                            GAsyncReadyCallback      callback,
                            gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(VigilSource) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  g_autofree char *param = NULL;
  PollJob *job;

  g_return_if_fail (VIGIL_IS_POLLER (self));
  g_return_if_fail (source != NULL && source->url != NULL);
  g_return_if_fail (database != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_poller_preview_async);
  job = g_new0 (PollJob, 1);
  g_task_set_task_data (task, job, (GDestroyNotify) poll_job_free);

  /* A secret given replaces wherever the source would find its own. */
  copy = vigil_source_copy (source);
  if (given != NULL && given->token != NULL)
    {
      copy->keyring_token = FALSE;
      g_clear_pointer (&copy->token_env, g_free);
    }
  if (given != NULL && given->header_value != NULL)
    header = take_first_name (&copy->header_names);
  if (given != NULL && given->query_value != NULL)
    param = take_first_name (&copy->query_secret_names);
  if (!prepare_job (self, job, database, copy, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (given != NULL && given->token != NULL)
    job->token = g_strdup (given->token);
  if (header != NULL)
    {
      g_ptr_array_add (job->headers, g_steal_pointer (&header));
      g_ptr_array_add (job->headers, g_strdup (given->header_value));
    }
  if (param != NULL)
    {
      g_ptr_array_add (job->query_secrets, g_steal_pointer (&param));
      g_ptr_array_add (job->query_secrets, g_strdup (given->query_value));
    }

  g_object_set (self->session, "timeout", source->timeout_s, NULL);
  fetch_async (self, job->url, job->body, job, FALSE, FALSE, cancellable, preview_fetched_cb, g_steal_pointer (&task));
}

/**
 * vigil_poller_preview_finish:
 *
 * Returns: (transfer full): the first page, or %NULL with @error set
 */
VigilPreview *
vigil_poller_preview_finish (VigilPoller   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (VIGIL_IS_POLLER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * vigil_poll_result_describe:
 *
 * Returns: (transfer full): a poll's summary in words
 */
char *
vigil_poll_result_describe (const VigilPollResult *result)
{
  const VigilIngestStats *stats;
  g_autofree char *counts = NULL;
  g_autofree char *notes = NULL;

  g_return_val_if_fail (result != NULL, NULL);

  if (result->not_modified)
    return g_strdup (_("not modified since the last poll"));
  stats = &result->stats;
  counts = g_strdup_printf (_("%" PRIu64 " read, %" PRIu64 " stored, %"
                              PRIu64 " already stored, %" PRIu64
                              " skipped without id, %" PRIu64 " unusable values"),
                            stats->records_read, stats->stored, stats->duplicates, stats->skipped,
                            stats->unknown_values);
  if ((notes = vigil_ingest_stats_describe_notes (stats)) == NULL)
    return g_steal_pointer (&counts);
  return g_strdup_printf ("%s; %s", counts, notes);
}

/**
 * vigil_poll_record_outcome:
 * @now: when the poll ended
 * @result: (nullable): what a successful poll did; %NULL when it failed
 * @error_message: (nullable): why it failed
 * @out_became_suspect: (out) (optional): whether the poll made the
 *   source suspect when it was not (design 2.5): one notice per episode
 *
 * Records how a poll of @source ended, on @source and in @store: the
 * outcome, when it is next due, and, after a success, the comparison
 * with the previous successful poll. A failed poll does not count in
 * that comparison. Releases the source's poll lock the poll took.
 */
gboolean
vigil_poll_record_outcome (VigilStore            *store,
                           VigilSource           *source,
                           gint64                 now,
                           const VigilPollResult *result,
                           const char            *error_message,
                           gboolean              *out_became_suspect,
                           GError               **error)
{
  g_autofree char *summary = NULL;
  gboolean recorded;

  g_return_val_if_fail (VIGIL_IS_STORE (store), FALSE);
  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (result != NULL || error_message != NULL, FALSE);

  if (result != NULL)
    summary = vigil_poll_result_describe (result);
  vigil_source_set_outcome (source, now, summary, result != NULL ? NULL : error_message);
  recorded = vigil_store_record_poll (store, source, result != NULL ? &result->census : NULL,
                                      out_became_suspect, error);
  /* Once the outcome is in the book, another Vigil may poll the source:
   * it finds it polled (design 2.5). */
  if (source->id > 0)
    vigil_store_unlock_source (store, source->id);
  return recorded;
}
