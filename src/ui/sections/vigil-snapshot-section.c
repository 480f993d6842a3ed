/* vigil-snapshot-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The raw latest snapshot (design 5), field by field, folded away until
 * asked for.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-snapshot-section.h"
#include "vigil-snapshot-text.h"

struct _VigilSnapshotSection
{
  AdwBin          parent_instance;

  /* Template children */
  GtkLabel       *snapshot_label;
  AdwExpanderRow *snapshot_row;

  char           *text;  /* the label's, given it once the row is expanded */
};

static void vigil_snapshot_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilSnapshotSection, vigil_snapshot_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_snapshot_section_iface_init))

/* The features a line each, "…" while the history (which has them) loads. */
static char *
format_features (GArray   *features,
                 gboolean  loading)
{
  GString *list;

  if (features == NULL)
    return loading ? g_strdup ("…") : NULL;
  list = g_string_new (NULL);
  for (guint i = 0; i < features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (features, VigilFeatureUsage, i);

      if (usage->calls == VIGIL_FEATURE_USED_NO_COUNT)
        g_string_append_printf (list, "\n  %s", usage->name);
      else
        g_string_append_printf (list, "\n  %s: %" G_GINT64_FORMAT, usage->name, usage->calls);
    }
  if (features->len == 0)
    g_string_append (list, _("none"));
  return g_string_free (list, FALSE);
}

static void
vigil_snapshot_section_show (VigilCustomerSection *section,
                             VigilPortfolio       *portfolio,
                             VigilCustomer        *customer,
                             VigilCustomerHistory *history)
{
  VigilSnapshotSection *self = VIGIL_SNAPSHOT_SECTION (section);
  const VigilPortfolioRow *row = vigil_customer_get_row (customer);
  const VigilSnapshot *s = row->latest;
  GArray *features = vigil_customer_history_get_latest_features (history, s);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *observed = vigil_format_date_time (s->observed_at);
  g_autofree char *subtitle = g_strdup_printf (_("Observed %s · source %s"), observed,
                                               row->source != NULL ? row->source : "—");

  for (int field = 0; field < VIGIL_N_FIELDS; field++)
    {
      g_autofree char *value = NULL;

      if (field == VIGIL_FIELD_KEYS)
        /* Not kept with a stored snapshot: no line says "unknown" for them. */
        continue;
      if (field == VIGIL_FIELD_FEATURES)
        /* Read with the history, not kept with the latest row. */
        value = format_features (features, history == NULL);
      else
        value = vigil_snapshot_format_field (s, (VigilField) field);
      g_string_append_printf (text, "%-14s %s\n", vigil_field_get_name ((VigilField) field),
                              value != NULL ? value : _("unknown"));
    }
  if (s->n_unknown > 0)
    g_string_append_printf (text, ngettext ("(%u value given but unusable)\n",
                                            "(%u values given but unusable)\n", s->n_unknown), s->n_unknown);
  g_string_truncate (text, text->len > 0 ? text->len - 1 : 0);

  g_free (self->text);
  self->text = g_string_free (g_steal_pointer (&text), FALSE);
  /* design 7: a label of some thirty lines, laid out on every page
   * though folded away; it is given its text when the row unfolds. */
  gtk_label_set_text (self->snapshot_label,
                      adw_expander_row_get_expanded (self->snapshot_row) ? self->text : "");
  adw_expander_row_set_subtitle (self->snapshot_row, subtitle);
}

static void
expanded_cb (VigilSnapshotSection *self)
{
  if (adw_expander_row_get_expanded (self->snapshot_row) && self->text != NULL)
    gtk_label_set_text (self->snapshot_label, self->text);
}

static void
vigil_snapshot_section_forget (VigilCustomerSection *section)
{
  adw_expander_row_set_expanded (VIGIL_SNAPSHOT_SECTION (section)->snapshot_row, FALSE);
}

static void
vigil_snapshot_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_snapshot_section_show;
  iface->forget = vigil_snapshot_section_forget;
}

static void
vigil_snapshot_section_dispose (GObject *object)
{
  g_clear_pointer (&VIGIL_SNAPSHOT_SECTION (object)->text, g_free);
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_SNAPSHOT_SECTION);

  G_OBJECT_CLASS (vigil_snapshot_section_parent_class)->dispose (object);
}

static void
vigil_snapshot_section_class_init (VigilSnapshotSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_snapshot_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-snapshot-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilSnapshotSection, snapshot_label);
  gtk_widget_class_bind_template_child (widget_class, VigilSnapshotSection, snapshot_row);
}

static void
vigil_snapshot_section_init (VigilSnapshotSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->snapshot_row, "notify::expanded", G_CALLBACK (expanded_cb), self,
                           G_CONNECT_SWAPPED);
}
