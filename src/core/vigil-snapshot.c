/* vigil-snapshot.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-snapshot"

#include "config.h"

#include <math.h>
#include <string.h>
#ifdef __GLIBC__   /* defined once a header of the C library is in */
#include <malloc.h>   /* malloc_usable_size () */
#endif

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-snapshot-private.h"
#include "vigil-snapshot.h"
#include "vigil-time.h"
#include "vigil-words-private.h"

/* Counts beyond this are not believable for one customer in a week and
 * would lose precision as doubles: they are stored as unknown. */
#define MAX_COUNT G_GINT64_CONSTANT (1000000000000000)
#define MAX_NPS 10

#define FIELD_NAMES(X) \
  X (VIGIL_FIELD_ID, "id") \
  X (VIGIL_FIELD_KEYS, "keys") \
  X (VIGIL_FIELD_NAME, "name") \
  X (VIGIL_FIELD_PLAN, "plan") \
  X (VIGIL_FIELD_OWNER, "owner") \
  X (VIGIL_FIELD_SEGMENT, "segment") \
  X (VIGIL_FIELD_MRR, "mrr") \
  X (VIGIL_FIELD_SEATS, "seats") \
  X (VIGIL_FIELD_SEATS_USED, "seats_used") \
  X (VIGIL_FIELD_RENEWAL_DATE, "renewal_date") \
  X (VIGIL_FIELD_LAST_ACTIVE, "last_active") \
  X (VIGIL_FIELD_API_CALLS_7D, "api_calls_7d") \
  X (VIGIL_FIELD_FEATURES, "features") \
  X (VIGIL_FIELD_FEATURES_USED, "features_used") \
  X (VIGIL_FIELD_OPEN_TICKETS, "open_tickets") \
  X (VIGIL_FIELD_NPS, "nps") \
  X (VIGIL_FIELD_OBSERVED_AT, "observed_at")
#define FIELD_NAME(field, name) [field] = name,
#define FIELD_NAME_LENGTH(field, name) [field] = sizeof name - 1,

static const char * const field_names[VIGIL_N_FIELDS] = { FIELD_NAMES (FIELD_NAME) };
static const guint8 field_name_lengths[VIGIL_N_FIELDS] = { FIELD_NAMES (FIELD_NAME_LENGTH) };

/* The field named by the @length bytes at @name. Every member of every
 * record of a JSON Lines import comes here: the lengths settle most
 * names without a call (design 7). A name that holds U+0000 is no
 * field's. */
static VigilField
field_from_name_len (const char *name,
                     gsize       length)
{
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    if (field_name_lengths[i] == length && memcmp (field_names[i], name, length) == 0)
      return (VigilField) i;

  return VIGIL_FIELD_NONE;
}

VigilField
vigil_field_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, VIGIL_FIELD_NONE);

  return field_from_name_len (name, strlen (name));
}

const char *
vigil_field_get_name (VigilField field)
{
  g_return_val_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS, NULL);

  return field_names[field];
}

static void
clear_feature (gpointer data)
{
  VigilFeatureUsage *usage = data;

  g_free (usage->name);
}

static void own_feature_names (VigilSnapshot *self);

static void
init_unknown (VigilSnapshot *self)
{
  self->mrr = NAN;
  self->seats = VIGIL_UNKNOWN;
  self->seats_used = VIGIL_UNKNOWN;
  self->api_calls_7d = VIGIL_UNKNOWN;
  self->features_used = VIGIL_UNKNOWN;
  self->open_tickets = VIGIL_UNKNOWN;
  self->nps = VIGIL_UNKNOWN;
  self->last_active = VIGIL_UNKNOWN;
  self->observed_at = VIGIL_UNKNOWN;
  self->renewal_day = VIGIL_UNKNOWN_DAY;
}

/**
 * vigil_snapshot_new:
 *
 * Returns: (transfer full): a snapshot where every field is unknown
 */
VigilSnapshot *
vigil_snapshot_new (void)
{
  VigilSnapshot *self = g_new0 (VigilSnapshot, 1);

  init_unknown (self);
  return self;
}

/* What a snapshot reset for the next record keeps (_vigil_snapshot_reset()):
 * its emptied array of shared features, and the memory of its strings with
 * the bytes each holds, so that reading millions of records takes neither
 * anew for each. */
#define N_KEPT_STRINGS 5

/* Strings are given at least this many bytes, so that the memory kept
 * for one usually holds the next record's. */
#define KEPT_STRING_MIN_SIZE 32

typedef struct
{
  GArray *features;
  char   *strings[N_KEPT_STRINGS];
  gsize   sizes[N_KEPT_STRINGS];
} Spare;

/* How many bytes the memory of @string holds: as many as malloc() gave
 * where the C library can tell, else as many as the string uses. */
static gsize
string_memory_size (const char *string)
{
#ifdef __GLIBC__
  return malloc_usable_size ((void *) string);
#else
  return strlen (string) + 1;
#endif
}

/* The string fields whose memory a reset keeps, in Spare's order. */
static char **
kept_string (VigilSnapshot *self,
             guint          index)
{
  switch (index)
    {
    case 0: return &self->customer_id;
    case 1: return &self->name;
    case 2: return &self->plan;
    case 3: return &self->owner;
    default: return &self->segment;
    }
}

/* Where @slot is in Spare's order, or -1 if a reset keeps no memory for it. */
static int
kept_string_index (VigilSnapshot  *self,
                   char          **slot)
{
  for (guint i = 0; i < N_KEPT_STRINGS; i++)
    if (kept_string (self, i) == slot)
      return (int) i;
  return -1;
}

static void
spare_free (Spare *spare)
{
  if (spare == NULL)
    return;
  g_clear_pointer (&spare->features, g_array_unref);
  for (guint i = 0; i < N_KEPT_STRINGS; i++)
    g_free (spare->strings[i]);
  g_free (spare);
}

/**
 * vigil_snapshot_clear:
 *
 * Frees what @self holds and makes every field unknown again, so one
 * snapshot can be reused for each record of a large file.
 */
void
vigil_snapshot_clear (VigilSnapshot *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->customer_id, g_free);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->plan, g_free);
  g_clear_pointer (&self->owner, g_free);
  g_clear_pointer (&self->segment, g_free);
  g_clear_pointer (&self->features, g_array_unref);
  g_clear_pointer (&self->spare, spare_free);
  self->features_shared = FALSE;
  g_clear_pointer (&self->problem, g_free);
  self->n_unknown = 0;
  init_unknown (self);
}

/**
 * _vigil_snapshot_reset:
 *
 * vigil_snapshot_clear() for a snapshot that reads record after record:
 * the array of its features (read with an import's table of names) is
 * emptied and kept for the next record's, and the memory of its strings
 * too, not freed and taken anew for each of millions. Only the thread
 * that reads into @self may reset it. vigil_snapshot_clear() frees all.
 */
