/*
 * datadir.h - where factlint's data lives: the default rule suite, the
 * reference facts and the gazetteer.
 *
 * Two layouts:
 *   build tree  (the binary lies under the CMake build directory):
 *               <source>/rules, <source>/facts/reference, <source>/facts/gazetteer.tsv
 *   installed   (anywhere else): <prefix>/share/factlint/{rules,reference,gazetteer.tsv},
 *               where <prefix> is found from the binary's own location
 *               (<prefix>/bin/factlint), so an installed tree can be moved;
 *               when that directory does not exist, the configured install prefix.
 * FACTLINT_DATA_DIR, when set, names a directory in the installed layout and
 * wins over both.  The answer is computed once per process.
 */
#ifndef FL_CORE_DATADIR_H
#define FL_CORE_DATADIR_H

#include <stddef.h>

typedef enum fl_data_kind {
    FL_DATA_RULES = 0, /* directory of the default rule suite */
    FL_DATA_REFERENCE, /* directory of reference facts (*.json) */
    FL_DATA_GAZETTEER, /* the gazetteer file */
} fl_data_kind;

/* Writes the path of kind into buf (size bytes); returns buf. */
const char *fl_data_path(fl_data_kind kind, char *buf, size_t size);

#endif
