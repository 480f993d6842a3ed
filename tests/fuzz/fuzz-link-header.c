/* fuzz-link-header.c: the RFC 8288 Link header parser
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A libFuzzer target (clang -fsanitize=fuzzer); with other compilers
 * fuzz-main.c replays its corpus in tests/fuzz/corpus/. Never crashes,
 * never leaks, whatever the bytes.
 */

/* Tests check with g_assert*() whatever the build type. */
#undef G_DISABLE_ASSERT
#undef G_DISABLE_CAST_CHECKS

#include <stdint.h>
#include <string.h>

#include "vigil-core.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *next = vigil_link_header_find_next (text, "https://api.example.com/v1/usage?page=1");
  g_autofree char *next_no_base = NULL;

  (void) next;
  next_no_base = vigil_link_header_find_next (text, NULL);
  return 0;
}
