/* vigil-portfolio-view.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The portfolio table: every customer in a list whose rows each draw
 * every column shown (vigil-table-row.c) under a header of column
 * buttons (vigil-table-header.c), both laid out by one table layout
 * (vigil-table-layout.c), each column
 * sortable both ways (the sort is stable: ties keep the store's order),
 * what is at stake first by default, the active book or the churned
 * customers (design 3.2), a search by name, id or the text of a touch
 * as one types, filters by tier, owner and segment, and the count and
 * MRR of what is shown. The chain is customers → sorted and filtered
 * list → selection: typing filters the sorted customers and never sorts
 * again.
 */

#define G_LOG_DOMAIN "vigil-portfolio-view"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-filter-list.h"
#include "vigil-format.h"
#include "vigil-health-cell.h"
#include "vigil-table-row.h"
#include "vigil-portfolio-view.h"
#include "vigil-table-header.h"
#include "vigil-table-layout.h"
#include "vigil-text-cell.h"

struct _VigilPortfolioView
{
  AdwBin              parent_instance;

  GtkToggleButton    *active_button;
  GtkToggleButton    *churned_button;
  GtkListView        *list_view;
  GtkBox             *table_box;
  GtkDropDown        *owner_dropdown;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *segment_dropdown;
  GtkLabel           *summary_label;
  GtkDropDown        *tier_dropdown;

  VigilPortfolio     *portfolio;
  VigilFilterList    *filtered;
  GtkStringList      *owners;
  GtkStringList      *segments;
  char               *query;        /* case-folded search */
  VigilBook           book;         /* active or churned */
  VigilTier           tier;
  char               *owner;
  char               *segment;
  gboolean            updating_choices;
  guint               summary_idle;
  gboolean            compact;
  int                 fitted_width;  /* the width the columns shown were chosen for */
  VigilTableLayout   *layout;        /* the columns' places, for the header and the rows */
  VigilTableHeader   *header;
  gboolean            sizes_valid;   /* the columns' sizes are measured */
  guint               font_serial;   /* of the font they were measured in */
  char               *samples[14];   /* a text column's values in the book, a line each */
  /* The sort: the column clicked last (or set), then those clicked
   * before, each either way (SortStep). */
  GArray             *sort_steps;
  /* The rows bound to a customer (VigilTableRow → BoundRow): one
   * handler of its customer's ::changed each. */
  GHashTable         *bound;
};

G_DEFINE_FINAL_TYPE (VigilPortfolioView, vigil_portfolio_view, ADW_TYPE_BIN)

enum {
  CUSTOMER_ACTIVATED,
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Columns -------------------------------------------------------------------- */

/* The name column's width, in a wide and in a narrow window. */
#define NAME_WIDTH 200
#define NAME_WIDTH_COMPACT 130

/* What a customer sorts by in a column, worked out once a sort. */
typedef struct
{
  double      figure;
  double      second;  /* an order's tie-breaker */
  const char *text;    /* a collation key */
  guint64     prefix;  /* its first eight bytes, big-endian */
} SortKey;

typedef char *(*TextFunc) (VigilCustomer *customer, VigilPortfolioView *self);
typedef char *(*SampleFunc) (void);
typedef double (*FigureFunc) (VigilCustomer *customer);
typedef int (*CompareFunc) (double a, double b);
typedef int (*OrderFunc) (const SortKey *a, const SortKey *b);

typedef struct _Column
{
  const char       *id;
  const char       *title;
  VigilCustomerText text;      /* what a text column sorts by */
  FigureFunc        figure;    /* what a figure column sorts by (NAN unknown) */
  CompareFunc       compare;   /* how its figures compare, if not as plain numbers */
  TextFunc          text_of;   /* what its cells show (%NULL: unknown, "—") */
  gboolean          numeric;
  gboolean          expand;
  gboolean          compact;   /* still shown in a narrow window */
  int               max_chars; /* a text column's widest, or -1 */
  SampleFunc        sample;    /* a figure column's widest text */
  OrderFunc         order;     /* how its customers compare, when more than a figure decides */
  FigureFunc        second;    /* the order's second figure */
} Column;

/* Unknown numbers sort below every known one, in both directions' logic. */
static int
compare_doubles (double a,
                 double b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b) == 0 ? 0 : (isnan (a) ? -1 : 1);
  return (a > b) - (a < b);
}

/* Collation keys compare with strcmp (), as their first eight bytes
 * first (read once, beside the figures, rather than from each text at
 * each comparison); unknown texts sort first. */
static int
compare_keys (const SortKey *a,
              const SortKey *b)
{
  const char *x = a->text;
  const char *y = b->text;

  if (a->prefix != b->prefix && x != NULL && y != NULL)
    return a->prefix < b->prefix ? -1 : 1;
  if (x == NULL || y == NULL)
    return (x != NULL) - (y != NULL);
  return strcmp (x, y);
}

/* By the core's rule for churn risks, in a column's ascending order: the
 * rule's highest-first order reversed. The other direction reverses the
 * whole comparison (compare_positions()), so unknown risks come last when
 * the column shows the highest risk first, as the report and the command
 * line put them, and first the other way, as unknowns do in every other
 * column. */
static int
compare_risks (double a,
               double b)
{
  return -vigil_churn_risk_compare (a, b, TRUE);
}

/* By the core's order of what is at stake (design 3.2), reversed as for
 * risks: the column sorted highest first, the window's default, shows
 * the core's order, the most at stake first, unknown last, ties the
 * sooner renewal first, as `vigil scores` lists them. */
static int
order_at_stake (const SortKey *a,
                const SortKey *b)
{
  return -vigil_churn_at_stake_compare (a->figure, (gint32) a->second, b->figure, (gint32) b->second, TRUE);
}

/* The renewal day as the core's comparator takes it, unknown included. */
static double
renewal_day (VigilCustomer *customer)
{
  return vigil_customer_get_renewal_day (customer);
}

static double
figure_renewal (VigilCustomer *customer)
{
  gint32 day = vigil_customer_get_renewal_day (customer);

  return day == VIGIL_UNKNOWN_DAY ? NAN : day;
}

static double
figure_last_active (VigilCustomer *customer)
{
  gint64 time = vigil_customer_get_last_active (customer);

  return time == VIGIL_UNKNOWN ? NAN : (double) time;
}

/* The last touch's time; never touched is unknown. */
static double
figure_last_touch (VigilCustomer *customer)
{
  gint64 time = vigil_customer_get_last_touch (customer);

  return time == VIGIL_UNKNOWN ? NAN : (double) time;
}

/* design 3.4: the first click shows the longest untouched first, and
 * the customers never touched after them: unknown is last that way. */
static int
compare_last_touch (double a,
                    double b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b);
  return (a > b) - (a < b);
}

static double
figure_triggers (VigilCustomer *customer)
{
  return vigil_customer_get_open_triggers (customer);
}