void
_vigil_snapshot_reset (VigilSnapshot *self)
{
  Spare *spare = g_steal_pointer (&self->spare);

  if (spare == NULL)
    spare = g_new0 (Spare, 1);
  if (spare->features == NULL && self->features != NULL && self->features_shared)
    {
      spare->features = g_steal_pointer (&self->features);
      g_array_set_size (spare->features, 0);
    }
  for (guint i = 0; i < N_KEPT_STRINGS; i++)
    {
      char **string = kept_string (self, i);

      if (spare->strings[i] == NULL && *string != NULL)
        {
          spare->sizes[i] = string_memory_size (*string);
          spare->strings[i] = g_steal_pointer (string);
        }
    }
  vigil_snapshot_clear (self);
  self->spare = spare;
}

/* Memory for a string of @size bytes (its NUL counted) in @slot, one of
 * the kept strings': what a reset kept for it if that is large enough. */
static char *
string_memory (VigilSnapshot  *self,
               char          **slot,
               gsize           size)
{
  Spare *spare = self->spare;
  int i;

  if (spare == NULL || (i = kept_string_index (self, slot)) < 0)
    return g_malloc (size);
  if (spare->strings[i] != NULL && spare->sizes[i] >= size)
    return g_steal_pointer (&spare->strings[i]);
  return g_malloc (MAX (size, KEPT_STRING_MIN_SIZE));
}

void
vigil_snapshot_free (VigilSnapshot *self)
{
  if (self == NULL)
    return;

  vigil_snapshot_clear (self);
  g_free (self);
}

/**
 * vigil_snapshot_copy:
 *
 * Returns: (transfer full): a deep copy of @self
 */
VigilSnapshot *
vigil_snapshot_copy (const VigilSnapshot *self)
{
  VigilSnapshot *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->customer_id = g_strdup (self->customer_id);
  copy->keys = NULL;
  copy->spare = NULL;
  if (self->keys != NULL)
    {
      copy->keys = g_ptr_array_new_full (self->keys->len, g_free);
      for (guint i = 0; i < self->keys->len; i++)
        g_ptr_array_add (copy->keys, g_strdup (g_ptr_array_index (self->keys, i)));
    }
  copy->name = g_strdup (self->name);
  copy->plan = g_strdup (self->plan);
  copy->owner = g_strdup (self->owner);
  copy->segment = g_strdup (self->segment);
  copy->problem = g_strdup (self->problem);
  copy->features = NULL;
  copy->features_shared = FALSE;
  if (self->features != NULL)
    {
      copy->features = g_array_new (FALSE, FALSE, sizeof (VigilFeatureUsage));
      g_array_set_clear_func (copy->features, clear_feature);
      for (guint i = 0; i < self->features->len; i++)
        {
          const VigilFeatureUsage *usage = &g_array_index (self->features, VigilFeatureUsage, i);

          vigil_snapshot_add_feature (copy, usage->name, usage->calls);
        }
    }

  return copy;
}

/* Text read from JSON that held U+0000 or an unpaired surrogate is kept
 * as bytes that are not UTF-8 (vigil-json-private.h), so that it never
 * equals another text: such a value cannot be stored or shown, and is
 * refused like any unusable value (design 2.3). */
static gboolean
is_usable_text (const char *text,
                gssize      length)
{
  return g_utf8_validate (text, length, NULL);
}

/**
 * vigil_snapshot_add_feature:
 * @calls: calls in the last 7 days, or %VIGIL_FEATURE_USED_NO_COUNT
 *
 * Adds a feature; the features become known even if none is added.
 */
void
vigil_snapshot_add_feature (VigilSnapshot *self,
                            const char    *name,
                            gint64         calls)
{
  VigilFeatureUsage usage;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  if (self->features_shared)
    own_feature_names (self);
  if (self->features == NULL)
    {
      self->features = g_array_new (FALSE, FALSE, sizeof (VigilFeatureUsage));
      g_array_set_clear_func (self->features, clear_feature);
    }

  if (self->features->len >= VIGIL_SNAPSHOT_MAX_FEATURES || !is_usable_text (name, -1))
    {
      self->n_unknown++;
      return;
    }

  usage.name = g_strdup (name);
  usage.calls = calls;
  g_array_append_val (self->features, usage);
}

/* Makes @self's features known, none yet: their names will be @shared's
 * (an import's table of names) or, when %NULL, its own. Room for a
 * usual record's features at once. */
static void
set_features_known (VigilSnapshot     *self,
                    VigilFeatureNames *shared)
{
  if (self->features != NULL)
    return;
  self->features_shared = shared != NULL;
  if (shared != NULL && self->spare != NULL && ((Spare *) self->spare)->features != NULL)
    {
      self->features = g_steal_pointer (&((Spare *) self->spare)->features);
      return;
    }
  self->features = g_array_sized_new (FALSE, FALSE, sizeof (VigilFeatureUsage), 16);
  if (shared == NULL)
    g_array_set_clear_func (self->features, clear_feature);
}

/* Copies shared feature names into @self, which can then be given names
 * of its own. */
static void
own_feature_names (VigilSnapshot *self)
{
  GArray *shared = g_steal_pointer (&self->features);

  self->features_shared = FALSE;
  set_features_known (self, NULL);
  for (guint i = 0; i < shared->len; i++)
    {
      VigilFeatureUsage usage = g_array_index (shared, VigilFeatureUsage, i);

      usage.name = g_strdup (usage.name);
      g_array_append_val (self->features, usage);
    }
  g_array_unref (shared);
}

/**
 * vigil_snapshot_get_features_used:
 *
 * The number of features in use: those with calls (or listed by name),
 * else the count the endpoint gave (`features` wins over `features_used`).
 *
 * Returns: the count, or %VIGIL_UNKNOWN
 */
gint64
vigil_snapshot_get_features_used (const VigilSnapshot *self)
{
  gint64 used = 0;

  g_return_val_if_fail (self != NULL, VIGIL_UNKNOWN);

  if (self->features == NULL)
    return self->features_used;

  for (guint i = 0; i < self->features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (self->features, VigilFeatureUsage, i);

      if (usage->calls > 0 || usage->calls == VIGIL_FEATURE_USED_NO_COUNT)
        used++;
    }

  return used;
}

/* Moves *@text past its leading white space (as g_strstrip() sees it)
 * and returns the length of what is left without the trailing white
 * space: every cell's one rule for it. */
static gsize
trim_bounds (const char **text)
{
  const char *start = *text;
  const char *stop = start + strlen (start);

  while (g_ascii_isspace (*start))
    start++;
  while (stop > start && g_ascii_isspace (stop[-1]))
    stop--;
  *text = start;
  return stop - start;
}

/* @text without the white space around it: @text itself in the usual
 * case, else a trimmed copy kept in @copy. */
static const char *
trim_text (const char  *text,
           char       **copy)
{
  const char *start = text;
  gsize length = trim_bounds (&start);

  *copy = NULL;
  if (start == text && text[length] == '\0')
    return text;
  *copy = g_strndup (start, length);
  return *copy;
}

/* @text without the white space around it into *@slot, or none if
 * nothing is left. Five of a record's cells are strings: the text is
 * measured once, and the memory is what a reset kept if it can be. */
