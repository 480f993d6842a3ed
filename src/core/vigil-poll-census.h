/* vigil-poll-census.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vigil-snapshot.h"

G_BEGIN_DECLS

/* A source becomes suspect after this many successful polls in a row
 * that brought nothing new (design 2.5). */
#define VIGIL_SUSPECT_STALLED_POLLS 3

/**
 * VigilPollCensus:
 * @records: records with a usable id the poll received, all pages
 *   together
 * @known: for each native field, how many of those records knew it
 * @fingerprint: the sum (modulo 2^128) of each record's digest: the
 *   same records, in any order, give the same sum
 * @stored: snapshots the poll newly stored
 * @not_modified: the endpoint answered 304 Not Modified: the records
 *   are those of the previous poll
 *
 * What one successful poll brought, counted as its records are stored,
 * for telling a connector that breaks quietly (design 2.5). A plain
 * value: it is copied with the poll's result.
 */
typedef struct
{
  guint64  records;
  guint64  known[VIGIL_N_FIELDS];
  guint64  fingerprint[2];
  guint64  stored;
  gboolean not_modified;
} VigilPollCensus;

void  vigil_poll_census_add             (VigilPollCensus       *self,
                                         const VigilSnapshot   *snapshot);
char *vigil_poll_census_get_fingerprint (const VigilPollCensus *self);

G_END_DECLS
