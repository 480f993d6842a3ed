/* vigil-records-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The records the account is made of (design 2.6): one per source, with
 * its keys and last observation, each of several can be unlinked into a
 * customer of its own.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-tooltip.h"
#include "vigil-records-section.h"

struct _VigilRecordsSection
{
  AdwBin                parent_instance;

  /* Template children */
  AdwPreferencesGroup  *records_group;
  GtkListBox           *records_list;

  VigilPortfolio       *portfolio;
  VigilCustomerHistory *history;       /* the records the rows point into */
  GCancellable         *cancellable;
};

static void vigil_records_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilRecordsSection, vigil_records_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_records_section_iface_init))

/* Unlinking ---------------------------------------------------------------- */

typedef struct
{
  char *source;
  char *external_id;
} UnlinkData;

static void
unlink_data_free (gpointer data)
{
  UnlinkData *unlink = data;

  g_free (unlink->source);
  g_free (unlink->external_id);
  g_free (unlink);
}

static gpointer
unlink_work (VigilStore  *store,
             gpointer     data,
             GError     **error)
{
  UnlinkData *unlink = data;

  if (!vigil_store_unlink_record (store, unlink->source, unlink->external_id, NULL, error))
    return NULL;
  /* TRANSLATORS: a record as SOURCE:ID, e.g. "crm:512" */
  return g_strdup_printf (_("%s:%s unlinked: it is a customer of its own now"),
                          unlink->source, unlink->external_id);
}

static void
unlink_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VigilRecordsSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->records_list), TRUE);
  if (message == NULL)
    {
      message = g_strdup_printf (_("Could not unlink the record: %s"), error->message);
      vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
      return;
    }
  vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static void
unlink_clicked_cb (GtkButton           *button,
                   VigilRecordsSection *self)
{
  const VigilRecordRow *record = g_object_get_data (G_OBJECT (button), "record");
  UnlinkData *data = g_new0 (UnlinkData, 1);

  data->source = g_strdup (record->source);
  data->external_id = g_strdup (record->external_id);
  /* One change at a time: the reload lists the records again. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->records_list), FALSE);
  vigil_portfolio_run_async (self->portfolio, unlink_work, data, unlink_data_free, self->cancellable,
                             unlink_cb, g_object_ref (self));
}

/* Showing ------------------------------------------------------------------ */

/* "Keys: a, b" and when it was last observed, in plain text. */
static char *
describe_record (const VigilRecordRow *record)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (record->keys != NULL && record->keys[0] != NULL)
    {
      g_autofree char *keys = g_strjoinv (", ", record->keys);

      g_string_append_printf (text, _("Keys: %s"), keys);
    }
  else
    g_string_append (text, _("No keys"));
  g_string_append_c (text, '\n');
  if (record->latest_at == VIGIL_UNKNOWN)
    g_string_append (text, _("Never observed"));
  else
    {
      g_autofree char *when = vigil_format_date_time (record->latest_at);
      g_autofree char *ago = vigil_format_ago (vigil_section_get_now () - record->latest_at);

      /* TRANSLATORS: a date and how long ago it was, e.g. "Last observed 3 Mar 2026, 14:00 (5 days ago)" */
      g_string_append_printf (text, _("Last observed %s (%s)"), when, ago);
    }
  if (record->detached)
    {
      g_string_append_c (text, '\n');
      g_string_append (text, _("Unlinked: shared keys do not join it to other customers"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A record's row: what it is, and a button that unlinks it. */
static GtkWidget *
new_record_row (gpointer user_data)
{
  GtkWidget *row = vigil_section_new_text_row ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Unlink"));

  g_signal_connect_object (button, "clicked", G_CALLBACK (unlink_clicked_cb), user_data, 0);
  vigil_section_text_row_add_suffix (row, button);
  g_object_set_data (G_OBJECT (row), "button", button);
  return row;
}

static const VigilSectionRowKind record_row_kind = { new_record_row };

static void
add_record_row (VigilSectionRows     *rows,
                const VigilRecordRow *record,
                gboolean              can_unlink)
{
  /* TRANSLATORS: a record's source and its id there, e.g. "crm · 512" */
  g_autofree char *title = g_strdup_printf (_("%s · %s"), record->source, record->external_id);
  g_autofree char *subtitle = describe_record (record);
  g_autofree char *name = g_strdup_printf ("record-%s:%s", record->source, record->external_id);
  GtkWidget *row = vigil_section_rows_next (rows, &record_row_kind);
  GtkWidget *button = g_object_get_data (G_OBJECT (row), "button");

  vigil_section_text_row_set (row, title, subtitle);
  gtk_widget_set_name (row, name);
  gtk_widget_set_sensitive (button, can_unlink);
  vigil_tooltip_set_static (button, can_unlink
                               ? _("Take this record out into a customer of its own")
                               : _("The customer’s only record: there is nothing to unlink it from"));
  g_object_set_data (G_OBJECT (button), "record", (gpointer) record);
}

static void
vigil_records_section_show (VigilCustomerSection *section,
                            VigilPortfolio       *portfolio,
                            VigilCustomer        *customer,
                            VigilCustomerHistory *history)
{
  VigilRecordsSection *self = VIGIL_RECORDS_SECTION (section);
  GPtrArray *records;
  g_autofree char *description = NULL;
  VigilSectionRows rows;

  g_set_object (&self->portfolio, portfolio);
  vigil_section_rows_begin (&rows, self->records_list, self);
  if (history == NULL)
    {
      vigil_section_rows_add_spinner (&rows, _("Loading the records…"));
      vigil_section_rows_end (&rows);
      vigil_section_set_group_description (self->records_group, NULL);
      /* No row shown points into it now: the records may go. */
      g_clear_pointer (&self->history, vigil_customer_history_unref);
      return;
    }
  /* The rows shown point into the history's records. */
  vigil_customer_history_ref (history);
  g_clear_pointer (&self->history, vigil_customer_history_unref);
  self->history = history;

  records = history->records;
  for (guint i = 0; i < records->len; i++)
    add_record_row (&rows, records->pdata[i], records->len > 1);
  vigil_section_rows_end (&rows);
  if (records->len > 1)
    description = g_strdup_printf (ngettext ("What %u source says about this customer, scored together",
                                             "What %u sources say about this customer, scored together",
                                             records->len), records->len);
  else
    description = g_strdup (_("One source knows this customer; Merge… joins another customer’s records to it"));
  vigil_section_set_group_description (self->records_group, description);
}

static void
vigil_records_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_records_section_show;
}

static void
vigil_records_section_dispose (GObject *object)
{
  VigilRecordsSection *self = (VigilRecordsSection *) object;

  g_cancellable_cancel (self->cancellable);
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_RECORDS_SECTION);
  g_clear_object (&self->portfolio);
  g_clear_pointer (&self->history, vigil_customer_history_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vigil_records_section_parent_class)->dispose (object);
}

static void
vigil_records_section_class_init (VigilRecordsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_records_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-records-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilRecordsSection, records_group);
  gtk_widget_class_bind_template_child (widget_class, VigilRecordsSection, records_list);
}

static void
vigil_records_section_init (VigilRecordsSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
