/* vigil-source-assistant.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-source-assistant"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-json-tree.h"
#include "vigil-records-preview.h"
#include "vigil-snapshot-text.h"
#include "vigil-source-assistant.h"
#include "vigil-source-dialog.h"

/* Adding a source as a conversation (design 5): what to connect (a
 * preset, any JSON endpoint, a CSV file), where and with which
 * credential, then the first page as Vigil will store it. For an
 * endpoint of any shape, the first record is shown as a tree and a click
 * on a value says which field it fills; for a CSV file, each column has
 * a menu of what it can fill. The mapping is drafted as the JSON a
 * person would write, checked by the mapping loader, and the page (or
 * the file's first rows) read with it again after every click. Nothing
 * is stored until Save, which adds the source (its secrets to the
 * keyring) and polls it, or Import, which imports the file. */

/* Records of the first page shown as they will be stored. */
#define RECORDS_SHOWN 5

/* Narrower than this, the first record and the records stored stack. */
#define NARROW_WIDTH 760

typedef enum
{
  KIND_NONE,
  KIND_PRESET,
  KIND_JSON,
  KIND_CSV,
} Kind;

/* Rows of a CSV file read to show what an import would store. */
#define CSV_ROWS_READ 200
/* Cells shown under each column's name. */
#define CSV_SAMPLES 3

/* The choices of the pages row, in its order. */
typedef enum
{
  PAGES_ONE,
  PAGES_LINK_HEADER,
  PAGES_NEXT_LINK,
} PagesChoice;

struct _VigilSourceAssistant
{
  AdwWindow            parent_instance;

  AdwPreferencesGroup *auth_group;
  GtkButton           *back_button;
  GtkToggleButton     *choose_records_button;
  GtkBox              *columns_box;
  AdwPreferencesGroup *columns_group;
  AdwEntryRow         *csv_name_row;
  VigilRecordsPreview *csv_preview;
  AdwComboRow         *decimal_row;
  AdwPreferencesGroup *endpoint_group;
  GtkLabel            *error_label;
  AdwPreferencesGroup *file_group;
  GtkSpinButton       *interval_spin;
  GtkBox              *map_box;
  VigilRecordsPreview *map_preview;
  AdwEntryRow         *name_row;
  AdwComboRow         *pages_row;
  VigilRecordsPreview *preset_preview;
  AdwPreferencesGroup *presets_group;
  GtkButton           *primary_button;
  VigilJsonTree       *record_tree;
  AdwActionRow        *records_row;
  GtkSpinner          *spinner;
  GtkStack            *stack;
  AdwPasswordEntryRow *token_row;
  GtkLabel            *tree_heading;
  AdwEntryRow         *url_row;
  AdwEntryRow         *user_row;
  AdwPreferencesGroup *usual_group;
  AdwWindowTitle      *window_title;

  VigilPortfolio      *portfolio;
  VigilPoller         *poller;
  GCancellable        *cancellable;   /* the window's: cancelled when it goes */
  GCancellable        *testing;       /* the test or reading under way */
  Kind                 kind;
  VigilPreset         *preset;        /* the one chosen, for KIND_PRESET */
  GPtrArray           *usual_rows;    /* of AdwActionRow: fields the preset's users usually add */
  VigilPreview        *preview;       /* the first page, once tested */
  GFile               *csv_file;      /* for KIND_CSV */
  VigilCsvHead        *csv_head;      /* its start */
  GPtrArray           *column_rows;   /* of AdwActionRow, a column each */
  GtkFileChooserNative *chooser;
  VigilMappingDraft   *draft;
  char                *mapping_json;  /* what Save stores, once it reads records */
  char                *pages_pointer; /* the next link's, among the pages choices */
  guint                reading;       /* the latest reading asked for */
  gboolean             busy;
  gboolean             updating_rows;
};

G_DEFINE_FINAL_TYPE (VigilSourceAssistant, vigil_source_assistant, ADW_TYPE_WINDOW)

enum {
  SOURCE_ADDED,
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_draft (VigilSourceAssistant *self);
static void refresh_columns (VigilSourceAssistant *self);

/* Helpers ------------------------------------------------------------------- */

static char *
dup_entry_text (gpointer editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
show_error (VigilSourceAssistant *self,
            const char           *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_busy (VigilSourceAssistant *self,
          gboolean              busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.back", !busy);
}

/* Whether the primary button can act on the page shown. */
static void
update_primary (VigilSourceAssistant *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean sensitive = FALSE;

  if (g_strcmp0 (page, "connect") == 0)
    sensitive = *gtk_editable_get_text (GTK_EDITABLE (self->url_row)) != '\0';
  else if (g_strcmp0 (page, "map") == 0 || g_strcmp0 (page, "records") == 0)
    sensitive = self->mapping_json != NULL;
  else if (g_strcmp0 (page, "columns") == 0)
    sensitive = self->mapping_json != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->csv_name_row)) != '\0';
  gtk_widget_set_sensitive (GTK_WIDGET (self->primary_button), sensitive && !self->busy);
}

/* A name from the URL's host: "api.hubspot.com" → "hubspot". */
static char *
guess_name (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_auto(GStrv) labels = NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL || *host == '\0')
    return NULL;
  if (g_hostname_is_ip_address (host))
    return g_strdup (host);
  labels = g_strsplit (host, ".", -1);
  for (guint i = 0; labels[i] != NULL && labels[i + 1] != NULL; i++)
    if (!g_str_equal (labels[i], "api") && !g_str_equal (labels[i], "www") && *labels[i] != '\0')
      return g_strdup (labels[i]);
  return g_strdup (host);
}

/* The secrets typed, as the source will send them; wiped when cleared. */
typedef struct
{
  char *token;
  char *header_value;
  char *query_value;
} Typed;

static void
typed_clear (Typed *typed)
{
  g_clear_pointer (&typed->token, vigil_secrets_wipe_free);
  g_clear_pointer (&typed->header_value, vigil_secrets_wipe_free);
  g_clear_pointer (&typed->query_value, vigil_secrets_wipe_free);
}

static VigilGivenSecrets
typed_given (const Typed *typed)
{
  return (VigilGivenSecrets) { typed->token, typed->header_value, typed->query_value };
}

/* The text of an entry, NULL when empty; not trimmed (a secret is as
 * typed). */
static char *
dup_secret_text (gpointer editable)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (editable));

  return *text != '\0' ? g_strdup (text) : NULL;
}

/* A member of the chosen preset's auth: scheme, credential, param. */
static char *
dup_preset_auth (VigilSourceAssistant *self,
                 const char           *member)
{
  g_autoptr(JsonNode) preset = vigil_preset_to_json (self->preset);
  JsonNode *value = vigil_json_pointer_get (preset, member);

  return value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
         ? g_strdup (json_node_get_string (value)) : NULL;
}

/* The fields the preset's users usually add that are switched on, as
 * `--field` gives them (design 2.7). */
