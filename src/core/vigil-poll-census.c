/* vigil-poll-census.c: what one poll brought, for telling a connector that breaks quietly
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-poll-census"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vigil-poll-census.h"

/* design 2.5: a poll brings nothing new when its records are those of
 * the previous poll. Comparing them one by one would mean keeping every
 * record of the last poll; a digest of each record, summed, compares
 * the two sets in 16 bytes whatever their order. MD5 tells changes
 * apart, which is all it is asked here: an endpoint that wants to look
 * unchanged can simply answer the same thing. */

static gboolean
field_is_known (const VigilSnapshot *snapshot,
                VigilField           field)
{
  switch (field)
    {
    case VIGIL_FIELD_KEYS:
      return snapshot->keys != NULL && snapshot->keys->len > 0;
    case VIGIL_FIELD_NAME:
      return snapshot->name != NULL;
    case VIGIL_FIELD_PLAN:
      return snapshot->plan != NULL;
    case VIGIL_FIELD_OWNER:
      return snapshot->owner != NULL;
    case VIGIL_FIELD_SEGMENT:
      return snapshot->segment != NULL;
    case VIGIL_FIELD_MRR:
      return !isnan (snapshot->mrr);
    case VIGIL_FIELD_SEATS:
      return snapshot->seats != VIGIL_UNKNOWN;
    case VIGIL_FIELD_SEATS_USED:
      return snapshot->seats_used != VIGIL_UNKNOWN;
    case VIGIL_FIELD_RENEWAL_DATE:
      return snapshot->renewal_day != VIGIL_UNKNOWN_DAY;
    case VIGIL_FIELD_LAST_ACTIVE:
      return snapshot->last_active != VIGIL_UNKNOWN;
    case VIGIL_FIELD_API_CALLS_7D:
      return snapshot->api_calls_7d != VIGIL_UNKNOWN;
    case VIGIL_FIELD_FEATURES:
      return snapshot->features != NULL;
    case VIGIL_FIELD_FEATURES_USED:
      return snapshot->features_used != VIGIL_UNKNOWN;
    case VIGIL_FIELD_OPEN_TICKETS:
      return snapshot->open_tickets != VIGIL_UNKNOWN;
    case VIGIL_FIELD_NPS:
      return snapshot->nps != VIGIL_UNKNOWN;
    case VIGIL_FIELD_ID:
    case VIGIL_FIELD_OBSERVED_AT:
    case VIGIL_FIELD_NONE:
    case VIGIL_N_FIELDS:
    default:
      /* Every record counted has an id; the time of an observation is
       * when it was made, not what was observed. */
      return FALSE;
    }
}

/* A record's bytes are gathered here and given to the checksum a
 * buffer at a time: the digest is the same as value by value, without
 * a call for each of a record's forty-odd values (design 7). */
typedef struct
{
  GChecksum *checksum;
  gsize      length;
  guchar     bytes[1024];
} Digest;

static void
digest_bytes (Digest        *digest,
              gconstpointer  bytes,
              gsize          length)
{
  if (digest->length + length > sizeof digest->bytes)
    {
      g_checksum_update (digest->checksum, digest->bytes, (gssize) digest->length);
      digest->length = 0;
      if (length > sizeof digest->bytes)
        {
          g_checksum_update (digest->checksum, bytes, (gssize) length);
          return;
        }
    }
  memcpy (digest->bytes + digest->length, bytes, length);
  digest->length += length;
}

/* Each value is tagged and its text length-prefixed, so that no two
 * different records give the same bytes ("ab" + "c" is not "a" + "bc"). */
static void
digest_text (Digest     *digest,
             guchar      tag,
             const char *text)
{
  guint64 length = text != NULL ? strlen (text) : G_MAXUINT64;

  digest_bytes (digest, &tag, 1);
  digest_bytes (digest, &length, sizeof length);
  if (text != NULL)
    digest_bytes (digest, text, (gsize) length);
}

static void
digest_int (Digest *digest,
            guchar  tag,
            gint64  value)
{
  digest_bytes (digest, &tag, 1);
  digest_bytes (digest, &value, sizeof value);
}

