/* vigil-breakdown-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The score's explanation (design 3.1, design 5): for each measure its
 * input in words, its value, its weight and the points it gives; a
 * weighted measure with no data says it was left out.
 */

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>

#include "vigil-breakdown-section.h"
#include "vigil-format.h"

struct _VigilBreakdownSection
{
  AdwBin      parent_instance;

  /* Template children */
  GtkListBox *breakdown_list;
};

static void vigil_breakdown_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilBreakdownSection, vigil_breakdown_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_breakdown_section_iface_init))

static const char *
measure_get_label (VigilMeasure measure)
{
  switch (measure)
    {
    case VIGIL_MEASURE_ACTIVITY: return _("Activity");
    case VIGIL_MEASURE_VOLUME: return _("API Volume");
    case VIGIL_MEASURE_BREADTH: return _("Feature Breadth");
    case VIGIL_MEASURE_SEATS: return _("Seat Use");
    case VIGIL_MEASURE_TICKETS: return _("Support Tickets");
    case VIGIL_MEASURE_NPS: return _("NPS");
    case VIGIL_MEASURE_SENTIMENT: return _("CSM Sentiment");
    case VIGIL_N_MEASURES:
    default: return vigil_measure_get_name (measure);
    }
}

/* Why a measure scored what it did, from its input. */
static char *
describe_measure_input (VigilScorecard           *scorecard,
                        VigilMeasure              measure,
                        const VigilMeasureResult *result,
                        const VigilSnapshot      *latest)
{
  double target = scorecard != NULL ? vigil_scorecard_get_target (scorecard, measure) : NAN;
  double input = result->input;

  if (isnan (input))
    return g_strdup (_("Unknown"));

  switch (measure)
    {
    case VIGIL_MEASURE_ACTIVITY:
      if (input < 48)
        return g_strdup_printf (ngettext ("%.0f h since last activity", "%.0f h since last activity",
                                          (gulong) round (input)), input);
      return g_strdup_printf (ngettext ("%.0f day since last activity", "%.0f days since last activity",
                                        (gulong) round (input / 24)), input / 24);
    case VIGIL_MEASURE_VOLUME:
      return g_strdup_printf (ngettext ("%'.0f call in 7 days", "%'.0f calls in 7 days", (gulong) input),
                              input);
    case VIGIL_MEASURE_BREADTH:
      if (!isnan (target))
        return g_strdup_printf (ngettext ("%.0f of %.0f feature", "%.0f of %.0f features", (gulong) target),
                                input, target);
      return g_strdup_printf (ngettext ("%.0f feature", "%.0f features", (gulong) input), input);
    case VIGIL_MEASURE_SEATS:
      if (latest->seats != VIGIL_UNKNOWN && latest->seats_used != VIGIL_UNKNOWN)
        return g_strdup_printf (ngettext ("%'" PRId64 " of %'" PRId64 " seat",
                                          "%'" PRId64 " of %'" PRId64 " seats",
                                          (gulong) latest->seats),
                                latest->seats_used, latest->seats);
      {
        g_autofree char *share = vigil_format_percent (input);

        /* TRANSLATORS: %s is a share, e.g. "94 % of seats in use" */
        return g_strdup_printf (_("%s of seats in use"), share);
      }
    case VIGIL_MEASURE_TICKETS:
      return g_strdup_printf (ngettext ("%.0f open ticket", "%.0f open tickets", (gulong) input), input);
    case VIGIL_MEASURE_NPS:
      return g_strdup_printf (_("NPS %.0f of 10"), input);
    case VIGIL_MEASURE_SENTIMENT:
      /* TRANSLATORS: the CSM's pulse that counted and its age, e.g. "Yellow pulse, 12 days old" */
      return g_strdup_printf (ngettext ("%s pulse, %.0f day old", "%s pulse, %.0f days old", (gulong) floor (input)),
                              vigil_sentiment_get_label (vigil_sentiment_from_value (result->value)),
                              floor (input));
    case VIGIL_N_MEASURES:
    default:
      return g_strdup_printf ("%g", input);
    }
}

/* Weighted on the scorecard, but nothing to score it from: for the
 * pulse (design 3.1), none, or none in its target's days. */
static void
add_left_out_row (VigilSectionRows *rows,
                  VigilScorecard   *scorecard,
                  VigilMeasure      measure)
{
  double days = vigil_scorecard_get_target (scorecard, measure);
  g_autofree char *why = measure == VIGIL_MEASURE_SENTIMENT
    ? g_strdup_printf (ngettext ("Left out: no pulse in the last %.0f day",
                                 "Left out: no pulse in the last %.0f days", (gulong) days), days)
    : g_strdup (_("Left out: no data"));
  GtkWidget *row = vigil_section_rows_add_text (rows, measure_get_label (measure), why, NULL, TRUE);
  g_autofree char *name = g_strdup_printf ("measure-%s", vigil_measure_get_name (measure));

  gtk_widget_set_name (row, name);
}

