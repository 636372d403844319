/* ter.h -- TER exactly as sacreBLEU 2.6.0 computes it (METRICS.md §3):
 * the tercom tokenizer (tok_ter.h), greedy block shifts and a beam-limited
 * word Levenshtein distance (metrics/lib_ter.py), the minimum edits and the
 * average reference length per segment, corpus sums.
 *
 *   struct ter_opts o = {0};                 sacreBLEU's defaults (tok_ter.h)
 *   struct ter *t = ter_new(&o);
 *   struct ter_stats sum = {0}, s;
 *   for each segment: ter_segment(t, hyp, refs, nrefs, &s, &d); ter_stats_add(&sum, &s);
 *   double score = ter_score(&sum);         0-100, may exceed 100
 *
 * Strings are UTF-8, NUL-terminated, borrowed. One struct ter per thread. */
#ifndef ASSAY_TER_H
#define ASSAY_TER_H

#include <stddef.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"
#include "tok_ter.h"

struct ter_stats {
    long num_edits;      /* best (minimum) over the references, summed */
    double ref_length;   /* average reference length, summed */
};

struct ter;
struct ter *ter_new(const struct ter_opts *o);   /* copies o */
void ter_free(struct ter *t);

/* NULL references are skipped (missing in a variable-reference corpus);
 * -1 with a diag if none is left. */
int ter_segment(struct ter *t, const char *hyp, const char *const *refs, size_t nrefs,
                struct ter_stats *out, struct diag *d);
void ter_stats_add(struct ter_stats *sum, const struct ter_stats *s);
/* 100 * edits / length; 100 if the length is 0 but there are edits; else 0. */
double ter_score(const struct ter_stats *s);

/* lib_ter.translation_edit_rate on word ids: shifts + edit distance.
 * Exposed for tests; words are compared by value. */
long ter_edits(struct ter *t, const int32_t *hyp, size_t nhyp, const int32_t *ref, size_t nref);

/* nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0
 * (short #:1|c:lc|t:tercom|nr:no|pn:yes|as:no|v:2.6.0); nrefs -1 = "var". */
void ter_signature(const struct ter_opts *o, int nrefs, int short_form, struct buf *out);
/* "TER|SIG = 47.04" (width decimals; no "|SIG" if sig is NULL or ""). */
void ter_format(double score, const char *sig, int width, struct buf *out);

#endif
