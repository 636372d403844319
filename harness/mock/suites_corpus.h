/* suites_corpus.h -- fills the mock's corpus from suites and their
 * datasets, so the mock knows the answer to every bundled item.
 *
 * suites_dir NULL: $ASSAY_SUITES, else the source tree's suites/ (baked in
 * at build time); a default folder that does not exist is not an error (an
 * installed binary without its source tree answers generically).
 * datasets_dir NULL: each suite's dataset path as the suite resolves it;
 * otherwise the dataset's file name is looked up in datasets_dir. */
#ifndef ASSAY_MOCK_SUITES_CORPUS_H
#define ASSAY_MOCK_SUITES_CORPUS_H

#include "corpus.h"
#include "harness/util/diag.h"

int suites_corpus_load(struct corpus *c, const char *suites_dir, const char *datasets_dir,
                       struct diag *d);

#endif
