/* vigil-charts.h: the one header users of libvigil-charts include
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-chart-style.h"
#include "vigil-chart-axis.h"
#include "vigil-chart-bars.h"
#include "vigil-chart-line.h"
#include "vigil-chart-sparkline.h"
