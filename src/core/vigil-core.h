/* vigil-core.h: the one header users of libvigil-core include
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-book.h"
#include "vigil-book-watch.h"
#include "vigil-churn-model.h"
#include "vigil-churn-risk.h"
#include "vigil-churn-trainer.h"
#include "vigil-error.h"
#include "vigil-importer.h"
#include "vigil-inbox.h"
#include "vigil-ingest.h"
#include "vigil-json.h"
#include "vigil-link-header.h"
#include "vigil-mapping.h"
#include "vigil-mapping-draft.h"
#include "vigil-poll-census.h"
#include "vigil-poller.h"
#include "vigil-preset.h"
#include "vigil-preview.h"
#include "vigil-pulse.h"
#include "vigil-scheduler.h"
#include "vigil-secrets.h"
#include "vigil-scorecard.h"
#include "vigil-snapshot.h"
#include "vigil-source.h"
#include "vigil-store.h"
#include "vigil-store-pool.h"
#include "vigil-time.h"
#include "vigil-timeline.h"
#include "vigil-triggers.h"
#include "vigil-url.h"
#include "vigil-view.h"
