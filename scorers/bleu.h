/* bleu.h -- BLEU exactly as sacreBLEU 2.6.0 computes it (METRICS.md §1):
 * per-segment sufficient statistics, corpus sums, smoothing, effective
 * order, the signature and the printed line.
 *
 *   struct bleu_opts o;  bleu_opts_init(&o);          corpus defaults
 *   struct bleu *b = bleu_new(&o);
 *   struct bleu_stats sum = {0}, s;
 *   for each segment: bleu_segment(b, hyp, refs, nrefs, &s, &d); bleu_stats_add(&sum, &s);
 *   bleu_score(&o, &sum, &score);                     the corpus score
 *
 * Sentence BLEU is the same on one segment (sacrebleu.sentence_bleu also
 * turns effective order on: bleu_opts_init_sentence). Strings are UTF-8,
 * NUL-terminated and borrowed; invalid bytes count as U+FFFD. A struct bleu
 * holds scratch buffers reused across segments: one per thread. */
#ifndef ASSAY_BLEU_H
#define ASSAY_BLEU_H

#include <stddef.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"
#include "tok_bleu.h"

#define BLEU_MAX_ORDER 4

enum bleu_smooth { BLEU_SMOOTH_EXP, BLEU_SMOOTH_FLOOR, BLEU_SMOOTH_ADD_K, BLEU_SMOOTH_NONE };

struct bleu_opts {
    enum bleu_tokenizer tokenize;   /* 13a */
    enum bleu_smooth smooth;        /* exp */
    double smooth_value;            /* floor 0.1, add-k 1 when smooth_value_set is 0 */
    int smooth_value_set;
    int lowercase;                  /* 0 */
    int effective_order;            /* 0 for corpus BLEU, 1 for sentence BLEU */
};

void bleu_opts_init(struct bleu_opts *o);            /* BLEU() */
void bleu_opts_init_sentence(struct bleu_opts *o);   /* sacrebleu.sentence_bleu */
/* "exp" -> BLEU_SMOOTH_EXP, ...; -1 if unknown. */
int bleu_smooth_from_name(const char *name, enum bleu_smooth *out);
const char *bleu_smooth_name(enum bleu_smooth s);
extern const char bleu_smooth_names[];               /* "exp, floor, add-k, none" */

/* Raw statistics of a segment or a corpus (sums). */
struct bleu_stats {
    long sys_len, ref_len;
    long counts[BLEU_MAX_ORDER];   /* clipped matches per order */
    long totals[BLEU_MAX_ORDER];   /* hypothesis n-grams per order */
};

/* The score record. counts/totals are doubles because add-k adds the
 * smoothing value to orders 2..4, as sacreBLEU reports them. */
struct bleu_score {
    double score;                          /* 0-100 */
    double counts[BLEU_MAX_ORDER], totals[BLEU_MAX_ORDER];
    double precisions[BLEU_MAX_ORDER];     /* 0-100 */
    double bp, ratio;
    long sys_len, ref_len;
};

struct bleu;
struct bleu *bleu_new(const struct bleu_opts *o);   /* copies o */
void bleu_free(struct bleu *b);

/* Statistics of one segment. refs[i] may be NULL (a missing reference of
 * a variable-reference corpus: skipped); "" is a real empty reference.
 * -1 with a diag if no reference is left. */
int bleu_segment(struct bleu *b, const char *hyp, const char *const *refs, size_t nrefs,
                 struct bleu_stats *out, struct diag *d);
void bleu_stats_add(struct bleu_stats *sum, const struct bleu_stats *s);
/* BLEU.compute_bleu on (summed) statistics. */
void bleu_score(const struct bleu_opts *o, const struct bleu_stats *s, struct bleu_score *out);

/* Signature: nrefs is the references per segment, or -1 for "var".
 * Long: nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0
 * short: #:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0. Appends to out. */
void bleu_signature(const struct bleu_opts *o, int nrefs, int short_form, struct buf *out);
/* sacreBLEU's line: "BLEU|SIG = 58.20 83.1/68.3/58.4/51.4 (BP = 0.906
 * ratio = 0.910 hyp_len = 2032 ref_len = 2232)"; sig may be NULL or ""
 * ("BLEU = ..."); width = decimals of the score (sacreBLEU's --width, 2). */
void bleu_format(const struct bleu_score *s, const char *sig, int width, struct buf *out);

#endif
