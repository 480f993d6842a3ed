/* vigil-snapshot.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "Unknown" is never zero (design 2.1): integers and times use this
 * sentinel, mrr uses NAN, strings use NULL. */
#define VIGIL_UNKNOWN G_MININT64

/* More features than this in one snapshot are unusable values, counted
 * and not kept: hostile input must not cost quadratic time. */
#define VIGIL_SNAPSHOT_MAX_FEATURES 4096

/* A record carries at most this many keys, each at most this many
 * bytes (design 2.1): more is an unusable value, counted, not kept. */
#define VIGIL_SNAPSHOT_MAX_KEYS 64
#define VIGIL_SNAPSHOT_MAX_KEY_BYTES 512

/* A feature seen in an array of names ("used") has no call count. */
#define VIGIL_FEATURE_USED_NO_COUNT (-1)

typedef struct
{
  char   *name;
  gint64  calls;   /* calls in the last 7 days, or VIGIL_FEATURE_USED_NO_COUNT */
} VigilFeatureUsage;

/**
 * VigilSnapshot:
 *
 * One observation of one customer, in the native shape of design 2.1.
 * A plain struct rather than a GObject: millions of them pass through an
 * import, and each lives only until it is stored.
 */
typedef struct
{
  char    *customer_id;
  GPtrArray *keys;         /* of char *: the company's keys across systems,
                            * sorted, each once; NULL when it carries none */
  char    *name;
  char    *plan;
  char    *owner;
  char    *segment;
  double   mrr;            /* NAN when unknown */
  gint64   seats;
  gint64   seats_used;
  gint64   api_calls_7d;
  gint64   features_used;  /* the count an endpoint gave, if any */
  gint64   open_tickets;
  gint64   nps;            /* 0..10 */
  gint64   last_active;    /* Unix seconds, UTC */
  gint64   observed_at;    /* Unix seconds, UTC */
  gint32   renewal_day;    /* days since 1970-01-01, or G_MININT32 */
  GArray  *features;       /* of VigilFeatureUsage, NULL when unknown */
  gboolean features_shared; /* their names are an import's, not freed with them */
  guint    n_unknown;      /* values given but unusable (wrong type, out of range) */
  char    *problem;        /* the first unusable value a mapping's rule met, in words
                            * (design 2.3); NULL if none */
  gpointer spare;          /* private: what _vigil_snapshot_reset() keeps for the
                            * next record */
} VigilSnapshot;

#define VIGIL_UNKNOWN_DAY G_MININT32

/* The native fields of design 2.1, in a fixed order. */
typedef enum
{
  VIGIL_FIELD_NONE = -1,
  VIGIL_FIELD_ID,
  VIGIL_FIELD_KEYS,
  VIGIL_FIELD_NAME,
  VIGIL_FIELD_PLAN,
  VIGIL_FIELD_OWNER,
  VIGIL_FIELD_SEGMENT,
  VIGIL_FIELD_MRR,
  VIGIL_FIELD_SEATS,
  VIGIL_FIELD_SEATS_USED,
  VIGIL_FIELD_RENEWAL_DATE,
  VIGIL_FIELD_LAST_ACTIVE,
  VIGIL_FIELD_API_CALLS_7D,
  VIGIL_FIELD_FEATURES,
  VIGIL_FIELD_FEATURES_USED,
  VIGIL_FIELD_OPEN_TICKETS,
  VIGIL_FIELD_NPS,
  VIGIL_FIELD_OBSERVED_AT,
  VIGIL_N_FIELDS
} VigilField;

VigilField     vigil_field_from_name            (const char          *name);
const char    *vigil_field_get_name             (VigilField           field);

VigilSnapshot *vigil_snapshot_new               (void);
void           vigil_snapshot_free              (VigilSnapshot       *self);
void           vigil_snapshot_clear             (VigilSnapshot       *self);
VigilSnapshot *vigil_snapshot_copy              (const VigilSnapshot *self);
void           vigil_snapshot_add_feature       (VigilSnapshot       *self,
                                                 const char          *name,
                                                 gint64               calls);
gint64         vigil_snapshot_get_features_used (const VigilSnapshot *self);
void           vigil_snapshot_set_text          (VigilSnapshot       *self,
                                                 VigilField           field,
                                                 const char          *text);
void           vigil_snapshot_set_json          (VigilSnapshot       *self,
                                                 VigilField           field,
                                                 JsonNode            *node);
void           vigil_snapshot_set_json_object   (VigilSnapshot       *self,
                                                 JsonObject          *object);
gboolean       vigil_snapshot_parse_json        (VigilSnapshot       *self,
                                                 const char          *text,
                                                 gsize                length,
                                                 GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilSnapshot, vigil_snapshot_free)

G_END_DECLS