static void
column_key (const Column  *column,
            VigilCustomer *customer,
            SortKey       *key)
{
  key->figure = column->figure != NULL ? column->figure (customer) : NAN;
  key->second = column->second != NULL ? column->second (customer) : NAN;
  key->text = column->figure == NULL ? vigil_customer_get_sort_key (customer, column->text) : NULL;
  key->prefix = 0;
  for (guint i = 0; key->text != NULL && i < 8 && key->text[i] != '\0'; i++)
    key->prefix |= (guint64) (guchar) key->text[i] << (56 - 8 * i);
}

/* How two customers compare in a column, by their keys: a figure's
 * number, or a text's collation key. */
static int
compare_column_keys (const Column  *column,
                     const SortKey *a,
                     const SortKey *b)
{
  if (column->order != NULL)
    return column->order (a, b);
  if (column->figure != NULL)
    return (column->compare != NULL ? column->compare : compare_doubles) (a->figure, b->figure);
  return compare_keys (a, b);
}

/* A column of the sort, and whether reversed (descending). */
typedef struct
{
  const Column *column;
  gboolean      reversed;
} SortStep;

typedef struct
{
  GArray  *steps;
  guint    n_items;
  SortKey *keys;  /* each step's keys for each item */
} SortContext;

static int
compare_positions (gconstpointer a,
                   gconstpointer b,
                   gpointer      data)
{
  const SortContext *context = data;
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  for (guint s = 0; s < context->steps->len; s++)
    {
      const SortStep *step = &g_array_index (context->steps, SortStep, s);
      const SortKey *keys = context->keys + (gsize) s * context->n_items;
      int result = step->reversed ? compare_column_keys (step->column, &keys[y], &keys[x])
                                  : compare_column_keys (step->column, &keys[x], &keys[y]);

      if (result != 0)
        return result;
    }
  /* Stable: ties keep the store's order. */
  return (x > y) - (x < y);
}

/* design 7: the customers in the table's order (the column clicked
 * last, then those clicked before, each either way), with each
 * customer's keys worked out once: a sort of 100,000 customers compares
 * a million and a half times, and each comparison through per-column
 * sorters read both customers' figures afresh. */
static void
sort_customers (gpointer *items,
                guint     n_items,
                guint    *order,
                gpointer  user_data)
{
  VigilPortfolioView *self = user_data;
  GArray *steps = self->sort_steps;
  SortContext context = { steps, n_items, NULL };

  if (steps->len == 0)
    return;
  context.keys = g_new (SortKey, (gsize) steps->len * n_items);
  for (guint s = 0; s < steps->len; s++)
    for (guint i = 0; i < n_items; i++)
      column_key (g_array_index (steps, SortStep, s).column, items[i], &context.keys[(gsize) s * n_items + i]);
  g_qsort_with_data (order, (gint) n_items, sizeof (guint), compare_positions, &context);
  g_free (context.keys);
}

/* Each figure's words, for its cells and for the widest text its column
 * makes room for. */

/* Candidates for the widest text, a line each: the cell measures them. */
static char *
join_lines (char *a,
            char *b)
{
  char *joined = g_strconcat (a, "\n", b, NULL);

  g_free (a);
  g_free (b);
  return joined;
}

static char *
sample_trend (void)
{
  return vigil_format_trend (-88.8);
}

static char *
sample_risk (void)
{
  return vigil_format_percent (1);
}

static char *
sample_mrr (void)
{
  return vigil_format_money (8888888);
}

/* The 28th of each month of a year, in this language's month names. */
static char *
sample_day (void)
{
  /* 2028-01-28, then a month of 31 days at a time: the 28th or so. */
  gint32 day = vigil_time_get_day (G_GINT64_CONSTANT (1832630400));
  char *days = vigil_format_day (day);

  for (int month = 1; month < 12; month++)
    days = join_lines (days, vigil_format_day (day + month * 30 + month / 2));
  return days;
}

static char *
sample_seats (void)
{
  return vigil_format_seats (8888, 8888, 1);
}

static char *
sample_ago (void)
{
  return join_lines (join_lines (vigil_format_ago (59 * 60), vigil_format_ago (47 * 3600)),
                     vigil_format_ago (888 * 86400));
}

static char *
sample_triggers (void)
{
  return g_strdup ("88");
}

static char *
text_name (VigilCustomer *customer, VigilPortfolioView *self)
{
  return g_strdup (vigil_customer_get_display_name (customer));
}

static char *
text_owner (VigilCustomer *customer, VigilPortfolioView *self)
{
  return g_strdup (vigil_customer_get_owner (customer));
}

static char *
text_segment (VigilCustomer *customer, VigilPortfolioView *self)
{
  return g_strdup (vigil_customer_get_segment (customer));
}

static char *
text_plan (VigilCustomer *customer, VigilPortfolioView *self)
{
  return g_strdup (vigil_customer_get_plan (customer));
}

/* The health cell's words; the bar and sparkline are drawn from the
 * customer. */
static char *
text_health (VigilCustomer *customer, VigilPortfolioView *self)
{
  return vigil_health_cell_describe (customer);
}

static char *
text_trend (VigilCustomer *customer, VigilPortfolioView *self)
{
  double trend = vigil_customer_get_trend (customer);

  return isnan (trend) ? NULL : vigil_format_trend (trend);
}

/* A rise of five points or more in the success colour, a fall in the
 * error colour (the words say it too). */
static VigilRowTone
trend_tone (VigilCustomer *customer)
{
  double trend = vigil_customer_get_trend (customer);

  if (!isnan (trend) && trend >= 5)
    return VIGIL_ROW_TONE_UP;
  if (!isnan (trend) && trend <= -5)
    return VIGIL_ROW_TONE_DOWN;
  return VIGIL_ROW_TONE_PLAIN;
}

static char *
text_risk (VigilCustomer *customer, VigilPortfolioView *self)
{
  double risk = vigil_customer_get_churn_risk (customer);

  return isnan (risk) ? NULL : vigil_format_percent (risk);
}

static char *
text_mrr (VigilCustomer *customer, VigilPortfolioView *self)
{
  double mrr = vigil_customer_get_mrr (customer);

  return isnan (mrr) ? NULL : vigil_format_money (mrr);
}

static char *
text_at_stake (VigilCustomer *customer, VigilPortfolioView *self)
{
  double at_stake = vigil_customer_get_at_stake (customer);

  return isnan (at_stake) ? NULL : vigil_format_money (at_stake);
}

static char *
text_renewal (VigilCustomer *customer, VigilPortfolioView *self)
{
  gint32 day = vigil_customer_get_renewal_day (customer);

  return day != VIGIL_UNKNOWN_DAY ? vigil_format_day (day) : NULL;
}

static char *
text_seats (VigilCustomer *customer, VigilPortfolioView *self)
{
  const VigilSnapshot *latest = vigil_customer_get_row (customer)->latest;
  double use = vigil_customer_get_seat_use (customer);

  return isnan (use) ? NULL : vigil_format_seats (latest->seats_used, latest->seats, use);
}

