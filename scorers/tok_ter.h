/* tok_ter.h -- sacreBLEU 2.6.0's tercom tokenizer (TER pre-processing,
 * METRICS.md §3.1), in place over code points like tok_bleu.h. */
#ifndef ASSAY_TOK_TER_H
#define ASSAY_TOK_TER_H

#include "pyunicode.h"

/* TER's options are all tokenizer options; all off = sacreBLEU's defaults. */
struct ter_opts {
    int normalized;      /* mteval-style tokenization and entity unescaping */
    int no_punct;        /* delete . , ? : ; ! " ( ) (and CJK punctuation with asian_support) */
    int asian_support;   /* split CJK characters and punctuation (with normalized) */
    int case_sensitive;  /* off: Python lowercase first */
};

/* TER._preprocess_segment: rstrip, then the tokenizer. The result is the
 * string sacreBLEU returns; TER's words are it split on whitespace. */
void ter_preprocess(const struct ter_opts *o, struct ustr *line, struct ustr *tmp);

#endif
