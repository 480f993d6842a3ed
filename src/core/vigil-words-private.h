/* vigil-words-private.h: looking at eight bytes of text at once
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The readers of imported text (the CSV reader, the features of a
 * record) test a word of eight bytes, loaded with memcpy(), for the
 * bytes that end what they read, rather than each byte in turn. */

#define VIGIL_EVERY_BYTE(c) (G_GUINT64_CONSTANT (0x0101010101010101) * (guchar) (c))

/* The high bit of each byte of @word that is the byte @every_byte has
 * in each of its own, or of some byte after such a byte (a borrow
 * carries): the lowest bit set marks the first of them exactly. */
static inline guint64
vigil_word_bytes_equal (guint64 word,
                        guint64 every_byte)
{
  guint64 x = word ^ every_byte;

  return (x - VIGIL_EVERY_BYTE (1)) & ~x & VIGIL_EVERY_BYTE (0x80);
}

/* Whether a byte of @word is the byte @every_byte has in each of its own. */
static inline gboolean
vigil_word_has_byte (guint64 word,
                     guint64 every_byte)
{
  return vigil_word_bytes_equal (word, every_byte) != 0;
}

/* As vigil_word_bytes_equal(), for bytes below @limit (at most 0x80). */
static inline guint64
vigil_word_bytes_below (guint64 word,
                        guchar  limit)
{
  return (word - VIGIL_EVERY_BYTE (limit)) & ~word & VIGIL_EVERY_BYTE (0x80);
}

/* Where in the word the byte is whose high bit is the lowest set in
 * @flags, which is not 0; -1 where that cannot be told without a loop
 * (a processor that is not little-endian, a compiler without the
 * builtin). */
static inline int
vigil_word_first_flagged (guint64 flags)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN && defined(__GNUC__)
  return __builtin_ctzll (flags) / 8;
#else
  (void) flags;
  return -1;
#endif
}

G_END_DECLS