/* "3 hours ago", "5 days ago" against the book's own "now". */
static char *
text_last_active (VigilCustomer *customer, VigilPortfolioView *self)
{
  gint64 last = vigil_customer_get_last_active (customer);
  gint64 now = vigil_customer_get_row (customer)->latest->observed_at;

  if (last != VIGIL_UNKNOWN && now != VIGIL_UNKNOWN)
    return vigil_format_ago (MAX (now - last, 0));
  return NULL;
}

/* How long ago, by the clock: a touch is logged as it happens. */
static char *
text_last_touch (VigilCustomer *customer, VigilPortfolioView *self)
{
  gint64 last = vigil_customer_get_last_touch (customer);

  if (last != VIGIL_UNKNOWN)
    return vigil_format_ago (MAX (g_get_real_time () / G_USEC_PER_SEC - last, 0));
  return NULL;
}

/* None open: an empty cell. */
static char *
text_triggers (VigilCustomer *customer, VigilPortfolioView *self)
{
  guint n = vigil_customer_get_open_triggers (customer);

  return n > 0 ? g_strdup_printf ("%u", n) : g_strdup ("");
}

static const Column columns[] = {
  { "name", N_("Customer"), VIGIL_CUSTOMER_NAME, NULL, NULL, text_name, FALSE, TRUE, TRUE, 24, NULL },
  { "owner", N_("Owner"), VIGIL_CUSTOMER_OWNER, NULL, NULL, text_owner, FALSE, FALSE, FALSE, 14, NULL },
  { "segment", N_("Segment"), VIGIL_CUSTOMER_SEGMENT, NULL, NULL, text_segment, FALSE, FALSE, FALSE, 8, NULL },
  { "plan", N_("Plan"), VIGIL_CUSTOMER_PLAN, NULL, NULL, text_plan, FALSE, FALSE, FALSE, 10, NULL },
  { "health", N_("Health"), 0, vigil_customer_get_health, NULL, text_health, FALSE, FALSE, TRUE, -1, NULL },
  { "trend", N_("7-Day Trend"), 0, vigil_customer_get_trend, NULL, text_trend, TRUE, FALSE, FALSE, -1,
    sample_trend },
  { "risk", N_("Churn Risk"), 0, vigil_customer_get_churn_risk, compare_risks, text_risk, TRUE, FALSE, TRUE, -1,
    sample_risk },
  { "mrr", N_("MRR"), 0, vigil_customer_get_mrr, NULL, text_mrr, TRUE, FALSE, FALSE, -1, sample_mrr },
  { "at-stake", N_("At Stake"), 0, vigil_customer_get_at_stake, NULL, text_at_stake, TRUE, FALSE, FALSE, -1,
    sample_mrr, order_at_stake, renewal_day },
  { "renewal", N_("Renewal"), 0, figure_renewal, NULL, text_renewal, TRUE, FALSE, FALSE, -1, sample_day },
  { "seats", N_("Seat Use"), 0, vigil_customer_get_seat_use, NULL, text_seats, TRUE, FALSE, FALSE, -1,
    sample_seats },
  { "last-active", N_("Last Active"), 0, figure_last_active, NULL, text_last_active, TRUE, FALSE, FALSE, -1,
    sample_ago },
  { "last-touch", N_("Last Touch"), 0, figure_last_touch, compare_last_touch, text_last_touch, TRUE, FALSE, FALSE,
    -1, sample_ago },
  { "triggers", N_("Triggers"), 0, figure_triggers, NULL, text_triggers, TRUE, FALSE, FALSE, -1,
    sample_triggers },
};

G_STATIC_ASSERT (G_N_ELEMENTS (columns) == G_N_ELEMENTS (((VigilPortfolioView *) NULL)->samples));

/* The order in which columns give way when the table is narrower than
 * all of them at their natural widths (design 5), the first to go
 * first. The compact columns never give way, nor does a column not
 * listed here. */
static const char * const drop_order[] = {
  "trend", "segment", "seats", "plan", "last-active", "triggers", "mrr", "owner", "renewal", "last-touch",
  "at-stake",
};

static int
find_column (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (g_strcmp0 (columns[i].id, id) == 0)
      return (int) i;
  return -1;
}

/* Rows -------------------------------------------------------------------------- */

/* Tooltips are asked for when shown, not set when a row is bound: with
 * X11, setting one asks the server where the pointer is, a round trip
 * per row each time the rows are bound again (a sort, a keystroke). The
 * name's tooltip is the customer's id, the risk's its reasons. */
static gboolean
query_row_tooltip_cb (GtkWidget  *row,
                      int         x,
                      int         y,
                      gboolean    keyboard_mode,
                      GtkTooltip *tooltip,
                      gpointer    user_data)
{
  VigilPortfolioView *self = user_data;
  g_autofree char *text = _vigil_portfolio_view_dup_tooltip_at (self, row, x);
  int column = vigil_table_layout_column_at (self->layout, x);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  /* Asked again when the pointer leaves the cell. */
  gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { self->layout->columns[column].x, 0,
                                                       self->layout->columns[column].width,
                                                       gtk_widget_get_height (row) });
  return TRUE;
}

/* design 5: what a screen reader says of a row, the list's row taking the
 * focus: what each column shown says, in column order, the name first,
 * each other after its title ("Owner: Dana Park"); the health in words
 * with its trend. */
static char *
spoken_row (VigilPortfolioView *self,
            VigilCustomer      *customer,
            char              **texts)
{
  GString *spoken = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      const char *text = texts[i];
      g_autofree char *health = NULL;

      if (!self->layout->columns[i].shown || text == NULL || *text == '\0')
        continue;
      if (spoken->len > 0)
        g_string_append (spoken, ", ");
      if (columns[i].text_of == text_name)
        g_string_append (spoken, text);
      else if (columns[i].text_of == text_health)
        g_string_append (spoken, (health = vigil_health_cell_describe_spoken (customer)));
      else
        /* TRANSLATORS: a column's title and what a table row shows in it, e.g. "Owner: Dana Park" */
        g_string_append_printf (spoken, _("%s: %s"), _(columns[i].title), text);
    }
  return g_string_free (spoken, FALSE);
}

static void
show_customer (VigilPortfolioView *self,
               VigilTableRow  *row,
               VigilCustomer      *customer)
{
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (self->portfolio);
  char **texts = g_new0 (char *, G_N_ELEMENTS (columns) + 1);
  guint8 tones[G_N_ELEMENTS (columns)] = { 0 };
  g_autofree char *spoken = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      texts[i] = columns[i].text_of (customer, self);
      if (texts[i] == NULL)
        texts[i] = g_strdup ("—");
      if (columns[i].text_of == text_trend)
        tones[i] = trend_tone (customer);
    }
  spoken = spoken_row (self, customer, texts);
  vigil_table_row_show (row, customer, texts, tones,
                            scorecard ? vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_HEALTHY) : 85,
                            scorecard ? vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_AT_RISK) : 60);
  vigil_table_row_set_spoken (row, spoken);
}

/* A row showing a customer, and its one handler of the customer's
 * ::changed (design 7: a sort or a keystroke binds some two hundred
 * rows; the cells' handlers, fourteen a row, took a quarter of a sort). */