static GStrv
dup_usual_fields (VigilSourceAssistant *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; self->usual_rows != NULL && i < self->usual_rows->len; i++)
    {
      GtkWidget *row = self->usual_rows->pdata[i];
      GtkSwitch *on = g_object_get_data (G_OBJECT (row), "vigil-switch");
      VigilField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "vigil-field"));

      if (gtk_switch_get_active (on))
        {
          g_autofree char *value = g_strdup_printf ("%s=%s", vigil_field_get_name (field),
                                                    vigil_preset_get_usual_pointer (self->preset, field));

          g_strv_builder_add (builder, value);
        }
    }
  return g_strv_builder_end (builder);
}

/* For a preset: its address (the URL given, or the vendor's path on a
 * host given alone), its mapping with the fields switched on, and its
 * credential where the vendor wants it: a bearer token, HTTP basic
 * authentication, or a query parameter. */
static gboolean
configure_preset (VigilSourceAssistant  *self,
                  VigilSource           *source,
                  Typed                 *typed,
                  GError               **error)
{
  g_auto(GStrv) fields = dup_usual_fields (self);
  g_autofree char *url = NULL;
  g_autofree char *mapping = NULL;
  const char *scheme = vigil_preset_get_auth_scheme (self->preset);

  if (!vigil_preset_configure (self->preset, source->url, (const char * const *) fields, &url, &mapping, error))
    return FALSE;
  g_free (source->url);
  source->url = g_steal_pointer (&url);
  g_free (source->mapping);
  source->mapping = g_steal_pointer (&mapping);

  if (g_str_equal (scheme, "basic"))
    {
      g_autofree char *user = dup_secret_text (self->user_row);
      g_autofree char *password = dup_secret_text (self->token_row);

      if (user != NULL || password != NULL)
        {
          g_autofree char *pair = g_strconcat (user != NULL ? user : "", ":", password != NULL ? password : "", NULL);
          g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

          typed->header_value = g_strconcat ("Basic ", encoded, NULL);
          source->header_names = g_strsplit ("Authorization", "\n", -1);
          memset (pair, 0, strlen (pair));
          memset (encoded, 0, strlen (encoded));
          if (password != NULL)
            memset (password, 0, strlen (password));
        }
    }
  else if (g_str_equal (scheme, "query"))
    {
      g_autofree char *param = dup_preset_auth (self, "/auth/param");

      if ((typed->query_value = dup_secret_text (self->token_row)) != NULL)
        source->query_secret_names = g_strsplit (param, "\n", -1);
    }
  else
    typed->token = dup_secret_text (self->token_row);
  return TRUE;
}

/* The source the form describes (with @mapping_json for an endpoint of
 * any shape) and the secrets typed for it; NULL with @error naming what
 * is wrong. */