static void
set_string (VigilSnapshot  *self,
            char          **slot,
            const char     *text)
{
  gsize length = trim_bounds (&text);

  g_clear_pointer (slot, g_free);
  if (length == 0)
    return;
  *slot = string_memory (self, slot, length + 1);
  memcpy (*slot, text, length);
  (*slot)[length] = '\0';
}

/* Plain digits, the common case, without strtod. */
static gboolean
parse_plain_count (const char *text,
                   gint64     *out)
{
  gint64 value = 0;
  int digits = 0;

  for (; *text >= '0' && *text <= '9'; text++, digits++)
    {
      if (digits >= 15)
        return FALSE;
      value = value * 10 + (*text - '0');
    }
  if (digits == 0 || *text != '\0')
    return FALSE;
  *out = value;
  return TRUE;
}

static gboolean
parse_double (const char *text,
              double     *out)
{
  char *end = NULL;
  double value;

  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return FALSE;

  /* The common case, a plain decimal, without strtod. */
  end = (char *) text + strlen (text);
  while (end > text && g_ascii_isspace (end[-1]))
    end--;
  if (_vigil_decimal_fast_value (text, end, &value))
    {
      *out = value;
      return TRUE;
    }

  value = g_ascii_strtod (text, &end);
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0' || !isfinite (value))
    return FALSE;

  *out = value;
  return TRUE;
}

static gboolean
double_to_count (double  value,
                 gint64  max,
                 gint64 *out)
{
  if (!isfinite (value) || value < 0 || value > (double) max || value != floor (value))
    return FALSE;

  *out = (gint64) value;
  return TRUE;
}

static gint64 *
count_slot (VigilSnapshot *self,
            VigilField     field,
            gint64        *max)
{
  *max = MAX_COUNT;
  switch (field)
    {
    case VIGIL_FIELD_SEATS: return &self->seats;
    case VIGIL_FIELD_SEATS_USED: return &self->seats_used;
    case VIGIL_FIELD_API_CALLS_7D: return &self->api_calls_7d;
    case VIGIL_FIELD_FEATURES_USED: return &self->features_used;
    case VIGIL_FIELD_OPEN_TICKETS: return &self->open_tickets;
    case VIGIL_FIELD_NPS: *max = MAX_NPS; return &self->nps;
    default: return NULL;
    }
}

static char **
string_slot (VigilSnapshot *self,
             VigilField     field)
{
  switch (field)
    {
    case VIGIL_FIELD_NAME: return &self->name;
    case VIGIL_FIELD_PLAN: return &self->plan;
    case VIGIL_FIELD_OWNER: return &self->owner;
    case VIGIL_FIELD_SEGMENT: return &self->segment;
    default: return NULL;
    }
}

/* Marks a field unknown because what was given cannot be used. */
static void
reject_value (VigilSnapshot *self,
              VigilField     field)
{
  gint64 max;
  gint64 *count = count_slot (self, field, &max);
  char **string = string_slot (self, field);

  self->n_unknown++;
  if (count != NULL)
    *count = VIGIL_UNKNOWN;
  else if (string != NULL)
    g_clear_pointer (string, g_free);
  else if (field == VIGIL_FIELD_MRR)
    self->mrr = NAN;
  else if (field == VIGIL_FIELD_LAST_ACTIVE)
    self->last_active = VIGIL_UNKNOWN;
  else if (field == VIGIL_FIELD_OBSERVED_AT)
    self->observed_at = VIGIL_UNKNOWN;
  else if (field == VIGIL_FIELD_RENEWAL_DATE)
    self->renewal_day = VIGIL_UNKNOWN_DAY;
  else if (field == VIGIL_FIELD_FEATURES)
    g_clear_pointer (&self->features, g_array_unref);
  else if (field == VIGIL_FIELD_ID)
    g_clear_pointer (&self->customer_id, g_free);
  else if (field == VIGIL_FIELD_KEYS)
    g_clear_pointer (&self->keys, g_ptr_array_unref);
}

/* A number given for an id or a key, as its decimal text: whole numbers
 * only, and only up to 9e15, where doubles stop counting by one. */
static char *
integer_text (double value)
{
  if (!isfinite (value) || value != floor (value) || fabs (value) >= 9e15)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);
}

/**
 * _vigil_snapshot_store_number:
 * @field: which native field
 * @value: the number given for it
 *
 * Stores @value in @field if it is a value of that field: a finite
 * amount ≥ 0 and below 1e15 for mrr, a whole count in range, epoch
 * seconds of the years 1970–9999 for a time, a whole number for an id.
 *
 * Returns: %FALSE, leaving @self as it was and counting nothing, if not
 */
gboolean
_vigil_snapshot_store_number (VigilSnapshot *self,
                              VigilField     field,
                              double         value)
{
  gint64 max;
  gint64 *count = count_slot (self, field, &max);

  if (field == VIGIL_FIELD_MRR)
    {
      if (!isfinite (value) || value < 0 || value >= 1e15)
        return FALSE;
      self->mrr = value;
      return TRUE;
    }
  if (count != NULL)
    return double_to_count (value, max, count);
  if (field == VIGIL_FIELD_LAST_ACTIVE || field == VIGIL_FIELD_OBSERVED_AT)
    {
      /* Epoch seconds, as some APIs send them; years 1970..9999 only. */
      gint64 time;

      if (!double_to_count (value, G_GINT64_CONSTANT (253402300799), &time))
        return FALSE;
      *(field == VIGIL_FIELD_LAST_ACTIVE ? &self->last_active : &self->observed_at) = time;
      return TRUE;
    }
  if (field == VIGIL_FIELD_ID)
    {
      char *text = integer_text (value);

      if (text == NULL)
        return FALSE;
      g_free (self->customer_id);
      self->customer_id = text;
      return TRUE;
    }
  return FALSE;
}

static void
set_number (VigilSnapshot *self,
            VigilField     field,
            double         value)
{
  if (!_vigil_snapshot_store_number (self, field, value))
    reject_value (self, field);
}

/**
 * _vigil_snapshot_reject:
 * @problem: (transfer full) (nullable): the value and why it cannot be
 *   used, in words
 *
 * Makes @field unknown because what was given cannot be used, counts it,
 * and keeps @problem if it is the record's first (design 2.3).
 */
void
_vigil_snapshot_reject (VigilSnapshot *self,
                        VigilField     field,
                        char          *problem)
{
  reject_value (self, field);
  if (self->problem == NULL)
    self->problem = problem;
  else
    g_free (problem);
}

static gboolean
is_null_text (const char *text)
{
  while (g_ascii_isspace (*text))
    text++;
  /* Every cell of an import comes here: most begin with no n. */
  return *text == '\0' || ((*text == 'n' || *text == 'N') && g_ascii_strcasecmp (text, "null") == 0);
}

/* Text that stands for no value: empty, white space, or `null`. */
gboolean
_vigil_text_is_null (const char *text)
{
  return is_null_text (text);
}