typedef struct
{
  VigilPortfolioView *self;
  VigilTableRow  *row;
  VigilCustomer      *customer;
  gulong              handler;
} BoundRow;

static void
bound_row_free (gpointer data)
{
  BoundRow *bound = data;

  g_signal_handler_disconnect (bound->customer, bound->handler);
  g_free (bound);
}

/* A reload updated the customer of a row the list kept: show it anew. */
static void
customer_changed_cb (VigilCustomer *customer,
                     BoundRow      *bound)
{
  show_customer (bound->self, bound->row, customer);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  VigilPortfolioView *self = user_data;
  GtkWidget *row = vigil_table_row_new (self->layout);

  g_signal_connect (row, "query-tooltip", G_CALLBACK (query_row_tooltip_cb), self);
  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  VigilPortfolioView *self = user_data;
  VigilTableRow *row = VIGIL_TABLE_ROW (gtk_list_item_get_child (item));
  VigilCustomer *customer = gtk_list_item_get_item (item);
  BoundRow *bound = g_new0 (BoundRow, 1);

  bound->self = self;
  bound->row = row;
  bound->customer = customer;
  bound->handler = g_signal_connect (customer, "changed", G_CALLBACK (customer_changed_cb), bound);
  g_hash_table_replace (self->bound, row, bound);
  vigil_table_row_check_layout (row);
  show_customer (self, row, customer);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  VigilPortfolioView *self = user_data;
  VigilTableRow *row = VIGIL_TABLE_ROW (gtk_list_item_get_child (item));

  if (self->bound != NULL)
    g_hash_table_remove (self->bound, row);
  vigil_table_row_clear (row);
}

/* Sorting ---------------------------------------------------------------------- */

static void update_list (VigilPortfolioView *self,
                         gboolean            sort,
                         GtkFilterChange     change,
                         const char         *kept_key);

/* The sort's first column on the header's arrow. */
static void
show_sort (VigilPortfolioView *self)
{
  const SortStep *first = self->sort_steps->len > 0 ? &g_array_index (self->sort_steps, SortStep, 0) : NULL;

  vigil_table_header_set_sort (self->header, first != NULL ? (int) (first->column - columns) : -1,
                               first != NULL && first->reversed ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

/* design 5: a click on a column's header sorts by it ascending, with the
 * columns clicked before as tie-breakers, as GtkColumnView did; a click
 * on the column sorted by reverses it. */
static void
header_clicked_cb (GtkButton          *button,
                   VigilPortfolioView *self)
{
  const Column *column = g_object_get_data (G_OBJECT (button), "vigil-column");
  SortStep step = { column, FALSE };

  if (self->sort_steps->len > 0 && g_array_index (self->sort_steps, SortStep, 0).column == column)
    g_array_index (self->sort_steps, SortStep, 0).reversed ^= TRUE;
  else
    {
      for (guint s = 0; s < self->sort_steps->len; s++)
        if (g_array_index (self->sort_steps, SortStep, s).column == column)
          {
            g_array_remove_index (self->sort_steps, s);
            break;
          }
      g_array_prepend_val (self->sort_steps, step);
    }
  show_sort (self);
  update_list (self, TRUE, GTK_FILTER_CHANGE_DIFFERENT, NULL);
}

static void
add_columns (VigilPortfolioView *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkWidget *button = vigil_table_header_add_column (self->header, _(columns[i].title));

      self->layout->columns[i].kind = columns[i].text_of == text_health ? VIGIL_TABLE_HEALTH
                                      : columns[i].numeric ? VIGIL_TABLE_FIGURE : VIGIL_TABLE_TEXT;
      self->layout->columns[i].expand = columns[i].expand;
      self->layout->columns[i].shown = TRUE;
      /* Worked out once per column, not at each row built. */
      self->samples[i] = columns[i].sample != NULL ? columns[i].sample () : NULL;
      g_object_set_data (G_OBJECT (button), "vigil-column", (gpointer) &columns[i]);
      g_signal_connect (button, "clicked", G_CALLBACK (header_clicked_cb), self);
    }
  vigil_table_header_update_shown (self->header);
}

/* Column widths ---------------------------------------------------------------- */

/* The text columns as wide as the book's widest value (design 5): its
 * owners, segments and plans, not a guess in characters that cuts
 * "Dana Park" or "enterprise". */
static VigilCustomerGetText
book_texts (const Column *column)
{
  if (column->figure != NULL)
    return NULL;
  switch (column->text)
    {
    case VIGIL_CUSTOMER_OWNER:
      return vigil_customer_get_owner;
    case VIGIL_CUSTOMER_SEGMENT:
      return vigil_customer_get_segment;
    case VIGIL_CUSTOMER_PLAN:
      return vigil_customer_get_plan;
    case VIGIL_CUSTOMER_NAME:
    case VIGIL_CUSTOMER_N_TEXTS:
    default:
      return NULL;
    }
}

/* The column's values in the book, a line each, each at most the
 * column's widest in characters; %NULL for none. */
static char *
book_sample (VigilPortfolioView   *self,
             const Column         *column,
             VigilCustomerGetText  get)
{
  g_autoptr(GPtrArray) values = vigil_portfolio_list_texts (self->portfolio, get);
  GString *sample;

  if (values->len == 0)
    return NULL;
  sample = g_string_new (NULL);
  for (guint i = 0; i < values->len; i++)
    {
      const char *text = values->pdata[i];
      /* GLib 2.74 reads past the end when asked for more than the text holds */
      glong n_chars = MIN (g_utf8_strlen (text, -1), (glong) column->max_chars);
      g_autofree char *value = g_utf8_substring (text, 0, n_chars);

      if (i > 0)
        g_string_append_c (sample, '\n');
      g_string_append (sample, value);
    }
  return g_string_free (sample, FALSE);
}

/* The text columns measured again if a reload brought a new owner,
 * segment or plan; otherwise nothing is. */
static void
update_book_widths (VigilPortfolioView *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      VigilCustomerGetText get = book_texts (&columns[i]);
      g_autofree char *sample = get != NULL ? book_sample (self, &columns[i], get) : NULL;

      if (get == NULL || g_strcmp0 (sample, self->samples[i]) == 0)
        continue;
      g_free (self->samples[i]);
      self->samples[i] = g_steal_pointer (&sample);
      self->sizes_valid = FALSE;
      self->fitted_width = -1;
    }
}

/* Each column's least and natural width: its cells' (a text column as
 * wide as its widest expected text, vigil-text-cell.c), or its header's
 * if wider; the name's is fixed. */