static VigilSource *
build_source (VigilSourceAssistant  *self,
              const char            *mapping_json,
              Typed                 *typed,
              GError               **error)
{
  g_autofree char *url = dup_entry_text (self->url_row);
  g_autofree char *name = dup_entry_text (self->name_row);
  g_autoptr(VigilSource) source = NULL;

  if (name == NULL && url != NULL && (name = guess_name (url)) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  source = vigil_source_new (name, url);
  source->interval_min = (guint) gtk_spin_button_get_value_as_int (self->interval_spin);
  if (self->kind == KIND_PRESET)
    {
      if (!configure_preset (self, source, typed, error))
        return NULL;
    }
  else
    {
      source->mapping = g_strdup (mapping_json);
      typed->token = dup_secret_text (self->token_row);
    }
  source->keyring_token = typed->token != NULL;
  if (!vigil_source_validate (source, error))
    return NULL;
  return g_steal_pointer (&source);
}

/* A fresh cancellable for the next test or reading; the one before is
 * cancelled: only the latest answer counts. */
static GCancellable *
restart_testing (VigilSourceAssistant *self)
{
  g_cancellable_cancel (self->testing);
  g_clear_object (&self->testing);
  self->testing = g_cancellable_new ();
  return self->testing;
}

/* Pages --------------------------------------------------------------------- */

static void
go_to_page (VigilSourceAssistant *self,
            const char           *page)
{
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
page_changed_cb (VigilSourceAssistant *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean first = g_strcmp0 (page, "kind") == 0;

  g_assert (VIGIL_IS_SOURCE_ASSISTANT (self));

  show_error (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), !first);
  gtk_widget_set_visible (GTK_WIDGET (self->primary_button), !first);
  if (first)
    adw_window_title_set_subtitle (self->window_title, _("Step 1 of 3: what to connect"));
  else if (g_strcmp0 (page, "connect") == 0)
    {
      adw_window_title_set_subtitle (self->window_title, _("Step 2 of 3: where, and with which token"));
      gtk_button_set_label (self->primary_button, _("_Test"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->primary_button), _("Fetch the first page"));
    }
  else if (g_strcmp0 (page, "columns") == 0)
    {
      adw_window_title_set_subtitle (self->window_title, _("Step 2 of 2: say what each column holds"));
      gtk_button_set_label (self->primary_button, _("_Import"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->primary_button), _("Import the file’s records"));
    }
  else
    {
      adw_window_title_set_subtitle (self->window_title,
                                     g_strcmp0 (page, "map") == 0
                                     ? _("Step 3 of 3: click a value to say what it is")
                                     : _("Step 3 of 3: what Vigil will store"));
      gtk_button_set_label (self->primary_button, _("_Save"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->primary_button), _("Add the source and poll it"));
    }
  update_primary (self);
}

/* A time format as people read one: "%d/%m/%Y %H:%M" as "DD/MM/YYYY
 * hh:mm" (design 2.2's conversions). */
static char *
format_for_people (const char *format)
{
  static const struct
  {
    char        conversion;
    const char *shown;
  } shown[] = {
    { 'Y', "YYYY" }, { 'y', "YY" }, { 'm', "MM" }, { 'd', "DD" }, { 'e', "D" }, { 'b', "Mon" },
    { 'B', "Month" }, { 'H', "hh" }, { 'I', "hh" }, { 'M', "mm" }, { 'S', "ss" }, { 'p', "AM/PM" },
    { 'z', "±hh:mm" }, { '%', "%" },
  };
  GString *out = g_string_new (NULL);

  for (const char *p = format; *p != '\0'; p++)
    {
      const char *text = NULL;

      if (*p == '%' && p[1] != '\0')
        for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
          if (shown[i].conversion == p[1])
            text = shown[i].shown;
      if (text != NULL)
        {
          g_string_append (out, text);
          p++;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* Words for a choice of field: "MRR, from cents (× 0.01)". */
static char *
describe_choice (const VigilFieldChoice *choice)
{
  const char *field = vigil_field_get_label (choice->field);

  switch (choice->transform)
    {
    case VIGIL_TRANSFORM_CENTS:
      /* TRANSLATORS: %s is a field, e.g. "MRR" */
      return g_strdup_printf (_("%s, from cents (× 0.01)"), field);
    case VIGIL_TRANSFORM_EPOCH_MS:
      return g_strdup_printf (_("%s, from Unix time in milliseconds"), field);
    case VIGIL_TRANSFORM_EPOCH_S:
      return g_strdup_printf (_("%s, from Unix time in seconds"), field);
    case VIGIL_TRANSFORM_TIME_FORMAT:
      {
        g_autofree char *format = format_for_people (choice->time_format);

        /* TRANSLATORS: a field and the way its times are written, e.g.
         * "Last active (DD/MM/YYYY hh:mm)" */
        return g_strdup_printf (_("%s (%s)"), field, format);
      }
    case VIGIL_TRANSFORM_LOWER:
      return g_strdup_printf (_("%s, lower-cased"), field);
    case VIGIL_TRANSFORM_NONE:
    default:
      return g_strdup (field);
    }
}

/* A choice as its menu item says it: a time in a format of its own as the
 * time it reads, so that 05/03/2024 read day first or month first can be
 * told apart. */
static char *
describe_choice_of (const VigilFieldChoice *choice,
                    const char             *text)
{
  gint64 time;

  if (choice->transform == VIGIL_TRANSFORM_TIME_FORMAT && text != NULL &&
      vigil_time_parse_format (text, choice->time_format, &time))
    {
      g_autofree char *read = vigil_time_format (time);

      /* TRANSLATORS: "Last active, read as 2024-03-05T14:23:00Z" */
      return g_strdup_printf (_("%s, read as %s"), vigil_field_get_label (choice->field), read);
    }
  return describe_choice (choice);
}

/* The tree: the first record, or the whole page to choose the records --- */

static gboolean
choosing_records (VigilSourceAssistant *self)
{
  return gtk_toggle_button_get_active (self->choose_records_button);
}

static JsonNode *
first_record (VigilSourceAssistant *self)
{
  JsonNode *array = vigil_json_pointer_get (vigil_preview_get_sample (self->preview),
                                            vigil_mapping_draft_get_records (self->draft));

  if (array == NULL || !JSON_NODE_HOLDS_ARRAY (array) || json_array_get_length (json_node_get_array (array)) == 0)
    return NULL;
  return json_array_get_element (json_node_get_array (array), 0);
}

/* The menu of a value at @target (a pointer, or a CSV column) whose
 * text is @text: the fields it can fill, and, when it fills one, "Not
 * Used"; NULL when it can fill none and fills none. */
static GMenuModel *
choices_menu (VigilSourceAssistant *self,
              GPtrArray            *choices,
              const char           *target,
              const char           *text)
{
  gboolean assigned = vigil_mapping_draft_lookup (self->draft, target) != NULL;
  GMenu *menu;
  GMenu *fields;

  if (choices->len == 0 && !assigned)
    return NULL;
  menu = g_menu_new ();
  fields = g_menu_new ();
  for (guint i = 0; i < choices->len; i++)
    {
      const VigilFieldChoice *choice = choices->pdata[i];
      g_autofree char *label = describe_choice_of (choice, text);
      GMenuItem *item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "assistant.assign",
                                               g_variant_new ("(siis)", target, (gint32) choice->field,
                                                              (gint32) choice->transform,
                                                              choice->time_format != NULL ? choice->time_format : ""));
      g_menu_append_item (fields, item);
      g_object_unref (item);
    }
  g_menu_append_section (menu, _("Use As"), G_MENU_MODEL (fields));
  g_object_unref (fields);
  if (assigned)
    {
      GMenu *others = g_menu_new ();
      GMenuItem *item = g_menu_item_new (_("Not Used"), NULL);

      g_menu_item_set_action_and_target_value (item, "assistant.unassign", g_variant_new_string (target));
      g_menu_append_item (others, item);
      g_object_unref (item);
      g_menu_append_section (menu, NULL, G_MENU_MODEL (others));
      g_object_unref (others);
    }
  return G_MENU_MODEL (menu);
}

/* What a click on a value offers: in the first record, the fields it
 * can fill; in the whole page, a list of objects may be the customers
 * and a link the next page's. */
static GMenuModel *
tree_menu_cb (const char *pointer,
              JsonNode   *node,
              gpointer    user_data)
{
  VigilSourceAssistant *self = user_data;
  g_autoptr(GPtrArray) choices = NULL;
  const char *text = NULL;
  GMenu *menu;

  if (choosing_records (self))
    {
      GMenuItem *item;

      if (vigil_json_holds_records (node))
        {
          menu = g_menu_new ();
          item = g_menu_item_new (_("These Are the Customers"), NULL);
          g_menu_item_set_action_and_target_value (item, "assistant.use-records", g_variant_new_string (pointer));
          g_menu_append_item (menu, item);
          g_object_unref (item);
          return G_MENU_MODEL (menu);
        }
      if (vigil_json_holds_link (node))
        {
          menu = g_menu_new ();
          item = g_menu_item_new (_("The Next Page’s Link"), NULL);
          g_menu_item_set_action_and_target_value (item, "assistant.use-next", g_variant_new_string (pointer));
          g_menu_append_item (menu, item);
          g_object_unref (item);
          return G_MENU_MODEL (menu);
        }
      return NULL;
    }

  choices = vigil_field_choices_for_value (node);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = json_node_get_string (node);
  return choices_menu (self, choices, pointer, text);
}

static char *
tree_badge_cb (const char *pointer,
               JsonNode   *node,
               gpointer    user_data)
{
  VigilSourceAssistant *self = user_data;
  const VigilFieldChoice *choice;
  const char *next = NULL;

  if (choosing_records (self))
    {
      if (g_str_equal (pointer, vigil_mapping_draft_get_records (self->draft)))
        return g_strdup (_("the customers"));
      if (vigil_mapping_draft_get_pagination (self->draft, &next) == VIGIL_PAGINATION_NEXT_URL &&
          g_strcmp0 (next, pointer) == 0)
        return g_strdup (_("the next page"));
      return NULL;
    }
  choice = vigil_mapping_draft_lookup (self->draft, pointer);
  return choice != NULL ? describe_choice (choice) : NULL;
}

/* Shows the first record, or the whole page when choosing where the
 * records are (or when no list of records was found). */
static void
show_tree (VigilSourceAssistant *self)
{
  JsonNode *record = first_record (self);

  if (choosing_records (self) || record == NULL)
    {
      gtk_label_set_text (self->tree_heading,
                          record == NULL && !choosing_records (self)
                          ? _("Vigil found no list of customers on this page: click the list that holds them")
                          : _("The first page: click the list that holds the customers"));
      vigil_json_tree_set_root (self->record_tree, vigil_preview_get_sample (self->preview));
    }
  else
    {
      gtk_label_set_text (self->tree_heading, _("The first customer: click a value to say what it is"));
      vigil_json_tree_set_root (self->record_tree, record);
    }
}

static void
choose_records_toggled_cb (VigilSourceAssistant *self)
{
  g_assert (VIGIL_IS_SOURCE_ASSISTANT (self));

  if (self->preview != NULL)
    show_tree (self);
}

/* The pages row: one page, the Link header, or a next link at a pointer
 * (the one guessed or clicked). */
static void
fill_pages_row (VigilSourceAssistant *self)
{
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  const char *next = NULL;
  VigilPaginationStyle style = vigil_mapping_draft_get_pagination (self->draft, &next);
  guint selected = PAGES_ONE;

  if (next != NULL)
    {
      g_free (self->pages_pointer);
      self->pages_pointer = g_strdup (next);
    }
  gtk_string_list_append (choices, _("One page"));
  gtk_string_list_append (choices, _("Follow the Link header"));
  if (self->pages_pointer != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("Follow the link at %s"), self->pages_pointer);

      gtk_string_list_append (choices, label);
    }
  if (style == VIGIL_PAGINATION_LINK_HEADER)
    selected = PAGES_LINK_HEADER;
  else if (style == VIGIL_PAGINATION_NEXT_URL)
    selected = PAGES_NEXT_LINK;

  self->updating_rows = TRUE;
  adw_combo_row_set_model (self->pages_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->pages_row, selected);
  self->updating_rows = FALSE;
}

static void
pages_selected_cb (VigilSourceAssistant *self)
{
  g_assert (VIGIL_IS_SOURCE_ASSISTANT (self));

  if (self->updating_rows || self->draft == NULL)
    return;
  switch (adw_combo_row_get_selected (self->pages_row))
    {
    case PAGES_LINK_HEADER:
      vigil_mapping_draft_set_pagination (self->draft, VIGIL_PAGINATION_LINK_HEADER, NULL);
      break;
    case PAGES_NEXT_LINK:
      vigil_mapping_draft_set_pagination (self->draft, VIGIL_PAGINATION_NEXT_URL, self->pages_pointer);
      break;
    case PAGES_ONE:
    default:
      vigil_mapping_draft_set_pagination (self->draft, VIGIL_PAGINATION_NONE, NULL);
      break;
    }
  update_draft (self);
}

/* Reading the page with a mapping ------------------------------------------ */

/* Why @preset cannot fill @field, in the window's words, or NULL. */
static const char *
describe_cannot_fill (VigilPreset *preset,
                      VigilField   field)
{
  const char *reason = vigil_preset_get_cannot_fill (preset, field);

  /* The command line's words say how to add it there (--field). */
  if (g_strcmp0 (reason, "custom") == 0)
    return _("no standard property: see More Fields");
  return vigil_preset_describe_reason (reason);
}

typedef struct
{
  VigilSourceAssistant *self;
  VigilMapping         *mapping;
  char                 *mapping_json;
  VigilRecordsPreview  *shown_in;
  guint                 reading;
  gboolean              csv;      /* the first rows of a CSV file, not a page */
} Reading;

static void
reading_free (Reading *reading)
{
  g_object_unref (reading->self);
  g_object_unref (reading->mapping);
  g_free (reading->mapping_json);
  g_free (reading);
}

static void
read_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Reading *reading = user_data;
  VigilSourceAssistant *self = reading->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreviewRecords) records = reading->csv ? vigil_import_preview_csv_finish (result, &error)
                                                        : vigil_preview_read_finish (VIGIL_PREVIEW (object),
                                                                                     result, &error);
  gboolean mapped[VIGIL_N_FIELDS];

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || reading->reading != self->reading)
    {
      reading_free (reading);
      return;
    }
  set_busy (self, FALSE);
  g_clear_pointer (&self->mapping_json, g_free);
  if (records == NULL)
    vigil_records_preview_show_error (reading->shown_in, error->message);
  else
    {
      const char *reasons[VIGIL_N_FIELDS] = { NULL };

      for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
        {
          mapped[field] = vigil_mapping_fills_field (reading->mapping, field);
          if (self->kind == KIND_PRESET)
            reasons[field] = describe_cannot_fill (self->preset, field);
        }
      vigil_records_preview_show (reading->shown_in, records, mapped, reasons);
      if (records->snapshots->len > 0)
        self->mapping_json = g_steal_pointer (&reading->mapping_json);
    }
  update_primary (self);
  reading_free (reading);
}