static void
set_time_text (VigilSnapshot *self,
               VigilField     field,
               const char    *text)
{
  g_autofree char *copy = NULL;
  const char *trimmed = trim_text (text, &copy);
  gint64 time;
  double number;

  if (vigil_time_parse_iso8601 (trimmed, &time))
    *(field == VIGIL_FIELD_LAST_ACTIVE ? &self->last_active : &self->observed_at) = time;
  else if (parse_double (trimmed, &number))
    set_number (self, field, number);
  else
    reject_value (self, field);
}

static void
set_date_text (VigilSnapshot *self,
               const char    *text)
{
  g_autofree char *copy = NULL;
  const char *trimmed = trim_text (text, &copy);
  gint64 time;

  /* A full timestamp is accepted for a date: its UTC day is used. */
  if (vigil_date_parse (trimmed, &self->renewal_day))
    return;
  if (vigil_time_parse_iso8601 (trimmed, &time))
    self->renewal_day = vigil_time_get_day (time);
  else
    reject_value (self, VIGIL_FIELD_RENEWAL_DATE);
}

/* Keys ----------------------------------------------------------------------
 *
 * The keys that identify a record's company across systems (design 2.1):
 * a domain, a CRM id. Records are joined by them, so a key is taken only
 * as given: trimmed, compared byte for byte, never guessed at. A value
 * that cannot be keys is refused whole rather than read in part. */

/* @text as a key, trimmed and, if @lower, lower-cased; *@out is NULL when
 * it holds none (empty, or `null` as every text field reads it).
 * Returns: FALSE if it cannot be a key (U+0000, too long) */
static gboolean
normalise_key (const char  *text,
               gboolean     lower,
               char       **out)
{
  g_autofree char *copy = NULL;
  g_autofree char *key = NULL;
  const char *trimmed;

  *out = NULL;
  if (!is_usable_text (text, -1))
    return FALSE;
  if (is_null_text (text))
    return TRUE;

  trimmed = trim_text (text, &copy);
  if (lower)
    key = g_utf8_strdown (trimmed, -1);
  else
    key = copy != NULL ? g_steal_pointer (&copy) : g_strdup (trimmed);
  /* Measured as kept: lower-casing may change the length. */
  if (strlen (key) > VIGIL_SNAPSHOT_MAX_KEY_BYTES)
    return FALSE;
  *out = g_steal_pointer (&key);
  return TRUE;
}

/**
 * _vigil_keys_value_clear:
 *
 * Frees what @value holds and makes it a value not given.
 */
void
_vigil_keys_value_clear (VigilKeysValue *value)
{
  g_clear_pointer (&value->keys, g_ptr_array_unref);
  value->unusable = FALSE;
}

static void
keys_value_refuse (VigilKeysValue *value)
{
  g_clear_pointer (&value->keys, g_ptr_array_unref);
  value->unusable = TRUE;
}

static void
keys_value_add_text (VigilKeysValue *value,
                     const char     *text,
                     gboolean        lower)
{
  char *key;

  if (value->unusable)
    return;
  if (!normalise_key (text, lower, &key))
    {
      keys_value_refuse (value);
      return;
    }
  if (key == NULL)
    return;
  if (value->keys == NULL)
    value->keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (value->keys, key);
}

/* A key given as a number: an integer counts as its decimal text, as
 * an id does; a fraction is no key. */
static void
keys_value_add_number (VigilKeysValue *value,
                       double          number)
{
  g_autofree char *text = integer_text (number);

  if (text == NULL)
    keys_value_refuse (value);
  else
    keys_value_add_text (value, text, FALSE);
}

static void
keys_value_add_integer (VigilKeysValue *value,
                        gint64          integer)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, integer);
  keys_value_add_text (value, text, FALSE);
}

/* One key in a tree: a string or an integer, nothing else. */
static void
keys_value_add_node (VigilKeysValue *value,
                     JsonNode       *node,
                     gboolean        lower)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_STRING)
    keys_value_add_text (value, json_node_get_string (node), lower);
  else if (type == G_TYPE_INT64)
    keys_value_add_integer (value, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    keys_value_add_number (value, json_node_get_double (node));
  else
    keys_value_refuse (value);
}

/**
 * _vigil_keys_value_set_node:
 * @node: (nullable): a `keys` value: a key, an array of keys, or null
 * @lower: whether to lower-case the keys (a mapping may ask it)
 *
 * Reads @node into @value, which forgets what it held: a null or missing
 * @node is a value not given.
 */
void
_vigil_keys_value_set_node (VigilKeysValue *value,
                            JsonNode       *node,
                            gboolean        lower)
{
  _vigil_keys_value_clear (value);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      if (n > VIGIL_SNAPSHOT_MAX_KEYS)
        keys_value_refuse (value);
      for (guint i = 0; i < n && !value->unusable; i++)
        keys_value_add_node (value, json_array_get_element (array, i), lower);
    }
  else
    keys_value_add_node (value, node, lower);
}

/* One key at the cursor, @depth arrays and objects open around it. */
static gboolean
read_key (VigilKeysValue  *value,
          VigilJsonCursor *c,
          guint            depth,
          gboolean         lower,
          GString         *scratch)
{
  if (*c->p == '"')
    {
      if (!_vigil_json_cursor_read_string (c, scratch))
        return FALSE;
      keys_value_add_text (value, scratch->str, lower);
      return TRUE;
    }

  if (*c->p == '-' || g_ascii_isdigit (*c->p))
    {
      double number;
      gint64 integer;
      gboolean exact;

      /* Exactly as the tree holds it: 64-bit integers stay exact. */
      if (!_vigil_json_cursor_read_exact_number (c, &number, &integer, &exact))
        return FALSE;
      if (exact)
        keys_value_add_integer (value, integer);
      else
        keys_value_add_number (value, number);
      return TRUE;
    }

  /* null, true, false, an object or an array: read, and no key. */
  if (!_vigil_json_cursor_skip_value (c, depth))
    return FALSE;
  keys_value_refuse (value);
  return TRUE;
}

/**
 * _vigil_keys_value_read:
 * @c: at a `keys` value
 * @depth: how many arrays and objects are open around it
 *
 * Reads the value at @c into @value, with the rules of
 * _vigil_keys_value_set_node(), checking every byte.
 *
 * Returns: %FALSE with @c's error set when the text is not JSON
 */
