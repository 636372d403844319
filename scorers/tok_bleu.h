/* tok_bleu.h -- sacreBLEU 2.6.0's BLEU tokenizers (13a, intl, zh, char,
 * none) over code points, and the mteval steps the tercom tokenizer
 * (tok_ter.h) shares with them. Exact rules: METRICS.md §1.1-1.2.
 *
 * Every function works on a struct ustr in place: `line` is the input and
 * receives the output; `tmp` is scratch the caller owns and may reuse
 * between calls (no allocation once both have grown). The output is the
 * tokenized line exactly as sacreBLEU's tokenizer returns it (so `char`
 * keeps the separators around whitespace); tokens are that line split on
 * Python whitespace (py_split). */
#ifndef ASSAY_TOK_BLEU_H
#define ASSAY_TOK_BLEU_H

#include "pyunicode.h"

enum bleu_tokenizer {
    BLEU_TOK_13A,    /* mteval-v13a, the default */
    BLEU_TOK_INTL,   /* mteval-v14 international (Unicode categories) */
    BLEU_TOK_ZH,     /* Chinese characters split, then 13a's regexps */
    BLEU_TOK_CHAR,   /* every character a token */
    BLEU_TOK_NONE,   /* split on whitespace only */
};

/* "13a" -> BLEU_TOK_13A ...; -1 if the name is unknown. */
int bleu_tokenizer_from_name(const char *name, enum bleu_tokenizer *out);
const char *bleu_tokenizer_name(enum bleu_tokenizer t);
/* "13a, intl, zh, char, none", for messages. */
extern const char bleu_tokenizer_names[];

/* The tokenizer alone (sacreBLEU's tokenizer(line)). */
void bleu_tokenize(enum bleu_tokenizer t, struct ustr *line, struct ustr *tmp);
/* BLEU._preprocess_segment: Python lowercase if asked, rstrip, tokenize. */
void bleu_preprocess(enum bleu_tokenizer t, int lowercase, struct ustr *line, struct ustr *tmp);

/* ===== mteval building blocks (also used by tok_ter.c) ===== */

/* Replaces every occurrence of the ASCII string pat by the ASCII string
 * rep (Python str.replace: left to right, non-overlapping). */
void mteval_replace(struct ustr *line, const char *pat, const char *rep, struct ustr *tmp);
/* The four entities in 13a's order: &quot; &amp; &lt; &gt;. */
void mteval_unescape(struct ustr *line, struct ustr *tmp);
/* " " + line + " ". */
void mteval_pad(struct ustr *line, struct ustr *tmp);
/* A space before and after every character for which pred is true. */
void mteval_space_around(struct ustr *line, int (*pred)(int32_t), struct ustr *tmp);
/* Step A: spaces around the ASCII punctuation set of mteval-v13a. */
void mteval_split_punct(struct ustr *line, struct ustr *tmp);
/* Steps B, C and D: period/comma not between ASCII digits, dash after a
 * digit. Each is one re.sub pass. */
void mteval_split_period_comma_dash(struct ustr *line, struct ustr *tmp);
/* ' '.join(line.split()). */
void mteval_collapse(struct ustr *line, struct ustr *tmp);

#endif