/* Reads the first page with @mapping into @shown_in; Save stores
 * @mapping_json once that gives records. */
static void
start_reading (VigilSourceAssistant *self,
               VigilMapping         *mapping,
               const char           *mapping_json,
               VigilRecordsPreview  *shown_in)
{
  Reading *reading = g_new0 (Reading, 1);

  reading->self = g_object_ref (self);
  reading->mapping = g_object_ref (mapping);
  reading->mapping_json = g_strdup (mapping_json);
  reading->shown_in = shown_in;
  reading->reading = ++self->reading;
  reading->csv = self->kind == KIND_CSV;
  g_clear_pointer (&self->mapping_json, g_free);
  set_busy (self, TRUE);
  update_primary (self);
  if (reading->csv)
    vigil_import_preview_csv_async (self->csv_file, mapping, CSV_ROWS_READ, RECORDS_SHOWN, restart_testing (self),
                                    read_done_cb, reading);
  else
    vigil_preview_read_async (self->preview, mapping, RECORDS_SHOWN, restart_testing (self), read_done_cb,
                              reading);
}

/* The draft changed: its mapping checked by the loader, the page read
 * with it again, the tree's badges and the rows above it redone. */
static void
update_draft (VigilSourceAssistant *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autofree char *json = vigil_mapping_draft_to_json (self->draft);
  g_autofree char *records_text = NULL;
  const char *records = vigil_mapping_draft_get_records (self->draft);

  if (self->kind == KIND_CSV)
    refresh_columns (self);
  else
    {
      records_text = g_strdup_printf (_("The list at %s"), *records != '\0' ? records : _("the top of the page"));
      adw_action_row_set_subtitle (self->records_row, first_record (self) != NULL
                                   ? records_text : _("No list of customers found yet"));
      vigil_json_tree_refresh (self->record_tree);
    }

  if (!(mapping = vigil_mapping_draft_build (self->draft, &error)))
    {
      g_autofree char *message = NULL;

      self->reading++;
      set_busy (self, FALSE);
      g_clear_pointer (&self->mapping_json, g_free);
      if (vigil_mapping_draft_get_pointer (self->draft, VIGIL_FIELD_ID) == NULL)
        message = g_strdup (self->kind == KIND_CSV
                            ? _("Vigil needs to know which column names each customer: choose “Id” for it.")
                            : _("Vigil needs to know which value names each customer: click it and choose “Id”."));
      else
        message = g_strdup (error->message);
      vigil_records_preview_show_error (self->kind == KIND_CSV ? self->csv_preview : self->map_preview, message);
      update_primary (self);
      return;
    }
  start_reading (self, mapping, json, self->kind == KIND_CSV ? self->csv_preview : self->map_preview);
}

/* A CSV file ---------------------------------------------------------------- */

