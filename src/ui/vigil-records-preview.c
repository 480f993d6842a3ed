/* vigil-records-preview.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-records-preview"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "vigil-records-preview.h"
#include "vigil-snapshot-text.h"

/* The first records of a page as Vigil will store them (design 5,
 * adding a source): every native field with its value, and where it has
 * none, why, in words: the source does not fill it, or this record has
 * no usable value for it. Names are data: rows never take markup. */

struct _VigilRecordsPreview
{
  AdwBin      parent_instance;

  gboolean    of_file;    /* the first rows of a file, not a page */

  GtkLabel   *summary;
  GtkLabel   *error;
  GtkWidget  *group;      /* rebuilt for each page shown */
  GtkBox     *box;
};

G_DEFINE_FINAL_TYPE (VigilRecordsPreview, vigil_records_preview, ADW_TYPE_BIN)

static void
remove_group (VigilRecordsPreview *self)
{
  if (self->group != NULL)
    gtk_box_remove (self->box, self->group);
  self->group = NULL;
}

static GtkWidget *
new_field_row (const VigilSnapshot *snapshot,
               VigilField           field,
               gboolean             mapped,
               const char          *reason)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *value = vigil_snapshot_format_field (snapshot, field);
  GtkWidget *label = gtk_label_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vigil_field_get_label (field));
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  if (value != NULL)
    {
      gtk_label_set_text (GTK_LABEL (label), value);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_tooltip_text (label, value);
    }
  else
    {
      /* Unknown, and why, in words the row can wrap. */
      gtk_label_set_text (GTK_LABEL (label), _("unknown"));
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   mapped ? _("not in this record")
                                          : reason != NULL ? reason : _("not filled from this source"));
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static GtkWidget *
new_record_row (const VigilSnapshot *snapshot,
                const gboolean      *mapped,
                const char * const  *reasons,
                gboolean             expanded)
{
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *subtitle = NULL;
  g_autofree char *id = NULL;
  guint known = 0;
  guint shown = 0;

  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    {
      g_autofree char *value = vigil_snapshot_format_field (snapshot, field);

      /* The time a record was observed is the poll's when the answer
       * gives none: always known, so not counted. */
      if (field == VIGIL_FIELD_OBSERVED_AT)
        continue;
      shown++;
      known += value != NULL;
    }
  id = vigil_text_printable (snapshot->customer_id, -1);
  if (snapshot->n_unknown > 0)
    subtitle = g_strdup_printf (ngettext ("Id %s · %u of %u fields known · %u value unusable",
                                          "Id %s · %u of %u fields known · %u values unusable",
                                          snapshot->n_unknown),
                                id, known, shown, snapshot->n_unknown);
  else
    subtitle = g_strdup_printf (_("Id %s · %u of %u fields known"), id, known, shown);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 snapshot->name != NULL ? snapshot->name : snapshot->customer_id);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              new_field_row (snapshot, field, mapped[field], reasons != NULL ? reasons[field] : NULL));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), expanded);
  return row;
}

/* "12 records on the first page, 1 skipped without an id, 3 values unusable" */
static char *
describe_page (const VigilPreviewRecords *records,
               gboolean                   of_file)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (of_file)
    g_string_append_printf (text, ngettext ("%" PRIu64 " record in the first rows of the file",
                                            "%" PRIu64 " records in the first rows of the file", records->records),
                            (uint64_t) records->records);
  else
    g_string_append_printf (text, ngettext ("%" PRIu64 " record on the first page",
                                            "%" PRIu64 " records on the first page", records->records),
                            (uint64_t) records->records);
  if (records->skipped > 0)
    {
      g_string_append (text, "; ");
      g_string_append_printf (text, ngettext ("%" PRIu64 " without an id, which Vigil skips",
                                              "%" PRIu64 " without an id, which Vigil skips", records->skipped),
                              (uint64_t) records->skipped);
    }
  if (records->unknown_values > 0)
    {
      g_string_append (text, "; ");
      g_string_append_printf (text, ngettext ("%" PRIu64 " value given but unusable (stored as unknown)",
                                              "%" PRIu64 " values given but unusable (stored as unknown)",
                                              records->unknown_values),
                              (uint64_t) records->unknown_values);
    }
  g_string_append (text, ".");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
