/* squad.h -- exact match and token F1 exactly as the official SQuAD
 * evaluate.py computes them (METRICS.md §5): v1.1 by default, v2.0 on
 * request (empty golds dropped, both-empty F1 = 1).
 *
 * Per question: exact_match is 0 or 1 and f1 is 0-1, each the maximum over
 * the gold answers (independently). Totals are on the script's 0-100
 * scale: 100 * sum / number of questions, summed in order. */
#ifndef ASSAY_SQUAD_H
#define ASSAY_SQUAD_H

#include <stddef.h>

enum squad_version {
    SQUAD_V11,
    SQUAD_V20,
};

/* normalize_answer: Python lowercase, the 32 ASCII punctuation characters
 * deleted, whole words a/an/the (Python re \b, Unicode word characters)
 * replaced by a space, whitespace runs joined by one space. Returns owned
 * NUL-terminated UTF-8, its length in *out_n (may be NULL). */
char *squad_normalize(const char *s, size_t n, size_t *out_n);

int    squad_exact(const char *prediction, const char *gold);
double squad_f1(enum squad_version v, const char *prediction, const char *gold);

struct squad_result {
    int exact_match;    /* 0 or 1 */
    double f1;          /* 0-1 */
};

/* Scores one question. v1.1 needs ngolds >= 1 (returns -1 otherwise);
 * v2.0 treats no gold, or only golds that normalize to "", as
 * unanswerable (the only right answer is ""). */
int squad_score(enum squad_version v, const char *prediction, const char *const *golds,
                size_t ngolds, struct squad_result *out);

/* Corpus totals as evaluate() returns them. */
struct squad_total {
    double exact_sum, f1_sum;
    size_t n;
};
void squad_total_init(struct squad_total *t);
void squad_total_add(struct squad_total *t, const struct squad_result *r);
/* exact_match and f1 on the 0-100 scale (0 when there are no questions). */
void squad_total_get(const struct squad_total *t, double *exact_match, double *f1);

#endif