/* The first cell of @column that is not empty, or NULL. */
static const char *
first_cell (VigilSourceAssistant *self,
            guint                 column)
{
  for (guint r = 0; r < self->csv_head->rows->len; r++)
    {
      const char *cell = ((GStrv) self->csv_head->rows->pdata[r])[column];

      if (*cell != '\0')
        return cell;
    }
  return NULL;
}

/* What a column's choice offers: the fields its first cell can fill,
 * read with the file's decimal mark. */
static GMenuModel *
column_menu (VigilSourceAssistant *self,
             const char           *column,
             const char           *cell)
{
  g_autoptr(GPtrArray) choices = cell != NULL
    ? vigil_field_choices_for_cell (cell, vigil_mapping_draft_get_decimal (self->draft))
    : g_ptr_array_new ();

  return choices_menu (self, choices, column, cell);
}

/* Each column's choice says what it fills, and offers what it can. */
static void
refresh_columns (VigilSourceAssistant *self)
{
  for (guint c = 0; self->column_rows != NULL && c < self->column_rows->len; c++)
    {
      GtkWidget *row = self->column_rows->pdata[c];
      GtkMenuButton *button = g_object_get_data (G_OBJECT (row), "vigil-button");
      const char *column = self->csv_head->columns->pdata[c];
      const VigilFieldChoice *choice = vigil_mapping_draft_lookup (self->draft, column);
      g_autofree char *label = choice != NULL ? describe_choice (choice) : g_strdup (_("Not used"));
      g_autoptr(GMenuModel) menu = column_menu (self, column, first_cell (self, c));

      gtk_menu_button_set_label (button, label);
      gtk_menu_button_set_menu_model (button, menu);
      if (choice != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (button), "dim-label");
      else
        gtk_widget_add_css_class (GTK_WIDGET (button), "dim-label");
    }
}

/* A row for each column: its name, its first cells, and its choice. */
static void
fill_columns (VigilSourceAssistant *self)
{
  g_autofree char *file_name = g_file_get_basename (self->csv_file);
  g_autofree char *description = NULL;

  for (guint c = 0; self->column_rows != NULL && c < self->column_rows->len; c++)
    adw_preferences_group_remove (self->columns_group, self->column_rows->pdata[c]);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  self->column_rows = g_ptr_array_new ();

  for (guint c = 0; c < self->csv_head->columns->len; c++)
    {
      const char *column = self->csv_head->columns->pdata[c];
      g_autoptr(GString) samples = g_string_new (NULL);
      g_autofree char *name = g_strdup_printf ("column:%s", column);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_menu_button_new ();

      for (guint r = 0, shown = 0; r < self->csv_head->rows->len && shown < CSV_SAMPLES; r++)
        {
          const char *cell = ((GStrv) self->csv_head->rows->pdata[r])[c];
          g_autofree char *printable = NULL;

          if (*cell == '\0')
            continue;
          printable = vigil_text_printable (cell, -1);
          g_string_append_printf (samples, "%s%s", shown++ > 0 ? " · " : "", printable);
        }
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *column != '\0' ? column : _("(no name)"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), samples->len > 0 ? samples->str : _("empty in the first rows"));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_name (button, name);
      gtk_menu_button_set_always_show_arrow (GTK_MENU_BUTTON (button), TRUE);
      gtk_widget_add_css_class (button, "flat");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, column, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      g_object_set_data (G_OBJECT (row), "vigil-button", button);
      adw_preferences_group_add (self->columns_group, row);
      g_ptr_array_add (self->column_rows, row);
    }

  adw_preferences_group_set_title (self->file_group, file_name);
  description = g_strdup_printf (_("Columns separated by %s; %u columns"),
                                 self->csv_head->delimiter == ';' ? _("semicolons")
                                 : self->csv_head->delimiter == '\t' ? _("tabs") : _("commas"),
                                 self->csv_head->columns->len);
  adw_preferences_group_set_description (self->file_group, description);
  self->updating_rows = TRUE;
  adw_combo_row_set_selected (self->decimal_row, vigil_mapping_draft_get_decimal (self->draft) == ',' ? 1 : 0);
  self->updating_rows = FALSE;
  refresh_columns (self);
}

static void
decimal_selected_cb (VigilSourceAssistant *self)
{
  g_assert (VIGIL_IS_SOURCE_ASSISTANT (self));

  if (self->updating_rows || self->draft == NULL || !vigil_mapping_draft_is_csv (self->draft))
    return;
  vigil_mapping_draft_set_decimal (self->draft, adw_combo_row_get_selected (self->decimal_row) == 1 ? ',' : '.');
  update_draft (self);
}

static void
csv_head_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  VigilCsvHead *head = vigil_csv_head_read (task_data, CSV_ROWS_READ, cancellable, &error);

  if (head == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, head, (GDestroyNotify) vigil_csv_head_free);
}

static void
csv_head_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VigilSourceAssistant *self = VIGIL_SOURCE_ASSISTANT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilCsvHead) head = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *basename = NULL;
  char *dot;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (head == NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->csv_head, vigil_csv_head_free);
  self->csv_head = g_steal_pointer (&head);
  g_clear_object (&self->draft);
  self->draft = vigil_mapping_draft_new_csv (self->csv_head);
  /* The source the records are of: the file's name, as an import names it. */
  basename = g_file_get_basename (self->csv_file);
  if ((dot = strrchr (basename, '.')) != NULL && dot != basename)
    *dot = '\0';
  gtk_editable_set_text (GTK_EDITABLE (self->csv_name_row), basename);
  fill_columns (self);
  go_to_page (self, "columns");
  update_draft (self);
}

typedef struct
{
  GFile        *file;
  VigilMapping *mapping;
  char         *source;
} CsvImport;

static void
csv_import_free (CsvImport *import)
{
  g_object_unref (import->file);
  g_object_unref (import->mapping);
  g_free (import->source);
  g_free (import);
}

/* Runs on a worker thread: the file through the mapping, into the
 * source named, in one transaction (design 2.5). */
static gpointer
csv_import_work (VigilStore  *store,
                 gpointer     data,
                 GError     **error)
{
  CsvImport *import = data;
  g_autoptr(VigilImporter) importer = vigil_importer_new (store);
  VigilIngestStats *stats = g_new0 (VigilIngestStats, 1);

  vigil_importer_set_source (importer, import->source);
  vigil_importer_set_mapping (importer, import->mapping);
  if (!vigil_importer_import_file (importer, import->file, NULL, stats, error))
    g_clear_pointer (&stats, g_free);
  return stats;
}