static void
measure_columns (VigilPortfolioView *self)
{
  GtkWidget *font_of = GTK_WIDGET (self->list_view);
  int line_height = 0;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      VigilTableColumn *place = &self->layout->columns[i];
      VigilTextCellSize size;
      int header_minimum, header_natural;

      if (place->kind == VIGIL_TABLE_HEALTH)
        vigil_health_cell_measure (font_of, &size);
      else
        /* A text column with a sample is as wide as the book's widest value. */
        vigil_text_cell_measure (font_of, columns[i].numeric, self->samples[i] != NULL ? 0 : MAX (columns[i].max_chars, 0),
                                 self->samples[i], &size);
      line_height = MAX (line_height, size.line_height);
      vigil_table_header_measure_column (self->header, i, &header_minimum, &header_natural);
      place->minimum = MAX (size.minimum + 2 * VIGIL_TABLE_PADDING_X, header_minimum);
      place->natural = MAX (size.natural + 2 * VIGIL_TABLE_PADDING_X, header_natural);
      /* The name is what a row is about: it gets room before the rest. */
      if (columns[i].text_of == text_name)
        place->minimum = place->natural = self->compact ? NAME_WIDTH_COMPACT : NAME_WIDTH;
    }
  self->layout->row_height = line_height + 2 * VIGIL_TABLE_PADDING_Y;
  self->font_serial = pango_context_get_serial (gtk_widget_get_pango_context (font_of));
  self->sizes_valid = TRUE;
}

static int
natural_table_width (VigilPortfolioView *self)
{
  int natural = 0;

  vigil_table_layout_measure (self->layout, NULL, &natural);
  return natural;
}

/* The rows kept measured again, and named by what they show now. */
static void
layout_changed (VigilPortfolioView *self)
{
  GHashTableIter iter;
  BoundRow *bound;

  vigil_table_layout_changed (self->layout);
  vigil_table_header_update_shown (self->header);
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &bound))
    {
      vigil_table_row_check_layout (bound->row);
      show_customer (self, bound->row, bound->customer);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self->list_view));
}

/* design 5: the table shows the columns @width holds at their natural
 * widths, dropping them in drop_order, rather than squeezing each to a
 * few letters and an ellipsis or hiding the last ones off the edge. A
 * narrow window shows the compact columns alone. Returns whether the
 * columns shown changed. */
static gboolean
fit_columns (VigilPortfolioView *self,
             int                 width)
{
  gboolean was[G_N_ELEMENTS (columns)];
  gboolean changed = FALSE;

  self->fitted_width = width;
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      was[i] = self->layout->columns[i].shown;
      self->layout->columns[i].shown = !self->compact || columns[i].compact;
    }
  for (guint i = 0; !self->compact && i < G_N_ELEMENTS (drop_order) && natural_table_width (self) > width; i++)
    self->layout->columns[find_column (drop_order[i])].shown = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    changed |= was[i] != self->layout->columns[i].shown;
  return changed;
}

static const Column *get_sort (VigilPortfolioView *self,
                               GtkSortType        *out_direction);

/* Filtering and the summary ---------------------------------------------------- */

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  VigilPortfolioView *self = user_data;
  VigilCustomer *customer = item;

  return vigil_customer_in_book (customer, self->book) &&
         (self->tier == VIGIL_TIER_NONE || vigil_customer_get_tier (customer) == self->tier) &&
         (self->owner == NULL || g_strcmp0 (vigil_customer_get_owner (customer), self->owner) == 0) &&
         (self->segment == NULL || g_strcmp0 (vigil_customer_get_segment (customer), self->segment) == 0) &&
         vigil_customer_matches (customer, self->query);
}

static gboolean
update_summary_idle_cb (gpointer user_data);

/* Counted once the list has settled, not on each of its changes: a
 * keystroke shows its rows first. */
static void
queue_summary (VigilPortfolioView *self)
{
  if (self->summary_idle == 0)
    self->summary_idle = g_idle_add (update_summary_idle_cb, self);
}

static void
update_summary (VigilPortfolioView *self)
{
  GListModel *shown = G_LIST_MODEL (self->filtered);
  guint n = g_list_model_get_n_items (shown);
  g_autofree char *text = NULL;
  g_autofree char *money = NULL;
  double mrr = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (shown, i);
      double value = vigil_customer_get_mrr (customer);

      if (!isnan (value))
        mrr += value;
    }
  money = vigil_format_money (mrr);
  /* TRANSLATORS: how many customers are shown and their MRR, e.g. "12 customers · MRR 45,000" */
  text = g_strdup_printf (ngettext ("%u customer · MRR %s", "%u customers · MRR %s", n), n, money);
  gtk_label_set_text (self->summary_label, text);
}

static gboolean
update_summary_idle_cb (gpointer user_data)
{
  VigilPortfolioView *self = user_data;

  self->summary_idle = 0;
  update_summary (self);
  return G_SOURCE_REMOVE;
}

/* design 5: a new order, search or filter shows its first row. GTK 4.8
 * keeps the row that was on top in view and follows it to its new place
 * (row 275 of 300 after a click on a header), and setting the scroll
 * position to 0 does nothing where it is 0 already: the list itself is
 * asked to bring its first row into view. */
static void
scroll_to_top (VigilPortfolioView *self)
{
  if (self->filtered == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}

static void selection_changed_cb (VigilPortfolioView *self);

/* design 7: the table is at its top before the list changes, where the
 * list lets it keep its rows (vigil-filter-list.c), and the customer
 * selected stays selected while it is shown: the list's steps may take
 * it out and back, which is no change of selection. The list is sorted
 * again (@sort), or filtered again as @change says, or shows the result
 * it kept under @kept_key if it did. */
static void
update_list (VigilPortfolioView *self,
             gboolean            sort,
             GtkFilterChange     change,
             const char         *kept_key)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (self->list_view));
  g_autoptr(VigilCustomer) selected = NULL;
  guint position;

  if (selection == NULL)
    return;
  selected = gtk_single_selection_get_selected_item (selection);
  if (selected != NULL)
    g_object_ref (selected);
  scroll_to_top (self);
  g_signal_handlers_block_by_func (selection, selection_changed_cb, self);
  if (sort)
    vigil_filter_list_resort (self->filtered);
  else if (kept_key == NULL || !vigil_filter_list_show_kept (self->filtered, kept_key))
    vigil_filter_list_refilter (self->filtered, change);
  if (selected != NULL && gtk_single_selection_get_selected_item (selection) != selected &&
      vigil_filter_list_find (self->filtered, selected, &position))
    gtk_single_selection_set_selected (selection, position);
  g_signal_handlers_unblock_by_func (selection, selection_changed_cb, self);
  if (gtk_single_selection_get_selected_item (selection) != selected)
    selection_changed_cb (self);
  scroll_to_top (self);
}

/* A filter other than the search changed (or the search is a new one):
 * the results kept for shorter searches no longer hold. */
static void
refilter (VigilPortfolioView *self,
          GtkFilterChange     change)
{
  if (change == GTK_FILTER_CHANGE_DIFFERENT && self->filtered != NULL)
    vigil_filter_list_forget_kept (self->filtered);
  update_list (self, FALSE, change, NULL);
}