/* A measure's row: its input below its name, and at its end the points
 * it gives over its value and weight. */
static GtkWidget *
new_measure_row (gpointer user_data)
{
  GtkWidget *row = vigil_section_new_text_row ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label;

  label = vigil_section_new_suffix_label (NULL);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_name (label, "points");
  gtk_box_append (GTK_BOX (box), label);
  g_object_set_data (G_OBJECT (row), "points", label);
  label = vigil_section_new_suffix_label (NULL);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_name (label, "value-weight");
  gtk_box_append (GTK_BOX (box), label);
  g_object_set_data (G_OBJECT (row), "value-weight", label);
  vigil_section_text_row_add_suffix (row, box);
  return row;
}

static const VigilSectionRowKind measure_row_kind = { new_measure_row };

static void
add_measure_row (VigilSectionRows         *rows,
                 const VigilPortfolioRow  *row,
                 VigilScorecard           *scorecard,
                 VigilMeasure              measure)
{
  const VigilMeasureResult *m = &row->score.measures[measure];
  g_autofree char *input = describe_measure_input (scorecard, measure, m, row->latest);
  g_autofree char *name = g_strdup_printf ("measure-%s", vigil_measure_get_name (measure));
  g_autofree char *points = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *value = vigil_format_percent (m->value);
  GtkWidget *measure_row;

  /* design 2.6: an account of several sources says which one gave
   * each input; one source needs no saying. */
  if (row->records != NULL && row->records->len > 1 && row->input_sources[measure] != NULL)
    {
      /* TRANSLATORS: a measure's input and the source it came from,
       * e.g. "3 hours since last active, from product" */
      char *with_source = g_strdup_printf (_("%s, from %s"), input, row->input_sources[measure]);

      g_free (input);
      input = with_source;
    }
  measure_row = vigil_section_rows_next (rows, &measure_row_kind);
  vigil_section_text_row_set (measure_row, measure_get_label (measure), input);
  gtk_widget_set_name (measure_row, name);
  /* TRANSLATORS: a measure's share of the health score */
  points = g_strdup_printf (_("%.1f points"), m->points);
  gtk_label_set_text (g_object_get_data (G_OBJECT (measure_row), "points"), points);
  /* TRANSLATORS: a measure's value and its weight, e.g. "85 % × weight 40" */
  detail = g_strdup_printf (_("%s × weight %.0f"), value, m->weight);
  gtk_label_set_text (g_object_get_data (G_OBJECT (measure_row), "value-weight"), detail);

  /* TRANSLATORS: a measure, its input, its value, its weight and its points,
   * e.g. "Activity: 10 h since last activity; 86 % at weight 40 gives 34.2 points" */
  accessible = g_strdup_printf (_("%s: %s; %s at weight %.0f gives %.1f points"),
                                measure_get_label (measure), input, value, m->weight, m->points);
  gtk_accessible_update_property (GTK_ACCESSIBLE (measure_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  accessible, -1);
}

static void
vigil_breakdown_section_show (VigilCustomerSection *section,
                              VigilPortfolio       *portfolio,
                              VigilCustomer        *customer,
                              VigilCustomerHistory *history)
{
  VigilBreakdownSection *self = VIGIL_BREAKDOWN_SECTION (section);
  const VigilPortfolioRow *row = vigil_customer_get_row (customer);
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (portfolio);
  guint shown = 0;
  VigilSectionRows rows;

  vigil_section_rows_begin (&rows, self->breakdown_list, NULL);
  for (guint i = 0; i < VIGIL_N_MEASURES; i++)
    {
      if (!isnan (row->score.measures[i].value))
        {
          add_measure_row (&rows, row, scorecard, (VigilMeasure) i);
          shown++;
        }
      else if (scorecard != NULL && vigil_scorecard_get_weight (scorecard, (VigilMeasure) i) > 0)
        add_left_out_row (&rows, scorecard, (VigilMeasure) i);
    }
  if (shown == 0)
    vigil_section_rows_add_placeholder (&rows, _("No measure could be scored from the latest snapshot"));
  vigil_section_rows_end (&rows);
}

static void
vigil_breakdown_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_breakdown_section_show;
}

static void
vigil_breakdown_section_dispose (GObject *object)
{
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_BREAKDOWN_SECTION);

  G_OBJECT_CLASS (vigil_breakdown_section_parent_class)->dispose (object);
}

static void
vigil_breakdown_section_class_init (VigilBreakdownSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_breakdown_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-breakdown-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilBreakdownSection, breakdown_list);
}

static void
vigil_breakdown_section_init (VigilBreakdownSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Returns: (transfer none): the list of the measure breakdown; each row is
 * named "measure-<id>" (e.g. "measure-activity"), its suffix labels
 * "points" and "value-weight" */
GtkWidget *
vigil_breakdown_section_get_list (VigilBreakdownSection *self)
{
  g_return_val_if_fail (VIGIL_IS_BREAKDOWN_SECTION (self), NULL);
  return GTK_WIDGET (self->breakdown_list);
}