static void
csv_imported_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VigilSourceAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree VigilIngestStats *stats = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (stats == NULL)
    {
      show_error (self, error->message);
      update_primary (self);
      return;
    }
  vigil_portfolio_reload (self->portfolio);
  message = g_strdup_printf (ngettext ("Imported %" PRIu64 " snapshot", "Imported %" PRIu64 " snapshots",
                                       stats->stored),
                             stats->stored);
  g_signal_emit (self, signals[IMPORTED], 0, message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
import_csv (VigilSourceAssistant *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autofree char *source = dup_entry_text (self->csv_name_row);
  CsvImport *import;

  if (self->mapping_json == NULL || source == NULL)
    return;
  if (!(mapping = vigil_mapping_new_from_data (self->mapping_json, -1, &error)))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  import = g_new0 (CsvImport, 1);
  import->file = g_object_ref (self->csv_file);
  import->mapping = g_steal_pointer (&mapping);
  import->source = g_steal_pointer (&source);
  set_busy (self, TRUE);
  update_primary (self);
  vigil_portfolio_run_async_full (self->portfolio, csv_import_work, import, (GDestroyNotify) csv_import_free, g_free,
                                  self->cancellable, csv_imported_cb, g_object_ref (self));
}

static void
chooser_response_cb (VigilSourceAssistant *self,
                     int                   response,
                     GtkNativeDialog      *chooser)
{
  g_autoptr(GFile) file = NULL;

  g_assert (VIGIL_IS_SOURCE_ASSISTANT (self));

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    vigil_source_assistant_open_file (self, file);
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
choose_csv_file (VigilSourceAssistant *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose a CSV File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "tsv");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Testing ------------------------------------------------------------------- */

static void
preview_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VigilSourceAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreview) preview = vigil_poller_preview_finish (VIGIL_POLLER (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (preview == NULL)
    {
      show_error (self, error->message);
      update_primary (self);
      return;
    }

  g_set_object (&self->preview, preview);
  if (self->kind == KIND_PRESET)
    {
      g_autoptr(VigilMapping) mapping = NULL;
      g_autoptr(VigilSource) source = NULL;
      Typed typed = { NULL };

      /* The preset's mapping as the test asked with it. */
      source = build_source (self, NULL, &typed, &error);
      typed_clear (&typed);
      if (source == NULL || !(mapping = vigil_mapping_new_from_data (source->mapping, -1, &error)))
        {
          show_error (self, error->message);
          return;
        }
      go_to_page (self, "records");
      start_reading (self, mapping, source->mapping, self->preset_preview);
      return;
    }
  /* Tested again (a token corrected): what was clicked stays, as long
   * as the records are still where they were. */
  if (self->draft == NULL || first_record (self) == NULL)
    {
      g_clear_object (&self->draft);
      self->draft = vigil_mapping_draft_new_guessed (preview);
      g_clear_pointer (&self->pages_pointer, g_free);
    }
  fill_pages_row (self);
  gtk_toggle_button_set_active (self->choose_records_button, FALSE);
  vigil_json_tree_set_funcs (self->record_tree, tree_menu_cb, tree_badge_cb, self);
  show_tree (self);
  go_to_page (self, "map");
  update_draft (self);
}

static void
test_source (VigilSourceAssistant *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSource) source = NULL;
  Typed typed = { NULL };
  VigilGivenSecrets given;

  if (!(source = build_source (self, NULL, &typed, &error)))
    {
      typed_clear (&typed);
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  update_primary (self);
  given = typed_given (&typed);
  vigil_poller_preview_async (self->poller, source, vigil_portfolio_get_db_path (self->portfolio), &given,
                              restart_testing (self), preview_done_cb, g_object_ref (self));
  typed_clear (&typed);
}

/* Saving -------------------------------------------------------------------- */

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VigilSourceAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = vigil_portfolio_add_source_finish (VIGIL_PORTFOLIO (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (name == NULL)
    {
      show_error (self, error->message);
      update_primary (self);
      return;
    }
  vigil_portfolio_reload (self->portfolio);
  /* The user wants to see the customers arrive. */
  vigil_portfolio_poll_now (self->portfolio, name);
  g_signal_emit (self, signals[SOURCE_ADDED], 0, name);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_source (VigilSourceAssistant *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSource) source = NULL;
  Typed typed = { NULL };
  VigilGivenSecrets given;

  if (self->mapping_json == NULL)
    return;
  if (!(source = build_source (self, self->mapping_json, &typed, &error)))
    {
      typed_clear (&typed);
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  update_primary (self);
  given = typed_given (&typed);
  vigil_portfolio_add_source_async (self->portfolio, source, &given, self->cancellable, saved_cb,
                                    g_object_ref (self));
  typed_clear (&typed);
}

/* Callbacks and actions ----------------------------------------------------- */

/* The first record beside what Vigil will store, or above it when the
 * window is too narrow for both side by side. */
static void
width_changed_cb (VigilSourceAssistant *self)
{
  int width = 0;
  GtkOrientation orientation;

  g_assert (VIGIL_IS_SOURCE_ASSISTANT (self));


  gtk_window_get_default_size (GTK_WINDOW (self), &width, NULL);
  orientation = width > 0 && width < NARROW_WIDTH ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->map_box), orientation);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->columns_box), orientation);
}

static void
primary_clicked_cb (VigilSourceAssistant *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  g_assert (VIGIL_IS_SOURCE_ASSISTANT (self));

  if (self->busy || !gtk_widget_get_sensitive (GTK_WIDGET (self->primary_button)))
    return;
  if (g_strcmp0 (page, "connect") == 0)
    test_source (self);
  else if (g_strcmp0 (page, "columns") == 0)
    import_csv (self);
  else
    save_source (self);
}

static void
form_changed_cb (VigilSourceAssistant *self)
{
  g_assert (VIGIL_IS_SOURCE_ASSISTANT (self));

  update_primary (self);
}

static void
manual_added_cb (VigilSourceAssistant *self,
                 const char           *name)
{
  g_signal_emit (self, signals[SOURCE_ADDED], 0, name);
}

/* The rows of the fields the preset's users usually add, off. */
static void
fill_usual_fields (VigilSourceAssistant *self)
{
  for (guint i = 0; self->usual_rows != NULL && i < self->usual_rows->len; i++)
    adw_preferences_group_remove (self->usual_group, self->usual_rows->pdata[i]);
  g_clear_pointer (&self->usual_rows, g_ptr_array_unref);
  self->usual_rows = g_ptr_array_new ();
  for (VigilField field = 0; self->preset != NULL && field < VIGIL_N_FIELDS; field++)
    {
      const char *pointer = vigil_preset_get_usual_pointer (self->preset, field);
      g_autofree char *subtitle = NULL;
      g_autofree char *name = NULL;
      GtkWidget *row;
      GtkWidget *on;

      if (pointer == NULL)
        continue;
      row = adw_action_row_new ();
      on = gtk_switch_new ();
      /* TRANSLATORS: where a preset reads a field users often add, e.g.
       * "From /properties/mrr" */
      subtitle = g_strdup_printf (_("From %s"), pointer);
      name = g_strdup_printf ("usual-%s", vigil_field_get_name (field));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vigil_field_get_label (field));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (on, GTK_ALIGN_CENTER);
      gtk_widget_set_name (on, name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (on), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      vigil_field_get_label (field), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), on);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), on);
      g_object_set_data (G_OBJECT (row), "vigil-switch", on);
      g_object_set_data (G_OBJECT (row), "vigil-field", GINT_TO_POINTER (field));
      adw_preferences_group_add (self->usual_group, row);
      g_ptr_array_add (self->usual_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->usual_group), self->usual_rows->len > 0);
}

