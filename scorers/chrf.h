/* chrf.h -- chrF and chrF++ exactly as sacreBLEU 2.6.0 computes them
 * (METRICS.md §2): character n-grams (orders 1..char_order), word n-grams
 * (1..word_order, chrF++ = 2), the reference with the best sentence score
 * per segment, corpus statistics summed, one F-beta at the end.
 *
 *   struct chrf_opts o;  chrf_opts_init(&o);   (o.word_order = 2 for chrF++)
 *   struct chrf *c = chrf_new(&o);
 *   struct chrf_stats sum = {0}, s;
 *   for each segment: chrf_segment(c, hyp, refs, nrefs, &s, &d); chrf_stats_add(&sum, &s);
 *   double score = chrf_score(&o, &sum);       0-100
 *
 * Strings are UTF-8, NUL-terminated, borrowed. A struct chrf keeps scratch
 * buffers between segments: one per thread. */
#ifndef ASSAY_CHRF_H
#define ASSAY_CHRF_H

#include <stddef.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"
#include "pyunicode.h"

#define CHRF_MAX_ORDERS 32   /* char_order + word_order */

struct chrf_opts {
    int char_order;      /* 6 */
    int word_order;      /* 0; 2 for chrF++ */
    int beta;            /* 2 */
    int lowercase;       /* 0 */
    int whitespace;      /* 0: Python whitespace deleted before character n-grams */
    int eps_smoothing;   /* 0: effective-order averaging (signature eff:yes) */
};

void chrf_opts_init(struct chrf_opts *o);
/* NULL if the options are usable, else what is wrong with them. */
const char *chrf_opts_check(const struct chrf_opts *o);

/* Per order (character orders first, then word orders): hypothesis
 * n-grams (0 when the reference has none of that order), reference
 * n-grams, clipped matches. */
struct chrf_stats {
    long v[CHRF_MAX_ORDERS][3];
};

struct chrf;
struct chrf *chrf_new(const struct chrf_opts *o);   /* copies o */
void chrf_free(struct chrf *c);

/* Statistics of one segment against the reference with the best sentence
 * score (the first one on ties). NULL references are skipped (missing in
 * a variable-reference corpus); -1 with a diag if none is left. */
int chrf_segment(struct chrf *c, const char *hyp, const char *const *refs, size_t nrefs,
                 struct chrf_stats *out, struct diag *d);
void chrf_stats_add(const struct chrf_opts *o, struct chrf_stats *sum, const struct chrf_stats *s);
/* CHRF._compute_f_score, 0-100. */
double chrf_score(const struct chrf_opts *o, const struct chrf_stats *s);

/* "chrF2", "chrF2++" (one '+' per word order). */
void chrf_name(const struct chrf_opts *o, struct buf *out);
/* nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 (short:
 * #:1|c:mixed|e:yes|nc:6|nw:0|s:no|v:2.6.0); nrefs -1 = "var". */
void chrf_signature(const struct chrf_opts *o, int nrefs, int short_form, struct buf *out);
/* "chrF2|SIG = 74.14" (width decimals; no "|SIG" if sig is NULL or ""). */
void chrf_format(const struct chrf_opts *o, double score, const char *sig, int width,
                 struct buf *out);

/* chrF++'s word pieces of s (CHRF._remove_punctuation): each word split
 * on Python whitespace, one ASCII punctuation character split off its end,
 * else off its start. fn gets each piece (borrowed from s). */
void chrf_word_pieces(const struct ustr *s, py_split_fn *fn, void *ud);

#endif