gboolean
_vigil_keys_value_read (VigilKeysValue  *value,
                        VigilJsonCursor *c,
                        guint            depth,
                        gboolean         lower,
                        GString         *scratch)
{
  gboolean more = TRUE;
  guint n = 0;

  _vigil_keys_value_clear (value);
  _vigil_json_cursor_skip_space (c);
  if (c->p >= c->end)
    return _vigil_json_cursor_fail (c, _("unexpected end of data"));
  if (*c->p == 'n')
    return _vigil_json_cursor_read_literal (c);
  if (*c->p != '[')
    return read_key (value, c, depth, lower, scratch);

  /* Too deep to open: the reader of every JSON text says so. */
  if (depth >= VIGIL_JSON_MAX_DEPTH)
    return _vigil_json_cursor_skip_value (c, depth);
  c->p++;
  _vigil_json_cursor_skip_space (c);
  if (c->p < c->end && *c->p == ']')
    {
      c->p++;
      return TRUE;
    }

  while (more)
    {
      _vigil_json_cursor_skip_space (c);
      if (c->p >= c->end)
        return _vigil_json_cursor_fail (c, _("unexpected end of data"));
      /* Bounded: past the limit the rest is checked, not kept. */
      if (++n > VIGIL_SNAPSHOT_MAX_KEYS)
        keys_value_refuse (value);
      if (value->unusable ? !_vigil_json_cursor_skip_value (c, depth + 1)
                          : !read_key (value, c, depth + 1, lower, scratch))
        return FALSE;
      if (!_vigil_json_cursor_read_separator (c, ']', &more))
        return FALSE;
    }
  return TRUE;
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * _vigil_snapshot_add_keys:
 * @values: (array length=n_values): the values read for @self's keys
 *
 * Gathers the keys of @values into @self's, emptying them. Each unusable
 * value counts once in n_unknown and adds nothing; if the keys come to
 * more than %VIGIL_SNAPSHOT_MAX_KEYS, the record carries none, counted
 * once. The keys are kept sorted, each once, so that the order in which
 * the values were found does not matter.
 */
void
_vigil_snapshot_add_keys (VigilSnapshot  *self,
                          VigilKeysValue *values,
                          guint           n_values)
{
  g_autoptr(GPtrArray) keys = NULL;
  guint kept = 0;

  for (guint i = 0; i < n_values; i++)
    {
      if (values[i].unusable)
        self->n_unknown++;
      else if (values[i].keys != NULL && values[i].keys->len > 0)
        {
          if (keys == NULL && self->keys == NULL)
            keys = g_steal_pointer (&values[i].keys);
          else
            {
              if (keys == NULL)
                keys = g_steal_pointer (&self->keys);
              g_ptr_array_extend_and_steal (keys, g_steal_pointer (&values[i].keys));
            }
        }
      _vigil_keys_value_clear (&values[i]);
    }
  if (keys == NULL)
    return;

  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      if (kept > 0 && strcmp (keys->pdata[kept - 1], keys->pdata[i]) == 0)
        g_free (keys->pdata[i]);
      else
        keys->pdata[kept++] = keys->pdata[i];
    }
  /* Shortened without freeing: the rest were freed or moved above. */
  g_ptr_array_set_free_func (keys, NULL);
  g_ptr_array_set_size (keys, kept);
  g_ptr_array_set_free_func (keys, g_free);

  if (keys->len > VIGIL_SNAPSHOT_MAX_KEYS)
    self->n_unknown++;
  else
    self->keys = g_steal_pointer (&keys);
}

/* The record's keys become those of @value alone. */
static void
set_keys (VigilSnapshot  *self,
          VigilKeysValue *value)
{
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  _vigil_snapshot_add_keys (self, value, 1);
}

/* A CSV cell: one key, or a JSON array of keys when it begins with “[”,
 * read by the reader of every JSON text; one that is not JSON is an
 * unusable value. */
void
_vigil_keys_value_set_text (VigilKeysValue *value,
                            const char     *text,
                            gboolean        lower)
{
  const char *p = text;

  _vigil_keys_value_clear (value);
  while (g_ascii_isspace (*p))
    p++;
  if (*p == '[')
    {
      g_autoptr(GString) scratch = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      VigilJsonCursor c;

      _vigil_json_cursor_init (&c, text, strlen (text), VIGIL_JSON_DATA, &error);
      if (!_vigil_keys_value_read (value, &c, 0, lower, scratch) || !_vigil_json_cursor_finish (&c))
        keys_value_refuse (value);
    }
  else
    keys_value_add_text (value, text, lower);
}

static void
set_keys_text (VigilSnapshot *self,
               const char    *text)
{
  VigilKeysValue value = { NULL, FALSE };

  _vigil_keys_value_set_text (&value, text, FALSE);
  set_keys (self, &value);
}

static void
set_features_node (VigilSnapshot *self,
                   JsonNode      *node)
{
  g_clear_pointer (&self->features, g_array_unref);

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      set_features_known (self, NULL);
      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &value))
        {
          gint64 calls;

          if (JSON_NODE_HOLDS_VALUE (value) &&
              (json_node_get_value_type (value) == G_TYPE_INT64 ||
               json_node_get_value_type (value) == G_TYPE_DOUBLE) &&
              double_to_count (json_node_get_double (value), MAX_COUNT, &calls))
            vigil_snapshot_add_feature (self, name, calls);
          else if (JSON_NODE_HOLDS_NULL (value))
            continue;
          else
            self->n_unknown++;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      set_features_known (self, NULL);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING &&
              *json_node_get_string (element) != '\0')
            vigil_snapshot_add_feature (self, json_node_get_string (element),
                                        VIGIL_FEATURE_USED_NO_COUNT);
          else
            self->n_unknown++;
        }
    }
  else if (!JSON_NODE_HOLDS_NULL (node))
    reject_value (self, VIGIL_FIELD_FEATURES);
}

/* Sets the calls of @entry's feature in @self, or adds it: names from
 * one table are the same pointer wherever they are used. */
static void
set_shared_feature (VigilSnapshot          *self,
                    const VigilFeatureName *entry,
                    gint64                  calls)
{
  VigilFeatureUsage usage;

  for (guint i = 0; i < self->features->len; i++)
    {
      VigilFeatureUsage *seen = &g_array_index (self->features, VigilFeatureUsage, i);

      if (seen->name == entry->name)
        {
          seen->calls = calls;
          return;
        }
    }
  usage.name = (char *) entry->name;
  usage.calls = calls;
  g_array_append_val (self->features, usage);
}

/* add_feature_slice() with the import's table of names: a name found
 * there was checked when it was added. */
static void
add_shared_feature (VigilSnapshot     *self,
                    const char        *name,
                    gsize              length,
                    gint64             calls,
                    VigilFeatureNames *shared)
{
  VigilFeatureName *entry = _vigil_feature_names_lookup (shared, name, length,
                                                         _vigil_feature_name_hash (name, length));

  if (entry == NULL)
    {
      if (!is_usable_text (name, length))
        {
          self->n_unknown++;
          return;
        }
      entry = _vigil_feature_names_add (shared, name, length, 0);
    }
  set_shared_feature (self, entry, calls);
}

/* A name given twice keeps its last value, as JSON parsers do. The
 * search is linear, which VIGIL_SNAPSHOT_MAX_FEATURES keeps bounded
 * (a record with a million features took hours). */
