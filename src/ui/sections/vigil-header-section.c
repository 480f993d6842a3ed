/* vigil-header-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The customer page's headline (design 5): the health score, its tier in
 * words and colour, and how it moved over 7, 14 and 28 days.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-header-section.h"

struct _VigilHeaderSection
{
  AdwBin    parent_instance;

  /* Template children */
  GtkLabel *health_label;
  GtkLabel *tier_label;
  GtkLabel *trend_label;
};

static void vigil_header_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilHeaderSection, vigil_header_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_header_section_iface_init))

static const char *
tier_get_css_class (VigilTier tier)
{
  switch (tier)
    {
    case VIGIL_TIER_HEALTHY: return "tier-healthy";
    case VIGIL_TIER_AT_RISK: return "tier-at-risk";
    case VIGIL_TIER_HIGH_RISK: return "tier-high-risk";
    case VIGIL_TIER_NONE:
    case VIGIL_N_TIERS:
    default: return "tier-none";
    }
}

/* "▲ +4.2 in 7 days", or that there is too little history to say. */
static char *
format_trend_in (double      change,
                 const char *span)
{
  g_autofree char *trend = NULL;

  if (isnan (change))
    /* TRANSLATORS: %s is a span such as "7 days" */
    return g_strdup_printf (_("— in %s (too little history)"), span);
  trend = vigil_format_trend (change);
  /* TRANSLATORS: a change of the health score and a span, e.g. "▲ +4.2 in 7 days" */
  return g_strdup_printf (_("%s in %s"), trend, span);
}

static void
vigil_header_section_show (VigilCustomerSection *section,
                           VigilPortfolio       *portfolio,
                           VigilCustomer        *customer,
                           VigilCustomerHistory *history)
{
  VigilHeaderSection *self = VIGIL_HEADER_SECTION (section);
  const VigilPortfolioRow *row = vigil_customer_get_row (customer);
  double health = vigil_customer_get_health (customer);
  VigilTier tier = vigil_customer_get_tier (customer);
  const char *spans[VIGIL_N_TRENDS] = { _("7 days"), _("14 days"), _("28 days") };
  const char *tier_classes[] = { "tier-healthy", "tier-at-risk", "tier-high-risk", "tier-none" };
  g_autoptr(GString) trends = g_string_new (NULL);
  g_autofree char *text = NULL;

  /* Score and tier: the tier always in words, never by colour alone. */
  text = isnan (health) ? g_strdup ("—") : g_strdup_printf ("%.0f", health);
  gtk_label_set_text (self->health_label, text);
  g_clear_pointer (&text, g_free);
  gtk_label_set_text (self->tier_label, vigil_tier_get_label (tier));
  for (guint i = 0; i < G_N_ELEMENTS (tier_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->tier_label), tier_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->tier_label), tier_get_css_class (tier));
  text = isnan (health) ? g_strdup (_("No health score yet"))
                        : g_strdup_printf (_("Health score %.0f, %s"), health, vigil_tier_get_label (tier));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->health_label), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);

  for (guint i = 0; i < VIGIL_N_TRENDS; i++)
    {
      g_autofree char *trend = format_trend_in (row->trends[i], spans[i]);

      if (i > 0)
        g_string_append (trends, "   ");
      g_string_append (trends, trend);
    }
  gtk_label_set_text (self->trend_label, trends->str);
}

static void
vigil_header_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_header_section_show;
}

static void
vigil_header_section_dispose (GObject *object)
{
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_HEADER_SECTION);

  G_OBJECT_CLASS (vigil_header_section_parent_class)->dispose (object);
}

static void
vigil_header_section_class_init (VigilHeaderSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_header_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-header-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilHeaderSection, health_label);
  gtk_widget_class_bind_template_child (widget_class, VigilHeaderSection, tier_label);
  gtk_widget_class_bind_template_child (widget_class, VigilHeaderSection, trend_label);
}

static void
vigil_header_section_init (VigilHeaderSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