static void
search_changed_cb (VigilPortfolioView *self)
{
  g_autofree char *old = g_steal_pointer (&self->query);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  self->query = g_utf8_casefold (text, -1);
  /* Typing on narrows what is shown, and keeps what the shorter search
   * found; deleting widens it, back to what a shorter search found
   * (design 7: deleting back a character asked the function of every
   * customer not shown, 99,910 of 100,000 for "acct-00"). */
  if (old != NULL && strcmp (self->query, old) == 0)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (old != NULL && g_str_has_prefix (self->query, old))
    {
      change = GTK_FILTER_CHANGE_MORE_STRICT;
      if (self->filtered != NULL)
        vigil_filter_list_keep (self->filtered, old);
    }
  else if (old != NULL && g_str_has_prefix (old, self->query))
    {
      update_list (self, FALSE, GTK_FILTER_CHANGE_LESS_STRICT, self->query);
      return;
    }
  refilter (self, change);
}

static void
book_toggled_cb (VigilPortfolioView *self)
{
  VigilBook book = gtk_toggle_button_get_active (self->churned_button) ? VIGIL_BOOK_CHURNED : VIGIL_BOOK_ACTIVE;

  if (book == self->book)
    return;
  self->book = book;
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
}

static char *
dropdown_choice (GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown));

  /* The first entry is "All …". */
  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 || list == NULL)
    return NULL;
  return g_strdup (gtk_string_list_get_string (list, selected));
}

static void
filters_changed_cb (VigilPortfolioView *self)
{
  guint tier = gtk_drop_down_get_selected (self->tier_dropdown);

  if (self->updating_choices)
    return;
  self->tier = tier == 0 || tier == GTK_INVALID_LIST_POSITION ? VIGIL_TIER_NONE : (VigilTier) (tier - 1);
  g_free (self->owner);
  self->owner = dropdown_choice (self->owner_dropdown);
  g_free (self->segment);
  self->segment = dropdown_choice (self->segment_dropdown);
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
}

static gboolean
same_choices (GtkDropDown *dropdown,
              GPtrArray   *values)
{
  GListModel *list = gtk_drop_down_get_model (dropdown);

  if (list == NULL || g_list_model_get_n_items (list) != values->len + 1)
    return FALSE;
  for (guint i = 0; i < values->len; i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (list), i + 1), values->pdata[i]) != 0)
      return FALSE;
  return TRUE;
}

/* The owners and segments of the book, sorted, after "All …"; left as
 * they are when a reload brought no new one. */
static void
fill_choices (GtkDropDown     *dropdown,
              VigilPortfolio  *portfolio,
              VigilCustomerGetText get,
              const char      *all,
              const char      *keep)
{
  g_autoptr(GPtrArray) values = vigil_portfolio_list_texts (portfolio, get);
  g_autoptr(GtkStringList) list = NULL;
  guint selected = 0;

  /* A view's owner with no customer now (My Book before the first one)
   * stays a choice, and chosen: the view shows none rather than all. */
  if (keep != NULL && !g_ptr_array_find_with_equal_func (values, keep, g_str_equal, NULL))
    g_ptr_array_add (values, (gpointer) keep);

  if (same_choices (dropdown, values))
    return;
  list = gtk_string_list_new ((const char *[]) { all, NULL });
  for (guint i = 0; i < values->len; i++)
    {
      gtk_string_list_append (list, values->pdata[i]);
      if (g_strcmp0 (keep, values->pdata[i]) == 0)
        selected = i + 1;
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (dropdown, selected);
}

/* The list has already filtered the customers a reload brought; it is
 * filtered again only if a chosen owner or segment is gone. */
static void
portfolio_loaded_cb (VigilPortfolioView *self)
{
  g_autofree char *owner = NULL;
  g_autofree char *segment = NULL;

  self->updating_choices = TRUE;
  fill_choices (self->owner_dropdown, self->portfolio, vigil_customer_get_owner, _("All owners"), self->owner);
  fill_choices (self->segment_dropdown, self->portfolio, vigil_customer_get_segment, _("All segments"),
                self->segment);
  self->updating_choices = FALSE;
  update_book_widths (self);
  if (self->fitted_width < 0)
    gtk_widget_queue_resize (GTK_WIDGET (self));

  owner = dropdown_choice (self->owner_dropdown);
  segment = dropdown_choice (self->segment_dropdown);
  if (g_strcmp0 (owner, self->owner) != 0 || g_strcmp0 (segment, self->segment) != 0)
    filters_changed_cb (self);
}

static void
activate_cb (VigilPortfolioView *self,
             guint               position)
{
  g_autoptr(VigilCustomer) customer = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (customer != NULL)
    g_signal_emit (self, signals[CUSTOMER_ACTIVATED], 0, customer);
}

/* Sizes -------------------------------------------------------------------- */

/* The header over the rows: in height one above the other, in width the
 * wider. */
static void
measure_table (GtkWidget      *table,
               GtkOrientation  orientation,
               int             for_size,
               int            *minimum,
               int            *natural,
               int            *minimum_baseline,
               int            *natural_baseline)
{
  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (table); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int least, wanted;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, for_size, &least, &wanted, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum += least;
          *natural += wanted;
        }
      else
        {
          *minimum = MAX (*minimum, least);
          *natural = MAX (*natural, wanted);
        }
    }
}

/* The rows first, then the header over them: it places its buttons where
 * the rows' cells are, which the list knows once it is laid out. */
static void
allocate_table (GtkWidget *table,
                int        width,
                int        height,
                int        baseline)
{
  GtkWidget *header = gtk_widget_get_first_child (table);
  GtkWidget *rows = gtk_widget_get_next_sibling (header);
  int header_height = 0;

  gtk_widget_measure (header, GTK_ORIENTATION_VERTICAL, width, &header_height, NULL, NULL, NULL);
  gtk_widget_allocate (rows, width, MAX (height - header_height, 0), -1,
                       gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, header_height)));
  vigil_table_header_follow_rows (VIGIL_TABLE_HEADER (header));
  gtk_widget_allocate (header, width, header_height, -1, NULL);
}

static GtkSizeRequestMode
vigil_portfolio_view_get_request_mode (GtkWidget *widget)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  return child != NULL ? gtk_widget_get_request_mode (child) : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
vigil_portfolio_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

/* The columns are measured and chosen for the width the table is given,
 * before it is laid out in it: no frame shows the table squeezed. */
static void
vigil_portfolio_view_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  VigilPortfolioView *self = VIGIL_PORTFOLIO_VIEW (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));
  guint font_serial = pango_context_get_serial (gtk_widget_get_pango_context (GTK_WIDGET (self->list_view)));
  gboolean remeasured = FALSE;

  if (child == NULL || !gtk_widget_should_layout (child))
    return;
  /* Measured again in a new font (a new scale, a new style). */
  if (!self->sizes_valid || font_serial != self->font_serial)
    {
      measure_columns (self);
      remeasured = TRUE;
    }
  /* Chosen again for a new width, or new sizes. */
  if (width != self->fitted_width || remeasured)
    {
      if (fit_columns (self, width) || remeasured)
        layout_changed (self);
      /* Measured again, as its parent must, before it is given a size. */
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, NULL, NULL, NULL);
    }
  gtk_widget_allocate (child, width, height, baseline, NULL);
}