static void
add_feature_slice (VigilSnapshot     *self,
                   const char        *name,
                   gsize              length,
                   gint64             calls,
                   VigilFeatureNames *shared)
{
  VigilFeatureUsage usage;

  /* Bounded: beyond the cap a name is unusable, counted, not kept
   * (nor searched for: a duplicate past the cap counts too). */
  if (self->features->len >= VIGIL_SNAPSHOT_MAX_FEATURES)
    {
      self->n_unknown++;
      return;
    }
  if (shared != NULL)
    {
      add_shared_feature (self, name, length, calls, shared);
      return;
    }
  if (!is_usable_text (name, length))
    {
      self->n_unknown++;
      return;
    }

  for (guint i = 0; i < self->features->len; i++)
    {
      VigilFeatureUsage *seen = &g_array_index (self->features, VigilFeatureUsage, i);

      if (seen->name[0] == name[0] && strncmp (seen->name, name, length) == 0 &&
          seen->name[length] == '\0')
        {
          seen->calls = calls;
          return;
        }
    }

  usage.name = g_strndup (name, length);
  usage.calls = calls;
  g_array_append_val (self->features, usage);
}

static void set_features_text (VigilSnapshot *self, const char *text, VigilFeatureNames *shared);

/* vigil_snapshot_set_text() of text known to be UTF-8, without NUL. */
static void
set_usable_text (VigilSnapshot     *self,
                 VigilField         field,
                 const char        *text,
                 VigilFeatureNames *shared)
{
  char **string;
  double number;
  gint64 count;

  if (is_null_text (text))
    return;

  if (field == VIGIL_FIELD_ID)
    {
      set_string (self, &self->customer_id, text);
      return;
    }

  string = string_slot (self, field);
  if (string != NULL)
    {
      set_string (self, string, text);
      return;
    }

  switch (field)
    {
    case VIGIL_FIELD_LAST_ACTIVE:
    case VIGIL_FIELD_OBSERVED_AT:
      set_time_text (self, field, text);
      break;

    case VIGIL_FIELD_RENEWAL_DATE:
      set_date_text (self, text);
      break;

    case VIGIL_FIELD_FEATURES:
      set_features_text (self, text, shared);
      break;

    case VIGIL_FIELD_KEYS:
      set_keys_text (self, text);
      break;

    default:
      if (parse_plain_count (text, &count))
        set_number (self, field, (double) count);
      else if (parse_double (text, &number))
        set_number (self, field, number);
      else
        reject_value (self, field);
      break;
    }
}

/**
 * vigil_snapshot_set_text:
 * @field: which native field
 * @text: the value as text, as a CSV cell holds it
 *
 * Sets @field from text. Empty text or `null` leaves the field unknown;
 * text that is not a value of the field's type, or is out of range,
 * makes it unknown and counts in @self's n_unknown. So does text that is
 * not UTF-8, which is how JSON text holding U+0000 arrives: an id with
 * it is unusable, and the record is skipped rather than merged with
 * another (design 2.3).
 */
void
vigil_snapshot_set_text (VigilSnapshot *self,
                         VigilField     field,
                         const char    *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS);
  g_return_if_fail (text != NULL);

  if (!is_usable_text (text, -1))
    {
      reject_value (self, field);
      return;
    }
  set_usable_text (self, field, text, NULL);
}

/**
 * _vigil_snapshot_set_cell:
 * @text: a CSV cell as the CSV reader gives it: UTF-8 without NUL, which
 *   it has checked
 * @feature_names: (nullable): the import's table of feature names
 *
 * vigil_snapshot_set_text() for the cells of a CSV import.
 */
void
_vigil_snapshot_set_cell (VigilSnapshot     *self,
                          VigilField         field,
                          const char        *text,
                          VigilFeatureNames *feature_names)
{
  set_usable_text (self, field, text, feature_names);
}

/**
 * vigil_snapshot_set_json:
 * @field: which native field
 * @node: (nullable): the value found for it in a JSON record
 *
 * Sets @field from a JSON value with the rules of
 * vigil_snapshot_set_text(): `null` or a missing value is unknown, a value
 * of the wrong type or out of range is unknown and counted. Numbers given
 * as strings are accepted, as many APIs send decimals that way.
 */
void
vigil_snapshot_set_json (VigilSnapshot *self,
                         VigilField     field,
                         JsonNode      *node)
{
  GType type;

  g_return_if_fail (self != NULL);
  g_return_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (field == VIGIL_FIELD_FEATURES)
    {
      set_features_node (self, node);
      return;
    }
  if (field == VIGIL_FIELD_KEYS)
    {
      VigilKeysValue value = { NULL, FALSE };

      _vigil_keys_value_set_node (&value, node, FALSE);
      set_keys (self, &value);
      return;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      reject_value (self, field);
      return;
    }

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      /* An explicit empty id is unusable, not merely unknown. */
      if (field == VIGIL_FIELD_ID && is_null_text (text))
        reject_value (self, field);
      else
        vigil_snapshot_set_text (self, field, text);
    }
  else if ((type == G_TYPE_INT64 || type == G_TYPE_DOUBLE) &&
           string_slot (self, field) == NULL &&
           field != VIGIL_FIELD_RENEWAL_DATE)
    set_number (self, field, json_node_get_double (node));
  else
    reject_value (self, field);
}

/**
 * vigil_snapshot_set_json_object:
 * @object: a record in the native format of design 2.1
 *
 * Sets every native field @object has; other members are ignored.
 */
void
vigil_snapshot_set_json_object (VigilSnapshot *self,
                                JsonObject    *object)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (object != NULL);

  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      JsonNode *node = json_object_get_member (object, field_names[i]);

      if (node != NULL)
        vigil_snapshot_set_json (self, (VigilField) i, node);
    }
}

/* Reading native records straight from JSON text ------------------------- */

/* JSON Lines history files hold millions of records: parsing each into
 * a json-glib tree first costs more than everything else an import does,
 * so native records are read here in one pass, with the same rules as
 * vigil_snapshot_set_json(). The grammar is vigil-json.c's, the one every
 * JSON text is checked against (RFC 8259, design 2.3): anything that is
 * not JSON, skipped members included, is an error naming the column. */

/* Whether @byte ends a member's name or needs a closer look than
 * read_usual_feature() gives it: a quote, an escape, or a control
 * character (an error in JSON text). Bytes above 0x7F need none: a
 * name matched byte for byte with one in the table is that name, which
 * was checked as UTF-8 when it was added. */
static inline gboolean
is_name_stop (char byte)
{
  return byte == '"' || byte == '\\' || (guchar) byte < 0x20;
}

/* is_name_stop() for any of the eight bytes of @word. */
static inline gboolean
has_name_stop (guint64 word)
{
  return (vigil_word_bytes_equal (word, VIGIL_EVERY_BYTE ('"')) |
          vigil_word_bytes_equal (word, VIGIL_EVERY_BYTE ('\\')) |
          vigil_word_bytes_below (word, 0x20)) != 0;
}

/* The usual member of a features object, read in place: "name":count,
 * with a name without escapes that @shared holds, and a count of at
 * most 15 digits, no fraction or exponent. Millions of records name the
 * same few features, and this spares each name its copy, its UTF-8
 * check and its hash a byte at a time, and each count the floating
 * point. What this returns is what read_feature() would make of the
 * same member. FALSE, the cursor where it was, for any other member,
 * which read_feature() then reads as it always has. */