/* Every value the record carries, observed_at aside: the same record
 * observed again is the same record. */
static void
digest_record (Digest              *checksum,
               const VigilSnapshot *snapshot)
{
  double mrr = isnan (snapshot->mrr) ? NAN : snapshot->mrr;
  gint64 mrr_bits;

  digest_text (checksum, VIGIL_FIELD_ID, snapshot->customer_id);
  digest_int (checksum, VIGIL_FIELD_KEYS, snapshot->keys != NULL ? (gint64) snapshot->keys->len : -1);
  for (guint i = 0; snapshot->keys != NULL && i < snapshot->keys->len; i++)
    digest_text (checksum, VIGIL_FIELD_KEYS, g_ptr_array_index (snapshot->keys, i));
  digest_text (checksum, VIGIL_FIELD_NAME, snapshot->name);
  digest_text (checksum, VIGIL_FIELD_PLAN, snapshot->plan);
  digest_text (checksum, VIGIL_FIELD_OWNER, snapshot->owner);
  digest_text (checksum, VIGIL_FIELD_SEGMENT, snapshot->segment);
  memcpy (&mrr_bits, &mrr, sizeof mrr_bits);
  digest_int (checksum, VIGIL_FIELD_MRR, mrr_bits);
  digest_int (checksum, VIGIL_FIELD_SEATS, snapshot->seats);
  digest_int (checksum, VIGIL_FIELD_SEATS_USED, snapshot->seats_used);
  digest_int (checksum, VIGIL_FIELD_RENEWAL_DATE, snapshot->renewal_day);
  digest_int (checksum, VIGIL_FIELD_LAST_ACTIVE, snapshot->last_active);
  digest_int (checksum, VIGIL_FIELD_API_CALLS_7D, snapshot->api_calls_7d);
  digest_int (checksum, VIGIL_FIELD_FEATURES_USED, snapshot->features_used);
  digest_int (checksum, VIGIL_FIELD_OPEN_TICKETS, snapshot->open_tickets);
  digest_int (checksum, VIGIL_FIELD_NPS, snapshot->nps);
  digest_int (checksum, VIGIL_FIELD_FEATURES, snapshot->features != NULL ? (gint64) snapshot->features->len : -1);
  for (guint i = 0; snapshot->features != NULL && i < snapshot->features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, i);

      digest_text (checksum, VIGIL_FIELD_FEATURES, usage->name);
      digest_int (checksum, VIGIL_FIELD_FEATURES, usage->calls);
    }
}

/**
 * vigil_poll_census_add:
 * @snapshot: a record of the poll, before it is stored
 *
 * Counts @snapshot: a record without a usable id is skipped by the
 * store, and is not counted here either.
 */
void
vigil_poll_census_add (VigilPollCensus     *self,
                       const VigilSnapshot *snapshot)
{
  g_autoptr(GChecksum) checksum = NULL;
  Digest bytes;
  guint8 digest[16];
  gsize length = sizeof digest;
  guint64 low;
  guint64 high;

  g_return_if_fail (self != NULL);
  g_return_if_fail (snapshot != NULL);

  if (snapshot->customer_id == NULL)
    return;

  self->records++;
  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    if (field_is_known (snapshot, field))
      self->known[field]++;

  checksum = g_checksum_new (G_CHECKSUM_MD5);
  bytes.checksum = checksum;
  bytes.length = 0;
  digest_record (&bytes, snapshot);
  g_checksum_update (checksum, bytes.bytes, (gssize) bytes.length);
  g_checksum_get_digest (checksum, digest, &length);
  memcpy (&low, digest, sizeof low);
  memcpy (&high, digest + 8, sizeof high);
  self->fingerprint[0] += low;
  self->fingerprint[1] += high + (self->fingerprint[0] < low ? 1 : 0);
}

/**
 * vigil_poll_census_get_fingerprint:
 *
 * Returns: (transfer full): the fingerprint of the poll's records as 32
 *   hexadecimal digits, to be kept and compared with the next poll's
 */
char *
vigil_poll_census_get_fingerprint (const VigilPollCensus *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
                          self->fingerprint[1], self->fingerprint[0]);
}