/* The second step for an endpoint of any shape, as the template has it. */
static void
prepare_for_json (VigilSourceAssistant *self)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), _("URL of the API’s list (https:// or http://)"));
  adw_preferences_group_set_description (self->endpoint_group, NULL);
  adw_preferences_group_set_description (self->auth_group,
                                         _("The token goes into the keyring, never into the database. Leave it "
                                           "empty for an endpoint that needs none."));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), _("Token (sent as “Bearer”)"));
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), FALSE);
  fill_usual_fields (self);
}

/* The second step as the preset wants it: its address (yours where it
 * has a host in braces), a name, and its credential's rows. */
static void
prepare_for_preset (VigilSourceAssistant *self)
{
  const char *scheme = vigil_preset_get_auth_scheme (self->preset);
  const char *url = vigil_preset_get_url (self->preset);
  g_autofree char *credential = dup_preset_auth (self, "/auth/credential");
  g_autofree char *param = dup_preset_auth (self, "/auth/param");
  g_autofree char *needs = NULL;
  g_auto(GStrv) name = g_strsplit (vigil_preset_get_name (self->preset), "-", 2);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), _("URL (https:// or http://)"));
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name[0]);
  adw_preferences_group_set_description (self->endpoint_group,
                                         strchr (url, '{') != NULL
                                         ? _("Put your own address where the part in braces is.")
                                         : _("The vendor’s address, as its documentation gives it."));
  /* TRANSLATORS: %s is what the vendor calls the credential, e.g. "the
   * access token of a HubSpot private app" */
  needs = g_strdup_printf (_("It needs %s. It goes into the keyring, never into the database."), credential);
  adw_preferences_group_set_description (self->auth_group, needs);
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), g_str_equal (scheme, "basic"));
  if (g_str_equal (scheme, "basic"))
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), _("Password or Key"));
  else if (g_str_equal (scheme, "query"))
    {
      /* TRANSLATORS: %s is the name of a query parameter */
      g_autofree char *title = g_strdup_printf (_("Key (sent as the query parameter %s)"), param);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), title);
    }
  fill_usual_fields (self);
}

static gboolean
destroy_idle_cb (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

/* The full form closed: so does the assistant it took over from, once
 * the form's destruction is over. Destroyed within the form's "destroy"
 * emission, a configure event GTK 4.8 still had queued for one of the
 * two windows' surfaces reached a window already freed, now and then
 * (a fatal "invalid unclassed pointer in cast to GtkWindow" in the
 * assistant's tests). */
static void
destroy_after_dialog (VigilSourceAssistant *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, destroy_idle_cb, g_object_ref (self), g_object_unref);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilSourceAssistant *self = VIGIL_SOURCE_ASSISTANT (widget);
  const char *kind = g_variant_get_string (parameter, NULL);

  if (g_str_equal (kind, "manual"))
    {
      /* The full form takes over; what it adds is this window's to tell. */
      VigilSourceDialog *dialog = vigil_source_dialog_new (gtk_window_get_transient_for (GTK_WINDOW (self)),
                                                           self->portfolio);

      g_signal_connect_object (dialog, "source-added", G_CALLBACK (manual_added_cb), self, G_CONNECT_SWAPPED);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      g_signal_connect_object (dialog, "destroy", G_CALLBACK (destroy_after_dialog), self, G_CONNECT_SWAPPED);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  /* Another kind of source: nothing of the last one's test stays. */
  g_clear_object (&self->preset);
  g_clear_object (&self->preview);
  g_clear_object (&self->draft);
  g_clear_pointer (&self->mapping_json, g_free);
  prepare_for_json (self);
  if (g_str_has_prefix (kind, "preset:"))
    {
      g_autoptr(GError) error = NULL;

      if (!(self->preset = vigil_preset_lookup (kind + strlen ("preset:"), &error)))
        {
          show_error (self, error->message);
          return;
        }
      self->kind = KIND_PRESET;
      prepare_for_preset (self);
    }
  else if (g_str_equal (kind, "csv"))
    {
      choose_csv_file (self);
      return;
    }
  else
    self->kind = KIND_JSON;
  go_to_page (self, "connect");
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VigilSourceAssistant *self = VIGIL_SOURCE_ASSISTANT (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  g_cancellable_cancel (self->testing);
  set_busy (self, FALSE);
  go_to_page (self, g_strcmp0 (page, "connect") == 0 || g_strcmp0 (page, "columns") == 0 ? "kind" : "connect");
}

static void
assign_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilSourceAssistant *self = VIGIL_SOURCE_ASSISTANT (widget);
  const char *pointer = NULL;
  const char *format = NULL;
  gint32 field = 0;
  gint32 transform = 0;
  VigilFieldChoice choice = { 0 };

  g_variant_get (parameter, "(&sii&s)", &pointer, &field, &transform, &format);
  if (self->draft == NULL || field <= VIGIL_FIELD_NONE || field >= VIGIL_N_FIELDS ||
      transform < VIGIL_TRANSFORM_NONE || transform > VIGIL_TRANSFORM_LOWER)
    return;
  choice.field = (VigilField) field;
  choice.transform = (VigilTransform) transform;
  choice.time_format = *format != '\0' ? (char *) format : NULL;
  vigil_mapping_draft_assign (self->draft, pointer, &choice);
  update_draft (self);
}

static void
unassign_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VigilSourceAssistant *self = VIGIL_SOURCE_ASSISTANT (widget);

  if (self->draft == NULL)
    return;
  vigil_mapping_draft_unassign (self->draft, g_variant_get_string (parameter, NULL));
  update_draft (self);
}

static void
use_records_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VigilSourceAssistant *self = VIGIL_SOURCE_ASSISTANT (widget);

  if (self->draft == NULL)
    return;
  vigil_mapping_draft_set_records (self->draft, g_variant_get_string (parameter, NULL));
  /* Back to the record, now one of those. */
  gtk_toggle_button_set_active (self->choose_records_button, FALSE);
  show_tree (self);
  update_draft (self);
}

static void
use_next_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VigilSourceAssistant *self = VIGIL_SOURCE_ASSISTANT (widget);

  if (self->draft == NULL)
    return;
  vigil_mapping_draft_set_pagination (self->draft, VIGIL_PAGINATION_NEXT_URL,
                                      g_variant_get_string (parameter, NULL));
  fill_pages_row (self);
  update_draft (self);
}

/* Object -------------------------------------------------------------------- */

/* A row of the first step for each preset: the vendor's system, and
 * what it fills. */