static gboolean
read_usual_feature (VigilSnapshot     *self,
                    VigilJsonCursor   *c,
                    VigilFeatureNames *shared)
{
  const char *name = c->p + 1;
  const char *p = name;
  const char *digits;
  guint64 hash = VIGIL_FEATURE_NAME_HASH_INIT;
  guint64 tail = 0;
  VigilFeatureName *entry;
  gint64 calls = 0;

  if (self->features->len >= VIGIL_SNAPSHOT_MAX_FEATURES)
    return FALSE;
  /* A word at a time while the name goes on, then its last bytes. */
  for (; c->end - p >= 8; p += 8)
    {
      guint64 word;

      memcpy (&word, p, 8);
      if (has_name_stop (word))
        break;
      hash = _vigil_feature_name_hash_word (hash, word);
    }
  for (guint shift = 0; p < c->end && !is_name_stop (*p); p++, shift += 8)
    tail |= (guint64) (guchar) *p << shift;
  if (p + 1 >= c->end || *p != '"' || p[1] != ':' ||
      (entry = _vigil_feature_names_lookup (shared, name, p - name,
                                            _vigil_feature_name_hash_finish (hash, tail, p - name))) == NULL)
    return FALSE;

  c->p = p + 2;
  _vigil_json_cursor_skip_space (c);
  for (p = digits = c->p; p < c->end && p - digits <= 15 && g_ascii_isdigit (*p); p++)
    calls = calls * 10 + (*p - '0');
  /* None, too many, a leading zero (an error), or more to the number. */
  if (p == digits || p - digits > 15 || (*digits == '0' && p - digits > 1) ||
      (p < c->end && (*p == '.' || *p == 'e' || *p == 'E')))
    {
      c->p = name - 1;
      return FALSE;
    }

  set_shared_feature (self, entry, calls);
  c->plain_string = TRUE;
  c->p = p;
  return TRUE;
}

/* One member of the features object, or element of the names array,
 * @depth arrays and objects open around it. */
static gboolean
read_feature (VigilSnapshot      *self,
              VigilJsonCursor    *c,
              guint               depth,
              gboolean            is_object,
              GString           **scratch,
              VigilFeatureNames  *shared)
{
  GString *name;

  if (is_object && shared != NULL && *c->p == '"' && read_usual_feature (self, c, shared))
    return TRUE;

  if (*scratch == NULL)
    *scratch = g_string_sized_new (64);
  name = *scratch;
  if (is_object && !_vigil_json_cursor_read_member_name (c, name))
    return FALSE;

  if (c->p < c->end && is_object && (*c->p == '-' || g_ascii_isdigit (*c->p)))
    {
      double number;
      gint64 calls;

      if (!_vigil_json_cursor_read_number (c, &number, NULL))
        return FALSE;
      if (double_to_count (number, MAX_COUNT, &calls))
        add_feature_slice (self, name->str, name->len, calls, shared);
      else
        self->n_unknown++;
    }
  else if (c->p < c->end && !is_object && *c->p == '"')
    {
      if (!_vigil_json_cursor_read_string (c, name))
        return FALSE;
      if (name->len > 0)
        add_feature_slice (self, name->str, name->len, VIGIL_FEATURE_USED_NO_COUNT, shared);
      else
        self->n_unknown++;
    }
  else if (c->p < c->end && is_object && *c->p == 'n')
    return _vigil_json_cursor_read_literal (c);
  else
    {
      if (!_vigil_json_cursor_skip_value (c, depth))
        return FALSE;
      self->n_unknown++;
    }
  return TRUE;
}

/* The features member: an object of counts or an array of names, with
 * @depth arrays and objects open around it. The limit on nesting is the
 * whole document's (design 2.3), not the record's. */
static gboolean
read_features (VigilSnapshot      *self,
               VigilJsonCursor    *c,
               guint               depth,
               GString           **scratch,
               VigilFeatureNames  *shared)
{
  gboolean is_object = *c->p == '{';
  char closing = is_object ? '}' : ']';
  gboolean more = TRUE;

  /* Too deep to open: the reader of every JSON text says so. */
  if (depth >= VIGIL_JSON_MAX_DEPTH)
    return _vigil_json_cursor_skip_value (c, depth);

  g_clear_pointer (&self->features, g_array_unref);
  self->features_shared = FALSE;
  set_features_known (self, shared);
  c->p++;
  _vigil_json_cursor_skip_space (c);
  if (c->p < c->end && *c->p == closing)
    {
      c->p++;
      return TRUE;
    }

  while (more)
    {
      _vigil_json_cursor_skip_space (c);
      if (!read_feature (self, c, depth + 1, is_object, scratch, shared) ||
          !_vigil_json_cursor_read_separator (c, closing, &more))
        return FALSE;
    }
  return TRUE;
}

/* A CSV cell holding features, read with the JSON record reader: an
 * object of counts or an array of names, as vigil_snapshot_set_json()
 * takes them. Anything else, or text that is not JSON, makes the
 * features unknown, counted once. */
static void
set_features_text (VigilSnapshot     *self,
                   const char        *text,
                   VigilFeatureNames *shared)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) scratch = NULL;  /* made only if a name needs it */
  VigilJsonCursor c;
  guint n_unknown = self->n_unknown;

  _vigil_json_cursor_init (&c, text, strlen (text), VIGIL_JSON_DATA, &error);
  _vigil_json_cursor_skip_space (&c);
  if (c.p < c.end && (*c.p == '{' || *c.p == '[') && read_features (self, &c, 0, &scratch, shared) &&
      _vigil_json_cursor_finish (&c))
    return;

  self->n_unknown = n_unknown;
  reject_value (self, VIGIL_FIELD_FEATURES);
}

/* The value of a `keys` member, as vigil_snapshot_set_json() takes it. */
static gboolean
read_keys (VigilSnapshot   *self,
           VigilJsonCursor *c,
           guint            depth,
           GString         *scratch)
{
  VigilKeysValue value = { NULL, FALSE };

  if (!_vigil_keys_value_read (&value, c, depth, FALSE, scratch))
    {
      _vigil_keys_value_clear (&value);
      return FALSE;
    }
  set_keys (self, &value);
  return TRUE;
}

/* One member's value, with the rules of vigil_snapshot_set_json(),
 * @depth arrays and objects open around it. */