/* GObject ------------------------------------------------------------------- */

static void
vigil_portfolio_view_dispose (GObject *object)
{
  VigilPortfolioView *self = (VigilPortfolioView *) object;

  g_clear_handle_id (&self->summary_idle, g_source_remove);
  /* The customers outlive the view: nothing of theirs may call back. */
  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_data (self->filtered, self);
  if (self->portfolio != NULL)
    g_signal_handlers_disconnect_by_data (self->portfolio, self);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_PORTFOLIO_VIEW);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->filtered);

  G_OBJECT_CLASS (vigil_portfolio_view_parent_class)->dispose (object);
}

static void
vigil_portfolio_view_finalize (GObject *object)
{
  VigilPortfolioView *self = (VigilPortfolioView *) object;

  g_free (self->query);
  g_free (self->owner);
  g_free (self->segment);
  for (guint i = 0; i < G_N_ELEMENTS (self->samples); i++)
    g_free (self->samples[i]);
  g_array_unref (self->sort_steps);
  /* After the rows and the header, which read it. */
  vigil_table_layout_free (self->layout);

  G_OBJECT_CLASS (vigil_portfolio_view_parent_class)->finalize (object);
}

static void
vigil_portfolio_view_class_init (VigilPortfolioViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_portfolio_view_dispose;
  object_class->finalize = vigil_portfolio_view_finalize;
  widget_class->get_request_mode = vigil_portfolio_view_get_request_mode;
  widget_class->measure = vigil_portfolio_view_measure;
  widget_class->size_allocate = vigil_portfolio_view_size_allocate;

  signals[CUSTOMER_ACTIVATED] =
    g_signal_new ("customer-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VIGIL_TYPE_CUSTOMER);
  /**
   * VigilPortfolioView::selection-changed:
   *
   * Another customer, or none, is selected: see
   * vigil_portfolio_view_get_selected().
   */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-portfolio-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, active_button);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, churned_button);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, list_view);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, owner_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, segment_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, table_box);
  gtk_widget_class_bind_template_child (widget_class, VigilPortfolioView, tier_dropdown);
}

static void
vigil_portfolio_view_init (VigilPortfolioView *self)
{
  g_autoptr(GtkStringList) tiers = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;

  self->tier = VIGIL_TIER_NONE;
  self->book = VIGIL_BOOK_ACTIVE;
  self->fitted_width = -1;
  self->bound = g_hash_table_new_full (NULL, NULL, NULL, bound_row_free);
  self->layout = vigil_table_layout_new (G_N_ELEMENTS (columns));
  self->sort_steps = g_array_new (FALSE, FALSE, sizeof (SortStep));
  /* Laid out by its own size_allocate, which picks the columns first. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  gtk_widget_init_template (GTK_WIDGET (self));

  tiers = gtk_string_list_new ((const char *[]) { _("All tiers"), _("Healthy"), _("At risk"), _("High risk"),
                                                  NULL });
  gtk_drop_down_set_model (self->tier_dropdown, G_LIST_MODEL (tiers));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  self->header = VIGIL_TABLE_HEADER (vigil_table_header_new (self->layout));
  gtk_box_prepend (self->table_box, GTK_WIDGET (self->header));
  add_columns (self);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  vigil_table_header_set_rows (self->header, GTK_WIDGET (self->list_view));
  gtk_widget_set_layout_manager (GTK_WIDGET (self->table_box),
                                 gtk_custom_layout_new (NULL, measure_table, allocate_table));

  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->churned_button, "toggled", G_CALLBACK (book_toggled_cb), self);
  g_signal_connect_swapped (self->tier_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->owner_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->segment_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (activate_cb), self);
}

/* The order the table starts in, and a view without a sort keeps. */
static void
sort_default (VigilPortfolioView *self)
{
  /* What needs attention first (design 5): the most at stake on top. */
  vigil_portfolio_view_sort_by (self, "at-stake", GTK_SORT_DESCENDING);
}

static void
selection_changed_cb (VigilPortfolioView *self)
{
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* Public API --------------------------------------------------------------------- */

/* Returns: (transfer none) (nullable): the customer selected in the table */
VigilCustomer *
vigil_portfolio_view_get_selected (VigilPortfolioView *self)
{
  GtkSelectionModel *model;

  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self), NULL);

  model = gtk_list_view_get_model (self->list_view);
  return model != NULL ? gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model)) : NULL;
}

void
vigil_portfolio_view_set_portfolio (VigilPortfolioView *self,
                                    VigilPortfolio     *portfolio)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_return_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self));
  g_return_if_fail (VIGIL_IS_PORTFOLIO (portfolio));
  g_return_if_fail (self->portfolio == NULL);

  self->portfolio = g_object_ref (portfolio);
  self->filtered = vigil_filter_list_new (vigil_portfolio_get_customers (portfolio), filter_func, self);
  vigil_filter_list_set_sort (self->filtered, sort_customers, self);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (queue_summary), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (portfolio, "loaded", G_CALLBACK (portfolio_loaded_cb), self, G_CONNECT_SWAPPED);

  sort_default (self);
  update_summary (self);
}

/**
 * _vigil_portfolio_view_dup_tooltip_at:
 * @row: a row of the table
 * @x: across @row
 *
 * Returns: (nullable): the customer's id over the name, the reasons of its
 *   churn risk over the risk, else %NULL
 */
char *
_vigil_portfolio_view_dup_tooltip_at (VigilPortfolioView *self,
                                      GtkWidget          *row,
                                      int                 x)
{
  VigilCustomer *customer;
  int column;
  char *text = NULL;

  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self), NULL);
  g_return_val_if_fail (VIGIL_IS_TABLE_ROW (row), NULL);

  customer = vigil_table_row_get_customer (VIGIL_TABLE_ROW (row));
  column = vigil_table_layout_column_at (self->layout, x);
  if (customer == NULL || column < 0)
    return NULL;
  if (columns[column].text_of == text_name)
    text = g_strdup (vigil_customer_get_id (customer));
  else if (columns[column].text_of == text_risk)
    text = g_strjoinv ("\n", (char **) vigil_customer_get_churn_factors (customer));
  if (text != NULL && *text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

/* Returns: (transfer none): the search bar, for the window's button */
GtkSearchBar *
vigil_portfolio_view_get_search_bar (VigilPortfolioView *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self), NULL);
  return self->search_bar;
}

/* A narrow window shows only the main columns; a wider one those its
 * width holds (design 5). */
void
vigil_portfolio_view_set_compact (VigilPortfolioView *self,
                                  gboolean            compact)
{
  g_return_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self));

  self->compact = compact;
  self->sizes_valid = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->owner_dropdown), !compact);
  gtk_widget_set_visible (GTK_WIDGET (self->segment_dropdown), !compact);
  self->fitted_width = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Returns: (transfer none): the customers shown, in the order shown */
