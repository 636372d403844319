/* rouge.h -- ROUGE-N, ROUGE-L and ROUGE-Lsum exactly as Google's
 * rouge-score computes them (METRICS.md §4), plus an opt-in Unicode-aware
 * tokenizer.
 *
 * Argument order follows rouge-score: target (the reference) first, then
 * the prediction; precision is relative to the prediction. Values are on
 * rouge-score's 0-1 scale.
 *
 * Tokenizers:
 *   ROUGE_TOK_DEFAULT  rouge-score's own: Python lowercase, every run of
 *                      characters other than ASCII [a-z0-9] is a break.
 *                      Every non-ASCII letter is dropped, so Chinese,
 *                      Russian or Arabic text has no tokens (scores 0) and
 *                      "Größe" gives "gr", "e". This is the reference
 *                      behaviour and the default.
 *   ROUGE_TOK_UNICODE  NFC, Python lowercase, tokens are runs of letters,
 *                      digits and marks (\p{L}\p{N}\p{M}); every Han
 *                      ideograph, kana and Hangul syllable is a token of
 *                      its own. Not comparable with published ROUGE.
 * With use_stemmer, tokens longer than 3 characters that are pure ASCII
 * get NLTK's Porter stem (porter.h). */
#ifndef ASSAY_ROUGE_H
#define ASSAY_ROUGE_H

#include <stddef.h>

enum rouge_tokenizer {
    ROUGE_TOK_DEFAULT,
    ROUGE_TOK_UNICODE,
};

/* The ROUGE types, as bits: rouge1..rouge9, rougeL, rougeLsum. */
#define ROUGE_N_MAX 9
#define ROUGE_BIT_N(n) (1u << ((n) - 1))
#define ROUGE_BIT_L    (1u << ROUGE_N_MAX)
#define ROUGE_BIT_LSUM (1u << (ROUGE_N_MAX + 1))
#define ROUGE_DEFAULT_TYPES (ROUGE_BIT_N(1) | ROUGE_BIT_N(2) | ROUGE_BIT_L | ROUGE_BIT_LSUM)
#define ROUGE_NTYPES (ROUGE_N_MAX + 2)

struct rouge_opts {
    unsigned types;                  /* ROUGE_BIT_* set; 0 means ROUGE_DEFAULT_TYPES */
    int use_stemmer;                 /* NLTK Porter on tokens longer than 3 characters */
    enum rouge_tokenizer tokenizer;
};

struct rouge_prf {
    double precision, recall, fmeasure;
};

/* Index k holds the type of bit (1u << k): 0..8 = rouge1..rouge9,
 * 9 = rougeL, 10 = rougeLsum. Types not asked for are left at 0. */
struct rouge_scores {
    struct rouge_prf v[ROUGE_NTYPES];
};

/* "rouge1", ..., "rougeL", "rougeLsum" for index k. */
const char *rouge_type_name(int k);
/* The bit of a type name, 0 if it is not one. */
unsigned rouge_type_bit(const char *name);

/* Scores one prediction against one target (UTF-8, n bytes each). */
void rouge_score(const struct rouge_opts *o, const char *target, size_t target_n,
                 const char *prediction, size_t prediction_n, struct rouge_scores *out);

/* rouge-score's score_multi: for each type separately, the P/R/F of the
 * target with the highest F (the first one on ties). ntargets >= 1. */
void rouge_score_multi(const struct rouge_opts *o, const char *const *targets, size_t ntargets,
                       const char *prediction, struct rouge_scores *out);

/* Corpus value: the arithmetic mean of per-pair values, summed in order
 * (rouge-score itself only offers a randomised bootstrap aggregate). */
struct rouge_mean {
    struct rouge_scores sum;
    size_t n;
};
void rouge_mean_init(struct rouge_mean *m);
void rouge_mean_add(struct rouge_mean *m, const struct rouge_scores *s);
void rouge_mean_get(const struct rouge_mean *m, struct rouge_scores *out);

/* ---- building blocks, exposed for tests and for other scorers ---------- */

/* Tokens of one text: token i is the NUL-terminated string at
 * text + start[i]; line[i] is the 0-based '\n'-separated line it came
 * from (ROUGE-Lsum's sentences). */
struct rouge_tokens {
    char *text;
    size_t text_len, text_cap;
    size_t *start;
    size_t *line;
    size_t n, cap;
};
void rouge_tokens_init(struct rouge_tokens *t);
void rouge_tokens_release(struct rouge_tokens *t);
static inline const char *rouge_token(const struct rouge_tokens *t, size_t i)
{
    return t->text + t->start[i];
}
/* Replaces t's contents with the tokens of text[0..n) (any bytes; invalid
 * UTF-8 is a break). */
void rouge_tokenize(const struct rouge_opts *o, const char *text, size_t n,
                    struct rouge_tokens *t);

/* Length of the longest common subsequence of a and b (token ids, small
 * dense integers as interning gives them), in at most ~16 MiB. */
size_t rouge_lcs_length(const unsigned *a, size_t na, const unsigned *b, size_t nb);
/* Marks (mark[i] = 1) the positions of ref that rouge-score's
 * back-tracking picks for one LCS of ref and cand: on a mismatch it steps
 * back in cand only if that cell is strictly greater, else in ref.
 * mark has na entries and is not cleared first. */
void rouge_lcs_mark(const unsigned *ref, size_t nref, const unsigned *cand, size_t ncand,
                    unsigned char *mark);
/* The same with at most bits_budget direction bits held at once (tests
 * use a tiny budget to exercise the checkpointed path). */
void rouge_lcs_mark_budget(const unsigned *ref, size_t nref, const unsigned *cand, size_t ncand,
                           unsigned char *mark, size_t bits_budget);

#endif