vigil_records_preview_class_init (VigilRecordsPreviewClass *klass)
{
}

static void
vigil_records_preview_init (VigilRecordsPreview *self)
{
  self->box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 12));
  self->summary = GTK_LABEL (gtk_label_new (NULL));
  self->error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_label_set_xalign (self->summary, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  gtk_label_set_wrap (self->error, TRUE);
  gtk_label_set_wrap_mode (self->error, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->error, 0);
  gtk_label_set_selectable (self->error, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error), FALSE);
  gtk_box_append (self->box, GTK_WIDGET (self->summary));
  gtk_box_append (self->box, GTK_WIDGET (self->error));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->box));
}

/**
 * vigil_records_preview_new:
 *
 * Returns: (transfer floating): a preview showing nothing yet
 */
GtkWidget *
vigil_records_preview_new (void)
{
  return g_object_new (VIGIL_TYPE_RECORDS_PREVIEW, NULL);
}

/**
 * vigil_records_preview_show:
 * @records: a first page's records, read with a mapping
 * @mapped: (array fixed-size=VIGIL_N_FIELDS): whether that mapping
 *   fills each field
 * @reasons: (array fixed-size=VIGIL_N_FIELDS) (nullable): why the
 *   source cannot fill a field it does not, where it is known
 *
 * Shows every record of @records kept, the first opened.
 */
void
vigil_records_preview_show (VigilRecordsPreview       *self,
                            const VigilPreviewRecords *records,
                            const gboolean            *mapped,
                            const char * const        *reasons)
{
  g_autofree char *summary = NULL;

  g_return_if_fail (VIGIL_IS_RECORDS_PREVIEW (self));
  g_return_if_fail (records != NULL);
  g_return_if_fail (mapped != NULL);

  remove_group (self);
  gtk_widget_set_visible (GTK_WIDGET (self->error), FALSE);
  summary = describe_page (records, self->of_file);
  gtk_label_set_text (self->summary, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary), TRUE);
  if (records->snapshots->len == 0)
    {
      gtk_label_set_text (self->error, records->records == 0
                          ? _("The first page holds no records: nothing would be stored. Check the address, "
                              "and that the token may see the customers.")
                          : _("No record has a usable id: nothing would be stored. Choose the value that "
                              "names each customer as its id."));
      gtk_widget_set_visible (GTK_WIDGET (self->error), TRUE);
      return;
    }
  self->group = adw_preferences_group_new ();
  for (guint i = 0; i < records->snapshots->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group),
                               new_record_row (records->snapshots->pdata[i], mapped, reasons, i == 0));
  gtk_box_append (self->box, self->group);
}

/**
 * vigil_records_preview_show_error:
 * @message: why no records can be shown, in words
 */
void
vigil_records_preview_show_error (VigilRecordsPreview *self,
                                  const char          *message)
{
  g_return_if_fail (VIGIL_IS_RECORDS_PREVIEW (self));
  g_return_if_fail (message != NULL);

  remove_group (self);
  gtk_widget_set_visible (GTK_WIDGET (self->summary), FALSE);
  gtk_label_set_text (self->error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error), TRUE);
}

/**
 * vigil_records_preview_set_of_file:
 * @of_file: whether the records are a file's first rows, not a page
 */
void
vigil_records_preview_set_of_file (VigilRecordsPreview *self,
                                   gboolean             of_file)
{
  g_return_if_fail (VIGIL_IS_RECORDS_PREVIEW (self));

  self->of_file = of_file;
}