GListModel *
vigil_portfolio_view_get_shown (VigilPortfolioView *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

/**
 * vigil_portfolio_view_sort_by:
 * @column_id: name, owner, segment, plan, health, trend, risk, mrr,
 *   at-stake, renewal, seats, last-active, last-touch or triggers
 *
 * Returns: whether such a column exists
 */
gboolean
vigil_portfolio_view_sort_by (VigilPortfolioView *self,
                              const char         *column_id,
                              GtkSortType         direction)
{
  int column;
  SortStep step;

  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self), FALSE);

  if ((column = find_column (column_id)) < 0)
    return FALSE;
  /* One column, as a view says, without the clicks before. */
  step.column = &columns[column];
  step.reversed = direction == GTK_SORT_DESCENDING;
  g_array_set_size (self->sort_steps, 0);
  g_array_append_val (self->sort_steps, step);
  show_sort (self);
  update_list (self, TRUE, GTK_FILTER_CHANGE_DIFFERENT, NULL);
  return TRUE;
}

void
vigil_portfolio_view_set_search (VigilPortfolioView *self,
                                 const char         *text)
{
  g_return_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  /* design 7: the entry replaces its text by emptying it first, and says
   * at once that it is empty: the table would show the whole book
   * between two searches (building rows for it, then dropping them).
   * The view answers the new text alone, at once; the entry's own word,
   * a moment later, finds it already shown. */
  g_signal_handlers_block_by_func (self->search_entry, search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  g_signal_handlers_unblock_by_func (self->search_entry, search_changed_cb, self);
  search_changed_cb (self);
}

/* The column the table is sorted by first, and its direction. */
static const Column *
get_sort (VigilPortfolioView *self,
          GtkSortType        *out_direction)
{
  const SortStep *first;

  if (self->sort_steps->len == 0)
    return NULL;
  first = &g_array_index (self->sort_steps, SortStep, 0);
  *out_direction = first->reversed ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING;
  return first->column;
}

/**
 * vigil_portfolio_view_dup_view:
 *
 * design 5: what the table shows, as a view (without a name): the active
 * book or the churned customers, its tier, owner and segment filters,
 * its search and the column it is sorted by,
 * which a view's sort keys name (vigil_view_get_sort_keys()).
 *
 * Returns: (transfer full): the view
 */
VigilView *
vigil_portfolio_view_dup_view (VigilPortfolioView *self)
{
  VigilView *view;
  const Column *column;
  GtkSortType direction = GTK_SORT_ASCENDING;
  const char *search;

  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self), NULL);

  view = vigil_view_new ();
  view->book = self->book;
  view->tier = self->tier;
  view->owner = g_strdup (self->owner);
  view->segment = g_strdup (self->segment);
  search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (gtk_search_bar_get_search_mode (self->search_bar) && *search != '\0')
    view->search = g_strdup (search);
  if ((column = get_sort (self, &direction)) != NULL && vigil_view_is_sort_key (column->id))
    {
      view->sort = g_strdup (column->id);
      /* GTK's descending is highest first, for risk and at-stake too */
      view->reverse = (direction == GTK_SORT_DESCENDING) != vigil_view_sort_key_is_descending (column->id);
    }
  return view;
}

/**
 * vigil_portfolio_view_apply_view:
 * @view: the filters, search and sort to show
 *
 * Shows what @view says: its book, its filters (an owner or segment the book does
 * not have becomes a choice, so the view shows no customer rather than
 * all), its search, and its sort; a view without a sort, or with one no
 * column shows (`id`), gets the table's default order.
 */
void
vigil_portfolio_view_apply_view (VigilPortfolioView *self,
                                 const VigilView    *view)
{
  g_return_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self));
  g_return_if_fail (view != NULL);

  /* Sorted first, while the table shows what it has laid out: its new
   * order starts at the top (update_list()). */
  if (view->sort == NULL ||
      !vigil_portfolio_view_sort_by (self, view->sort,
                                     vigil_view_get_descending (view) ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING))
    sort_default (self);
  if (view->book == VIGIL_BOOK_ACTIVE || view->book == VIGIL_BOOK_CHURNED)
    vigil_portfolio_view_set_book (self, view->book);
  vigil_portfolio_view_set_filters (self, view->tier, view->owner, view->segment);
  if (view->search != NULL && *view->search != '\0')
    vigil_portfolio_view_set_search (self, view->search);
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      search_changed_cb (self);
      gtk_search_bar_set_search_mode (self->search_bar, FALSE);
    }
}

/**
 * vigil_portfolio_view_set_filters:
 * @owner: (nullable): one owner, or %NULL for all
 * @segment: (nullable): one segment, or %NULL for all
 */
void
vigil_portfolio_view_set_filters (VigilPortfolioView *self,
                                  VigilTier           tier,
                                  const char         *owner,
                                  const char         *segment)
{
  GtkDropDown *dropdowns[] = { self->owner_dropdown, self->segment_dropdown };
  const char *wanted[] = { owner, segment };

  g_return_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self));

  gtk_drop_down_set_selected (self->tier_dropdown, tier == VIGIL_TIER_NONE ? 0 : (guint) tier + 1);
  for (guint d = 0; d < G_N_ELEMENTS (dropdowns); d++)
    {
      GListModel *list = gtk_drop_down_get_model (dropdowns[d]);
      guint selected = 0;

      for (guint i = 1; wanted[d] != NULL && list != NULL && i < g_list_model_get_n_items (list); i++)
        if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (list), i), wanted[d]) == 0)
          selected = i;
      /* design 5: a view's owner the book has no customer of yet */
      if (selected == 0 && wanted[d] != NULL && list != NULL)
        {
          gtk_string_list_append (GTK_STRING_LIST (list), wanted[d]);
          selected = g_list_model_get_n_items (list) - 1;
        }
      gtk_drop_down_set_selected (dropdowns[d], selected);
    }
}

/**
 * vigil_portfolio_view_set_book:
 * @book: %VIGIL_BOOK_ACTIVE (the default view) or %VIGIL_BOOK_CHURNED
 *
 * Shows the active book or the churned customers (design 3.2), as the
 * Active and Churned buttons do.
 */
void
vigil_portfolio_view_set_book (VigilPortfolioView *self,
                               VigilBook           book)
{
  g_return_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self));
  g_return_if_fail (book == VIGIL_BOOK_ACTIVE || book == VIGIL_BOOK_CHURNED);

  /* The buttons are a group: setting one unsets the other, and the
   * toggle says the rest. */
  gtk_toggle_button_set_active (book == VIGIL_BOOK_CHURNED ? self->churned_button : self->active_button, TRUE);
}

VigilBook
vigil_portfolio_view_get_book (VigilPortfolioView *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self), VIGIL_BOOK_ACTIVE);
  return self->book;
}

/* The count and MRR line under the filters. */
const char *
vigil_portfolio_view_get_summary (VigilPortfolioView *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (self), NULL);

  if (self->summary_idle != 0)
    {
      g_clear_handle_id (&self->summary_idle, g_source_remove);
      update_summary (self);
    }
  return gtk_label_get_text (self->summary_label);
}
