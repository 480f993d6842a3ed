/* vigil-csv-reader.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_CSV_READER (vigil_csv_reader_get_type ())

G_DECLARE_FINAL_TYPE (VigilCsvReader, vigil_csv_reader, VIGIL, CSV_READER, GObject)

VigilCsvReader *vigil_csv_reader_new          (GInputStream   *stream);
void            vigil_csv_reader_set_delimiter (VigilCsvReader *self,
                                                char            delimiter);
char            vigil_csv_detect_delimiter    (const char     *head,
                                               gsize           length);
/* Reads the next record. Returns TRUE with a row, FALSE at end of input (error unset) or on
 * error (error set). */
gboolean        vigil_csv_reader_next_row     (VigilCsvReader *self,
                                               GCancellable   *cancellable,
                                               GError        **error);
guint           vigil_csv_reader_get_n_fields (VigilCsvReader *self);
/* NUL-terminated field text, valid until the next call to next_row; len may be NULL. */
const char     *vigil_csv_reader_get_field    (VigilCsvReader *self,
                                               guint           index,
                                               gsize          *len);
/* The current row's fields, one after the other, each NUL-terminated: what get_field() gives
 * for each index in turn, @len bytes in all (the NULs counted). */
const char     *vigil_csv_reader_get_row      (VigilCsvReader *self,
                                               gsize          *len);
/* 1-based line number where the current row begins (rows may span lines when quoted fields
 * contain newlines). */
guint64         vigil_csv_reader_get_line     (VigilCsvReader *self);
/* Total bytes consumed so far (for progress). */
guint64         vigil_csv_reader_get_offset   (VigilCsvReader *self);

G_END_DECLS
