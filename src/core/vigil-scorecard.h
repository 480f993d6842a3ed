/* vigil-scorecard.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "vigil-pulse.h"
#include "vigil-snapshot.h"

G_BEGIN_DECLS

typedef enum
{
  VIGIL_MEASURE_ACTIVITY,
  VIGIL_MEASURE_VOLUME,
  VIGIL_MEASURE_BREADTH,
  VIGIL_MEASURE_SEATS,
  VIGIL_MEASURE_TICKETS,
  VIGIL_MEASURE_NPS,
  VIGIL_MEASURE_SENTIMENT,
  VIGIL_N_MEASURES
} VigilMeasure;

typedef enum
{
  VIGIL_TIER_NONE = -1,
  VIGIL_TIER_HEALTHY,
  VIGIL_TIER_AT_RISK,
  VIGIL_TIER_HIGH_RISK,
  VIGIL_N_TIERS
} VigilTier;

/**
 * VigilMeasureResult:
 * @input: what the measure was computed from (hours since last active,
 *   calls, features, …, the age in days of the pulse in force), or NAN
 *   when unknown
 * @value: the measure, 0..1, or NAN when it was left out
 * @weight: the weight it carried after rescaling over the known measures
 *   (0 when left out); the weights of one score add up to 100
 * @points: @value × @weight, its share of the score
 */
typedef struct
{
  double input;
  double value;
  double weight;
  double points;
} VigilMeasureResult;

/**
 * VigilScore:
 * @health: 0..100, or NAN when no measure was known
 * @tier: the tier of @health, or %VIGIL_TIER_NONE
 * @version: the scorecard version it was computed with
 * @measures: each measure's explanation
 */
typedef struct
{
  double             health;
  VigilTier          tier;
  gint64             version;
  VigilMeasureResult measures[VIGIL_N_MEASURES];
} VigilScore;

#define VIGIL_TYPE_SCORECARD (vigil_scorecard_get_type ())

G_DECLARE_FINAL_TYPE (VigilScorecard, vigil_scorecard, VIGIL, SCORECARD, GObject)

VigilScorecard *vigil_scorecard_new_default   (void);
VigilScorecard *vigil_scorecard_new_from_json (const char            *json,
                                               gint64                 version,
                                               GError               **error);
char           *vigil_scorecard_to_json       (VigilScorecard        *self);
VigilScorecard *vigil_scorecard_new_with      (VigilScorecard        *self,
                                               const char            *key,
                                               double                 value,
                                               GError               **error);
gint64          vigil_scorecard_get_version   (VigilScorecard        *self);
double          vigil_scorecard_get_weight    (VigilScorecard        *self,
                                               VigilMeasure           measure);
double          vigil_scorecard_get_target    (VigilScorecard        *self,
                                               VigilMeasure           measure);
double          vigil_scorecard_get_cutoff    (VigilScorecard        *self,
                                               VigilTier              tier);
void            vigil_scorecard_compute       (VigilScorecard        *self,
                                               const VigilSnapshot   *snapshot,
                                               VigilScore            *out_score);
void            vigil_scorecard_compute_with_pulse (VigilScorecard   *self,
                                               const VigilSnapshot   *snapshot,
                                               const VigilPulseMark  *pulse,
                                               VigilScore            *out_score);
VigilTier       vigil_scorecard_get_tier      (VigilScorecard        *self,
                                               double                 health);

const char     *vigil_measure_get_name        (VigilMeasure           measure);
VigilMeasure    vigil_measure_from_name       (const char            *name);
const char     *vigil_tier_get_id             (VigilTier              tier);
const char     *vigil_tier_get_label          (VigilTier              tier);
VigilTier       vigil_tier_from_id            (const char            *id);

G_END_DECLS
