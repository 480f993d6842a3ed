/* vigil-adoption-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feature adoption (design 5): the features of the latest snapshot, most
 * used first, when each was first used, and those no longer used.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "vigil-adoption-section.h"
#include "vigil-format.h"

struct _VigilAdoptionSection
{
  AdwBin               parent_instance;

  /* Template children */
  AdwPreferencesGroup *features_group;
  GtkListBox          *features_list;
};

static void vigil_adoption_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilAdoptionSection, vigil_adoption_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_adoption_section_iface_init))

typedef struct
{
  const char *name;
  gint64      calls;
} FeatureItem;

static int
compare_features (gconstpointer a,
                  gconstpointer b)
{
  const FeatureItem *fa = a;
  const FeatureItem *fb = b;

  /* Most calls first; a feature only known as "used" after counted ones. */
  if (fa->calls != fb->calls)
    return fa->calls < fb->calls ? 1 : -1;
  return g_utf8_collate (fa->name, fb->name);
}

/* Each feature's first and last row of use in @history. */
static void
find_first_and_last_use (VigilCustomerHistory *history,
                         GHashTable           *first_seen,
                         GHashTable           *last_seen)
{
  for (guint i = 0; i < history->rows->len; i++)
    {
      const VigilSnapshot *snapshot = ((VigilHistoryRow *) history->rows->pdata[i])->snapshot;

      for (guint j = 0; snapshot->features != NULL && j < snapshot->features->len; j++)
        {
          const VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, j);

          if (usage->calls == 0)
            continue;
          if (!g_hash_table_contains (first_seen, usage->name))
            g_hash_table_insert (first_seen, usage->name, GINT_TO_POINTER (i));
          g_hash_table_insert (last_seen, usage->name, GINT_TO_POINTER (i));
        }
    }
}

static void
add_feature_row (VigilSectionRows     *rows,
                 const FeatureItem    *item,
                 VigilCustomerHistory *history,
                 GHashTable           *first_seen)
{
  g_autofree char *calls = NULL;
  g_autofree char *since = NULL;
  gpointer index;

  if (item->calls == VIGIL_FEATURE_USED_NO_COUNT)
    calls = g_strdup (_("Used"));
  else
    calls = g_strdup_printf (ngettext ("%'" PRId64 " call", "%'" PRId64 " calls", (gulong) item->calls),
                             item->calls);
  if (history != NULL && g_hash_table_lookup_extended (first_seen, item->name, NULL, &index))
    {
      const VigilHistoryRow *first = history->rows->pdata[GPOINTER_TO_INT (index)];
      g_autofree char *date = vigil_format_date (first->snapshot->observed_at);

      if (item->calls == 0)
        since = g_strdup_printf (_("First used %s; not in the last 7 days"), date);
      else
        since = g_strdup_printf (_("First used %s"), date);
    }
  else if (item->calls == 0)
    since = g_strdup (_("Not used in the last 7 days"));
  vigil_section_rows_add_text (rows, item->name, since, calls, FALSE);
}

/* Features used once, no longer in the latest snapshot. Returns how many. */
static guint
add_past_features (VigilSectionRows     *rows,
                   VigilCustomerHistory *history,
                   GHashTable           *last_seen,
                   GHashTable           *in_latest)
{
  g_autoptr(GPtrArray) past = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, last_seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (in_latest, key))
      g_ptr_array_add (past, key);
  g_ptr_array_sort (past, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < past->len; i++)
    {
      const char *name = past->pdata[i];
      gint last = GPOINTER_TO_INT (g_hash_table_lookup (last_seen, name));
      const VigilHistoryRow *row = history->rows->pdata[last];
      g_autofree char *date = vigil_format_date (row->snapshot->observed_at);
      g_autofree char *subtitle = g_strdup_printf (_("Last used %s"), date);

      vigil_section_rows_add_text (rows, name, subtitle, _("No longer used"), TRUE);
    }
  return past->len;
}

static void
vigil_adoption_section_show (VigilCustomerSection *section,
                             VigilPortfolio       *portfolio,
                             VigilCustomer        *customer,
                             VigilCustomerHistory *history)
{
  VigilAdoptionSection *self = VIGIL_ADOPTION_SECTION (section);
  const VigilSnapshot *latest = vigil_customer_get_row (customer)->latest;
  GArray *features = vigil_customer_history_get_latest_features (history, latest);
  g_autoptr(GHashTable) first_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) last_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) in_latest = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (FeatureItem));
  guint used_now = 0;
  guint n_past = 0;
  g_autofree char *description = NULL;
  VigilSectionRows rows;

  vigil_section_rows_begin (&rows, self->features_list, NULL);
  if (features == NULL && history == NULL)
    {
      vigil_section_set_group_description (self->features_group, NULL);
      vigil_section_rows_add_spinner (&rows, _("Loading the features…"));
      vigil_section_rows_end (&rows);
      return;
    }

  if (history != NULL)
    find_first_and_last_use (history, first_seen, last_seen);

  for (guint i = 0; features != NULL && i < features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (features, VigilFeatureUsage, i);
      FeatureItem item = { usage->name, usage->calls };

      g_array_append_val (items, item);
      g_hash_table_add (in_latest, usage->name);
      if (usage->calls != 0)
        used_now++;
    }
  g_array_sort (items, compare_features);
  for (guint i = 0; i < items->len; i++)
    add_feature_row (&rows, &g_array_index (items, FeatureItem, i), history, first_seen);

  if (history != NULL)
    n_past = add_past_features (&rows, history, last_seen, in_latest);

  if (features == NULL && n_past == 0)
    {
      gint64 used = vigil_snapshot_get_features_used (latest);

      if (used != VIGIL_UNKNOWN)
        description = g_strdup_printf (ngettext ("%" PRId64 " feature used; the source does not name them",
                                                 "%" PRId64 " features used; the source does not name them",
                                                 (gulong) used), used);
      vigil_section_rows_add_placeholder (&rows, _("No feature names in the latest snapshot"));
    }
  else if (history != NULL)
    description = g_strdup_printf (ngettext ("%u feature in use now; %u used over the whole history",
                                             "%u features in use now; %u used over the whole history",
                                             used_now), used_now, g_hash_table_size (first_seen));
  else
    description = g_strdup_printf (ngettext ("%u feature in use now", "%u features in use now", used_now),
                                   used_now);
  vigil_section_rows_end (&rows);
  vigil_section_set_group_description (self->features_group, description);
}

static void
vigil_adoption_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_adoption_section_show;
}

static void
vigil_adoption_section_dispose (GObject *object)
{
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_ADOPTION_SECTION);

  G_OBJECT_CLASS (vigil_adoption_section_parent_class)->dispose (object);
}

static void
vigil_adoption_section_class_init (VigilAdoptionSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_adoption_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-adoption-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilAdoptionSection, features_group);
  gtk_widget_class_bind_template_child (widget_class, VigilAdoptionSection, features_list);
}

static void
vigil_adoption_section_init (VigilAdoptionSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