static void
fill_presets (VigilSourceAssistant *self)
{
  g_autoptr(GPtrArray) presets = vigil_preset_list_all (NULL);

  for (guint i = 0; presets != NULL && i < presets->len; i++)
    {
      VigilPreset *preset = presets->pdata[i];
      g_auto(GStrv) fills = vigil_preset_get_fills (preset);
      g_autoptr(GString) labels = g_string_new (NULL);
      g_autofree char *subtitle = NULL;
      g_autofree char *name = g_strdup_printf ("preset-%s", vigil_preset_get_name (preset));
      g_autofree char *target = g_strdup_printf ("preset:%s", vigil_preset_get_name (preset));
      GtkWidget *row = adw_action_row_new ();

      for (guint f = 0; fills != NULL && fills[f] != NULL; f++)
        {
          VigilField field = vigil_field_from_name (fills[f]);

          /* Every source has ids: what else it brings is the news. */
          if (field == VIGIL_FIELD_NONE || field == VIGIL_FIELD_ID)
            continue;
          g_string_append_printf (labels, "%s%s", labels->len > 0 ? ", " : "", vigil_field_get_label (field));
        }
      /* TRANSLATORS: %s lists fields, e.g. "Keys, Name, MRR" */
      subtitle = g_strdup_printf (_("Brings %s"), labels->str);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vigil_preset_get_system (preset));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "assistant.choose");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", target);
      gtk_widget_set_name (row, name);
      adw_preferences_group_add (self->presets_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->presets_group), presets != NULL && presets->len > 0);
}

static void
vigil_source_assistant_dispose (GObject *object)
{
  VigilSourceAssistant *self = (VigilSourceAssistant *) object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->testing);
  if (self->record_tree != NULL)
    vigil_json_tree_set_funcs (self->record_tree, NULL, NULL, NULL);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->poller);
  g_clear_object (&self->preview);
  g_clear_object (&self->draft);
  g_clear_object (&self->preset);
  g_clear_pointer (&self->usual_rows, g_ptr_array_unref);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  g_clear_object (&self->csv_file);
  g_clear_pointer (&self->csv_head, vigil_csv_head_free);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_SOURCE_ASSISTANT);

  G_OBJECT_CLASS (vigil_source_assistant_parent_class)->dispose (object);
}

static void
vigil_source_assistant_finalize (GObject *object)
{
  VigilSourceAssistant *self = (VigilSourceAssistant *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->testing);
  g_free (self->mapping_json);
  g_free (self->pages_pointer);

  G_OBJECT_CLASS (vigil_source_assistant_parent_class)->finalize (object);
}

static void
vigil_source_assistant_class_init (VigilSourceAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_source_assistant_dispose;
  object_class->finalize = vigil_source_assistant_finalize;

  /* A source was added (its name); it is being polled. */
  signals[SOURCE_ADDED] =
    g_signal_new ("source-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /* A CSV file was imported (what was stored, in words). */
  signals[IMPORTED] =
    g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (VIGIL_TYPE_JSON_TREE);
  g_type_ensure (VIGIL_TYPE_RECORDS_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-source-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, auth_group);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, choose_records_button);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, columns_box);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, columns_group);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, csv_name_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, csv_preview);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, decimal_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, endpoint_group);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, error_label);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, file_group);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, map_box);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, map_preview);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, name_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, pages_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, preset_preview);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, presets_group);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, primary_button);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, record_tree);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, records_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, token_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, tree_heading);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, url_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, user_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, usual_group);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceAssistant, window_title);
  gtk_widget_class_bind_template_callback (widget_class, choose_records_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, decimal_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pages_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, primary_clicked_cb);

  gtk_widget_class_install_action (widget_class, "assistant.assign", "(siis)", assign_action);
  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "assistant.choose", "s", choose_action);
  gtk_widget_class_install_action (widget_class, "assistant.unassign", "s", unassign_action);
  gtk_widget_class_install_action (widget_class, "assistant.use-next", "s", use_next_action);
  gtk_widget_class_install_action (widget_class, "assistant.use-records", "s", use_records_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vigil_source_assistant_init (VigilSourceAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->poller = vigil_poller_new ();
  gtk_spin_button_set_value (self->interval_spin, VIGIL_SOURCE_DEFAULT_INTERVAL_MIN);
  g_signal_connect_swapped (self, "notify::default-width", G_CALLBACK (width_changed_cb), self);
  vigil_records_preview_set_of_file (self->csv_preview, TRUE);
  fill_presets (self);
  page_changed_cb (self);
}

/**
 * vigil_source_assistant_new:
 * @parent: the window it belongs to
 *
 * A modal window that adds a source by asking, testing and showing; it
 * adds it through @portfolio and polls it.
 */
VigilSourceAssistant *
vigil_source_assistant_new (GtkWindow      *parent,
                            VigilPortfolio *portfolio)
{
  VigilSourceAssistant *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (portfolio), NULL);

  self = g_object_new (VIGIL_TYPE_SOURCE_ASSISTANT, "transient-for", parent, NULL);
  self->portfolio = g_object_ref (portfolio);
  return self;
}

/**
 * vigil_source_assistant_get_preview:
 *
 * Returns: (transfer none) (nullable): the first page, once tested
 */
VigilPreview *
vigil_source_assistant_get_preview (VigilSourceAssistant *self)
{
  g_return_val_if_fail (VIGIL_IS_SOURCE_ASSISTANT (self), NULL);

  return self->preview;
}

/**
 * vigil_source_assistant_get_mapping:
 *
 * Returns: (nullable): the mapping Save would store, once it reads
 *   records from the first page
 */
const char *
vigil_source_assistant_get_mapping (VigilSourceAssistant *self)
{
  g_return_val_if_fail (VIGIL_IS_SOURCE_ASSISTANT (self), NULL);

  return self->mapping_json;
}

/**
 * vigil_source_assistant_is_busy:
 *
 * Returns: whether a test, a reading or a save is under way
 */
gboolean
vigil_source_assistant_is_busy (VigilSourceAssistant *self)
{
  g_return_val_if_fail (VIGIL_IS_SOURCE_ASSISTANT (self), FALSE);

  return self->busy;
}

/**
 * vigil_source_assistant_open_file:
 * @file: a CSV file to import
 *
 * Goes to the step that says what each of @file's columns holds, the
 * first rows read through the mapping that makes (design 5).
 */
void
vigil_source_assistant_open_file (VigilSourceAssistant *self,
                                  GFile                *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIGIL_IS_SOURCE_ASSISTANT (self));
  g_return_if_fail (G_IS_FILE (file));

  self->kind = KIND_CSV;
  g_clear_object (&self->preset);
  g_clear_object (&self->preview);
  g_clear_object (&self->draft);
  g_clear_pointer (&self->mapping_json, g_free);
  g_set_object (&self->csv_file, file);
  show_error (self, NULL);
  set_busy (self, TRUE);
  task = g_task_new (self, restart_testing (self), csv_head_read_cb, NULL);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, csv_head_thread);
}