static gboolean
read_field (VigilSnapshot     *self,
            VigilField         field,
            VigilJsonCursor   *c,
            guint              depth,
            GString           *scratch,
            VigilFeatureNames *shared)
{
  const char *begin;
  double number;
  gboolean integer;

  _vigil_json_cursor_skip_space (c);
  if (c->p >= c->end)
    return _vigil_json_cursor_fail (c, _("unexpected end of data"));
  /* null leaves the keys as they are, like every field's. */
  if (field == VIGIL_FIELD_KEYS && *c->p != 'n')
    return read_keys (self, c, depth, scratch);

  switch (*c->p)
    {
    case '"':
      if (!_vigil_json_cursor_read_string (c, scratch))
        return FALSE;
      if (field == VIGIL_FIELD_ID && is_null_text (scratch->str))
        reject_value (self, field);
      else if (field == VIGIL_FIELD_FEATURES)
        reject_value (self, field);
      else if (c->plain_string)   /* most: no check of UTF-8 to make again */
        set_usable_text (self, field, scratch->str, NULL);
      else
        vigil_snapshot_set_text (self, field, scratch->str);
      return TRUE;

    case 'n':
      return _vigil_json_cursor_read_literal (c);

    case '{':
    case '[':
      if (field == VIGIL_FIELD_FEATURES)
        return read_features (self, c, depth, &scratch, shared);
      if (!_vigil_json_cursor_skip_value (c, depth))
        return FALSE;
      reject_value (self, field);
      return TRUE;

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      begin = c->p;
      if (!_vigil_json_cursor_read_number (c, &number, &integer))
        return FALSE;
      if (field == VIGIL_FIELD_ID && integer && c->p - begin < 19)
        {
          /* Exact, whatever doubles can hold. */
          g_free (self->customer_id);
          self->customer_id = g_strndup (begin, c->p - begin);
        }
      else if (string_slot (self, field) != NULL || field == VIGIL_FIELD_RENEWAL_DATE ||
               field == VIGIL_FIELD_FEATURES)
        reject_value (self, field);
      else
        set_number (self, field, number);
      return TRUE;

    default:
      /* true, false, or not JSON at all: the shared reader says which. */
      if (!_vigil_json_cursor_skip_value (c, depth))
        return FALSE;
      reject_value (self, field);
      return TRUE;
    }
}

/* The fields the last record this thread read named, in their order
 * (VigilField + 1; 0: none). The records of a file name theirs in the
 * same order, and a name found where it was expected is matched in
 * place, neither read into a string nor looked up: two of every three
 * strings of a JSON Lines file are member names (design 7). Only a
 * guess: any other name is read as ever. */
#define EXPECTED_MEMBERS 32
static _Thread_local gint8 expected_members[EXPECTED_MEMBERS];

/* Whether the cursor, on a member's opening quote, is on @field's name
 * as a file most often writes it ("name":); then past it and its colon. */
static gboolean
take_expected_name (VigilJsonCursor *c,
                    VigilField       field)
{
  const char *name = field_names[field];
  gsize length = field_name_lengths[field];

  if ((gsize) (c->end - c->p) < length + 3 || c->p[0] != '"' || c->p[length + 1] != '"' ||
      c->p[length + 2] != ':' || memcmp (c->p + 1, name, length) != 0)
    return FALSE;
  c->p += length + 3;
  _vigil_json_cursor_skip_space (c);
  return TRUE;
}

/* The field whose name begins at the cursor (VIGIL_FIELD_NONE: no
 * field's), the cursor past the name's colon; the @n-th member. */
static gboolean
read_member_field (VigilJsonCursor *c,
                   guint            n,
                   GString         *key,
                   VigilField      *out_field)
{
  VigilField expected = n < EXPECTED_MEMBERS ? expected_members[n] - 1 : VIGIL_FIELD_NONE;

  _vigil_json_cursor_skip_space (c);
  if (expected != VIGIL_FIELD_NONE && take_expected_name (c, expected))
    {
      *out_field = expected;
      return TRUE;
    }
  if (!_vigil_json_cursor_read_member_name (c, key))
    return FALSE;
  *out_field = field_from_name_len (key->str, key->len);
  if (n < EXPECTED_MEMBERS)
    expected_members[n] = (gint8) (*out_field + 1);
  return TRUE;
}

/* The members of the record object, the cursor past its “{”: the
 * record is a whole text, so its members' values are inside it alone. */
static gboolean
read_record_members (VigilSnapshot     *self,
                     VigilJsonCursor   *c,
                     VigilFeatureNames *shared)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GString) key = g_string_new (NULL);
  gboolean more = TRUE;

  _vigil_json_cursor_skip_space (c);
  if (c->p < c->end && *c->p == '}')
    {
      c->p++;
      return TRUE;
    }

  for (guint n = 0; more; n++)
    {
      VigilField field;

      if (!read_member_field (c, n, key, &field))
        return FALSE;
      if (field == VIGIL_FIELD_NONE ? !_vigil_json_cursor_skip_value (c, 1)
                                    : !read_field (self, field, c, 1, scratch, shared))
        return FALSE;
      if (!_vigil_json_cursor_read_separator (c, '}', &more))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_json (VigilSnapshot      *self,
            const char         *text,
            gsize               length,
            VigilFeatureNames  *shared,
            GError            **error)
{
  VigilJsonCursor c;

  _vigil_json_cursor_init (&c, text, length, VIGIL_JSON_DATA, error);
  /* One line: the caller knows which, and names it. */
  c.line = 0;
  _vigil_json_cursor_skip_space (&c);
  if (c.p >= c.end)
    return _vigil_json_cursor_fail (&c, _("no JSON value"));

  if (*c.p != '{')
    {
      if (!_vigil_json_cursor_skip_value (&c, 0))
        return FALSE;
    }
  else
    {
      c.p++;
      if (!read_record_members (self, &c, shared))
        return FALSE;
    }

  return _vigil_json_cursor_finish (&c);
}

/**
 * vigil_snapshot_parse_json:
 * @text: one JSON value, such as a line of a JSON Lines file
 *
 * Sets the native fields of the record in @text, as
 * vigil_snapshot_set_json_object() would. A value that is valid JSON but
 * not an object sets nothing (a record without an id).
 *
 * Returns: %FALSE with @error naming the column if @text is not JSON
 */
gboolean
vigil_snapshot_parse_json (VigilSnapshot  *self,
                           const char     *text,
                           gsize           length,
                           GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  return parse_json (self, text, length, NULL, error);
}

/**
 * _vigil_snapshot_parse_json_line:
 * @feature_names: (nullable): the import's table of feature names
 *
 * vigil_snapshot_parse_json() for the lines of a JSON Lines import.
 */
gboolean
_vigil_snapshot_parse_json_line (VigilSnapshot      *self,
                                 const char         *text,
                                 gsize               length,
                                 VigilFeatureNames  *feature_names,
                                 GError            **error)
{
  return parse_json (self, text, length, feature_names, error);
}

/**
 * _vigil_snapshot_read_json_field:
 * @c: at the value
 * @depth: how many arrays and objects of the document are open around
 *   the value, which may go no deeper than the document's limit
 * @scratch: for strings read
 *
 * Reads one value into @field with the rules of vigil_snapshot_set_json(),
 * for the mapping's reader of whole answers.
 */
gboolean
_vigil_snapshot_read_json_field (VigilSnapshot   *self,
                                 VigilField       field,
                                 VigilJsonCursor *c,
                                 guint            depth,
                                 GString         *scratch)
{
  return read_field (self, field, c, depth, scratch, NULL);
}
